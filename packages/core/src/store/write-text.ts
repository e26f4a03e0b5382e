import { StoreError } from '../errors/store-error.ts'
import { CheckedWrite } from '../parse/checked-text.ts'
import { escapeUnsafeText, findUnsafeText, isSafeText, unsafeTextMessage } from '../parse/text-safety.ts'
import type { EntityName } from '../types/primitives.ts'
import type { InboundEventWrite, ParkWrite, RecordWrite } from './store.ts'
import type { DeleteWrite, QuarantineWrite } from './tombstones.ts'

/**
 * The error a Store answers for a write holding text no Store can keep (a NUL character or a lone
 * surrogate in its id, data or references), or `undefined` when the write is fine. Every Store checks
 * its writes with it before writing anything, so all of them refuse the same writes the same way
 * (`Invalid`, the batch written not at all). The engine never sends such a write: parsing refuses the
 * record first (`parseRecord`), so this is the guarantee for callers that write to a Store directly.
 */
export function unsafeTextInWrite(
  entity: EntityName,
  write: RecordWrite | ParkWrite,
): StoreError | undefined {
  // Data the engine parsed and checked is not walked again (see checked-text.ts): only the id.
  if (write instanceof CheckedWrite && isSafeText(write.id)) return undefined
  const [found] = findUnsafeText(write, 1)
  if (!found) return undefined
  return new StoreError(
    'Invalid',
    `${entity} ${JSON.stringify(escapeUnsafeText(write.id))}: ${unsafeTextMessage(found)}`,
  )
}

/**
 * The same check for an inbound event about to be appended (`Store.appendEvents`): its source, id, type
 * and payload. `index` is the event's position in the batch, named in the message.
 */
export function unsafeTextInEvent(event: InboundEventWrite, index: number): StoreError | undefined {
  const [found] = findUnsafeText(event, 1)
  if (!found) return undefined
  return new StoreError('Invalid', `appendEvents: events[${index}].${unsafeTextMessage(found)}`)
}

/**
 * The same check for deletes (`Store.applyDeletes`: entity, id, source and reason) and quarantined waves
 * (`Store.quarantineDeletes`), so every Store refuses the same ones. `where` names the call and position.
 */
export function unsafeTextInDelete(
  value: DeleteWrite | QuarantineWrite,
  where: string,
): StoreError | undefined {
  const [found] = findUnsafeText(value, 1)
  if (!found) return undefined
  return new StoreError('Invalid', `${where}.${unsafeTextMessage(found)}`)
}
