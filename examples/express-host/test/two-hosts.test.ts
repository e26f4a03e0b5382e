import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import type { Reply } from './host.ts'
import { post, SECRETS, tenant } from './host.ts'
import type { HostProcess } from './host-process.ts'
import { spawnHost } from './host-process.ts'
import { zohoStudent } from './zoho-fixtures.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the real PostgreSQL server (store-pg's global setup). */
    databaseUrl: string
  }
}

// Two host processes on one real PostgreSQL, as a deployment runs them, with a short lease. A host is
// "frozen" with SIGSTOP (a long GC pause, a blocked event loop, a suspended VM look the same to the
// others) and woken with SIGCONT. To freeze a host *while it holds a claim*, the test locks the records
// table against writes: the host claims the delivery, reads, then waits for the lock in its upsert.
const LEASE_MS = 3000
const TENANT = 'acme'
const database = `edusync_two_hosts_${randomBytes(4).toString('hex')}`
let admin: pg.Pool
let db: pg.Pool
let hostA: HostProcess
let hostB: HostProcess

beforeAll(async () => {
  const server = inject('databaseUrl')
  admin = new pg.Pool({ connectionString: server, max: 1 })
  await admin.query(`CREATE DATABASE ${database}`)
  const url = new URL(server)
  url.pathname = `/${database}`
  db = new pg.Pool({ connectionString: url.toString(), max: 4 })
  // Idle connections are cut when the database is dropped at the end; nothing to report then.
  db.on('error', () => {})
  const env = {
    DATABASE_URL: url.toString(),
    DATABASE_POOL_SIZE: '4',
    IDEMPOTENCY_LEASE_MS: String(LEASE_MS),
    EDUSYNC_TENANTS: JSON.stringify({ [TENANT]: tenant() }),
  }
  // One after the other: the first applies the migrations.
  hostA = await spawnHost(env)
  hostB = await spawnHost(env)
}, 60_000)

afterAll(async () => {
  await hostA?.stop()
  await hostB?.stop()
  await db?.end()
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  await admin?.end()
})

const webhook = (host: HostProcess) => `${host.url}/webhooks/${TENANT}/zoho/BTEC_Students`
const headers = (key: string) => ({ 'x-edusync-secret': SECRETS.zohoSecret, 'idempotency-key': key })
const delivery = (id: string) => ({ data: [zohoStudent({ id, Program: null })] })
const waitFor = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 15_000, interval: 50 })

// Whatever a failed test left behind must not block the next one: a held lock, a frozen host.
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  hostA.signal('SIGCONT')
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** Blocks every write to the records table until `release` (reads go on). */
async function lockRecords() {
  const client = await db.connect()
  await client.query('BEGIN')
  await client.query('LOCK TABLE edusync.records IN EXCLUSIVE MODE')
  let released = false
  const release = async () => {
    if (released) return
    released = true
    await client.query('COMMIT')
    client.release()
  }
  cleanups.push(release)
  return { release }
}

/** Server processes of this database waiting for a lock (a host's upsert behind {@link lockRecords}). */
async function lockWaiters(): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  )
  return rows.map((r) => r.pid)
}

interface ClaimRow {
  state: string
  token: string
  expired: boolean
  response: { body: Reply } | null
}

/** The idempotency row of a delivery sent with `Idempotency-Key: key`. */
async function claimRow(key: string): Promise<ClaimRow | undefined> {
  const { rows } = await db.query<ClaimRow>(
    `SELECT state, claim_token AS token, expires_at <= clock_timestamp() AS expired, response
       FROM edusync.idempotency_keys WHERE tenant = $1 AND key = $2`,
    [TENANT, `zoho:key:${key}`],
  )
  return rows[0]
}

