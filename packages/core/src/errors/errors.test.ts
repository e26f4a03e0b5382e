import { describe, expect, it } from 'vitest'
import type { StoreErrorReason, SyncErrorReason } from '../index.ts'
import { ParseError, StoreError, SyncError } from '../index.ts'

describe('StoreError', () => {
  it.each([
    ['Unavailable', true],
    ['Conflict', true],
    ['Timeout', true],
    ['Invalid', false],
    ['Corrupt', false],
  ] as [StoreErrorReason, boolean][])('is retryable=%s for reason %s', (reason, retryable) => {
    const error = new StoreError(reason, 'x', { cause: new Error('socket hang up') })
    expect(error.retryable).toBe(retryable)
    expect(error.name).toBe('StoreError')
    expect(error.cause).toBeInstanceOf(Error)
  })
})

describe('SyncError', () => {
  it.each([
    ['Store', new StoreError('Conflict', 'deadlock'), true],
    ['Store', new StoreError('Corrupt', 'bad row'), false],
    ['Store', undefined, false],
    ['Aborted', undefined, true],
    ['UnknownEntity', undefined, false],
    ['Cycle', undefined, false],
  ] as [SyncErrorReason, StoreError | undefined, boolean][])(
    '%s caused by %o is retryable=%s',
    (reason, cause, retryable) => {
      expect(new SyncError(reason, 'm', { cause }).retryable).toBe(retryable)
    },
  )

  it('carries the counts completed before the failure', () => {
    const completed = {
      total: 2,
      new: 2,
      unchanged: 0,
      updated: 0,
      invalid: 0,
      deferred: 0,
      error: 0,
      deleted: 0,
      restored: 0,
    }
    expect(new SyncError('Aborted', 'stopped', { completed }).completed).toEqual(completed)
  })
})

describe('ParseError', () => {
  it('renders every issue with path, message and received value, "nothing" for absent and long values cut', () => {
    const error = new ParseError(
      'student',
      [
        {
          path: 'birthDate',
          rule: 'iso_date',
          message: 'expected a calendar date YYYY-MM-DD',
          received: '15/01/2026',
        },
        { path: 'lastName', rule: 'missing', message: 'required field is missing', received: undefined },
        { path: '', rule: 'invalid_type', message: 'expected a record object', received: 'x'.repeat(100) },
      ],
      '42',
    )
    expect(error.reason).toBe('Invalid')
    expect(error.message).toBe(
      `invalid student 42: birthDate: expected a calendar date YYYY-MM-DD (received "15/01/2026"); ` +
        `lastName: required field is missing (received nothing); (record): expected a record object (received "${'x'.repeat(76)}...)`,
    )
  })
})
