import type { Store } from '@edusync/core'
import { createMemoryStore } from '@edusync/core'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFakeMoodle, SITE_URL, TOKEN } from '../../../packages/moodle/src/__fixtures__/fake-moodle.ts'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'

// Moodle and Zoho at the HTTP boundary: a fake Moodle 4.5 site and Zoho's EU data center.
const ZOHO_TOKEN_URL = 'https://accounts.zoho.eu/oauth/v2/token'
const ZOHO_API = 'https://www.zohoapis.eu/crm/v8'
const zohoWrites: { method: string; module: string; body: { data: Record<string, unknown>[] } }[] = []
const success = (id: string) => ({
  code: 'SUCCESS',
  details: { id, Modified_Time: '2026-01-15T10:00:00+03:00' },
  message: 'record updated',
  status: 'success',
})
const fake = createFakeMoodle()
const server = setupServer(
  fake.handler,
  http.post(ZOHO_TOKEN_URL, () =>
    HttpResponse.json({
      access_token: '1000.4f6b3c1d2e5a7b9c8d0e1f2a3b4c5d6e.7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c',
      api_domain: 'https://www.zohoapis.eu',
      token_type: 'Bearer',
      expires_in: 3600,
    }),
  ),
  // No grade exists in Zoho yet: the upsert's subform-row lookup finds nothing.
  http.post(`${ZOHO_API}/coql`, () => new HttpResponse(null, { status: 204 })),
  http.post(`${ZOHO_API}/:module/upsert`, async ({ request, params }) => {
    const body = (await request.json()) as { data: Record<string, unknown>[] }
    zohoWrites.push({ method: 'upsert', module: String(params.module), body })
    return HttpResponse.json({
      data: body.data.map((_, i) => ({
        ...success(`487687600000880000${i}`),
        action: 'insert',
        duplicate_field: null,
      })),
    })
  }),
  http.put(`${ZOHO_API}/:module`, async ({ request, params }) => {
    const body = (await request.json()) as { data: Record<string, unknown>[] }
    zohoWrites.push({ method: 'update', module: String(params.module), body })
    return HttpResponse.json({ data: body.data.map((r) => success(String(r.id))) })
  }),
)

const IDS = { program: '4876876000001100001', student: '4876876000004400001', klass: '4876876000005500001' }
const api = { authorization: `Bearer ${SECRETS.apiToken}` }
const plugin = { authorization: `Bearer ${SECRETS.moodleToken}` }
let store: Store
let host: TestHost

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' })
  store = createMemoryStore()
  host = await startHost({
    store,
    tenants: {
      acme: tenant({
        zoho: {
          clientId: '1000.CLIENTID',
          clientSecret: 'client-secret-value',
          refreshToken: '1000.refresh-token-value',
          dataCenter: 'EU',
          environment: 'production',
        },
        moodle: {
          url: SITE_URL,
          token: TOKEN,
          categories: { [IDS.program]: 7 },
          defaultUsers: [{ userid: 2 }],
        },
      }),
      plain: tenant(),
    },
  })
})
afterEach(() => {
  zohoWrites.length = 0
})
afterAll(async () => {
  await host.close()
  server.close()
})

