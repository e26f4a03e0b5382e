import type { FieldMapValidator } from '@edusync/core/config-api'
import { z } from 'zod'
import type { ZohoConfig } from '../config.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { loadFieldMetadata } from '../map/load-field-metadata.ts'
import type { FieldMap } from '../map/types.ts'
import { validateFieldMaps } from '../map/validate-field-maps.ts'
import type { FieldMapOverrides } from '../map/with-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { zohoClientFromConnection } from './zoho-connection.ts'

const fieldOverride = z.union([z.string().min(1), z.null(), z.record(z.string(), z.unknown())])
/** The shape of {@link FieldMapOverrides} as data (what the registry stores). */
export const fieldMapOverridesSchema = z.strictObject({
  defaultCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
    .optional(),
  currencySymbols: z.record(z.string(), z.string()).optional(),
  modules: z
    .record(
      z.string(),
      z.strictObject({
        module: z.string().min(1).optional(),
        currencyField: z.string().min(1).nullable().optional(),
        writeBack: z.record(z.string(), z.string().nullable()).nullable().optional(),
        fields: z.record(z.string(), fieldOverride).optional(),
      }),
    )
    .optional(),
})

/** Options of {@link zohoFieldMapValidator}. */
export interface ZohoFieldMapValidatorOptions {
  /** The map overrides apply to. @default defaultFieldMap */
  readonly base?: FieldMap
  /** Client options (retry, token cache) for the metadata calls. */
  readonly client?: Partial<ZohoConfig>
}

/**
 * The config API's field-map validator for Zoho: checks the overrides' shape, applies them to the base
 * map, and, when the tenant has a Zoho connection, validates the result against the live field metadata
 * (`validateFieldMaps`): an unknown api_name, a wrong type, an unmapped picklist value make it invalid
 * (the API answers 422 with the report). Without a connection only the shape is checked and every module
 * is reported skipped. Metadata that cannot be loaded makes it invalid too: a map is never saved unchecked.
 */
export function zohoFieldMapValidator(options: ZohoFieldMapValidatorOptions = {}): FieldMapValidator {
  const base = options.base ?? defaultFieldMap
  return async ({ overrides, zoho }) => {
    const shape = fieldMapOverridesSchema.safeParse(overrides)
    if (!shape.success) {
      return {
        valid: false,
        report: {
          issues: shape.error.issues.map((i) => ({
            field: i.path.join('.'),
            problem: 'shape',
            message: i.message,
          })),
          skipped: [],
        },
      }
    }
    let map: FieldMap
    try {
      map = withFieldMap(base, shape.data as FieldMapOverrides)
    } catch (error) {
      return {
        valid: false,
        report: { issues: [{ problem: 'shape', message: (error as Error).message }], skipped: [] },
      }
    }
    if (!zoho) {
      const skipped = Object.values(map.modules).map((m) => ({
        entity: m.entity,
        module: m.module,
        check: 'module',
        reason: 'the tenant has no Zoho connection, so no live field metadata was checked',
      }))
      return { valid: true, report: { issues: [], skipped } }
    }
    const metadata = await loadFieldMetadata(zohoClientFromConnection(zoho, options.client), map)
    if (metadata.isErr()) {
      return {
        valid: false,
        report: {
          issues: [],
          skipped: [],
          error: `Zoho field metadata could not be loaded: ${metadata.error.message}`,
        },
      }
    }
    const report = validateFieldMaps(map, metadata.value)
    return { valid: report.issues.length === 0, report }
  }
}
