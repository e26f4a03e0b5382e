import type { Grade } from '@edusync/core'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { API, successItem } from '../__fixtures__/handlers.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { markSynced, setClassMoodleCourseIds, upsertGrades } from './write-back.ts'

const server = useZohoServer()

const grade: Grade = {
  id: 'moodle-88121',
  code: 'GRD-03310',
  studentId: '6493490000001291001',
  classId: '6493490000004001201',
  unitCode: 'K/618/5035',
  grade: 'M',
  status: 'Released',
  attemptNumber: 1,
  attemptDate: '2025-05-02',
  feedback: 'Good evaluation of the process.',
  graderName: 'Dr. Omar Haddad',
  compositeKey: '214-88-1',
  learningOutcomes: [
    { code: 'LO1', title: 'Establish project aims', score: 3, feedback: 'Clear aims' },
    { code: 'LO2', title: 'Plan the project', score: 2, feedback: null },
  ],
}

/** A tiny Zoho: BTEC_Grades keyed by composite key, with subform rows that get ids on write. */
function gradesModule() {
  const byKey = new Map<string, { id: string; rows: Record<string, unknown>[] }>()
  const upserts: Record<string, unknown>[] = []
  let nextRow = 1
  server.use(
    http.post(`${API}/crm/v8/coql`, async ({ request }) => {
      const { select_query } = (await request.json()) as { select_query: string }
      const keys = [...select_query.matchAll(/'([^']*)'/g)].map((m) => m[1] as string)
      const data = keys
        .filter((k) => byKey.has(k))
        .map((k) => ({ id: byKey.get(k)?.id, Moodle_Grade_Composite_Key: k }))
      return data.length
        ? HttpResponse.json({ data, info: { count: data.length, more_records: false } })
        : new HttpResponse(null, { status: 204 })
    }),
    http.get(`${API}/crm/v8/BTEC_Grades`, ({ request }) => {
      const ids = (new URL(request.url).searchParams.get('ids') ?? '').split(',')
      const data = [...byKey]
        .filter(([, v]) => ids.includes(v.id))
        .map(([k, v]) => ({ id: v.id, Moodle_Grade_Composite_Key: k, Learning_Outcomes_Assessm: v.rows }))
      return HttpResponse.json({ data, info: { count: data.length, more_records: false } })
    }),
    http.post(`${API}/crm/v8/BTEC_Grades/upsert`, async ({ request }) => {
      const body = (await request.json()) as { data: Record<string, unknown>[] }
      upserts.push(body)
      return HttpResponse.json({
        data: body.data.map((record, i) => {
          const key = record.Moodle_Grade_Composite_Key as string
          const existing = byKey.get(key)
          const entry = existing ?? {
            id: `64934900000080${String(byKey.size + i).padStart(5, '0')}`,
            rows: [],
          }
          for (const row of record.Learning_Outcomes_Assessm as Record<string, unknown>[]) {
            const old = entry.rows.find((r) => r.id === row.id)
            if (old) Object.assign(old, row)
            else entry.rows.push({ ...row, id: `row-${nextRow++}` })
          }
          byKey.set(key, entry)
          return successItem(entry.id, existing ? 'record updated' : 'record added', {
            action: existing ? 'update' : 'insert',
            duplicate_field: existing ? 'Moodle_Grade_Composite_Key' : null,
          })
        }),
      })
    }),
  )
  return { byKey, upserts }
}

