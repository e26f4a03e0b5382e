import { describe, expect, it } from 'vitest'
import { entities } from '../entities/index.ts'
import { StoreError } from '../errors/store-error.ts'
import { SyncError } from '../errors/sync-error.ts'
import { parseRecord } from '../parse/parse-record.ts'
import { createMemoryStore } from '../store/memory-store.ts'
import { createSyncEngine } from '../sync/sync-engine.ts'
import { parseBody } from '../webhooks/body.ts'
import { toWebhookError } from '../webhooks/webhook-handler.ts'
import { DEFAULT_INPUT_LIMITS, resolveLimits } from './input-limits.ts'
import { previewValue } from './preview.ts'
import { scanJsonText } from './scan-json.ts'
import { findLimitViolation } from './value-limits.ts'

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf'
  for (let i = 0; i < depth; i++) v = [v]
  return v
}
const bytes = (text: string) => new TextEncoder().encode(text)
const student = { id: 's1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }

describe('input limits', () => {
  it('defaults to depth 64, 100,000 characters and 10,000 records, and refuses nonsense limits', () => {
    expect(DEFAULT_INPUT_LIMITS).toEqual({ maxDepth: 64, maxStringLength: 100_000, maxRecords: 10_000 })
    expect(resolveLimits({ maxDepth: 8 })).toEqual({ ...DEFAULT_INPUT_LIMITS, maxDepth: 8 })
    expect(() => resolveLimits({ maxDepth: 0 })).toThrow(/maxDepth must be a positive integer/)
  })

  it('finds the first broken limit with its path, in values and in JSON text alike', () => {
    const value = { a: [1, { b: 'x'.repeat(11) }] }
    const limits = { maxDepth: 64, maxStringLength: 10, maxRecords: 5 }
    const expected = { path: 'a.1.b', rule: 'max_length', message: expect.stringMatching(/11 characters/) }
    expect(findLimitViolation(value, limits)).toEqual(expected)
    expect(scanJsonText(JSON.stringify(value), limits)).toEqual(expected)
    expect(scanJsonText('{"a":[1,2,3,4,5,6]}', limits)).toMatchObject({ path: 'a', rule: 'max_records' })
    expect(scanJsonText(`{"k":${JSON.stringify(nested(64))}}`, DEFAULT_INPUT_LIMITS)).toMatchObject({
      rule: 'max_depth',
    })
  })

  it('reports a cycle as too deep instead of overflowing the stack', () => {
    const cycle: Record<string, unknown> = { id: 'c' }
    cycle.self = cycle
    expect(findLimitViolation(cycle, DEFAULT_INPUT_LIMITS)?.rule).toBe('max_depth')
  })
})

describe('parseRecord on hostile values (issue 18)', () => {
  // Regression: a very deep array made formatting the issue throw (JSON.stringify overflowed).
  it('refuses a record nested 2,000 deep as max_depth, echoing a bounded preview', () => {
    const result = parseRecord(entities.student, { ...student, metadata: nested(2_000) })
    const error = result._unsafeUnwrapErr()
    expect(error.issues[0]).toMatchObject({
      rule: 'max_depth',
      path: expect.stringMatching(/^metadata(\.0)+$/),
    })
    expect(JSON.stringify(error.issues).length).toBeLessThan(2_000)
  })

  // Regression: a BigInt in a null-prototype object made formatting the issue throw.
  it('answers a BigInt in a null-prototype object with err, not an exception', () => {
    const input = Object.assign(Object.create(null) as object, { id: 10n, firstName: 1n })
    const error = parseRecord(entities.student, input)._unsafeUnwrapErr()
    expect(error.issues.find((i) => i.path === 'id')?.received).toBe('10n')
  })

  it('refuses a field longer than maxStringLength as max_length and cuts the echo', () => {
    const result = parseRecord(entities.student, { ...student, firstName: 'x'.repeat(100_001) })
    const issue = result._unsafeUnwrapErr().issues[0]
    expect(issue).toMatchObject({ path: 'firstName', rule: 'max_length' })
    expect(String(issue?.received)).toMatch(/…\(\+99745 characters\)$/)
  })

  it('answers a record whose getters throw with err naming the record unreadable', () => {
    const input = { id: 's1' }
    Object.defineProperty(input, 'firstName', {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    expect(parseRecord(entities.student, input).isErr()).toBe(true)
  })

  it('keeps ordinary received values as they are', () => {
    expect(previewValue({ a: [1, 'two', null], b: { c: true } })).toEqual({
      a: [1, 'two', null],
      b: { c: true },
    })
  })
})

describe('parseBody limits (checked before parsing)', () => {
  // Regression: a ~10 KB body nested ~2,000 deep was parsed, then echoed whole into a stored reply.
  it('answers a body nested 2,000 deep with 400 max_depth', () => {
    const e = parseBody(
      bytes(`{"data":[${JSON.stringify(nested(2_000))}]}`),
      'application/json',
    )._unsafeUnwrapErr()
    expect(e.status).toBe(400)
    expect(e.issues[0]).toMatchObject({ rule: 'max_depth' })
  })

  // Regression: 2 MB of [{},{},...] (~700,000 records) blocked the event loop for ~13 s.
  it('answers 700,000 records with 413 max_records before parsing them', () => {
    const body = bytes(`[${'{},'.repeat(700_000)}{}]`)
    const e = parseBody(body, 'application/json')._unsafeUnwrapErr()
    expect(e.status).toBe(413)
    expect(e.issues[0]).toMatchObject({ path: '', rule: 'max_records' })
  })

  it('answers an over-long form field with 400 max_length naming the field', () => {
    const form = `a=1&note=${'x'.repeat(101)}`
    const e = parseBody(bytes(form), 'application/x-www-form-urlencoded', {
      ...DEFAULT_INPUT_LIMITS,
      maxStringLength: 100,
    })._unsafeUnwrapErr()
    expect(e.issues[0]).toMatchObject({ path: 'note', rule: 'max_length' })
  })
})

describe('engine limits', () => {
  it('refuses a syncBatch call with more records than maxRecords, whole, as Invalid', async () => {
    const engine = createSyncEngine({ store: createMemoryStore(), limits: { maxRecords: 3 } })
    const result = await engine.syncBatch({ tenant: 't', entity: 'student', records: [{}, {}, {}, {}] })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
    expect(result._unsafeUnwrapErr().message).toMatch(/4 records exceed the limit of 3/)
  })

  it('refuses records that are not an array instead of throwing', async () => {
    const engine = createSyncEngine({ store: createMemoryStore() })
    const result = await engine.syncBatch({ tenant: 't', entity: 'student', records: null as never })
    expect(result._unsafeUnwrapErr().reason).toBe('Invalid')
  })

  it('lets timers run while a large all-INVALID batch or stream is prepared', async () => {
    const engine = createSyncEngine({ store: createMemoryStore() })
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    const records = Array.from({ length: 5_000 }, () => ({}))
    const batch = await engine.syncBatch({ tenant: 't', entity: 'student', records })
    const afterBatch = ticks
    const stream = await engine.syncStream({ tenant: 't', entity: 'student', records, batchSize: 500 })
    clearInterval(timer)
    expect(batch._unsafeUnwrap().counts.invalid).toBe(5_000)
    expect(stream._unsafeUnwrap().counts.invalid).toBe(5_000)
    expect(afterBatch).toBeGreaterThan(0)
    expect(ticks).toBeGreaterThan(afterBatch)
  })
})

describe('toWebhookError', () => {
  it('answers content the Store refuses as invalid with 422 (never retryable), outages with 503', () => {
    const invalid = new SyncError('Store', 'x', { cause: new StoreError('Invalid', 'NUL in text') })
    expect(toWebhookError(invalid).status).toBe(422)
    expect(toWebhookError(new SyncError('Invalid', 'too many')).status).toBe(422)
    const down = new SyncError('Store', 'x', { cause: new StoreError('Unavailable', 'down') })
    expect(toWebhookError(down).status).toBe(503)
  })
})
