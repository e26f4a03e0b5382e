import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { API } from '../__fixtures__/handlers.ts'
import { registrationRecord, studentRecord } from '../__fixtures__/records.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { readZohoRecord } from '../readers/read-record.ts'
import { fetchWebhookRecords } from './fetch-webhook-records.ts'
import { verifyZohoNotificationToken } from './notification-token.ts'
import { readZohoWebhook } from './read-webhook.ts'

const server = useZohoServer()

describe('readZohoWebhook', () => {
  it('reads {"data":[...]} sent by Deluge', () => {
    const body = JSON.stringify({ data: [studentRecord], module: 'BTEC_Students' })
    expect(readZohoWebhook(body, 'application/json')._unsafeUnwrap()).toEqual({
      kind: 'records',
      module: 'BTEC_Students',
      records: [studentRecord],
    })
  })

  it('reads a single record as JSON, taking the module from the caller', () => {
    const hook = readZohoWebhook(JSON.stringify(registrationRecord), 'application/json; charset=utf-8', {
      module: 'BTEC_Registrations',
    })._unsafeUnwrap()
    expect(hook).toEqual({ kind: 'records', module: 'BTEC_Registrations', records: [registrationRecord] })
  })

  it('reads a record sent as form fields, and the record reads strictly into a canonical registration', () => {
    const form = new URLSearchParams({
      module: 'BTEC_Registrations',
      id: '6493490000006001401',
      Name: 'REG-00412',
      Student_ID: '6493490000001291001',
      Program: '6493490000000812003',
      Registration_Date: '2024-09-15',
      Registration_Status: 'Freeze',
      Program_Price: '4400$',
      Discount: 'false',
      Discount_Percentage: '',
      Intake: '',
    })
    const hook = readZohoWebhook(form.toString(), 'application/x-www-form-urlencoded')._unsafeUnwrap()
    expect(hook.kind).toBe('records')
    if (hook.kind !== 'records') return
    expect(hook.module).toBe('BTEC_Registrations')
    const registration = readZohoRecord(
      'registration',
      hook.records[0],
      withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' }),
    )
    expect(registration._unsafeUnwrap()).toEqual({
      id: '6493490000006001401',
      code: 'REG-00412',
      studentId: '6493490000001291001',
      programId: '6493490000000812003',
      registrationDate: '2024-09-15',
      status: 'frozen',
      programPrice: { minor: 440000, currency: 'USD' },
      discount: false,
      discountPercent: null,
      // A blank merge field is "no value", like null (issue 8.3).
      intake: null,
    })
  })

  it('accepts a URLSearchParams body and bytes', () => {
    const params = new URLSearchParams({ zoho_id: '6493490000001291001', module: 'BTEC_Students' })
    const expected = { kind: 'ids', module: 'BTEC_Students', ids: ['6493490000001291001'] }
    expect(readZohoWebhook(params)._unsafeUnwrap()).toEqual(expected)
    expect(
      readZohoWebhook(
        new TextEncoder().encode('{"zoho_id":"6493490000001291001","module":"BTEC_Students"}'),
      )._unsafeUnwrap(),
    ).toEqual(expected)
  })

  it('reads an id-only JSON body as needing a fetch', () => {
    const body = '{"zoho_id":"6493490000001291001","module":"BTEC_Students"}'
    expect(readZohoWebhook(body, 'application/json')._unsafeUnwrap()).toEqual({
      kind: 'ids',
      module: 'BTEC_Students',
      ids: ['6493490000001291001'],
    })
  })

  it('reads ids[] form fields', () => {
    const body =
      'module=BTEC_Classes&ids%5B%5D=6493490000004001201&ids%5B%5D=6493490000004001202&operation=update'
    expect(readZohoWebhook(body, 'application/x-www-form-urlencoded')._unsafeUnwrap()).toEqual({
      kind: 'ids',
      module: 'BTEC_Classes',
      ids: ['6493490000004001201', '6493490000004001202'],
      operation: 'update',
    })
  })

  it('reads a notification-channel callback and verifies its token', () => {
    const body = {
      server_time: 1736504528000,
      query_params: { tenant: 'acme' },
      module: 'BTEC_Grades',
      resource_uri: 'https://www.zohoapis.com/crm/v2/BTEC_Grades',
      ids: ['6493490000008001701', '6493490000008001702'],
      affected_fields: [{ '6493490000008001701': ['Grade', 'Grade_Status'] }],
      operation: 'update',
      channel_id: '1000000068001',
      token: 'grades-channel-secret',
    }
    const hook = readZohoWebhook(JSON.stringify(body), 'application/json')._unsafeUnwrap()
    expect(hook).toEqual({
      kind: 'ids',
      module: 'BTEC_Grades',
      ids: ['6493490000008001701', '6493490000008001702'],
      operation: 'update',
      notification: {
        channelId: '1000000068001',
        token: 'grades-channel-secret',
        serverTime: 1736504528000,
        affectedFields: { '6493490000008001701': ['Grade', 'Grade_Status'] },
      },
    })
    expect(verifyZohoNotificationToken(hook, 'grades-channel-secret')).toBe(true)
    expect(verifyZohoNotificationToken(hook, 'grades-channel-secreT')).toBe(false)
    expect(verifyZohoNotificationToken(hook, '')).toBe(false)
    expect(verifyZohoNotificationToken(readZohoWebhook(body)._unsafeUnwrap(), 'x')).toBe(false)
  })

  // What Zoho sends when a merge field does not resolve: the literal template, dollar sign and all.
  const template = ['$', '{!BTEC_Students.Id}'].join('')
  it.each([
    ['JSON', `{"zoho_id":"${template}","module":"BTEC_Students"}`, 'application/json'],
    [
      'form',
      `zoho_id=${encodeURIComponent(template)}&module=BTEC_Students`,
      'application/x-www-form-urlencoded',
    ],
    ['broken JSON', `{"zoho_id":${template},"module":"BTEC_Students"}`, 'application/json'],
  ])('rejects an unsubstituted merge-field template (%s)', (_, body, type) => {
    const error = readZohoWebhook(body, type)._unsafeUnwrapErr()
    expect(error.reason).toBe('Decode')
    expect(error.message).toContain(`unsubstituted Zoho template ${template}`)
  })

  it.each([
    ['a template in the wrong merge syntax', ['$', '{Students.id}'].join(''), 'unresolved template'],
    ['a name', 'Ayşe Yılmaz', 'not a Zoho record id, which is digits'],
    ['a negative number text', '-12', 'not a Zoho record id, which is digits'],
  ])('rejects an id-only body whose id is %s, naming the field', (_, id, message) => {
    for (const body of [
      JSON.stringify({ zoho_id: id, module: 'BTEC_Students' }),
      JSON.stringify({ ids: ['6493490000001291001', id], module: 'BTEC_Students' }),
    ]) {
      const error = readZohoWebhook(body, 'application/json')._unsafeUnwrapErr()
      expect(error.reason).toBe('Decode')
      expect(error.message).toMatch(/^(zoho_id|ids\[1\]) /)
      expect(error.message).toContain(message)
    }
  })

  it('rejects an id that arrived as an unsafe JSON number', () => {
    const error = readZohoWebhook(
      '{"zoho_id":6493490000001291001,"module":"BTEC_Students"}',
      'application/json',
    )._unsafeUnwrapErr()
    expect(error.message).toContain('digits are already lost')
  })

  it('rejects ids without a module, empty bodies and bad JSON', () => {
    expect(readZohoWebhook('{"zoho_id":"1"}', 'application/json')._unsafeUnwrapErr().message).toContain(
      'no module',
    )
    expect(readZohoWebhook('', 'application/json')._unsafeUnwrapErr().message).toContain('empty')
    expect(readZohoWebhook('{"a":', 'application/json')._unsafeUnwrapErr().message).toContain(
      'not valid JSON',
    )
    expect(readZohoWebhook('{"data":[1]}', 'application/json')._unsafeUnwrapErr().message).toContain(
      'data[0] is not a record',
    )
  })

  it('reads a form field holding the record JSON as data', () => {
    const body = new URLSearchParams({
      module: 'BTEC_Students',
      data: JSON.stringify([studentRecord]),
    }).toString()
    expect(readZohoWebhook(body, 'application/x-www-form-urlencoded')._unsafeUnwrap()).toEqual({
      kind: 'records',
      module: 'BTEC_Students',
      records: [studentRecord],
    })
  })
})

