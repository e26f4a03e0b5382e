import type { QuickBooksError } from '@edusync/quickbooks'
import { analyzeCustomers, customerStatus, previewCustomers, retryFailedCustomers } from '@edusync/quickbooks'
import type { CliContext } from '../context.ts'
import type { Io } from '../output.ts'
import { EXIT, json, table } from '../output.ts'
import { progressReporter } from '../progress.ts'
import type { QuickBooksSide } from '../quickbooks.ts'

/** Which records a customers command works on. */
export type SubjectKind = 'applicant' | 'student'

/** Options of `edusync customers sync`. */
export interface CustomersSyncOptions {
  readonly kind?: SubjectKind
  readonly batchSize?: number
  readonly resume?: string
}

/** What a QuickBooks command says when no company is configured. */
export const QUICKBOOKS_NOT_CONFIGURED =
  'QuickBooks is not configured: set QUICKBOOKS_REALM_ID, QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET (and QUICKBOOKS_REFRESH_TOKEN to seed the tokens), or store a connection with `edusync connections set quickbooks` and set EDUSYNC_CONFIG_KEYS'

const kindsOf = (kind: SubjectKind | undefined): ReadonlySet<SubjectKind> =>
  new Set<SubjectKind>(kind ? [kind] : ['applicant', 'student'])

/** The QuickBooks side, ready (tokens seeded), or the exit code after saying what is wrong. */
async function prepared(ctx: CliContext, io: Io, command: string): Promise<QuickBooksSide | number> {
  if (!ctx.quickbooks) {
    io.err(`edusync customers ${command}: ${QUICKBOOKS_NOT_CONFIGURED}`)
    return EXIT.usage
  }
  try {
    const seeded = await ctx.quickbooks.ready()
    if (seeded === 'seeded') io.err('quickbooks: token store seeded from the configured refresh token')
  } catch (error) {
    return failed(io, command, error as QuickBooksError)
  }
  return ctx.quickbooks
}

function failed(io: Io, command: string, error: QuickBooksError | Error): number {
  const reason = 'reason' in error ? `${String(error.reason)}: ` : ''
  const hint =
    'reconsent' in error && error.reconsent
      ? ' (the refresh token is no longer valid: connect the company again and seed a new one)'
      : ''
  io.err(`edusync customers ${command}: ${reason}${error.message}${hint}`)
  return EXIT.failures
}

function skippedReporter(io: Io) {
  let count = 0
  return {
    onSkipped: (why: string) => {
      count++
      if (count <= 20) io.err(`skipped: ${why}`)
      else if (count === 21) io.err('skipped: (more left out of this list)')
    },
    get count() {
      return count
    },
  }
}

/** `edusync customers analyze`: counts per type and state with the synced share; reads only. */
export async function customersAnalyzeCommand(
  ctx: CliContext,
  io: Io,
  options: { kind?: SubjectKind },
  asJson: boolean,
): Promise<number> {
  const qb = await prepared(ctx, io, 'analyze')
  if (typeof qb === 'number') return qb
  const skipped = skippedReporter(io)
  const result = await safely(() =>
    analyzeCustomers(qb.subjects(kindsOf(options.kind), skipped.onSkipped), qb.context),
  )
  if (result instanceof Error) return failed(io, 'analyze', result)
  if (result.isErr()) return failed(io, 'analyze', result.error)
  const a = result.value
  if (asJson) io.out(json(a))
  else {
    const row = (name: string, c: typeof a.overall) => [
      name,
      String(c.total),
      String(c.notSynced),
      String(c.inProgress),
      String(c.synced),
      String(c.failed),
      `${c.progress.toFixed(1)} %`,
    ]
    io.out(
      table(
        [row('applicants', a.applicants), row('students', a.students), row('overall', a.overall)],
        ['', 'total', 'not synced', 'in progress', 'synced', 'failed', 'synced share'],
      ),
    )
  }
  return EXIT.ok
}

/** `edusync customers preview`: one page of the records a sync would push, with the exact plan. */
export async function customersPreviewCommand(
  ctx: CliContext,
  io: Io,
  options: { kind?: SubjectKind; limit: number; offset: number },
  asJson: boolean,
): Promise<number> {
  const qb = await prepared(ctx, io, 'preview')
  if (typeof qb === 'number') return qb
  const skipped = skippedReporter(io)
  const result = await safely(() =>
    previewCustomers(qb.subjects(kindsOf(options.kind), skipped.onSkipped), qb.context, {
      limit: options.limit,
      offset: options.offset,
    }),
  )
  if (result instanceof Error) return failed(io, 'preview', result)
  if (result.isErr()) return failed(io, 'preview', result.error)
  const p = result.value
  if (asJson) {
    io.out(json(p))
    return EXIT.ok
  }
  if (p.items.length === 0) {
    io.out(p.total === 0 ? 'nothing to push: QuickBooks agrees' : `no records at offset ${p.offset}`)
    return EXIT.ok
  }
  for (const item of p.items) {
    io.out(
      `${item.action.padEnd(6)} ${item.kind}/${item.id}  "${item.displayName}"${item.customerId ? ` (customer ${item.customerId})` : ''}${item.lastError ? `  last error: ${item.lastError}` : ''}`,
    )
    for (const [field, change] of Object.entries(item.changes)) {
      io.out(`         ${field}: ${show(change.from)} -> ${show(change.to)}`)
    }
  }
  io.out(`\n${p.offset + 1}-${p.offset + p.items.length} of ${p.total} records that need a push`)
  return EXIT.ok
}

