import fc from 'fast-check'
import type { ResultAsync } from 'neverthrow'
import { okAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { entities } from '../entities/index.ts'
import { pushStep } from '../steps/push-step.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { createMemoryPushLedger } from './memory-push-ledger.ts'
import type { PushItem, PushItemResult, PushTarget } from './push-target.ts'
import { runPush } from './run-push.ts'

// A stand-in for an external system (what a target adapter talks to): it keeps the last data per record,
// refuses a registration whose student it does not hold (as the Moodle plugin does), and can be down.
function remoteSystem() {
  const held = new Map<string, Readonly<Record<string, unknown>>>()
  const received: { entity: string; id: string; kind: PushItem['kind'] }[] = []
  const state = { down: false, orphans: 0 }
  const target: PushTarget = {
    name: 'remote',
    entities: [entities.student, entities.registration, entities.payment],
    push(_tenant, entity, items): ResultAsync<readonly PushItemResult[], never> {
      return okAsync(
        items.map((item): PushItemResult => {
          if (state.down) return { id: item.id, ok: false, error: 'down', retryable: true, outage: true }
          received.push({ entity, id: item.id, kind: item.kind })
          if (
            item.kind === 'upsert' &&
            entity === 'registration' &&
            !held.has(`student:${String(item.data.studentId)}`)
          )
            state.orphans++
          if (item.kind === 'delete') held.delete(`${entity}:${item.id}`)
          else held.set(`${entity}:${item.id}`, item.data)
          return { id: item.id, ok: true, targetId: `remote-${item.id}` }
        }),
      )
    },
  }
  return { target, held, received, state }
}

const T = 'acme'
const student = (id: string, v: number) => ({ id, firstName: `F${v}`, lastName: 'L', status: 'active' })
const program = { id: 'prg', name: 'HND' }
const registration = (id: string, studentId: string, v: number) => ({
  id,
  studentId,
  programId: 'prg',
  registrationDate: '2026-09-01',
  status: 'active',
  studyMode: `v${v}`,
})

function world() {
  const ledger = createMemoryPushLedger()
  const store = createMemoryStore({
    outbox: { ledger, targets: (_t, e) => (e === 'student' || e === 'registration' ? ['remote'] : []) },
  })
  const engine = createSyncEngine({ store })
  const remote = remoteSystem()
  const clock = { now: new Date('2026-12-01T00:00:00Z') }
  const push = async () =>
    (
      await runPush({
        store,
        ledger,
        target: remote.target,
        tenant: T,
        worker: 'w',
        batchSize: 3,
        now: () => clock.now,
        backoff: { baseMs: 1_000, maxMs: 4_000, jitter: 0, maxAttempts: 100 },
      })
    )._unsafeUnwrap()
  return { ledger, store, engine, remote, clock, push }
}

describe('runPush', () => {
  it('after any interleaving of changes, deletes and outages, the target ends with the latest versions, parents first', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('student' as const), n: fc.integer({ min: 0, max: 3 }), v: fc.nat(5) }),
      fc.record({
        kind: fc.constant('registration' as const),
        n: fc.integer({ min: 0, max: 3 }),
        v: fc.nat(5),
      }),
      fc.record({ kind: fc.constant('delete' as const), n: fc.integer({ min: 0, max: 3 }) }),
      fc.record({
        kind: fc.constant('push' as const),
        down: fc.boolean(),
        ms: fc.integer({ min: 0, max: 5_000 }),
      }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const w = world()
        await w.engine.syncBatch({ tenant: T, entity: 'program', records: [program] })
        for (const o of ops) {
          if (o.kind === 'student')
            await w.engine.syncBatch({ tenant: T, entity: 'student', records: [student(`s${o.n}`, o.v)] })
          else if (o.kind === 'registration')
            await w.engine.syncBatch({
              tenant: T,
              entity: 'registration',
              records: [registration(`r${o.n}`, `s${o.n}`, o.v)],
            })
          else if (o.kind === 'delete')
            await w.engine.deleteBatch({
              tenant: T,
              entity: 'registration',
              ids: [`r${o.n}`],
              source: 'test',
              reason: 'gone',
            })
          else {
            w.remote.state.down = o.down
            await w.push()
            w.clock.now = new Date(w.clock.now.getTime() + o.ms)
          }
        }
        // Recovery: Moodle is back, time passes, the pusher runs until nothing is due.
        w.remote.state.down = false
        for (let i = 0; i < 5; i++) {
          w.clock.now = new Date(w.clock.now.getTime() + 10_000)
          await w.push()
        }
        for (const entity of ['student', 'registration']) {
          const ids = (await w.store.listRecordIds(T, entity))._unsafeUnwrap()
          const live = (await w.store.readRecords(T, entity, ids))._unsafeUnwrap()
          for (const [id, record] of live) expect(w.remote.held.get(`${entity}:${id}`)).toEqual(record.data)
          const counts = (await w.ledger.counts(T, 'remote', [entity]))._unsafeUnwrap().get(entity)
          expect(counts).toMatchObject({ pending: 0, in_progress: 0, failed: 0 })
        }
        for (const key of w.remote.held.keys()) {
          const [entity = '', id = ''] = key.split(':')
          expect((await w.store.readRecords(T, entity, [id]))._unsafeUnwrap().has(id)).toBe(true)
        }
        expect(w.remote.state.orphans).toBe(0)
      }),
      { numRuns: 400 },
    )
  })

  it('stops at an outage with the work kept, backs off, and sends nothing twice once the target is back', async () => {
    const w = world()
    await w.engine.syncBatch({ tenant: T, entity: 'program', records: [program] })
    await w.engine.syncBatch({ tenant: T, entity: 'student', records: [student('s1', 1), student('s2', 1)] })
    await w.engine.syncBatch({ tenant: T, entity: 'registration', records: [registration('r1', 's1', 1)] })
    w.remote.state.down = true
    const down = await w.push()
    expect(down.stoppedBy).toBe('down')
    expect(down.entities).toEqual({ student: { pushed: 0, retrying: 2, deadLettered: 0, held: 0 } })
    w.remote.state.down = false
    // Not due yet: no student is sent, and the child waits for its parent (held, no attempt counted).
    expect((await w.push()).entities).toEqual({
      student: { pushed: 0, retrying: 0, deadLettered: 0, held: 0 },
      registration: { pushed: 0, retrying: 0, deadLettered: 0, held: 1 },
      payment: { pushed: 0, retrying: 0, deadLettered: 0, held: 0 },
    })
    w.clock.now = new Date(w.clock.now.getTime() + 1_000)
    const up = await w.push()
    expect(up.entities.student?.pushed).toBe(2)
    expect(up.entities.registration?.pushed).toBe(1)
    expect(w.remote.received.map((r) => r.id)).toEqual(['s1', 's2', 'r1'])
  })
})

