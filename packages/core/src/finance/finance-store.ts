import type { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { Fingerprint } from '../fingerprint/fingerprint.ts'
import type { ParkedRecord, ParkWrite, RecordRef, RecordWrite } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import type { Accrual } from './accruals.ts'
import type { FinanceEntityName } from './entities.ts'
import type { Statement, StatementQuery } from './statement.ts'
import type { StatementSummary } from './statement-summary.ts'

/** Whose statement: one student, or a whole school. */
export interface StatementScope {
  readonly kind: 'student' | 'school'
  readonly id: string
}

/** An invoice's money facts, read under lock while a batch is decided. */
export interface InvoiceBalance {
  readonly id: string
  readonly number: string
  readonly schoolId: string
  readonly studentId: string
  readonly currency: string
  readonly dueDate: string
  readonly totalMinor: number
  /** Payments minus reversals recorded so far, in minor units. */
  readonly paidMinor: number
}

/** A recorded payment's facts (for reversals). */
export interface PaymentFacts {
  readonly id: string
  readonly invoiceId: string
  readonly currency: string
  readonly amountMinor: number
  /** The payment this one reverses, or `null` for a payment. */
  readonly reverses: string | null
  /** The reversal that cancelled this payment, or `null`. */
  readonly reversedBy: string | null
}

/** What a finance batch reads before it is decided. Ids may repeat; absent ids are simply not found. */
export interface FinanceReadRequest {
  readonly entity: FinanceEntityName
  /** The batch's own ids: their stored versions are read. */
  readonly ids: readonly string[]
  readonly schoolIds: readonly string[]
  /** Invoices whose balances are read **and locked** until the batch commits. */
  readonly invoiceIds: readonly string[]
  /** Payments whose facts are read (the targets of reversals). */
  readonly paymentIds: readonly string[]
  /** Students whose school is read (from their existing invoices). */
  readonly studentIds: readonly string[]
}

/** A stored finance record: fingerprint and canonical data. */
export interface StoredFinanceRecord {
  readonly fingerprint: Fingerprint
  readonly data: Readonly<Record<string, unknown>>
}

/** The consistent view a batch is decided on (see {@link FinanceStore.applyFinanceBatch}). */
export interface FinanceSnapshot {
  /** Stored versions of the batch's own ids. */
  readonly stored: ReadonlyMap<string, StoredFinanceRecord>
  /** Which of the asked schools exist. */
  readonly schools: ReadonlySet<string>
  /** Balances of the asked invoices that exist. */
  readonly invoices: ReadonlyMap<string, InvoiceBalance>
  /** Facts of the asked payments that exist. */
  readonly payments: ReadonlyMap<string, PaymentFacts>
  /** The school each asked student's invoices belong to (students without invoices are absent). */
  readonly studentSchools: ReadonlyMap<string, string>
}

/** What a decided batch writes. */
export interface FinanceWrite {
  /** Records to insert or replace (payments are only ever inserted: the decision refuses changes). */
  readonly upserts: readonly RecordWrite[]
  /** Records to park until the references they wait for exist. */
  readonly park: readonly ParkWrite[]
  /** Parked records of this entity to remove. */
  readonly unpark: readonly string[]
  /** Statements the write changes: their versions are bumped in the same transaction. */
  readonly touched: readonly StatementScope[]
}

/** The outcome of recording accruals. */
export interface AccrualWriteResult {
  /** Accruals stored now. */
  readonly inserted: readonly Accrual[]
  /** Accruals whose (contract, month) was already stored: left exactly as they were. */
  readonly existing: readonly Accrual[]
}

/**
 * Persists invoices, payments and schools, computes account statements, and keeps accruals. The finance
 * counterpart of the `Store` port, separate so that the two evolve independently; a deployment
 * normally backs both with the same database (`createPgFinanceStore` in `@edusync/store-pg`).
 *
 * The contract every implementation keeps (`describeFinanceStoreConformance` in `@edusync/core/testing`
 * checks it):
 * - **Tenant-scoped.** Every method takes the tenant; nothing crosses tenants.
 * - **Serialised decisions.** {@link FinanceStore.applyFinanceBatch} reads a snapshot, calls `decide`, and
 *   writes its result atomically, with the snapshot's invoices locked from the read to the commit: two
 *   batches paying one invoice are decided one after the other, the second seeing the first's payments.
 *   That is what makes "no overpayment" hold across processes.
 * - **Versions move with writes.** The statement versions of the scopes a write touches are bumped in the
 *   same transaction, so a cache keyed by version can never serve a statement older than a committed write.
 * - **Exact money.** Amounts are integers of minor units; sums never go through floating point.
 * - **Identical statements.** {@link FinanceStore.statements} returns exactly what {@link buildStatements}
 *   computes from the same records, and {@link FinanceStore.statementSummaries} what
 *   {@link buildStatementSummaries} computes, whatever the implementation (the conformance suite compares
 *   them).
 * - **No throws.** Failures are `err(StoreError)`; nothing is written when a call fails.
 */
export interface FinanceStore {
  /** Stable id used in logs and test names, e.g. `"memory"`, `"pg"`. */
  readonly id: string

  /**
   * Reads what `request` asks for, locks its invoices, lets `decide` choose what to write, and writes it,
   * all in one transaction; returns what `decide` returned. `decide` is synchronous and must not throw
   * (a throw is a bug: the transaction is rolled back and the error returned as `Invalid`).
   */
  applyFinanceBatch<T>(
    tenant: TenantId,
    request: FinanceReadRequest,
    decide: (snapshot: FinanceSnapshot) => { readonly write: FinanceWrite; readonly result: T },
  ): ResultAsync<T, StoreError>

  /** Stored records of one finance entity, by id (absent ids are absent). */
  readFinanceRecords(
    tenant: TenantId,
    entity: FinanceEntityName,
    ids: readonly string[],
  ): ResultAsync<ReadonlyMap<string, StoredFinanceRecord>, StoreError>

  /** Balances of the given invoices (absent ids are absent). */
  invoiceBalances(
    tenant: TenantId,
    invoiceIds: readonly string[],
  ): ResultAsync<ReadonlyMap<string, InvoiceBalance>, StoreError>

  /** Which of the given students have at least one invoice. */
  studentsWithInvoices(
    tenant: TenantId,
    studentIds: readonly string[],
  ): ResultAsync<ReadonlySet<string>, StoreError>

  /**
   * The open invoices (total above what was paid, net of reversals) of the given students, by student id
   * then invoice id (UTF-16 code units). Backs the engine's refusal to delete such a student.
   */
  openInvoices(
    tenant: TenantId,
    studentIds: readonly string[],
  ): ResultAsync<readonly InvoiceBalance[], StoreError>

  /** Parked finance records waiting for any of the given references. */
  parkedWaitingFor(
    tenant: TenantId,
    refs: readonly RecordRef[],
  ): ResultAsync<readonly ParkedRecord[], StoreError>

  /** Parked finance records, oldest first, optionally of one entity. */
  listParked(
    tenant: TenantId,
    options?: { readonly entity?: FinanceEntityName; readonly limit?: number },
  ): ResultAsync<readonly ParkedRecord[], StoreError>

  /** Current statement versions of the given scopes (0 when never written). */
  statementVersions(
    tenant: TenantId,
    scopes: readonly StatementScope[],
  ): ResultAsync<readonly number[], StoreError>

  /**
   * The statements of one scope for a period, one per currency (ordered by currency code). Postgres
   * computes it in one set-based query.
   */
  statements(tenant: TenantId, query: StatementQuery): ResultAsync<readonly Statement[], StoreError>

  /**
   * The same period as per-student summaries, one per currency (ordered by currency code): exactly what
   * {@link buildStatementSummaries} computes. Postgres computes it with aggregates only, so a school's
   * year costs one pass over its rows and ships one row per student, not one per line.
   */
  statementSummaries(
    tenant: TenantId,
    query: StatementQuery,
  ): ResultAsync<readonly StatementSummary[], StoreError>

  /**
   * Stores accruals, idempotently per (contract, month): an accrual whose (contract, month) is already
   * stored is left unchanged and reported in `existing`.
   */
  recordAccruals(tenant: TenantId, accruals: readonly Accrual[]): ResultAsync<AccrualWriteResult, StoreError>

  /** Stored accruals, by contract then month, optionally of one contract. */
  listAccruals(
    tenant: TenantId,
    options?: { readonly contractId?: string },
  ): ResultAsync<readonly Accrual[], StoreError>

  /** Releases connections; afterwards every method returns `err(StoreError)` with reason `Unavailable`. */
  close(): Promise<void>
}
