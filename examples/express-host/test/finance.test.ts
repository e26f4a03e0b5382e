import type { Store } from '@edusync/core'
import { createMemoryStore } from '@edusync/core'
import { createFinance } from '@edusync/core/finance'
import { invoiceRecord, paymentRecord, schoolRecord, studentRecord } from '@edusync/core/testing'
import type { PgFinanceStore } from '@edusync/store-pg'
import { createPgFinanceStore } from '@edusync/store-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'

let store: Store
let financeStore: PgFinanceStore
let host: TestHost
const api = { authorization: `Bearer ${SECRETS.apiToken}` }

// The statement replies as these tests read them.
interface Body {
  statements: { scope: unknown; asOf: string; closingMinor: number; lines: { id: string }[] }[]
  summaries: unknown[]
  cache?: string
  error: { reason: string; message: string; issues: { path: string }[] }
}

beforeAll(async () => {
  store = createMemoryStore()
  financeStore = createPgFinanceStore({})
  const finance = createFinance({ store, finance: financeStore, now: () => new Date('2026-03-01T09:00:00Z') })
  host = await startHost({ store, finance, tenants: { acme: tenant(), beta: tenant() } })
  expect(
    (await post(`${host.url}/api/acme/sync/student`, [studentRecord('s-1'), studentRecord('s-2')], api))
      .status,
  ).toBe(200)
  expect((await post(`${host.url}/api/acme/finance/school`, [schoolRecord('acme')], api)).status).toBe(200)
  const invoices = await post(
    `${host.url}/api/acme/finance/invoice`,
    {
      records: [
        invoiceRecord('inv-1', {
          schoolId: 'acme',
          studentId: 's-1',
          totalMinor: 120_000,
          issueDate: '2026-01-05',
          dueDate: '2026-01-20',
        }),
        invoiceRecord('inv-2', {
          schoolId: 'acme',
          studentId: 's-2',
          totalMinor: 50_000,
          issueDate: '2026-02-01',
          dueDate: '2026-03-15',
        }),
      ],
    },
    api,
  )
  expect(invoices.body.counts).toMatchObject({ new: 2 })
}, 60_000)

afterAll(async () => {
  await host.close()
  await financeStore.close()
})

const get = async (path: string, headers: Record<string, string> = api) => {
  const r = await fetch(`${host.url}${path}`, { headers: { ...headers, 'x-request-id': 'req-test-1' } })
  return { status: r.status, body: (await r.json()) as Body }
}

