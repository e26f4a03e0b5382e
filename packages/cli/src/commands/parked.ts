import type { CliContext } from '../context.ts'
import type { Io } from '../output.ts'
import { EXIT, json, table } from '../output.ts'

/** `edusync parked list`: records waiting for a parent, with what each waits for. */
export async function parkedListCommand(
  ctx: CliContext,
  io: Io,
  options: { entity?: string; limit: number },
  asJson: boolean,
): Promise<number> {
  const parked = await ctx.store.listParked(ctx.config.tenant, {
    ...(options.entity ? { entity: options.entity } : {}),
    limit: options.limit,
  })
  if (parked.isErr()) {
    io.err(`edusync parked list: ${parked.error.reason}: ${parked.error.message}`)
    return EXIT.failures
  }
  if (asJson) io.out(json(parked.value))
  else if (parked.value.length === 0) io.out('nothing is parked')
  else
    io.out(
      table(
        parked.value.map((p) => [
          p.entity,
          p.id,
          p.waitingFor.map((w) => `${w.entity}:${w.id}`).join(', '),
          p.parkedAt.toISOString(),
        ]),
        ['entity', 'id', 'waiting for', 'parked at'],
      ),
    )
  return EXIT.ok
}

/** `edusync parked replay`: replays parked records whose references now exist. */
export async function parkedReplayCommand(
  ctx: CliContext,
  io: Io,
  options: { entity?: string },
  asJson: boolean,
): Promise<number> {
  const replayed = await ctx.engine.replayParked(
    ctx.config.tenant,
    options.entity ? { entity: options.entity } : {},
  )
  if (replayed.isErr()) {
    io.err(`edusync parked replay: ${replayed.error.reason}: ${replayed.error.message}`)
    return EXIT.failures
  }
  const byStatus: Record<string, number> = {}
  for (const outcome of replayed.value) byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1
  if (asJson) io.out(json({ replayed: replayed.value.length, byStatus }))
  else
    io.out(
      replayed.value.length === 0
        ? 'nothing to replay (no parked record has all its parents yet)'
        : `replayed ${replayed.value.length}: ${Object.entries(byStatus)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ')}`,
    )
  return EXIT.ok
}
