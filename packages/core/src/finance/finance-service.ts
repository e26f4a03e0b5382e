import { errAsync, okAsync, ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { Store } from '../store/store.ts'
import type { RecordOutcome } from '../sync/outcome.ts'
import { countOutcomes } from '../sync/outcome.ts'
import { prepareBatch } from '../sync/prepare-batch.ts'
import type { BatchResult, SyncLogger } from '../sync/sync-engine.ts'
import type { DeleteRefusal, SyncExtension } from '../sync/sync-extension.ts'
import type { TenantId } from '../types/primitives.ts'
import { isoDate } from '../types/primitives.ts'
import type { AccrualContract } from './accruals.ts'
import { monthlyAccruals } from './accruals.ts'
import { decideFinanceBatch, readRequestFor } from './decide-batch.ts'
import type { FinanceEntityName } from './entities.ts'
import { financeEntities } from './entities.ts'
import { FinanceError } from './finance-error.ts'
import type { AccrualWriteResult, FinanceStore, InvoiceBalance, StatementScope } from './finance-store.ts'
import type { InvoiceState } from './invoice-state.ts'
import { invoiceState } from './invoice-state.ts'
import { formatMoney } from './money-text.ts'
import type { ResilientCacheOptions } from './resilient-cache.ts'
import { createResilientCache } from './resilient-cache.ts'
import type { Statement, StatementQuery } from './statement.ts'
import type { StatementCache } from './statement-cache.ts'
import { createMemoryStatementCache, DEFAULT_STATEMENT_TTL_MS, statementCacheKey } from './statement-cache.ts'
import type { StatementSummary } from './statement-summary.ts'

/** Options of {@link createFinance}. */
export interface FinanceOptions {
  /** The Store holding students (an invoice waits, DEFERRED, until its student exists there). */
  readonly store: Store
  /** Where invoices, payments, statements and accruals live. */
  readonly finance: FinanceStore
  /** Statement cache. @default an in-memory cache ({@link createMemoryStatementCache}) */
  readonly cache?: StatementCache
  /** Circuit breaker and timeout around the cache. */
  readonly cacheResilience?: ResilientCacheOptions
  /** Time to live of a cached statement in ms. @default 60_000 */
  readonly cacheTtlMs?: number
  /** The clock: "today" for OVERDUE and the default `asOf` (UTC calendar date). @default () => new Date() */
  readonly now?: () => Date
  /** Default logger; each call may pass its own (bound to the host's request id). @default no logging */
  readonly logger?: SyncLogger
}

/** What every finance operation may carry for its log line. */
export interface FinanceCallContext {
  /** The host's request id, written on the operation's log line. */
  readonly requestId?: string
  readonly logger?: SyncLogger
}

/** Input of {@link Finance.syncBatch}. */
export interface FinanceBatchInput extends FinanceCallContext {
  readonly tenant: TenantId
  readonly entity: FinanceEntityName
  /** Canonical records (see {@link invoice}, {@link invoicePayment}, {@link school}). */
  readonly records: readonly unknown[]
}

/** Input of {@link Finance.statements}. */
export interface StatementRequest extends FinanceCallContext {
  readonly tenant: TenantId
  readonly scope: StatementScope
  /** `YYYY-MM-DD`, inclusive. */
  readonly from: string
  /** `YYYY-MM-DD`, inclusive. */
  readonly to: string
  /** Aging date `YYYY-MM-DD`. @default today by the clock */
  readonly asOf?: string
}

/** Summaries plus where they came from. */
export interface SummaryResponse {
  /** One summary per currency, by currency code. */
  readonly summaries: readonly StatementSummary[]
  /** `hit`: from the cache; `miss`: computed, then cached in the background; `bypass`: computed, cache unavailable. */
  readonly cache: 'hit' | 'miss' | 'bypass'
}

/** Statements plus where they came from. */
export interface StatementResponse {
  /** One statement per currency, by currency code. */
  readonly statements: readonly Statement[]
  /** `hit`: from the cache; `miss`: computed, then cached in the background; `bypass`: computed, cache unavailable. */
  readonly cache: 'hit' | 'miss' | 'bypass'
}

/** The finance API: invoices and payments through the engine, statements, invoice states, accruals. */
export interface Finance {
  /**
   * Syncs a batch of schools, invoices or payments: parse and fingerprint as the engine does, then one
   * locked, atomic decision in the {@link FinanceStore}. Outcomes are the engine's: NEW, UNCHANGED, UPDATED,
   * INVALID (schema or invariant: `overpayment`, `currency_mismatch`, `immutable`, ...), DEFERRED (a parent
   * is missing; replayed when it arrives). Parked children unblocked by the batch are replayed before it
   * returns.
   */
  syncBatch(input: FinanceBatchInput): ResultAsync<BatchResult, FinanceError>
  /**
   * Replays every parked finance record whose references now exist, e.g. after the students that
   * deferred invoices were synced by the engine. Still-missing ones stay parked.
   */
  replayParked(
    tenant: TenantId,
    context?: FinanceCallContext,
  ): ResultAsync<readonly RecordOutcome[], FinanceError>
  /** A student's or a school's statements for a period, from the cache when it has the current version. */
  statements(request: StatementRequest): ResultAsync<StatementResponse, FinanceError>
  /**
   * The same period as per-student summaries (opening, debits, credits, closing, aging; no lines): the
   * shape for a whole school, computed with aggregates. Cached and versioned exactly like statements.
   */
  statementSummaries(request: StatementRequest): ResultAsync<SummaryResponse, FinanceError>
  /** Derived states (PENDING / PARTIALLY_PAID / PAID, OVERDUE by the clock) of invoices; unknown ids are absent. */
  invoiceStates(
    tenant: TenantId,
    invoiceIds: readonly string[],
    options?: { readonly asOf?: string },
  ): ResultAsync<ReadonlyMap<string, InvoiceState>, FinanceError>
  /**
   * Refuses a hard delete of students who have invoices (reason `StudentHasInvoices`, naming them); `ok`
   * means none of them has one. Call it before deleting students; archive (soft-delete) the others.
   */
  assertStudentsDeletable(tenant: TenantId, studentIds: readonly string[]): ResultAsync<void, FinanceError>
  /**
   * Accrues one month (`YYYY-MM-01`) of the given contracts (see {@link monthlyAccruals} for the rule) and
   * stores it. Idempotent per (contract, month): running the same month again changes nothing.
   */
  runMonthlyAccruals(
    input: {
      readonly tenant: TenantId
      readonly month: string
      readonly contracts: readonly AccrualContract[]
    } & FinanceCallContext,
  ): ResultAsync<AccrualWriteResult, FinanceError>
  /** The breaker state of the statement cache. */
  readonly cacheState: 'closed' | 'open' | 'half-open'
  /**
   * Resolves once the statement cache writes still in flight have finished. A statement is cached in the
   * background (its response does not wait for the cache); call this before closing the cache.
   */
  cacheIdle(): Promise<void>
  /**
   * Plugs finance into the sync engine: `createSyncEngine({ store, extensions: [finance.engineExtension] })`.
   * Then invoices parked for a student (and payments parked behind them) replay when the engine writes
   * the student, `engine.replayParked` (the parked-replay step, the jobs' replay, the CLI) replays parked
   * finance records too, and `engine.deleteBatch` refuses a student with open invoices (rule
   * `has_open_invoices`, naming them); a student whose invoices are all paid may be tombstoned.
   */
  readonly engineExtension: SyncExtension
}

const silent: SyncLogger = { debug() {}, info() {}, warn() {} }
const definitions = new Map(financeEntities.map((d) => [d.name as FinanceEntityName, d]))
const ORDER: readonly FinanceEntityName[] = ['school', 'invoice', 'invoicePayment']

/**
 * Creates the finance API over a Store (students) and a {@link FinanceStore}.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@edusync/core'
 * import { createFinance, createMemoryFinanceStore } from '@edusync/core/finance'
 *
 * const finance = createFinance({ store: createMemoryStore(), finance: createMemoryFinanceStore() })
 * await finance.syncBatch({ tenant: 'acme', entity: 'invoicePayment', records: payments, requestId })
 * const { statements } = (await finance.statements({
 *   tenant: 'acme', scope: { kind: 'student', id: 's-1' }, from: '2026-01-01', to: '2026-12-31',
 * }))._unsafeUnwrap()
 * ```
 */
export function createFinance(options: FinanceOptions): Finance {
  const { store, finance } = options
  const now = options.now ?? (() => new Date())
  const ttl = options.cacheTtlMs ?? DEFAULT_STATEMENT_TTL_MS
  const cache = createResilientCache(options.cache ?? createMemoryStatementCache(), {
    logger: options.logger,
    ...options.cacheResilience,
  })
  const today = () => now().toISOString().slice(0, 10)
  // The statement version last read per scope: what the next read GETs concurrently with its version read.
  const seenVersions = new Map<string, number>()
  const remember = (memo: string, version: number) => {
    seenVersions.delete(memo)
    seenVersions.set(memo, version)
    if (seenVersions.size > SEEN_VERSIONS_MAX) seenVersions.delete(seenVersions.keys().next().value as string)
  }
  const storeFailed = (e: StoreError) =>
    new FinanceError('Store', `finance store failed: ${e.message}`, { cause: e })

  function logged<T>(
    operation: string,
    context: FinanceCallContext,
    fields: Record<string, unknown>,
    work: () => ResultAsync<T, FinanceError>,
    describe: (value: T) => Record<string, unknown>,
  ): ResultAsync<T, FinanceError> {
    const logger = context.logger ?? options.logger ?? silent
    const started = performance.now()
    const base = () => ({
      operation,
      requestId: context.requestId,
      latencyMs: round(performance.now() - started),
      ...fields,
    })
    return work()
      .map((value) => {
        logger.info(`finance ${operation}`, { ...base(), ...describe(value) })
        return value
      })
      .mapErr((error) => {
        logger.warn(`finance ${operation} failed`, { ...base(), reason: error.reason, error: error.message })
        return error
      })
  }

  // One batch of one entity: prepare (parse, fingerprint), check students, decide and write under lock.
  function apply(
    tenant: TenantId,
    entity: FinanceEntityName,
    records: readonly unknown[],
    fromParked: boolean,
  ) {
    const definition = definitions.get(entity)!
    const prepared = prepareBatch(definition, records)
    const studentIds =
      entity === 'invoice' ? [...new Set(prepared.records.map((r) => r.data.studentId as string))] : []
    const students =
      studentIds.length === 0
        ? okAsync(new Set<string>() as ReadonlySet<string>)
        : store
            .existingIds(tenant, [{ entity: 'student', ids: studentIds }])
            .map((found) => found.get('student') ?? new Set<string>())
    return students
      .andThen((found) => {
        const missing = new Set(studentIds.filter((id) => !found.has(id)))
        if (prepared.records.length === 0)
          return okAsync({ outcomes: [] as RecordOutcome[], present: [] as string[] })
        return finance.applyFinanceBatch(tenant, readRequestFor(entity, prepared.records), (snapshot) =>
          decideFinanceBatch(entity, prepared.records, snapshot, missing, fromParked),
        )
      })
      .map((decision) => ({
        outcomes: [...prepared.decided, ...decision.outcomes].sort((a, b) => a.index - b.index),
        present: decision.present,
      }))
  }

  // Replays parked records waiting for `parents`, parents first, round after round until nothing moves.
  function replay(
    tenant: TenantId,
    parents: { entity: string; id: string }[],
  ): ResultAsync<RecordOutcome[], StoreError> {
    const outcomes: RecordOutcome[] = []
    const round = (
      refs: { entity: string; id: string }[],
      n: number,
    ): ResultAsync<RecordOutcome[], StoreError> => {
      if (refs.length === 0 || n >= 8) return okAsync(outcomes)
      return finance.parkedWaitingFor(tenant, refs).andThen((parked) =>
        replayList(
          tenant,
          parked.map((p) => ({ entity: p.entity as FinanceEntityName, record: { ...p.data, id: p.id } })),
          outcomes,
        ).andThen((next) => round(next, n + 1)),
      )
    }
    return round(parents, 0)
  }

  function replayList(
    tenant: TenantId,
    parked: { entity: FinanceEntityName; record: Record<string, unknown> }[],
    outcomes: RecordOutcome[],
  ): ResultAsync<{ entity: string; id: string }[], StoreError> {
    const next: { entity: string; id: string }[] = []
    let chain: ResultAsync<void, StoreError> = okAsync(undefined)
    for (const entity of ORDER) {
      const records = parked.filter((p) => p.entity === entity).map((p) => p.record)
      if (records.length === 0) continue
      chain = chain.andThen(() =>
        apply(tenant, entity, records, true).map((applied) => {
          outcomes.push(...applied.outcomes)
          for (const id of applied.present) next.push({ entity, id })
        }),
      )
    }
    return chain.map(() => next)
  }

  // A statement-shaped read through the cache: validate the period, read the scope's version, serve the
  // cached value under that version or compute it and cache it. Logged with the request id.
  function cachedRead<T extends { readonly currency: string }>(
    request: StatementRequest,
    shape: 'statement' | 'summary',
    compute: (tenant: TenantId, query: StatementQuery) => ResultAsync<readonly T[], StoreError>,
  ): ResultAsync<{ value: readonly T[]; cache: 'hit' | 'miss' | 'bypass' }, FinanceError> {
    const asOf = request.asOf ?? today()
    for (const [field, value] of [
      ['from', request.from],
      ['to', request.to],
      ['asOf', asOf],
    ] as const) {
      if (!isoDate.safeParse(value).success) {
        return errAsync(
          new FinanceError(
            'Invalid',
            `${field}: expected a calendar date YYYY-MM-DD (received ${JSON.stringify(value)})`,
          ),
        )
      }
    }
    if (request.from > request.to) {
      return errAsync(
        new FinanceError(
          'Invalid',
          `from: must not be after to (received from ${request.from}, to ${request.to})`,
        ),
      )
    }
    const query = { scope: request.scope, from: request.from, to: request.to, asOf }
    const { tenant, scope } = request
    return logged(
      shape,
      request,
      { tenant, scope: scope.kind, id: scope.id, from: query.from, to: query.to, asOf },
      () => {
        // Round trip 1: the version read and, concurrently, the cache GET under the version this
        // process last saw for the scope (0 for one it has not seen). The GET's answer is used only
        // when its version is the one just read, so a guess can cost a second GET, never staleness.
        const memo = versionMemoKey(tenant, scope)
        const guess = seenVersions.get(memo) ?? 0
        const guessed = cache.get(statementCacheKey(tenant, scope, guess, query, shape))
        return finance
          .statementVersions(tenant, [scope])
          .mapErr(storeFailed)
          .andThen((versions) => {
            const version = versions[0] ?? 0
            remember(memo, version)
            const key = statementCacheKey(tenant, scope, version, query, shape)
            // A guess that missed the current version is discarded, hit or not; only a cache that failed
            // (breaker open, error) is not asked again.
            const read = guessed.then((g) =>
              version === guess || (!g.hit && g.why !== 'miss') ? g : cache.get(key),
            )
            return ResultAsync.fromSafePromise(read).andThen((r) => {
              if (r.hit) return okAsync({ value: r.value as readonly T[], cache: 'hit' as const })
              // Round trip 2: the statement, issued only after the version read returned. Cached under
              // that version without waiting: a write committed meanwhile has bumped the version in its
              // own transaction, so readers have moved to a new key and this entry can never be served.
              return compute(tenant, query)
                .mapErr(storeFailed)
                .map((value) => {
                  if (r.why === 'miss') cache.setInBackground(key, value, ttl)
                  return { value, cache: r.why === 'miss' ? ('miss' as const) : ('bypass' as const) }
                })
            })
          })
      },
      (r) => ({
        cache: r.cache,
        currencies: r.value.map((s) => s.currency),
        ...(shape === 'statement'
          ? { lines: (r.value as unknown as Statement[]).reduce((n, s) => n + s.lines.length, 0) }
          : {
              students: (r.value as unknown as StatementSummary[]).reduce((n, s) => n + s.students.length, 0),
            }),
      }),
    )
  }

  // Every parked finance record, parents first, then whatever they unblock.
  function replayEverything(tenant: TenantId): ResultAsync<RecordOutcome[], StoreError> {
    return finance.listParked(tenant, { limit: 100_000 }).andThen((parked) => {
      const outcomes: RecordOutcome[] = []
      return replayList(
        tenant,
        parked.map((p) => ({ entity: p.entity as FinanceEntityName, record: { ...p.data, id: p.id } })),
        outcomes,
      )
        .andThen((present) => replay(tenant, present))
        .map((more) => (more === outcomes ? outcomes : [...outcomes, ...more]))
    })
  }

  const engineExtension: SyncExtension = {
    name: 'finance',
    entities: ORDER,
    waitsFor: ['student'],
    replayWaitingFor(tenant, parents, logger) {
      const started = performance.now()
      return replay(tenant, [...parents]).map((outcomes) => {
        if (outcomes.length > 0)
          logger.info('finance replay', {
            operation: 'replay',
            tenant,
            latencyMs: round(performance.now() - started),
            replayed: countOutcomes(outcomes),
          })
        return outcomes
      })
    },
    replayParked(tenant, logger) {
      const started = performance.now()
      return replayEverything(tenant).map((outcomes) => {
        logger.info('finance replay', {
          operation: 'replay',
          tenant,
          latencyMs: round(performance.now() - started),
          replayed: countOutcomes(outcomes),
        })
        return outcomes
      })
    },
    deleteRefusals(tenant, entity, ids) {
      if (entity !== 'student' || ids.length === 0) return okAsync(new Map<string, DeleteRefusal>())
      return finance.openInvoices(tenant, ids).map((open) => {
        const byStudent = new Map<string, InvoiceBalance[]>()
        for (const inv of open) byStudent.set(inv.studentId, [...(byStudent.get(inv.studentId) ?? []), inv])
        return new Map(
          [...byStudent].map(([student, invoices]): [string, DeleteRefusal] => [
            student,
            { rule: 'has_open_invoices', message: openInvoicesMessage(student, invoices) },
          ]),
        )
      })
    },
  }

  const api: Finance = {
    engineExtension,
    get cacheState() {
      return cache.state
    },
    cacheIdle: () => cache.idle(),

    syncBatch(input) {
      if (!definitions.has(input.entity)) {
        return errAsync(
          new FinanceError(
            'Invalid',
            `unknown finance entity "${input.entity}" (known: ${ORDER.join(', ')})`,
          ),
        )
      }
      return logged(
        'sync',
        input,
        { tenant: input.tenant, entity: input.entity, records: input.records.length },
        () =>
          apply(input.tenant, input.entity, input.records, false)
            .andThen((applied) =>
              replay(
                input.tenant,
                applied.present.map((id) => ({ entity: input.entity, id })),
              ).map((replayed) => ({
                entity: input.entity,
                counts: countOutcomes(applied.outcomes),
                outcomes: applied.outcomes,
                replayed,
                replayedCounts: countOutcomes(replayed),
              })),
            )
            .mapErr(storeFailed),
        (r) => ({ counts: r.counts, replayed: r.replayedCounts }),
      )
    },

    replayParked(tenant, context = {}) {
      return logged(
        'replay',
        context,
        { tenant },
        () => replayEverything(tenant).mapErr(storeFailed),
        (o) => ({ replayed: countOutcomes(o) }),
      )
    },

    statements(request) {
      return cachedRead(request, 'statement', (tenant, query) => finance.statements(tenant, query)).map(
        ({ value, cache }): StatementResponse => ({ statements: value, cache }),
      )
    },

    statementSummaries(request) {
      return cachedRead(request, 'summary', (tenant, query) => finance.statementSummaries(tenant, query)).map(
        ({ value, cache }): SummaryResponse => ({ summaries: value, cache }),
      )
    },

    invoiceStates(tenant, invoiceIds, opts = {}) {
      const asOf = opts.asOf ?? today()
      if (!isoDate.safeParse(asOf).success) {
        return errAsync(
          new FinanceError(
            'Invalid',
            `asOf: expected a calendar date YYYY-MM-DD (received ${JSON.stringify(asOf)})`,
          ),
        )
      }
      return finance
        .invoiceBalances(tenant, invoiceIds)
        .map((balances) => new Map([...balances].map(([id, b]) => [id, invoiceState(b, asOf)])))
        .mapErr(storeFailed)
    },

    assertStudentsDeletable(tenant, studentIds) {
      return finance
        .studentsWithInvoices(tenant, studentIds)
        .mapErr(storeFailed)
        .andThen((found) => {
          if (found.size === 0) return okAsync(undefined)
          const names = [...found].sort().map((id) => JSON.stringify(id))
          return errAsync(
            new FinanceError(
              'StudentHasInvoices',
              `cannot hard-delete student${names.length > 1 ? 's' : ''} ${names.join(', ')}: invoices reference them and statements must stay reproducible; mark them inactive (soft delete) instead`,
            ),
          )
        })
    },

    runMonthlyAccruals(input) {
      if (!/^\d{4}-\d{2}-01$/.test(input.month) || !isoDate.safeParse(input.month).success) {
        return errAsync(
          new FinanceError(
            'Invalid',
            `month: expected the first day of a month YYYY-MM-01 (received ${JSON.stringify(input.month)})`,
          ),
        )
      }
      return logged(
        'accruals',
        input,
        { tenant: input.tenant, month: input.month, contracts: input.contracts.length },
        () => {
          const due = []
          for (const contract of input.contracts) {
            const split = monthlyAccruals(contract)
            if (split.isErr()) return errAsync(split.error)
            due.push(...split.value.filter((a) => a.month === input.month))
          }
          return finance.recordAccruals(input.tenant, due).mapErr(storeFailed)
        },
        (r) => ({ inserted: r.inserted.length, existing: r.existing.length }),
      )
    },
  }
  return api
}

/** Scopes whose last seen version is kept (oldest forgotten first): a forgotten one is guessed 0. */
const SEEN_VERSIONS_MAX = 10_000
const versionMemoKey = (tenant: TenantId, scope: StatementScope) =>
  `${tenant}\u0000${scope.kind}\u0000${scope.id}`

const round = (ms: number) => Math.round(ms * 1000) / 1000

// Names every open invoice (up to ten) with what is still unpaid, so the refusal can be acted on.
function openInvoicesMessage(student: string, invoices: readonly InvoiceBalance[]): string {
  const shown = invoices
    .slice(0, 10)
    .map(
      (i) =>
        `${i.number} (id ${i.id}: ${formatMoney(i.totalMinor - i.paidMinor, i.currency)} of ${formatMoney(i.totalMinor, i.currency)} unpaid)`,
    )
  const more = invoices.length > shown.length ? ` and ${invoices.length - shown.length} more` : ''
  const s = invoices.length === 1 ? '' : 's'
  return `student ${student} has ${invoices.length} open invoice${s}: ${shown.join(', ')}${more}; record their payments (or lower the total${s} to what was paid) before deleting the student; a student whose invoices are all paid may be deleted (the tombstone keeps its data for statements)`
}
