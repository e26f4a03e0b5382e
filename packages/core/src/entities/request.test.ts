import { describe, expect, it } from 'vitest'
import { sample } from '../__fixtures__/samples.ts'
import { entities, orderEntities, parseRecord, studentRequest } from '../index.ts'

describe('request (student request)', () => {
  it('parses a full record and normalises the request date to UTC', () => {
    const record = { ...sample('request', 'r-1'), requestDate: '2026-01-14T10:30:00+03:00' }
    expect(parseRecord(studentRequest, record)._unsafeUnwrap()).toEqual({
      ...sample('request', 'r-1'),
      requestDate: '2026-01-14T07:30:00.000Z',
    })
  })

  it('reads blank optional fields as null and takes a record with only id and student', () => {
    const parsed = parseRecord(studentRequest, {
      id: 'r-2',
      studentId: 's-1',
      description: '  ',
      requestDate: '',
    })
    expect(parsed._unsafeUnwrap()).toEqual({
      id: 'r-2',
      studentId: 's-1',
      description: null,
      requestDate: null,
    })
  })

  it.each([
    { field: 'studentId', value: undefined, rule: 'missing', says: 'expected an id string' },
    { field: 'studentId', value: '   ', rule: 'too_small', says: 'non-empty id' },
    { field: 'id', value: 2 ** 60, rule: 'invalid_type', says: 'not a safe integer' },
    { field: 'status', value: 'Pending (Default)', rule: 'invalid_value', says: 'pending' },
    {
      field: 'requestDate',
      value: '2026-01-14',
      rule: 'iso_instant',
      says: 'ISO-8601 date-time with offset',
    },
    { field: 'requestDate', value: '2026-01-14T10:30:00', rule: 'iso_instant', says: 'with offset' },
    { field: 'type', value: 42, rule: 'invalid_type', says: 'string' },
  ])('rejects $field = $value naming the field, rule $rule and the value', ({ field, value, rule, says }) => {
    const record: Record<string, unknown> = { ...sample('request', 'r-3'), [field]: value }
    if (value === undefined) delete record[field]
    const issues = parseRecord(studentRequest, record)._unsafeUnwrapErr().issues
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ path: field, rule, message: expect.stringContaining(says) })
    if (value !== undefined) expect(issues[0]?.received).toEqual(value)
  })

  it('is a shipped entity ordered after its student', () => {
    expect(entities.request).toBe(studentRequest)
    const order = orderEntities([studentRequest, entities.student])._unsafeUnwrap()
    expect(order.indexOf('student')).toBeLessThan(order.indexOf('request'))
  })
})
