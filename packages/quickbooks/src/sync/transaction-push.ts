import type { PushEntry, PushLedger, PushOutcome, Store, TenantId } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { QuickBooksClient } from '../client.ts'
import { QuickBooksError } from '../errors.ts'
import type { InvoiceInput, PaymentInput } from '../map/transactions.ts'
import { toInvoiceBody, toPaymentBody, transactionMarker } from '../map/transactions.ts'
import type { BatchItemResult, BatchOperation } from '../resources/batch.ts'
import { BATCH_LIMIT } from '../resources/batch.ts'
import { inList, quote } from '../resources/query-text.ts'
import type { QbEntity } from '../schemas/entities.ts'
import { QUICKBOOKS_TARGET, storeFailed } from './common.ts'
import type { ItemResolver } from './items.ts'

/** What invoice and payment pushes need. */
export interface TransactionPushContext {
  readonly client: QuickBooksClient
  readonly ledger: PushLedger
  /** When given, each pushed record's QuickBooks Id is also stored as a link (`system: "quickbooks"`). */
  readonly store?: Store
  /** @default client.tenant */
  readonly tenant?: TenantId
}

/** Options of {@link pushInvoices} and {@link pushPayments}. */
export interface TransactionPushOptions {
  /** Records per chunk (batch calls of at most 30). @default 30 */
  readonly batchSize?: number
  /** @default 'edusync-quickbooks' */
  readonly worker?: string
  readonly pushedBy?: string
  /** @default 600000 */
  readonly leaseMs?: number
  /** @default 5 */
  readonly maxAttempts?: number
  /** @default 1 min doubling, at most 6 h */
  readonly retryDelayMs?: (attempt: number) => number
  readonly signal?: AbortSignal
  readonly now?: () => Date
}

/** What a push did. */
export interface TransactionPushReport {
  readonly seen: number
  /** Not due (already pushed at this version, waiting, parked or claimed elsewhere). */
  readonly skipped: number
  readonly created: number
  readonly updated: number
  /** Found in QuickBooks by their PrivateNote marker before re-sending (an earlier attempt's answer was lost). */
  readonly found: number
  readonly failed: number
  readonly cancelled: boolean
  readonly failures: readonly { readonly id: string; readonly reason: string; readonly error: string }[]
}

interface Prepared {
  readonly id: string
  readonly date: string
  readonly body: Record<string, unknown> | undefined
  readonly fingerprint: string
  readonly error: QuickBooksError | undefined
}

type Source<T> = Iterable<T> | AsyncIterable<T>

/**
 * Pushes invoices: each line's item is looked up or created once per program or service (`items`),
 * amounts leave as exact decimals from minor units, and the invoice carries an owner marker in
 * `PrivateNote`. Only new or changed invoices are sent (push ledger, entity `invoice`).
 */
export function pushInvoices(
  invoices: Source<InvoiceInput>,
  context: TransactionPushContext & { readonly items: ItemResolver },
  options: TransactionPushOptions = {},
): ResultAsync<TransactionPushReport, QuickBooksError> {
  return new ResultAsync(
    pushTransactions(invoices, context, options, 'invoice', 'Invoice', async (chunk) => {
      const ids = await context.items.resolve(chunk.flatMap((i) => i.lines.map((l) => l.item)))
      if (ids.isErr()) return err(ids.error)
      return ok(
        chunk.map((invoice) => prepare(invoice.id, invoice.date, () => toInvoiceBody(invoice, ids.value))),
      )
    }),
  )
}

/**
 * Pushes payments, each applied to its invoice with `LinkedTxn` (or unapplied without one). A payment is
 * never recorded twice: its create carries a deterministic `requestid`, and before re-sending one that may
 * have been sent (every record not first tracked by this push) the company's payments of those dates are
 * searched for the payment's marker, so a payment whose earlier answer was lost (timeout, crash) is found
 * instead of sent again.
 */
export function pushPayments(
  payments: Source<PaymentInput>,
  context: TransactionPushContext,
  options: TransactionPushOptions = {},
): ResultAsync<TransactionPushReport, QuickBooksError> {
  return new ResultAsync(
    pushTransactions(payments, context, options, 'payment', 'Payment', async (chunk) =>
      ok(chunk.map((payment) => prepare(payment.id, payment.date, () => toPaymentBody(payment)))),
    ),
  )
}

