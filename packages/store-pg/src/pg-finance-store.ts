import { StoreError } from '@edusync/core'
import type {
  FinanceEntityName,
  FinanceSnapshot,
  FinanceStore,
  InvoiceBalance,
  PaymentFacts,
  Statement,
  StatementLine,
  StatementSummary,
  StoredFinanceRecord,
  StudentSummary,
} from '@edusync/core/finance'
import { summaryOf } from '@edusync/core/finance'
import { errAsync, ResultAsync } from 'neverthrow'
import type { SqlExecutor, SqlSession } from './executor/executor.ts'
import { unique } from './methods/op.ts'
import { migrateSchema } from './migrate-schema.ts'
import { migrations } from './migrations/index.ts'
import type { PgStoreConfig } from './pg-store-config.ts'
import { resolveConfig } from './pg-store-config.ts'
import { financeSql } from './sql/finance-sql.ts'
import { quoteIdent } from './sql/identifiers.ts'
import type { ParkedRow } from './sql/parked-sql.ts'
import { toParkedRecord } from './sql/parked-sql.ts'
import { toStoreError } from './to-store-error.ts'

/** The Postgres {@link FinanceStore}: the finance tables of the same schema as `createPgStore`'s. */
export interface PgFinanceStore extends FinanceStore {
  /** The Postgres schema holding the tables. */
  readonly schema: string
}

// bigint and numeric come back as text (node-postgres) so no amount passes through a float on the way.
function minor(value: unknown, what: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n))
    throw new StoreError('Corrupt', `${what}: ${String(value)} is not a safe integer of minor units`)
  return n
}

// A decide callback that throws is a bug; it must roll the transaction back and come out as `Invalid`.
class DecideFailed extends Error {}

/**
 * Creates the finance Store over PostgreSQL (a real server or PGlite), with the same configuration as
 * `createPgStore`; use the same `schema` (and, ideally, the same `pool`) for both. Migrations are shared:
 * whichever connects first applies them. A batch decision runs in one transaction holding advisory locks
 * on its invoices, payments and students (taken in key order), so concurrent batches against one invoice
 * are decided one after the other. A statement is one set-based query (window functions).
 *
 * @example
 * ```ts
 * const store = createPgStore({ pool })
 * const finance = createFinance({ store, finance: createPgFinanceStore({ pool }) })
 * ```
 */