describe('fetchWebhookRecords', () => {
  it('fetches ids in one list call with the fields the map reads', async () => {
    const seen: URLSearchParams[] = []
    server.use(
      http.get(`${API}/crm/v8/BTEC_Students`, ({ request }) => {
        const params = new URL(request.url).searchParams
        seen.push(params)
        const ids = (params.get('ids') ?? '').split(',')
        return HttpResponse.json({
          data: ids.map((id) => ({ ...studentRecord, id })),
          info: { more_records: false, count: ids.length },
        })
      }),
    )
    const hook = readZohoWebhook({ ids: ['1', '2', '3'], module: 'BTEC_Students' })._unsafeUnwrap()
    const records = (await fetchWebhookRecords(createZohoClient(testConfig), hook))._unsafeUnwrap()
    expect(records.map((r) => r.id)).toEqual(['1', '2', '3'])
    expect(seen).toHaveLength(1)
    expect(seen[0]?.get('fields')?.split(',')).toEqual(
      expect.arrayContaining(['Name', 'First_Name', 'Status', 'Program', 'Currency']),
    )
  })

  it('returns records the webhook already holds without a call', async () => {
    const hook = readZohoWebhook({ data: [studentRecord] })._unsafeUnwrap()
    expect((await fetchWebhookRecords(createZohoClient(testConfig), hook))._unsafeUnwrap()).toEqual([
      studentRecord,
    ])
  })
})

describe('readZohoWebhook on hostile bodies (issue 18)', () => {
  // Regression: String({toString: 1}) threw a TypeError out of the reader (a 500 over HTTP).
  it('answers a channel_id that cannot be stringified with a Decode error', () => {
    const result = readZohoWebhook('{"channel_id":{"toString":1},"ids":["1"]}', 'application/json', {
      module: 'BTEC_Students',
    })
    expect(result._unsafeUnwrapErr().reason).toBe('Decode')
    expect(result._unsafeUnwrapErr().message).toMatch(/channel_id/)
  })

  // Regression: the template search recursed without bound and overflowed the stack.
  it('refuses a body nested 5,000 deep before parsing or searching it, text or value', () => {
    const deep = `${'['.repeat(5_000)}"\${!Leads.Id}"${']'.repeat(5_000)}`
    const asText = readZohoWebhook(`{"data":${deep}}`, 'application/json')
    expect(asText._unsafeUnwrapErr().message).toMatch(
      /nested deeper than the limit of 64 levels \(max_depth\)/,
    )
    const asValue = readZohoWebhook({ data: JSON.parse(deep) }, null)
    expect(asValue._unsafeUnwrapErr().message).toMatch(/max_depth/)
  })

  it('refuses more records than the limit', () => {
    const body = { data: Array.from({ length: 11 }, (_, i) => ({ id: String(i) })), module: 'BTEC_Students' }
    const result = readZohoWebhook(body, null, {
      limits: { maxDepth: 64, maxStringLength: 1000, maxRecords: 10 },
    })
    expect(result._unsafeUnwrapErr().message).toMatch(/max_records/)
  })
})
