import { ok, okAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../index.ts'
import type { BatchResult } from '../sync/sync-engine.ts'
import { syncReply } from './responses.ts'
import { createWebhookHandler } from './webhook-handler.ts'

const counts = {
  total: 2,
  new: 1,
  unchanged: 0,
  updated: 0,
  invalid: 0,
  deferred: 0,
  error: 1,
  deleted: 0,
  restored: 0,
}
const zero = {
  total: 0,
  new: 0,
  unchanged: 0,
  updated: 0,
  invalid: 0,
  deferred: 0,
  error: 0,
  deleted: 0,
  restored: 0,
}

const withError: BatchResult = {
  entity: 'student',
  counts,
  outcomes: [
    { status: 'NEW', entity: 'student', index: 0, id: 's-1' },
    { status: 'ERROR', entity: 'student', index: 1, id: 's-2', reason: 'could not fingerprint' },
  ],
  replayed: [],
  replayedCounts: zero,
}

describe('a delivery with a record in ERROR', () => {
  it('is answered 500 with every outcome', () => {
    const reply = syncReply(withError)
    expect(reply.status).toBe(500)
    expect(reply.body).toMatchObject({
      counts,
      outcomes: [{ status: 'NEW' }, { status: 'ERROR', id: 's-2' }],
    })
  })

  // Regression: a 200-with-ERROR reply used to be remembered, so the retry was replayed, never processed.
  it('is not remembered: the retry with the same key is processed again', async () => {
    const store = createMemoryStore()
    let calls = 0
    const handle = createWebhookHandler<unknown, undefined>({
      resolveTenant: () => 'acme',
      authenticate: () => okAsync({ scheme: 'bearer' }),
      read: () => ok({}),
      idempotency: { store, sender: 'test' },
      process: () => {
        calls++
        return okAsync(calls === 1 ? syncReply(withError) : { status: 200, body: { done: true } })
      },
    })
    const req = () =>
      new Request('http://h/', { method: 'POST', body: '{}', headers: { 'idempotency-key': 'k-1' } })
    expect((await handle(req(), undefined)).status).toBe(500)
    const retry = await handle(req(), undefined)
    expect(retry.status).toBe(200)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    expect(calls).toBe(2)
    const again = await handle(req(), undefined)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(calls).toBe(2)
  })
})
