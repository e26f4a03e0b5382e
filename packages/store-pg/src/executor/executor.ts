/** A row as returned by a driver: column name to parsed value. */
export type Row = Record<string, unknown>

/**
 * One database session: a transaction's connection or the whole (single-session) PGlite instance.
 * Statements are parameterised (`$1`, `$2`, ...); `exec` runs parameter-free multi-statement SQL.
 */
export interface SqlSession {
  query<R extends object = Row>(text: string, values?: readonly unknown[]): Promise<R[]>
  exec(text: string): Promise<void>
  /**
   * Streams `COPY ... FROM STDIN` text-format data; absent when the engine has no COPY protocol
   * (PGlite), in which case callers use the set-based statements instead.
   */
  readonly copyFrom?: (statement: string, chunks: Iterable<string>) => Promise<void>
}

/**
 * The seam between the Store and a database driver. Two implementations: node-postgres (a pool) and
 * PGlite (one in-process session). Everything above it is plain SQL, identical on both engines.
 */
export interface SqlExecutor extends SqlSession {
  /** Which engine runs the SQL (diagnostics, and the COPY fast path is pg only). */
  readonly engine: 'pg' | 'pglite'
  /** Whether transaction sessions offer {@link SqlSession.copyFrom}. */
  readonly canCopy: boolean
  /** Runs `fn` inside BEGIN ... COMMIT on one session; rolls back when it throws. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>
  /** Releases what the executor owns (a pool or PGlite it created); leaves borrowed ones open. */
  close(): Promise<void>
}
