import type { FieldMetadataByModule, FieldMetadataInput } from './field-metadata.ts'
import type { FieldMap } from './types.ts'
import type { FieldMapReport } from './validate-field-map.ts'
import { validateFieldMap } from './validate-field-map.ts'

/** Options of {@link validateFieldMaps}. */
export interface ValidateFieldMapsOptions {
  /** Row metadata of subforms, keyed by the subform field's api_name (e.g. `Learning_Outcomes_Assessm`). */
  readonly subforms?: Readonly<Record<string, FieldMetadataInput>>
}

/**
 * Validates every module of a tenant's field map against the tenant's field metadata (one entry per Zoho
 * module; a `/settings/fields` export's `modules` works as it is) with `validateFieldMap`, using the map's
 * own `defaultCurrency`. A module without metadata is listed in `skipped`, never passed silently.
 *
 * @example
 * ```ts
 * const metadata = (await loadFieldMetadata(zoho, fieldMap))._unsafeUnwrap()
 * const { issues, skipped } = validateFieldMaps(fieldMap, metadata)
 * ```
 */
export function validateFieldMaps(
  fieldMap: FieldMap,
  metadata: FieldMetadataByModule,
  options: ValidateFieldMapsOptions = {},
): FieldMapReport {
  const report: FieldMapReport = { issues: [], skipped: [] }
  for (const map of Object.values(fieldMap.modules)) {
    const fields = metadata[map.module]
    if (!fields) {
      report.skipped.push({
        entity: map.entity,
        module: map.module,
        check: 'module',
        reason: `no field metadata for ${map.module}, so nothing of ${map.entity} is checked`,
      })
      continue
    }
    const one = validateFieldMap(map, fields, {
      ...(options.subforms ? { subforms: options.subforms } : {}),
      ...(fieldMap.defaultCurrency ? { defaultCurrency: fieldMap.defaultCurrency } : {}),
    })
    report.issues.push(...one.issues)
    report.skipped.push(...one.skipped)
  }
  return report
}
