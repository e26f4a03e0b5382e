import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PushLedger } from '../push/push-ledger.ts'
import { fp, T1, T2 } from './conformance-data.ts'

/** Options of {@link describePushLedgerConformance}. */
export interface PushLedgerConformanceOptions {
  /** Creates a fresh, empty ledger (called before every test). */
  readonly create: () => Promise<PushLedger>
  /** Cleans up after each test (the suite calls `close` first when the ledger has one). */
  readonly teardown?: (ledger: PushLedger) => Promise<void>
}

const QB = 'quickbooks'
const t0 = new Date('2026-11-30T10:00:00.000Z')
const at = (ms: number) => new Date(t0.getTime() + ms)
const claimOf = (worker: string, extra: { limit?: number; ids?: string[]; now?: Date } = {}) => ({
  worker,
  limit: extra.limit ?? 100,
  leaseMs: 60_000,
  now: extra.now ?? t0,
  ...(extra.ids ? { ids: extra.ids } : {}),
})

/**
 * The shared conformance suite every {@link PushLedger} must pass unmodified: tracking, due rules,
 * exactly-once claims, lease takeover, outcomes, counts, paging, retries and isolation.
 *
 * @example
 * ```ts
 * describePushLedgerConformance('memory', { create: async () => createMemoryPushLedger() })
 * ```
 */