export function createPgFinanceStore(config: PgStoreConfig = {}): PgFinanceStore {
  const resolved = resolveConfig(config)
  const sql = financeSql(quoteIdent(resolved.schema))
  let closed = false
  let opening: Promise<SqlExecutor> | undefined
  let executor: SqlExecutor | undefined

  function ready(): Promise<SqlExecutor> {
    opening ??= (async () => {
      executor ??= await resolved.open()
      if (resolved.migrate) await migrateSchema(executor, resolved.schema, migrations)
      return executor
    })().catch((error: unknown) => {
      opening = undefined
      throw error
    })
    return opening
  }
  function op<T>(operation: string, fn: (x: SqlExecutor) => Promise<T>): ResultAsync<T, StoreError> {
    if (closed) return errAsync(new StoreError('Unavailable', `${operation}: the pg finance store is closed`))
    return ResultAsync.fromPromise(
      ready().then((x) => fn(x)),
      (error) =>
        error instanceof DecideFailed
          ? new StoreError('Invalid', `${operation}: decide threw: ${String(error.cause)}`, {
              cause: error.cause,
            })
          : toStoreError(operation, error),
    )
  }

  async function snapshotOf(
    tx: SqlSession,
    tenant: string,
    request: Parameters<FinanceStore['applyFinanceBatch']>[1],
  ) {
    const q = <R extends object>(text: string, ids: readonly string[]) =>
      ids.length === 0 ? Promise.resolve([] as R[]) : tx.query<R>(text, [tenant, unique(ids)])
    const stored = await q<{ id: string; fingerprint: string; data: Record<string, unknown> }>(
      sql.stored(request.entity),
      request.ids,
    )
    const schools = await q<{ id: string }>(sql.schools, request.schoolIds)
    const invoices = await q<Record<string, string>>(sql.balances, request.invoiceIds)
    const payments = await q<Record<string, string | null>>(sql.payments, request.paymentIds)
    const studentSchools = await q<{ student_id: string; school_id: string }>(
      sql.studentSchools,
      request.studentIds,
    )
    const snapshot: FinanceSnapshot = {
      stored: new Map(stored.map((r) => [r.id, { fingerprint: r.fingerprint, data: r.data }])),
      schools: new Set(schools.map((r) => r.id)),
      invoices: new Map(invoices.map((r) => [r.id as string, toBalance(r)])),
      payments: new Map(
        payments.map((r): [string, PaymentFacts] => [
          r.id as string,
          {
            id: r.id as string,
            invoiceId: r.invoice_id as string,
            currency: r.currency as string,
            amountMinor: minor(r.amount_minor, 'payment amount'),
            reverses: r.reverses ?? null,
            reversedBy: r.reversed_by ?? null,
          },
        ]),
      ),
      studentSchools: new Map(studentSchools.map((r) => [r.student_id, r.school_id])),
    }
    return snapshot
  }

  return {
    id: resolved.engine,
    schema: resolved.schema,

    applyFinanceBatch(tenant, request, decide) {
      return op('applyFinanceBatch', (x) =>
        x.transaction(async (tx) => {
          const keys = [
            ...request.invoiceIds.map((id) => `invoice/${id}`),
            ...(request.entity === 'invoice' ? [] : request.ids.map((id) => `${request.entity}/${id}`)),
            ...request.studentIds.map((id) => `student/${id}`),
          ]
          if (keys.length > 0) await tx.query(sql.lock, [tenant, keys])
          const snapshot = await snapshotOf(tx, tenant, request)
          let decided: ReturnType<typeof decide>
          try {
            decided = decide(snapshot)
          } catch (error) {
            throw new DecideFailed('decide threw', { cause: error })
          }
          const { write } = decided
          const entity: FinanceEntityName = request.entity
          if (write.upserts.length > 0) {
            const fps = write.upserts.map((u) => u.fingerprint)
            const docs = write.upserts.map((u) => JSON.stringify({ ...u.data, id: u.id }))
            if (entity === 'school')
              await tx.query(sql.upsertSchools, [tenant, write.upserts.map((u) => u.id), fps, docs])
            else if (entity === 'invoice') await tx.query(sql.upsertInvoices, [tenant, fps, docs])
            else {
              const inserted = await tx.query<{ invoice_id: string; effect: string }>(sql.insertPayments, [
                tenant,
                fps,
                docs,
              ])
              if (inserted.length > 0)
                await tx.query(sql.addPaid, [
                  tenant,
                  inserted.map((r) => r.invoice_id),
                  inserted.map((r) => r.effect),
                ])
            }
          }
          if (write.unpark.length > 0) await tx.query(sql.unpark, [tenant, entity, unique(write.unpark)])
          if (write.park.length > 0) {
            const ids = write.park.map((p) => p.id)
            await tx.query(sql.unpark, [tenant, entity, ids])
            await tx.query(sql.park, [
              tenant,
              entity,
              ids,
              write.park.map((p) => p.fingerprint),
              write.park.map((p) => JSON.stringify(p.data)),
              write.park.map((p) => JSON.stringify(p.waitingFor)),
            ])
            const refs = write.park.flatMap((p) => p.waitingFor.map((w) => [p.id, w.entity, w.id] as const))
            await tx.query(sql.parkWaiting, [
              tenant,
              entity,
              refs.map((r) => r[0]),
              refs.map((r) => r[1]),
              refs.map((r) => r[2]),
            ])
          }
          if (write.touched.length > 0) {
            await tx.query(sql.bumpVersions, [
              tenant,
              write.touched.map((t) => t.kind),
              write.touched.map((t) => t.id),
            ])
          }
          return decided.result
        }),
      )
    },

    readFinanceRecords(tenant, entity, ids) {
      return op('readFinanceRecords', async (x) => {
        if (ids.length === 0) return new Map()
        const rows = await x.query<{ id: string; fingerprint: string; data: Record<string, unknown> }>(
          sql.stored(entity),
          [tenant, unique(ids)],
        )
        return new Map<string, StoredFinanceRecord>(
          rows.map((r) => [r.id, { fingerprint: r.fingerprint, data: r.data }]),
        )
      })
    },

    invoiceBalances(tenant, invoiceIds) {
      return op('invoiceBalances', async (x) => {
        if (invoiceIds.length === 0) return new Map()
        const rows = await x.query<Record<string, string>>(sql.balances, [tenant, unique(invoiceIds)])
        return new Map(rows.map((r) => [r.id as string, toBalance(r)]))
      })
    },

    studentsWithInvoices(tenant, studentIds) {
      return op('studentsWithInvoices', async (x) => {
        if (studentIds.length === 0) return new Set<string>()
        const rows = await x.query<{ student_id: string }>(sql.studentsWithInvoices, [
          tenant,
          unique(studentIds),
        ])
        return new Set(rows.map((r) => r.student_id))
      })
    },

    openInvoices(tenant, studentIds) {
      return op('openInvoices', async (x) => {
        if (studentIds.length === 0) return []
        const rows = await x.query<Record<string, string>>(sql.openInvoices, [tenant, unique(studentIds)])
        return rows.map((r) => toBalance({ ...r, paid_minor: String(r.paid) }))
      })
    },

    parkedWaitingFor(tenant, refs) {
      return op('parkedWaitingFor', async (x) => {
        if (refs.length === 0) return []
        const rows = await x.query<ParkedRow>(sql.parkedWaitingFor, [
          tenant,
          refs.map((r) => r.entity),
          refs.map((r) => r.id),
        ])
        return rows.map(toParkedRecord)
      })
    },

    listParked(tenant, options = {}) {
      return op('listParked', async (x) => {
        const rows = await x.query<ParkedRow>(sql.listParked, [
          tenant,
          options.entity ?? null,
          options.limit ?? null,
        ])
        return rows.map(toParkedRecord)
      })
    },

    statementVersions(tenant, scopes) {
      return op('statementVersions', async (x) => {
        if (scopes.length === 0) return []
        const rows = await x.query<{ version: string }>(sql.versions, [
          tenant,
          scopes.map((s) => s.kind),
          scopes.map((s) => s.id),
        ])
        return rows.map((r) => minor(r.version, 'statement version'))
      })
    },

    statements(tenant, query) {
      return op('statements', async (x) => {
        const params = [tenant, query.scope.id, query.from, query.to, query.asOf]
        type StatementRow = Record<string, string | number | null>
        // A school's year is hundreds of thousands of lines: give its sorts memory instead of disk, and skip
        // JIT compilation (it costs more than it saves on this plan). Scoped to the transaction.
        const rows =
          query.scope.kind === 'student'
            ? await x.query<StatementRow>(sql.statementByStudent, params)
            : await x.transaction(async (tx) => {
                await tx.query(sql.bigStatementSettings)
                return tx.query<StatementRow>(sql.statementBySchool, params)
              })
        const out: { statement: Statement; lines: StatementLine[] }[] = []
        for (const r of rows) {
          if (r.part === 0) {
            const lines: StatementLine[] = []
            const opening = minor(r.amount, 'opening balance')
            out.push({
              lines,
              statement: {
                scope: query.scope,
                currency: r.currency as string,
                from: query.from,
                to: query.to,
                asOf: query.asOf,
                openingMinor: opening,
                lines,
                closingMinor: opening,
                aging: {
                  current: minor(r.a0, 'aging'),
                  days1to30: minor(r.a1, 'aging'),
                  days31to60: minor(r.a2, 'aging'),
                  days61to90: minor(r.a3, 'aging'),
                  over90: minor(r.a4, 'aging'),
                },
              },
            })
            continue
          }
          const current = out[out.length - 1]
          if (!current || current.statement.currency !== r.currency)
            throw new StoreError('Corrupt', 'statement rows out of order')
          const rank = Number(r.rank)
          current.lines.push({
            date: r.d as string,
            kind: rank === 0 ? 'invoice' : rank === 1 ? 'payment' : 'reversal',
            id: r.id as string,
            invoiceId: r.invoice_id as string,
            invoiceNumber: r.number as string,
            studentId: r.student_id as string,
            amountMinor: minor(r.amount, 'line amount'),
            balanceMinor: minor(r.balance, 'running balance'),
          })
        }
        return out.map(({ statement, lines }) => ({
          ...statement,
          closingMinor:
            lines.length > 0
              ? (lines[lines.length - 1] as StatementLine).balanceMinor
              : statement.openingMinor,
        }))
      })
    },

    statementSummaries(tenant, query) {
      return op('statementSummaries', async (x) => {
        const params = [tenant, query.scope.id, query.from, query.to, query.asOf]
        const text = query.scope.kind === 'student' ? sql.summaryByStudent : sql.summaryBySchool
        // One row per student and currency, ordered by currency then student: grouped in one pass.
        const rows = await x.query<Record<string, string>>(text, params)
        const out: StatementSummary[] = []
        let currency: string | undefined
        let students: StudentSummary[] = []
        const flush = () => {
          if (currency !== undefined) out.push(checkedSummary(summaryOf(query, currency, students)))
        }
        for (const r of rows) {
          if (r.currency !== currency) {
            flush()
            currency = r.currency as string
            students = []
          }
          const opening = minor(r.opening, 'opening balance')
          const debits = minor(r.debits, 'debits')
          const credits = minor(r.credits, 'credits')
          students.push({
            studentId: r.student_id as string,
            openingMinor: opening,
            debitsMinor: debits,
            creditsMinor: credits,
            closingMinor: opening + debits - credits,
            aging: {
              current: minor(r.a0, 'aging'),
              days1to30: minor(r.a1, 'aging'),
              days31to60: minor(r.a2, 'aging'),
              days61to90: minor(r.a3, 'aging'),
              over90: minor(r.a4, 'aging'),
            },
          })
        }
        flush()
        return out
      })
    },

    recordAccruals(tenant, accruals) {
      return op('recordAccruals', (x) =>
        x.transaction(async (tx) => {
          if (accruals.length === 0) return { inserted: [], existing: [] }
          const inserted = await tx.query<{ contract_id: string; month: string }>(sql.insertAccruals, [
            tenant,
            accruals.map((a) => a.contractId),
            accruals.map((a) => a.month),
            accruals.map((a) => String(a.amountMinor)),
            accruals.map((a) => a.currency),
            accruals.map((a) => a.days),
          ])
          const key = (c: string, m: string) => `${c}\u0000${m}`
          const fresh = new Set(inserted.map((r) => key(r.contract_id, r.month)))
          const seen = new Set<string>()
          const insertedList = accruals.filter((a) => {
            const k = key(a.contractId, a.month)
            if (!fresh.has(k) || seen.has(k)) return false
            seen.add(k)
            return true
          })
          const others = accruals.filter((a) => !insertedList.includes(a))
          const stored =
            others.length === 0
              ? []
              : await tx.query<Record<string, string>>(sql.accrualsByKey, [
                  tenant,
                  others.map((a) => a.contractId),
                  others.map((a) => a.month),
                ])
          const byKey = new Map(
            stored.map((r) => [key(r.contract_id as string, r.month as string), toAccrual(r)]),
          )
          return {
            inserted: insertedList.map((a) => ({ ...a })),
            existing: others.map((a) => byKey.get(key(a.contractId, a.month)) ?? { ...a }),
          }
        }),
      )
    },

    listAccruals(tenant, options = {}) {
      return op('listAccruals', async (x) => {
        const rows = await x.query<Record<string, string>>(sql.listAccruals, [
          tenant,
          options.contractId ?? null,
        ])
        return rows.map(toAccrual)
      })
    },

    async close() {
      if (closed) return
      closed = true
      const current = executor ?? (opening ? await opening.catch(() => undefined) : undefined)
      executor = undefined
      opening = undefined
      await current?.close()
    },
  }
}

// The school's figures are sums done in Node: refuse any that left the safe-integer range.
function checkedSummary(summary: StatementSummary): StatementSummary {
  for (const [what, value] of [
    ['opening', summary.openingMinor],
    ['debits', summary.debitsMinor],
    ['credits', summary.creditsMinor],
    ['closing', summary.closingMinor],
    ...Object.entries(summary.aging),
  ] as const)
    minor(value, `school ${what}`)
  return summary
}

function toBalance(r: Record<string, string>): InvoiceBalance {
  return {
    id: r.id as string,
    number: r.number as string,
    schoolId: r.school_id as string,
    studentId: r.student_id as string,
    currency: r.currency as string,
    dueDate: r.due_date as string,
    totalMinor: minor(r.total_minor, 'invoice total'),
    paidMinor: minor(r.paid_minor, 'invoice paid'),
  }
}

function toAccrual(r: Record<string, string>) {
  return {
    contractId: r.contract_id as string,
    month: r.month as string,
    amountMinor: minor(r.amount_minor, 'accrual amount'),
    currency: r.currency as string,
    days: Number(r.days),
  }
}
