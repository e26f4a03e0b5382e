import { randomUUID } from 'node:crypto'
import type { OutcomeCounts, Store } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { jsonbText } from '../jsonb-guard.ts'
import type { RunRow, runsSql } from '../sql/runs-sql.ts'
import { toSyncRun } from '../sql/runs-sql.ts'
import type { Op } from './op.ts'

type RunMethods = Pick<Store, 'createRun' | 'updateRun' | 'getRun' | 'listRuns'>

// In the order of the update statement's parameters $4 to $12.
const COUNT_KEYS = [
  'total',
  'new',
  'unchanged',
  'updated',
  'invalid',
  'deferred',
  'error',
  'deleted',
  'restored',
] as const

/** @internal The sync-run methods of the pg Store. */
export function runMethods(op: Op, runs: ReturnType<typeof runsSql>, maxJsonbDepth: number): RunMethods {
  return {
    createRun(tenant, run) {
      return op('createRun', async (x) => {
        const [row] = await x.query<RunRow>(runs.create, [
          tenant,
          randomUUID(),
          run.step,
          jsonbText(run.metadata ?? {}, 'createRun: metadata', maxJsonbDepth),
        ])
        if (!row) throw new StoreError('Corrupt', 'createRun: the insert returned no row')
        return toSyncRun(row)
      })
    },

    updateRun(tenant, runId, update) {
      return op('updateRun', async (x) => {
        const add: Partial<OutcomeCounts> = update.addCounts ?? {}
        const [row] = await x.query<RunRow>(runs.update, [
          tenant,
          runId,
          update.status ?? null,
          ...COUNT_KEYS.map((k) => add[k] ?? 0),
          update.error !== undefined,
          update.error ?? null,
          update.metadata ? jsonbText(update.metadata, 'updateRun: metadata', maxJsonbDepth) : null,
        ])
        if (!row) throw new StoreError('Invalid', `no sync run ${runId} in this tenant`)
        return toSyncRun(row)
      })
    },

    getRun(tenant, runId) {
      return op('getRun', async (x) => {
        const [row] = await x.query<RunRow>(runs.get, [tenant, runId])
        return row ? toSyncRun(row) : null
      })
    },

    listRuns(tenant, options = {}) {
      return op('listRuns', async (x) => {
        const rows = await x.query<RunRow>(runs.list, [
          tenant,
          options.step ?? null,
          options.status ?? null,
          options.limit ?? 100,
        ])
        return rows.map(toSyncRun)
      })
    },
  }
}
