import type { ParseIssue } from '../errors/parse-error.ts'
import type { ParkWrite, RecordRef, RecordWrite } from '../store/store.ts'
import type { RecordOutcome } from '../sync/outcome.ts'
import type { PreparedRecord } from '../sync/prepare-batch.ts'
import type { FinanceEntityName, Invoice, InvoicePayment } from './entities.ts'
import type {
  FinanceReadRequest,
  FinanceSnapshot,
  FinanceWrite,
  InvoiceBalance,
  PaymentFacts,
  StatementScope,
} from './finance-store.ts'
import { formatMoney } from './money-text.ts'

/** The decision for one finance batch: per-record outcomes plus what to write. */
export interface FinanceDecision {
  readonly outcomes: RecordOutcome[]
  /** Ids now stored (NEW, UPDATED, UNCHANGED): they may unblock parked records. */
  readonly present: string[]
}

/** What a batch must read: its own ids and every id its records refer to. */
export function readRequestFor(
  entity: FinanceEntityName,
  records: readonly PreparedRecord[],
): FinanceReadRequest {
  const ids = records.map((r) => r.id)
  if (entity === 'invoice') {
    return {
      entity,
      ids,
      schoolIds: records.map((r) => r.data.schoolId as string),
      invoiceIds: ids,
      paymentIds: [],
      studentIds: records.map((r) => r.data.studentId as string),
    }
  }
  if (entity === 'invoicePayment') {
    return {
      entity,
      ids,
      schoolIds: [],
      invoiceIds: records.map((r) => r.data.invoiceId as string),
      paymentIds: records.flatMap((r) => (typeof r.data.reverses === 'string' ? [r.data.reverses] : [])),
      studentIds: [],
    }
  }
  return { entity, ids, schoolIds: [], invoiceIds: [], paymentIds: [], studentIds: [] }
}

const issue = (path: string, rule: string, message: string, received: unknown): ParseIssue => ({
  path,
  rule,
  message,
  received,
})

/**
 * Decides a finance batch on a locked snapshot: which records are NEW, UPDATED, UNCHANGED, DEFERRED
 * (a parent is missing) or INVALID (an invariant would break). Records are decided in input order and
 * each accepted payment counts against its invoice before the next is decided, so two payments of one
 * batch cannot overpay together either. Pure: no I/O, no clock.
 *
 * @param missingStudents students referenced by invoices that do not exist (checked in the Store first).
 * @param fromParked the records are parked ones being replayed (an UNCHANGED one is unparked).
 */
