import { describe, expect, it } from 'vitest'
import { statuses, sync, TENANT } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from './sync-engine.ts'

const units = (ids: readonly string[]) => ids.map((id) => ({ ...sample('unit', id), programId: null }))
const range = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `u-${String(from + i).padStart(3, '0')}`)

async function seeded(count: number) {
  const store = createMemoryStore()
  const engine = createSyncEngine({ store })
  await sync(engine, 'unit', units(range(count)))
  return { store, engine }
}

async function* pages(records: readonly unknown[], failAfter?: number) {
  for (const [i, record] of records.entries()) {
    if (failAfter !== undefined && i === failAfter) throw new Error('Zoho answered 500 for page 3')
    yield record
  }
}

describe('syncFullPull', () => {
  it('deletes live records absent from a complete pull, as deletion candidates through the guard', async () => {
    const { store, engine } = await seeded(100)
    const present = range(100).filter((id) => !['u-007', 'u-042', 'u-099'].includes(id))
    const result = (
      await engine.syncFullPull({
        tenant: TENANT,
        entity: 'unit',
        source: 'zoho',
        records: pages(units([...present, 'u-new'])),
        batchSize: 25,
      })
    )._unsafeUnwrap()
    expect(result.counts).toMatchObject({ unchanged: 97, new: 1 })
    expect(result.candidates).toBe(3)
    expect(result.deletions?.outcomes.map((o) => [o.id, o.status])).toEqual([
      ['u-007', 'DELETED'],
      ['u-042', 'DELETED'],
      ['u-099', 'DELETED'],
    ])
    const tombstone = (await store.readTombstones(TENANT, 'unit', ['u-042']))._unsafeUnwrap().get('u-042')
    expect(tombstone).toMatchObject({ source: 'zoho', reason: 'absent from a complete zoho pull of unit' })
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(98)
  })

  it('a pull that fails midway (a failed page) deletes nothing', async () => {
    const { store, engine } = await seeded(60)
    const result = await engine.syncFullPull({
      tenant: TENANT,
      entity: 'unit',
      source: 'zoho',
      records: pages(units(range(60)), 30),
      batchSize: 10,
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Aborted')
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(60)
    expect((await store.listTombstones(TENANT))._unsafeUnwrap()).toEqual([])
    expect((await store.listQuarantine(TENANT))._unsafeUnwrap()).toEqual([])
  })

  it('a pull cancelled midway deletes nothing', async () => {
    const { store, engine } = await seeded(60)
    const controller = new AbortController()
    const result = await engine.syncFullPull({
      tenant: TENANT,
      entity: 'unit',
      source: 'zoho',
      records: pages(units(range(60))),
      batchSize: 10,
      signal: controller.signal,
      onProgress: ({ batches }) => {
        if (batches === 2) controller.abort(new Error('host shutting down'))
      },
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Aborted')
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(60)
    expect((await store.listTombstones(TENANT))._unsafeUnwrap()).toEqual([])
  })

  // A source that returns quietly when the signal fires (as the Zoho pull steps do between pages) ends
  // like a complete one: the signal must still keep its absent records alive.
  it('a source that stops quietly on cancellation deletes nothing', async () => {
    const { store, engine } = await seeded(40)
    const controller = new AbortController()
    async function* quiet() {
      for (const record of units(range(20))) yield record
      controller.abort(new Error('Ctrl-C'))
    }
    const result = await engine.syncFullPull({
      tenant: TENANT,
      entity: 'unit',
      source: 'zoho',
      records: quiet(),
      batchSize: 20,
      signal: controller.signal,
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Aborted')
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(40)
  })

  it('ids refused before the engine (alsoPresent) are present; one without an id stops all deletes', async () => {
    const { store, engine } = await seeded(20)
    const refused: (string | undefined)[] = []
    async function* read() {
      for (const [n, record] of units(range(20)).entries()) {
        if (n === 3) refused.push('u-003')
        else yield record
      }
    }
    const kept = (
      await engine.syncFullPull({
        tenant: TENANT,
        entity: 'unit',
        source: 'zoho',
        records: read(),
        alsoPresent: refused,
      })
    )._unsafeUnwrap()
    expect(kept.candidates).toBe(0)
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(20)
    const blind = (
      await engine.syncFullPull({
        tenant: TENANT,
        entity: 'unit',
        source: 'zoho',
        records: units(range(10)),
        alsoPresent: [undefined],
      })
    )._unsafeUnwrap()
    expect(blind.deletions).toBeNull()
    expect(blind.skipped).toContain('no readable id')
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(20)
  })

  it('a pull holding a record without a readable id proves no absence: nothing is deleted', async () => {
    const { store, engine } = await seeded(20)
    const result = (
      await engine.syncFullPull({
        tenant: TENANT,
        entity: 'unit',
        source: 'zoho',
        records: [...units(range(10)), { name: 'no id at all' }],
      })
    )._unsafeUnwrap()
    expect(result.counts.invalid).toBe(1)
    expect(result.deletions).toBeNull()
    expect(result.skipped).toContain('1 pulled record(s) had no readable id')
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(20)
  })

  it('an invalid record that has an id still counts as present', async () => {
    const { store, engine } = await seeded(10)
    const records = [...units(range(9)), { id: 'u-009', name: '' }]
    const result = (
      await engine.syncFullPull({ tenant: TENANT, entity: 'unit', source: 'zoho', records })
    )._unsafeUnwrap()
    expect(result.counts.invalid).toBe(1)
    expect(result.candidates).toBe(0)
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(10)
  })

  it('an empty pull of a full entity is a deletion wave the guard quarantines', async () => {
    const { store, engine } = await seeded(200)
    const result = (
      await engine.syncFullPull({ tenant: TENANT, entity: 'unit', source: 'zoho', records: [] })
    )._unsafeUnwrap()
    expect(result.candidates).toBe(200)
    expect(result.deletions?.counts.quarantined).toBe(200)
    expect(statuses(result.deletions?.outcomes ?? []).every((s) => s === 'QUARANTINED')).toBe(true)
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(200)
    expect((await store.listQuarantine(TENANT, { status: 'pending' }))._unsafeUnwrap()).toHaveLength(1)
  })

  it('pages through more live ids than one listing page', async () => {
    const { store, engine } = await seeded(0)
    const many = range(12_000)
    // Seeded in two calls: one syncBatch call takes at most the engine's 10,000-record limit.
    await sync(engine, 'unit', units(many.slice(0, 6_000)))
    await sync(engine, 'unit', units(many.slice(6_000)))
    const keep = many.filter((_, i) => i % 1000 !== 0)
    const result = (
      await engine.syncFullPull({
        tenant: TENANT,
        entity: 'unit',
        source: 'zoho',
        records: units(keep),
        batchSize: 5000,
      })
    )._unsafeUnwrap()
    expect(result.candidates).toBe(12)
    expect(result.deletions?.counts.deleted).toBe(12)
    expect((await store.countRecords(TENANT, 'unit'))._unsafeUnwrap()).toBe(11_988)
  })
})
