/** Exit codes that mean something to a script. */
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** It ran, and failures were recorded (a failed or interrupted step, a Store error). */
  failures: 1,
  /** Bad usage or configuration: nothing was run. */
  usage: 2,
} as const

/** Where the commands write: results to `out` (stdout), progress and diagnostics to `err` (stderr). */
export interface Io {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  /** Whether stderr is a terminal (progress bars), else progress is printed as lines. */
  readonly interactive: boolean
}

/** Prints rows as aligned columns under a header. */
export function table(rows: readonly (readonly string[])[], header: readonly string[]): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)))
  return all
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** JSON for `--json`: Dates as ISO strings, one document, no trailing text. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2)
}

/** Duration between two instants, for people. */
export function duration(start: Date | null, end: Date | null): string {
  if (!start || !end) return '-'
  const ms = end.getTime() - start.getTime()
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}
