import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { API, lastPageInfo, successItem } from '../__fixtures__/handlers.ts'
import { studentRecord } from '../__fixtures__/records.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { buildCriteria, coqlString } from './criteria.ts'

const server = useZohoServer()
const fields = ['Name', 'First_Name', 'Last_Name']

/** A fake Zoho module of `total` records that pages exactly like Zoho (page up to 2,000, then page_token). */
function pagedModule(total: number) {
  const requests: URLSearchParams[] = []
  server.use(
    http.get(`${API}/crm/v8/BTEC_Students`, ({ request }) => {
      const params = new URL(request.url).searchParams
      requests.push(params)
      const perPage = Number(params.get('per_page'))
      const token = params.get('page_token')
      const page = Number(params.get('page') ?? 0)
      if (token && params.has('page')) {
        return HttpResponse.json(
          {
            code: 'INVALID_REQUEST',
            details: {},
            message: 'page and page_token cannot be combined',
            status: 'error',
          },
          { status: 400 },
        )
      }
      const start = token ? Number(token.replace('tok-', '')) : (page - 1) * perPage
      if (!token && page * perPage > 2000) {
        return HttpResponse.json(
          {
            code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
            details: { limit: 2000 },
            message: 'You can only get the first 2000 records without using page_token param',
            status: 'error',
          },
          { status: 400 },
        )
      }
      const end = Math.min(total, start + perPage)
      const data = Array.from({ length: end - start }, (_, i) => ({
        ...studentRecord,
        id: String(6493490000001000000n + BigInt(start + i)),
      }))
      const more = end < total
      return HttpResponse.json({
        data,
        info: {
          ...lastPageInfo(data.length, page || 1),
          per_page: perPage,
          more_records: more,
          next_page_token: more ? `tok-${end}` : null,
        },
      })
    }),
  )
  return requests
}

describe('records.list', () => {
  it('pages past 2,000 records by switching from page to page_token', async () => {
    const requests = pagedModule(2450)
    const zoho = createZohoClient(testConfig)
    const ids: string[] = []
    for await (const page of zoho.records.list('BTEC_Students', { fields }))
      ids.push(...page._unsafeUnwrap().records.map((r) => String(r.id)))
    expect(ids).toHaveLength(2450)
    expect(new Set(ids).size).toBe(2450)
    expect(requests.map((p) => p.get('page') ?? p.get('page_token'))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => String(i + 1)),
      'tok-2000',
      'tok-2200',
      'tok-2400',
    ])
    expect(requests[0]?.get('fields')).toBe('Name,First_Name,Last_Name')
    expect(requests[0]?.get('per_page')).toBe('200')
  })

  it('switches before a page would cross 2,000 when per_page does not divide it', async () => {
    const requests = pagedModule(2100)
    let count = 0
    for await (const page of createZohoClient(testConfig).records.list('BTEC_Students', {
      fields,
      perPage: 150,
    }))
      count += page._unsafeUnwrap().records.length
    expect(count).toBe(2100)
    expect(requests[13]?.get('page_token')).toBe('tok-1950')
  })

  it('stops at maxRecords', async () => {
    pagedModule(1000)
    let count = 0
    for await (const page of createZohoClient(testConfig).records.list('BTEC_Students', {
      fields,
      maxRecords: 250,
    }))
      count += page._unsafeUnwrap().records.length
    expect(count).toBe(250)
  })

  it('yields nothing for 204 No Content', async () => {
    server.use(http.get(`${API}/crm/v8/BTEC_Students`, () => new HttpResponse(null, { status: 204 })))
    const pages = []
    for await (const page of createZohoClient(testConfig).records.list('BTEC_Students', { fields }))
      pages.push(page)
    expect(pages).toEqual([])
  })

  it('sends If-Modified-Since and yields one not-modified page for 304', async () => {
    let header: string | null = null
    server.use(
      http.get(`${API}/crm/v8/BTEC_Students`, ({ request }) => {
        header = request.headers.get('if-modified-since')
        return new HttpResponse(null, { status: 304 })
      }),
    )
    const pages = []
    const since = new Date('2025-01-10T10:22:08.123Z')
    for await (const page of createZohoClient(testConfig).records.list('BTEC_Students', {
      fields,
      modifiedSince: since,
    }))
      pages.push(page._unsafeUnwrap())
    expect(header).toBe('2025-01-10T10:22:08+00:00')
    expect(pages).toEqual([{ records: [], info: undefined, notModified: true }])
  })

  it('yields a Decode error when more records are announced past 2,000 without a page_token', async () => {
    server.use(
      http.get(`${API}/crm/v8/BTEC_Students`, () =>
        HttpResponse.json({
          data: [studentRecord],
          info: { ...lastPageInfo(200), more_records: true, next_page_token: null },
        }),
      ),
    )
    const results = []
    for await (const page of createZohoClient(testConfig).records.list('BTEC_Students', { fields }))
      results.push(page)
    expect(results).toHaveLength(11)
    expect(results[10]?._unsafeUnwrapErr().reason).toBe('Decode')
  })

  it('throws at the call for invalid options', () => {
    const zoho = createZohoClient(testConfig)
    expect(() => zoho.records.list('BTEC_Students', { fields: [] })).toThrow(/mandatory/)
    expect(() =>
      zoho.records.list('BTEC_Students', { fields: Array.from({ length: 51 }, (_, i) => `F${i}`) }),
    ).toThrow(/50/)
    expect(() => zoho.records.list('BTEC_Students', { fields, perPage: 201 })).toThrow(/200/)
  })
})

