import type { StoreError } from '@edusync/core'
import { QuickBooksError } from '../errors.ts'
import type { CustomerSubject, MappedCustomer } from '../map/customer.ts'
import { mapCustomer } from '../map/customer.ts'
import type { CustomerLookups } from '../map/enrich.ts'

/** The push ledger's target name for QuickBooks. */
export const QUICKBOOKS_TARGET = 'quickbooks'

/** Applicants and students as a list, a generator or an async stream (read once, in bounded chunks). */
export type SubjectSource = Iterable<CustomerSubject> | AsyncIterable<CustomerSubject>

/** Wraps a Store / ledger failure. */
export const storeFailed = (what: string) => (error: StoreError) =>
  new QuickBooksError('Store', `${what} failed: ${error.message}`, { cause: error })

/** Maps the source in chunks of `size` (constant memory over any population size). */
export async function* mappedChunks(
  source: SubjectSource,
  size: number,
  lookups: CustomerLookups | undefined,
): AsyncGenerator<MappedCustomer[]> {
  let chunk: MappedCustomer[] = []
  for await (const subject of source as AsyncIterable<CustomerSubject>) {
    chunk.push(mapCustomer(subject, lookups))
    if (chunk.length >= size) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length > 0) yield chunk
}

/** Groups items by subject kind. */
export function byKind<T extends { readonly subject: CustomerSubject }>(
  items: readonly T[],
): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const list = out.get(item.subject.kind)
    if (list) list.push(item)
    else out.set(item.subject.kind, [item])
  }
  return out
}
