import type { CanonicalEntityName } from '@edusync/core'

/**
 * How one Zoho value becomes one canonical value:
 * - `id`: the record id (a string; safe-integer numbers become strings).
 * - `text`: a string (numbers become their decimal string, e.g. `Year: 2025` -> `"2025"`).
 * - `lookup`: `{id, name}` -> the id string; a bare id string is accepted too.
 * - `date`: `YYYY-MM-DD`.
 * - `boolean`: `true`/`false` (form bodies send the strings `"true"`/`"false"`).
 * - `integer`, `number`: JSON numbers or numeric strings; `number` also takes a trailing `%`.
 * - `money`: a currency number or money text -> `{minor, currency}` (see `parseMoney`).
 * - `picklist`: a Zoho value -> a canonical value via {@link FieldSpec.values}, tolerant of case,
 *   spaces, `-` and `_` (`Freeze`, `Freezed` and `freezed` can all map to `frozen`).
 * - `subform`: an array of rows, each read with {@link FieldSpec.rows}.
 * - `criteria`: several text fields (`P1_description`, ...) -> `[{code, description}]`, empty ones skipped.
 *
 * For every kind, `null` is `null`, and `""` is `null` except for `text` (form bodies send empty fields
 * as `""`). A missing field stays missing: readers never invent a value.
 */
export type FieldKind =
  | 'id'
  | 'text'
  | 'lookup'
  | 'date'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'money'
  | 'picklist'
  | 'subform'
  | 'criteria'

/** How one canonical field is read from (and written to) Zoho. */
export interface FieldSpec {
  /** The Zoho field api_name, e.g. `"Registration_Date"`. Unused for `criteria` (see {@link FieldSpec.criteria}). */
  readonly zoho: string
  readonly kind: FieldKind
  /** `picklist`: Zoho value -> canonical value. The first value for a canonical value is the one written back. */
  readonly values?: Readonly<Record<string, string>>
  /** `lookup`: the module the lookup must point to (checked by `validateFieldMap`). */
  readonly lookupModule?: string
  /** `subform`: canonical row field -> spec of the row's Zoho field. */
  readonly rows?: Readonly<Record<string, FieldSpec>>
  /** `criteria`: criterion code -> Zoho api_name, e.g. `{ P1: 'P1_description' }`. */
  readonly criteria?: Readonly<Record<string, string>>
  /** Never written back (autonumbers, formulas): `toZohoRecord` skips it. @default false */
  readonly readOnly?: boolean
  /** Zoho `data_type`s accepted by `validateFieldMap`. @default per kind */
  readonly zohoTypes?: readonly string[]
}

/** How one Zoho module maps to one canonical entity. */
export interface ModuleMap {
  /** The Zoho module api_name, e.g. `"BTEC_Registrations"`. */
  readonly module: string
  /** The canonical entity, e.g. `"registration"`. */
  readonly entity: CanonicalEntityName
  /** Canonical field -> Zoho field. Canonical fields not listed are never set. */
  readonly fields: Readonly<Record<string, FieldSpec>>
  /** The record's currency field (multi-currency orgs), used for currency numbers and bare money text. */
  readonly currencyField?: string
}

/** A tenant's whole field map: one {@link ModuleMap} per canonical entity, plus money defaults. */
export interface FieldMap {
  /** Currency of money without a currency of its own (no marker, no currency field). */
  readonly defaultCurrency?: string
  /** Currency symbols accepted in money text. @default { $: 'USD', '€': 'EUR', '£': 'GBP', '₺': 'TRY' } */
  readonly currencySymbols?: Readonly<Record<string, string>>
  readonly modules: Readonly<Record<CanonicalEntityName, ModuleMap>>
}