describe('records.search', () => {
  it('escapes criteria values and returns the matches', async () => {
    let criteria: string | null = null
    server.use(
      http.get(`${API}/crm/v8/BTEC_Students/search`, ({ request }) => {
        criteria = new URL(request.url).searchParams.get('criteria')
        return HttpResponse.json({ data: [studentRecord], info: lastPageInfo(1) })
      }),
    )
    const found = await createZohoClient(testConfig).records.search('BTEC_Students', [
      ['Last_Name', 'equals', 'Smith (Jr), PhD'],
      ['Status', 'in', ['Active', 'Freezed']],
    ])
    expect(found._unsafeUnwrap()).toHaveLength(1)
    expect(criteria).toBe('((Last_Name:equals:Smith \\(Jr\\)\\, PhD)and(Status:in:Active,Freezed))')
  })

  it('returns an empty list for 204', async () => {
    server.use(http.get(`${API}/crm/v8/BTEC_Students/search`, () => new HttpResponse(null, { status: 204 })))
    expect(
      (
        await createZohoClient(testConfig).records.search('BTEC_Students', { email: 'x@y.z' })
      )._unsafeUnwrap(),
    ).toEqual([])
  })

  it('builds single conditions without an extra bracket', () => {
    expect(buildCriteria([['Email', 'equals', 'a@b.co']])).toBe('(Email:equals:a@b.co)')
  })
})

describe('records.coql', () => {
  it('posts the select_query and reads rows', async () => {
    let body: unknown
    server.use(
      http.post(`${API}/crm/v8/coql`, async ({ request }) => {
        body = await request.json()
        return HttpResponse.json({
          data: [{ id: '1', Email: 'o@x.co' }],
          info: { count: 1, more_records: false },
        })
      }),
    )
    const query = `select id, Email from BTEC_Students where Last_Name = ${coqlString("O'Neil")} limit 0, 200`
    const result = (await createZohoClient(testConfig).records.coql(query))._unsafeUnwrap()
    expect(body).toEqual({
      select_query: "select id, Email from BTEC_Students where Last_Name = 'O\\'Neil' limit 0, 200",
    })
    expect(result.records).toEqual([{ id: '1', Email: 'o@x.co' }])
    expect(result.moreRecords).toBe(false)
  })

  it('reads 204 as no rows', async () => {
    server.use(http.post(`${API}/crm/v8/coql`, () => new HttpResponse(null, { status: 204 })))
    expect(
      (await createZohoClient(testConfig).records.coql('select id from BTEC limit 1'))._unsafeUnwrap()
        .records,
    ).toEqual([])
  })
})

