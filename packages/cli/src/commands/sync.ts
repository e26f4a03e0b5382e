import type { StepsReport } from '@edusync/core/steps'
import type { CliContext } from '../context.ts'
import type { Io } from '../output.ts'
import { EXIT, json, table } from '../output.ts'
import { progressReporter } from '../progress.ts'

/** Options of `edusync sync`. */
export interface SyncOptions {
  readonly fromStep?: string
  readonly only?: readonly string[]
  readonly start?: string
  readonly end?: string
  readonly year?: number
  readonly full?: boolean
  /** Step options as `key=value` (JSON values accepted: numbers, arrays). */
  readonly option?: readonly string[]
  readonly dryRun?: boolean
  readonly continueOnError?: boolean
  readonly resume?: string
}

/**
 * `edusync sync`: runs the steps (all ordered ones, `--from-step S` onward, or `--only S`), month by month
 * over the range, recording every run. `--dry-run` prints the plan and runs nothing. `--resume ID` takes a
 * failed or interrupted run up again from the step that did not finish.
 */
export async function syncCommand(
  ctx: CliContext,
  io: Io,
  options: SyncOptions,
  asJson: boolean,
  signal: AbortSignal,
): Promise<number> {
  const selection = { from: options.fromStep, only: options.only }
  const range = { start: options.start, end: options.end, year: options.year }
  if (options.dryRun) {
    const plan = ctx.runner.plan(selection)
    if (plan.isErr()) return usage(io, plan.error.message)
    const { monthRange } = await import('@edusync/core/steps')
    const months = monthRange(range, () => new Date())
    if (months.isErr()) return usage(io, months.error.message)
    const steps = plan.value.map((s) => s.name)
    if (asJson)
      io.out(
        json({
          dryRun: true,
          steps,
          range: { start: months.value.start, end: months.value.end },
          months: months.value.months,
        }),
      )
    else {
      io.out(`would run, in order: ${steps.join(' -> ')}`)
      io.out(
        `months: ${months.value.months.map((m) => m.start.slice(0, 7)).join(', ')} (end ${months.value.end} exclusive)`,
      )
    }
    return EXIT.ok
  }
  const stepOptions: Record<string, unknown> = options.full ? { full: true } : {}
  for (const pair of options.option ?? []) {
    const at = pair.indexOf('=')
    if (at <= 0) return usage(io, `--option: expected key=value (received ${JSON.stringify(pair)})`)
    const text = pair.slice(at + 1)
    let value: unknown = text
    try {
      value = JSON.parse(text)
    } catch {
      // Not JSON: the text itself (e.g. kinds=student).
    }
    stepOptions[pair.slice(0, at)] = value
  }
  const progress = progressReporter(io)
  const common = { signal, onEvent: progress.onEvent, continueOnError: options.continueOnError ?? false }
  const result = options.resume
    ? await ctx.runner.resume(ctx.config.tenant, options.resume, common)
    : await ctx.runner.run(ctx.config.tenant, {
        ...selection,
        range,
        options: stepOptions,
        ...common,
        metadata: { via: 'cli' },
      })
  progress.stop()
  if (result.isErr()) {
    const bad = ['UnknownStep', 'InvalidRange', 'NotResumable'].includes(result.error.reason)
    if (bad) return usage(io, result.error.message)
    io.err(`edusync sync: ${result.error.reason}: ${result.error.message}`)
    return EXIT.failures
  }
  printReport(io, result.value, asJson)
  return result.value.status === 'completed' ? EXIT.ok : EXIT.failures
}

function usage(io: Io, message: string): number {
  io.err(`edusync sync: ${message}`)
  return EXIT.usage
}

function printReport(io: Io, report: StepsReport, asJson: boolean) {
  if (asJson) {
    io.out(json(report))
    return
  }
  io.out(
    table(
      report.steps.map((s) => [
        s.step,
        s.status,
        String(s.counts?.total ?? '-'),
        String(s.counts?.new ?? '-'),
        String(s.counts?.updated ?? '-'),
        String(s.counts?.invalid ?? '-'),
        String(s.counts?.deferred ?? '-'),
        s.error ?? '',
      ]),
      ['step', 'status', 'total', 'new', 'updated', 'invalid', 'deferred', 'error'],
    ),
  )
  const c = report.counts
  io.out(
    `\nrun ${report.runId}: ${report.status} (${c.total} records, ${c.new} new, ${c.updated} updated, ${c.invalid} invalid)`,
  )
  if (report.status !== 'completed') io.out(`resume with: edusync sync --resume ${report.runId}`)
}
