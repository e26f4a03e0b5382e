import { StoreError } from '../errors/store-error.ts'
import { isFingerprint } from '../fingerprint/fingerprint.ts'
import type { EntityName } from '../types/primitives.ts'
import type { BatchChanges, ParkWrite, RecordWrite } from './store.ts'
import { unsafeTextInWrite } from './write-text.ts'

/**
 * The error a Store answers for a batch it must refuse whole (`Store.applyBatch`), or `undefined` when every
 * write in it can be written: an empty id, a malformed fingerprint, or text no Store can keep
 * ({@link unsafeTextInWrite}). Every Store runs it before writing anything, so a bad batch costs no round
 * trip, is never half written, and is refused by every Store with the same message.
 */
export function invalidWriteIn(entity: EntityName, changes: BatchChanges): StoreError | undefined {
  return invalidIn(entity, changes.upserts) ?? invalidIn(entity, changes.park)
}

function invalidIn(entity: EntityName, writes: readonly (RecordWrite | ParkWrite)[]): StoreError | undefined {
  for (const write of writes) {
    if (typeof write.id !== 'string' || write.id.length === 0) {
      return new StoreError('Invalid', `${entity}: a write has an empty id`)
    }
    if (!isFingerprint(write.fingerprint)) {
      return new StoreError('Invalid', `${entity} ${write.id}: malformed fingerprint`)
    }
    const unsafe = unsafeTextInWrite(entity, write)
    if (unsafe) return unsafe
  }
  return undefined
}