describe('the Moodle side of the host', () => {
  it('walks a plugin grade event into a stored grade and a Zoho upsert', async () => {
    // 1. Zoho data arrives (here through the bulk API).
    for (const [entity, records] of Object.entries({
      program: [{ id: IDS.program, name: 'BTEC Level 5 HND in Computing', status: 'active' }],
      student: [
        {
          id: IDS.student,
          firstName: 'Lina',
          lastName: 'Haddad',
          academicEmail: 'Lina.Haddad@college.edu',
          status: 'active',
        },
      ],
      class: [
        {
          id: IDS.klass,
          name: 'Networking 2026',
          shortName: 'NET-26',
          status: 'active',
          programId: IDS.program,
        },
      ],
    })) {
      expect((await post(`${host.url}/api/acme/sync/${entity}`, records, api)).status).toBe(200)
    }
    // 2. The student gets a Moodle account, the class its course (id written back to Zoho).
    const users = await post(`${host.url}/api/acme/moodle/users`, { studentIds: [IDS.student] }, api)
    expect(users.body).toEqual({ students: [{ studentId: IDS.student, status: 'created', userid: 3 }] })
    const course = await post(
      `${host.url}/api/acme/moodle/courses`,
      { classId: IDS.klass, studentIds: [IDS.student] },
      api,
    )
    expect([course.status, course.body]).toEqual([
      201,
      expect.objectContaining({ courseId: 2, created: true, enrolled: 2, zohoWriteBack: 'written' }),
    ])
    expect(zohoWrites).toEqual([
      {
        method: 'update',
        module: 'BTEC_Classes',
        body: expect.objectContaining({ data: [{ id: IDS.klass, Moodle_Class_ID: '2' }] }),
      },
    ])
    zohoWrites.length = 0
    // Retrying the provisioning creates nothing.
    const again = await post(`${host.url}/api/acme/moodle/courses`, { classId: IDS.klass }, api)
    expect([again.status, again.body.courseId]).toEqual([200, 2])
    expect(fake.courses.size).toBe(1)

    // 3. The teacher grades an assignment; the plugin posts the event.
    const event = {
      event_id: '0b6f3c1e-9a43-4f7e-8d2a-5c1b7e9f0a11',
      event_type: 'grade_updated',
      event_data: {
        student_id: 3,
        assignment_id: 77,
        course_id: 2,
        raw_grade: 3,
        attempt_number: 1,
        graded_at: '2026-01-15 10:30:00',
        grader_name: 'Omar Teacher',
        grader_role: 'Teacher',
        feedback: 'Clear topology diagrams',
        learning_outcomes: [
          {
            code: 'P1',
            level: 'P',
            description: 'Explain networking principles',
            score: '1',
            feedback: '',
            achieved: true,
          },
        ],
        composite_key: '3_2_77',
      },
      moodle_event_id: null,
      timestamp: 1768469400,
    }
    expect((await post(`${host.url}/webhooks/acme/moodle/events`, event, plugin)).status).toBe(202)
    // The host drains the inbox after accepting the event; joining that drain waits for it.
    await host.moodle.drain('acme')
    expect(host.logs.some((l) => l.includes('grades written back to Zoho') && l.includes('"SENT":1'))).toBe(
      true,
    )

    // 4. The grade is stored canonically, and Zoho got it by its composite key.
    const grade = (await store.readRecords('acme', 'grade', ['moodle-grade-3_2_77']))
      ._unsafeUnwrap()
      .get('moodle-grade-3_2_77')
    expect(grade?.data).toMatchObject({
      studentId: IDS.student,
      classId: IDS.klass,
      grade: 'M',
      compositeKey: '3_2_77',
    })
    const upsert = zohoWrites.find((w) => w.method === 'upsert')
    expect(upsert?.module).toBe('BTEC_Grades')
    expect(upsert?.body).toMatchObject({
      duplicate_check_fields: ['Moodle_Grade_Composite_Key'],
      trigger: [],
    })
    expect(upsert?.body.data[0]).toMatchObject({
      Student: { id: IDS.student },
      Class: { id: IDS.klass },
      Moodle_Grade_Composite_Key: '3_2_77',
      Learning_Outcomes_Assessm: [expect.objectContaining({ LO_Code: 'P1', LO_Score: 1 })],
    })
    const pending = await fetch(`${host.url}/api/acme/events?source=moodle&handled=false`, { headers: api })
    expect(((await pending.json()) as { events: unknown[] }).events).toEqual([])
  })

  it('keeps an event it cannot read pending, visible in the inbox', async () => {
    const event = {
      event_id: '0b6f3c1e-9a43-4f7e-8d2a-5c1b7e9f0a12',
      event_type: 'grade_updated',
      event_data: { userid: 5, courseid: 12 },
      timestamp: 1768469400,
    }
    await post(`${host.url}/webhooks/acme/moodle/events`, event, plugin)
    const drained = await host.moodle.drain('acme')
    expect(drained?.inbox.failures).toEqual([
      expect.objectContaining({ eventId: event.event_id, error: expect.stringContaining('student_id') }),
    ])
    const pending = await fetch(`${host.url}/api/acme/events?source=moodle&handled=false`, { headers: api })
    const events = ((await pending.json()) as { events: { eventId: string }[] }).events
    expect(events.map((e) => e.eventId)).toEqual([event.event_id])
  })

  it('authenticates provisioning and answers 404 for a tenant without Moodle or an unknown class', async () => {
    expect((await post(`${host.url}/api/acme/moodle/courses`, { classId: IDS.klass })).status).toBe(401)
    expect((await post(`${host.url}/api/acme/moodle/courses`, { classId: IDS.klass }, plugin)).status).toBe(
      401,
    )
    expect((await post(`${host.url}/api/plain/moodle/courses`, { classId: IDS.klass }, api)).status).toBe(404)
    const unknown = await post(`${host.url}/api/acme/moodle/courses`, { classId: 'nope' }, api)
    expect([unknown.status, unknown.body.error.message]).toEqual([
      404,
      expect.stringContaining('not in the Store'),
    ])
    const bad = await post(`${host.url}/api/acme/moodle/courses`, { studentIds: 'x' }, api)
    expect(bad.status).toBe(400)
  })
})
