import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allEntities } from '../entities/index.ts'
import { formatIssues, ParseError } from '../errors/parse-error.ts'
import { parseRecord } from '../parse/parse-record.ts'
import { hostileJsonText, hostileRecord, hostileText, hostileValue } from '../testing/hostile-values.ts'
import { checkProperty, propertyTimeout } from '../testing/property-runs.ts'
import type { EntityDefinition } from '../types/entity.ts'
import { parseBody } from '../webhooks/body.ts'
import { WebhookError } from '../webhooks/webhook-error.ts'
import { DEFAULT_INPUT_LIMITS } from './input-limits.ts'
import { previewValue } from './preview.ts'
import { scanJsonText } from './scan-json.ts'
import { findLimitViolation } from './value-limits.ts'

// What an error may echo at most, whatever was sent: previews are bounded, so is the message.
const MAX_ECHO = 64 * 1024

function expectBoundedEcho(error: ParseError | WebhookError): void {
  const issues = JSON.stringify(error.issues)
  expect(issues.length).toBeLessThan(MAX_ECHO)
  expect(error.message.length).toBeLessThan(MAX_ECHO)
}

describe('hostile input (property, >= 100,000 inputs per reader in CI)', () => {
  it(
    'parseRecord answers every input of every entity with a Result and a bounded echo',
    async () => {
      const arb = fc.oneof(
        ...allEntities.map((entity) =>
          fc.tuple(fc.constant(entity as EntityDefinition), hostileRecord(Object.keys(entity.schema.shape))),
        ),
      )
      await checkProperty(
        fc.property(arb, ([entity, input]) => {
          const result = parseRecord(entity, input)
          expect(result.isOk() || result.isErr()).toBe(true)
          if (result.isErr()) {
            expect(result.error).toBeInstanceOf(ParseError)
            expectBoundedEcho(result.error)
          }
        }),
      )
    },
    propertyTimeout(),
  )

  it(
    'parseBody answers any bytes and content type with a Result; limits hold before parsing',
    async () => {
      const bytes = fc.oneof(
        hostileJsonText().map((t) => new TextEncoder().encode(t)),
        hostileText(200).map((t) => new TextEncoder().encode(t)),
        fc.uint8Array({ maxLength: 200 }),
      )
      const type = fc.constantFrom(
        null,
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/vnd.api+json; charset=utf-8',
        'image/png',
      )
      await checkProperty(
        fc.property(bytes, type, (body, contentType) => {
          const result = parseBody(body, contentType)
          if (result.isErr()) {
            expect(result.error).toBeInstanceOf(WebhookError)
            expect(result.error.status).toBeGreaterThanOrEqual(400)
            expect(result.error.status).toBeLessThan(500)
            expectBoundedEcho(result.error)
          } else if (result.value.kind === 'json') {
            // Whatever was accepted is within the limits.
            expect(findLimitViolation(result.value.value, DEFAULT_INPUT_LIMITS)).toBeUndefined()
          }
        }),
      )
    },
    propertyTimeout(),
  )

  it(
    'previews are JSON, bounded, and equal to ordinary small values',
    async () => {
      await checkProperty(
        fc.property(hostileValue(), (value) => {
          const preview = previewValue(value)
          const json = JSON.stringify(preview) ?? ''
          expect(json.length).toBeLessThan(MAX_ECHO)
          expect(() =>
            formatIssues('student', [{ path: 'x', rule: 'r', message: 'm', received: value }]),
          ).not.toThrow()
        }),
      )
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
          fc.pre(JSON.stringify(value).length < 200 && !JSON.stringify(value).includes('__proto__'))
          expect(previewValue(value)).toEqual(value)
        }),
        { numRuns: 2_000 },
      )
    },
    propertyTimeout(),
  )

  it(
    'the text scan and the value walk agree on what breaks a limit',
    () => {
      const limits = { maxDepth: 8, maxStringLength: 50, maxRecords: 20 }
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 12 }), (value) => {
          const text = JSON.stringify(value)
          const scanned = scanJsonText(text, limits)
          const walked = findLimitViolation(JSON.parse(text), limits)
          expect(scanned?.rule).toEqual(walked?.rule)
        }),
        { numRuns: 20_000 },
      )
    },
    propertyTimeout(),
  )
})
