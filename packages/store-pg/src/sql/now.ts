/**
 * The Store's clock, in SQL: the statement's start, truncated to milliseconds. One value for a whole
 * statement (a batch's rows share it, like the memory Store's) and exactly representable as a JS Date,
 * so a timestamp read back compares equal to the one written.
 */
export const NOW = `date_trunc('milliseconds', statement_timestamp())`
