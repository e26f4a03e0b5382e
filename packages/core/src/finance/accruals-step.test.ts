import { okAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { createStepRunner } from '../steps/step-runner.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { accrualsStep } from './accruals-step.ts'
import { createFinance } from './finance-service.ts'
import { createMemoryFinanceStore } from './memory-finance-store.ts'

describe('accrualsStep', () => {
  it('accrues every month of the range once, and a re-run records nothing new', async () => {
    const store = createMemoryStore()
    const financeStore = createMemoryFinanceStore()
    const finance = createFinance({ store, finance: financeStore })
    const contracts = [
      { id: 'c-1', start: '2026-01-16', end: '2026-03-15', amountMinor: 100_000, currency: 'USD' },
      { id: 'c-2', start: '2026-03-01', end: '2026-12-31', amountMinor: 50_000, currency: 'EUR' },
    ]
    const runner = createStepRunner({
      store,
      steps: [accrualsStep({ finance, contracts: () => okAsync(contracts) })],
    })
    const range = { start: '2026-01-01', end: '2026-04-01' }
    const first = (await runner.run('acme', { only: ['accruals'], range }))._unsafeUnwrap()
    expect(first.status).toBe('completed')
    expect(first.counts).toMatchObject({ total: 4, new: 4, unchanged: 0 })
    const again = (await runner.run('acme', { only: ['accruals'], range }))._unsafeUnwrap()
    expect(again.counts).toMatchObject({ total: 4, new: 0, unchanged: 4 })
    const stored = (await financeStore.listAccruals('acme'))._unsafeUnwrap()
    expect(stored.map((a) => [a.contractId, a.month, a.amountMinor])).toEqual([
      ['c-1', '2026-01-01', 27_119],
      ['c-1', '2026-02-01', 47_457],
      ['c-1', '2026-03-01', 25_424],
      // 50,000 x 31/306 = 5,065.36. Six units are left over: four go to the 30-day months (remainder .96),
      // and the ties at .36 go to the earliest months, March first.
      ['c-2', '2026-03-01', 5_066],
    ])
  })
})
