import type { Result } from 'neverthrow'
import { ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { Store } from '../store/store.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'
import type { PushEntry, PushLedger, PushOutcome } from './push-ledger.ts'
import { deletedFingerprint } from './push-outbox.ts'
import type { PushItem, PushItemResult, PushTarget } from './push-target.ts'

/** Retry policy of {@link runPush}: exponential backoff, then a dead letter. */
export interface PushBackoff {
  /** Delay after the first failure. @default 30_000 */
  readonly baseMs?: number
  /** Longest delay. @default 3_600_000 (an hour) */
  readonly maxMs?: number
  /** Spread of each delay, 0 to 1 (`0.2` = ±20 %), so many records failing together do not retry together. @default 0.2 */
  readonly jitter?: number
  /** Failed attempts after which an entry becomes a dead letter. @default 8 */
  readonly maxAttempts?: number
}

/** Options of {@link runPush}. */
export interface RunPushOptions {
  readonly store: Store
  readonly ledger: PushLedger
  readonly target: PushTarget
  readonly tenant: TenantId
  /** This worker's name in claims (unique per process). */
  readonly worker: string
  /** Entries claimed per round. @default 200 */
  readonly batchSize?: number
  /**
   * Claim loops per entity in this worker (each claims as `<worker>#<lane>`), so one batch's ledger
   * round trips overlap another's calls to the target. @default 2
   */
  readonly lanes?: number
  /** How long a claim lasts before another worker may take it over. @default 300_000 */
  readonly leaseMs?: number
  readonly backoff?: PushBackoff
  /** Only these entities (still in the target's order). */
  readonly only?: readonly EntityName[]
  /** Recorded as `pushedBy` on success. @default the worker */
  readonly pushedBy?: string
  readonly signal?: AbortSignal
  /** Clock (tests). @default () => new Date() */
  readonly now?: () => Date
  /** Random source for jitter (tests). @default Math.random */
  readonly random?: () => number
}

/** Counts of one entity in a {@link PushReport}. */
export interface PushEntityReport {
  /** Records the target accepted. */
  readonly pushed: number
  /** Records that failed and will be tried again after their backoff. */
  readonly retrying: number
  /** Records that became dead letters in this run. */
  readonly deadLettered: number
  /** Records held back because a parent they reference is not synced yet (tried again next run). */
  readonly held: number
}

/** What {@link runPush} did. */
export interface PushReport {
  readonly target: string
  readonly entities: Readonly<Record<EntityName, PushEntityReport>>
  /** Set when the run stopped early because the target was down: the first outage's message. */
  readonly stoppedBy?: string
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Pushes what is due in the ledger to one target for one tenant: entity by entity in the target's
 * dependency order, a claimed batch at a time (claims are exclusive, so several workers may run this at
 * once and never send one record twice at the same time). Each item is the record's current stored
 * version (a tombstone is a delete), so the latest version wins however many changes were queued; a
 * record whose parent (in the same target) is not synced yet is held back until it is. Failures are
 * retried with exponential backoff and become dead letters after `maxAttempts` (or at once when the
 * target says retrying cannot help); a target outage stops the run so children wait for their parents.
 *
 * @example
 * ```ts
 * const report = await runPush({ store, ledger: store.pushLedger, target, tenant: 'acme', worker: 'web-1' })
 * ```
 */
export function runPush(options: RunPushOptions): ResultAsync<PushReport, StoreError> {
  return ResultAsync.fromPromise(pushAll(options), (error) => error as StoreError)
}

async function pushAll(options: RunPushOptions): Promise<PushReport> {
  const { target } = options
  const entities: Record<EntityName, PushEntityReport> = {}
  const inTarget = new Set(target.entities.map((e) => e.name))
  const lanes = Math.max(1, Math.floor(options.lanes ?? 2))
  for (const definition of target.entities) {
    if (options.only && !options.only.includes(definition.name)) continue
    if (options.signal?.aborted) break
    // Every lane of an entity finishes before the next entity starts: parents before children.
    const stop: Stop = {}
    const reports = await Promise.all(
      Array.from({ length: lanes }, (_, lane) =>
        pushEntity(
          options,
          definition,
          inTarget,
          lanes === 1 ? options.worker : `${options.worker}#${lane}`,
          stop,
        ),
      ),
    )
    entities[definition.name] = {
      pushed: sum(reports, 'pushed'),
      retrying: sum(reports, 'retrying'),
      deadLettered: sum(reports, 'deadLettered'),
      held: sum(reports, 'held'),
    }
    if (stop.outage !== undefined) return { target: target.name, entities, stoppedBy: stop.outage }
  }
  return { target: target.name, entities }
}

/** Shared by the lanes of one entity: the first outage stops them all. */
interface Stop {
  outage?: string
}

const sum = (reports: readonly PushEntityReport[], key: keyof PushEntityReport) =>
  reports.reduce((n, r) => n + r[key], 0)

async function pushEntity(
  options: RunPushOptions,
  definition: EntityDefinition,
  inTarget: ReadonlySet<EntityName>,
  worker: string,
  stop: Stop,
): Promise<PushEntityReport> {
  const { store, ledger, target, tenant } = options
  const entity = definition.name
  const batchSize = options.batchSize ?? 200
  const clock = options.now ?? (() => new Date())
  const report: Mutable<PushEntityReport> = { pushed: 0, retrying: 0, deadLettered: 0, held: 0 }
  // Held entries stay claimed until the entity is done; a worker's claim query returns its own claims
  // again, so they are recognised and skipped, and the claim limit grows by their number.
  const held = new Set<string>()
  // What this loop sent per id. An id due again with the very version it sent means the ledger holds a
  // fingerprint the Store no longer has (changes written while the target was switched off): it is not
  // sent twice in one run (that would never settle); it stays due, and `backfillLedger` realigns it.
  const sent = new Map<string, string>()
  try {
    while (stop.outage === undefined && !options.signal?.aborted) {
      const claimed = unwrap(
        await ledger.claim(tenant, target.name, entity, {
          worker,
          limit: batchSize + held.size,
          leaseMs: options.leaseMs ?? 300_000,
          now: clock(),
        }),
      ).filter((e) => !held.has(e.recordId))
      if (claimed.length === 0) break
      const ids = claimed.map((e) => e.recordId)
      const stored = unwrap(await store.readRecords(tenant, entity, ids, { includeDeleted: true }))
      const outcomes: PushOutcome[] = []
      const items: { item: PushItem; fingerprint: string; entry: PushEntry }[] = []
      for (const entry of claimed) {
        const record = stored.get(entry.recordId)
        if (!record) {
          outcomes.push(fail(entry, entry.fingerprint, 'the record is not in the store', null))
          report.deadLettered++
          continue
        }
        const kind = record.deletedAt ? 'delete' : 'upsert'
        // The stored version is the truth: it may be newer than the claimed fingerprint.
        const fingerprint = kind === 'delete' ? deletedFingerprint(record.fingerprint) : record.fingerprint
        const item: PushItem = {
          id: entry.recordId,
          kind,
          data: record.data,
          targetId: entry.targetId,
          everPushed: entry.pushedFingerprint !== null,
          attempts: entry.attempts,
        }
        items.push({ item, fingerprint, entry })
      }
      const blocked = await parentsNotSynced(
        options,
        definition,
        inTarget,
        items.map((i) => i.item),
      )
      const send = items.filter((i) => {
        if (sent.get(i.item.id) === i.fingerprint) {
          held.add(i.item.id)
          return false
        }
        if (!blocked.has(i.item.id)) return true
        held.add(i.item.id)
        report.held++
        return false
      })
      for (const { item, fingerprint } of send) sent.set(item.id, fingerprint)
      const results =
        send.length === 0
          ? []
          : unwrap(
              await target.push(
                tenant,
                entity,
                send.map((s) => s.item),
                { store, signal: options.signal },
              ),
            )
      const byId = new Map<string, PushItemResult>(results.map((r) => [r.id, r]))
      for (const { item, fingerprint, entry } of send) {
        const result = byId.get(item.id) ?? {
          id: item.id,
          ok: false as const,
          error: `${target.name}: no result for ${entity} ${item.id}`,
          retryable: true,
        }
        if (result.ok) {
          outcomes.push({
            id: item.id,
            result: 'synced',
            fingerprint,
            targetId: result.targetId,
            pushedBy: options.pushedBy ?? options.worker,
          })
          report.pushed++
          continue
        }
        if (result.outage) stop.outage ??= result.error
        const retryAt = result.retryable ? nextAttempt(options, entry.attempts, clock()) : null
        outcomes.push(fail(entry, fingerprint, result.error, retryAt))
        if (retryAt === null) report.deadLettered++
        else report.retrying++
      }
      unwrap(await ledger.complete(tenant, target.name, entity, worker, outcomes, { now: clock() }))
    }
  } finally {
    if (held.size > 0) await ledger.release(tenant, target.name, entity, worker, [...held])
  }
  return report
}

function fail(entry: PushEntry, fingerprint: string, error: string, retryAt: Date | null): PushOutcome {
  return { id: entry.recordId, result: 'failed', fingerprint, error, retryAt }
}

// `attempts` failed before this one; the entry is dead once this failure reaches maxAttempts.
function nextAttempt(options: RunPushOptions, attempts: number, now: Date): Date | null {
  const b = options.backoff ?? {}
  if (attempts + 1 >= (b.maxAttempts ?? 8)) return null
  const base = Math.min((b.baseMs ?? 30_000) * 2 ** attempts, b.maxMs ?? 3_600_000)
  const jitter = b.jitter ?? 0.2
  const spread = 1 + jitter * (2 * (options.random ?? Math.random)() - 1)
  return new Date(now.getTime() + Math.round(base * spread))
}

// Items referencing a parent of this target whose ledger entry exists and is not synced: one ledger
// read per parent entity per batch.
async function parentsNotSynced(
  options: RunPushOptions,
  definition: EntityDefinition,
  inTarget: ReadonlySet<EntityName>,
  items: readonly PushItem[],
): Promise<Set<string>> {
  const blocked = new Set<string>()
  const wanted = new Map<EntityName, Map<string, string[]>>()
  for (const item of items) {
    if (item.kind === 'delete') continue
    for (const [field, parent] of Object.entries(definition.references)) {
      const ref = item.data[field]
      if (!inTarget.has(parent) || typeof ref !== 'string' || parent === definition.name) continue
      const byRef = wanted.get(parent) ?? new Map<string, string[]>()
      byRef.set(ref, [...(byRef.get(ref) ?? []), item.id])
      wanted.set(parent, byRef)
    }
  }
  for (const [parent, byRef] of wanted) {
    const entries = unwrap(
      await options.ledger.read(options.tenant, options.target.name, parent, [...byRef.keys()]),
    )
    for (const [ref, children] of byRef) {
      const entry = entries.get(ref)
      if (entry && entry.status !== 'synced') for (const child of children) blocked.add(child)
    }
  }
  return blocked
}

function unwrap<T, E>(result: Result<T, E>): T {
  if (result.isErr()) throw result.error
  return result.value
}
