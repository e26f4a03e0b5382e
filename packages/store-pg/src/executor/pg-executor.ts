import type { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { preparedName } from '../sql/prepared.ts'
import { withArrayLiterals } from './array-param.ts'
import type { CopyInto, SqlExecutor, SqlSession } from './executor.ts'

/** The slice of a node-postgres client the Store uses (structural, so `pg` stays an optional peer). */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  query(config: PgQueryConfig): Promise<{ rows: unknown[] }>
  query(stream: Writable): Writable
  release(destroy?: boolean | Error): void
  on?(event: 'error', listener: (error: Error) => void): unknown
  off?(event: 'error', listener: (error: Error) => void): unknown
}

/** The slice of a node-postgres `Pool` the Store uses. Pass your own to share it with the host. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  query(config: PgQueryConfig): Promise<{ rows: unknown[] }>
  connect(): Promise<PgClientLike>
  end(): Promise<void>
}

/** A node-postgres query config: with a `name`, the statement is prepared once per connection. */
export interface PgQueryConfig {
  readonly name?: string
  readonly text: string
  readonly values?: unknown[]
}

type CopyFrom = (statement: string) => Writable

type Queryable = Pick<PgPoolLike, 'query'>

// A statement marked fixed (sql/prepared.ts) goes out named: node-postgres parses it once per connection and
// afterwards sends only Bind/Execute, and PostgreSQL keeps its plan. Everything else stays unnamed (parsed and
// planned per call), and a query without values keeps the simple protocol, as before.
function run(target: Queryable, text: string, values: readonly unknown[] | undefined, named: boolean) {
  const params = withArrayLiterals(values)
  const name = named && params !== undefined ? preparedName(text) : undefined
  return name === undefined ? target.query(text, params) : target.query({ name, text, values: params })
}

/**
 * Executor over a node-postgres pool. Transactions check out one client; a client whose connection broke
 * mid-transaction is destroyed instead of being returned to the pool. `prepared` (default true) sends the
 * statements marked fixed as named prepared statements.
 */
export function pgExecutor(
  pool: PgPoolLike,
  options: { owned: boolean; copyFrom?: CopyFrom; prepared?: boolean },
): SqlExecutor {
  const copyFrom = options.copyFrom
  const named = options.prepared ?? true
  const session = (client: PgClientLike): SqlSession => ({
    async query<R extends object>(text: string, values?: readonly unknown[]) {
      return (await run(client, text, values, named)).rows as R[]
    },
    async exec(text: string) {
      await client.query(text)
    },
  })

  // One client for BEGIN (sent by `begin`) ... COMMIT. A connection dropped while checked out is also
  // emitted as 'error' on the client; unheard, Node would crash the host. The failure reaches us through
  // the pending query instead, and the broken client is destroyed rather than returned to the pool.
  async function inTransaction<T>(
    begin: (client: PgClientLike) => Promise<unknown>,
    fn: (session: SqlSession) => Promise<T>,
  ): Promise<T> {
    const client = await pool.connect()
    let broken: unknown
    const onError = (error: Error) => {
      broken = error
    }
    client.on?.('error', onError)
    try {
      await begin(client)
      const result = await fn(session(client))
      await client.query('COMMIT')
      return result
    } catch (error) {
      try {
        await client.query('ROLLBACK')
      } catch (rollbackError) {
        // The connection is gone; the server rolls the transaction back itself.
        broken = rollbackError
      }
      throw error
    } finally {
      client.off?.('error', onError)
      client.release(broken instanceof Error ? broken : undefined)
    }
  }

  return {
    engine: 'pg',
    canCopy: copyFrom !== undefined,
    async query<R extends object>(text: string, values?: readonly unknown[]) {
      return (await run(pool, text, values, named)).rows as R[]
    },
    async exec(text: string) {
      await pool.query(text)
    },
    transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
      return inTransaction((client) => client.query('BEGIN'), fn)
    },
    async copyTransaction<T>(copy: CopyInto, fn: (session: SqlSession) => Promise<T>): Promise<T> {
      if (!copyFrom) throw new Error('edusync store-pg: COPY requested without COPY support')
      // BEGIN and COPY in one simple-protocol query: the server runs BEGIN, then asks for the COPY data,
      // so opening the transaction costs no round trip of its own.
      const begin = (client: PgClientLike) =>
        pipeline(batchChunks(copy.chunks), client.query(copyFrom(`BEGIN; COPY ${copy.target} FROM STDIN`)))
      return inTransaction(begin, fn)
    },
    async close() {
      if (options.owned) await pool.end()
    },
  }
}

// Joins many small strings into ~64 KiB writes: one stream write per row would dominate COPY's cost.
async function* batchChunks(chunks: Iterable<string>): AsyncGenerator<string> {
  let buffer = ''
  for (const chunk of chunks) {
    buffer += chunk
    if (buffer.length >= 65_536) {
      yield buffer
      buffer = ''
    }
  }
  if (buffer.length > 0) yield buffer
}
