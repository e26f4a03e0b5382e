import { oneLine } from './text.ts'

/** QuickBooks' limit on Customer `Notes`. */
export const NOTES_LIMIT = 2000

/** Longest value kept per line: 15 lines of `Key: value` then always fit the limit. */
export const NOTE_VALUE_LIMIT = 120

/** The seed's customer "custom fields", in the order they are written into `Notes`. */
export const customerNoteKeys = [
  'CustomerType',
  'ApplicationID',
  'RegNo',
  'TrackingID',
  'Gender',
  'NationalID',
  'BirthCountry',
  'Campus',
  'Intake',
  'Program',
  'ProgramMode',
  'ProgramType',
  'Level',
] as const

/** One of {@link customerNoteKeys}. */
export type CustomerNoteKey = (typeof customerNoteKeys)[number]

/** What a Notes block holds: who it belongs to and the seed's fields. */
export interface CustomerNotes {
  /** The canonical entity (`applicant` or `student`). */
  readonly entity: string
  /** The canonical record id. */
  readonly id: string
  readonly fields: Readonly<Partial<Record<CustomerNoteKey, string>>>
}

const MARKER = 'edusync'

/**
 * Writes the Notes layout:
 * ```
 * edusync student/STU-0042
 * CustomerType: Student
 * RegNo: 2026/BIT/042
 * ...
 * ```
 * The first line marks the customer as edusync's (a rerun finds it by it, whatever its DisplayName);
 * each field is one `Key: value` line in a fixed order, empty fields left out, values on one line and at
 * most {@link NOTE_VALUE_LIMIT} characters, so the block never exceeds {@link NOTES_LIMIT}.
 */
export function formatCustomerNotes(notes: CustomerNotes): string {
  const lines = [`${MARKER} ${oneLine(notes.entity, 40)}/${oneLine(notes.id, 200)}`]
  for (const key of customerNoteKeys) {
    const value = oneLine(notes.fields[key], NOTE_VALUE_LIMIT)
    if (value !== '') lines.push(`${key}: ${value}`)
  }
  return lines.join('\n').slice(0, NOTES_LIMIT)
}

/** Reads a Notes block written by {@link formatCustomerNotes}; `undefined` for other notes. */
export function parseCustomerNotes(text: string | undefined): CustomerNotes | undefined {
  if (!text) return undefined
  const [head, ...rest] = text.split(/\r?\n/)
  const m = /^edusync ([^/\s]+)\/(.+)$/.exec(head ?? '')
  if (!m) return undefined
  const fields: Partial<Record<CustomerNoteKey, string>> = {}
  const known = new Set<string>(customerNoteKeys)
  for (const line of rest) {
    const at = line.indexOf(': ')
    if (at < 0) continue
    const key = line.slice(0, at)
    if (known.has(key)) fields[key as CustomerNoteKey] = line.slice(at + 2)
  }
  return { entity: m[1] as string, id: m[2] as string, fields }
}

/** The marker line's identity of a Notes block (`student/STU-0042`), for matching. */
export function notesOwner(text: string | undefined): string | undefined {
  const parsed = parseCustomerNotes(text)
  return parsed ? `${parsed.entity}/${parsed.id}` : undefined
}