describe('finance routes', () => {
  it('records payments and refuses an overpayment with both amounts and the currency', async () => {
    const r = await post(
      `${host.url}/api/acme/finance/invoicePayment`,
      [
        paymentRecord('p-1', { invoiceId: 'inv-1', amountMinor: 20_000, paidOn: '2026-01-25' }),
        paymentRecord('p-2', { invoiceId: 'inv-1', amountMinor: 100_001 }),
      ],
      api,
    )
    expect(r.status).toBe(200)
    const body = r.body as unknown as {
      outcomes: { status: string; issues?: { rule: string; message: string }[] }[]
    }
    expect(body.outcomes.map((o) => o.status)).toEqual(['NEW', 'INVALID'])
    expect(body.outcomes[1]?.issues?.[0]).toMatchObject({
      rule: 'overpayment',
      message:
        'payment of 1000.01 USD exceeds the 1000.00 USD remaining on invoice INV-inv-1 (total 1200.00 USD, paid 200.00 USD)',
    })
  })

  it('GET /api/:tenant/students/:id/statement answers the statement with running balance and aging', async () => {
    const r = await get('/api/acme/students/s-1/statement?from=2026-01-01&to=2026-01-31&asOf=2026-03-01')
    expect(r.status).toBe(200)
    expect(r.body.statements).toEqual([
      {
        scope: { kind: 'student', id: 's-1' },
        currency: 'USD',
        from: '2026-01-01',
        to: '2026-01-31',
        asOf: '2026-03-01',
        openingMinor: 0,
        lines: [
          {
            date: '2026-01-05',
            kind: 'invoice',
            id: 'inv-1',
            invoiceId: 'inv-1',
            invoiceNumber: 'INV-inv-1',
            studentId: 's-1',
            amountMinor: 120_000,
            balanceMinor: 120_000,
          },
          {
            date: '2026-01-25',
            kind: 'payment',
            id: 'p-1',
            invoiceId: 'inv-1',
            invoiceNumber: 'INV-inv-1',
            studentId: 's-1',
            amountMinor: -20_000,
            balanceMinor: 100_000,
          },
        ],
        closingMinor: 100_000,
        aging: { current: 0, days1to30: 0, days31to60: 100_000, days61to90: 0, over90: 0 },
      },
    ])
    const again = await get('/api/acme/students/s-1/statement?from=2026-01-01&to=2026-01-31&asOf=2026-03-01')
    expect(again.body.cache).toBe('hit')
    const line = host.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'finance statement')
    expect(line).toMatchObject({
      requestId: 'req-test-1',
      operation: 'statement',
      scope: 'student',
      latencyMs: expect.any(Number),
    })
  })

  it('GET /api/:tenant/statement answers per-student summaries of the whole school (the tenant id by default)', async () => {
    const r = await get('/api/acme/statement?from=2026-01-01&to=2026-12-31&asOf=2026-03-01')
    expect(r.status).toBe(200)
    expect(r.body.summaries).toEqual([
      {
        scope: { kind: 'school', id: 'acme' },
        currency: 'USD',
        from: '2026-01-01',
        to: '2026-12-31',
        asOf: '2026-03-01',
        openingMinor: 0,
        debitsMinor: 170_000,
        creditsMinor: 20_000,
        closingMinor: 150_000,
        aging: { current: 50_000, days1to30: 0, days31to60: 100_000, days61to90: 0, over90: 0 },
        students: [
          {
            studentId: 's-1',
            openingMinor: 0,
            debitsMinor: 120_000,
            creditsMinor: 20_000,
            closingMinor: 100_000,
            aging: { current: 0, days1to30: 0, days31to60: 100_000, days61to90: 0, over90: 0 },
          },
          {
            studentId: 's-2',
            openingMinor: 0,
            debitsMinor: 50_000,
            creditsMinor: 0,
            closingMinor: 50_000,
            aging: { current: 50_000, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 },
          },
        ],
      },
    ])
  })

  it('GET /api/:tenant/statement?view=lines answers the whole school line by line, asOf from the clock', async () => {
    const r = await get('/api/acme/statement?from=2026-01-01&to=2026-12-31&view=lines')
    expect(r.status).toBe(200)
    const s = r.body.statements[0]!
    expect(s.scope).toEqual({ kind: 'school', id: 'acme' })
    expect(s.asOf).toBe('2026-03-01')
    expect(s.lines.map((l) => l.id)).toEqual(['inv-1', 'p-1', 'inv-2'])
    expect(s.closingMinor).toBe(150_000)
    expect(
      (await get('/api/acme/statement?school=nope&from=2026-01-01&to=2026-12-31')).body.summaries,
    ).toEqual([])
  })

  it('answers 400 for a bad period, 401 without the token and 404 for an unknown tenant', async () => {
    const bad = await get('/api/acme/students/s-1/statement?from=2026-02-01&to=2026-01-01')
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: {
          reason: 'BadRequest',
          message: 'from: must not be after to (received from 2026-02-01, to 2026-01-01)',
        },
      },
    })
    const missing = await get('/api/acme/students/s-1/statement?to=2026-01-01')
    expect(missing.status).toBe(400)
    expect(missing.body.error.issues[0]).toMatchObject({ path: 'from' })
    expect((await get('/api/acme/statement?from=2026-01-01&to=2026-01-31', {})).status).toBe(401)
    expect((await get('/api/nope/statement?from=2026-01-01&to=2026-01-31')).status).toBe(404)
    expect((await post(`${host.url}/api/acme/finance/refund`, [], api)).status).toBe(404)
  })

  it('the engine behind the routes knows finance: a student with an open invoice is refused deletion, a parked invoice is released by its student', async () => {
    const refused = await post(`${host.url}/api/acme/deletes/student`, { ids: ['s-2'], reason: 'left' }, api)
    expect(refused.status).toBe(200)
    const outcomes = (
      refused.body as unknown as {
        outcomes: { status: string; issues: { rule: string }[]; message: string }[]
      }
    ).outcomes
    expect(outcomes[0]).toMatchObject({ status: 'INVALID', issues: [{ rule: 'has_open_invoices' }] })
    expect(outcomes[0]?.message).toContain(
      'student s-2 has 1 open invoice: INV-inv-2 (id inv-2: 500.00 USD of 500.00 USD unpaid)',
    )

    const parked = await post(
      `${host.url}/api/acme/finance/invoice`,
      [
        invoiceRecord('inv-9', {
          schoolId: 'acme',
          studentId: 's-9',
          totalMinor: 1_000,
          issueDate: '2026-02-01',
        }),
      ],
      api,
    )
    expect(parked.body.counts).toMatchObject({ deferred: 1 })
    const student = await post(`${host.url}/api/acme/sync/student`, [studentRecord('s-9')], api)
    expect(student.status).toBe(200)
    expect(student.body.replayedCounts).toMatchObject({ total: 1, new: 1 })
    const statement = await get(
      '/api/acme/students/s-9/statement?from=2026-01-01&to=2026-12-31&asOf=2026-03-01',
    )
    expect(statement.body.statements[0]?.lines.map((l) => l.id)).toEqual(['inv-9'])
  })
})
