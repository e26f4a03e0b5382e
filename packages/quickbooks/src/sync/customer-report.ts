import type { PushEntry, PushStatus } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { QuickBooksError } from '../errors.ts'
import type { FieldChange, MappedCustomer } from '../map/customer.ts'
import { customerChanges } from '../map/customer.ts'
import type { SubjectSource } from './common.ts'
import { byKind, mappedChunks, QUICKBOOKS_TARGET, storeFailed } from './common.ts'
import { lookupCustomerNames, readCustomers } from './customer-directory.ts'
import type { CustomerSyncContext } from './customer-sync.ts'

/** The seed's sync state of one record. */
export type CustomerSyncState = 'not_synced' | 'in_progress' | 'synced' | 'failed'

/** Counts of one customer type (the seed's analyze output). */
export interface CustomerCounts {
  readonly total: number
  readonly notSynced: number
  readonly synced: number
  readonly failed: number
  readonly inProgress: number
  /** Synced share in percent, one decimal (0 for an empty population). */
  readonly progress: number
}

/** {@link analyzeCustomers}' result. */
export interface CustomerAnalysis {
  readonly applicants: CustomerCounts
  readonly students: CustomerCounts
  readonly overall: CustomerCounts
}

/**
 * A record's state against its current mapping: `synced` only when QuickBooks holds exactly this version
 * (a changed record is `not_synced` again even if an older version was pushed).
 */
export function stateOf(m: MappedCustomer, entry: PushEntry | undefined): CustomerSyncState {
  if (!entry) return 'not_synced'
  if (entry.status === 'in_progress') return 'in_progress'
  if (entry.pushedFingerprint === m.fingerprint) return 'synced'
  if (entry.status === 'failed' && entry.fingerprint === m.fingerprint) return 'failed'
  return 'not_synced'
}

async function* withEntries(
  subjects: SubjectSource,
  context: CustomerSyncContext,
  size: number,
): AsyncGenerator<Result<{ m: MappedCustomer; entry: PushEntry | undefined }[], QuickBooksError>> {
  const tenant = context.tenant ?? context.client.tenant
  for await (const chunk of mappedChunks(subjects, size, context.lookups)) {
    const entries = new Map<string, PushEntry>()
    for (const [kind, items] of byKind(chunk)) {
      const read = await context.ledger.read(
        tenant,
        QUICKBOOKS_TARGET,
        kind,
        items.map((m) => m.subject.id),
      )
      if (read.isErr()) {
        yield err(storeFailed('push ledger read')(read.error))
        return
      }
      for (const [id, e] of read.value) entries.set(`${kind}/${id}`, e)
    }
    yield ok(chunk.map((m) => ({ m, entry: entries.get(m.owner) })))
  }
}

type Tally = Map<CustomerSyncState, number>

const counts = (...tallies: Tally[]): CustomerCounts => {
  const n = (s: CustomerSyncState) => tallies.reduce((sum, t) => sum + (t.get(s) ?? 0), 0)
  const synced = n('synced')
  const total = n('synced') + n('not_synced') + n('failed') + n('in_progress')
  return {
    total,
    notSynced: n('not_synced'),
    synced,
    failed: n('failed'),
    inProgress: n('in_progress'),
    progress: total === 0 ? 0 : Math.round((synced / total) * 1000) / 10,
  }
}

/**
 * Counts per customer type and state, with progress % (the seed's analyze). Reads the source and the
 * ledger only: nothing is sent or written.
 */
export function analyzeCustomers(
  subjects: SubjectSource,
  context: CustomerSyncContext,
): ResultAsync<CustomerAnalysis, QuickBooksError> {
  return new ResultAsync(
    (async (): Promise<Result<CustomerAnalysis, QuickBooksError>> => {
      // Per-type tallies, not per-record lists, so memory stays constant over any population.
      const tally: Record<'applicant' | 'student', Tally> = { applicant: new Map(), student: new Map() }
      for await (const page of withEntries(subjects, context, 500)) {
        if (page.isErr()) return err(page.error)
        for (const { m, entry } of page.value) {
          const t = tally[m.subject.kind]
          const state = stateOf(m, entry)
          t.set(state, (t.get(state) ?? 0) + 1)
        }
      }
      return ok({
        applicants: counts(tally.applicant),
        students: counts(tally.student),
        overall: counts(tally.applicant, tally.student),
      })
    })(),
  )
}

