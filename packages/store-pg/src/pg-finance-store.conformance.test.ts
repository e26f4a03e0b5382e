import { describeFinanceStoreConformance } from '@edusync/core/testing'
import { afterAll, describe } from 'vitest'
import { financeStoreFactory } from '../test/finance-fixtures.ts'

for (const engine of ['pg', 'pglite-memory'] as const) {
  describe(engine, () => {
    const factory = financeStoreFactory(engine)
    afterAll(() => factory.dispose())
    describeFinanceStoreConformance(engine, {
      create: () => factory.create(),
      teardown: () => factory.teardown(),
    })
  })
}
