import { fingerprintParsed } from '../fingerprint/fingerprint.ts'
import { parseRecord } from '../parse/parse-record.ts'
import type { RecordRef } from '../store/store.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { RecordOutcome } from './outcome.ts'

/** A parsed, fingerprinted record that is the last occurrence of its id in the batch. */
export interface PreparedRecord {
  readonly index: number
  readonly id: string
  readonly data: Record<string, unknown>
  readonly fingerprint: string
  /** Non-null references of the record. */
  readonly refs: readonly RecordRef[]
}

/** The CPU-only half of a batch: parsing, fingerprinting, de-duplication. No I/O. */
export interface PreparedBatch {
  readonly entity: EntityDefinition
  readonly size: number
  /** Outcomes already decided without the Store (INVALID, ERROR, superseded duplicates). */
  readonly decided: RecordOutcome[]
  readonly records: PreparedRecord[]
}

/**
 * Parses and fingerprints a batch. Duplicate ids resolve deterministically: the **last** occurrence in
 * the batch is synced, and each earlier occurrence is reported INVALID with rule `duplicate_in_batch`
 * naming the index that superseded it. So a batch's outcome never depends on timing.
 */
export function prepareBatch(
  entity: EntityDefinition,
  inputs: readonly unknown[],
  indexOffset = 0,
): PreparedBatch {
  const decided: RecordOutcome[] = []
  const byId = new Map<string, PreparedRecord>()
  const refFields = Object.entries(entity.references)
  for (let i = 0; i < inputs.length; i++) {
    const index = indexOffset + i
    const parsed = parseRecord(entity, inputs[i])
    if (parsed.isErr()) {
      const e = parsed.error
      decided.push({
        status: 'INVALID',
        entity: entity.name,
        index,
        id: e.recordId,
        issues: e.issues,
        message: e.message,
      })
      continue
    }
    const data = parsed.value as Record<string, unknown>
    const id = data.id as string
    try {
      const refs: RecordRef[] = []
      for (const [field, target] of refFields) {
        const value = data[field]
        if (typeof value === 'string') refs.push({ entity: target, id: value })
      }
      const previous = byId.get(id)
      if (previous) {
        // Re-insert so the surviving record keeps the position of its last occurrence.
        byId.delete(id)
        decided.push(superseded(entity.name, previous.index, id, index))
      }
      byId.set(id, { index, id, data, fingerprint: fingerprintParsed(entity, data), refs })
    } catch (error) {
      decided.push({
        status: 'ERROR',
        entity: entity.name,
        index,
        id,
        reason: `could not fingerprint: ${String(error)}`,
      })
    }
  }
  return { entity, size: inputs.length, decided, records: [...byId.values()] }
}

function superseded(entity: string, index: number, id: string, by: number): RecordOutcome {
  const message = `duplicate id ${JSON.stringify(id)} in one batch: superseded by the record at index ${by} (the last occurrence wins)`
  return {
    status: 'INVALID',
    entity,
    index,
    id,
    issues: [{ path: 'id', rule: 'duplicate_in_batch', message, received: id }],
    message,
  }
}
