import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import type { Fingerprint } from '../fingerprint/fingerprint.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { parkedReplayStep } from './parked-replay-step.ts'
import type { Step } from './step.ts'
import { defineStep } from './step.ts'
import type { StepEvent } from './step-runner.ts'
import { createStepRunner, STEPS_RUN } from './step-runner.ts'

const tenant = 'acme'
const now = () => new Date(2026, 10, 30)

/** Steps named like the seed's, each recording that it ran (and with which months). */
function seedSteps(calls: string[], failing = new Set<string>()) {
  const make = (name: string, kind?: 'separate') =>
    defineStep({
      name,
      description: `step ${name}`,
      ...(kind ? { kind } : {}),
      run: ({ months }) => {
        calls.push(`${name}:${months.length}`)
        return failing.has(name)
          ? errAsync(new Error(`${name} broke`))
          : okAsync({ counts: { total: 2, new: 2 } })
      },
    })
  return [
    make('services'),
    make('invoices'),
    make('crm-clients'),
    make('service-periods'),
    make('notion-external-id'),
    make('accruals', 'separate'),
  ]
}

describe('createStepRunner', () => {
  it('runs every ordered step in the fixed order, and never the separate ones unasked', async () => {
    const calls: string[] = []
    const runner = createStepRunner({ store: createMemoryStore(), steps: seedSteps(calls), now })
    const report = (await runner.run(tenant))._unsafeUnwrap()
    expect(calls).toEqual([
      'services:12',
      'invoices:12',
      'crm-clients:12',
      'service-periods:12',
      'notion-external-id:12',
    ])
    expect(report.status).toBe('completed')
    expect(report.counts).toMatchObject({ total: 10, new: 10 })
  })

  it('starts from a step and runs it and every later ordered step (seed 004 --from-step invoices)', async () => {
    const calls: string[] = []
    const runner = createStepRunner({ store: createMemoryStore(), steps: seedSteps(calls), now })
    const range = { start: '2024-03-01', end: '2024-07-01' }
    await runner.run(tenant, { from: 'invoices', range })
    expect(calls).toEqual(['invoices:4', 'crm-clients:4', 'service-periods:4', 'notion-external-id:4'])
  })

  it('runs a separate step alone when named by from, and exactly the named steps with only', async () => {
    const calls: string[] = []
    const runner = createStepRunner({ store: createMemoryStore(), steps: seedSteps(calls), now })
    await runner.run(tenant, { from: 'accruals', range: { start: '2024-03-01', end: '2024-04-01' } })
    expect(calls).toEqual(['accruals:1'])
    calls.length = 0
    await runner.run(tenant, { only: ['notion-external-id', 'services'] })
    expect(calls).toEqual(['services:12', 'notion-external-id:12'])
  })

  it('refuses an unknown step naming the known ones, and a bad range, before recording anything', async () => {
    const store = createMemoryStore()
    const runner = createStepRunner({ store, steps: seedSteps([]), now })
    const unknown = (await runner.run(tenant, { from: 'invoice' }))._unsafeUnwrapErr()
    expect(unknown.reason).toBe('UnknownStep')
    expect(unknown.message).toContain('unknown step "invoice" (known, in order: services, invoices,')
    const range = (
      await runner.run(tenant, { range: { start: '2024-03-15', end: '2024-04-01' } })
    )._unsafeUnwrapErr()
    expect(range.reason).toBe('InvalidRange')
    expect((await store.listRuns(tenant))._unsafeUnwrap()).toEqual([])
  })

  it('records a parent run and one run per step with status, counts and parameters', async () => {
    const store = createMemoryStore()
    const runner = createStepRunner({ store, steps: seedSteps([]), now })
    const report = (
      await runner.run(tenant, { from: 'service-periods', options: { full: true } })
    )._unsafeUnwrap()
    const parent = (await store.getRun(tenant, report.runId))._unsafeUnwrap()
    expect(parent).toMatchObject({ step: STEPS_RUN, status: 'completed', counts: { total: 4, new: 4 } })
    expect(parent?.metadata).toMatchObject({
      plan: ['service-periods', 'notion-external-id'],
      completed: ['service-periods', 'notion-external-id'],
      range: { start: '2026-01-01', end: '2027-01-01' },
      options: { full: true },
      selection: { from: 'service-periods', only: null },
    })
    for (const outcome of report.steps) {
      const run = (await store.getRun(tenant, outcome.runId as string))._unsafeUnwrap()
      expect(run).toMatchObject({ step: outcome.step, status: 'completed', counts: { total: 2, new: 2 } })
      expect(run?.metadata).toMatchObject({ parentRunId: report.runId })
      expect(run?.startedAt).toBeInstanceOf(Date)
      expect(run?.finishedAt).toBeInstanceOf(Date)
    }
  })

  it('stops at a failing step, records its error, skips the rest, and resumes from it', async () => {
    const store = createMemoryStore()
    const calls: string[] = []
    const failing = new Set(['crm-clients'])
    const runner = createStepRunner({ store, steps: seedSteps(calls, failing), now })
    const report = (
      await runner.run(tenant, { range: { start: '2024-03-01', end: '2024-05-01' } })
    )._unsafeUnwrap()
    expect(report.status).toBe('failed')
    expect(report.steps.map((s) => `${s.step}=${s.status}`)).toEqual([
      'services=completed',
      'invoices=completed',
      'crm-clients=failed',
      'service-periods=skipped',
      'notion-external-id=skipped',
    ])
    const failedRun = (await store.getRun(tenant, report.steps[2]?.runId as string))._unsafeUnwrap()
    expect(failedRun).toMatchObject({ status: 'failed', error: 'crm-clients broke' })
    const parent = (await store.getRun(tenant, report.runId))._unsafeUnwrap()
    expect(parent).toMatchObject({ status: 'failed', error: 'crm-clients: crm-clients broke' })

    failing.clear()
    calls.length = 0
    const resumed = (await runner.resume(tenant, report.runId))._unsafeUnwrap()
    expect(calls).toEqual(['crm-clients:2', 'service-periods:2', 'notion-external-id:2'])
    expect(resumed.status).toBe('completed')
    const old = (await store.getRun(tenant, report.runId))._unsafeUnwrap()
    expect(old?.metadata).toMatchObject({ resumedBy: resumed.runId })
    const fresh = (await store.getRun(tenant, resumed.runId))._unsafeUnwrap()
    expect(fresh?.metadata).toMatchObject({
      resumedFrom: report.runId,
      range: { start: '2024-03-01', end: '2024-05-01' },
    })
    expect((await runner.resume(tenant, resumed.runId))._unsafeUnwrapErr().reason).toBe('NotResumable')
  })

  it('goes on after a failing step when asked, still recording the failure', async () => {
    const calls: string[] = []
    const runner = createStepRunner({
      store: createMemoryStore(),
      steps: seedSteps(calls, new Set(['invoices'])),
      now,
    })
    const report = (await runner.run(tenant, { continueOnError: true }))._unsafeUnwrap()
    expect(calls).toHaveLength(5)
    expect(report.status).toBe('failed')
    expect(report.steps.filter((s) => s.status === 'failed').map((s) => s.step)).toEqual(['invoices'])
  })

  it('records a step that throws as failed instead of leaving it running', async () => {
    const store = createMemoryStore()
    const throwing = defineStep({
      name: 'throws',
      description: 'throws',
      run: () => {
        throw new Error('bug in a step')
      },
    })
    const report = (await createStepRunner({ store, steps: [throwing], now }).run(tenant))._unsafeUnwrap()
    expect(report.steps[0]).toMatchObject({ status: 'failed', error: 'bug in a step' })
    expect((await store.listRuns(tenant, { status: 'running' }))._unsafeUnwrap()).toEqual([])
  })

  it('stops between batches when interrupted, records the run as interrupted, and resumes it', async () => {
    const store = createMemoryStore()
    const controller = new AbortController()
    const batches: number[] = []
    const slow: Step = defineStep({
      name: 'batches',
      description: 'three batches, interrupted after the first',
      run: ({ signal, progress }) =>
        ResultAsync.fromPromise(
          (async () => {
            for (let batch = batches.length; batch < 3; batch++) {
              if (signal.aborted) throw new Error(`stopped before batch ${batch}`)
              batches.push(batch)
              progress({ done: batch + 1, total: 3 })
              if (batch === 0 && !controller.signal.aborted) controller.abort()
            }
            return {}
          })(),
          (e) => e as Error,
        ),
    })
    const after = defineStep({ name: 'after', description: 'runs after', run: () => okAsync({}) })
    const runner = createStepRunner({ store, steps: [slow, after], now })
    const events: StepEvent[] = []
    const report = (
      await runner.run(tenant, { signal: controller.signal, onEvent: (e) => events.push(e) })
    )._unsafeUnwrap()
    expect(report.status).toBe('interrupted')
    expect(report.steps.map((s) => s.status)).toEqual(['interrupted', 'skipped'])
    expect(events.filter((e) => e.type === 'progress')).toEqual([
      { type: 'progress', step: 'batches', done: 1, total: 3 },
    ])
    const parent = (await store.getRun(tenant, report.runId))._unsafeUnwrap()
    expect(parent).toMatchObject({ status: 'failed', error: 'interrupted', metadata: { interrupted: true } })
    const stepRun = (await store.getRun(tenant, report.steps[0]?.runId as string))._unsafeUnwrap()
    expect(stepRun).toMatchObject({ status: 'failed', error: 'interrupted: stopped before batch 1' })

    const resumed = (await runner.resume(tenant, report.runId))._unsafeUnwrap()
    expect(resumed.status).toBe('completed')
    expect(batches).toEqual([0, 1, 2])
  })

  it('ships a parked-replay step that replays children whose parents arrived by another path', async () => {
    const store = createMemoryStore()
    const engine = createSyncEngine({ store })
    const enrollment = { id: 'e1', studentId: 's1', classId: 'c1' }
    const parked = (
      await engine.syncBatch({ tenant, entity: 'enrollment', records: [enrollment] })
    )._unsafeUnwrap()
    expect(parked.counts.deferred).toBe(1)
    // The parents land without the engine (e.g. restored from a backup): only a replay picks the child up.
    const write = (id: string, data: Record<string, unknown>) => ({
      upserts: [{ id, fingerprint: 'a'.repeat(64) as Fingerprint, data }],
      park: [],
      unpark: [],
    })
    await store.applyBatch(
      tenant,
      'student',
      write('s1', { id: 's1', firstName: 'Ada', lastName: 'B', status: 'active' }),
    )
    await store.applyBatch(tenant, 'class', write('c1', { id: 'c1', name: 'Business 1' }))
    const runner = createStepRunner({ store, steps: [parkedReplayStep(engine)], now })
    const report = (await runner.run(tenant))._unsafeUnwrap()
    expect(report.steps[0]).toMatchObject({
      step: 'parked-replay',
      status: 'completed',
      counts: { total: 1, new: 1 },
    })
    expect((await store.readRecords(tenant, 'enrollment', ['e1']))._unsafeUnwrap().has('e1')).toBe(true)
  })
})
