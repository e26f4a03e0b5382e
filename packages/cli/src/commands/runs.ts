import type { SyncRun, SyncRunStatus } from '@edusync/core'
import type { CliContext } from '../context.ts'
import type { Io } from '../output.ts'
import { duration, EXIT, json, table } from '../output.ts'

const STATUSES: readonly SyncRunStatus[] = ['pending', 'running', 'completed', 'failed']

/** `edusync runs list`: recent runs, newest first. */
export async function runsListCommand(
  ctx: CliContext,
  io: Io,
  options: { step?: string; status?: string; limit: number },
  asJson: boolean,
): Promise<number> {
  if (options.status !== undefined && !STATUSES.includes(options.status as SyncRunStatus)) {
    io.err(
      `edusync runs list: --status: expected one of ${STATUSES.join(', ')} (received "${options.status}")`,
    )
    return EXIT.usage
  }
  const runs = await ctx.store.listRuns(ctx.config.tenant, {
    ...(options.step ? { step: options.step } : {}),
    ...(options.status ? { status: options.status as SyncRunStatus } : {}),
    limit: options.limit,
  })
  if (runs.isErr()) {
    io.err(`edusync runs list: ${runs.error.reason}: ${runs.error.message}`)
    return EXIT.failures
  }
  if (asJson) io.out(json(runs.value))
  else if (runs.value.length === 0) io.out('no runs recorded')
  else
    io.out(
      table(
        runs.value.map((r) => [
          r.id,
          r.step,
          r.status,
          r.createdAt.toISOString(),
          duration(r.startedAt, r.finishedAt),
          String(r.counts.total),
          r.error ?? '',
        ]),
        ['id', 'step', 'status', 'created', 'took', 'records', 'error'],
      ),
    )
  return EXIT.ok
}

/** `edusync runs show ID`: one run with its counts, parameters and error; a steps run lists its steps. */
export async function runsShowCommand(ctx: CliContext, io: Io, id: string, asJson: boolean): Promise<number> {
  const run = await ctx.store.getRun(ctx.config.tenant, id)
  if (run.isErr()) {
    io.err(`edusync runs show: ${run.error.reason}: ${run.error.message}`)
    return EXIT.failures
  }
  if (!run.value) {
    io.err(`edusync runs show: no run "${id}" in tenant "${ctx.config.tenant}"`)
    return EXIT.usage
  }
  if (asJson) io.out(json(run.value))
  else io.out(describe(run.value))
  return EXIT.ok
}

function describe(run: SyncRun): string {
  const c = run.counts
  return [
    `run       ${run.id}`,
    `step      ${run.step}`,
    `status    ${run.status}${run.metadata.interrupted ? ' (interrupted)' : ''}`,
    `created   ${run.createdAt.toISOString()}`,
    `took      ${duration(run.startedAt, run.finishedAt)}`,
    `records   ${c.total} (${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.invalid} invalid, ${c.deferred} deferred, ${c.error} error)`,
    ...(run.error ? [`error     ${run.error}`] : []),
    `metadata  ${JSON.stringify(run.metadata)}`,
  ].join('\n')
}
