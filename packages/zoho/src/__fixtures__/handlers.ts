// Happy-path msw handlers, one per resource, answering like Zoho CRM v8 (api-facts.md §1).
// Tests override them with server.use(...) for 401/429/5xx/204/304/207 and malformed bodies.
import { HttpResponse, http } from 'msw'
import { fieldsMetadata } from './fields-metadata.ts'
import {
  classRecord,
  enrollmentRecord,
  gradeRecord,
  paymentRecord,
  programRecord,
  registrationRecord,
  requestRecord,
  studentRecord,
  teacherRecord,
  unitRecord,
} from './records.ts'

/** Accounts server and API domain of the US data center. */
export const ACCOUNTS = 'https://accounts.zoho.com'
export const API = 'https://www.zohoapis.com'

/** Sample records by module api_name. */
export const sampleByModule: Record<string, Record<string, unknown>> = {
  BTEC_Students: studentRecord,
  BTEC_Teachers: teacherRecord,
  Products: programRecord,
  BTEC: unitRecord,
  BTEC_Classes: classRecord,
  BTEC_Enrollments: enrollmentRecord,
  BTEC_Registrations: registrationRecord,
  BTEC_Payments: paymentRecord,
  BTEC_Grades: gradeRecord,
  BTEC_Student_Requests: requestRecord,
}

/** The `info` object Zoho sends with a single, final page. */
export function lastPageInfo(count: number, page = 1) {
  return {
    per_page: 200,
    next_page_token: null,
    count,
    sort_by: 'id',
    page,
    previous_page_token: null,
    page_token_expiry: null,
    sort_order: 'desc',
    more_records: false,
  }
}

/** A successful token answer. */
export function tokenBody(accessToken = '1000.fresh.token') {
  return {
    access_token: accessToken,
    scope: 'ZohoCRM.modules.ALL',
    api_domain: API,
    token_type: 'Bearer',
    expires_in: 3600,
  }
}

/** A success item of a write response. */
export function successItem(id: string, message = 'record added', extra: Record<string, unknown> = {}) {
  const by = { name: 'Integration User', id: '6493490000000473001' }
  return {
    code: 'SUCCESS',
    details: {
      Modified_Time: '2025-01-10T13:22:08+03:00',
      Modified_By: by,
      Created_Time: '2025-01-10T13:22:08+03:00',
      id,
      Created_By: by,
    },
    message,
    status: 'success',
    ...extra,
  }
}

const writeAnswer = async (request: Request, message: string) => {
  const body = (await request.json()) as { data: unknown[] }
  return HttpResponse.json(
    { data: body.data.map((_, i) => successItem(`64934900000099${String(i).padStart(5, '0')}`, message)) },
    { status: message === 'record added' ? 201 : 200 },
  )
}

/** The default handlers. */
export const handlers = [
  http.post(`${ACCOUNTS}/oauth/v2/token`, () => HttpResponse.json(tokenBody())),
  http.get(`${API}/crm/v8/settings/fields`, ({ request }) => {
    const module = new URL(request.url).searchParams.get('module') ?? ''
    const fields = fieldsMetadata[module]
    return fields
      ? HttpResponse.json({ fields })
      : HttpResponse.json(
          {
            code: 'INVALID_MODULE',
            details: { resource_path_index: 0 },
            message: 'the module name given seems to be invalid',
            status: 'error',
          },
          { status: 400 },
        )
  }),
  http.post(`${API}/crm/v8/coql`, () =>
    HttpResponse.json({
      data: [{ id: studentRecord.id, Email: studentRecord.Email }],
      info: { count: 1, more_records: false },
    }),
  ),
  http.get(`${API}/crm/v8/:module/search`, ({ params }) => {
    const record = sampleByModule[String(params.module)]
    return record
      ? HttpResponse.json({ data: [record], info: lastPageInfo(1) })
      : new HttpResponse(null, { status: 204 })
  }),
  http.post(`${API}/crm/v8/:module/upsert`, async ({ request }) => {
    const body = (await request.json()) as { data: unknown[] }
    return HttpResponse.json({
      data: body.data.map((_, i) =>
        successItem(`64934900000088${String(i).padStart(5, '0')}`, 'record added', {
          action: 'insert',
          duplicate_field: null,
        }),
      ),
    })
  }),
  http.get(`${API}/crm/v8/:module/:id`, ({ params }) => {
    const record = sampleByModule[String(params.module)]
    return record
      ? HttpResponse.json({ data: [{ ...record, id: params.id }] })
      : new HttpResponse(null, { status: 204 })
  }),
  http.get(`${API}/crm/v8/:module`, ({ params }) => {
    const record = sampleByModule[String(params.module)]
    return record
      ? HttpResponse.json({ data: [record], info: lastPageInfo(1) })
      : new HttpResponse(null, { status: 204 })
  }),
  http.post(`${API}/crm/v8/:module`, ({ request }) => writeAnswer(request, 'record added')),
  http.put(`${API}/crm/v8/:module`, ({ request }) => writeAnswer(request, 'record updated')),
]