describe('pushStep', () => {
  it('backfills records stored before the target was on, replays dead letters, and skips a switched-off tenant', async () => {
    const ledger = createMemoryPushLedger()
    const store = createMemoryStore() // no outbox: the target was off while these were written
    const engine = createSyncEngine({ store })
    await engine.syncBatch({ tenant: T, entity: 'student', records: [student('s1', 1), student('s2', 1)] })
    const remote = remoteSystem()
    const step = pushStep({ store, ledger, target: remote.target, worker: 'cli', enabled: (t) => t === T })
    expect(step.name).toBe('push:remote')
    expect(step.kind).toBe('separate')
    const context = (options: Record<string, unknown>, tenant = T) => ({
      tenant,
      range: { start: '2026-01-01', end: '2027-01-01' },
      months: [],
      runId: 'run',
      options,
      signal: new AbortController().signal,
      progress: () => {},
    })
    const plain = (await step.run(context({}) as never))._unsafeUnwrap()
    expect(plain.details).toMatchObject({ pushed: 0, tracked: 0 })
    const filled = (await step.run(context({ backfill: true }) as never))._unsafeUnwrap()
    expect(filled.details).toMatchObject({ pushed: 2, tracked: 2 })
    expect(remote.held.size).toBe(2)
    // A dead letter, replayed by the step's `replay` option.
    await ledger.track(T, 'remote', 'student', [{ id: 's1', fingerprint: 'changed' }])
    const [claimed] = (
      await ledger.claim(T, 'remote', 'student', { worker: 'x', limit: 1, leaseMs: 1 })
    )._unsafeUnwrap()
    await ledger.complete(T, 'remote', 'student', 'x', [
      { id: 's1', result: 'failed', fingerprint: claimed?.fingerprint ?? '', error: 'bad', retryAt: null },
    ])
    expect((await step.run(context({}) as never))._unsafeUnwrap().details).toMatchObject({ pushed: 0 })
    const replayed = (await step.run(context({ replay: true }) as never))._unsafeUnwrap()
    expect(replayed.details).toMatchObject({ replayed: 1, pushed: 1 })
    const off = (await step.run(context({ backfill: true }, 'other') as never))._unsafeUnwrap()
    expect(off.details).toEqual({ skipped: 'remote is switched off for other' })
    remote.state.down = true
    await ledger.retry(T, 'remote', 'student')
    await ledger.track(T, 'remote', 'student', [{ id: 's2', fingerprint: 'again' }])
    const failed = await step.run(context({}) as never)
    expect(failed._unsafeUnwrapErr().message).toMatch(/remote is unavailable: down/)
  })
})
