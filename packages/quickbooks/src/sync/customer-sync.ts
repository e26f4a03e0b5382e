import type { PushLedger, PushOutcome, Store, TenantId } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { QuickBooksClient } from '../client.ts'
import type { QuickBooksError } from '../errors.ts'
import type { CustomerLookups } from '../map/enrich.ts'
import type { BatchItemResult, BatchOperation } from '../resources/batch.ts'
import { BATCH_LIMIT } from '../resources/batch.ts'
import { qbCustomer } from '../schemas/entities.ts'
import type { SubjectSource } from './common.ts'
import { byKind, mappedChunks, QUICKBOOKS_TARGET, storeFailed } from './common.ts'
import type { CustomerDirectory } from './customer-directory.ts'
import { loadCustomerDirectory, readCustomers } from './customer-directory.ts'
import type { Work } from './customer-plan.ts'
import { plan } from './customer-plan.ts'

/** What every customer operation needs. */
export interface CustomerSyncContext {
  readonly client: QuickBooksClient
  readonly ledger: PushLedger
  /** When given, each synced record's QuickBooks Customer Id is also stored as a link (`system: "quickbooks"`). */
  readonly store?: Store
  /** @default client.tenant */
  readonly tenant?: TenantId
  /** Enrichment of campus, intake, program, mode and level ids to names. */
  readonly lookups?: CustomerLookups
}

/** Counts of a sync run so far. */
export interface CustomerSyncProgress {
  /** Records read from the source. */
  readonly seen: number
  /**
   * Records not due (nothing sent): already synced at their current version, failed and waiting for
   * their retry time or parked as dead letters, or claimed by another worker.
   */
  readonly skipped: number
  readonly created: number
  readonly updated: number
  /** Existing edusync customers found in QuickBooks and linked (e.g. after a crash), nothing created. */
  readonly linked: number
  /** Claimed records whose customer already matched (no write needed). */
  readonly unchanged: number
  readonly failed: number
  /** Batch calls sent. */
  readonly batchCalls: number
}

/** The result of {@link syncCustomers}. */
export interface CustomerSyncReport extends CustomerSyncProgress {
  /** True when the signal stopped the run between chunks (what was sent is recorded). */
  readonly cancelled: boolean
  /** The first failures (at most 100), with the error QuickBooks gave. */
  readonly failures: readonly {
    readonly kind: string
    readonly id: string
    readonly reason: string
    readonly error: string
  }[]
}

/** Options of {@link syncCustomers}. */
export interface SyncCustomersOptions {
  /** Records per chunk: claimed together, written in batch calls of at most 30. @default 30 */
  readonly batchSize?: number
  /** The worker id claims are held under; rerun with the same id to resume at once after a crash. @default 'edusync-quickbooks' */
  readonly worker?: string
  /** Who pushed (the seed's `pushed_by`). @default the worker id */
  readonly pushedBy?: string
  /** How long a claim lasts before another worker may take it over. @default 600000 */
  readonly leaseMs?: number
  /** Failed attempts before a record is parked as a dead letter. @default 5 */
  readonly maxAttempts?: number
  /** Delay before retry number `attempt` (1-based). @default 1 min doubling, at most 6 h */
  readonly retryDelayMs?: (attempt: number) => number
  /** Stops the run between chunks. */
  readonly signal?: AbortSignal
  /** Called after every chunk. */
  readonly onProgress?: (progress: CustomerSyncProgress) => void
  /** @default () => new Date() */
  readonly now?: () => Date
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Pushes applicants and students to QuickBooks customers: only records whose mapped customer changed since
 * their last successful push (the push ledger decides), in chunks, with batch calls of at most 30.
 *
 * Per record: an edusync customer already in QuickBooks (found by its Notes marker, whatever its name)
 * is linked and sparse-updated if it differs; otherwise a customer is created under the first free
 * DisplayName candidate. A 6240 moves to the next candidate (deterministic, so a rerun lands on the same
 * name and creates nothing); a 5010 re-reads the customer once. Failures are recorded per record with
 * their error and next attempt; one bad record never stops its batch.
 *
 * Resumable: a crash leaves claimed records `in_progress`; the same worker re-claims them on the next run,
 * and a customer created just before the crash is found by its marker (or its batch replayed by
 * `requestid`), so nothing is created twice.
 */
export function syncCustomers(
  subjects: SubjectSource,
  context: CustomerSyncContext,
  options: SyncCustomersOptions = {},
): ResultAsync<CustomerSyncReport, QuickBooksError> {
  return new ResultAsync(run(subjects, context, options))
}

async function run(
  subjects: SubjectSource,
  context: CustomerSyncContext,
  options: SyncCustomersOptions,
): Promise<Result<CustomerSyncReport, QuickBooksError>> {
  const { client, ledger } = context
  const tenant = context.tenant ?? client.tenant
  const batchSize = options.batchSize ?? 30
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new TypeError(`syncCustomers: batchSize must be 1..1000, got ${batchSize}`)
  }
  const worker = options.worker ?? 'edusync-quickbooks'
  const now = options.now ?? (() => new Date())
  const maxAttempts = options.maxAttempts ?? 5
  const delay = options.retryDelayMs ?? ((n: number) => Math.min(60_000 * 2 ** (n - 1), 6 * 3_600_000))
  const progress: Mutable<CustomerSyncProgress> = {
    seen: 0,
    skipped: 0,
    created: 0,
    updated: 0,
    linked: 0,
    unchanged: 0,
    failed: 0,
    batchCalls: 0,
  }
  const failures: { kind: string; id: string; reason: string; error: string }[] = []
  let directory: CustomerDirectory | undefined

