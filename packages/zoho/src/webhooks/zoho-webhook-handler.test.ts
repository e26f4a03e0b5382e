import { createMemoryStore, createSyncEngine } from '@edusync/core'
import type { HandlerContext } from '@edusync/core/handlers'
import { sharedSecretAuth } from '@edusync/core/webhooks'
import { describe, expect, it } from 'vitest'
import { programRecord, studentRecord } from '../__fixtures__/records.ts'
import { testConfig, useZohoServer } from '../__fixtures__/server.ts'
import { createZohoClient } from '../client.ts'
import { defaultFieldMap } from '../map/default-field-map.ts'
import { withFieldMap } from '../map/with-field-map.ts'
import { createZohoWebhookHandler } from './zoho-webhook-handler.ts'

useZohoServer()

const SECRET = 'zoho-shared-secret-0001'
const fieldMap = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })

function setup(options: { client?: boolean } = {}) {
  const store = createMemoryStore()
  const client = options.client ? createZohoClient(testConfig) : undefined
  const handle = createZohoWebhookHandler({
    engine: createSyncEngine({ store }),
    store,
    knownTenant: (t) => t === 'acme',
    authenticate: sharedSecretAuth({ secret: () => SECRET, header: 'x-secret' }),
    clientFor: () => client,
    fieldMapFor: () => fieldMap,
  })
  const deliver = async (body: string, params: Record<string, string>, type = 'application/json') => {
    const context: HandlerContext = { params: { tenant: 'acme', ...params } }
    const response = await handle(
      new Request('http://host/webhooks', {
        method: 'POST',
        headers: { 'content-type': type, 'x-secret': SECRET },
        body,
      }),
      context,
    )
    return { response, context, body: (await response.json()) as Record<string, unknown> }
  }
  return { store, deliver }
}

const outcomes = (body: Record<string, unknown>) =>
  (body.outcomes as { status: string; id?: string }[]).map((o) => [o.status, o.id])

describe('createZohoWebhookHandler', () => {
  it('syncs a {"data":[...]} body for the module in the route and reports the counts on the context', async () => {
    const { deliver } = setup()
    const { response, body, context } = await deliver(JSON.stringify({ data: [programRecord] }), {
      module: 'Products',
    })
    expect(response.status).toBe(200)
    expect(outcomes(body)).toEqual([['NEW', programRecord.id]])
    expect(context).toMatchObject({ tenant: 'acme', counts: { new: 1 } })
  })

  it('replays a redelivery, but applies the same content at a later Modified_Time (A -> B -> A)', async () => {
    const { deliver } = setup()
    const a = JSON.stringify({ data: [programRecord] })
    const b = JSON.stringify({
      data: [{ ...programRecord, Program_ID: 'PRG-0008', Modified_Time: '2025-01-11T10:00:00+03:00' }],
    })
    const aAgain = JSON.stringify({
      data: [{ ...programRecord, Modified_Time: '2025-01-12T10:00:00+03:00' }],
    })
    const params = { module: 'Products' }
    expect(outcomes((await deliver(a, params)).body)).toEqual([['NEW', programRecord.id]])
    expect((await deliver(a, params)).response.headers.get('idempotent-replayed')).toBe('true')
    expect(outcomes((await deliver(b, params)).body)).toEqual([['UPDATED', programRecord.id]])
    const third = await deliver(aAgain, params)
    expect(third.response.headers.get('idempotent-replayed')).toBeNull()
    expect(outcomes(third.body)).toEqual([['UPDATED', programRecord.id]])
  })

  it('lists a record the reader refuses as INVALID beside the synced ones (400 when all are)', async () => {
    const { deliver } = setup()
    const bad = { ...programRecord, id: '6493490000000812004', Product_Name: null }
    const { response, body } = await deliver(JSON.stringify({ data: [bad, programRecord] }), {
      module: 'Products',
    })
    expect(response.status).toBe(200)
    expect(outcomes(body)).toEqual([
      ['INVALID', bad.id],
      ['NEW', programRecord.id],
    ])
  })

  it('fetches the records of an id-only form body through the tenant client', async () => {
    const { deliver, store } = setup({ client: true })
    await deliver(JSON.stringify({ data: [programRecord] }), { module: 'Products' })
    const form = `module=BTEC_Students&ids%5B%5D=${studentRecord.id}&operation=update`
    const { response, body } = await deliver(form, {}, 'application/x-www-form-urlencoded')
    expect(response.status).toBe(200)
    expect(outcomes(body)).toEqual([['NEW', studentRecord.id]])
    expect((await store.countRecords('acme', 'student'))._unsafeUnwrap()).toBe(1)
  })

  it('answers an id-only body 503 with Retry-After when the tenant has no Zoho client', async () => {
    const { deliver } = setup()
    const { response } = await deliver(
      JSON.stringify({ module: 'BTEC_Students', ids: [studentRecord.id] }),
      {},
    )
    expect([response.status, response.headers.get('retry-after')]).toEqual([503, '300'])
  })

  it('answers 404 for a module the field map does not know', async () => {
    const { deliver } = setup()
    const { response } = await deliver(JSON.stringify({ data: [programRecord] }), { module: 'Leads' })
    expect(response.status).toBe(404)
  })
})
