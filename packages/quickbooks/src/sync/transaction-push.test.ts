import type { PushLedger } from '@edusync/core'
import { StoreError } from '@edusync/core'
import fc from 'fast-check'
import { errAsync } from 'neverthrow'
import { afterEach, describe, expect, it } from 'vitest'
import { connectedTokenStore, testConfig, useQuickBooksServer } from '../__fixtures__/server.ts'
import type { StoreSet } from '../__fixtures__/stores.ts'
import { freshStores } from '../__fixtures__/stores.ts'
import { createQuickBooksClient } from '../client.ts'
import { minorDigits, toDecimalString } from '../map/money.ts'
import type { InvoiceInput, PaymentInput } from '../map/transactions.ts'
import { createItemResolver } from './items.ts'
import { pushInvoices, pushPayments } from './transaction-push.ts'

const { mock } = useQuickBooksServer()

describe('toDecimalString', () => {
  it.each([
    [150050, 'USD', '1500.50'],
    [-5, 'USD', '-0.05'],
    [0, 'EUR', '0.00'],
    [5000, 'RWF', '5000'],
    [1234, 'KWD', '1.234'],
    [Number.MAX_SAFE_INTEGER, 'USD', '90071992547409.91'],
  ])('writes %i %s as %s', (minor, currency, text) => {
    expect(toDecimalString({ minor, currency })).toBe(text)
  })

  it('is exact for every safe integer (the digits are the minor units)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom('USD', 'RWF', 'KWD', 'TRY'), (minor, currency) => {
        const text = toDecimalString({ minor, currency })
        expect(BigInt(text.replace('.', ''))).toBe(BigInt(minor))
        expect(text.includes('.') ? text.split('.')[1]?.length : 0).toBe(minorDigits(currency))
      }),
    )
  })
})

describe.each(['memory', 'pglite'] as const)('invoice and payment push on the %s store', (engine) => {
  let stores: StoreSet
  afterEach(async () => {
    await stores?.close()
  })
  const setup = async (extra = {}) => {
    stores = await freshStores(engine)
    const client = createQuickBooksClient(
      testConfig(await connectedTokenStore('acme', { store: stores.tokens }), extra),
    )
    const customer = mock().seedCustomer({ DisplayName: 'Jean Uwase' })
    return { client, ledger: stores.ledger, store: stores.store, customer }
  }
  const invoice = (id: string, customerId: string, item = 'BSc Information Technology'): InvoiceInput => ({
    id,
    customerId,
    number: `INV-${id}`,
    date: '2026-09-01',
    dueDate: '2026-09-30',
    lines: [
      { item, description: 'Tuition, semester 1', unitPrice: { minor: 150050, currency: 'USD' } },
      { item: 'Registration fee', quantity: 2, unitPrice: { minor: 2500, currency: 'USD' } },
    ],
  })

  it('creates each item once, sends exact amounts and skips unchanged invoices', async () => {
    const { client, ledger, store, customer } = await setup()
    const items = createItemResolver(client, { incomeAccountId: '79' })
    const report = (
      await pushInvoices([invoice('1', customer.Id), invoice('2', customer.Id)], {
        client,
        ledger,
        store,
        items,
      })
    )._unsafeUnwrap()
    expect(report).toMatchObject({ created: 2, failed: 0 })
    expect(
      [...mock().state.items.values()].map((i) => [
        i.Name,
        i.Type,
        (i.IncomeAccountRef as { value: string }).value,
      ]),
    ).toEqual([
      ['BSc Information Technology', 'Service', '79'],
      ['Registration fee', 'Service', '79'],
    ])
    const sent =
      mock()
        .state.requests.filter((r) => r.body.includes('"Invoice"'))
        .at(-1)?.body ?? ''
    expect(sent).toContain('"Amount":1500.50')
    expect(sent).toContain('"UnitPrice":1500.50')
    expect(sent).toContain('"Amount":50.00')
    expect(sent).toContain('"PrivateNote":"edusync invoice/1"')
    const created = [...mock().state.invoices.values()]
    expect(created.map((i) => i.TotalAmt)).toEqual([1550.5, 1550.5])
    const again = (
      await pushInvoices([invoice('1', customer.Id), invoice('3', customer.Id)], {
        client,
        ledger,
        store,
        items,
      })
    )._unsafeUnwrap()
    expect(again).toMatchObject({ created: 1, skipped: 1 })
    expect(mock().state.items.size).toBe(2)
    const links = (await store.readLinks('acme', 'invoice', ['1']))._unsafeUnwrap()
    expect(links.get('1')?.[0]?.externalId).toBe(created[0]?.Id)
  })

  it('fails only the invoice whose customer does not exist', async () => {
    const { client, ledger, customer } = await setup()
    const items = createItemResolver(client, { incomeAccountId: '79' })
    const report = (
      await pushInvoices([invoice('1', customer.Id), invoice('2', '424242')], { client, ledger, items })
    )._unsafeUnwrap()
    expect(report).toMatchObject({ created: 1, failed: 1 })
    expect(report.failures[0]).toMatchObject({ id: '2', reason: 'NotFound' })
  })

  it('links a payment to its invoice and never records a retried payment twice', async () => {
    const { client, ledger, customer } = await setup({ timeoutMs: 150 })
    const items = createItemResolver(client, { incomeAccountId: '79' })
    await pushInvoices([invoice('1', customer.Id)], { client, ledger, items })
    const qbInvoice = [...mock().state.invoices.values()][0]
    const payment: PaymentInput = {
      id: 'PAY-1',
      customerId: customer.Id,
      invoiceId: qbInvoice?.Id ?? null,
      amount: { minor: 100000, currency: 'USD' },
      date: '2026-09-05',
      reference: 'MOMO-77812',
    }
    // The first answer is lost after QuickBooks recorded the payment; the retry carries the same requestid.
    let lose = true
    mock().state.hooks.push((request, m) => {
      if (!lose || !request.body.includes('"Payment"')) return undefined
      lose = false
      return { ...m.process(request), delayMs: 400 }
    })
    const queries = mock().state.counts.query
    const report = (await pushPayments([payment], { client, ledger }))._unsafeUnwrap()
    expect(report).toMatchObject({ created: 1, failed: 0 })
    // A payment tracked for the first time was never sent: no lookup query before its create.
    expect(mock().state.counts.query).toBe(queries)
    expect(mock().state.payments.size).toBe(1)
    const stored = [...mock().state.payments.values()][0]
    expect(stored?.Line).toEqual([
      { Amount: 1000, LinkedTxn: [{ TxnId: qbInvoice?.Id, TxnType: 'Invoice' }] },
    ])
    expect(stored?.PaymentRefNum).toBe('MOMO-77812')
    const body =
      mock()
        .state.requests.filter((r) => r.body.includes('"Payment"'))
        .at(-1)?.body ?? ''
    expect(body).toContain('"TotalAmt":1000.00')

    // A crash after QuickBooks recorded a second payment but before the ledger heard: the rerun finds it.
    const crashing: PushLedger = {
      ...ledger,
      complete: () => errAsync(new StoreError('Unavailable', 'connection terminated')),
    }
    const second = { ...payment, id: 'PAY-2', amount: { minor: 50050, currency: 'USD' } }
    expect((await pushPayments([second], { client, ledger: crashing }))._unsafeUnwrapErr().reason).toBe(
      'Store',
    )
    const resumed = (await pushPayments([payment, second], { client, ledger }))._unsafeUnwrap()
    expect(resumed).toMatchObject({ found: 1, created: 0, skipped: 1 })
    expect(mock().state.payments.size).toBe(2)
  })
})
