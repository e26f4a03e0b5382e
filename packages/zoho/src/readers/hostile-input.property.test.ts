import { ParseError } from '@edusync/core'
import {
  checkProperty,
  hostileJsonText,
  hostileRecord,
  hostileText,
  hostileValue,
  propertyTimeout,
} from '@edusync/core/testing'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ZohoError } from '../errors.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { parseMoney } from '../map/money.ts'
import { readZohoWebhook } from '../webhooks/read-webhook.ts'
import { readZohoRecord } from './read-record.ts'

const MAX_ECHO = 64 * 1024
const modules = Object.values(defaultFieldMap.modules)

describe('Zoho readers on hostile input (property, >= 100,000 inputs per reader in CI)', () => {
  it(
    'readZohoRecord answers every record of every module with a Result and a bounded echo',
    async () => {
      const arb = fc.oneof(
        ...modules.map((m) =>
          fc.tuple(fc.constant(m.module), hostileRecord(Object.values(m.fields).map((f) => f.zoho))),
        ),
      )
      await checkProperty(
        fc.property(arb, ([module, record]) => {
          const result = readZohoRecord(module, record)
          if (result.isErr()) {
            expect(result.error).toBeInstanceOf(ParseError)
            expect(JSON.stringify(result.error.issues).length).toBeLessThan(MAX_ECHO)
            expect(result.error.message.length).toBeLessThan(MAX_ECHO)
          }
        }),
      )
    },
    propertyTimeout(),
  )

  it(
    'readZohoWebhook answers any body (text, bytes, form, parsed value) with a Result',
    async () => {
      const body = fc.oneof(
        hostileJsonText(),
        hostileText(200),
        hostileValue(),
        hostileText(100).map((t) => new TextEncoder().encode(t)),
        hostileText(100).map((t) => new URLSearchParams(t)),
        fc
          .tuple(hostileValue(), fc.constantFrom('channel_id', 'zoho_id', 'ids', 'data', 'module'))
          .map(([v, key]) => ({ [key]: v, ids: ['1'], module: 'BTEC_Students' })),
      )
      const type = fc.constantFrom(
        undefined,
        null,
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
      )
      await checkProperty(
        fc.property(
          body,
          type,
          fc.option(fc.constantFrom('BTEC_Students', '__proto__')),
          (input, contentType, module) => {
            const result = readZohoWebhook(input, contentType, module === null ? {} : { module })
            if (result.isErr()) {
              expect(result.error).toBeInstanceOf(ZohoError)
              expect(result.error.reason).toBe('Decode')
              expect(result.error.message.length).toBeLessThan(MAX_ECHO)
            }
          },
        ),
      )
    },
    propertyTimeout(),
  )

  it(
    'parseMoney answers any value with a MoneyParse',
    async () => {
      await checkProperty(
        fc.property(hostileValue(), fc.constantFrom(undefined, 'USD', 'JPY', 'xx', ''), (value, currency) => {
          const parsed = parseMoney(value, currency)
          expect(typeof parsed.ok).toBe('boolean')
        }),
      )
    },
    propertyTimeout(),
  )
})
