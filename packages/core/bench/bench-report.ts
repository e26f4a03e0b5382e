/** Writing and printing benchmark rows in github-action-benchmark's custom format. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One benchmark figure: a stable name, its unit and its value. */
export interface BenchRow {
  readonly name: string
  readonly unit: string
  readonly value: number
}

/** The repository root (this file is `packages/core/bench/bench-report.ts`). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** Writes `bench/results/<suite>.json` at the repository root and returns its path. */
export function writeResults(suite: string, rows: readonly BenchRow[]): string {
  const dir = join(repoRoot, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${suite}.json`)
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`)
  return file
}

/** Prints rows as an aligned table. */
export function printTable(rows: readonly BenchRow[]): void {
  const width = Math.max(...rows.map((r) => r.name.length))
  for (const row of rows) {
    console.log(`${row.name.padEnd(width)}  ${row.value.toLocaleString('en-US').padStart(12)} ${row.unit}`)
  }
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
