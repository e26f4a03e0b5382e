import { errAsync, okAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { seededEngine, TENANT } from '../__fixtures__/engine.ts'
import { createFaultyStore } from '../__fixtures__/faulty-store.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { SyncRun } from '../index.ts'
import { createMemoryStore, SyncError, trackRun } from '../index.ts'

describe('trackRun', () => {
  it('moves a run pending -> running -> completed and returns the work value', async () => {
    let clock = Date.parse('2026-01-15T09:00:00Z')
    const store = createMemoryStore({
      now: () => {
        clock += 1000
        return new Date(clock)
      },
    })
    let during: SyncRun | null = null

    const result = await trackRun(store, TENANT, { step: 'zoho:student', metadata: { page: 1 } }, (runId) =>
      store.getRun(TENANT, runId).map((run) => {
        during = run
        return 'done'
      }),
    )

    const { run, value } = result._unsafeUnwrap()
    expect(value).toBe('done')
    expect(during).toMatchObject({ status: 'running', finishedAt: null, step: 'zoho:student' })
    expect(run).toMatchObject({ status: 'completed', error: null, metadata: { page: 1 } })
    expect(run.startedAt?.getTime()).toBeGreaterThan(run.createdAt.getTime())
    expect(run.finishedAt?.getTime()).toBeGreaterThan(run.startedAt?.getTime() ?? Number.POSITIVE_INFINITY)
  })

  it('leaves a run pending when it cannot be started, and reports the StoreError', async () => {
    const store = createFaultyStore()
    store.failOn('updateRun', 'Unavailable')
    let worked = false
    const result = await trackRun(store, TENANT, { step: 'monthly-accruals' }, () => {
      worked = true
      return okAsync(1)
    })
    expect(result._unsafeUnwrapErr().name).toBe('StoreError')
    expect(worked).toBe(false)
    const [run] = (await store.inner.listRuns(TENANT))._unsafeUnwrap()
    expect(run?.status).toBe('pending')
  })

  it('marks the run failed with the error message and returns the work error', async () => {
    const store = createMemoryStore()
    const failure = new SyncError('Aborted', 'stream aborted after 2 batches')
    const result = await trackRun(store, TENANT, { step: 'zoho:payment' }, () => errAsync(failure))
    expect(result._unsafeUnwrapErr()).toBe(failure)
    const [run] = (await store.listRuns(TENANT))._unsafeUnwrap()
    expect(run).toMatchObject({ status: 'failed', error: 'stream aborted after 2 batches' })
    expect(run?.finishedAt).not.toBeNull()
  })

  it('collects the counts of every batch synced under the run, replays included', async () => {
    const { engine, store } = await seededEngine()
    await engine.syncBatch({
      tenant: TENANT,
      entity: 'payment',
      records: [{ ...sample('payment', 'p'), registrationId: 'r-late' }],
    })
    const result = await trackRun(store, TENANT, { step: 'zoho:registration' }, (runId) =>
      engine.syncBatch({
        tenant: TENANT,
        entity: 'registration',
        records: [sample('registration', 'r-late'), {}],
        runId,
      }),
    )
    expect(result._unsafeUnwrap().run.counts).toEqual({
      total: 3,
      new: 2,
      unchanged: 0,
      updated: 0,
      invalid: 1,
      deferred: 0,
      error: 0,
      deleted: 0,
      restored: 0,
    })
  })
})
