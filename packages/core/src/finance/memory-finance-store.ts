import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import { StoreError } from '../errors/store-error.ts'
import type { ParkedRecord } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { Accrual } from './accruals.ts'
import type { FinanceEntityName, Invoice, InvoicePayment } from './entities.ts'
import type {
  FinanceSnapshot,
  FinanceStore,
  InvoiceBalance,
  PaymentFacts,
  StatementScope,
  StoredFinanceRecord,
} from './finance-store.ts'
import type { LedgerInvoice, LedgerPayment } from './statement.ts'
import { buildStatements } from './statement.ts'
import { buildStatementSummaries } from './statement-summary.ts'

interface TenantFinance {
  records: Record<FinanceEntityName, Map<string, StoredFinanceRecord>>
  paid: Map<string, number>
  reversedBy: Map<string, string>
  parked: Map<string, ParkedRecord>
  versions: Map<string, number>
  accruals: Map<string, Accrual>
}

/** Options of {@link createMemoryFinanceStore}. */
export interface MemoryFinanceStoreOptions {
  /** Clock for `parkedAt`. @default () => new Date() */
  readonly now?: () => Date
}

const scopeKey = (s: StatementScope) => `${s.kind}\u0000${s.id}`

/**
 * An in-memory {@link FinanceStore} for tests, demos and single-process hosts. A batch is read, decided
 * and written in one synchronous step, so within one process nothing interleaves with it (the same
 * serialisation Postgres gets from row locks). Statements come from {@link buildStatements}.
 */
