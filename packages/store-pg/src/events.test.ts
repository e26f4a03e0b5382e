import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { freshSchemaName, storeFactory } from '../test/fixtures.ts'

// What the shared conformance suite cannot say about the Postgres inbox: bytes the json column keeps,
// input PostgreSQL refuses, batches and concurrent redelivery. Run on a real server and on PGlite.
describe.each<EngineName>(['pg', 'pglite-memory'])('inbound event inbox (%s)', (engine) => {
  const stores = storeFactory(engine)
  afterEach(() => stores.teardown())
  afterAll(() => stores.dispose())

  const event = (eventId: string, payload: unknown = { event_id: eventId }) => ({
    source: 'moodle',
    eventId,
    type: 'user_created',
    payload,
  })

  it('keeps the payload as sent: key order and SQL-significant text read back unchanged', async () => {
    const store = await stores.create()
    const payload = { z: 1, a: "O'Brien \\ $1 --", list: [1, 'two', null], nested: { 'key "q"': '\n' } }
    expect((await store.appendEvents('t', [event('e-1', payload)]))._unsafeUnwrap().appended).toEqual(['e-1'])
    const [stored] = (await store.listEvents('t'))._unsafeUnwrap()
    expect(stored?.payload).toEqual(payload)
    // json keeps the sender's key order; jsonb would have sorted the keys.
    expect(Object.keys(stored?.payload as object)).toEqual(['z', 'a', 'list', 'nested'])
  })

  it('a NUL character in a payload is Invalid (PostgreSQL text cannot hold it) and nothing is written', async () => {
    const store = await stores.create()
    const result = await store.appendEvents('t', [event('ok'), event('nul', { note: 'a\u0000b' })])
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.listEvents('t'))._unsafeUnwrap()).toEqual([])
  })

  it('a NUL character in an event id is Invalid and nothing of the batch is written', async () => {
    const store = await stores.create()
    const result = await store.appendEvents('t', [event('ok'), event('bad\u0000id')])
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect((await store.listEvents('t'))._unsafeUnwrap()).toEqual([])
  })

  it('names the field and the received value when an event is invalid', async () => {
    const store = await stores.create()
    const result = await store.appendEvents('t', [event('ok'), { ...event('x'), source: '' }])
    expect(result._unsafeUnwrapErr().message).toContain(
      'events[1].source must be a non-empty string, received ""',
    )
  })

  it('stores an id repeated within one batch once, the first occurrence, and reports the repeat', async () => {
    const store = await stores.create()
    const result = await store.appendEvents('t', [
      event('e-1', { n: 1 }),
      event('e-2'),
      event('e-1', { n: 2 }),
    ])
    expect(result._unsafeUnwrap()).toEqual({ appended: ['e-1', 'e-2'], duplicates: ['e-1'] })
    const listed = (await store.listEvents('t'))._unsafeUnwrap()
    expect(listed.map((e) => [e.eventId, e.payload])).toEqual([
      ['e-1', { n: 1 }],
      ['e-2', { event_id: 'e-2' }],
    ])
  })

  it('appends a large batch in order and lists it oldest first, in pages by limit', async () => {
    const store = await stores.create()
    const ids = Array.from({ length: 3000 }, (_, i) => `e-${String(i).padStart(4, '0')}`).reverse()
    expect(
      (
        await store.appendEvents(
          't',
          ids.map((id) => event(id)),
        )
      )._unsafeUnwrap().appended,
    ).toEqual(ids)
    const listed = (
      await store.listEvents('t', { source: 'moodle', handled: false, limit: 5000 })
    )._unsafeUnwrap()
    expect(listed.map((e) => e.eventId)).toEqual(ids)
    expect((await store.markEventsHandled('t', 'moodle', ids.slice(0, 1000)))._unsafeUnwrap()).toBe(1000)
    const pending = (await store.listEvents('t', { handled: false, limit: 10 }))._unsafeUnwrap()
    expect(pending.map((e) => e.eventId)).toEqual(ids.slice(1000, 1010))
  })

  it('an empty batch appends nothing and marking no ids changes nothing', async () => {
    const store = await stores.create()
    expect((await store.appendEvents('t', []))._unsafeUnwrap()).toEqual({ appended: [], duplicates: [] })
    expect((await store.markEventsHandled('t', 'moodle', []))._unsafeUnwrap()).toBe(0)
  })
})

describe('one event delivered to two processes at once', () => {
  const stores = storeFactory('pg')
  afterAll(() => stores.dispose())

  it('is stored once: exactly one process appends it, the other sees a duplicate', async () => {
    const schema = freshSchemaName()
    const one = await stores.create({ schema })
    const two = await stores.create({ schema })
    await one.migrate()
    const batch = (k: number) => [{ source: 'moodle', eventId: `e-${k}`, type: 't', payload: { k } }]
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).appendEvents('t', batch(Math.floor(i / 2)))),
    )
    const appended = results.flatMap((r) => r._unsafeUnwrap().appended)
    const duplicates = results.flatMap((r) => r._unsafeUnwrap().duplicates)
    expect(appended.toSorted()).toEqual(Array.from({ length: 10 }, (_, k) => `e-${k}`).toSorted())
    expect(duplicates.toSorted()).toEqual(appended.toSorted())
    expect((await two.listEvents('t', { limit: 100 }))._unsafeUnwrap()).toHaveLength(10)
  })
})
