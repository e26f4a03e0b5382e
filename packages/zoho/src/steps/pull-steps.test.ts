import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { createStepRunner, parkedReplayStep } from '@edusync/core/steps'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { API, lastPageInfo } from '../__fixtures__/handlers.ts'
import { programRecord, studentRecord } from '../__fixtures__/records.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { zohoPullSteps } from './pull-steps.ts'

const server = useZohoServer()
const tenant = 'acme'

/** BTEC_Students with `total` records over pages of 200 (one of them invalid), recording each request. */
function studentsModule(total: number, requests: Request[]) {
  server.use(
    http.get(`${API}/crm/v8/BTEC_Students`, ({ request }) => {
      requests.push(request)
      if (request.headers.get('If-Modified-Since')) return new HttpResponse(null, { status: 304 })
      const params = new URL(request.url).searchParams
      const page = Number(params.get('page') ?? 1)
      const start = (page - 1) * 200
      const end = Math.min(total, start + 200)
      const data = Array.from({ length: end - start }, (_, i) => ({
        ...studentRecord,
        id: String(6493490000001000000n + BigInt(start + i)),
        ...(start + i === 7 ? { Email: 'not-an-email' } : {}),
      }))
      return HttpResponse.json({
        data,
        info: { ...lastPageInfo(data.length, page), more_records: end < total },
      })
    }),
  )
}

function setup() {
  const store = createMemoryStore()
  const engine = createSyncEngine({ store })
  const client = createZohoClient(testConfig)
  return { store, engine, client }
}

describe('zohoPullSteps', () => {
  it('names one step per mapped module in dependency order', () => {
    const { store, engine, client } = setup()
    const names = zohoPullSteps({ client, engine, store }).map((s) => s.name)
    expect(names.indexOf('zoho:program')).toBeLessThan(names.indexOf('zoho:registration'))
    expect(names.indexOf('zoho:student')).toBeLessThan(names.indexOf('zoho:registration'))
    expect(names.indexOf('zoho:registration')).toBeLessThan(names.indexOf('zoho:payment'))
    expect(names.indexOf('zoho:student')).toBeLessThan(names.indexOf('zoho:request'))
    expect(names).toHaveLength(10)
  })

  it('pulls every page fully the first time, counting a refused record as INVALID without stopping', async () => {
    const { store, engine, client } = setup()
    const requests: Request[] = []
    studentsModule(450, requests)
    const steps = zohoPullSteps({ client, engine, store, entities: ['student'] })
    const report = (await createStepRunner({ store, steps }).run(tenant))._unsafeUnwrap()
    expect(report.status).toBe('completed')
    expect(requests).toHaveLength(3)
    expect(requests.every((r) => !r.headers.has('If-Modified-Since'))).toBe(true)
    // Their program was not pulled: the valid ones wait (DEFERRED) instead of being dropped.
    expect(report.steps[0]?.counts).toMatchObject({ total: 450, deferred: 449, invalid: 1 })
    expect(report.steps[0]?.details).toMatchObject({ module: 'BTEC_Students', mode: 'full', fetched: 450 })
    expect(String((report.steps[0]?.details?.invalid as string[])[0])).toContain('Email')
    expect((await store.listParked(tenant, { entity: 'student', limit: 1000 }))._unsafeUnwrap()).toHaveLength(
      449,
    )
  })

  it('pulls incrementally since the last completed pull minus the lookback, and fully on demand', async () => {
    const { store, engine, client } = setup()
    const requests: Request[] = []
    studentsModule(3, requests)
    const steps = zohoPullSteps({ client, engine, store, entities: ['student'], lookbackMs: 60_000 })
    const runner = createStepRunner({ store, steps })
    const first = (await runner.run(tenant))._unsafeUnwrap()
    const firstRun = (await store.getRun(tenant, first.steps[0]?.runId as string))._unsafeUnwrap()
    const second = (await runner.run(tenant))._unsafeUnwrap()
    const since = requests[1]?.headers.get('If-Modified-Since')
    const expected = new Date((firstRun?.startedAt as Date).getTime() - 60_000)
    expect(since).toBe(expected.toISOString().replace(/\.\d{3}Z$/, '+00:00'))
    expect(second.steps[0]).toMatchObject({ status: 'completed', counts: { total: 0 } })
    expect(second.steps[0]?.details).toMatchObject({ mode: 'incremental' })

    await runner.run(tenant, { options: { full: true } })
    expect(requests[2]?.headers.has('If-Modified-Since')).toBe(false)
  })

  it('records a Zoho failure on the step run, and a later replay step still runs when asked to go on', async () => {
    const { store, engine, client } = setup()
    server.use(
      http.get(`${API}/crm/v8/Products`, () =>
        HttpResponse.json(
          { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' },
          { status: 401 },
        ),
      ),
    )
    const steps = [
      ...zohoPullSteps({ client, engine, store, entities: ['program'] }),
      parkedReplayStep(engine),
    ]
    const report = (
      await createStepRunner({ store, steps }).run(tenant, { continueOnError: true })
    )._unsafeUnwrap()
    expect(report.steps.map((s) => s.status)).toEqual(['failed', 'completed'])
    expect(report.steps[0]?.error).toMatch(/INVALID_TOKEN|invalid oauth token|Auth/)
  })

  it('reads programs and students and registrations in order so nothing is parked', async () => {
    const { store, engine, client } = setup()
    const fieldMap = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
    const steps = zohoPullSteps({
      client,
      engine,
      store,
      fieldMap,
      entities: ['registration', 'student', 'program'],
    })
    expect(steps.map((s) => s.name)).toEqual(['zoho:program', 'zoho:student', 'zoho:registration'])
    const report = (await createStepRunner({ store, steps }).run(tenant))._unsafeUnwrap()
    expect(report.status).toBe('completed')
    expect(report.counts).toMatchObject({ total: 3, new: 3, deferred: 0 })
    expect(
      (await store.readRecords(tenant, 'program', [String(programRecord.id)]))._unsafeUnwrap().size,
    ).toBe(1)
  })
})
