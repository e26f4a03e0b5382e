import { describe, expect, it } from 'vitest'
import { parkedReplayStep } from '../steps/parked-replay-step.ts'
import { createStepRunner } from '../steps/step-runner.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { invoiceRecord, paymentRecord, schoolRecord, studentRecord } from '../testing/finance-data.ts'
import { createFinance } from './finance-service.ts'
import type { FinanceStore } from './finance-store.ts'
import { createMemoryFinanceStore } from './memory-finance-store.ts'

// The engine-level behaviour is in the FinanceStore conformance suite (memory, Postgres, PGlite); these
// are the paths around it: the parked-replay step and a finance store that fails during a replay.
describe('finance as a sync engine extension', () => {
  const setup = async (financeStore: FinanceStore = createMemoryFinanceStore()) => {
    const store = createMemoryStore()
    const finance = createFinance({ store, finance: financeStore })
    await finance.syncBatch({ tenant: 'acme', entity: 'school', records: [schoolRecord('school-1')] })
    await finance.syncBatch({
      tenant: 'acme',
      entity: 'invoice',
      records: [invoiceRecord('inv-1', { studentId: 's-1', totalMinor: 1_000 })],
    })
    await finance.syncBatch({
      tenant: 'acme',
      entity: 'invoicePayment',
      records: [paymentRecord('pay-1', { invoiceId: 'inv-1', amountMinor: 1_000 })],
    })
    // The student arrives through an engine that does not know finance (another process, an import).
    await createSyncEngine({ store }).syncBatch({
      tenant: 'acme',
      entity: 'student',
      records: [studentRecord('s-1')],
    })
    return { store, finance, financeStore }
  }

  it('the parked-replay step releases parked invoices and the payments behind them', async () => {
    const { store, finance, financeStore } = await setup()
    expect((await financeStore.listParked('acme'))._unsafeUnwrap()).toHaveLength(2)
    const engine = createSyncEngine({ store, extensions: [finance.engineExtension] })
    const runner = createStepRunner({ store, steps: [parkedReplayStep(engine)] })
    const report = (await runner.run('acme'))._unsafeUnwrap()
    expect(report.steps[0]).toMatchObject({
      step: 'parked-replay',
      status: 'completed',
      counts: { total: 2, new: 2 },
    })
    expect((await financeStore.listParked('acme'))._unsafeUnwrap()).toEqual([])
  })

  it('a finance store failing during the replay fails the engine call, saying the batch was written', async () => {
    const failing = createMemoryFinanceStore()
    const { store, finance } = await setup(failing)
    await failing.close()
    const engine = createSyncEngine({ store, extensions: [finance.engineExtension] })
    const result = await engine.syncBatch({
      tenant: 'acme',
      entity: 'student',
      records: [studentRecord('s-2')],
    })
    const error = result._unsafeUnwrapErr()
    expect(error.reason).toBe('Store')
    expect(error.message).toMatch(/^student batch written, but replaying parked records failed: .*closed/)
    expect(error.completed).toMatchObject({ total: 1, new: 1 })
    expect((await store.readFingerprints('acme', 'student', ['s-2']))._unsafeUnwrap().has('s-2')).toBe(true)
  })
})