  const report = (cancelled: boolean): CustomerSyncReport => ({
    ...progress,
    cancelled,
    failures: failures.slice(0, 100),
  })

  for await (const chunk of mappedChunks(subjects, batchSize, context.lookups)) {
    if (options.signal?.aborted) return ok(report(true))
    progress.seen += chunk.length
    const work: Work[] = []
    for (const [kind, items] of byKind(chunk)) {
      const tracked = await ledger.track(
        tenant,
        QUICKBOOKS_TARGET,
        kind,
        items.map((m) => ({ id: m.subject.id, fingerprint: m.fingerprint })),
        { now: now() },
      )
      if (tracked.isErr()) return err(storeFailed('push ledger track')(tracked.error))
      const claimed = await ledger.claim(tenant, QUICKBOOKS_TARGET, kind, {
        worker,
        limit: items.length,
        leaseMs: options.leaseMs ?? 600_000,
        ids: items.map((m) => m.subject.id),
        now: now(),
      })
      if (claimed.isErr()) return err(storeFailed('push ledger claim')(claimed.error))
      const entries = new Map(claimed.value.map((e) => [e.recordId, e]))
      for (const m of items) {
        const entry = entries.get(m.subject.id)
        if (entry) work.push({ m, entry, candidate: 0, current: undefined, staleRetried: false })
        else progress.skipped++
      }
    }
    if (work.length > 0) {
      // Find what QuickBooks already holds: the directory once per run when anything may be created,
      // else one query by Id for the records that have a customer.
      const needsNames = work.some((w) => w.entry.targetId === null)
      if (needsNames && !directory) {
        const loaded = await loadCustomerDirectory(client)
        if (loaded.isErr()) return err(loaded.error)
        directory = loaded.value
      }
      const known = work.filter((w) => w.entry.targetId !== null && !directory?.byOwner(w.m.owner))
      if (known.length > 0) {
        const read = await readCustomers(
          client,
          known.map((w) => w.entry.targetId as string),
        )
        if (read.isErr()) return err(read.error)
        for (const w of known) w.current = read.value.get(w.entry.targetId as string)
      }
      for (const w of work) w.current ??= directory?.byOwner(w.m.owner)

      const outcomes = await pushWork(work, client, directory, progress)
      const finished: PushOutcome[] = outcomes.map((o) => {
        if (o.kind === 'synced') {
          return {
            id: o.w.m.subject.id,
            result: 'synced',
            fingerprint: o.w.m.fingerprint,
            targetId: o.targetId,
            pushedBy: options.pushedBy ?? worker,
          }
        }
        const attempts = o.w.entry.attempts + 1
        const retryable = o.error.retryable && attempts < maxAttempts
        failures.push({
          kind: o.w.m.subject.kind,
          id: o.w.m.subject.id,
          reason: o.error.reason,
          error: o.error.message,
        })
        progress.failed++
        return {
          id: o.w.m.subject.id,
          result: 'failed',
          fingerprint: o.w.m.fingerprint,
          error: o.error.message,
          retryAt: retryable ? new Date(now().getTime() + delay(attempts)) : null,
          ...(o.w.current ? { targetId: o.w.current.Id } : {}),
        }
      })
      const kinds = byKind(
        outcomes.map((o, i) => ({ subject: o.w.m.subject, outcome: finished[i] as PushOutcome })),
      )
      for (const [kind, list] of kinds) {
        const done = await ledger.complete(
          tenant,
          QUICKBOOKS_TARGET,
          kind,
          worker,
          list.map((x) => x.outcome),
          { now: now() },
        )
        if (done.isErr()) return err(storeFailed('push ledger complete')(done.error))
        if (context.store) {
          const links = list.flatMap((x) =>
            x.outcome.result === 'synced'
              ? [
                  {
                    entity: kind,
                    id: x.outcome.id,
                    system: QUICKBOOKS_TARGET,
                    externalId: x.outcome.targetId,
                  },
                ]
              : [],
          )
          if (links.length > 0) {
            const linked = await context.store.upsertLinks(tenant, links)
            if (linked.isErr()) return err(storeFailed('store upsertLinks')(linked.error))
          }
        }
      }
    }
    options.onProgress?.({ ...progress })
  }
  return ok(report(false))
}

