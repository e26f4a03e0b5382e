import type { Grade } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { ZohoClient } from '../client.ts'
import type { ZohoError } from '../errors.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { toZohoRecord } from '../map/to-zoho-record.ts'
import type { FieldMap } from '../map/types.ts'
import { findModuleMap } from '../map/with-field-map.ts'
import { coqlString } from '../resources/criteria.ts'
import { formatZohoDateTime } from '../resources/list.ts'
import type { WriteOptions, ZohoWriteResult } from '../resources/write.ts'

/** Options shared by the write-back helpers. */
export interface WriteBackOptions extends WriteOptions {
  /** The tenant's field map (module names, field names). @default defaultFieldMap */
  readonly fieldMap?: FieldMap
}

const moduleOf = (fieldMap: FieldMap | undefined, entity: string) => {
  const map = findModuleMap(fieldMap ?? defaultFieldMap, entity)
  if (!map) throw new TypeError(`no field map for "${entity}"`)
  return map
}

/** One class and the Moodle course created for it. */
export interface ClassCourse {
  /** The Zoho id of the BTEC_Classes record. */
  readonly classId: string
  /** The Moodle course id. */
  readonly moodleCourseId: string | number
}

/**
 * Writes Moodle course ids onto classes (the class map's `writeBack.moodleId`, `Moodle_Class_ID` in the
 * shipped map), 100 per call, workflows suppressed. Setting the same value again is a no-op in effect, so
 * retries are safe. Throws when the map names no such field (configuration error).
 */
export function setClassMoodleCourseIds(
  client: ZohoClient,
  classes: readonly ClassCourse[],
  options: WriteBackOptions & {
    /** @default the class map's `writeBack.moodleId` */
    readonly field?: string
  } = {},
): ResultAsync<ZohoWriteResult[], ZohoError> {
  const map = moduleOf(options.fieldMap, 'class')
  const field = options.field ?? map.writeBack?.moodleId
  if (!field) throw new TypeError(`the field map names no write-back moodleId field for ${map.module}`)
  const records = classes.map((c) => ({ id: c.classId, [field]: String(c.moodleCourseId) }))
  return client.records.update(map.module, records, options)
}

/** Options of {@link markSynced}. */
export interface MarkSyncedOptions extends WriteBackOptions {
  /** The sync instant written to `writeBack.syncedAt`. @default now */
  readonly at?: Date
}

/**
 * Marks records as synced, 100 per call, workflows suppressed, writing only the sync-tracking fields the
 * module's map names (`writeBack.synced` = `true`, `writeBack.syncedAt` = `at`): `Synced_to_Moodle` and
 * `Last_Sync_Date` on students, enrollments, registrations and payments, `Last_Sync_with_Moodle` on units
 * (`BTEC`). A module whose map names neither (classes, grades, programs, teachers in the shipped map)
 * throws instead of sending fields Zoho would reject (a configuration error, like an unknown module).
 *
 * @param target a canonical entity (`"unit"`) or the Zoho module of one (`"BTEC"`)
 */
export function markSynced(
  client: ZohoClient,
  target: string,
  ids: readonly string[],
  options: MarkSyncedOptions = {},
): ResultAsync<ZohoWriteResult[], ZohoError> {
  const map = moduleOf(options.fieldMap, target)
  const { synced, syncedAt } = map.writeBack ?? {}
  if (!synced && !syncedAt) {
    throw new TypeError(
      `${map.module} has no sync-tracking fields in the field map (writeBack.synced / writeBack.syncedAt): nothing to mark`,
    )
  }
  const at = formatZohoDateTime(options.at ?? new Date())
  const records = ids.map((id) => ({
    id,
    ...(synced ? { [synced]: true } : {}),
    ...(syncedAt ? { [syncedAt]: at } : {}),
  }))
  return client.records.update(map.module, records, options)
}

/** Options of {@link upsertGrades}. */
export interface UpsertGradesOptions extends WriteBackOptions {
  /**
   * Zoho appends subform rows sent without an `id`, so re-sending a grade would duplicate its
   * learning-outcome rows. `match-existing` (default) first reads the existing grades' rows (one COQL
   * query per 50 keys and one list call per 100 grades) and sends matching rows (same `LO_Code`) with
   * their row id, so a repeat changes nothing. `append` skips the read (for grades known to be new).
   * @default 'match-existing'
   */
  readonly learningOutcomes?: 'match-existing' | 'append'
}

/**
 * Creates or updates grades by their Moodle composite key in one upsert per 100 grades
 * (`duplicate_check_fields: [Moodle_Grade_Composite_Key]`: no search-then-create race), including the
 * learning-outcome subform, workflows suppressed. A grade without a composite key is reported as a
 * failed item (`MISSING_COMPOSITE_KEY`) and not sent. Results are in input order.
 */
