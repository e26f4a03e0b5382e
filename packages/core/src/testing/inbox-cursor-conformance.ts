import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../store/store.ts'
import { T1, T2 } from './conformance-data.ts'

/** Options of {@link describeInboxCursorConformance}. */
export interface InboxCursorConformanceOptions {
  /** Creates a fresh, empty Store (called before every test). */
  readonly create: () => Promise<Store>
  /** Cleans up after each test (the suite closes the store first). */
  readonly teardown?: (store: Store) => Promise<void>
}

const event = (source: string, eventId: string, type = 'grade_updated') => ({
  source,
  eventId,
  type,
  payload: { eventId },
})

/**
 * The shared conformance suite of `listEvents`' `afterEventId` (a drain paging forward through its
 * source's inbox), which every Store runs unmodified beside `describeStoreConformance`: it continues in
 * inbox order after the event whatever that event's state, keeps the other filters, and refuses an
 * unknown event or a missing source.
 *
 * @example
 * ```ts
 * import { describeInboxCursorConformance } from '@edusync/core/testing'
 * describeInboxCursorConformance('memory', { create: async () => createMemoryStore() })
 * ```
 */
export function describeInboxCursorConformance(name: string, options: InboxCursorConformanceOptions): void {
  describe(`Store inbox cursor conformance: ${name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await options.create()
    })
    afterEach(async () => {
      await store.close()
      await options.teardown?.(store)
    })
    const ids = async (opts: Parameters<Store['listEvents']>[1], tenant = T1) =>
      (await store.listEvents(tenant, opts))._unsafeUnwrap().map((e) => e.eventId)

    it('continues after an event in inbox order, whatever its state, keeping the other filters', async () => {
      const appended = await store.appendEvents(T1, [
        event('moodle', 'e-1'),
        event('moodle', 'e-2', 'user_created'),
        event('zoho', 'z-1'),
        event('moodle', 'e-3'),
        event('moodle', 'e-4'),
      ])
      expect(appended._unsafeUnwrap().appended).toHaveLength(5)
      await store.appendEvents(T2, [event('moodle', 'e-9')])
      expect(await ids({ source: 'moodle', afterEventId: 'e-1' })).toEqual(['e-2', 'e-3', 'e-4'])
      expect(await ids({ source: 'moodle', afterEventId: 'e-1', limit: 2 })).toEqual(['e-2', 'e-3'])
      expect(await ids({ source: 'moodle', afterEventId: 'e-1', type: 'grade_updated' })).toEqual([
        'e-3',
        'e-4',
      ])
      expect(await ids({ source: 'moodle', afterEventId: 'e-4' })).toEqual([])
      // Handled events are skipped by a pending listing, and a handled event still marks a position.
      expect((await store.markEventsHandled(T1, 'moodle', ['e-1', 'e-3']))._unsafeUnwrap()).toBe(2)
      expect(await ids({ source: 'moodle', handled: false, afterEventId: 'e-1' })).toEqual(['e-2', 'e-4'])
      expect(await ids({ source: 'moodle', handled: true, afterEventId: 'e-2' })).toEqual(['e-3'])
      expect(await ids({ source: 'moodle', handled: false, afterEventId: 'e-3' })).toEqual(['e-4'])
      // Later appends come after every earlier event.
      await store.appendEvents(T1, [event('moodle', 'e-5')])
      expect(await ids({ source: 'moodle', handled: false, afterEventId: 'e-4' })).toEqual(['e-5'])
    })

    it('refuses an unknown event, an event of another source or tenant, and a cursor without source', async () => {
      await store.appendEvents(T1, [event('moodle', 'e-1'), event('zoho', 'z-1')])
      await store.appendEvents(T2, [event('moodle', 'e-9')])
      for (const opts of [
        { source: 'moodle', afterEventId: 'nope' },
        { source: 'moodle', afterEventId: 'z-1' },
        { source: 'moodle', afterEventId: 'e-9' },
        { afterEventId: 'e-1' },
      ]) {
        const listed = await store.listEvents(T1, opts)
        expect(listed.isErr() && listed.error.reason).toBe('Invalid')
      }
    })
  })
}
