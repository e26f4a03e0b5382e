import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PushLedger } from '../push/push-ledger.ts'
import type { OutboxTargets } from '../push/push-outbox.ts'
import { deletedFingerprint } from '../push/push-outbox.ts'
import type { Store } from '../store/store.ts'
import { fp, T1, T2 } from './conformance-data.ts'

/** What {@link describePushOutboxConformance} tests: a Store writing through an outbox into a ledger. */
export interface OutboxPair {
  readonly store: Store
  /** The ledger the Store's outbox writes into. */
  readonly ledger: PushLedger
}

/** Options of {@link describePushOutboxConformance}. */
export interface PushOutboxConformanceOptions {
  /**
   * Creates a fresh, empty Store whose outbox uses `targets` (called before every test), and the ledger
   * it writes into.
   */
  readonly create: (targets: OutboxTargets) => Promise<OutboxPair>
  /** Cleans up after each test (the suite closes the Store first). */
  readonly teardown?: (pair: OutboxPair) => Promise<void>
}

/** The target the suite switches on, for tenant T1's students and payments only. */
export const OUTBOX_TARGET = 'dashboard'

const targets: OutboxTargets = (tenant, entity) =>
  tenant === T1 && (entity === 'student' || entity === 'payment') ? [OUTBOX_TARGET] : []

const write = (id: string, label = 'v1') => ({ id, fingerprint: fp(`${id}:${label}`), data: { id, label } })
const worker = { worker: 'w1', limit: 10_000, leaseMs: 60_000 }

/**
 * The shared conformance suite of a Store's push outbox (see `PushOutbox`): changes are tracked in the
 * push ledger by the write itself, only for the targets switched on, deletes as delete fingerprints,
 * nothing for unchanged, parked or refused writes. Every Store offering an outbox runs it unmodified.
 *
 * @example
 * ```ts
 * describePushOutboxConformance('memory', {
 *   create: async (targets) => {
 *     const ledger = createMemoryPushLedger()
 *     return { ledger, store: createMemoryStore({ outbox: { targets, ledger } }) }
 *   },
 * })
 * ```
 */
export function describePushOutboxConformance(name: string, options: PushOutboxConformanceOptions): void {
  describe(`PushOutbox conformance: ${name}`, () => {
    let pair: OutboxPair
    beforeEach(async () => {
      pair = await options.create(targets)
    })
    afterEach(async () => {
      await pair.store.close()
      await options.teardown?.(pair)
    })
    const entries = async (entity = 'student', tenant = T1) =>
      (await pair.ledger.list(tenant, OUTBOX_TARGET, entity, { limit: 10_000 }))._unsafeUnwrap()
    const apply = (upserts: ReturnType<typeof write>[], entity = 'student', tenant = T1) =>
      pair.store.applyBatch(tenant, entity, { upserts, park: [], unpark: [] })

    it('tracks inserted and updated records with the written fingerprint', async () => {
      ;(await apply([write('s1'), write('s2')]))._unsafeUnwrap()
      expect((await entries()).map((e) => [e.recordId, e.status, e.fingerprint])).toEqual([
        ['s1', 'pending', fp('s1:v1')],
        ['s2', 'pending', fp('s2:v1')],
      ])
      ;(await apply([write('s1', 'v2')]))._unsafeUnwrap()
      expect((await entries()).map((e) => e.fingerprint)).toEqual([fp('s1:v2'), fp('s2:v1')])
    })

    it('leaves a synced entry synced when the same version is written again', async () => {
      await apply([write('s1')])
      const [claimed] = (await pair.ledger.claim(T1, OUTBOX_TARGET, 'student', worker))._unsafeUnwrap()
      expect(claimed?.recordId).toBe('s1')
      await pair.ledger.complete(T1, OUTBOX_TARGET, 'student', 'w1', [
        { id: 's1', result: 'synced', fingerprint: fp('s1:v1'), targetId: 't1' },
      ])
      expect((await apply([write('s1')]))._unsafeUnwrap().get('s1')).toBe('unchanged')
      expect((await entries()).map((e) => e.status)).toEqual(['synced'])
    })

    it('tracks nothing for entities and tenants whose targets are off', async () => {
      await apply([write('c1')], 'class')
      await apply([write('s1')], 'student', T2)
      expect(await entries('class')).toEqual([])
      expect(await entries('student', T2)).toEqual([])
    })

    it('tracks nothing for parked records nor for a refused batch', async () => {
      ;(
        await pair.store.applyBatch(T1, 'payment', {
          upserts: [],
          park: [{ ...write('p1'), waitingFor: [{ entity: 'registration', id: 'r1' }] }],
          unpark: [],
        })
      )._unsafeUnwrap()
      const refused = await apply(
        [write('p2'), { id: 'p3', fingerprint: 'not-a-fingerprint', data: { id: 'p3', label: 'v1' } }],
        'payment',
      )
      expect(refused.isErr()).toBe(true)
      expect(await entries('payment')).toEqual([])
    })

    it('tracks a large first load (a bulk path) in full', async () => {
      const many = Array.from({ length: 1200 }, (_, i) => write(`s${String(i).padStart(5, '0')}`))
      ;(await apply(many))._unsafeUnwrap()
      const tracked = await entries()
      expect(tracked).toHaveLength(1200)
      expect(tracked.every((e) => e.status === 'pending')).toBe(true)
    })

    it('tracks deletes with the delete fingerprint, once, and a restore with the live one', async () => {
      await apply([write('s1'), write('s2')])
      const del = { entity: 'student', id: 's1', source: 'zoho', reason: 'deleted in CRM' }
      expect((await pair.store.applyDeletes(T1, [del]))._unsafeUnwrap()).toEqual(['deleted'])
      const [s1] = await entries()
      expect(s1?.fingerprint).toBe(deletedFingerprint(fp('s1:v1')))
      expect((await pair.store.applyDeletes(T1, [del]))._unsafeUnwrap()).toEqual(['already_deleted'])
      expect((await entries())[0]?.fingerprint).toBe(deletedFingerprint(fp('s1:v1')))
      await apply([write('s1', 'v2')])
      expect((await entries())[0]?.fingerprint).toBe(fp('s1:v2'))
    })
  })
}
