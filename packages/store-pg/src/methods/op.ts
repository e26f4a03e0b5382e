import type { StoreError } from '@edusync/core'
import type { ResultAsync } from 'neverthrow'
import type { SqlExecutor } from '../executor/executor.ts'

/** @internal Runs one Store operation on the ready executor, turning any failure into a StoreError. */
export type Op = <T>(operation: string, fn: (x: SqlExecutor) => Promise<T>) => ResultAsync<T, StoreError>

// Duplicate ids would make the per-id probes return a row twice.
/** @internal */
export const unique = (ids: readonly string[]): string[] => [...new Set(ids)]