async function storedCount(ids: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM edusync.records WHERE tenant = $1 AND entity = 'student' AND id = ANY($2)`,
    [TENANT, ids],
  )
  return rows[0]?.n ?? 0
}

/** A's claim on `key` held while A waits on the locked table; then A is frozen until its lease runs out. */
async function freezeWhileHolding(key: string, id: string) {
  const lock = await lockRecords()
  const fromA = post(webhook(hostA), delivery(id), headers(key))
  await waitFor(async () => expect(await lockWaiters()).toHaveLength(1))
  const [pidA] = await lockWaiters()
  const claimA = await claimRow(key)
  expect(claimA?.state).toBe('in_progress')
  hostA.signal('SIGSTOP')
  // No heartbeat from a frozen host: its lease runs out.
  await waitFor(async () => expect((await claimRow(key))?.expired).toBe(true))
  return { lock, fromA, pidA, tokenA: claimA?.token }
}

const lostLine = (step: string) =>
  new RegExp(`"msg":"idempotency claim lost to another delivery; not overwritten"[^\\n]*"step":"${step}"`)

describe('two hosts on one PostgreSQL: a host frozen past its lease', () => {
  it('cannot complete the claim the other host took over: the other host answer is the one kept', async () => {
    const id = '4876876000004400201'
    const { lock, fromA, tokenA } = await freezeWhileHolding('freeze-complete', id)

    const fromB = post(webhook(hostB), delivery(id), headers('freeze-complete'))
    await waitFor(async () => expect(await lockWaiters()).toHaveLength(2))
    const tokenB = (await claimRow('freeze-complete'))?.token
    expect(tokenB).toBeDefined()
    expect(tokenB).not.toBe(tokenA)

    // The writes go through (A's statement was already on the server), and B finishes while A is frozen.
    await lock.release()
    const b = await fromB
    expect(b.status).toBe(200)
    const completed = await claimRow('freeze-complete')
    expect([completed?.state, completed?.token]).toEqual(['completed', tokenB])
    expect(completed?.response?.body).toEqual(b.body)

    hostA.signal('SIGCONT')
    const a = await fromA
    // A's work was committed, so its sender gets its real answer; but it could not record it.
    expect(a.status).toBe(200)
    expect(a.body.outcomes[0]?.status).not.toBe(b.body.outcomes[0]?.status)
    await waitFor(async () => expect(hostA.output()).toMatch(lostLine('complete')))
    const after = await claimRow('freeze-complete')
    expect([after?.state, after?.token, after?.response?.body]).toEqual(['completed', tokenB, b.body])

    const replay = await post(webhook(hostA), delivery(id), headers('freeze-complete'))
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([200, 'true'])
    expect(replay.body).toEqual(b.body)
    expect(await storedCount([id])).toBe(1)
  })

  it('cannot release the claim the other host took over: duplicates still wait for it', async () => {
    const id = '4876876000004400202'
    const { lock, fromA, pidA, tokenA } = await freezeWhileHolding('freeze-release', id)
    // A's database connection drops while it is frozen, so its processing fails when it wakes.
    await db.query('SELECT pg_terminate_backend($1)', [pidA])
    await waitFor(async () => expect(await lockWaiters()).toEqual([]))

    const fromB = post(webhook(hostB), delivery(id), headers('freeze-release'))
    await waitFor(async () => expect(await lockWaiters()).toHaveLength(1))
    const tokenB = (await claimRow('freeze-release'))?.token
    expect(tokenB).toBeDefined()
    expect(tokenB).not.toBe(tokenA)

    hostA.signal('SIGCONT')
    const a = await fromA
    expect(a.status).toBeGreaterThanOrEqual(500)
    await waitFor(async () => expect(hostA.output()).toMatch(lostLine('release')))
    // B's claim is still live: had A released it, this duplicate would be processed a third time.
    const held = await claimRow('freeze-release')
    expect([held?.state, held?.token]).toEqual(['in_progress', tokenB])
    const duplicate = await post(webhook(hostA), delivery(id), headers('freeze-release'))
    expect(duplicate.status).toBe(409)
    expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(duplicate.headers.get('retry-after'))).toBeLessThanOrEqual(Math.ceil(LEASE_MS / 1000))

    await lock.release()
    const b = await fromB
    expect([b.status, b.body.outcomes[0]?.status]).toEqual([200, 'NEW'])
    expect((await claimRow('freeze-release'))?.token).toBe(tokenB)
    expect(await storedCount([id])).toBe(1)
  })
})

describe('two hosts on one PostgreSQL: a host killed mid-delivery', () => {
  it('has its in-flight deliveries processed on the other host within the configured lease', async () => {
    const ids = ['4876876000004400301', '4876876000004400302', '4876876000004400303']
    const keys = ids.map((_, n) => `killed-${n}`)
    const lock = await lockRecords()
    const inFlight = ids.map((id, n) =>
      post(webhook(hostA), delivery(id), headers(keys[n] ?? '')).catch(() => 'connection lost'),
    )
    await waitFor(async () => {
      const rows = await Promise.all(keys.map(claimRow))
      expect(rows.map((r) => r?.state)).toEqual(keys.map(() => 'in_progress'))
      expect((await lockWaiters()).length).toBeGreaterThanOrEqual(1)
    })
    await hostA.stop()
    expect(await Promise.all(inFlight)).toEqual(ids.map(() => 'connection lost'))
    await lock.release()

    // Each sender retries on the surviving host, waiting what Retry-After says: never more than the lease.
    const lease = Math.ceil(LEASE_MS / 1000)
    for (const [n, id] of ids.entries()) {
      const answers: (number | string)[] = []
      let reply = await post(webhook(hostB), delivery(id), headers(keys[n] ?? ''))
      while (reply.status === 409 && answers.length < 5) {
        const retryAfter = Number(reply.headers.get('retry-after'))
        answers.push(retryAfter)
        expect(retryAfter).toBeGreaterThanOrEqual(1)
        expect(retryAfter).toBeLessThanOrEqual(lease)
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000))
        reply = await post(webhook(hostB), delivery(id), headers(keys[n] ?? ''))
      }
      expect(reply.status).toBe(200)
      expect(['NEW', 'UNCHANGED']).toContain(reply.body.outcomes[0]?.status)
      // One wait of at most the lease was enough: the dead host's claim was taken over, not waited out.
      expect(answers.length).toBeLessThanOrEqual(1)
    }
    expect(await storedCount(ids)).toBe(3)
  })
})