export function createMemoryFinanceStore(options: MemoryFinanceStoreOptions = {}): FinanceStore {
  const now = options.now ?? (() => new Date())
  const tenants = new Map<TenantId, TenantFinance>()
  let closed = false

  const state = (tenant: TenantId): TenantFinance => {
    let t = tenants.get(tenant)
    if (!t) {
      t = {
        records: { school: new Map(), invoice: new Map(), invoicePayment: new Map() },
        paid: new Map(),
        reversedBy: new Map(),
        parked: new Map(),
        versions: new Map(),
        accruals: new Map(),
      }
      tenants.set(tenant, t)
    }
    return t
  }
  function run<T>(operation: string, fn: () => T): ResultAsync<T, StoreError> {
    if (closed)
      return errAsync(new StoreError('Unavailable', `${operation}: the memory finance store is closed`))
    try {
      return okAsync(fn())
    } catch (error) {
      return errAsync(new StoreError('Invalid', `${operation}: ${String(error)}`, { cause: error }))
    }
  }
  const clone = <T>(value: T): T => structuredClone(value)

  const balance = (t: TenantFinance, id: string): InvoiceBalance | undefined => {
    const row = t.records.invoice.get(id)
    if (!row) return undefined
    const inv = row.data as unknown as Invoice
    return {
      id,
      number: inv.number,
      schoolId: inv.schoolId,
      studentId: inv.studentId,
      currency: inv.currency,
      dueDate: inv.dueDate,
      totalMinor: inv.total.minor,
      paidMinor: t.paid.get(id) ?? 0,
    }
  }
  const facts = (t: TenantFinance, id: string): PaymentFacts | undefined => {
    const row = t.records.invoicePayment.get(id)
    if (!row) return undefined
    const pay = row.data as unknown as InvoicePayment
    return {
      id,
      invoiceId: pay.invoiceId,
      currency: pay.amount.currency,
      amountMinor: pay.amount.minor,
      reverses: pay.reverses ?? null,
      reversedBy: t.reversedBy.get(id) ?? null,
    }
  }

  // The scope's invoices (any date) and every payment and reversal of them.
  const ledgerOf = (t: TenantFinance, scope: StatementScope) => {
    const invoices: LedgerInvoice[] = []
    for (const row of t.records.invoice.values()) {
      const inv = row.data as unknown as Invoice
      const owner = scope.kind === 'student' ? inv.studentId : inv.schoolId
      if (owner !== scope.id) continue
      invoices.push({
        id: inv.id,
        number: inv.number,
        schoolId: inv.schoolId,
        studentId: inv.studentId,
        currency: inv.currency,
        issueDate: inv.issueDate,
        dueDate: inv.dueDate,
        totalMinor: inv.total.minor,
      })
    }
    const ids = new Set(invoices.map((i) => i.id))
    const payments: LedgerPayment[] = []
    for (const row of t.records.invoicePayment.values()) {
      const pay = row.data as unknown as InvoicePayment
      if (!ids.has(pay.invoiceId)) continue
      payments.push({
        id: pay.id,
        invoiceId: pay.invoiceId,
        currency: pay.amount.currency,
        paidOn: pay.paidOn,
        amountMinor: pay.amount.minor,
        reverses: pay.reverses ?? null,
      })
    }
    return { invoices, payments }
  }

  return {
    id: 'memory',

    applyFinanceBatch(tenant, request, decide) {
      return run('applyFinanceBatch', () => {
        const t = state(tenant)
        const own = t.records[request.entity]
        const snapshot: FinanceSnapshot = {
          stored: new Map(request.ids.flatMap((id) => (own.has(id) ? [[id, own.get(id)!] as const] : []))),
          schools: new Set(request.schoolIds.filter((id) => t.records.school.has(id))),
          invoices: new Map(
            request.invoiceIds.flatMap((id) => {
              const b = balance(t, id)
              return b ? [[id, b] as const] : []
            }),
          ),
          payments: new Map(
            request.paymentIds.flatMap((id) => {
              const f = facts(t, id)
              return f ? [[id, f] as const] : []
            }),
          ),
          studentSchools: new Map(),
        }
        if (request.studentIds.length > 0) {
          const wanted = new Set(request.studentIds)
          const schools = snapshot.studentSchools as Map<string, string>
          for (const row of t.records.invoice.values()) {
            const inv = row.data as unknown as Invoice
            if (wanted.has(inv.studentId) && !schools.has(inv.studentId))
              schools.set(inv.studentId, inv.schoolId)
          }
        }
        const { write, result } = decide(snapshot)
        const at = now()
        for (const up of write.upserts) {
          own.set(up.id, { fingerprint: up.fingerprint, data: clone(up.data) })
          if (request.entity === 'invoicePayment') {
            const pay = up.data as unknown as InvoicePayment
            const sign = typeof pay.reverses === 'string' ? -1 : 1
            t.paid.set(pay.invoiceId, (t.paid.get(pay.invoiceId) ?? 0) + sign * pay.amount.minor)
            if (typeof pay.reverses === 'string') t.reversedBy.set(pay.reverses, up.id)
          }
        }
        for (const id of write.unpark) t.parked.delete(`${request.entity}\u0000${id}`)
        for (const p of write.park) {
          const key = `${request.entity}\u0000${p.id}`
          const previous = t.parked.get(key)
          t.parked.set(key, {
            entity: request.entity,
            id: p.id,
            fingerprint: p.fingerprint,
            data: clone(p.data),
            waitingFor: [...p.waitingFor],
            parkedAt: previous?.parkedAt ?? at,
            updatedAt: at,
          })
        }
        for (const scope of write.touched)
          t.versions.set(scopeKey(scope), (t.versions.get(scopeKey(scope)) ?? 0) + 1)
        return result
      })
    },

    readFinanceRecords(tenant, entity, ids) {
      return run('readFinanceRecords', () => {
        const own = state(tenant).records[entity]
        return new Map(ids.flatMap((id) => (own.has(id) ? [[id, clone(own.get(id)!)] as const] : [])))
      })
    },

    invoiceBalances(tenant, invoiceIds) {
      return run('invoiceBalances', () => {
        const t = state(tenant)
        return new Map(
          invoiceIds.flatMap((id) => {
            const b = balance(t, id)
            return b ? [[id, b] as const] : []
          }),
        )
      })
    },

    studentsWithInvoices(tenant, studentIds) {
      return run('studentsWithInvoices', () => {
        const wanted = new Set(studentIds)
        const found = new Set<string>()
        for (const row of state(tenant).records.invoice.values()) {
          const id = (row.data as unknown as Invoice).studentId
          if (wanted.has(id)) found.add(id)
        }
        return found
      })
    },

    openInvoices(tenant, studentIds) {
      return run('openInvoices', () => {
        const wanted = new Set(studentIds)
        const t = state(tenant)
        const open: InvoiceBalance[] = []
        for (const [id, row] of t.records.invoice) {
          if (!wanted.has((row.data as unknown as Invoice).studentId)) continue
          const b = balance(t, id) as InvoiceBalance
          if (b.totalMinor > b.paidMinor) open.push(b)
        }
        const utf16 = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
        return open.sort((a, b) => utf16(a.studentId, b.studentId) || utf16(a.id, b.id))
      })
    },

    parkedWaitingFor(tenant, refs) {
      return run('parkedWaitingFor', () => {
        const wanted = new Set(refs.map((r) => `${r.entity}\u0000${r.id}`))
        return [...state(tenant).parked.values()]
          .filter((p) => p.waitingFor.some((w) => wanted.has(`${w.entity}\u0000${w.id}`)))
          .map(clone)
      })
    },

    listParked(tenant, opts = {}) {
      return run('listParked', () =>
        [...state(tenant).parked.values()]
          .filter((p) => opts.entity === undefined || p.entity === opts.entity)
          .sort((a, b) => a.parkedAt.getTime() - b.parkedAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, opts.limit ?? Number.POSITIVE_INFINITY)
          .map(clone),
      )
    },

    statementVersions(tenant, scopes) {
      return run('statementVersions', () => scopes.map((s) => state(tenant).versions.get(scopeKey(s)) ?? 0))
    },

    statements(tenant, query) {
      return run('statements', () => {
        const { invoices, payments } = ledgerOf(state(tenant), query.scope)
        return buildStatements(query, invoices, payments)
      })
    },

    statementSummaries(tenant, query) {
      return run('statementSummaries', () => {
        const { invoices, payments } = ledgerOf(state(tenant), query.scope)
        return buildStatementSummaries(query, invoices, payments)
      })
    },

    recordAccruals(tenant, accruals) {
      return run('recordAccruals', () => {
        const t = state(tenant)
        const inserted: Accrual[] = []
        const existing: Accrual[] = []
        for (const a of accruals) {
          const key = `${a.contractId}\u0000${a.month}`
          const stored = t.accruals.get(key)
          if (stored) existing.push(stored)
          else {
            t.accruals.set(key, { ...a })
            inserted.push({ ...a })
          }
        }
        return { inserted, existing }
      })
    },

    listAccruals(tenant, opts = {}) {
      return run('listAccruals', () =>
        [...state(tenant).accruals.values()]
          .filter((a) => opts.contractId === undefined || a.contractId === opts.contractId)
          .sort((a, b) =>
            a.contractId !== b.contractId
              ? a.contractId < b.contractId
                ? -1
                : 1
              : a.month < b.month
                ? -1
                : 1,
          )
          .map((a) => ({ ...a })),
      )
    },

    async close() {
      closed = true
    },
  }
}
