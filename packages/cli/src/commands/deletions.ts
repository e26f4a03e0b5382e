import type { DeleteResult, QuarantinedDeletion, QuarantineStatus } from '@edusync/core'
import type { CliContext } from '../context.ts'
import type { Io } from '../output.ts'
import { EXIT, json, table } from '../output.ts'

const STATUSES: readonly QuarantineStatus[] = ['pending', 'approved', 'discarded']

/** `edusync deletions list`: deletion waves the mass-deletion guard held, oldest first. */
export async function deletionsListCommand(
  ctx: CliContext,
  io: Io,
  options: { status?: string; limit: number },
  asJson: boolean,
): Promise<number> {
  if (options.status !== undefined && !STATUSES.includes(options.status as QuarantineStatus)) {
    io.err(
      `edusync deletions list: --status must be one of ${STATUSES.join(', ')} (received "${options.status}")`,
    )
    return EXIT.usage
  }
  const waves = await ctx.store.listQuarantine(ctx.config.tenant, {
    ...(options.status ? { status: options.status as QuarantineStatus } : {}),
    limit: options.limit,
  })
  if (waves.isErr()) {
    io.err(`edusync deletions list: ${waves.error.reason}: ${waves.error.message}`)
    return EXIT.failures
  }
  if (asJson) io.out(json(waves.value))
  else if (waves.value.length === 0) io.out('no quarantined deletions')
  else
    io.out(
      table(
        waves.value.map((w: QuarantinedDeletion) => [
          w.id,
          w.status,
          w.entity,
          String(w.planned.length),
          w.createdAt.toISOString(),
          w.guardReason,
        ]),
        ['id', 'status', 'entity', 'records', 'held at', 'why'],
      ),
    )
  return EXIT.ok
}

/**
 * `edusync deletions approve <id>` / `discard <id>`: applies a held wave (re-planned against the data as
 * it is now) or drops it. Either works once; a wave that is not pending is exit 1, saying its status.
 */
export async function deletionsResolveCommand(
  ctx: CliContext,
  io: Io,
  action: 'approve' | 'discard',
  id: string,
  asJson: boolean,
): Promise<number> {
  const tenant = ctx.config.tenant
  if (action === 'discard') {
    const discarded = await ctx.engine.discardDeletions(tenant, id)
    if (discarded.isErr()) {
      io.err(`edusync deletions discard: ${discarded.error.reason}: ${discarded.error.message}`)
      return EXIT.failures
    }
    io.out(asJson ? json(discarded.value) : `discarded ${id}: nothing was deleted`)
    return EXIT.ok
  }
  const approved = await ctx.engine.approveDeletions(tenant, id)
  if (approved.isErr()) {
    io.err(`edusync deletions approve: ${approved.error.reason}: ${approved.error.message}`)
    return EXIT.failures
  }
  io.out(asJson ? json(summary(approved.value)) : `approved ${id}: ${describe(approved.value)}`)
  return EXIT.ok
}

/** `edusync delete <entity> <ids...> --reason <why>`: the explicit delete input, through the guard. */
export async function deleteCommand(
  ctx: CliContext,
  io: Io,
  entity: string,
  ids: readonly string[],
  options: { reason: string; source: string },
  asJson: boolean,
): Promise<number> {
  if (!ctx.engine.entities.has(entity)) {
    io.err(
      `edusync delete: unknown entity "${entity}" (known: ${[...ctx.engine.entities.keys()].join(', ')})`,
    )
    return EXIT.usage
  }
  const result = await ctx.engine.deleteBatch({
    tenant: ctx.config.tenant,
    entity,
    ids,
    source: options.source,
    reason: options.reason,
  })
  if (result.isErr()) {
    io.err(`edusync delete: ${result.error.reason}: ${result.error.message}`)
    return EXIT.failures
  }
  const value = result.value
  if (asJson) io.out(json(summary(value)))
  else {
    io.out(describe(value))
    for (const o of value.outcomes) if (o.status === 'INVALID') io.out(`  ${o.id ?? '?'}: ${o.message}`)
    if (value.quarantine) {
      io.out(`  held: ${value.quarantine.guardReason}`)
      io.out(`  approve with: edusync deletions approve ${value.quarantine.id}`)
    }
  }
  // A refusal or a quarantine is recorded, not done: a script should notice.
  return value.counts.invalid > 0 || value.quarantine ? EXIT.failures : EXIT.ok
}

function summary(result: DeleteResult) {
  return {
    entity: result.entity,
    counts: result.counts,
    outcomes: result.outcomes,
    cascaded: result.cascaded,
    orphanedParked: result.orphanedParked,
    quarantine: result.quarantine,
  }
}

function describe(result: DeleteResult): string {
  const c = result.counts
  const parts = [`${c.deleted} deleted`, `${c.unchanged} unchanged`]
  if (result.cascaded.length > 0) parts.push(`${result.cascaded.length} taken along (cascade or orphaned)`)
  if (c.invalid > 0) parts.push(`${c.invalid} refused`)
  if (c.quarantined > 0) parts.push(`${c.quarantined} quarantined`)
  return `${result.entity}: ${parts.join(', ')}`
}
