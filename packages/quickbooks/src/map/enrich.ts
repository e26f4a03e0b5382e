/** The kinds of ids the seed enriches to names. */
export type LookupKind = 'campus' | 'intake' | 'program' | 'programMode' | 'level'

/** One lookup: a map of id -> name, or a function (returning `undefined`/`null` when it has no name). */
export type Lookup = ReadonlyMap<string, string> | ((id: string) => string | null | undefined)

/** The host's lookups for enrichment; any may be missing. */
export type CustomerLookups = Readonly<Partial<Record<LookupKind, Lookup>>>

/**
 * Enriches an id to a readable name with the seed's fallback chain: the looked-up name, else the id as
 * text, else `""` for no id. A missing lookup, an unknown id, an empty name or a lookup that throws all
 * fall back; enrichment never fails a record.
 */
export function enrich(
  lookups: CustomerLookups | undefined,
  kind: LookupKind,
  id: string | number | null | undefined,
): string {
  if (id === null || id === undefined) return ''
  const text = String(id).trim()
  if (text === '') return ''
  const lookup = lookups?.[kind]
  let name: string | null | undefined
  try {
    name = typeof lookup === 'function' ? lookup(text) : lookup?.get(text)
  } catch {
    name = undefined
  }
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : text
}
