/**
 * Benchmark suite `deletes`: deletes and complete pulls through the public engine API on a real
 * PostgreSQL server. Each rate sits next to a ceiling measured in the same run on the same tenant and
 * records, reported as `<row> share` (unit `ratio`): a delete against an update of the same records
 * (both rewrite the rows), a full pull against an incremental (unchanged) pass of the same stream.
 * Uses DATABASE_URL when set; otherwise starts its own throw-away server. Run: `pnpm bench deletes`.
 */
import type { Store } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import type { BenchRow } from '../../core/bench/bench-report.ts'
import { median, printTable, writeResults } from '../../core/bench/bench-report.ts'
import { createPgStore } from '../src/index.ts'
import { startPostgres } from '../test/pg-server.ts'
import { changed, programs, registration, students } from './workload.ts'

const N = Number(process.env.BENCH_DELETES_N ?? 20_000)
const BATCH = 2_000
const REPS = Number(process.env.BENCH_REPS ?? 3)

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return (performance.now() - started) / 1000
}

function must<T>(result: { isErr(): boolean; _unsafeUnwrap(): T; _unsafeUnwrapErr(): unknown }): T {
  if (result.isErr()) throw result._unsafeUnwrapErr()
  return result._unsafeUnwrap()
}

async function rep(store: Store, tenant: string) {
  const engine = createSyncEngine({ store, deletionGuard: false })
  // Parents in batches the engine accepts (25,000 students exceed one syncBatch's maxRecords).
  for (const [entity, records] of [
    ['program', programs()],
    ['student', students()],
  ] as const) {
    must(await engine.syncStream({ tenant, entity, records, batchSize: BATCH }))
  }
  const fresh = Array.from({ length: N }, (_, n) => registration(n))
  must(await engine.syncStream({ tenant, entity: 'registration', records: fresh, batchSize: BATCH }))

  // Ceiling: an incremental pass of the same records (all UNCHANGED).
  const incremental = await timed(async () =>
    must(await engine.syncStream({ tenant, entity: 'registration', records: fresh, batchSize: BATCH })),
  )
  // A complete pull missing 1%: the same pass plus listing live ids and deleting the absent ones.
  const present = fresh.filter((_, n) => n % 100 !== 0)
  const full = await timed(async () => {
    const r = must(
      await engine.syncFullPull({
        tenant,
        entity: 'registration',
        records: present,
        batchSize: BATCH,
        source: 'bench',
      }),
    )
    if (r.deletions?.counts.deleted !== N / 100)
      throw new Error(`full pull: ${JSON.stringify(r.deletions?.counts)}`)
  })

  // Ceiling: updating the records the deletes will tombstone (both rewrite the same rows).
  const ids = present.map((r) => r.id as string)
  const update = await timed(async () => {
    for (let i = 0; i < present.length; i += BATCH) {
      const r = must(
        await engine.syncBatch({
          tenant,
          entity: 'registration',
          records: present.slice(i, i + BATCH).map(changed),
        }),
      )
      if (r.counts.updated !== Math.min(BATCH, present.length - i)) throw new Error('update pass')
    }
  })
  const deletes = await timed(async () => {
    for (let i = 0; i < ids.length; i += BATCH) {
      const r = must(
        await engine.deleteBatch({
          tenant,
          entity: 'registration',
          ids: ids.slice(i, i + BATCH),
          source: 'bench',
          reason: 'bench',
        }),
      )
      if (r.counts.deleted !== Math.min(BATCH, ids.length - i)) throw new Error('delete pass')
    }
  })
  const restore = await timed(async () => {
    for (let i = 0; i < present.length; i += BATCH) {
      const r = must(
        await engine.syncBatch({ tenant, entity: 'registration', records: present.slice(i, i + BATCH) }),
      )
      if (r.counts.restored !== Math.min(BATCH, present.length - i)) throw new Error('restore pass')
    }
  })
  const rates = {
    incremental: N / incremental,
    full: present.length / full,
    update: present.length / update,
    deletes: ids.length / deletes,
    restore: present.length / restore,
  }
  console.error(
    `${tenant}: ${JSON.stringify(Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, Math.round(v)])))}`,
  )
  return rates
}

async function main() {
  const server = process.env.DATABASE_URL ? undefined : await startPostgres(['shared_buffers=256MB'])
  const url = process.env.DATABASE_URL ?? (server?.url as string)
  const rows: BenchRow[] = []
  try {
    const store = createPgStore({ connectionString: url, schema: 'bench_deletes' })
    const runs: Awaited<ReturnType<typeof rep>>[] = []
    for (let i = 0; i < REPS; i++) runs.push(await rep(store, `deletes-${i}-${Date.now()}`))
    await store.close()
    const m = (k: keyof (typeof runs)[number]) => median(runs.map((r) => r[k]))
    const rate = (name: string, value: number, ceiling: number) => {
      rows.push({ name, unit: 'records/s', value: Math.round(value) })
      rows.push({ name: `${name} ceiling`, unit: 'records/s', value: Math.round(ceiling) })
      rows.push({ name: `${name} share`, unit: 'ratio', value: Math.round((value / ceiling) * 100) / 100 })
    }
    rate('deletes deleteBatch (vs update of the same records)', m('deletes'), m('update'))
    rate('deletes restore by sync (vs update of the same records)', m('restore'), m('update'))
    rate('deletes full pull, 1% absent (vs incremental pass)', m('full'), m('incremental'))
  } finally {
    server?.stop()
  }
  writeResults('deletes', rows)
  printTable(rows)
}

await main()
