import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fingerprint } from '../fingerprint/fingerprint.ts'
import type { Store } from '../store/store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { conformanceData, fp, T1, T2 } from './conformance-data.ts'
import { idempotencyConformance } from './idempotency-conformance.ts'
import { tombstoneConformance } from './tombstone-conformance.ts'

/** Options of {@link describeStoreConformance}. */
export interface StoreConformanceOptions {
  /** Creates a fresh, empty Store (called before every test). */
  readonly create: () => Promise<Store>
  /** Cleans up after each test (the suite closes the store first). */
  readonly teardown?: (store: Store) => Promise<void>
}

/**
 * The shared conformance suite every Store must pass unmodified: every method, tenant isolation, rollback
 * on failure and concurrent writers. Call it inside a vitest test file.
 *
 * @example
 * ```ts
 * import { describeStoreConformance } from '@edusync/core/testing'
 * describeStoreConformance('memory', { create: async () => createMemoryStore() })
 * ```
 */
export function describeStoreConformance(name: string, options: StoreConformanceOptions): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store

    beforeEach(async () => {
      store = await options.create()
    })
    afterEach(async () => {
      await store.close()
      await options.teardown?.(store)
    })

    // Every implementation runs every test: a Store that cannot pass one does not conform.
    const test = (title: string, body: () => Promise<void>) => it(title, body)

    // ---- records ---------------------------------------------------------------------------------

    test('readFingerprints omits unknown ids', async () => {
      const result = await store.readFingerprints(T1, 'student', ['missing'])
      expect(result._unsafeUnwrap().size).toBe(0)
    })

    test('applyBatch inserts records and reports them inserted', async () => {
      const { a, b } = conformanceData
      const effects = (
        await store.applyBatch(T1, 'student', { upserts: [a, b], park: [], unpark: [] })
      )._unsafeUnwrap()
      expect(Object.fromEntries(effects)).toEqual({ [a.id]: 'inserted', [b.id]: 'inserted' })
      const fps = (await store.readFingerprints(T1, 'student', [a.id, b.id, 'other']))._unsafeUnwrap()
      expect(Object.fromEntries(fps)).toEqual({ [a.id]: a.fingerprint, [b.id]: b.fingerprint })
      expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(2)
    })

    test('applyBatch reports unchanged for an equal fingerprint and updated for a different one', async () => {
      const { a, b } = conformanceData
      await store.applyBatch(T1, 'student', { upserts: [a, b], park: [], unpark: [] })
      const changedB = { ...b, fingerprint: fp('b2'), data: { ...b.data, lastName: 'Changed' } }
      const effects = (
        await store.applyBatch(T1, 'student', { upserts: [a, changedB], park: [], unpark: [] })
      )._unsafeUnwrap()
      expect(Object.fromEntries(effects)).toEqual({ [a.id]: 'unchanged', [b.id]: 'updated' })
      const stored = (await store.readRecords(T1, 'student', [b.id]))._unsafeUnwrap().get(b.id)
      expect(stored?.fingerprint).toBe(changedB.fingerprint)
      expect(stored?.data).toEqual(changedB.data)
    })

    test('readRecords round-trips data exactly, with updatedAt', async () => {
      const { tricky } = conformanceData
      await store.applyBatch(T1, 'payment', { upserts: [tricky], park: [], unpark: [] })
      const stored = (await store.readRecords(T1, 'payment', [tricky.id, 'missing']))._unsafeUnwrap()
      expect(stored.size).toBe(1)
      const row = stored.get(tricky.id)
      expect(row?.id).toBe(tricky.id)
      expect(row?.data).toEqual(tricky.data)
      expect(row?.fingerprint).toBe(tricky.fingerprint)
      expect(row?.updatedAt).toBeInstanceOf(Date)
    })

    test('existingIds answers for several entities in one call', async () => {
      const { a, program } = conformanceData
      await store.applyBatch(T1, 'student', { upserts: [a], park: [], unpark: [] })
      await store.applyBatch(T1, 'program', { upserts: [program], park: [], unpark: [] })
      const found = (
        await store.existingIds(T1, [
          { entity: 'student', ids: [a.id, 'ghost'] },
          { entity: 'program', ids: [program.id] },
          { entity: 'unit', ids: ['u-1'] },
        ])
      )._unsafeUnwrap()
      expect([...(found.get('student') ?? [])]).toEqual([a.id])
      expect([...(found.get('program') ?? [])]).toEqual([program.id])
      expect(found.get('unit')?.size ?? 0).toBe(0)
    })

    test('applyBatch writes nothing when one row fails', async () => {
      const { a, b, parkedPayment } = conformanceData
      await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
      const broken = { ...b, fingerprint: 'not-a-sha256' }
      const result = await store.applyBatch(T1, 'payment', {
        upserts: [a, broken],
        park: [{ ...parkedPayment, id: 'p-other' }],
        unpark: [parkedPayment.id],
      })
      expect(result.isErr()).toBe(true)
      expect(result._unsafeUnwrapErr().name).toBe('StoreError')
      expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
      expect((await store.countRecords(T1, 'payment'))._unsafeUnwrap()).toBe(0)
      const parked = (await store.listParked(T1))._unsafeUnwrap()
      expect(parked.map((p) => p.id)).toEqual([parkedPayment.id])
    })

    test('applyBatch rejects an empty id with reason Invalid', async () => {
      const { a } = conformanceData
      const result = await store.applyBatch(T1, 'student', {
        upserts: [{ ...a, id: '' }],
        park: [],
        unpark: [],
      })
      expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
      expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(0)
    })

    // Issue 8.4: a NUL character in one record made PostgreSQL refuse the whole batch while the memory
    // Store kept it. Every Store refuses the same text, before writing anything.
    test('applyBatch refuses text PostgreSQL cannot hold (NUL, lone surrogate) with reason Invalid', async () => {
      const { a, b, parkedPayment } = conformanceData
      const cases = [
        { upserts: [a, { ...b, data: { ...b.data, lastName: 'Had\u0000dad' } }], park: [] },
        { upserts: [a, { ...b, data: { ...b.data, lastName: 'Had\uD800dad' } }], park: [] },
        { upserts: [a, { ...b, data: { ...b.data, notes: ['ok', { deep: '\uDC00' }] } }], park: [] },
        { upserts: [a, { ...b, id: 'b\uD83D' }], park: [] },
        { upserts: [a, { ...b, id: 'b\u0000' }], park: [] },
        { upserts: [a], park: [{ ...parkedPayment, data: { ...parkedPayment.data, note: 'x\u0000' } }] },
      ]
      for (const changes of cases) {
        const result = await store.applyBatch(T1, 'student', { ...changes, unpark: [] })
        expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
        expect(result._unsafeUnwrapErr().message).toMatch(/NUL character|lone surrogate/)
      }
      expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(0)
      expect((await store.listParked(T1))._unsafeUnwrap()).toEqual([])
      // A well-formed surrogate pair (an emoji) is ordinary text.
      const emoji = { ...b, data: { ...b.data, lastName: 'Haddad \uD83C\uDF93' } }
      expect((await store.applyBatch(T1, 'student', { upserts: [emoji], park: [], unpark: [] })).isOk()).toBe(
        true,
      )
      const stored = (await store.readRecords(T1, 'student', [b.id]))._unsafeUnwrap().get(b.id)
      expect(stored?.data).toEqual(emoji.data)
    })

    test('applyBatch handles a large batch in one call', async () => {
      const upserts = Array.from({ length: 5000 }, (_, i) => ({
        id: `bulk-${i}`,
        fingerprint: fp(`bulk-${i}`),
        data: { n: i, name: `Student ${i}` },
      }))
      const effects = (
        await store.applyBatch(T1, 'student', { upserts, park: [], unpark: [] })
      )._unsafeUnwrap()
      expect(effects.size).toBe(5000)
      expect((await store.countRecords(T1, 'student'))._unsafeUnwrap()).toBe(5000)
      const fps = (
        await store.readFingerprints(
          T1,
          'student',
          upserts.map((u) => u.id),
        )
      )._unsafeUnwrap()
      expect(fps.get('bulk-4999')).toBe(fp('bulk-4999'))
    })

    // ---- parked records --------------------------------------------------------------------------

    test('parkedWaitingFor finds parked records by the reference they wait for', async () => {
      const { parkedPayment, parkedGrade } = conformanceData
      await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
      await store.applyBatch(T1, 'grade', { upserts: [], park: [parkedGrade], unpark: [] })
      const waiting = (await store.parkedWaitingFor(T1, 'registration', ['reg-1']))._unsafeUnwrap()
      expect(waiting.map((p) => [p.entity, p.id])).toEqual([['payment', parkedPayment.id]])
      expect(waiting[0]?.data).toEqual(parkedPayment.data)
      expect(waiting[0]?.waitingFor).toEqual(parkedPayment.waitingFor)
      const byStudent = (await store.parkedWaitingFor(T1, 'student', ['s-9']))._unsafeUnwrap()
      expect(byStudent.map((p) => p.id)).toEqual([parkedGrade.id])
      expect((await store.parkedWaitingFor(T1, 'registration', ['other']))._unsafeUnwrap()).toEqual([])
    })

    test('listParked lists oldest first, filters by entity and honours limit', async () => {
      const { parkedPayment, parkedGrade } = conformanceData
      await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
      await new Promise((resolve) => setTimeout(resolve, 5))
      await store.applyBatch(T1, 'grade', { upserts: [], park: [parkedGrade], unpark: [] })
      const all = (await store.listParked(T1))._unsafeUnwrap()
      expect(all.map((p) => p.id)).toEqual([parkedPayment.id, parkedGrade.id])
      expect(all[0]?.parkedAt).toBeInstanceOf(Date)
      expect((await store.listParked(T1, { entity: 'grade' }))._unsafeUnwrap().map((p) => p.id)).toEqual([
        parkedGrade.id,
      ])
      expect((await store.listParked(T1, { limit: 1 }))._unsafeUnwrap()).toHaveLength(1)
    })

    test('parking again replaces the parked record and keeps parkedAt', async () => {
      const { parkedPayment } = conformanceData
      await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
      const first = (await store.listParked(T1))._unsafeUnwrap()[0]
      await new Promise((resolve) => setTimeout(resolve, 5))
      const newer = {
        ...parkedPayment,
        fingerprint: fp('newer'),
        data: { ...parkedPayment.data, note: 'v2' },
      }
      await store.applyBatch(T1, 'payment', { upserts: [], park: [newer], unpark: [] })
      const list = (await store.listParked(T1))._unsafeUnwrap()
      expect(list).toHaveLength(1)
      expect(list[0]?.data).toEqual(newer.data)
      expect(list[0]?.fingerprint).toBe(newer.fingerprint)
      expect(list[0]?.parkedAt.getTime()).toBe(first?.parkedAt.getTime())
      expect(list[0]?.updatedAt.getTime()).toBeGreaterThanOrEqual(first?.updatedAt.getTime() ?? 0)
    })

    test('unpark removes parked records in the same atomic batch as the upsert', async () => {
      const { parkedPayment } = conformanceData
      await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
      const write = { id: parkedPayment.id, fingerprint: parkedPayment.fingerprint, data: parkedPayment.data }
      await store.applyBatch(T1, 'payment', { upserts: [write], park: [], unpark: [parkedPayment.id] })
      expect((await store.listParked(T1))._unsafeUnwrap()).toEqual([])
      expect((await store.parkedWaitingFor(T1, 'registration', ['reg-1']))._unsafeUnwrap()).toEqual([])
      expect((await store.countRecords(T1, 'payment'))._unsafeUnwrap()).toBe(1)
    })

    test('purgeParked deletes only records parked before the cut-off', async () => {
      const { parkedPayment, parkedGrade } = conformanceData
      await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
      await store.applyBatch(T1, 'grade', { upserts: [], park: [parkedGrade], unpark: [] })
      expect(
        (await store.purgeParked(T1, { olderThan: new Date(Date.now() - 3_600_000) }))._unsafeUnwrap(),
      ).toBe(0)
      const future = new Date(Date.now() + 3_600_000)
      expect((await store.purgeParked(T1, { olderThan: future, entity: 'grade' }))._unsafeUnwrap()).toBe(1)
      expect((await store.listParked(T1))._unsafeUnwrap().map((p) => p.id)).toEqual([parkedPayment.id])
      expect((await store.purgeParked(T1, { olderThan: future }))._unsafeUnwrap()).toBe(1)
      expect((await store.listParked(T1))._unsafeUnwrap()).toEqual([])
    })

    // ---- links -----------------------------------------------------------------------------------

    test('upsertLinks stores links readable by record and by external id', async () => {
      await store.upsertLinks(T1, [
        { entity: 'student', id: 's-1', system: 'zoho', externalId: '6493490000001291001' },
        { entity: 'student', id: 's-1', system: 'moodle', externalId: '42' },
        { entity: 'student', id: 's-2', system: 'moodle', externalId: '43' },
      ])
      const links = (await store.readLinks(T1, 'student', ['s-1', 's-3']))._unsafeUnwrap()
      expect([...links.keys()]).toEqual(['s-1'])
      expect(links.get('s-1')?.map((l) => [l.system, l.externalId])).toEqual([
        ['moodle', '42'],
        ['zoho', '6493490000001291001'],
      ])
      const found = (
        await store.findByExternalIds(T1, 'moodle', 'student', ['43', '42', '99'])
      )._unsafeUnwrap()
      expect(Object.fromEntries(found)).toEqual({ '42': 's-1', '43': 's-2' })
    })

    test('upsertLinks replaces the external id of an existing link and moves a reused external id', async () => {
      await store.upsertLinks(T1, [{ entity: 'student', id: 's-1', system: 'moodle', externalId: '42' }])
      await store.upsertLinks(T1, [{ entity: 'student', id: 's-1', system: 'moodle', externalId: '77' }])
      expect(
        (await store.readLinks(T1, 'student', ['s-1']))
          ._unsafeUnwrap()
          .get('s-1')
          ?.map((l) => l.externalId),
      ).toEqual(['77'])
      await store.upsertLinks(T1, [{ entity: 'student', id: 's-2', system: 'moodle', externalId: '77' }])
      const found = (await store.findByExternalIds(T1, 'moodle', 'student', ['77']))._unsafeUnwrap()
      expect(found.get('77')).toBe('s-2')
      expect((await store.readLinks(T1, 'student', ['s-1']))._unsafeUnwrap().get('s-1') ?? []).toEqual([])
    })

    // ---- idempotency -----------------------------------------------------------------------------

    idempotencyConformance(test, () => store)

    // ---- inbound events ----------------------------------------------------------------------------

    const moodleEvent = (eventId: string, type = 'user_created') => ({
      source: 'moodle',
      eventId,
      type,
      payload: { event_id: eventId, event_type: type, event_data: { userid: 42, note: "O'Brien \\ $1" } },
    })

    test('appendEvents stores new events once and reports redeliveries as duplicates', async () => {
      const first = (await store.appendEvents(T1, [moodleEvent('e-1'), moodleEvent('e-2')]))._unsafeUnwrap()
      expect(first).toEqual({ appended: ['e-1', 'e-2'], duplicates: [] })
      const again = (
        await store.appendEvents(T1, [moodleEvent('e-2', 'changed_type'), moodleEvent('e-3')])
      )._unsafeUnwrap()
      expect(again).toEqual({ appended: ['e-3'], duplicates: ['e-2'] })
      const events = (await store.listEvents(T1))._unsafeUnwrap()
      expect(events.map((e) => e.eventId)).toEqual(['e-1', 'e-2', 'e-3'])
      expect(events[1]).toMatchObject({ source: 'moodle', type: 'user_created', handledAt: null })
      expect(events[1]?.payload).toEqual(moodleEvent('e-2').payload)
      expect(events[1]?.receivedAt).toBeInstanceOf(Date)
    })

    test('appendEvents writes nothing when one event is invalid', async () => {
      const result = await store.appendEvents(T1, [
        moodleEvent('e-ok'),
        { ...moodleEvent('e-bad'), eventId: '' },
      ])
      expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
      expect((await store.listEvents(T1))._unsafeUnwrap()).toEqual([])
    })

    // Issue 8.4, for the inbox: PostgreSQL refuses what the memory Store would keep.
    test('appendEvents refuses text PostgreSQL cannot hold (NUL, lone surrogate) and writes nothing', async () => {
      for (const bad of [
        { ...moodleEvent('e-nul'), payload: { event_data: { note: 'a\u0000b' } } },
        { ...moodleEvent('e-surrogate'), payload: { event_data: { note: '\uDFFF' } } },
        moodleEvent('e-id\u0000'),
      ]) {
        const result = await store.appendEvents(T1, [moodleEvent('e-ok'), bad])
        expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
        expect(result._unsafeUnwrapErr().message).toMatch(/events\[1\]\..*(NUL character|lone surrogate)/)
      }
      expect((await store.listEvents(T1))._unsafeUnwrap()).toEqual([])
    })

    test('listEvents filters by source, type and handled state; markEventsHandled marks once', async () => {
      await store.appendEvents(T1, [
        moodleEvent('e-1'),
        moodleEvent('e-2', 'grade_updated'),
        moodleEvent('e-3'),
      ])
      await store.appendEvents(T1, [{ source: 'zoho', eventId: 'e-1', type: 'update', payload: {} }])
      expect((await store.listEvents(T1, { source: 'moodle' }))._unsafeUnwrap()).toHaveLength(3)
      expect(
        (await store.listEvents(T1, { type: 'grade_updated' }))._unsafeUnwrap().map((e) => e.eventId),
      ).toEqual(['e-2'])
      expect((await store.markEventsHandled(T1, 'moodle', ['e-1', 'e-2', 'unknown']))._unsafeUnwrap()).toBe(2)
      expect((await store.markEventsHandled(T1, 'moodle', ['e-1']))._unsafeUnwrap()).toBe(0)
      const pending = (await store.listEvents(T1, { source: 'moodle', handled: false }))._unsafeUnwrap()
      expect(pending.map((e) => e.eventId)).toEqual(['e-3'])
      const handled = (await store.listEvents(T1, { handled: true }))._unsafeUnwrap()
      expect(handled.map((e) => e.eventId)).toEqual(['e-1', 'e-2'])
      expect(handled[0]?.handledAt).toBeInstanceOf(Date)
      expect((await store.listEvents(T1, { source: 'zoho', handled: false }))._unsafeUnwrap()).toHaveLength(1)
      expect((await store.listEvents(T1, { limit: 2 }))._unsafeUnwrap()).toHaveLength(2)
    })

    // ---- sync runs -------------------------------------------------------------------------------

    test('createRun records a pending run with zero counts and metadata', async () => {
      const run = (
        await store.createRun(T1, { step: 'zoho:registration', metadata: { from: '2026-01-01' } })
      )._unsafeUnwrap()
      expect(run).toMatchObject({
        step: 'zoho:registration',
        status: 'pending',
        startedAt: null,
        finishedAt: null,
        error: null,
        metadata: { from: '2026-01-01' },
        counts: {
          total: 0,
          new: 0,
          unchanged: 0,
          updated: 0,
          invalid: 0,
          deferred: 0,
          error: 0,
          deleted: 0,
          restored: 0,
        },
      })
      expect(typeof run.id).toBe('string')
      expect((await store.getRun(T1, run.id))._unsafeUnwrap()).toEqual(run)
    })

    test('updateRun moves a run through running to completed or failed, with times and counts', async () => {
      const run = (await store.createRun(T1, { step: 'a' }))._unsafeUnwrap()
      const running = (await store.updateRun(T1, run.id, { status: 'running' }))._unsafeUnwrap()
      expect(running.status).toBe('running')
      expect(running.startedAt).toBeInstanceOf(Date)
      await store.updateRun(T1, run.id, { addCounts: { total: 3, new: 2, invalid: 1 } })
      const done = (
        await store.updateRun(T1, run.id, { status: 'completed', addCounts: { total: 1, unchanged: 1 } })
      )._unsafeUnwrap()
      expect(done.status).toBe('completed')
      expect(done.finishedAt).toBeInstanceOf(Date)
      expect(done.counts).toEqual({
        total: 4,
        new: 2,
        unchanged: 1,
        updated: 0,
        invalid: 1,
        deferred: 0,
        error: 0,
        deleted: 0,
        restored: 0,
      })
      const other = (await store.createRun(T1, { step: 'b' }))._unsafeUnwrap()
      const failed = (
        await store.updateRun(T1, other.id, { status: 'failed', error: 'zoho: Auth' })
      )._unsafeUnwrap()
      expect(failed).toMatchObject({ status: 'failed', error: 'zoho: Auth' })
      expect(failed.finishedAt).toBeInstanceOf(Date)
    })

    test('updateRun keeps every count added concurrently', async () => {
      const run = (await store.createRun(T1, { step: 'concurrent' }))._unsafeUnwrap()
      await Promise.all(
        Array.from({ length: 25 }, () => store.updateRun(T1, run.id, { addCounts: { total: 2, new: 2 } })),
      )
      const final = (await store.getRun(T1, run.id))._unsafeUnwrap()
      expect(final?.counts.total).toBe(50)
      expect(final?.counts.new).toBe(50)
    })

    test('updateRun fails with Invalid for an unknown run', async () => {
      const result = await store.updateRun(T1, '00000000-0000-4000-8000-000000000000', { status: 'running' })
      expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    })

    test('listRuns lists newest first and filters by step and status', async () => {
      const first = (await store.createRun(T1, { step: 'zoho:student' }))._unsafeUnwrap()
      await new Promise((resolve) => setTimeout(resolve, 5))
      const second = (await store.createRun(T1, { step: 'zoho:payment' }))._unsafeUnwrap()
      await store.updateRun(T1, second.id, { status: 'running' })
      expect((await store.listRuns(T1))._unsafeUnwrap().map((r) => r.id)).toEqual([second.id, first.id])
      expect((await store.listRuns(T1, { step: 'zoho:student' }))._unsafeUnwrap().map((r) => r.id)).toEqual([
        first.id,
      ])
      expect((await store.listRuns(T1, { status: 'running' }))._unsafeUnwrap().map((r) => r.id)).toEqual([
        second.id,
      ])
      expect((await store.listRuns(T1, { limit: 1 }))._unsafeUnwrap()).toHaveLength(1)
      expect((await store.getRun(T1, '00000000-0000-4000-8000-000000000000'))._unsafeUnwrap()).toBeNull()
    })

    // ---- tenant isolation ------------------------------------------------------------------------

    test('tenant isolation: another tenant never sees records, parked records, links, runs or keys', async () => {
      const { a, parkedPayment } = conformanceData
      await store.applyBatch(T1, 'student', { upserts: [a], park: [], unpark: [] })
      await store.applyBatch(T1, 'payment', { upserts: [], park: [parkedPayment], unpark: [] })
      await store.upsertLinks(T1, [{ entity: 'student', id: a.id, system: 'zoho', externalId: 'z-1' }])
      const run = (await store.createRun(T1, { step: 'x' }))._unsafeUnwrap()
      await store.claimIdempotencyKey(T1, {
        key: 'shared-key',
        requestFingerprint: 'req-a',
        leaseMs: 30_000,
        ttlMs: 3_600_000,
        now: new Date('2026-01-01T00:00:00Z'),
      })
      await store.appendEvents(T1, [{ source: 'moodle', eventId: 'iso-1', type: 't', payload: {} }])

      expect((await store.readFingerprints(T2, 'student', [a.id]))._unsafeUnwrap().size).toBe(0)
      expect((await store.readRecords(T2, 'student', [a.id]))._unsafeUnwrap().size).toBe(0)
      expect(
        (await store.existingIds(T2, [{ entity: 'student', ids: [a.id] }]))._unsafeUnwrap().get('student')
          ?.size ?? 0,
      ).toBe(0)
      expect((await store.countRecords(T2, 'student'))._unsafeUnwrap()).toBe(0)
      expect((await store.listParked(T2))._unsafeUnwrap()).toEqual([])
      expect((await store.parkedWaitingFor(T2, 'registration', ['reg-1']))._unsafeUnwrap()).toEqual([])
      expect(
        (await store.purgeParked(T2, { olderThan: new Date(Date.now() + 3_600_000) }))._unsafeUnwrap(),
      ).toBe(0)
      expect((await store.readLinks(T2, 'student', [a.id]))._unsafeUnwrap().size).toBe(0)
      expect((await store.findByExternalIds(T2, 'zoho', 'student', ['z-1']))._unsafeUnwrap().size).toBe(0)
      expect((await store.getRun(T2, run.id))._unsafeUnwrap()).toBeNull()
      expect((await store.listEvents(T2))._unsafeUnwrap()).toEqual([])
      expect((await store.markEventsHandled(T2, 'moodle', ['iso-1']))._unsafeUnwrap()).toBe(0)
      expect((await store.listRuns(T2))._unsafeUnwrap()).toEqual([])
      expect((await store.updateRun(T2, run.id, { status: 'failed' }))._unsafeUnwrapErr().reason).toBe(
        'Invalid',
      )
      expect(
        (
          await store.claimIdempotencyKey(T2, {
            key: 'shared-key',
            requestFingerprint: 'other',
            leaseMs: 1000,
            ttlMs: 1000,
            now: new Date('2026-01-01T00:00:00Z'),
          })
        )._unsafeUnwrap().status,
      ).toBe('claimed')
      // Writing the same id in another tenant is a separate record.
      const effects = (
        await store.applyBatch(T2, 'student', { upserts: [a], park: [], unpark: [] })
      )._unsafeUnwrap()
      expect(effects.get(a.id)).toBe('inserted')
      expect((await store.getRun(T1, run.id))._unsafeUnwrap()?.status).toBe('pending')
    })

    // ---- deletes and tombstones (in their own file) -------------------------------------------------

    tombstoneConformance(test, () => store)

    // ---- through the engine ----------------------------------------------------------------------

    test('concurrent writers: two concurrent first syncs of one record give one NEW, one UNCHANGED, one row', async () => {
      const engine = createSyncEngine({ store })
      const record = conformanceData.programInput
      const [first, second] = await Promise.all([
        engine.syncBatch({ tenant: T1, entity: 'program', records: [record] }),
        engine.syncBatch({ tenant: T1, entity: 'program', records: [record] }),
      ])
      const statuses = [first, second].map((r) => r._unsafeUnwrap().outcomes[0]?.status).sort()
      expect(statuses).toEqual(['NEW', 'UNCHANGED'])
      expect((await store.countRecords(T1, 'program'))._unsafeUnwrap()).toBe(1)
    })

    // Issue 8.4: text the database refuses is caught while parsing, as that record's INVALID outcome, so
    // one record never sinks its batch and every Store is given the same data.
    test('engine: a record holding a NUL character or a lone surrogate is INVALID naming the field; the rest is stored', async () => {
      const engine = createSyncEngine({ store })
      const good = conformanceData.programInput
      const result = await engine.syncBatch({
        tenant: T1,
        entity: 'program',
        records: [
          { ...good, id: 'prog-nul', name: 'HND\u0000Business' },
          good,
          { ...good, id: 'prog-surrogate', major: 'Business \uD800' },
        ],
      })
      const outcomes = result._unsafeUnwrap().outcomes
      expect(outcomes.map((o) => o.status)).toEqual(['INVALID', 'NEW', 'INVALID'])
      expect(outcomes[0]).toMatchObject({
        id: 'prog-nul',
        issues: [{ path: 'name', rule: 'nul_character', received: 'HND\\u0000Business' }],
      })
      expect(outcomes[2]).toMatchObject({
        id: 'prog-surrogate',
        issues: [{ path: 'major', rule: 'lone_surrogate', received: 'Business \\ud800' }],
      })
      expect((await store.countRecords(T1, 'program'))._unsafeUnwrap()).toBe(1)
      expect((await store.readRecords(T1, 'program', [good.id]))._unsafeUnwrap().has(good.id)).toBe(true)
    })

    test('engine round trip: stored fingerprint equals the canonical fingerprint', async () => {
      const engine = createSyncEngine({ store })
      const record = conformanceData.programInput
      await engine.syncBatch({ tenant: T1, entity: 'program', records: [record] })
      const stored = (await store.readRecords(T1, 'program', [record.id]))._unsafeUnwrap().get(record.id)
      const definition = engine.entities.get('program')
      expect(definition).toBeDefined()
      if (definition && stored) expect(stored.fingerprint).toBe(fingerprint(definition, stored.data))
      const again = (
        await engine.syncBatch({ tenant: T1, entity: 'program', records: [record] })
      )._unsafeUnwrap()
      expect(again.outcomes[0]?.status).toBe('UNCHANGED')
    })

    test('close makes later calls fail with a StoreError instead of throwing', async () => {
      await store.close()
      const result = await store.readFingerprints(T1, 'student', ['x'])
      expect(result.isErr()).toBe(true)
      expect(result._unsafeUnwrapErr().name).toBe('StoreError')
    })
  })
}