export function describePushLedgerConformance(name: string, options: PushLedgerConformanceOptions): void {
  describe(`PushLedger conformance: ${name}`, () => {
    let ledger: PushLedger
    beforeEach(async () => {
      ledger = await options.create()
    })
    afterEach(async () => {
      await ledger.close?.()
      await options.teardown?.(ledger)
    })
    // Every implementation runs every test: a Store that cannot pass one does not conform.
    const test = (title: string, body: () => Promise<void>) => it(title, body)
    const track = (ids: string[], label = 'v1', tenant = T1) =>
      ledger.track(
        tenant,
        QB,
        'student',
        ids.map((id) => ({ id, fingerprint: fp(`${id}:${label}`) })),
        { now: t0 },
      )
    const synced = (id: string, label = 'v1', targetId = `qb-${id}`) => ({
      id,
      result: 'synced' as const,
      fingerprint: fp(`${id}:${label}`),
      targetId,
      pushedBy: 'registrar@school',
    })

    test('track adds new records as pending and reports unchanged ones', async () => {
      expect((await track(['s1', 's2']))._unsafeUnwrap()).toEqual({
        added: ['s1', 's2'],
        changed: [],
        unchanged: [],
      })
      expect((await track(['s1', 's3']))._unsafeUnwrap()).toEqual({
        added: ['s3'],
        changed: [],
        unchanged: ['s1'],
      })
      const entries = (await ledger.read(T1, QB, 'student', ['s1', 'zz']))._unsafeUnwrap()
      expect([...entries.keys()]).toEqual(['s1'])
      const e = entries.get('s1')
      expect(e).toMatchObject({
        entity: 'student',
        recordId: 's1',
        status: 'pending',
        fingerprint: fp('s1:v1'),
        pushedFingerprint: null,
        targetId: null,
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
        claimedBy: null,
        pushedBy: null,
        pushedAt: null,
      })
      expect(e?.updatedAt).toBeInstanceOf(Date)
    })

    test('claim takes due entries lowest id first up to the limit and marks them in progress', async () => {
      await track(['s3', 's1', 's2'])
      const claimed = (await ledger.claim(T1, QB, 'student', claimOf('w1', { limit: 2 })))._unsafeUnwrap()
      expect(claimed.map((e) => e.recordId)).toEqual(['s1', 's2'])
      expect(claimed[0]).toMatchObject({ status: 'in_progress', claimedBy: 'w1' })
      expect(claimed[0]?.leaseUntil?.getTime()).toBe(t0.getTime() + 60_000)
      const other = (await ledger.claim(T1, QB, 'student', claimOf('w2')))._unsafeUnwrap()
      expect(other.map((e) => e.recordId)).toEqual(['s3'])
    })

    test('claim restricted to ids only takes those', async () => {
      await track(['s1', 's2', 's3'])
      const claimed = (
        await ledger.claim(T1, QB, 'student', claimOf('w1', { ids: ['s3', 's2', 'nope'] }))
      )._unsafeUnwrap()
      expect(claimed.map((e) => e.recordId)).toEqual(['s2', 's3'])
    })

    test('claim gives each entry to exactly one of concurrent workers', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(2, '0')}`)
      await track(ids)
      const claims = await Promise.all(
        ['w1', 'w2', 'w3', 'w4'].map((w) => ledger.claim(T1, QB, 'student', claimOf(w, { limit: 15 }))),
      )
      const got = claims.flatMap((c) => c._unsafeUnwrap().map((e) => e.recordId))
      expect(new Set(got).size).toBe(got.length)
      expect(got.length).toBe(40)
    })

    test("claim re-takes the same worker's claims and another worker's only after the lease", async () => {
      await track(['s1'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      expect(
        (await ledger.claim(T1, QB, 'student', claimOf('w2', { now: at(59_999) })))._unsafeUnwrap(),
      ).toEqual([])
      expect(
        (await ledger.claim(T1, QB, 'student', claimOf('w1', { now: at(1) })))._unsafeUnwrap(),
      ).toHaveLength(1)
      const taken = (
        await ledger.claim(T1, QB, 'student', claimOf('w2', { now: at(120_000) }))
      )._unsafeUnwrap()
      expect(taken.map((e) => e.claimedBy)).toEqual(['w2'])
    })

    test('complete synced stores the pushed version and the entry is no longer due', async () => {
      await track(['s1'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      const done = (
        await ledger.complete(T1, QB, 'student', 'w1', [synced('s1')], { now: at(5) })
      )._unsafeUnwrap()
      expect(done).toEqual({ applied: ['s1'], lost: [] })
      const e = (await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')
      expect(e).toMatchObject({
        status: 'synced',
        pushedFingerprint: fp('s1:v1'),
        targetId: 'qb-s1',
        pushedBy: 'registrar@school',
        claimedBy: null,
        leaseUntil: null,
        attempts: 0,
      })
      expect(e?.pushedAt?.getTime()).toBe(at(5).getTime())
      expect((await ledger.claim(T1, QB, 'student', claimOf('w1', { now: at(10) })))._unsafeUnwrap()).toEqual(
        [],
      )
      expect((await track(['s1']))._unsafeUnwrap().unchanged).toEqual(['s1'])
    })

    test('a changed fingerprint makes a synced entry pending and changing it back makes it synced', async () => {
      await track(['s1'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      await ledger.complete(T1, QB, 'student', 'w1', [synced('s1')])
      expect((await track(['s1'], 'v2'))._unsafeUnwrap().changed).toEqual(['s1'])
      let e = (await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')
      expect(e).toMatchObject({
        status: 'pending',
        fingerprint: fp('s1:v2'),
        pushedFingerprint: fp('s1:v1'),
        targetId: 'qb-s1',
      })
      await track(['s1'], 'v1')
      e = (await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')
      expect(e?.status).toBe('synced')
    })

    test('a record changed during its push is pending again after the push completes', async () => {
      await track(['s1'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      await track(['s1'], 'v2')
      expect((await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')?.status).toBe(
        'in_progress',
      )
      await ledger.complete(T1, QB, 'student', 'w1', [synced('s1', 'v1')])
      const e = (await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')
      expect(e).toMatchObject({ status: 'pending', fingerprint: fp('s1:v2'), pushedFingerprint: fp('s1:v1') })
    })

    test('complete failed counts attempts and the entry is due at its retry time', async () => {
      await track(['s1'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      const failure = {
        id: 's1',
        result: 'failed' as const,
        fingerprint: fp('s1:v1'),
        error: 'Validation 2050 at GivenName',
        retryAt: at(1_000),
      }
      await ledger.complete(T1, QB, 'student', 'w1', [failure])
      const e = (await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')
      expect(e).toMatchObject({ status: 'failed', attempts: 1, lastError: 'Validation 2050 at GivenName' })
      expect(e?.nextAttemptAt?.getTime()).toBe(at(1_000).getTime())
      expect(
        (await ledger.claim(T1, QB, 'student', claimOf('w1', { now: at(999) })))._unsafeUnwrap(),
      ).toEqual([])
      const again = (await ledger.claim(T1, QB, 'student', claimOf('w1', { now: at(1_000) })))._unsafeUnwrap()
      expect(again.map((x) => x.attempts)).toEqual([1])
      await ledger.complete(T1, QB, 'student', 'w1', [{ ...failure, retryAt: null }])
      const dead = (await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')
      expect(dead).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: null })
      expect(
        (await ledger.claim(T1, QB, 'student', claimOf('w1', { now: at(10_000_000) })))._unsafeUnwrap(),
      ).toEqual([])
    })

    test('complete ignores outcomes from a worker that lost its claim', async () => {
      await track(['s1'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      await ledger.claim(T1, QB, 'student', claimOf('w2', { now: at(120_000) }))
      const done = (await ledger.complete(T1, QB, 'student', 'w1', [synced('s1')]))._unsafeUnwrap()
      expect(done).toEqual({ applied: [], lost: ['s1'] })
      const e = (await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')
      expect(e).toMatchObject({ status: 'in_progress', claimedBy: 'w2', pushedFingerprint: null })
    })

    test('release gives claims back without counting an attempt', async () => {
      await track(['s1', 's2'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      await ledger.release(T1, QB, 'student', 'w1', ['s1', 's2'])
      const entries = (await ledger.read(T1, QB, 'student', ['s1', 's2']))._unsafeUnwrap()
      expect([...entries.values()].map((e) => [e.status, e.attempts, e.claimedBy])).toEqual([
        ['pending', 0, null],
        ['pending', 0, null],
      ])
      expect((await ledger.claim(T1, QB, 'student', claimOf('w2')))._unsafeUnwrap()).toHaveLength(2)
    })

    test('retry makes failed entries due again with attempts reset', async () => {
      await track(['s1', 's2'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      const fail = (id: string) => ({
        id,
        result: 'failed' as const,
        fingerprint: fp(`${id}:v1`),
        error: 'boom',
        retryAt: null,
      })
      await ledger.complete(T1, QB, 'student', 'w1', [fail('s1'), fail('s2')])
      expect((await ledger.retry(T1, QB, 'student', ['s1']))._unsafeUnwrap()).toBe(1)
      expect((await ledger.retry(T1, QB, 'student'))._unsafeUnwrap()).toBe(1)
      const claimed = (await ledger.claim(T1, QB, 'student', claimOf('w1', { now: at(1) })))._unsafeUnwrap()
      expect(claimed.map((e) => [e.recordId, e.attempts, e.lastError])).toEqual([
        ['s1', 0, 'boom'],
        ['s2', 0, 'boom'],
      ])
    })

    test('counts and list report per status, paged by record id', async () => {
      await track(['s1', 's2', 's3', 's4'])
      await ledger.track(T1, QB, 'applicant', [{ id: 'a1', fingerprint: fp('a1') }])
      await ledger.claim(T1, QB, 'student', claimOf('w1', { ids: ['s1', 's2', 's3'] }))
      await ledger.complete(T1, QB, 'student', 'w1', [
        synced('s1'),
        { id: 's2', result: 'failed', fingerprint: fp('s2:v1'), error: 'x', retryAt: null },
      ])
      const counts = (await ledger.counts(T1, QB))._unsafeUnwrap()
      expect(Object.fromEntries(counts)).toEqual({
        student: { pending: 1, in_progress: 1, synced: 1, failed: 1 },
        applicant: { pending: 1, in_progress: 0, synced: 0, failed: 0 },
      })
      const only = (await ledger.counts(T1, QB, ['student', 'teacher']))._unsafeUnwrap()
      expect(Object.fromEntries(only)).toEqual({
        student: { pending: 1, in_progress: 1, synced: 1, failed: 1 },
        teacher: { pending: 0, in_progress: 0, synced: 0, failed: 0 },
      })
      const page1 = (await ledger.list(T1, QB, 'student', { limit: 2 }))._unsafeUnwrap()
      expect(page1.map((e) => e.recordId)).toEqual(['s1', 's2'])
      const page2 = (await ledger.list(T1, QB, 'student', { limit: 2, after: 's2' }))._unsafeUnwrap()
      expect(page2.map((e) => e.recordId)).toEqual(['s3', 's4'])
      const failed = (await ledger.list(T1, QB, 'student', { status: 'failed' }))._unsafeUnwrap()
      expect(failed.map((e) => e.recordId)).toEqual(['s2'])
    })

    test('list with deadLetters shows only failed entries without a next attempt', async () => {
      await track(['s1', 's2', 's3'])
      await ledger.claim(T1, QB, 'student', claimOf('w1'))
      await ledger.complete(T1, QB, 'student', 'w1', [
        { id: 's1', result: 'failed', fingerprint: fp('s1:v1'), error: 'parked', retryAt: null },
        { id: 's2', result: 'failed', fingerprint: fp('s2:v1'), error: 'later', retryAt: at(60_000) },
        synced('s3'),
      ])
      const dead = (await ledger.list(T1, QB, 'student', { deadLetters: true }))._unsafeUnwrap()
      expect(dead.map((e) => [e.recordId, e.lastError, e.nextAttemptAt])).toEqual([['s1', 'parked', null]])
      await ledger.retry(T1, QB, 'student', ['s1'])
      expect((await ledger.list(T1, QB, 'student', { deadLetters: true }))._unsafeUnwrap()).toEqual([])
    })

    test('tenants and targets never see each other', async () => {
      await track(['s1'])
      expect((await ledger.read(T2, QB, 'student', ['s1']))._unsafeUnwrap().size).toBe(0)
      expect((await ledger.read(T1, 'moodle', 'student', ['s1']))._unsafeUnwrap().size).toBe(0)
      expect((await ledger.claim(T2, QB, 'student', claimOf('w1')))._unsafeUnwrap()).toEqual([])
      expect((await ledger.claim(T1, 'moodle', 'student', claimOf('w1')))._unsafeUnwrap()).toEqual([])
      expect((await ledger.counts(T2, QB))._unsafeUnwrap().size).toBe(0)
      await track(['s1'], 'other', T2)
      expect((await ledger.read(T1, QB, 'student', ['s1']))._unsafeUnwrap().get('s1')?.fingerprint).toBe(
        fp('s1:v1'),
      )
    })
  })
}