/** One record of a preview: exactly what a sync would send for it. */
export interface CustomerPreviewItem {
  readonly kind: 'applicant' | 'student'
  readonly id: string
  readonly state: CustomerSyncState
  /** `create` a customer, `update` an existing one (sparse), or `none` (QuickBooks already matches). */
  readonly action: 'create' | 'update' | 'none'
  /** The customer's Id when it exists. */
  readonly customerId: string | null
  /** The DisplayName the customer will have. */
  readonly displayName: string
  /** Per attribute: the value in QuickBooks now (`null` for a create) and the value to send. */
  readonly changes: Readonly<Record<string, FieldChange>>
  /** The last push error, if any. */
  readonly lastError: string | null
}

/** {@link previewCustomers}' result: one page of records that need a push. */
export interface CustomerPreview {
  readonly items: readonly CustomerPreviewItem[]
  /** How many records in the source need a push (all pages). */
  readonly total: number
  readonly offset: number
  readonly limit: number
}

/**
 * One page of the records a sync would push, with the field-level plan (the seed's preview). Reads the
 * ledger and queries QuickBooks for the page's customers (by Id, and by candidate DisplayName); nothing is
 * sent or written. A name held by a vendor or employee is invisible to queries: the preview shows the
 * real name, and a sync would fall back to the next candidate on 6240.
 */
export function previewCustomers(
  subjects: SubjectSource,
  context: CustomerSyncContext,
  options: { readonly limit?: number; readonly offset?: number } = {},
): ResultAsync<CustomerPreview, QuickBooksError> {
  const limit = Math.min(Math.max(options.limit ?? 10, 1), 100)
  const offset = Math.max(options.offset ?? 0, 0)
  return new ResultAsync(
    (async (): Promise<Result<CustomerPreview, QuickBooksError>> => {
      const page: { m: MappedCustomer; entry: PushEntry | undefined; state: CustomerSyncState }[] = []
      let total = 0
      for await (const chunk of withEntries(subjects, context, 500)) {
        if (chunk.isErr()) return err(chunk.error)
        for (const { m, entry } of chunk.value) {
          const state = stateOf(m, entry)
          if (state === 'synced') continue
          if (total >= offset && page.length < limit) page.push({ m, entry, state })
          total++
        }
      }
      const ids = page.flatMap((p) => (p.entry?.targetId ? [p.entry.targetId] : []))
      const existing = await readCustomers(context.client, ids)
      if (existing.isErr()) return err(existing.error)
      const names = await lookupCustomerNames(
        context.client,
        page.filter((p) => !p.entry?.targetId).flatMap((p) => p.m.candidates),
      )
      if (names.isErr()) return err(names.error)
      const items = page.map(({ m, entry, state }): CustomerPreviewItem => {
        const byOwner = names.value.byOwner(m.owner)
        const current = (entry?.targetId ? existing.value.get(entry.targetId) : undefined) ?? byOwner
        const base = { kind: m.subject.kind, id: m.subject.id, state, lastError: entry?.lastError ?? null }
        if (current) {
          const changes: Record<string, FieldChange> = customerChanges(current, m.fields)
          const keep = m.candidates.some((c) => c.toLowerCase() === current.DisplayName.toLowerCase())
          const displayName = keep ? current.DisplayName : (m.candidates[0] as string)
          if (!keep) changes.DisplayName = { from: current.DisplayName, to: displayName }
          return {
            ...base,
            action: Object.keys(changes).length ? 'update' : 'none',
            customerId: current.Id,
            displayName,
            changes,
          }
        }
        const displayName =
          m.candidates.find((c) => names.value.byName(c) === undefined) ?? (m.candidates.at(-1) as string)
        const changes: Record<string, FieldChange> = { DisplayName: { from: null, to: displayName } }
        for (const [key, value] of Object.entries(m.fields)) changes[key] = { from: null, to: value }
        return { ...base, action: 'create', customerId: null, displayName, changes }
      })
      return ok({ items, total, offset, limit })
    })(),
  )
}

