// A runnable tour of the engine: sync a small school into the in-memory Store and print what happened.
// Run with `pnpm demo` from the repository root.
import type { RecordOutcome } from '../src/index.ts'
import { createMemoryStore, createSyncEngine } from '../src/index.ts'

const tenant = 'demo-academy'
const store = createMemoryStore()
const engine = createSyncEngine({ store })

const program = {
  id: '6493490000000100001',
  code: 'PRG-0001',
  name: 'BTEC Level 5 HND in Business',
  price: { minor: 440000, currency: 'USD' },
}
const student = {
  id: '6493490000000200001',
  code: 'A01B3011C',
  firstName: 'Ayşe',
  lastName: 'Yılmaz',
  email: 'ayse.yilmaz@example.org',
  status: 'active',
  programId: program.id,
}
const registration = {
  id: '6493490000000300001',
  studentId: student.id,
  programId: program.id,
  registrationDate: '2026-01-10',
  status: 'active',
  programPrice: { minor: 440000, currency: 'USD' },
  paymentSchedule: [
    {
      number: 1,
      dueDate: '2026-02-01',
      amount: { minor: 220000, currency: 'USD' },
      status: 'Paid',
      paidDate: '2026-01-28',
    },
    { number: 2, dueDate: '2026-06-01', amount: { minor: 220000, currency: 'USD' }, status: 'Pending' },
  ],
}
const payment = {
  id: '6493490000000400001',
  registrationId: registration.id,
  studentId: student.id,
  amount: { minor: 220000, currency: 'usd' },
  paymentDate: '2026-01-28',
  method: 'Bank Transfer',
}
const badPayment = {
  id: '6493490000000400002',
  registrationId: registration.id,
  amount: { minor: 99.5, currency: 'USD' },
  paymentDate: '28/01/2026',
}

const show = (label: string, outcomes: readonly RecordOutcome[]) => {
  for (const o of outcomes) {
    const detail =
      o.status === 'UPDATED'
        ? `changed: ${o.changedFields.join(', ')}`
        : o.status === 'DEFERRED'
          ? `waiting for ${o.waitingFor.map((r) => `${r.entity} ${r.id}`).join(', ')}`
          : o.status === 'INVALID'
            ? o.message
            : ''
    console.log(
      `  ${label.padEnd(22)} ${o.entity.padEnd(13)} ${String(o.id).padEnd(20)} ${o.status.padEnd(9)} ${detail}`,
    )
  }
}

console.log('1. A payment arrives before its registration (out-of-order webhook), with a bad one beside it:')
const early = (
  await engine.syncBatch({ tenant, entity: 'payment', records: [payment, badPayment] })
)._unsafeUnwrap()
show('payment webhook', early.outcomes)

console.log('\n2. A full sync of the parents, in dependency order; the parked payment is replayed:')
const all = (
  await engine.syncAll({
    tenant,
    batches: { registration: [registration], student: [student], program: [program] },
  })
)._unsafeUnwrap()
console.log(`  order: ${all.order.join(' -> ')}`)
for (const result of all.results.values()) {
  show(`${result.entity} sync`, result.outcomes)
  show('  replayed', result.replayed)
}

console.log('\n3. The same registration again, then with one instalment paid:')
show(
  're-sync',
  (await engine.syncBatch({ tenant, entity: 'registration', records: [registration] }))._unsafeUnwrap()
    .outcomes,
)
const paid = structuredClone(registration)
paid.paymentSchedule[1] = { ...paid.paymentSchedule[1]!, status: 'Paid', paidDate: '2026-05-30' }
show(
  'change',
  (await engine.syncBatch({ tenant, entity: 'registration', records: [paid] }))._unsafeUnwrap().outcomes,
)

console.log('\nTotals:', JSON.stringify(all.counts))
await store.close()