describe('upsertGrades', () => {
  it('upserts by composite key with the learning-outcome subform, and a repeat duplicates nothing', async () => {
    const zoho = createZohoClient(testConfig)
    const { byKey, upserts } = gradesModule()
    const first = (await upsertGrades(zoho, [grade]))._unsafeUnwrap()
    expect(first).toEqual([expect.objectContaining({ status: 'success', index: 0, action: 'insert' })])
    expect(upserts[0]).toMatchObject({
      trigger: [],
      duplicate_check_fields: ['Moodle_Grade_Composite_Key'],
      data: [
        {
          Student: { id: '6493490000001291001' },
          Class: { id: '6493490000004001201' },
          Grade: 'M',
          Moodle_Grade_Composite_Key: '214-88-1',
          Learning_Outcomes_Assessm: [
            { LO_Code: 'LO1', LO_Title: 'Establish project aims', LO_Score: 3, LO_Feedback: 'Clear aims' },
            { LO_Code: 'LO2', LO_Title: 'Plan the project', LO_Score: 2, LO_Feedback: null },
          ],
        },
      ],
    })
    // Neither our id nor the autonumber record code (`Name`) is sent.
    expect((upserts[0] as { data: Record<string, unknown>[] }).data[0]).not.toHaveProperty('id')
    expect((upserts[0] as { data: Record<string, unknown>[] }).data[0]).not.toHaveProperty('Name')

    const again = (await upsertGrades(zoho, [{ ...grade, grade: 'D' }]))._unsafeUnwrap()
    expect(again).toEqual([expect.objectContaining({ status: 'success', action: 'update' })])
    const stored = byKey.get('214-88-1')
    expect(stored?.rows.map((r) => r.id)).toEqual(['row-1', 'row-2'])
    expect(
      (
        upserts[1] as { data: { Learning_Outcomes_Assessm: { id?: string }[] }[] }
      ).data[0]?.Learning_Outcomes_Assessm.map((r) => r.id),
    ).toEqual(['row-1', 'row-2'])
  })

  it('reports grades without a composite key per item and sends the rest', async () => {
    const { upserts } = gradesModule()
    const results = (
      await upsertGrades(createZohoClient(testConfig), [{ ...grade, compositeKey: null }, grade], {
        learningOutcomes: 'append',
      })
    )._unsafeUnwrap()
    expect(results.map((r) => [r.index, r.status, r.code])).toEqual([
      [0, 'error', 'MISSING_COMPOSITE_KEY'],
      [1, 'success', 'SUCCESS'],
    ])
    expect((upserts[0] as { data: unknown[] }).data).toHaveLength(1)
  })
})

describe('setClassMoodleCourseIds and markSynced', () => {
  it('update records by id with workflows suppressed', async () => {
    const bodies: unknown[] = []
    server.use(
      http.put(`${API}/crm/v8/:module`, async ({ request, params }) => {
        const body = (await request.json()) as { data: { id: string }[] }
        bodies.push({ module: params.module, ...body })
        return HttpResponse.json({ data: body.data.map((r) => successItem(r.id, 'record updated')) })
      }),
    )
    const zoho = createZohoClient(testConfig)
    const set = await setClassMoodleCourseIds(zoho, [{ classId: '6493490000004001201', moodleCourseId: 88 }])
    expect(set._unsafeUnwrap()).toEqual([
      expect.objectContaining({ status: 'success', id: '6493490000004001201' }),
    ])
    await markSynced(zoho, 'BTEC_Students', ['6493490000001291001'], { at: new Date('2025-01-10T10:22:08Z') })
    expect(bodies).toEqual([
      { module: 'BTEC_Classes', trigger: [], data: [{ id: '6493490000004001201', Moodle_Class_ID: '88' }] },
      {
        module: 'BTEC_Students',
        trigger: [],
        data: [
          { id: '6493490000001291001', Synced_to_Moodle: true, Last_Sync_Date: '2025-01-10T10:22:08+00:00' },
        ],
      },
    ])
  })
})

