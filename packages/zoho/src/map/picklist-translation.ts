import { ZOHO_NONE } from '../readers/zoho-none.ts'
import { picklistKey } from './picklists.ts'
import type { PicklistOption } from './types.ts'

/** Returned by {@link PicklistTranslation.translate} for a value nothing resolves. */
export const UNMAPPED: unique symbol = Symbol('unmapped')

/** A compiled picklist: Zoho value (stored or displayed) -> canonical value. */
export interface PicklistTranslation {
  /** The canonical value (`null` when the map sends the value to "no value"), or {@link UNMAPPED}. */
  translate(value: string): string | null | typeof UNMAPPED
  /** Options of the tenant's metadata that no table entry resolves (`-None-` excluded: it is `null`). */
  readonly unmapped: readonly PicklistOption[]
}

/**
 * Compiles a picklist table with the tenant's options. An option resolves through its stored value, else
 * through its label, so a table may be keyed by either; a record carrying the label of a renamed option
 * (`Waiting Assessment` over the stored `Waiting Submission`) reads like the stored value. Stored values
 * win over labels when one option's label is another's stored value. Matching falls back to
 * {@link picklistKey} (case, spaces, `-`, `_`) for drift the metadata does not list.
 */
export function compilePicklist(
  values: Readonly<Record<string, string | null>>,
  options: readonly PicklistOption[] = [],
): PicklistTranslation {
  const exact = new Map<string, string | null>(Object.entries(values))
  const loose = new Map<string, string | null>()
  for (const [zoho, canonical] of exact)
    if (!loose.has(picklistKey(zoho))) loose.set(picklistKey(zoho), canonical)
  const lookup = (value: string): string | null | typeof UNMAPPED => {
    const found = exact.get(value)
    if (found !== undefined || exact.has(value)) return found as string | null
    const key = picklistKey(value)
    return loose.has(key) ? (loose.get(key) as string | null) : UNMAPPED
  }
  const byOption = new Map<string, string | null>()
  const unmapped: PicklistOption[] = []
  const resolved: [PicklistOption, string | null][] = []
  for (const option of options) {
    if (option.actual === ZOHO_NONE) continue
    let canonical = lookup(option.actual)
    if (canonical === UNMAPPED) canonical = lookup(option.display)
    if (canonical === UNMAPPED) unmapped.push(option)
    else {
      resolved.push([option, canonical])
      byOption.set(option.actual, canonical)
    }
  }
  for (const [option, canonical] of resolved)
    if (!byOption.has(option.display)) byOption.set(option.display, canonical)
  const byOptionLoose = new Map<string, string | null>()
  for (const [value, canonical] of byOption) {
    if (!byOptionLoose.has(picklistKey(value))) byOptionLoose.set(picklistKey(value), canonical)
  }
  return {
    translate(value) {
      const found = byOption.get(value)
      if (found !== undefined || byOption.has(value)) return found as string | null
      const fromTable = lookup(value)
      if (fromTable !== UNMAPPED) return fromTable
      const key = picklistKey(value)
      return byOptionLoose.has(key) ? (byOptionLoose.get(key) as string | null) : UNMAPPED
    },
    unmapped,
  }
}

/**
 * For a picklist read as text: one form of each renamed option, whichever the record carries. `stored`:
 * label -> stored value (`Disbaled` -> `Approved`); `label`: stored value -> label. Other values are kept.
 * Returns `undefined` when no option was renamed (nothing to normalise).
 */
export function compileOptionNormalizer(
  options: readonly PicklistOption[] = [],
  form: 'stored' | 'label' = 'stored',
): ((value: string) => string) | undefined {
  const keep = new Set(options.map((o) => (form === 'stored' ? o.actual : o.display)))
  const renamed = new Map<string, string>()
  for (const o of options) {
    const [from, to] = form === 'stored' ? [o.display, o.actual] : [o.actual, o.display]
    // A value that is already the kept form of another option is left as it is.
    if (from !== to && !keep.has(from)) renamed.set(from, to)
  }
  if (renamed.size === 0) return undefined
  return (value) => renamed.get(value) ?? value
}
