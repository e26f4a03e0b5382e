import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { fieldValues, withField } from '../__fixtures__/field-values.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { CanonicalEntityName, EntityDefinition } from '../index.ts'
import { defineEntity, entities, externalId, fingerprint, parseRecord } from '../index.ts'
import { fingerprintOfJson, fingerprintParsed, syncedJsonParsed } from './fingerprint.ts'

const names = Object.keys(entities) as CanonicalEntityName[]

// A parsed record with one random canonical value in each field that has an arbitrary.
const parsedRecord = fc.constantFrom(...names).chain((name) => {
  const arbs = fieldValues[name]
  return fc.record(arbs).map((values) => {
    let record: Record<string, unknown> = sample(name)
    for (const [field, value] of Object.entries(values)) record = withField(record, field, value)
    const entity = entities[name] as EntityDefinition
    return { entity, parsed: parseRecord(entity, record) }
  })
})

describe('syncedJsonParsed (the text the memory Store keeps)', () => {
  it('hashes to the fingerprint and parses back to the record, as JSON carries it (property)', () => {
    let checked = 0
    fc.assert(
      fc.property(parsedRecord, ({ entity, parsed }) => {
        if (parsed.isErr()) return
        checked++
        const record = parsed.value as Record<string, unknown>
        const json = syncedJsonParsed(entity, record)
        expect(json).toBeTypeOf('string')
        expect(fingerprintOfJson(entity, json as string)).toBe(fingerprintParsed(entity, record))
        expect(fingerprintOfJson(entity, json as string)).toBe(fingerprint(entity, record))
        expect({ ...JSON.parse(json as string), id: record.id }).toEqual(JSON.parse(JSON.stringify(record)))
      }),
      { numRuns: 300 },
    )
    // Most generated records are valid, so the property was checked on many of them.
    expect(checked).toBeGreaterThan(150)
  })

  it('is undefined when the entity syncs fewer fields than its schema holds', () => {
    const full = defineEntity({ name: 'room', shape: { id: externalId, name: z.string(), note: z.string() } })
    const partial: EntityDefinition = { ...full, fields: ['name'] }
    const record = { id: 'r1', name: 'Hall', note: 'not synced' }
    expect(syncedJsonParsed(full, record)).toBe('{"name":"Hall","note":"not synced"}')
    expect(syncedJsonParsed(partial, record)).toBeUndefined()
  })

  it('is undefined when a value does not have its schema shape (the generic path)', () => {
    const room = defineEntity({ name: 'room', shape: { id: externalId, opened: z.date() } })
    expect(syncedJsonParsed(room, { id: 'r1', opened: new Date(0) })).toBeUndefined()
  })

  it('is undefined when the schema declares a __proto__ key, which a copy cannot hold', () => {
    const odd = defineEntity({
      name: 'odd',
      shape: { id: externalId, meta: z.object({ ['__proto__']: z.string().optional(), a: z.string() }) },
    })
    expect(syncedJsonParsed(odd, { id: 'o1', meta: { a: 'x' } })).toBeUndefined()
  })
})