/** {@link customerStatus}' result: the ledger's view (no source read). */
export interface CustomerStatus {
  /** Per kind, per ledger status. */
  readonly counts: Readonly<Record<'applicant' | 'student', Readonly<Record<PushStatus, number>>>>
  /** Failed records (newest ledger state), at most `failureLimit` per kind, with their last error. */
  readonly failures: readonly {
    readonly kind: string
    readonly id: string
    readonly attempts: number
    readonly lastError: string | null
    readonly nextAttemptAt: Date | null
    readonly customerId: string | null
  }[]
  /** The per-record entries asked for (who pushed, when, the customer id). */
  readonly records: readonly PushEntry[]
}

/**
 * The push state from the ledger (the seed's status): counts per type and status, the failures with
 * their errors, and, for the ids asked for, each record's entry (status, pushed by, pushed at, error).
 */
export function customerStatus(
  context: Omit<CustomerSyncContext, 'lookups'>,
  options: {
    readonly failureLimit?: number
    readonly records?: { readonly kind: 'applicant' | 'student'; readonly ids: readonly string[] }
  } = {},
): ResultAsync<CustomerStatus, QuickBooksError> {
  const tenant = context.tenant ?? context.client.tenant
  const ledger = context.ledger
  return new ResultAsync(
    (async (): Promise<Result<CustomerStatus, QuickBooksError>> => {
      const c = await ledger.counts(tenant, QUICKBOOKS_TARGET, ['applicant', 'student'])
      if (c.isErr()) return err(storeFailed('push ledger counts')(c.error))
      const zero = { pending: 0, in_progress: 0, synced: 0, failed: 0 }
      const failures: CustomerStatus['failures'][number][] = []
      for (const kind of ['applicant', 'student'] as const) {
        const list = await ledger.list(tenant, QUICKBOOKS_TARGET, kind, {
          status: 'failed',
          limit: options.failureLimit ?? 20,
        })
        if (list.isErr()) return err(storeFailed('push ledger list')(list.error))
        for (const e of list.value) {
          failures.push({
            kind,
            id: e.recordId,
            attempts: e.attempts,
            lastError: e.lastError,
            nextAttemptAt: e.nextAttemptAt,
            customerId: e.targetId,
          })
        }
      }
      let records: PushEntry[] = []
      if (options.records) {
        const read = await ledger.read(tenant, QUICKBOOKS_TARGET, options.records.kind, options.records.ids)
        if (read.isErr()) return err(storeFailed('push ledger read')(read.error))
        records = [...read.value.values()]
      }
      return ok({
        counts: { applicant: c.value.get('applicant') ?? zero, student: c.value.get('student') ?? zero },
        failures,
        records,
      })
    })(),
  )
}

/**
 * Makes failed customers due again (replaying dead letters after the data or the QuickBooks company was
 * fixed): the given ids of one kind, or every failed applicant and student. The next sync sends them.
 * Returns how many were reset.
 */
export function retryFailedCustomers(
  context: Pick<CustomerSyncContext, 'client' | 'ledger' | 'tenant'>,
  only?: { readonly kind: 'applicant' | 'student'; readonly ids: readonly string[] },
): ResultAsync<number, QuickBooksError> {
  const tenant = context.tenant ?? context.client.tenant
  return new ResultAsync(
    (async (): Promise<Result<number, QuickBooksError>> => {
      let total = 0
      for (const kind of only ? [only.kind] : (['applicant', 'student'] as const)) {
        const reset = await context.ledger.retry(tenant, QUICKBOOKS_TARGET, kind, only?.ids)
        if (reset.isErr()) return err(storeFailed('push ledger retry')(reset.error))
        total += reset.value
      }
      return ok(total)
    })(),
  )
}
