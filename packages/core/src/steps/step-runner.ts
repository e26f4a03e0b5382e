import type { Result } from 'neverthrow'
import { err, errAsync, ok, okAsync, ResultAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import type { OutcomeCounts, Store, SyncRun } from '../store/store.ts'
import { addCounts, emptyCounts } from '../sync/outcome.ts'
import type { TenantId } from '../types/primitives.ts'
import type { MonthRange, MonthRangeInput } from './month-range.ts'
import { monthRange } from './month-range.ts'
import type { Step, StepProgress, StepSummary } from './step.ts'
import { StepError } from './step-error.ts'

/** The step name of the parent run that records one execution of several steps. */
export const STEPS_RUN = 'steps'

/** Which steps to run: every ordered step (neither), from one onward, or exactly some. */
export interface StepSelection {
  /**
   * Run this step and every ordered step after it. A `separate` step named here runs alone (seed 004:
   * `--from-step accruals` only performs accruals).
   */
  readonly from?: string | undefined
  /** Run exactly these steps, in the fixed order (separate steps included). Takes precedence over `from`. */
  readonly only?: readonly string[] | undefined
}

/** Options of {@link StepRunner.run}. */
export interface RunStepsOptions extends StepSelection {
  /** The months to process. @default the current year of the runner's clock */
  readonly range?: MonthRangeInput
  /** Step-specific options passed to every step (each reads the keys it knows). */
  readonly options?: Readonly<Record<string, unknown>>
  /** Go on with the next step when one fails (the failure is still recorded). @default false */
  readonly continueOnError?: boolean
  /** Interrupts between steps, and inside steps between batches (Ctrl-C). */
  readonly signal?: AbortSignal
  /** Listener for starts, progress and ends of steps (the CLI draws its progress bars from it). */
  readonly onEvent?: (event: StepEvent) => void
  /** Kept on the parent run (who asked, request id, ...). */
  readonly metadata?: Readonly<Record<string, unknown>>
}

/** What the runner tells its listener. */
export type StepEvent =
  | { readonly type: 'start'; readonly step: string; readonly index: number; readonly of: number }
  | ({ readonly type: 'progress'; readonly step: string } & StepProgress)
  | { readonly type: 'end'; readonly outcome: StepOutcome }

/** How one step ended. `skipped` steps were planned but not run (an earlier one failed or interrupted). */
export interface StepOutcome {
  readonly step: string
  readonly status: 'completed' | 'failed' | 'interrupted' | 'skipped'
  /** The step's own run; absent for skipped steps. */
  readonly runId?: string | undefined
  readonly counts?: OutcomeCounts | undefined
  readonly error?: string | undefined
  readonly details?: Readonly<Record<string, unknown>> | undefined
}

/** The result of one execution: the parent run, its status, and every planned step's outcome in order. */
export interface StepsReport {
  readonly runId: string
  readonly status: 'completed' | 'failed' | 'interrupted'
  readonly range: { readonly start: string; readonly end: string }
  readonly steps: readonly StepOutcome[]
  /** Sum of the steps' counts. */
  readonly counts: OutcomeCounts
}

/** Runs registered steps in their fixed order and records every execution as runs in the Store. */
export interface StepRunner {
  /** The registered steps, in execution order. */
  readonly steps: readonly Step[]
  /** The steps a selection would run, in order, or why the selection is wrong. */
  plan(selection?: StepSelection): Result<readonly Step[], StepError>
  /**
   * Runs the selected steps for a tenant. Records a parent run (step {@link STEPS_RUN}) and one run per
   * step (`pending -> running -> completed | failed`, counts, error, parameters). A failing step stops the
   * run unless `continueOnError`; an interrupted run stops between batches. Either way the report says so
   * and {@link StepRunner.resume} takes it up again from the step that did not finish.
   */
  run(tenant: TenantId, options?: RunStepsOptions): ResultAsync<StepsReport, StepError>
  /**
   * Resumes a failed or interrupted steps run: runs the steps of its plan that did not complete, with its
   * range and options, as a new parent run that names the old one (`metadata.resumedFrom`).
   */
  resume(
    tenant: TenantId,
    runId: string,
    options?: Pick<RunStepsOptions, 'continueOnError' | 'signal' | 'onEvent' | 'metadata'>,
  ): ResultAsync<StepsReport, StepError>
}

/** Options of {@link createStepRunner}. */
export interface StepRunnerOptions {
  /** Where runs are recorded. */
  readonly store: Store
  /** The steps, in their fixed execution order. */
  readonly steps: readonly Step[]
  /** Today's date for the default year. @default () => new Date() */
  readonly now?: () => Date
}

/** Parent-run metadata the runner writes and reads back to resume. */
interface StepsRunMetadata {
  readonly plan: readonly string[]
  readonly range: { readonly start: string; readonly end: string }
  readonly options: Readonly<Record<string, unknown>>
  readonly completed: readonly string[]
}

const storeFailed = (runId?: string) => (error: StoreError) =>
  new StepError('Store', `recording the run failed: ${error.message}`, { cause: error, runId })

/**
 * Creates a step runner over a fixed, ordered list of steps.
 *
 * @example
 * ```ts
 * const runner = createStepRunner({ store, steps: [...zohoPullSteps({ ... }), parkedReplayStep(engine)] })
 * const report = await runner.run('acme', { from: 'zoho:registration', range: { start: '2024-03-01', end: '2024-07-01' } })
 * ```
 */
export function createStepRunner(options: StepRunnerOptions): StepRunner {
  const { store, steps } = options
  const now = options.now ?? (() => new Date())
  const byName = new Map<string, Step>()
  for (const step of steps) {
    if (byName.has(step.name)) throw new TypeError(`step "${step.name}" is registered twice`)
    byName.set(step.name, step)
  }
  const known = () => steps.map((s) => s.name).join(', ')
  const unknown = (name: string) =>
    new StepError('UnknownStep', `unknown step "${name}" (known, in order: ${known()})`)

  function plan(selection: StepSelection = {}): Result<readonly Step[], StepError> {
    if (selection.only !== undefined) {
      for (const name of selection.only) if (!byName.has(name)) return err(unknown(name))
      const wanted = new Set(selection.only)
      return ok(steps.filter((s) => wanted.has(s.name)))
    }
    if (selection.from !== undefined) {
      const start = byName.get(selection.from)
      if (!start) return err(unknown(selection.from))
      if (start.kind === 'separate') return ok([start])
      const index = steps.indexOf(start)
      return ok(steps.slice(index).filter((s) => s.kind !== 'separate'))
    }
    return ok(steps.filter((s) => s.kind !== 'separate'))
  }

  function execute(
    tenant: TenantId,
    planned: readonly Step[],
    range: MonthRange,
    run: RunStepsOptions,
    parentMetadata: Readonly<Record<string, unknown>>,
  ): ResultAsync<StepsReport, StepError> {
    const stepOptions = run.options ?? {}
    const signal = run.signal ?? new AbortController().signal
    const emit = run.onEvent ?? (() => {})
    const metadata: StepsRunMetadata = {
      plan: planned.map((s) => s.name),
      range: { start: range.start, end: range.end },
      options: stepOptions,
      completed: [],
    }
    return store
      .createRun(tenant, { step: STEPS_RUN, metadata: { ...parentMetadata, ...run.metadata, ...metadata } })
      .mapErr(storeFailed())
      .andThen((parent) =>
        store
          .updateRun(tenant, parent.id, { status: 'running' })
          .mapErr(storeFailed(parent.id))
          .andThen(() =>
            ResultAsync.fromSafePromise(
              runAll(tenant, parent.id, planned, range, stepOptions, signal, emit, run.continueOnError),
            ),
          )
          .andThen((walked) => (walked.isErr() ? errAsync(walked.error) : okAsync(walked.value)))
          .andThen((report) => {
            const failed = report.steps.filter((s) => s.status === 'failed' || s.status === 'interrupted')
            const error =
              report.status === 'interrupted'
                ? 'interrupted'
                : failed.length > 0
                  ? failed.map((s) => `${s.step}: ${s.error}`).join('; ')
                  : null
            return store
              .updateRun(tenant, parent.id, {
                status: report.status === 'completed' ? 'completed' : 'failed',
                addCounts: report.counts,
                error,
                metadata: {
                  completed: report.steps.filter((s) => s.status === 'completed').map((s) => s.step),
                  ...(report.status === 'interrupted' ? { interrupted: true } : {}),
                },
              })
              .mapErr(storeFailed(parent.id))
              .map(() => report)
          }),
      )
  }

  async function runAll(
    tenant: TenantId,
    parentId: string,
    planned: readonly Step[],
    range: MonthRange,
    stepOptions: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
    emit: (event: StepEvent) => void,
    continueOnError = false,
  ): Promise<Result<StepsReport, StepError>> {
    const outcomes: StepOutcome[] = []
    const counts = emptyCounts()
    let status: StepsReport['status'] = 'completed'
    for (const [index, step] of planned.entries()) {
      if (signal.aborted) status = 'interrupted'
      if (status === 'interrupted' || (status === 'failed' && !continueOnError)) {
        outcomes.push({ step: step.name, status: 'skipped' })
        continue
      }
      emit({ type: 'start', step: step.name, index, of: planned.length })
      const outcome = await runOne(tenant, parentId, step, range, stepOptions, signal, emit)
      if (outcome.isErr()) return err(outcome.error)
      outcomes.push(outcome.value)
      emit({ type: 'end', outcome: outcome.value })
      addCounts(counts, outcome.value.counts ?? {})
      if (outcome.value.status === 'interrupted') status = 'interrupted'
      else if (outcome.value.status === 'failed') status = 'failed'
    }
    return ok({
      runId: parentId,
      status,
      range: { start: range.start, end: range.end },
      steps: outcomes,
      counts,
    })
  }

  async function runOne(
    tenant: TenantId,
    parentId: string,
    step: Step,
    range: MonthRange,
    stepOptions: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
    emit: (event: StepEvent) => void,
  ): Promise<Result<StepOutcome, StepError>> {
    const created = await store.createRun(tenant, {
      step: step.name,
      metadata: {
        parentRunId: parentId,
        range: { start: range.start, end: range.end },
        options: stepOptions,
      },
    })
    if (created.isErr()) return err(storeFailed(parentId)(created.error))
    const runId = created.value.id
    const started = await store.updateRun(tenant, runId, { status: 'running' })
    if (started.isErr()) return err(storeFailed(parentId)(started.error))

    let result: Result<StepSummary, Error>
    try {
      result = await step.run({
        tenant,
        range,
        months: range.months,
        runId,
        options: stepOptions,
        signal,
        progress: (update) => emit({ type: 'progress', step: step.name, ...update }),
      })
    } catch (thrown) {
      // A step is user code: a throw is recorded like a returned error, never left as a `running` run.
      result = err(thrown instanceof Error ? thrown : new Error(String(thrown)))
    }
    const interrupted = result.isErr() && signal.aborted
    const finished: Result<SyncRun, StoreError> = await (result.isOk()
      ? store.updateRun(tenant, runId, {
          status: 'completed',
          ...(result.value.counts ? { addCounts: result.value.counts } : {}),
          ...(result.value.details ? { metadata: { details: result.value.details } } : {}),
        })
      : store.updateRun(tenant, runId, {
          status: 'failed',
          error: interrupted ? `interrupted: ${result.error.message}` : result.error.message,
          ...(interrupted ? { metadata: { interrupted: true } } : {}),
        }))
    if (finished.isErr()) return err(storeFailed(parentId)(finished.error))
    const run = finished.value
    return ok({
      step: step.name,
      status: result.isOk() ? 'completed' : interrupted ? 'interrupted' : 'failed',
      runId,
      counts: run.counts,
      ...(run.error ? { error: run.error } : {}),
      ...(result.isOk() && result.value.details ? { details: result.value.details } : {}),
    })
  }

  return {
    steps,
    plan,
    run(tenant, run = {}) {
      const planned = plan(run)
      if (planned.isErr()) return errAsync(planned.error)
      const range = monthRange(run.range ?? {}, now)
      if (range.isErr()) return errAsync(range.error)
      const selection = { from: run.from ?? null, only: run.only ?? null }
      return execute(tenant, planned.value, range.value, run, { selection })
    },
    resume(tenant, runId, run = {}) {
      return store
        .getRun(tenant, runId)
        .mapErr(storeFailed(runId))
        .andThen((previous) => {
          const notResumable = (why: string) =>
            errAsync(new StepError('NotResumable', `run ${runId} cannot be resumed: ${why}`, { runId }))
          if (!previous) return notResumable('no such run')
          if (previous.step !== STEPS_RUN)
            return notResumable(`it is a "${previous.step}" run, not a steps run`)
          if (previous.status !== 'failed') return notResumable(`its status is ${previous.status}`)
          const meta = previous.metadata as Partial<StepsRunMetadata>
          const done = new Set(meta.completed ?? [])
          const remaining = (meta.plan ?? []).filter((name) => !done.has(name))
          if (remaining.length === 0) return notResumable('every planned step completed')
          const missing = remaining.find((name) => !byName.has(name))
          if (missing) return errAsync(unknown(missing))
          if (!meta.range) return notResumable('it has no recorded range')
          const range = monthRange(meta.range, now)
          if (range.isErr()) return errAsync(range.error)
          const planned = steps.filter((s) => remaining.includes(s.name))
          return execute(
            tenant,
            planned,
            range.value,
            { ...run, options: meta.options ?? {} },
            { selection: { only: remaining }, resumedFrom: runId },
          ).andThen((report) =>
            store
              .updateRun(tenant, runId, { metadata: { resumedBy: report.runId } })
              .mapErr(storeFailed(report.runId))
              .map(() => report),
          )
        })
    },
  }
}
