import { createMemoryStore, createSyncEngine } from '@edusync/core'
import type { Finance, StatementResponse } from '@edusync/core/finance'
import { createFinance, createMemoryFinanceStore } from '@edusync/core/finance'
import { invoiceRecord, paymentRecord, schoolRecord, studentRecord } from '@edusync/core/testing'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, inject, it } from 'vitest'
import type { RedisServer } from '../test/redis-server.ts'
import { startRedis } from '../test/redis-server.ts'
import { createRedisStatementCache } from './redis-statement-cache.ts'

const T = 'acme'
const request = {
  tenant: T,
  scope: { kind: 'student', id: 's-1' },
  from: '2026-01-01',
  to: '2026-12-31',
  asOf: '2026-03-01',
} as const

async function financeWith(url: string, halfOpenAfterMs = 60_000) {
  const store = createMemoryStore()
  await createSyncEngine({ store }).syncBatch({
    tenant: T,
    entity: 'student',
    records: [studentRecord('s-1')],
  })
  const cache = createRedisStatementCache({
    url,
    keyPrefix: `t${Math.random().toString(36).slice(2)}:`,
    commandTimeoutMs: 200,
  })
  // The first command also opens the connection, which on a loaded machine can take longer than the
  // 200 ms command timeout; open it here so the tests time what they mean to (a stopped server is still
  // met with the short timeout). Against a stopped server this first read fails, which is fine.
  await cache.get('warm-up')
  const finance = createFinance({
    store,
    finance: createMemoryFinanceStore(),
    cache,
    cacheResilience: { failureThreshold: 2, halfOpenAfterMs, timeoutMs: 300 },
  })
  await finance.syncBatch({ tenant: T, entity: 'school', records: [schoolRecord('school-1')] })
  await finance.syncBatch({
    tenant: T,
    entity: 'invoice',
    records: [invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 10_000 })],
  })
  return { finance, cache }
}

const read = async (finance: Finance): Promise<StatementResponse> =>
  (await finance.statements(request))._unsafeUnwrap()
const pay = async (finance: Finance, id: string, amountMinor: number) =>
  (
    await finance.syncBatch({
      tenant: T,
      entity: 'invoicePayment',
      records: [paymentRecord(id, { invoiceId: 'inv-1', amountMinor })],
    })
  )._unsafeUnwrap()

describe('redis statement cache', () => {
  let own: RedisServer | undefined
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
    await own?.stop()
    own = undefined
  })

  it('serves a cached statement, and a fresh one after a payment (the version moved to a new key)', async () => {
    const { finance, cache } = await financeWith(inject('redisUrl'))
    closers.push(() => cache.close())
    expect((await read(finance)).cache).toBe('miss')
    const hit = await read(finance)
    expect(hit.cache).toBe('hit')
    expect(hit.statements[0]?.closingMinor).toBe(10_000)
    await pay(finance, 'p-1', 4_000)
    const fresh = await read(finance)
    expect(fresh).toMatchObject({ cache: 'miss', statements: [{ closingMinor: 6_000 }] })
  })

  it('keeps answering from the store while Redis is stopped mid-test, never stale, and uses Redis again once it is back', async () => {
    own = await startRedis()
    const { finance, cache } = await financeWith(own.url, 300)
    closers.push(() => cache.close())
    expect((await read(finance)).cache).toBe('miss')
    expect((await read(finance)).cache).toBe('hit')

    await own.stop()
    const during = [await read(finance), await read(finance), await read(finance)]
    for (const r of during)
      expect(r).toMatchObject({ cache: 'bypass', statements: [{ closingMinor: 10_000 }] })
    expect(finance.cacheState).toBe('open')
    // A payment committed while the cache is down: the next statement must include it.
    await pay(finance, 'p-1', 2_500)
    expect(await read(finance)).toMatchObject({ cache: 'bypass', statements: [{ closingMinor: 7_500 }] })

    own = await startRedis(own.port)
    let back: StatementResponse | undefined
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 350))
      back = await read(finance)
      expect(back.statements[0]?.closingMinor).toBe(7_500)
      if (back.cache !== 'bypass') break
    }
    expect(back?.cache).toBe('miss')
    expect(finance.cacheState).toBe('closed')
    expect(await read(finance)).toMatchObject({ cache: 'hit', statements: [{ closingMinor: 7_500 }] })
  })

  it('reports a value that is not JSON as Corrupt', async () => {
    const client = new Redis(inject('redisUrl'))
    closers.push(async () => void (await client.quit()))
    await client.set('corrupt:k', '{not json', 'PX', 10_000)
    const cache = createRedisStatementCache({ client, keyPrefix: 'corrupt:' })
    expect((await cache.get('k'))._unsafeUnwrapErr().reason).toBe('Corrupt')
  })

  it('fails fast with Unavailable when nothing listens', async () => {
    const cache = createRedisStatementCache({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 })
    closers.push(() => cache.close())
    const started = Date.now()
    const r = await cache.get('k')
    expect(r._unsafeUnwrapErr().reason).toBe('Unavailable')
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
