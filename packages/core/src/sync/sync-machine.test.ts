import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'
import { createMemoryStore } from '../index.ts'

// Versions of one payment, told apart by `note`. B and D wait for registrations that do not exist.
const version = {
  A: { ...sample('payment', 'pay'), note: 'A' },
  C: { ...sample('payment', 'pay'), note: 'C' },
  B: { ...sample('payment', 'pay'), note: 'B', registrationId: 'missing-1' },
  D: { ...sample('payment', 'pay'), note: 'D', registrationId: 'missing-2' },
  invalid: { ...sample('payment', 'pay'), note: 'X', paymentDate: '15/01/2026' },
}

type State = 'none' | 'stored A' | 'parked B' | 'stored A, parked B'
type Incoming = keyof typeof version
interface After {
  readonly status: string
  readonly stored: string | null
  readonly parked: string | null
}

// (stored state, incoming record) -> (outcome, stored version, parked version)
const table: [State, Incoming, After][] = [
  ['none', 'A', { status: 'NEW', stored: 'A', parked: null }],
  ['none', 'invalid', { status: 'INVALID', stored: null, parked: null }],
  ['none', 'D', { status: 'DEFERRED', stored: null, parked: 'D' }],
  ['stored A', 'A', { status: 'UNCHANGED', stored: 'A', parked: null }],
  ['stored A', 'C', { status: 'UPDATED', stored: 'C', parked: null }],
  ['stored A', 'invalid', { status: 'INVALID', stored: 'A', parked: null }],
  ['stored A', 'D', { status: 'DEFERRED', stored: 'A', parked: 'D' }],
  ['parked B', 'A', { status: 'NEW', stored: 'A', parked: null }],
  ['parked B', 'invalid', { status: 'INVALID', stored: null, parked: 'B' }],
  ['parked B', 'D', { status: 'DEFERRED', stored: null, parked: 'D' }],
  // A redelivered stored version does not discard a parked one: the parked version may be newer.
  ['stored A, parked B', 'A', { status: 'UNCHANGED', stored: 'A', parked: 'B' }],
  ['stored A, parked B', 'C', { status: 'UPDATED', stored: 'C', parked: null }],
  ['stored A, parked B', 'invalid', { status: 'INVALID', stored: 'A', parked: 'B' }],
  ['stored A, parked B', 'D', { status: 'DEFERRED', stored: 'A', parked: 'D' }],
]

describe('the sync state machine', () => {
  it.each(table)('%s + incoming %s -> %o', async (state, incoming, after) => {
    const { engine, store } = await seededEngine()
    if (state.includes('stored A')) await sync(engine, 'payment', [version.A])
    if (state.includes('parked B')) await sync(engine, 'payment', [version.B])

    const result = await sync(engine, 'payment', [version[incoming]])

    expect(result.outcomes[0]?.status).toBe(after.status)
    if (after.status === 'UPDATED') expect(result.outcomes[0]).toMatchObject({ changedFields: ['note'] })
    const row = await stored(store, 'payment', 'pay')
    expect(row ? (row.data.note as string) : null).toBe(after.stored)
    const parked = (await store.listParked(TENANT, { entity: 'payment' }))._unsafeUnwrap()
    expect(parked.map((p) => p.data.note)).toEqual(after.parked ? [after.parked] : [])
  })

  it('keeps the first parkedAt when a parked record is parked again', async () => {
    let clock = Date.parse('2026-01-15T09:00:00Z')
    const { engine, store } = await seededEngine(createMemoryStore({ now: () => new Date(clock) }))
    await sync(engine, 'payment', [version.B])
    clock += 60_000
    await sync(engine, 'payment', [version.D])
    const [parked] = (await store.listParked(TENANT))._unsafeUnwrap()
    expect(parked?.parkedAt.toISOString()).toBe('2026-01-15T09:00:00.000Z')
    expect(parked?.updatedAt.toISOString()).toBe('2026-01-15T09:01:00.000Z')
    expect(parked?.waitingFor).toEqual([{ entity: 'registration', id: 'missing-2' }])
  })
})