function prepare(
  id: string,
  date: string,
  map: () => { body: Record<string, unknown>; fingerprint: string },
): Prepared {
  try {
    const { body, fingerprint } = map()
    return { id, date, body, fingerprint, error: undefined }
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    // A record that cannot be mapped is still tracked, so its failure is visible in the ledger.
    return {
      id,
      date,
      body: undefined,
      fingerprint: `unmappable:${message}`,
      error: new QuickBooksError('Validation', message, { cause }),
    }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

async function pushTransactions<T>(
  source: Source<T>,
  context: TransactionPushContext,
  options: TransactionPushOptions,
  entity: 'invoice' | 'payment',
  qbEntity: 'Invoice' | 'Payment',
  prepareChunk: (chunk: T[]) => Promise<Result<Prepared[], QuickBooksError>>,
): Promise<Result<TransactionPushReport, QuickBooksError>> {
  const { client, ledger } = context
  const tenant = context.tenant ?? client.tenant
  const size = options.batchSize ?? 30
  const worker = options.worker ?? 'edusync-quickbooks'
  const now = options.now ?? (() => new Date())
  const maxAttempts = options.maxAttempts ?? 5
  const delay = options.retryDelayMs ?? ((n: number) => Math.min(60_000 * 2 ** (n - 1), 6 * 3_600_000))
  const report: Mutable<Omit<TransactionPushReport, 'failures'>> = {
    seen: 0,
    skipped: 0,
    created: 0,
    updated: 0,
    found: 0,
    failed: 0,
    cancelled: false,
  }
  const failures: { id: string; reason: string; error: string }[] = []

  let chunk: T[] = []
  const flush = async (): Promise<Result<void, QuickBooksError>> => {
    const items = chunk
    chunk = []
    report.seen += items.length
    const prepared = await prepareChunk(items)
    if (prepared.isErr()) return err(prepared.error)
    const byId = new Map(prepared.value.map((p) => [p.id, p]))
    const tracked = await ledger.track(
      tenant,
      QUICKBOOKS_TARGET,
      entity,
      [...byId.values()].map((p) => ({ id: p.id, fingerprint: p.fingerprint })),
      { now: now() },
    )
    if (tracked.isErr()) return err(storeFailed('push ledger track')(tracked.error))
    const claimed = await ledger.claim(tenant, QUICKBOOKS_TARGET, entity, {
      worker,
      limit: byId.size,
      leaseMs: options.leaseMs ?? 600_000,
      ids: [...byId.keys()],
      now: now(),
    })
    if (claimed.isErr()) return err(storeFailed('push ledger claim')(claimed.error))
    report.skipped += byId.size - claimed.value.length
    const outcomes: PushOutcome[] = []
    const fail = (entry: PushEntry, p: Prepared, error: QuickBooksError, targetId?: string) => {
      const attempts = entry.attempts + 1
      report.failed++
      failures.push({ id: p.id, reason: error.reason, error: error.message })
      outcomes.push({
        id: p.id,
        result: 'failed',
        fingerprint: p.fingerprint,
        error: error.message,
        retryAt:
          error.retryable && attempts < maxAttempts ? new Date(now().getTime() + delay(attempts)) : null,
        ...(targetId ? { targetId } : {}),
      })
    }
    const synced = (p: Prepared, targetId: string) =>
      outcomes.push({
        id: p.id,
        result: 'synced',
        fingerprint: p.fingerprint,
        targetId,
        pushedBy: options.pushedBy ?? worker,
      })

    const work: { entry: PushEntry; p: Prepared; current: QbEntity | undefined }[] = []
    for (const entry of claimed.value) {
      const p = byId.get(entry.recordId) as Prepared
      if (p.error || !p.body) fail(entry, p, p.error as QuickBooksError)
      else work.push({ entry, p, current: undefined })
    }
    // Current versions of the ones QuickBooks has (for their SyncToken), and a marker search for the rest.
    const withId = work.filter((w) => w.entry.targetId)
    if (withId.length > 0) {
      const rows = await client.query.all(
        qbEntity,
        `SELECT * FROM ${qbEntity} WHERE Id IN ${inList(withId.map((w) => w.entry.targetId as string))}`,
      )
      if (rows.isErr()) return err(rows.error)
      const byQbId = new Map(rows.value.map((r) => [r.Id, r]))
      for (const w of withId) w.current = byQbId.get(w.entry.targetId as string)
    }
    // Records first tracked by this very call were never claimed before, so never sent: no lookup. Any
    // other record without a target id may have been sent by an attempt whose answer was lost.
    const firstSeen = new Set(tracked.value.added)
    const fresh = work.filter((w) => !w.entry.targetId && !firstSeen.has(w.p.id))
    if (fresh.length > 0) {
      const dates = fresh.map((w) => w.p.date).sort()
      const range = `TxnDate >= ${quote(dates[0] as string)} AND TxnDate <= ${quote(dates.at(-1) as string)}`
      const rows = await client.query.all(qbEntity, `SELECT * FROM ${qbEntity} WHERE ${range}`)
      if (rows.isErr()) return err(rows.error)
      const byMarker = new Map(
        rows.value.flatMap((r) => (typeof r.PrivateNote === 'string' ? [[r.PrivateNote, r] as const] : [])),
      )
      for (const w of fresh) {
        w.current = byMarker.get(transactionMarker(entity, w.p.id))
        if (w.current) report.found++
      }
    }

    let pending = work.map((w) => ({ ...w, staleRetried: false }))
    while (pending.length > 0) {
      const next: typeof pending = []
      for (let i = 0; i < pending.length; i += BATCH_LIMIT) {
        const slice = pending.slice(i, i + BATCH_LIMIT)
        const ops: BatchOperation[] = slice.map((w) =>
          w.current
            ? {
                operation: 'update',
                entity: qbEntity,
                body: { ...w.p.body, Id: w.current.Id, SyncToken: w.current.SyncToken, sparse: true },
              }
            : { operation: 'create', entity: qbEntity, body: w.p.body as Record<string, unknown> },
        )
        const answer = await client.batch.run(ops)
        const results: BatchItemResult[] = answer.isOk()
          ? [...answer.value]
          : slice.map(() => ({ ok: false, error: answer.error }))
        for (const [j, w] of slice.entries()) {
          const result = results[j] as BatchItemResult
          if (result.ok) {
            if (w.current) report.updated++
            else report.created++
            synced(w.p, result.entity?.Id ?? w.current?.Id ?? '')
          } else if (result.error.reason === 'StaleObject' && w.current && !w.staleRetried) {
            const reread = await client.entities.read(qbEntity, w.current.Id)
            if (reread.isErr()) fail(w.entry, w.p, reread.error, w.current.Id)
            else next.push({ ...w, current: reread.value, staleRetried: true })
          } else {
            fail(w.entry, w.p, result.error, w.current?.Id)
          }
        }
      }
      pending = next
    }
    const done = await ledger.complete(tenant, QUICKBOOKS_TARGET, entity, worker, outcomes, { now: now() })
    if (done.isErr()) return err(storeFailed('push ledger complete')(done.error))
    const links = outcomes.flatMap((o) =>
      o.result === 'synced' && o.targetId
        ? [{ entity, id: o.id, system: QUICKBOOKS_TARGET, externalId: o.targetId }]
        : [],
    )
    if (context.store && links.length > 0) {
      const linked = await context.store.upsertLinks(tenant, links)
      if (linked.isErr()) return err(storeFailed('store upsertLinks')(linked.error))
    }
    return ok(undefined)
  }

  for await (const item of source as AsyncIterable<T>) {
    if (options.signal?.aborted) return ok({ ...report, cancelled: true, failures: failures.slice(0, 100) })
    chunk.push(item)
    if (chunk.length >= size) {
      const r = await flush()
      if (r.isErr()) return err(r.error)
    }
  }
  if (chunk.length > 0) {
    const r = await flush()
    if (r.isErr()) return err(r.error)
  }
  return ok({ ...report, failures: failures.slice(0, 100) })
}
