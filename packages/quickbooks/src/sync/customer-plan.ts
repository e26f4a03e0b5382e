import type { PushEntry } from '@edusync/core'
import { QuickBooksError } from '../errors.ts'
import type { MappedCustomer } from '../map/customer.ts'
import { changesBody, customerChanges } from '../map/customer.ts'
import type { BatchOperation } from '../resources/batch.ts'
import type { QbCustomer } from '../schemas/entities.ts'
import type { CustomerDirectory } from './customer-directory.ts'

/** @internal One claimed record on its way to QuickBooks. */
export interface Work {
  readonly m: MappedCustomer
  readonly entry: PushEntry
  /** Index into the candidates of the name to try next. */
  candidate: number
  current: QbCustomer | undefined
  staleRetried: boolean
}

/** @internal What to do next for one record. */
export type Plan =
  | { readonly kind: 'done'; readonly targetId: string }
  | { readonly kind: 'exhausted'; readonly error: QuickBooksError }
  | {
      readonly kind: 'write'
      readonly op: BatchOperation
      readonly name: string | undefined
      readonly action: 'create' | 'update'
    }

/** Decides one record's next write: nothing, a sparse update (maybe renaming) or a create. */
export function plan(w: Work, directory: CustomerDirectory | undefined): Plan {
  const { m } = w
  const current = w.current
  if (current) {
    const body: Record<string, unknown> = changesBody(m.fields, customerChanges(current, m.fields))
    const same = (c: string) => c.toLowerCase() === current.DisplayName.toLowerCase()
    // A customer already under one of its candidates keeps that name; otherwise (the person was renamed,
    // or a rename hit 6240) it moves to the next free candidate.
    let name: string | undefined
    if (w.candidate > 0 || !m.candidates.some(same)) {
      name = freeCandidate(w, directory)
      if (name === undefined) return exhausted(w)
      if (same(name)) name = undefined
      else body.DisplayName = name
    }
    if (Object.keys(body).length === 0) return { kind: 'done', targetId: current.Id }
    return {
      kind: 'write',
      action: 'update',
      name,
      op: {
        operation: 'update',
        entity: 'Customer',
        body: { ...body, Id: current.Id, SyncToken: current.SyncToken, sparse: true },
      },
    }
  }
  const name = freeCandidate(w, directory)
  if (name === undefined) return exhausted(w)
  return {
    kind: 'write',
    action: 'create',
    name,
    op: { operation: 'create', entity: 'Customer', body: { DisplayName: name, ...m.fields } },
  }
}

function freeCandidate(w: Work, directory: CustomerDirectory | undefined): string | undefined {
  for (let i = w.candidate; i < w.m.candidates.length; i++) {
    const name = w.m.candidates[i] as string
    const holder = directory?.byName(name)
    if (holder === undefined || (holder !== 'taken' && holder.Id === w.current?.Id)) {
      w.candidate = i
      return name
    }
  }
  return undefined
}

function exhausted(w: Work): Plan {
  return {
    kind: 'exhausted',
    error: new QuickBooksError(
      'Duplicate',
      `every DisplayName candidate of ${w.m.owner} is taken by another customer, vendor or employee: ${w.m.candidates.join(' | ')}`,
      { code: '6240' },
    ),
  }
}
