import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { createMemoryStore, entities, fingerprint, parseRecord } from '../index.ts'
import { makeRegistration } from '../sample-data/index.ts'
import { buildsFreshOutput, CheckedWrite } from './checked-text.ts'

describe('checked text (the Store write check skips data the engine already checked)', () => {
  it('trusts every canonical entity: their parsers build every object and array afresh', () => {
    for (const entity of Object.values(entities)) expect(buildsFreshOutput(entity.schema)).toBe(true)
    type WithSchedule = { paymentSchedule?: unknown[] }
    const input = makeRegistration(3, { programs: 4, students: 10 }) as WithSchedule
    const output: WithSchedule = parseRecord(entities.registration, input)._unsafeUnwrap()
    expect(output).not.toBe(input)
    expect(output.paymentSchedule).not.toBe(input.paymentSchedule)
    expect(output.paymentSchedule?.[0]).not.toBe(input.paymentSchedule?.[0])
  })

  it.each([
    ['an unknown field', z.object({ id: z.string(), payload: z.unknown() })],
    ['a record of unknowns', z.object({ id: z.string(), bag: z.record(z.string(), z.unknown()) })],
    ['a loose object', z.looseObject({ id: z.string() })],
    ['a transform to an object', z.object({ id: z.string(), x: z.string().transform((s) => ({ s })) })],
  ])('does not trust a schema with %s (its output may share the input objects)', (_, schema) => {
    expect(buildsFreshOutput(schema)).toBe(false)
  })

  it('still walks a caller-built write: parseRecord output changed afterwards is refused by the Store', async () => {
    const store = createMemoryStore()
    const input = makeRegistration(1, { programs: 4, students: 10 })
    const data = parseRecord(entities.registration, input)._unsafeUnwrap() as Record<string, unknown>
    const fp = fingerprint(entities.registration, data)
    data.intake = 'Sept\u0000ember'
    const result = await store.applyBatch('t', 'registration', {
      upserts: [{ id: String(data.id), fingerprint: fp, data }],
      park: [],
      unpark: [],
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect(result._unsafeUnwrapErr().message).toMatch(/intake: .*NUL character/)
  })
  it("still checks an engine-built write's id, which its data check did not cover", async () => {
    const store = createMemoryStore()
    const data = parseRecord(entities.registration, makeRegistration(2, { programs: 4, students: 10 }))
    const parsed = data._unsafeUnwrap() as Record<string, unknown>
    const fp = fingerprint(entities.registration, parsed)
    const result = await store.applyBatch('t', 'registration', {
      upserts: [new CheckedWrite('reg\uD800', fp, parsed)],
      park: [],
      unpark: [],
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect(result._unsafeUnwrapErr().message).toMatch(/lone surrogate/)
    expect((await store.countRecords('t', 'registration'))._unsafeUnwrap()).toBe(0)
  })
})