export function upsertGrades(
  client: ZohoClient,
  grades: readonly Grade[],
  options: UpsertGradesOptions = {},
): ResultAsync<ZohoWriteResult[], ZohoError> {
  const fieldMap = options.fieldMap ?? defaultFieldMap
  const map = moduleOf(fieldMap, 'grade')
  const keyField = map.fields.compositeKey?.zoho ?? 'Moodle_Grade_Composite_Key'
  const loSpec = map.fields.learningOutcomes
  const codeField = loSpec?.rows?.code?.zoho ?? 'LO_Code'
  const run = async (): Promise<Result<ZohoWriteResult[], ZohoError>> => {
    const sendable = grades
      .map((g, index) => ({ g, index }))
      .filter(({ g }) => typeof g.compositeKey === 'string' && g.compositeKey.length > 0)
    let rowIds = new Map<string, Map<string, string>>()
    if (
      options.learningOutcomes !== 'append' &&
      loSpec &&
      sendable.some(({ g }) => (g.learningOutcomes?.length ?? 0) > 0)
    ) {
      const existing = await existingRowIds(
        client,
        map.module,
        keyField,
        loSpec.zoho,
        codeField,
        sendable.map(({ g }) => g.compositeKey as string),
      )
      if (existing.isErr()) return err(existing.error)
      rowIds = existing.value
    }
    const records = sendable.map(({ g }) => {
      const record = toZohoRecord('grade', g, fieldMap)
      const known = rowIds.get(g.compositeKey as string)
      const rows = loSpec ? (record[loSpec.zoho] as Record<string, unknown>[] | undefined) : undefined
      if (known && rows && loSpec) {
        record[loSpec.zoho] = rows.map((row) => {
          const id = known.get(String(row[codeField]))
          return id ? { id, ...row } : row
        })
      }
      return record
    })
    const written = records.length
      ? await client.records.upsert(map.module, records, {
          trigger: options.trigger ?? [],
          duplicateCheckFields: [keyField],
        })
      : ok<ZohoWriteResult[], ZohoError>([])
    if (written.isErr()) return err(written.error)
    const results: ZohoWriteResult[] = grades.map((_, index) => ({
      status: 'error',
      index,
      code: 'MISSING_COMPOSITE_KEY',
      message: `grade has no compositeKey, so it cannot be upserted by ${keyField}`,
      apiName: keyField,
    }))
    written.value.forEach((item, k) => {
      const index = sendable[k]?.index as number
      results[index] = {
        ...item,
        index,
        ...(item.status === 'error' && item.jsonPath
          ? { jsonPath: item.jsonPath.replace(/^\$\.data\[\d+\]/, `$.data[${index}]`) }
          : {}),
      }
    })
    return ok(results)
  }
  return new ResultAsync(run())
}

// Composite key -> (LO code -> subform row id) for the grades that already exist.
async function existingRowIds(
  client: ZohoClient,
  module: string,
  keyField: string,
  subform: string,
  codeField: string,
  keys: readonly string[],
): Promise<Result<Map<string, Map<string, string>>, ZohoError>> {
  const idsByKey = new Map<string, string>()
  // COQL `in` takes at most 50 values.
  for (let start = 0; start < keys.length; start += 50) {
    const chunk = keys.slice(start, start + 50)
    const query = `select id, ${keyField} from ${module} where ${keyField} in (${chunk.map(coqlString).join(', ')}) limit 0, 200`
    const found = await client.records.coql(query)
    if (found.isErr()) return err(found.error)
    for (const row of found.value.records) {
      if (typeof row.id === 'string' && typeof row[keyField] === 'string')
        idsByKey.set(row[keyField] as string, row.id)
    }
  }
  const out = new Map<string, Map<string, string>>()
  const ids = [...idsByKey.values()]
  for (let start = 0; start < ids.length; start += 100) {
    for await (const page of client.records.list(module, {
      fields: [keyField, subform],
      ids: ids.slice(start, start + 100),
    })) {
      if (page.isErr()) return err(page.error)
      for (const record of page.value.records) {
        const key = record[keyField]
        const rows = record[subform]
        if (typeof key !== 'string' || !Array.isArray(rows)) continue
        const byCode = new Map<string, string>()
        for (const row of rows as Record<string, unknown>[]) {
          if (typeof row.id === 'string' && row[codeField] !== undefined && row[codeField] !== null) {
            byCode.set(String(row[codeField]), row.id)
          }
        }
        out.set(key, byCode)
      }
    }
  }
  return ok(out)
}
