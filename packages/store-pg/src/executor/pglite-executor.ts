import type { CopyInto, SqlExecutor, SqlSession } from './executor.ts'

/** The statement-running slice of PGlite, shared by the instance and its transactions. */
export interface PgliteQueryable {
  /** `options.blob` is what `COPY ... FROM '/dev/blob'` reads. */
  query<T>(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[] }>
  exec(text: string): Promise<unknown>
}

/** The slice of a PGlite instance the Store uses (structural, so PGlite stays an optional peer). */
export interface PgliteLike extends PgliteQueryable {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>
  close(): Promise<void>
  readonly closed?: boolean
}

/**
 * Executor over one PGlite instance. PGlite is a single session that serialises its callers, so a
 * transaction excludes every other statement until it ends (PGlite's own `transaction` does that).
 */
export function pgliteExecutor(db: PgliteLike, options: { owned: boolean }): SqlExecutor {
  const session = (q: PgliteQueryable): SqlSession => ({
    async query<R extends object>(text: string, values?: readonly unknown[]) {
      return (await q.query<R>(text, values as unknown[])).rows
    },
    async exec(text: string) {
      await q.exec(text)
    },
  })
  const base = session(db)
  return {
    engine: 'pglite',
    canCopy: true,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => db.transaction((tx) => fn(session(tx))),
    copyTransaction: <T>(copy: CopyInto, fn: (session: SqlSession) => Promise<T>) =>
      db.transaction(async (tx) => {
        // PGlite has no COPY protocol; it reads COPY text from a Blob, in the same transaction.
        const blob = new Blob([...copy.chunks])
        await tx.query(`COPY ${copy.target} FROM '/dev/blob' WITH (ENCODING 'UTF8')`, [], { blob })
        return fn(session(tx))
      }),
    async close() {
      if (options.owned && !db.closed) await db.close()
    },
  }
}
