/** A row as returned by a driver: column name to parsed value. */
export type Row = Record<string, unknown>

/**
 * One database session: a transaction's connection or the whole (single-session) PGlite instance.
 * Statements are parameterised (`$1`, `$2`, ...); `exec` runs parameter-free multi-statement SQL.
 */
export interface SqlSession {
  query<R extends object = Row>(text: string, values?: readonly unknown[]): Promise<R[]>
  exec(text: string): Promise<void>
}

/**
 * COPY text-format rows into `target` (`schema.table (columns)`), as the first statement of a
 * transaction: the chunks are consumed lazily, in order, while the rows are sent.
 */
export interface CopyInto {
  readonly target: string
  readonly chunks: Iterable<string>
}

/**
 * The seam between the Store and a database driver. Two implementations: node-postgres (a pool) and
 * PGlite (one in-process session). Everything above it is plain SQL, identical on both engines.
 */
export interface SqlExecutor extends SqlSession {
  /** Which engine runs the SQL (diagnostics). */
  readonly engine: 'pg' | 'pglite'
  /** Whether {@link SqlExecutor.copyTransaction} is available. */
  readonly canCopy: boolean
  /** Runs `fn` inside BEGIN ... COMMIT on one session; rolls back when it throws. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>
  /**
   * {@link SqlExecutor.transaction} whose first statement is a COPY of `copy`'s rows; `fn` runs after it,
   * in the same transaction. Rolls back when the COPY or `fn` throws. On a server the BEGIN travels with
   * the COPY (one round trip for both); PGlite reads the rows from a Blob (`FROM '/dev/blob'`).
   * Throws when {@link SqlExecutor.canCopy} is false.
   */
  copyTransaction<T>(copy: CopyInto, fn: (session: SqlSession) => Promise<T>): Promise<T>
  /** Releases what the executor owns (a pool or PGlite it created); leaves borrowed ones open. */
  close(): Promise<void>
}
