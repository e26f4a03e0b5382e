import * as z from 'zod'
import type { EntityName } from './primitives.ts'

/**
 * The declaration of one canonical entity: its name, its schema, which fields reference which entities,
 * and which fields are synced (fingerprinted and stored). Declared once with {@link defineEntity}; the
 * engine, the dependency orderer and every Store read from it.
 */
export interface EntityDefinition<
  Name extends EntityName = EntityName,
  Shape extends z.ZodRawShape = z.ZodRawShape,
> {
  /** Entity name, e.g. `"registration"`. */
  readonly name: Name
  /** The key field. Always `"id"`: the record's id in its system of record (e.g. the Zoho record id). */
  readonly key: 'id'
  /** Schema of the canonical record (unknown keys are stripped, never fatal). */
  readonly schema: z.ZodObject<Shape>
  /**
   * Referenced entities: field name -> entity name. A non-null value in such a field must be the id of an
   * existing record of that entity in the same tenant, or the record is DEFERRED until it exists.
   */
  readonly references: Readonly<Record<string, EntityName>>
  /** Synced fields in fingerprint order (sorted by UTF-16 code unit), the key excluded. */
  readonly fields: readonly string[]
  /**
   * Fingerprint schema version. Bump it when the meaning of a field changes, so every stored record is
   * seen as UPDATED once rather than silently compared under the old meaning.
   */
  readonly version: number
}

/** A canonical record of an entity (the schema's output type). */
export type RecordOf<E extends EntityDefinition> = z.output<E['schema']>

/** Options of {@link defineEntity}. */
export interface DefineEntityOptions<Name extends EntityName, Shape extends z.ZodRawShape> {
  readonly name: Name
  /** Fields of the record, `id` included. */
  readonly shape: Shape
  readonly references?: Readonly<Record<string, EntityName>>
  /** @default 1 */
  readonly version?: number
}

/**
 * Declares a canonical entity. Every field except `id` is synced: a change to any of them makes the
 * record UPDATED, so no field can silently drop out of the fingerprint.
 *
 * @example
 * ```ts
 * const room = defineEntity({
 *   name: 'room',
 *   shape: { id: externalId, name: text, campusId: externalId },
 *   references: { campusId: 'campus' },
 * })
 * ```
 */
export function defineEntity<const Name extends EntityName, Shape extends z.ZodRawShape>(
  options: DefineEntityOptions<Name, Shape>,
): EntityDefinition<Name, Shape> {
  if (!('id' in options.shape)) throw new TypeError(`entity "${options.name}" must declare an "id" field`)
  const fields = Object.keys(options.shape)
    .filter((field) => field !== 'id')
    .sort()
  for (const field of Object.keys(options.references ?? {})) {
    if (!(field in options.shape)) {
      throw new TypeError(`entity "${options.name}" references "${field}", which is not one of its fields`)
    }
  }
  return {
    name: options.name,
    key: 'id',
    schema: z.object(options.shape),
    references: options.references ?? {},
    fields,
    version: options.version ?? 1,
  }
}
