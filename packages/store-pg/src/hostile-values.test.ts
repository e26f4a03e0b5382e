import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import { ok } from 'neverthrow'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'
import type { PgStoreFatalEvent } from './index.ts'
import { createPgStore } from './index.ts'

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf'
  for (let i = 0; i < depth; i++) v = [v]
  return v
}
const claim = { requestFingerprint: 'f', leaseMs: 60_000, ttlMs: 3_600_000 }

// Claims a key and returns its holder (key + fencing token) for complete/release.
async function hold(store: Store, key: string) {
  const claimed = (await store.claimIdempotencyKey('t', { key, ...claim }))._unsafeUnwrap()
  if (claimed.status !== 'claimed') throw new Error(`expected to claim ${key}, got ${claimed.status}`)
  return { key, token: claimed.token }
}

// Still answers: a claim round trip and a record write on the same store.
async function expectHealthy(store: Store, key: string) {
  const holder = await hold(store, key)
  expect(await store.completeIdempotencyKey('t', holder, { status: 200, body: { ok: true } })).toEqual(
    ok('completed'),
  )
  const written = await createSyncEngine({ store }).syncBatch({
    tenant: 't',
    entity: 'program',
    records: [{ id: `p-${key}`, name: 'HND Business' }],
  })
  expect(written._unsafeUnwrap().counts.new).toBe(1)
}

describe.each<EngineName>(['pg', 'pglite-memory'])('deep values on %s (issue 18)', (engine) => {
  const stores = storeFactory(engine)
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  // Regression: a stored reply holding a ~1,500-deep value crashed PGlite for every tenant until restart.
  it('completeIdempotencyKey refuses a reply nested 1,500 deep as Invalid and the store stays healthy', async () => {
    const store = await stores.create()
    const holder = await hold(store, 'deep')
    const result = await store.completeIdempotencyKey('t', holder, { status: 200, body: nested(1_500) })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect(result._unsafeUnwrapErr().message).toMatch(/nested deeper than 256 levels/)
    await expectHealthy(store, 'after')
  })

  it('createRun refuses metadata nested deeper than maxJsonbDepth', async () => {
    const store = await stores.create({ maxJsonbDepth: 8 })
    const result = await store.createRun('t', { step: 's', metadata: { a: nested(10) } })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.createRun('t', { step: 's', metadata: { a: nested(3) } })).isOk()).toBe(true)
  })

  it('a record with a deep value synced through the engine is INVALID, never a Store failure', async () => {
    const store = await stores.create()
    const result = await createSyncEngine({ store }).syncBatch({
      tenant: 't',
      entity: 'program',
      records: [{ id: 'p1', name: 'x', metadata: nested(2_000) }],
    })
    expect(result._unsafeUnwrap().outcomes[0]).toMatchObject({ status: 'INVALID' })
    await expectHealthy(store, 'engine')
  })
})

describe('deep values without the guard', () => {
  it("a PostgreSQL server refuses or stores them and keeps serving (stack depth is the caller's input)", async () => {
    const stores = storeFactory('pg')
    const store = await stores.create({ maxJsonbDepth: Number.POSITIVE_INFINITY })
    try {
      for (const depth of [1_500, 9_000]) {
        const holder = await hold(store, `k${depth}`)
        const result = await store.completeIdempotencyKey('t', holder, {
          status: 200,
          body: nested(depth),
        })
        if (result.isErr()) expect(result.error.reason).toBe('Invalid')
      }
      await expectHealthy(store, 'pg-after')
    } finally {
      await stores.dispose()
    }
  })

  it('an embedded PGlite on disk that crashes is reported, reopened on the next call, committed data intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edusync-crash-'))
    const events: PgStoreFatalEvent[] = []
    const store = createPgStore({
      dataDir: dir,
      maxJsonbDepth: Number.POSITIVE_INFINITY,
      onFatal: (e) => events.push(e),
    })
    try {
      await createSyncEngine({ store }).syncBatch({
        tenant: 't',
        entity: 'program',
        records: [{ id: 'kept', name: 'HND' }],
      })
      const holder = await hold(store, 'crash')
      const crash = await store.completeIdempotencyKey('t', holder, { status: 200, body: nested(1_500) })
      expect(crash._unsafeUnwrapErr()).toMatchObject({ reason: 'Unavailable' })
      expect(crash._unsafeUnwrapErr().message).toMatch(/failed fatally .*reopened on the next call/)
      expect(events).toEqual([{ error: expect.any(Error), recoverable: true }])
      const after = await store.readRecords('t', 'program', ['kept'])
      expect(after._unsafeUnwrap().get('kept')?.data).toMatchObject({ name: 'HND' })
      await expectHealthy(store, 'reopened')
    } finally {
      try {
        await store.close()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }, 60_000)

  it('an in-memory PGlite that crashes stays Unavailable and tells the host to restart', async () => {
    const events: PgStoreFatalEvent[] = []
    const store = createPgStore({ maxJsonbDepth: Number.POSITIVE_INFINITY, onFatal: (e) => events.push(e) })
    try {
      const holder = await hold(store, 'crash')
      await store.completeIdempotencyKey('t', holder, { status: 200, body: nested(1_500) })
      expect(events).toEqual([{ error: expect.any(Error), recoverable: false }])
      const later = await store.listRuns('t', { limit: 1 })
      expect(later._unsafeUnwrapErr()).toMatchObject({ reason: 'Unavailable' })
      expect(later._unsafeUnwrapErr().message).toMatch(/cannot be reopened in this process; restart it/)
    } finally {
      await store.close()
    }
  }, 60_000)
})
