import { okAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { seededEngine, statuses, stored, sync, TENANT } from '../__fixtures__/engine.ts'
import { pool, sample } from '../__fixtures__/samples.ts'
import type { RecordRef } from '../store/store.ts'
import { createSyncEngine } from './sync-engine.ts'
import type { DeleteRefusal, SyncExtension } from './sync-extension.ts'

// An extension as a plug-in writes one: it records what the engine hands it and refuses deleting the
// enrollments it was told to hold. (Finance, the shipped one, runs against every FinanceStore in the
// conformance suite.)
function recordingExtension(held: ReadonlyMap<string, string>) {
  const calls = { replayWaitingFor: [] as RecordRef[][], replayParked: 0, deleteRefusals: [] as string[][] }
  const extension: SyncExtension = {
    name: 'ledger',
    entities: ['ledgerEntry'],
    waitsFor: ['student'],
    replayWaitingFor: (_tenant, parents) => {
      calls.replayWaitingFor.push([...parents])
      return okAsync([])
    },
    replayParked: () => {
      calls.replayParked++
      return okAsync([])
    },
    deleteRefusals: (_tenant, entity, ids) => {
      calls.deleteRefusals.push([entity, ...ids])
      const out = new Map<string, DeleteRefusal>()
      for (const id of ids) {
        const why = entity === 'enrollment' ? held.get(id) : undefined
        if (why) out.set(id, { rule: 'held_by_ledger', message: why })
      }
      return okAsync(out)
    },
  }
  return { extension, calls }
}

describe('sync extensions', () => {
  it('an extension makes the entities it waits for waited for, next to the entities records reference', async () => {
    const { store } = await seededEngine()
    const plain = createSyncEngine({ store })
    // Grades, payments and requests reference students and classes; nothing references a grade.
    expect(plain.waitedFor.has('student')).toBe(true)
    expect(plain.waitedFor.has('class')).toBe(true)
    expect(plain.waitedFor.has('grade')).toBe(false)
    const { extension } = recordingExtension(new Map())
    const gradeWatcher = { ...extension, waitsFor: ['grade'] }
    expect(createSyncEngine({ store, extensions: [gradeWatcher] }).waitedFor.has('grade')).toBe(true)
  })

  it('a refusal of a cascaded child refuses its root, naming the child and the extension message', async () => {
    const { store } = await seededEngine()
    const { extension, calls } = recordingExtension(new Map([['e-2', 'entry L-7 is still open']]))
    const engine = createSyncEngine({ store, extensions: [extension] })
    await sync(engine, 'enrollment', [sample('enrollment', 'e-1'), sample('enrollment', 'e-2')])
    const result = (
      await engine.deleteBatch({
        tenant: TENANT,
        entity: 'class',
        ids: [pool.class[0]],
        source: 'zoho',
        reason: 'class cancelled',
      })
    )._unsafeUnwrap()
    expect(statuses(result.outcomes)).toEqual(['INVALID'])
    expect(result.outcomes[0]).toMatchObject({
      issues: [{ rule: 'held_by_ledger', path: 'id' }],
      message: `class ${pool.class[0]} cannot be deleted: it would take enrollment e-2 along, and entry L-7 is still open`,
    })
    expect(result.cascaded).toEqual([])
    expect(await stored(store, 'enrollment', 'e-1')).toBeDefined()
    // Asked once per entity, with every live record the plan would delete.
    expect(calls.deleteRefusals).toEqual([
      ['class', pool.class[0]],
      ['enrollment', 'e-1', 'e-2'],
    ])
  })

  it('is handed the records of the entities it waits for only, and replays with engine.replayParked', async () => {
    const { store } = await seededEngine()
    const { extension, calls } = recordingExtension(new Map())
    const engine = createSyncEngine({ store, extensions: [extension] })
    await sync(engine, 'unit', [sample('unit', 'u-extra')])
    expect(calls.replayWaitingFor).toEqual([])
    await sync(engine, 'student', [sample('student', 's-extra')])
    expect(calls.replayWaitingFor).toEqual([[{ entity: 'student', id: 's-extra' }]])
    ;(await engine.replayParked(TENANT))._unsafeUnwrap()
    ;(await engine.replayParked(TENANT, { entity: 'ledgerEntry' }))._unsafeUnwrap()
    ;(await engine.replayParked(TENANT, { entity: 'student' }))._unsafeUnwrap()
    expect(calls.replayParked).toBe(2)
  })
})