/**
 * `edusync customers sync`: the `quickbooks:customers` step through the step runner, so the push is a
 * recorded run: Ctrl-C stops between chunks and records it interrupted, `--resume ID` carries on.
 * Exit 1 when the run did not complete or records failed (their errors: `customers status`).
 */
export async function customersSyncCommand(
  ctx: CliContext,
  io: Io,
  options: CustomersSyncOptions,
  asJson: boolean,
  signal: AbortSignal,
): Promise<number> {
  if (!ctx.quickbooks) {
    io.err(`edusync customers sync: ${QUICKBOOKS_NOT_CONFIGURED}`)
    return EXIT.usage
  }
  const progress = progressReporter(io)
  const common = { signal, onEvent: progress.onEvent, metadata: { via: 'cli customers sync' } }
  const result = options.resume
    ? await ctx.runner.resume(ctx.config.tenant, options.resume, common)
    : await ctx.runner.run(ctx.config.tenant, {
        only: ['quickbooks:customers'],
        options: {
          ...(options.kind ? { kinds: [options.kind] } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        },
        ...common,
      })
  progress.stop()
  if (result.isErr()) {
    io.err(`edusync customers sync: ${result.error.reason}: ${result.error.message}`)
    return result.error.reason === 'NotResumable' ? EXIT.usage : EXIT.failures
  }
  const report = result.value
  const step = report.steps.find((s) => s.step === 'quickbooks:customers')
  const details = (step?.details ?? {}) as Record<string, unknown>
  const failedRecords = typeof details.failed === 'number' ? details.failed : 0
  if (asJson) io.out(json({ runId: report.runId, status: report.status, ...details, error: step?.error }))
  else {
    const n = (key: string) => String(details[key] ?? 0)
    if (step?.status === 'completed') {
      io.out(
        `${n('seen')} records: ${n('created')} created, ${n('updated')} updated, ${n('linked')} linked, ${n('unchanged')} unchanged, ${n('skipped')} not due, ${n('failed')} failed (${n('batchCalls')} batch calls)`,
      )
    }
    const failures = Array.isArray(details.failures)
      ? (details.failures as { kind: string; id: string; error: string }[])
      : []
    for (const f of failures) io.out(`  failed ${f.kind}/${f.id}: ${f.error}`)
    io.out(`run ${report.runId}: ${report.status}${step?.error ? `: ${step.error}` : ''}`)
    if (report.status !== 'completed') io.out(`resume with: edusync customers sync --resume ${report.runId}`)
  }
  return report.status === 'completed' && failedRecords === 0 ? EXIT.ok : EXIT.failures
}

/** `edusync customers status`: ledger counts, failures with their errors, and asked-for records. */
export async function customersStatusCommand(
  ctx: CliContext,
  io: Io,
  options: { kind?: SubjectKind; ids?: string[] },
  asJson: boolean,
): Promise<number> {
  if (!ctx.quickbooks) {
    io.err(`edusync customers status: ${QUICKBOOKS_NOT_CONFIGURED}`)
    return EXIT.usage
  }
  if (options.ids && !options.kind) {
    io.err('edusync customers status: --ids needs --kind applicant|student')
    return EXIT.usage
  }
  const result = await customerStatus(ctx.quickbooks.context, {
    ...(options.ids && options.kind ? { records: { kind: options.kind, ids: options.ids } } : {}),
  })
  if (result.isErr()) return failed(io, 'status', result.error)
  const s = result.value
  if (asJson) {
    io.out(
      json({ company: { realmId: ctx.quickbooks.setup.realmId, source: ctx.quickbooks.setup.source }, ...s }),
    )
    return EXIT.ok
  }
  const statuses = ['pending', 'in_progress', 'synced', 'failed'] as const
  io.out(
    table(
      (['applicant', 'student'] as const).map((k) => [
        k,
        ...statuses.map((st) => String(s.counts[k]?.[st] ?? 0)),
      ]),
      ['', ...statuses],
    ),
  )
  for (const f of s.failures) {
    io.out(
      `failed ${f.kind}/${f.id} (attempt ${f.attempts}${f.nextAttemptAt ? `, next ${f.nextAttemptAt.toISOString()}` : ', parked'}): ${f.lastError ?? ''}`,
    )
  }
  for (const r of s.records) io.out(json(r))
  io.out(`QuickBooks company ${ctx.quickbooks.setup.realmId} (from the ${ctx.quickbooks.setup.source})`)
  return EXIT.ok
}

/** `edusync customers retry`: makes failed records (dead letters included) due again. */
export async function customersRetryCommand(
  ctx: CliContext,
  io: Io,
  options: { kind?: SubjectKind; ids?: string[] },
  asJson: boolean,
): Promise<number> {
  if (!ctx.quickbooks) {
    io.err(`edusync customers retry: ${QUICKBOOKS_NOT_CONFIGURED}`)
    return EXIT.usage
  }
  if ((options.ids === undefined) !== (options.kind === undefined)) {
    io.err('edusync customers retry: give --kind and --ids together, or neither')
    return EXIT.usage
  }
  const only = options.kind && options.ids ? { kind: options.kind, ids: options.ids } : undefined
  const result = await retryFailedCustomers(ctx.quickbooks.context, only)
  if (result.isErr()) return failed(io, 'retry', result.error)
  if (asJson) io.out(json({ reset: result.value }))
  else io.out(`${result.value} failed records are due again: run edusync customers sync`)
  return EXIT.ok
}

/** Awaits an operation whose subject source may throw (a Store failure, an unreadable subjects file). */
async function safely<T>(fn: () => PromiseLike<T>): Promise<T | Error> {
  try {
    return await fn()
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}

function show(value: unknown): string {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value)
}
