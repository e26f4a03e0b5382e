import { fingerprintOfJson, fingerprintParsed, syncedJsonParsed } from '../fingerprint/fingerprint.ts'
import type { InputLimits } from '../limits/input-limits.ts'
import { DEFAULT_INPUT_LIMITS } from '../limits/input-limits.ts'
import { trustsParsedText } from '../parse/checked-text.ts'
import { parseRecord } from '../parse/parse-record.ts'
import type { RecordRef } from '../store/store.ts'
import type { EntityDefinition } from '../types/entity.ts'
import { yieldToEventLoop } from '../util/yield-to-event-loop.ts'
import type { RecordOutcome } from './outcome.ts'

/** A parsed, fingerprinted record that is the last occurrence of its id in the batch. */
export interface PreparedRecord {
  readonly index: number
  readonly id: string
  readonly data: Record<string, unknown>
  readonly fingerprint: string
  /** Non-null references of the record. */
  readonly refs: readonly RecordRef[]
  /**
   * Whether `data`'s text was checked by parsing and nothing else can reach it before the write (see
   * parse/checked-text.ts): the Store need not walk it again.
   */
  readonly textChecked: boolean
  /**
   * The record's synced fields as the JSON text its fingerprint hashed (see `syncedJsonParsed`), when
   * that text holds all of it: a Store may keep it instead of `data`'s objects.
   */
  readonly json: string | undefined
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
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): PreparedBatch {
  const preparer = startBatch(entity, limits)
  preparer.add(inputs, 0, inputs.length, indexOffset)
  return preparer.finish(inputs.length)
}

/** Records parsed between two yields to the event loop (a few milliseconds of work). */
export const PREPARE_SLICE = 250

/**
 * {@link prepareBatch} for large batches: the same result, but the event loop runs between slices of
 * {@link PREPARE_SLICE} records, so other requests are served while a large batch is parsed.
 */
export async function prepareBatchYielding(
  entity: EntityDefinition,
  inputs: readonly unknown[],
  indexOffset = 0,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<PreparedBatch> {
  const preparer = startBatch(entity, limits)
  for (let start = 0; start < inputs.length; start += PREPARE_SLICE) {
    if (start > 0) await yieldToEventLoop()
    preparer.add(inputs, start, Math.min(inputs.length, start + PREPARE_SLICE), indexOffset)
  }
  return preparer.finish(inputs.length)
}

/** @internal A batch being prepared record by record (see {@link startBatch}). */
export interface BatchPreparer {
  /** Parses and fingerprints one input record, `index` being its position in the whole input. */
  addOne(input: unknown, index: number): void
  /** The prepared batch of the `size` records added. */
  finish(size: number): PreparedBatch
}

/**
 * @internal Starts preparing a batch record by record: a stream parses each record as it arrives, so
 * the raw record is garbage at once instead of waiting in a chunk for the whole batch (less for the
 * garbage collector to copy).
 */
export function startBatch(
  entity: EntityDefinition,
  limits: InputLimits,
): BatchPreparer & {
  add(inputs: readonly unknown[], from: number, to: number, indexOffset: number): void
} {
  const decided: RecordOutcome[] = []
  // Records in input order; an entry superseded by a later occurrence of its id is left empty.
  const records: (PreparedRecord | undefined)[] = []
  const seen = new Set<string>()
  let removed = 0
  const refFields = Object.entries(entity.references)
  const options = { limits }
  // parseRecord refuses unsafe text; whether the parsed object is the engine's alone depends on the schema.
  const textChecked = trustsParsedText(entity.schema)
  function addOne(input: unknown, index: number): void {
    const parsed = parseRecord(entity, input, options)
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
      return
    }
    const data = parsed.value as Record<string, unknown>
    const id = data.id as string
    try {
      const refs: RecordRef[] = []
      for (const [field, target] of refFields) {
        const value = data[field]
        if (typeof value === 'string') refs.push({ entity: target, id: value })
      }
      // One Set operation per record tells a repeated id; only then is the earlier occurrence looked
      // up (repeats are rare), and removed so the survivor keeps the position of its last occurrence.
      const seenBefore = seen.size
      seen.add(id)
      if (seen.size === seenBefore) {
        const at = records.findLastIndex((r) => r?.id === id)
        const previous = records[at]
        if (previous) {
          records[at] = undefined
          removed++
          decided.push(superseded(entity.name, previous.index, id, index))
        }
      }
      // The fingerprint's JSON text is computed once: hashed here, and handed to the Store with the write.
      const json = syncedJsonParsed(entity, data)
      const fingerprint =
        json === undefined ? fingerprintParsed(entity, data) : fingerprintOfJson(entity, json)
      records.push({ index, id, data, fingerprint, refs, textChecked, json })
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
  return {
    add(inputs: readonly unknown[], from: number, to: number, indexOffset: number) {
      for (let i = from; i < to; i++) addOne(inputs[i], indexOffset + i)
    },
    addOne,
    finish(size: number): PreparedBatch {
      return {
        entity,
        size,
        decided,
        records: removed === 0 ? (records as PreparedRecord[]) : records.filter((r) => r !== undefined),
      }
    },
  }
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
