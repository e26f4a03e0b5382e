import { createMemoryPushLedger, createMemoryStore, createSyncEngine } from '@edusync/core'
import { createStepRunner } from '@edusync/core/steps'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { dashboardWorld, program, registration, student, T } from '../__fixtures__/dashboard-world.ts'
import { ENDPOINT } from '../__fixtures__/fake-moodle.ts'
import { useMoodleServer } from '../__fixtures__/server.ts'
import { DASHBOARD_PUSH_STEP, DASHBOARD_TARGET, dashboardOutboxTargets, dashboardPushStep } from '../index.ts'

const server = useMoodleServer()
const fn = (calls: readonly { wsfunction: string }[]) => calls.map((c) => c.wsfunction)
const backoff = { baseMs: 1000, maxMs: 60_000, jitter: 0, maxAttempts: 3 }

describe('dashboardPushStep', () => {
  it('pushes the records due in the ledger to the plugin as a recorded run, and nothing on a rerun', async () => {
    const w = dashboardWorld(server)
    const step = dashboardPushStep({
      store: w.store,
      ledger: w.ledger,
      api: w.client.dashboard,
      worker: 'w1',
    })
    expect(step.name).toBe(DASHBOARD_PUSH_STEP)
    expect(DASHBOARD_PUSH_STEP).toBe(`push:${DASHBOARD_TARGET}`)
    await w.sync('program', [program()])
    await w.sync('student', [student('s1')])
    await w.sync('registration', [registration('r1', 's1')])
    const runner = createStepRunner({ store: w.store, steps: [step] })

    const first = (await runner.run(T, { only: [DASHBOARD_PUSH_STEP] }))._unsafeUnwrap()
    expect(first.status).toBe('completed')
    expect(first.steps[0]).toMatchObject({ step: DASHBOARD_PUSH_STEP, status: 'completed' })
    expect(first.steps[0]?.details).toMatchObject({ pushed: 2, failed: 0, tracked: 0, replayed: 0 })
    expect(fn(w.plugin.calls)).toEqual([
      'local_mzi_update_student',
      'local_mzi_create_registration',
      'local_mzi_sync_installments',
    ])
    expect([...w.plugin.tables.students.keys()]).toEqual(['s1'])
    // The run is recorded under the step's name.
    const runs = (await w.store.listRuns(T, { step: DASHBOARD_PUSH_STEP }))._unsafeUnwrap()
    expect(runs.map((r) => r.status)).toEqual(['completed'])

    const again = (await runner.run(T, { only: [DASHBOARD_PUSH_STEP] }))._unsafeUnwrap()
    expect(again.steps[0]?.details).toMatchObject({ pushed: 0 })
    expect(w.plugin.calls).toHaveLength(3)
  })

  it('skips a tenant whose dashboard is switched off, calling nothing', async () => {
    const w = dashboardWorld(server)
    await w.sync('student', [student('s1')])
    const step = dashboardPushStep({
      store: w.store,
      ledger: w.ledger,
      api: w.client.dashboard,
      worker: 'w1',
      enabled: (tenant) => tenant !== T,
    })
    const report = (
      await createStepRunner({ store: w.store, steps: [step] }).run(T, { only: [DASHBOARD_PUSH_STEP] })
    )._unsafeUnwrap()
    expect(report.steps[0]?.status).toBe('completed')
    expect(report.steps[0]?.details).toEqual({ skipped: `${DASHBOARD_TARGET} is switched off for ${T}` })
    expect(w.plugin.calls).toEqual([])
  })

  it('backfills records stored before the dashboard was switched on when asked to', async () => {
    const w = dashboardWorld(server)
    // A Store whose outbox tracked nothing while the switch was off.
    let on = false
    const ledger = createMemoryPushLedger()
    const store = createMemoryStore({ outbox: { ledger, targets: dashboardOutboxTargets(() => on) } })
    const engine = createSyncEngine({ store })
    ;(
      await engine.syncBatch({ tenant: T, entity: 'student', records: [student('s1'), student('s2')] })
    )._unsafeUnwrap()
    on = true
    const runner = createStepRunner({
      store,
      steps: [dashboardPushStep({ store, ledger, api: w.client.dashboard, worker: 'w1' })],
    })
    const plain = (await runner.run(T, { only: [DASHBOARD_PUSH_STEP] }))._unsafeUnwrap()
    expect(plain.steps[0]?.details).toMatchObject({ pushed: 0 })
    expect(w.plugin.calls).toEqual([])

    const backfilled = (
      await runner.run(T, { only: [DASHBOARD_PUSH_STEP], options: { backfill: true } })
    )._unsafeUnwrap()
    expect(backfilled.steps[0]?.details).toMatchObject({ tracked: 2, pushed: 2 })
    expect([...w.plugin.tables.students.keys()].sort()).toEqual(['s1', 's2'])
  })

  it('fails the run when Moodle is in maintenance and pushes the kept work once it is back', async () => {
    const w = dashboardWorld(server)
    await w.sync('student', [student('s1')])
    const step = dashboardPushStep({
      store: w.store,
      ledger: w.ledger,
      api: w.client.dashboard,
      worker: 'w1',
      push: { backoff },
    })
    const runner = createStepRunner({ store: w.store, steps: [step] })
    server.use(
      http.post(ENDPOINT, () =>
        HttpResponse.json({
          exception: 'core\\exception\\moodle_exception',
          errorcode: 'sitemaintenance',
          message: 'Site is undergoing maintenance',
        }),
      ),
    )
    const down = (await runner.run(T, { only: [DASHBOARD_PUSH_STEP] }))._unsafeUnwrap()
    expect(down.status).toBe('failed')
    expect(down.steps[0]?.error).toContain(`${DASHBOARD_TARGET} is unavailable`)
    expect(w.plugin.tables.students.size).toBe(0)

    // Back up: the fake plugin answers again; a replay makes the waiting entry due now.
    server.resetHandlers()
    const back = dashboardWorld(server) // a plugin answering again; its Store is not used
    const again = dashboardPushStep({
      store: w.store,
      ledger: w.ledger,
      api: w.client.dashboard,
      worker: 'w1',
    })
    const up = (
      await createStepRunner({ store: w.store, steps: [again] }).run(T, {
        only: [DASHBOARD_PUSH_STEP],
        options: { replay: true },
      })
    )._unsafeUnwrap()
    expect(up.status).toBe('completed')
    expect(up.steps[0]?.details).toMatchObject({ pushed: 1, failed: 0 })
    expect([...back.plugin.tables.students.keys()]).toEqual(['s1'])
  })
})
