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
 * - `picklist`: a Zoho value -> a canonical value (or `null`) via {@link FieldSpec.values}, tolerant of
 *   case, spaces, `-` and `_` (`Freeze`, `Freezed` and `freezed` can all map to `frozen`); with the
 *   tenant's metadata ({@link FieldSpec.options}) display values and stored values both read.
 * - `subform`: an array of rows, each read with {@link FieldSpec.rows}.
 * - `criteria`: several text fields (`P1_description`, ...) -> `[{code, description}]`, empty ones skipped.
 *
 * For every kind, `null` and Zoho's empty picklist option `-None-` are `null`, and `""` is `null` except
 * for `text` (form bodies send empty fields as `""`). A missing field stays missing: readers never invent
 * a value.
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
  /**
   * `picklist`: Zoho value -> canonical value, or `null` for "no value" (e.g. a grade picklist's `Mapped`
   * -> no grade). Keys are stored (actual) or displayed values. The first key for a canonical value is the
   * one written back.
   */
  readonly values?: Readonly<Record<string, string | null>>
  /**
   * `picklist`, `text`: the field's options from the tenant's field metadata (set by `withFieldMetadata`).
   * A record may carry either the stored or the displayed value depending on the API path and version;
   * with options, both read: a translated picklist resolves either through {@link FieldSpec.values}, and a
   * text-read picklist is normalised to the stored value (so a renamed label never changes a fingerprint).
   */
  readonly options?: readonly PicklistOption[]
  /**
   * `text` reading a picklist with {@link FieldSpec.options}: which form of a renamed option is kept. The
   * stored value survives later relabelling; the label is what people currently read (a school that
   * relabelled stored `fds` as `Level 3` may prefer it). @default 'stored'
   */
  readonly optionForm?: 'stored' | 'label'
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

/** One option of a Zoho picklist: what users see and what Zoho stores (they differ once renamed). */
export interface PicklistOption {
  /** The label, e.g. `"Waiting Assessment"`. */
  readonly display: string
  /** The stored value, e.g. `"Waiting Submission"`. */
  readonly actual: string
}

/**
 * The fields a module's write-back touches. Only the fields named here are ever written, so a module
 * without sync-tracking fields (Classes, Grades, Products, Teachers in the shipped map) is never sent
 * `Synced_to_Moodle`; `validateFieldMap` checks each one exists with a writable type.
 */
export interface WriteBackFields {
  /** Boolean set to `true` by `markSynced`, e.g. `"Synced_to_Moodle"`. */
  readonly synced?: string
  /** Datetime set to the sync instant by `markSynced`, e.g. `"Last_Sync_Date"` or `"Last_Sync_with_Moodle"`. */
  readonly syncedAt?: string
  /** Text field receiving the record's Moodle id, e.g. `"Moodle_Class_ID"` (`setClassMoodleCourseIds`). */
  readonly moodleId?: string
}

/** How one Zoho module maps to one canonical entity. */
export interface ModuleMap {
  /** The Zoho module api_name, e.g. `"BTEC_Registrations"`. */
  readonly module: string
  /** The canonical entity, e.g. `"registration"`. */
  readonly entity: CanonicalEntityName
  /** Canonical field -> Zoho field. Canonical fields not listed are never set. */
  readonly fields: Readonly<Record<string, FieldSpec>>
  /**
   * The record's currency field (multi-currency orgs, e.g. `"Currency"`). When set, every money field of a
   * record is in that record's currency: a number or bare text takes it, text marked with another currency
   * is INVALID, and a record without a valid value is INVALID for any amount (the tenant default is not
   * assumed). When unset, amounts without a marker are in {@link FieldMap.defaultCurrency}.
   */
  readonly currencyField?: string
  /** Fields written back by `markSynced` / `setClassMoodleCourseIds`. Absent: the module takes no write-back. */
  readonly writeBack?: WriteBackFields
}

/** A tenant's whole field map: one {@link ModuleMap} per canonical entity, plus money defaults. */
export interface FieldMap {
  /** Currency of money without a currency of its own (no marker, no currency field). */
  readonly defaultCurrency?: string
  /** Currency symbols accepted in money text. @default { $: 'USD', '€': 'EUR', '£': 'GBP', '₺': 'TRY' } */
  readonly currencySymbols?: Readonly<Record<string, string>>
  readonly modules: Readonly<Record<CanonicalEntityName, ModuleMap>>
}