describe('records writes', () => {
  it('reports a 207 upsert per record, with action and rebased json_path', async () => {
    let sent: Record<string, unknown> | undefined
    server.use(
      http.post(`${API}/crm/v8/BTEC_Grades/upsert`, async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>
        return HttpResponse.json(
          {
            data: [
              successItem('6493490000008001701', 'record updated', {
                action: 'update',
                duplicate_field: 'Moodle_Grade_Composite_Key',
              }),
              {
                code: 'MANDATORY_NOT_FOUND',
                details: { api_name: 'Student', json_path: '$.data[1].Student' },
                message: 'required field not found',
                status: 'error',
              },
              successItem('6493490000008001702', 'record added', { action: 'insert', duplicate_field: null }),
            ],
          },
          { status: 207 },
        )
      }),
    )
    const results = await createZohoClient(testConfig).records.upsert(
      'BTEC_Grades',
      [
        { Moodle_Grade_Composite_Key: 'a' },
        { Moodle_Grade_Composite_Key: 'b' },
        { Moodle_Grade_Composite_Key: 'c' },
      ],
      { duplicateCheckFields: ['Moodle_Grade_Composite_Key'] },
    )
    expect(sent).toMatchObject({ trigger: [], duplicate_check_fields: ['Moodle_Grade_Composite_Key'] })
    const items = results._unsafeUnwrap()
    expect(items.map((i) => i.status)).toEqual(['success', 'error', 'success'])
    expect(items[0]).toMatchObject({
      id: '6493490000008001701',
      action: 'update',
      duplicateField: 'Moodle_Grade_Composite_Key',
    })
    expect(items[1]).toMatchObject({
      index: 1,
      code: 'MANDATORY_NOT_FOUND',
      apiName: 'Student',
      jsonPath: '$.data[1].Student',
    })
    expect(items[2]).toMatchObject({ action: 'insert' })
  })

  it('chunks at 100 records per call and rebases indexes', async () => {
    const sizes: number[] = []
    server.use(
      http.post(`${API}/crm/v8/BTEC_Students`, async ({ request }) => {
        const body = (await request.json()) as { data: unknown[] }
        sizes.push(body.data.length)
        return HttpResponse.json(
          {
            data: body.data.map((_, i) =>
              i === 0
                ? {
                    code: 'DUPLICATE_DATA',
                    details: {
                      api_name: 'Email',
                      json_path: '$.data[0].Email',
                      duplicate_record: { id: '1', module: { api_name: 'BTEC_Students' } },
                    },
                    message: 'duplicate data',
                    status: 'error',
                  }
                : successItem(String(i)),
            ),
          },
          { status: 207 },
        )
      }),
    )
    const records = Array.from({ length: 250 }, (_, i) => ({ Last_Name: `L${i}` }))
    const items = (
      await createZohoClient(testConfig).records.insert('BTEC_Students', records)
    )._unsafeUnwrap()
    expect(sizes.sort((a, b) => a - b)).toEqual([50, 100, 100])
    expect(items).toHaveLength(250)
    expect(items.map((i) => i.index)).toEqual(records.map((_, i) => i))
    expect(
      items.filter((i) => i.status === 'error').map((i) => [i.index, i.status === 'error' && i.jsonPath]),
    ).toEqual([
      [0, '$.data[0].Email'],
      [100, '$.data[100].Email'],
      [200, '$.data[200].Email'],
    ])
  })

  it('reads an all-failed 400 write item by item', async () => {
    server.use(
      http.put(`${API}/crm/v8/BTEC_Classes`, () =>
        HttpResponse.json(
          {
            data: [
              {
                code: 'INVALID_DATA',
                details: {
                  api_name: 'Moodle_Class_ID',
                  json_path: '$.data[0].Moodle_Class_ID',
                  expected_data_type: 'text',
                  maximum_length: 255,
                },
                message: 'invalid data',
                status: 'error',
              },
            ],
          },
          { status: 400 },
        ),
      ),
    )
    const items = (
      await createZohoClient(testConfig).records.update('BTEC_Classes', [
        { id: '1', Moodle_Class_ID: 'x'.repeat(300) },
      ])
    )._unsafeUnwrap()
    expect(items[0]).toMatchObject({ status: 'error', code: 'INVALID_DATA', apiName: 'Moodle_Class_ID' })
  })

  it('passes an explicit trigger through', async () => {
    let trigger: unknown
    server.use(
      http.put(`${API}/crm/v8/BTEC_Classes`, async ({ request }) => {
        const body = (await request.json()) as { data: unknown[]; trigger: unknown }
        trigger = body.trigger
        return HttpResponse.json({ data: body.data.map(() => successItem('1', 'record updated')) })
      }),
    )
    await createZohoClient(testConfig).records.update('BTEC_Classes', [{ id: '1' }], {
      trigger: ['workflow'],
    })
    expect(trigger).toEqual(['workflow'])
  })

  it('returns the error when every chunk fails as a whole', async () => {
    server.use(
      http.post(`${API}/crm/v8/:module`, () =>
        HttpResponse.json(
          {
            code: 'INVALID_MODULE',
            details: {},
            message: 'the module name given seems to be invalid',
            status: 'error',
          },
          { status: 400 },
        ),
      ),
    )
    const error = (await createZohoClient(testConfig).records.insert('Nope', [{ a: 1 }]))._unsafeUnwrapErr()
    expect(error.reason).toBe('NotFound')
    expect(error.code).toBe('INVALID_MODULE')
  })
})

describe('fields', () => {
  it('reads the field metadata of a module', async () => {
    const fields = (await createZohoClient(testConfig).fields('BTEC_Registrations'))._unsafeUnwrap()
    expect(fields.find((f) => f.api_name === 'Student_ID')?.lookup?.module).toEqual(
      expect.objectContaining({ api_name: 'BTEC_Students' }),
    )
  })
})
