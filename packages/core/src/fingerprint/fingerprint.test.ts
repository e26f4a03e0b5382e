import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { ABSENT, fieldValues, withField } from '../__fixtures__/field-values.ts'
import { sample } from '../__fixtures__/samples.ts'
import type { CanonicalEntityName, EntityDefinition } from '../index.ts'
import {
  canonicalJson,
  changedFields,
  defineEntity,
  entities,
  externalId,
  fingerprint,
  fingerprintInput,
  isFingerprint,
  isoInstant,
  parseRecord,
  teacher,
} from '../index.ts'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
const names = Object.keys(entities) as CanonicalEntityName[]

/** Reverses key order at every level, to prove order never matters. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  )
}

/** The documented input, built from the reference serializer: name@version, newline, canonical JSON of the synced fields. */
function documentedInput(entity: EntityDefinition, record: Record<string, unknown>): string {
  const synced = Object.fromEntries(entity.fields.filter((f) => f in record).map((f) => [f, record[f]]))
  return `${entity.name}@${entity.version}\n${canonicalJson(synced)}`
}

describe('fingerprintInput', () => {
  it('reproduces the documented bytes for a flat record, written out by hand', () => {
    const record = { id: 't-1', name: 'Ali Veli', phone: '', email: null, academicEmail: undefined }
    const bytes = 'teacher@1\n{"email":null,"name":"Ali Veli","phone":""}'
    expect(fingerprintInput(teacher, record)).toBe(bytes)
    expect(fingerprint(teacher, record)).toBe(sha256(bytes))
  })

  it('reproduces the documented bytes for nested money and arrays, written out by hand', () => {
    const parsed = parseRecord(entities.payment, {
      paymentDate: '2026-01-14',
      amount: { currency: 'usd', minor: 150000 },
      registrationId: 9007199254740991,
      id: 'pay-1',
      note: 'Şube: İzmir "merkez"',
      installmentNumber: 0,
    })._unsafeUnwrap()
    const bytes =
      'payment@1\n{"amount":{"currency":"USD","minor":150000},"installmentNumber":0,' +
      '"note":"Şube: İzmir \\"merkez\\"","paymentDate":"2026-01-14","registrationId":"9007199254740991"}'
    expect(fingerprintInput(entities.payment, parsed)).toBe(bytes)
    expect(fingerprint(entities.payment, parsed)).toBe(sha256(bytes))
  })

  it.each(names)('equals the documented serialization for any %s record (property)', (name) => {
    const entity = entities[name]
    const record = fc.record(fieldValues[name]).map((values) => {
      let rec: Record<string, unknown> = { id: 'r1' }
      for (const [field, value] of Object.entries(values)) rec = withField(rec, field, value)
      return rec
    })
    fc.assert(
      fc.property(record, (rec) => {
        expect(fingerprintInput(entity, rec)).toBe(documentedInput(entity, rec))
        expect(fingerprint(entity, reversed(rec) as Record<string, unknown>)).toBe(fingerprint(entity, rec))
      }),
      { numRuns: 200 },
    )
  })

  it('still equals the documented serialization when values do not have their schema shape', () => {
    const odd = {
      ...sample('registration'),
      status: 7,
      programPrice: { minor: 1, currency: 'USD', note: 'an undeclared key' },
      paymentSchedule: [{ number: '1', extra: [1, { b: 2, a: 1 }] }, undefined, 'x'],
      remainingAmount: [],
      unknownTopLevel: 'not synced',
    }
    expect(fingerprintInput(entities.registration, odd)).toBe(documentedInput(entities.registration, odd))
  })
})