export function decideFinanceBatch(
  entity: FinanceEntityName,
  records: readonly PreparedRecord[],
  snapshot: FinanceSnapshot,
  missingStudents: ReadonlySet<string>,
  fromParked: boolean,
): { write: FinanceWrite; result: FinanceDecision } {
  const upserts: RecordWrite[] = []
  const park: ParkWrite[] = []
  const unpark: string[] = []
  const touched = new Map<string, StatementScope>()
  const outcomes: RecordOutcome[] = []
  const present: string[] = []
  const invoices = new Map<string, InvoiceBalance>(snapshot.invoices)
  const payments = new Map<string, PaymentFacts>(snapshot.payments)
  const studentSchools = new Map(snapshot.studentSchools)
  const touch = (kind: StatementScope['kind'], id: string) => touched.set(`${kind}\u0000${id}`, { kind, id })

  for (const record of records) {
    const { id, index, fingerprint, data } = record
    const invalid = (issues: ParseIssue[]) => {
      outcomes.push({
        status: 'INVALID',
        entity,
        index,
        id,
        issues,
        message: `${entity} ${JSON.stringify(id)}: ${issues.map((i) => i.message).join('; ')}`,
      })
    }
    const accept = (status: 'NEW' | 'UPDATED', changedFields: readonly string[] = []) => {
      upserts.push({ id, fingerprint, data })
      unpark.push(id)
      present.push(id)
      outcomes.push(
        status === 'NEW' ? { status, entity, index, id } : { status, entity, index, id, changedFields },
      )
    }
    const stored = snapshot.stored.get(id)
    if (stored && stored.fingerprint === fingerprint) {
      if (fromParked) unpark.push(id)
      present.push(id)
      outcomes.push({ status: 'UNCHANGED', entity, index, id })
      continue
    }

    if (entity === 'school') {
      accept(stored ? 'UPDATED' : 'NEW', stored ? changed(stored.data, data) : [])
      continue
    }

    if (entity === 'invoice') {
      const inv = data as unknown as Invoice
      const waiting: RecordRef[] = []
      if (!snapshot.schools.has(inv.schoolId)) waiting.push({ entity: 'school', id: inv.schoolId })
      if (missingStudents.has(inv.studentId)) waiting.push({ entity: 'student', id: inv.studentId })
      if (waiting.length > 0) {
        park.push({ id, fingerprint, data, waitingFor: waiting })
        outcomes.push({ status: 'DEFERRED', entity, index, id, waitingFor: waiting })
        continue
      }
      const issues = invoiceIssues(inv)
      const before = invoices.get(id)
      if (before) {
        const prev = stored?.data as Invoice | undefined
        for (const field of ['schoolId', 'studentId', 'currency'] as const) {
          const old = field === 'currency' ? before.currency : before[field]
          if (old !== inv[field]) {
            issues.push(
              issue(
                field,
                'immutable_field',
                `${field} of a recorded invoice cannot change (stored ${JSON.stringify(old)}); issue a new invoice instead`,
                inv[field],
              ),
            )
          }
        }
        if (inv.total.minor < before.paidMinor) {
          issues.push(
            issue(
              'total.minor',
              'total_below_paid',
              `total ${formatMoney(inv.total.minor, inv.currency)} is below the ${formatMoney(before.paidMinor, inv.currency)} already paid on invoice ${before.number}`,
              inv.total.minor,
            ),
          )
        }
        if (issues.length > 0) {
          invalid(issues)
          continue
        }
        invoices.set(id, { ...before, number: inv.number, dueDate: inv.dueDate, totalMinor: inv.total.minor })
        touch('student', inv.studentId)
        touch('school', inv.schoolId)
        accept('UPDATED', prev ? changed(prev, data) : [])
        continue
      }
      const school = studentSchools.get(inv.studentId)
      if (school !== undefined && school !== inv.schoolId) {
        issues.push(
          issue(
            'schoolId',
            'student_school',
            `student ${JSON.stringify(inv.studentId)} belongs to school ${JSON.stringify(school)}; an invoice cannot bill them from school ${JSON.stringify(inv.schoolId)}`,
            inv.schoolId,
          ),
        )
      }
      if (issues.length > 0) {
        invalid(issues)
        continue
      }
      studentSchools.set(inv.studentId, inv.schoolId)
      invoices.set(id, {
        id,
        number: inv.number,
        schoolId: inv.schoolId,
        studentId: inv.studentId,
        currency: inv.currency,
        dueDate: inv.dueDate,
        totalMinor: inv.total.minor,
        paidMinor: 0,
      })
      touch('student', inv.studentId)
      touch('school', inv.schoolId)
      accept('NEW')
      continue
    }

    // invoicePayment
    const pay = data as unknown as InvoicePayment
    if (stored) {
      invalid([
        issue(
          'id',
          'immutable',
          `payment ${JSON.stringify(id)} is already recorded with other content; payments are immutable: record a reversal (reverses: ${JSON.stringify(id)}) and, if needed, a new payment`,
          id,
        ),
      ])
      continue
    }
    const target = pay.invoiceId
    const inv = invoices.get(target)
    const reversed = typeof pay.reverses === 'string' ? payments.get(pay.reverses) : undefined
    const waiting: RecordRef[] = []
    if (!inv) waiting.push({ entity: 'invoice', id: target })
    if (typeof pay.reverses === 'string' && !reversed)
      waiting.push({ entity: 'invoicePayment', id: pay.reverses })
    if (waiting.length > 0 || !inv) {
      park.push({ id, fingerprint, data, waitingFor: waiting })
      outcomes.push({ status: 'DEFERRED', entity, index, id, waitingFor: waiting })
      continue
    }
    const amount = pay.amount.minor
    if (pay.amount.currency !== inv.currency) {
      invalid([
        issue(
          'amount.currency',
          'currency_mismatch',
          `payment currency ${pay.amount.currency} differs from invoice ${inv.number}'s currency ${inv.currency}`,
          pay.amount.currency,
        ),
      ])
      continue
    }
    const remaining = inv.totalMinor - inv.paidMinor
    if (reversed) {
      const issues: ParseIssue[] = []
      if (reversed.reverses !== null)
        issues.push(
          issue(
            'reverses',
            'reversal_of_reversal',
            `payment ${JSON.stringify(reversed.id)} is itself a reversal and cannot be reversed`,
            pay.reverses,
          ),
        )
      if (reversed.reversedBy !== null)
        issues.push(
          issue(
            'reverses',
            'already_reversed',
            `payment ${JSON.stringify(reversed.id)} was already reversed by ${JSON.stringify(reversed.reversedBy)}`,
            pay.reverses,
          ),
        )
      if (reversed.invoiceId !== target)
        issues.push(
          issue(
            'invoiceId',
            'reversal_invoice',
            `a reversal must name the reversed payment's invoice ${JSON.stringify(reversed.invoiceId)}`,
            target,
          ),
        )
      if (reversed.amountMinor !== amount)
        issues.push(
          issue(
            'amount.minor',
            'reversal_amount',
            `a reversal must be for the reversed payment's whole ${formatMoney(reversed.amountMinor, reversed.currency)}`,
            amount,
          ),
        )
      if (issues.length > 0) {
        invalid(issues)
        continue
      }
      payments.set(reversed.id, { ...reversed, reversedBy: id })
      invoices.set(target, { ...inv, paidMinor: inv.paidMinor - amount })
    } else {
      if (amount > remaining) {
        invalid([
          issue(
            'amount.minor',
            'overpayment',
            `payment of ${formatMoney(amount, inv.currency)} exceeds the ${formatMoney(remaining, inv.currency)} remaining on invoice ${inv.number} (total ${formatMoney(inv.totalMinor, inv.currency)}, paid ${formatMoney(inv.paidMinor, inv.currency)})`,
            amount,
          ),
        ])
        continue
      }
      invoices.set(target, { ...inv, paidMinor: inv.paidMinor + amount })
    }
    payments.set(id, {
      id,
      invoiceId: target,
      currency: inv.currency,
      amountMinor: amount,
      reverses: pay.reverses ?? null,
      reversedBy: null,
    })
    touch('student', inv.studentId)
    touch('school', inv.schoolId)
    accept('NEW')
  }
  return { write: { upserts, park, unpark, touched: [...touched.values()] }, result: { outcomes, present } }
}

