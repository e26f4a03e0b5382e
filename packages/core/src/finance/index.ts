/**
 * @module Money for edusync: canonical schools, invoices and payments-against-invoice flowing through the
 * engine, the invoice state machine, account statements with aging, a resilient statement cache, and
 * monthly accruals. Import from `@edusync/core/finance`.
 */

export type { Accrual, AccrualContract } from './accruals.ts'
export { monthlyAccruals } from './accruals.ts'
export type { AccrualsStepOptions } from './accruals-step.ts'
export { accrualsStep } from './accruals-step.ts'
export { invoiceIssues } from './decide-batch.ts'
export type { FinanceEntityName, Invoice, InvoicePayment, School } from './entities.ts'
export { financeEntities, invoice, invoiceLine, invoicePayment, school } from './entities.ts'
export type { FinanceErrorReason } from './finance-error.ts'
export { FinanceError } from './finance-error.ts'
export type {
  Finance,
  FinanceBatchInput,
  FinanceCallContext,
  FinanceOptions,
  StatementRequest,
  StatementResponse,
  SummaryResponse,
} from './finance-service.ts'
export { createFinance } from './finance-service.ts'
export type {
  AccrualWriteResult,
  FinanceReadRequest,
  FinanceSnapshot,
  FinanceStore,
  FinanceWrite,
  InvoiceBalance,
  PaymentFacts,
  StatementScope,
  StoredFinanceRecord,
} from './finance-store.ts'
export type { InvoiceState, InvoiceStatus } from './invoice-state.ts'
export { invoiceState, invoiceStatus } from './invoice-state.ts'
export type { MemoryFinanceStoreOptions } from './memory-finance-store.ts'
export { createMemoryFinanceStore } from './memory-finance-store.ts'
export { formatMoney, minorDigits } from './money-text.ts'
export type { CacheBypass, CacheRead, ResilientCache, ResilientCacheOptions } from './resilient-cache.ts'
export { createResilientCache } from './resilient-cache.ts'
export type {
  AgingBuckets,
  LedgerInvoice,
  LedgerPayment,
  Statement,
  StatementLine,
  StatementLineKind,
  StatementQuery,
} from './statement.ts'
export { agingBucket, buildStatements, compareLines, daysOverdue } from './statement.ts'
export type { MemoryStatementCacheOptions, StatementCache } from './statement-cache.ts'
export {
  createMemoryStatementCache,
  DEFAULT_STATEMENT_TTL_MS,
  statementCacheKey,
} from './statement-cache.ts'
export type { StatementSummary, StudentSummary } from './statement-summary.ts'
export { buildStatementSummaries, summaryOf } from './statement-summary.ts'
