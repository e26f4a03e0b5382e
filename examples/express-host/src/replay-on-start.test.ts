import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { describe, expect, it } from 'vitest'
import { createLogger } from './logging.ts'
import { replayParkedOnStart } from './replay-on-start.ts'

describe('replayParkedOnStart', () => {
  it('stores parked children whose parent was written by a process that stopped before replaying', async () => {
    const store = createMemoryStore()
    const engine = createSyncEngine({ store })
    const payment = {
      id: 'pay-1',
      registrationId: 'reg-1',
      amount: { minor: 1000, currency: 'USD' },
      paymentDate: '2026-01-15',
    }
    await engine.syncBatch({ tenant: 'acme', entity: 'payment', records: [payment] })
    // The registration reaches the Store, but the process stops before replaying its payment.
    await store.applyBatch('acme', 'registration', {
      upserts: [{ id: 'reg-1', fingerprint: 'f'.repeat(64), data: { id: 'reg-1' } }],
      park: [],
      unpark: [],
    })
    const lines: string[] = []
    const replayed = await replayParkedOnStart(
      store,
      ['acme', 'other'],
      createLogger('info', (l) => lines.push(l)),
    )

    expect(replayed.get('acme')?.map((o) => [o.id, o.status])).toEqual([['pay-1', 'NEW']])
    expect(replayed.get('other')).toEqual([])
    expect((await store.listParked('acme'))._unsafeUnwrap()).toEqual([])
    expect((await store.countRecords('acme', 'payment'))._unsafeUnwrap()).toBe(1)
    expect(lines.some((l) => l.includes('replayed parked records'))).toBe(true)
  })
})
