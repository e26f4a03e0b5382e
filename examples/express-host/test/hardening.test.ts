import type { Store } from '@edusync/core'
import { createMemoryStore } from '@edusync/core'
import { createPgStore } from '@edusync/store-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'
import { IDS, zohoPayment, zohoProgram, zohoRegistration, zohoStudent } from './zoho-fixtures.ts'

// Issue 8, through the host: what one bad record does to a delivery must not depend on the Store.
const stores: [string, () => Store & { close(): Promise<unknown> }][] = [
  ['PGlite', () => createPgStore({})],
  ['memory', () => createMemoryStore()],
]

describe.each(stores)('Zoho webhooks on the %s Store: records the database cannot hold', (_name, open) => {
  let store: Store & { close(): Promise<unknown> }
  let host: TestHost
  const T = 't-hardening'

  beforeAll(async () => {
    store = open()
    if ('migrate' in store && typeof store.migrate === 'function') await store.migrate()
    host = await startHost({ store, tenants: { [T]: tenant() } })
  }, 60_000)

  afterAll(async () => {
    await host.close()
    await store.close()
  })

  const url = (module: string) => `${host.url}/webhooks/${T}/zoho/${module}`
  const shared = { 'x-edusync-secret': SECRETS.zohoSecret }
  const stored = async (entity: string, id: string) =>
    (await store.readRecords(T, entity, [id]))._unsafeUnwrap().get(id)?.data

  // Issue 8.4: a NUL character in one record made PostgreSQL refuse the whole batch: the host answered
  // 500 to every retry of the delivery, while the memory Store stored the record.
  it('answers 200 with the NUL and lone-surrogate records INVALID naming the field, stores the others, and replays the answer', async () => {
    const body = {
      data: [
        zohoProgram({ id: '4876876000001100010', Product_Name: 'HND\u0000Business' }),
        zohoProgram(),
        zohoProgram({ id: '4876876000001100011', Program_Major: 'Business \uD800' }),
      ],
    }
    const first = await post(url('Products'), body, shared)
    expect(first.status).toBe(200)
    expect(first.body.counts).toMatchObject({ total: 3, new: 1, invalid: 2 })
    // The host lists the records its reader refused first, then the synced ones.
    const byId = new Map(first.body.outcomes.map((o) => [o.id, o]))
    expect(byId.get(IDS.program)?.status).toBe('NEW')
    expect(byId.get('4876876000001100010')?.issues).toEqual([
      expect.objectContaining({
        path: 'Product_Name',
        rule: 'nul_character',
        received: 'HND\\u0000Business',
      }),
    ])
    expect(byId.get('4876876000001100011')?.issues).toEqual([
      expect.objectContaining({
        path: 'Program_Major',
        rule: 'lone_surrogate',
        received: 'Business \\ud800',
      }),
    ])
    expect(await stored('program', IDS.program)).toMatchObject({ name: 'BTEC Level 5 HND in Business' })
    expect(await stored('program', '4876876000001100010')).toBeUndefined()
    // The answer itself was storable: the sender's retry is replayed, not refused or re-run.
    const again = await post(url('Products'), body, shared)
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
  })

  it('answers 400 (not retryable) when every record of the delivery holds such text', async () => {
    const r = await post(url('BTEC_Students'), { data: [zohoStudent({ City: 'Ist\u0000anbul' })] }, shared)
    expect(r.status).toBe(400)
    expect(r.body.outcomes[0]?.issues).toEqual([
      expect.objectContaining({ path: 'City', rule: 'nul_character' }),
    ])
  })

  // Issue 8.3: `Email=""` made the student INVALID although the e-mail is optional.
  it('stores a student whose optional Email and Phone_Number are blank, with null for both', async () => {
    expect((await post(url('Products'), { data: [zohoProgram()] }, shared)).status).toBe(200)
    const r = await post(
      url('BTEC_Students'),
      { data: [zohoStudent({ Email: '', Phone_Number: ' ' })] },
      shared,
    )
    expect([r.status, r.body.outcomes[0]?.status]).toEqual([200, 'NEW'])
    expect(await stored('student', IDS.student)).toMatchObject({ email: null, phone: null })
  })

  // Issue 8.1: a Payment_Amount of "-500$" was stored as a payment.
  it('refuses a payment of "-500$" naming Payment_Amount, rule positive_amount and the value', async () => {
    await post(url('BTEC_Registrations'), { data: [zohoRegistration()] }, shared)
    const r = await post(url('BTEC_Payments'), { data: [zohoPayment({ Payment_Amount: '-500$' })] }, shared)
    expect(r.status).toBe(400)
    expect(r.body.outcomes[0]?.issues).toEqual([
      expect.objectContaining({ path: 'Payment_Amount', rule: 'positive_amount', received: '-500$' }),
    ])
    expect(await stored('payment', IDS.payment)).toBeUndefined()
  })
})
