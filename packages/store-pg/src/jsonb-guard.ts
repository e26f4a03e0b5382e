import { StoreError, scanJsonText } from '@edusync/core'

/** Deepest JSON the Store writes into a `jsonb` column (stored replies, run metadata). */
export const DEFAULT_MAX_JSONB_DEPTH = 256

/**
 * Serialises a value bound for a `jsonb` column, refusing one nested deeper than `maxDepth` with an
 * `Invalid` StoreError before it reaches the database. Why: PGlite's jsonb input recurses on the WASM
 * stack and a value ~1,000 levels deep crashes the whole embedded database ("memory access out of
 * bounds"), taking every tenant down; a real server answers `stack depth limit exceeded` instead. The
 * engine never produces such values (records are limited to 64 levels, echoes are previews); this holds
 * the line for any caller.
 */
export function jsonbText(value: unknown, what: string, maxDepth: number): string {
  const json = JSON.stringify(value) ?? 'null'
  if (maxDepth !== Number.POSITIVE_INFINITY) {
    const limits = {
      maxDepth,
      maxStringLength: Number.POSITIVE_INFINITY,
      maxRecords: Number.POSITIVE_INFINITY,
    }
    const broken = scanJsonText(json, limits)
    if (broken) {
      throw new StoreError(
        'Invalid',
        `${what} is nested deeper than ${maxDepth} levels (at ${broken.path || 'the top'})`,
      )
    }
  }
  return json
}
