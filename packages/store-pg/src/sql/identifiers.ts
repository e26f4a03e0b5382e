/** Quotes an SQL identifier (a schema name) so any characters in it are taken literally. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** Checks a schema name at construction: Postgres truncates identifiers beyond 63 bytes silently. */
export function assertSchemaName(name: string): void {
  const bytes = Buffer.byteLength(name, 'utf8')
  if (bytes === 0 || bytes > 63 || name.includes('\u0000')) {
    throw new TypeError(
      `edusync store-pg: schema must be 1-63 bytes without NUL characters (received ${JSON.stringify(name)})`,
    )
  }
}