type Outcome =
  | { readonly kind: 'synced'; readonly w: Work; readonly targetId: string }
  | { readonly kind: 'failed'; readonly w: Work; readonly error: QuickBooksError }

/** Writes a chunk's work in rounds: each round's batch answers decide what the next round retries. */
async function pushWork(
  work: Work[],
  client: QuickBooksClient,
  directory: CustomerDirectory | undefined,
  progress: Mutable<CustomerSyncProgress>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let pending = work
  while (pending.length > 0) {
    const ops: { w: Work; op: BatchOperation; name: string | undefined; action: 'create' | 'update' }[] = []
    for (const w of pending) {
      const planned = plan(w, directory)
      if (planned.kind === 'done') {
        if (w.entry.targetId === null && w.current) progress.linked++
        else progress.unchanged++
        outcomes.push({ kind: 'synced', w, targetId: planned.targetId })
      } else if (planned.kind === 'exhausted') {
        outcomes.push({ kind: 'failed', w, error: planned.error })
      } else {
        ops.push({ w, op: planned.op, name: planned.name, action: planned.action })
      }
    }
    const next: Work[] = []
    // A round's batch calls go out together (the realm limiter caps how many are in flight); their answers
    // are then handled in order, so the next round is the same whatever order the answers arrived in.
    const slices: (typeof ops)[] = []
    for (let i = 0; i < ops.length; i += BATCH_LIMIT) slices.push(ops.slice(i, i + BATCH_LIMIT))
    progress.batchCalls += slices.length
    const answers = await Promise.all(slices.map((slice) => client.batch.run(slice.map((s) => s.op))))
    for (const [k, slice] of slices.entries()) {
      const answer = answers[k] as Awaited<(typeof answers)[number]>
      const results: BatchItemResult[] = answer.isOk()
        ? [...answer.value]
        : slice.map(() => ({ ok: false, error: answer.error }))
      for (const [j, s] of slice.entries()) {
        const result = results[j] as BatchItemResult
        const w = s.w
        if (result.ok) {
          const parsed = qbCustomer.safeParse(result.entity)
          if (parsed.success) directory?.put(parsed.data)
          const id = parsed.success ? parsed.data.Id : (w.current?.Id ?? '')
          if (s.action === 'create') progress.created++
          else if (w.entry.targetId === null) progress.linked++
          else progress.updated++
          outcomes.push({ kind: 'synced', w, targetId: id })
          continue
        }
        const error = result.error
        if (error.reason === 'Duplicate' && s.name !== undefined) {
          directory?.markTaken(s.name)
          w.candidate = w.m.candidates.indexOf(s.name) + 1
          next.push(w)
        } else if (error.reason === 'StaleObject' && w.current && !w.staleRetried) {
          w.staleRetried = true
          const fresh = await client.entities.read('Customer', w.current.Id)
          const parsed = fresh.isOk() ? qbCustomer.safeParse(fresh.value) : undefined
          if (parsed?.success) {
            w.current = parsed.data
            next.push(w)
          } else outcomes.push({ kind: 'failed', w, error: fresh.isErr() ? fresh.error : error })
        } else {
          outcomes.push({ kind: 'failed', w, error })
        }
      }
    }
    pending = next
  }
  return outcomes
}