// Issue 15: Synced_to_Moodle / Last_Sync_Date were written to every module, but Classes, Grades, Products,
// Teachers and BTEC do not have them, so the write failed at Zoho.
describe('markSynced per module', () => {
  const captureUpdates = () => {
    const bodies: { module: unknown; data: unknown[] }[] = []
    server.use(
      http.put(`${API}/crm/v8/:module`, async ({ request, params }) => {
        const body = (await request.json()) as { data: { id: string }[] }
        bodies.push({ module: params.module, data: body.data })
        return HttpResponse.json({ data: body.data.map((r) => successItem(r.id, 'record updated')) })
      }),
    )
    return bodies
  }
  const at = new Date('2026-02-12T13:39:21Z')

  it('writes only Last_Sync_with_Moodle to units, found by entity or module name', async () => {
    const bodies = captureUpdates()
    const zoho = createZohoClient(testConfig)
    ;(await markSynced(zoho, 'unit', ['5398830000131000301'], { at }))._unsafeUnwrap()
    ;(await markSynced(zoho, 'BTEC', ['5398830000131000302'], { at }))._unsafeUnwrap()
    expect(bodies).toEqual([
      {
        module: 'BTEC',
        data: [{ id: '5398830000131000301', Last_Sync_with_Moodle: '2026-02-12T13:39:21+00:00' }],
      },
      {
        module: 'BTEC',
        data: [{ id: '5398830000131000302', Last_Sync_with_Moodle: '2026-02-12T13:39:21+00:00' }],
      },
    ])
  })

  it('writes both sync fields to payments, 100 records per call', async () => {
    const bodies = captureUpdates()
    const ids = Array.from({ length: 150 }, (_, i) => String(5398830000131000000n + BigInt(i)))
    const results = (await markSynced(createZohoClient(testConfig), 'payment', ids, { at }))._unsafeUnwrap()
    expect(results).toHaveLength(150)
    expect(bodies.map((b) => [b.module, b.data.length])).toEqual([
      ['BTEC_Payments', 100],
      ['BTEC_Payments', 50],
    ])
    expect(bodies[0]?.data[0]).toEqual({
      id: ids[0],
      Synced_to_Moodle: true,
      Last_Sync_Date: '2026-02-12T13:39:21+00:00',
    })
  })

  it('refuses, without a call, a module that has no sync-tracking fields', () => {
    const bodies = captureUpdates()
    const zoho = createZohoClient(testConfig)
    for (const target of [
      'class',
      'grade',
      'program',
      'teacher',
      'request',
      'BTEC_Classes',
      'BTEC_Student_Requests',
    ]) {
      expect(() => markSynced(zoho, target, ['1'], { at })).toThrow(/no sync-tracking fields/)
    }
    expect(() => markSynced(zoho, 'BTEC_Attendance', ['1'])).toThrow(/no field map/)
    expect(bodies).toEqual([])
  })

  it("follows a tenant's write-back fields", async () => {
    const bodies = captureUpdates()
    const fieldMap = withFieldMap(defaultFieldMap, {
      modules: {
        class: { writeBack: { syncedAt: 'Last_Moodle_Sync', moodleId: 'Moodle_Course' } },
        payment: { writeBack: { synced: null } },
      },
    })
    const zoho = createZohoClient(testConfig)
    ;(await markSynced(zoho, 'class', ['7'], { at, fieldMap }))._unsafeUnwrap()
    ;(await markSynced(zoho, 'payment', ['8'], { at, fieldMap }))._unsafeUnwrap()
    ;(
      await setClassMoodleCourseIds(zoho, [{ classId: '7', moodleCourseId: 12 }], { fieldMap })
    )._unsafeUnwrap()
    expect(bodies).toEqual([
      { module: 'BTEC_Classes', data: [{ id: '7', Last_Moodle_Sync: '2026-02-12T13:39:21+00:00' }] },
      { module: 'BTEC_Payments', data: [{ id: '8', Last_Sync_Date: '2026-02-12T13:39:21+00:00' }] },
      { module: 'BTEC_Classes', data: [{ id: '7', Moodle_Course: '12' }] },
    ])
    const none = withFieldMap(defaultFieldMap, { modules: { class: { writeBack: null } } })
    expect(() =>
      setClassMoodleCourseIds(zoho, [{ classId: '7', moodleCourseId: 12 }], { fieldMap: none }),
    ).toThrow(/no write-back moodleId field/)
  })
})
