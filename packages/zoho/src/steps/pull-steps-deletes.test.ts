import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { createStepRunner } from '@edusync/core/steps'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { API, lastPageInfo } from '../__fixtures__/handlers.ts'
import { studentRecord } from '../__fixtures__/records.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { zohoPullSteps } from './pull-steps.ts'

const server = useZohoServer()
const tenant = 'acme'
const idOf = (n: number) => String(6493490000001000000n + BigInt(n))

/** BTEC_Students as Zoho pages them (200 a page); `state` says how many exist, which one is unreadable, which page fails. */
function studentsModule(state: { total: number; invalidAt?: number; failPage?: number }) {
  server.use(
    http.get(`${API}/crm/v8/BTEC_Students`, ({ request }) => {
      if (request.headers.get('If-Modified-Since')) return new HttpResponse(null, { status: 304 })
      const page = Number(new URL(request.url).searchParams.get('page') ?? 1)
      if (page === state.failPage) {
        return HttpResponse.json(
          { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' },
          { status: 500 },
        )
      }
      const start = (page - 1) * 200
      const end = Math.min(state.total, start + 200)
      const data = Array.from({ length: end - start }, (_, i) => ({
        ...studentRecord,
        id: idOf(start + i),
        ...(start + i === state.invalidAt ? { Email: 'not-an-email' } : {}),
      }))
      return HttpResponse.json({
        data,
        info: { ...lastPageInfo(data.length, page), more_records: end < state.total },
      })
    }),
  )
}

async function pulled(total: number) {
  const store = createMemoryStore()
  const engine = createSyncEngine({ store })
  const client = createZohoClient(testConfig)
  const state: { total: number; invalidAt?: number; failPage?: number } = { total }
  studentsModule(state)
  // Programs carry no currency marker: the tenant's default currency reads them.
  const fieldMap = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
  const steps = zohoPullSteps({ client, engine, store, fieldMap, entities: ['program', 'student'] })
  const runner = createStepRunner({ store, steps })
  expect((await runner.run(tenant))._unsafeUnwrap().status).toBe('completed')
  expect((await store.countRecords(tenant, 'student'))._unsafeUnwrap()).toBe(total)
  return { store, runner, state }
}

describe('zohoPullSteps deletes', () => {
  it('a full pull tombstones the students Zoho no longer has; one the reader refused still counts as present', async () => {
    const { store, runner, state } = await pulled(450)
    state.total = 440
    state.invalidAt = 7
    const report = (await runner.run(tenant, { options: { full: true } }))._unsafeUnwrap()
    expect(report.status).toBe('completed')
    const step = report.steps.find((s) => s.step === 'zoho:student')
    expect(step?.details?.deletions).toEqual({ candidates: 10, deleted: 10, refused: [] })
    expect((await store.countRecords(tenant, 'student'))._unsafeUnwrap()).toBe(440)
    expect((await store.readRecords(tenant, 'student', [idOf(7)]))._unsafeUnwrap().size).toBe(1)
    const gone = (await store.readTombstones(tenant, 'student', [idOf(445)]))._unsafeUnwrap().get(idOf(445))
    expect(gone).toMatchObject({ source: 'zoho', reason: 'absent from a complete zoho pull of student' })
    expect(step?.counts).toMatchObject({ deleted: 10 })
  })

  it('a full pull whose second page fails deletes nothing', async () => {
    const { store, runner, state } = await pulled(450)
    state.total = 300
    state.failPage = 2
    const report = (await runner.run(tenant, { options: { full: true } }))._unsafeUnwrap()
    expect(report.steps.find((s) => s.step === 'zoho:student')?.status).toBe('failed')
    expect((await store.countRecords(tenant, 'student'))._unsafeUnwrap()).toBe(450)
    expect((await store.listTombstones(tenant))._unsafeUnwrap()).toEqual([])
  })

  it('an incremental pull never deletes, and a full pull that would delete a wave is quarantined', async () => {
    const { store, runner, state } = await pulled(450)
    state.total = 100
    const incremental = (await runner.run(tenant))._unsafeUnwrap()
    expect(incremental.steps.find((s) => s.step === 'zoho:student')?.details).toMatchObject({
      mode: 'incremental',
    })
    expect((await store.countRecords(tenant, 'student'))._unsafeUnwrap()).toBe(450)
    const full = (await runner.run(tenant, { options: { full: true } }))._unsafeUnwrap()
    const deletions = full.steps.find((s) => s.step === 'zoho:student')?.details?.deletions as Record<
      string,
      unknown
    >
    expect(deletions).toMatchObject({ candidates: 350, deleted: 0 })
    expect(String(deletions.guardReason)).toContain('would delete 350 of 450 live student records')
    expect((await store.countRecords(tenant, 'student'))._unsafeUnwrap()).toBe(450)
    expect((await store.listQuarantine(tenant, { status: 'pending' }))._unsafeUnwrap()).toHaveLength(1)
  })
})