describe('fingerprint', () => {
  it('is 64 lower-case hex characters', () => {
    const value = fingerprint(teacher, { id: '1', name: 'A' })
    expect(isFingerprint(value)).toBe(true)
    expect(value).toMatch(/^[0-9a-f]{64}$/)
  })

  it('does not depend on key order, at any depth', () => {
    for (const name of names) {
      expect(fingerprint(entities[name], reversed(sample(name)) as Record<string, unknown>)).toBe(
        fingerprint(entities[name], sample(name)),
      )
    }
  })

  it('tells 0, null, absent and "" apart', () => {
    const base = sample('grade')
    const outcome = (score: unknown) => ({ code: 'LO1', ...(score === 'absent' ? {} : { score }) })
    const prints = [0, null, 'absent', ''].map((score) =>
      fingerprint(entities.grade, { ...base, learningOutcomes: [outcome(score)] }),
    )
    expect(new Set(prints).size).toBe(4)
    const top = [0, null, 'absent', ''].map((code) =>
      fingerprint(entities.grade, withField(base, 'code', code === 'absent' ? ABSENT : code)),
    )
    expect(new Set(top).size).toBe(4)
  })

  it('is case-sensitive', () => {
    const a = sample('student')
    expect(fingerprint(entities.student, { ...a, firstName: 'ayşe' })).not.toBe(
      fingerprint(entities.student, a),
    )
    expect(fingerprint(entities.student, { ...a, email: 'AYSE.YILMAZ@example.com' })).not.toBe(
      fingerprint(entities.student, a),
    )
  })

  it('ignores the key and fields that are not synced', () => {
    const a = sample('teacher', 'one')
    expect(fingerprint(teacher, { ...a, id: 'two', notAField: 1 })).toBe(fingerprint(teacher, a))
  })

  it('normalises money: a lower-case currency fingerprints like the upper-case one once parsed', () => {
    const parse = (currency: string) =>
      parseRecord(entities.payment, {
        ...sample('payment'),
        amount: { minor: 1000, currency },
      })._unsafeUnwrap()
    expect(fingerprint(entities.payment, parse('usd'))).toBe(fingerprint(entities.payment, parse('USD')))
    expect(fingerprint(entities.payment, parse('eur'))).not.toBe(fingerprint(entities.payment, parse('USD')))
  })

  it('normalises instants: one moment written with two offsets fingerprints the same once parsed', () => {
    const event = defineEntity({ name: 'event', shape: { id: externalId, at: isoInstant } })
    const at = (value: string) => parseRecord(event, { id: 'e', at: value })._unsafeUnwrap()
    expect(fingerprint(event, at('2023-12-20T11:59:13+03:00'))).toBe(
      fingerprint(event, at('2023-12-20T08:59:13Z')),
    )
    expect(fingerprint(event, at('2023-12-20T11:59:13+02:00'))).not.toBe(
      fingerprint(event, at('2023-12-20T08:59:13Z')),
    )
  })

  it('changes with the entity version, so a change of meaning re-syncs every record', () => {
    const shape = { id: externalId, name: z.string() }
    const v1 = defineEntity({ name: 'room', shape })
    const v2 = defineEntity({ name: 'room', shape, version: 2 })
    expect(fingerprint(v1, { id: '1', name: 'A' })).not.toBe(fingerprint(v2, { id: '1', name: 'A' }))
    expect(fingerprintInput(v2, { id: '1', name: 'A' })).toBe('room@2\n{"name":"A"}')
  })

  it('serializes index-like and special keys in UTF-16 order like canonicalJson', () => {
    const odd = defineEntity({
      name: 'odd',
      shape: {
        id: externalId,
        bag: z.object({ '10': z.string(), '9': z.string(), ['__proto__']: z.string() }),
      },
    })
    const record = { id: '1', bag: { '9': 'b', '10': 'a', ['__proto__']: 'c' } }
    expect(fingerprintInput(odd, record)).toBe(documentedInput(odd, record))
  })
})

describe('changedFields', () => {
  const reference = (entity: EntityDefinition, a: Record<string, unknown>, b: Record<string, unknown>) =>
    entity.fields.filter((f) =>
      a[f] === undefined || b[f] === undefined ? a[f] !== b[f] : canonicalJson(a[f]) !== canonicalJson(b[f]),
    )

  it.each(names)(
    'names exactly the fields whose canonical JSON differs, for any two %s records (property)',
    (name) => {
      const entity = entities[name]
      const record = fc.record(fieldValues[name]).map((values) => {
        let rec: Record<string, unknown> = { id: 'r1' }
        for (const [field, value] of Object.entries(values)) rec = withField(rec, field, value)
        return rec
      })
      fc.assert(
        fc.property(record, record, (a, b) => {
          expect(changedFields(entity, a, b)).toEqual(reference(entity, a, b))
          expect(changedFields(entity, a, reversed(a) as Record<string, unknown>)).toEqual([])
        }),
        { numRuns: 100 },
      )
    },
  )

  it('sees an undeclared nested key in stored data as a change', () => {
    const a = sample('registration')
    const b = { ...a, programPrice: { minor: 450000, currency: 'USD', legacyRate: 1 } }
    expect(changedFields(entities.registration, a, b)).toEqual(['programPrice'])
  })

  it('names exactly the synced fields whose canonical value differs', () => {
    const a = sample('payment')
    const b = {
      ...(reversed(a) as Record<string, unknown>),
      method: 'cash',
      note: null,
      voucherNumber: undefined,
    }
    expect(changedFields(entities.payment, a, b)).toEqual(['method', 'note', 'voucherNumber'])
    expect(changedFields(entities.payment, a, reversed(a) as Record<string, unknown>)).toEqual([])
  })
})