/** Cross-field rules of an invoice the schema cannot state field by field. */
export function invoiceIssues(inv: Invoice): ParseIssue[] {
  const issues: ParseIssue[] = []
  if (inv.dueDate < inv.issueDate) {
    issues.push(
      issue(
        'dueDate',
        'due_before_issue',
        `due date ${inv.dueDate} is before the issue date ${inv.issueDate}`,
        inv.dueDate,
      ),
    )
  }
  inv.lines.forEach((line, i) => {
    if (line.amount.currency !== inv.currency) {
      issues.push(
        issue(
          `lines.${i}.amount.currency`,
          'currency_mismatch',
          `line currency ${line.amount.currency} differs from the invoice currency ${inv.currency}`,
          line.amount.currency,
        ),
      )
    }
  })
  if (inv.total.currency !== inv.currency) {
    issues.push(
      issue(
        'total.currency',
        'currency_mismatch',
        `total currency ${inv.total.currency} differs from the invoice currency ${inv.currency}`,
        inv.total.currency,
      ),
    )
  }
  const sum = inv.lines.reduce((s, line) => s + line.amount.minor, 0)
  if (sum !== inv.total.minor) {
    issues.push(
      issue(
        'total.minor',
        'total_mismatch',
        `total ${inv.total.minor} is not the sum of the lines (${sum})`,
        inv.total.minor,
      ),
    )
  }
  if (inv.total.minor <= 0) {
    issues.push(issue('total.minor', 'positive', 'an invoice total must be positive', inv.total.minor))
  }
  return issues
}

function changed(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].filter((k) => k !== 'id' && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort()
}
