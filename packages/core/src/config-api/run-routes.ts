import type { ConfigKind } from '../registry/registry.ts'
import { configKinds } from '../registry/registry.ts'
import type { SyncRunStatus } from '../store/store.ts'
import { jsonResponse } from '../webhooks/responses.ts'
import type { RouteGroup } from './config-api.ts'
import { problem, storeProblem } from './http.ts'
import { requireTenant } from './tenant-routes.ts'

const RUN_STATUSES: readonly SyncRunStatus[] = ['pending', 'running', 'completed', 'failed']

function limitOf(url: URL): number | undefined {
  const raw = url.searchParams.get('limit')
  if (raw === null) return 100
  const n = Number(raw)
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : undefined
}

/**
 * `GET /tenants/:t/runs?status=&step=&limit=`, `GET /tenants/:t/runs/:id`,
 * `POST /tenants/:t/runs/:id/retry` (resumes a failed steps run), `GET /tenants/:t/audit?kind=&limit=`.
 */
export const runRoutes: RouteGroup = async (ctx) => {
  const { segments, request, options, url } = ctx
  if (segments[0] !== 'tenants' || (segments[2] !== 'runs' && segments[2] !== 'audit')) return undefined
  const tenant = await requireTenant(ctx, segments[1] as string)
  if (tenant instanceof Response) return tenant
  const slug = tenant.tenant
  const limit = limitOf(url)
  if (limit === undefined) return problem(400, 'BadRequest', 'limit must be an integer 1-1000')

  if (segments[2] === 'audit') {
    if (segments.length !== 3 || request.method !== 'GET') return undefined
    const kind = url.searchParams.get('kind') ?? undefined
    if (kind !== undefined && kind !== 'tenant' && !configKinds.includes(kind as ConfigKind)) {
      return problem(400, 'BadRequest', `kind must be tenant or one of ${configKinds.join(', ')}`)
    }
    const entries = await options.registry.listAudit(slug, {
      limit,
      ...(kind ? { kind: kind as ConfigKind } : {}),
    })
    if (entries.isErr()) return storeProblem(entries.error)
    return jsonResponse(200, { audit: entries.value.map((e) => ({ ...e, at: e.at.toISOString() })) })
  }

  if (segments.length === 3 && request.method === 'GET') {
    const status = url.searchParams.get('status') ?? undefined
    if (status !== undefined && !RUN_STATUSES.includes(status as SyncRunStatus)) {
      return problem(400, 'BadRequest', `status must be one of ${RUN_STATUSES.join(', ')}`)
    }
    const step = url.searchParams.get('step') ?? undefined
    const runs = await options.store.listRuns(slug, {
      limit,
      ...(status ? { status: status as SyncRunStatus } : {}),
      ...(step ? { step } : {}),
    })
    return runs.isErr() ? storeProblem(runs.error) : jsonResponse(200, { runs: runs.value })
  }
  const runId = segments[3]
  if (runId === undefined) return undefined
  if (segments.length === 4 && request.method === 'GET') {
    const run = await options.store.getRun(slug, runId)
    if (run.isErr()) return storeProblem(run.error)
    return run.value ? jsonResponse(200, run.value) : problem(404, 'NotFound', `no run ${runId}`)
  }
  if (segments.length === 5 && segments[4] === 'retry' && request.method === 'POST') {
    const runner = options.runner?.(slug)
    if (!runner) return problem(501, 'NotImplemented', 'this host cannot retry runs')
    // A run already retried is not retried again: a double click must not run the steps twice.
    const previous = await options.store.getRun(slug, runId)
    if (previous.isErr()) return storeProblem(previous.error)
    const resumedBy = previous.value?.metadata.resumedBy
    if (typeof resumedBy === 'string') {
      return problem(409, 'NotResumable', `run ${runId} was already retried as run ${resumedBy}`)
    }
    const report = await runner.resume(slug, runId, { metadata: { retriedBy: ctx.actor } })
    if (report.isErr()) {
      const status =
        report.error.reason === 'NotResumable' ? 409 : report.error.reason === 'Store' ? 503 : 400
      return problem(status, report.error.reason, report.error.message)
    }
    return jsonResponse(200, report.value)
  }
  return undefined
}
