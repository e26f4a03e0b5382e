import { randomUUID } from 'node:crypto'
import type { Store } from '@edusync/core'
import { signHmac } from '@edusync/core/webhooks'
import type { PgStore } from '@edusync/store-pg'
import { createPgStore } from '@edusync/store-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutageSwitch } from './failing-store.ts'
import { switchableStore } from './failing-store.ts'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'
import { IDS, zohoPayment, zohoProgram, zohoRegistration, zohoStudent } from './zoho-fixtures.ts'

let pg: PgStore
let store: Store
let outage: OutageSwitch
let host: TestHost
const T = [
  't-auth',
  't-dup',
  't-aba',
  't-form',
  't-order',
  't-down',
  't-write',
  't-misc',
  't-concurrent',
  't-burst',
]

beforeAll(async () => {
  pg = createPgStore({})
  const switchable = switchableStore(pg)
  store = switchable.store
  outage = switchable.state
  host = await startHost({ store, tenants: Object.fromEntries(T.map((t) => [t, tenant()])) })
}, 60_000)

afterAll(async () => {
  await host.close()
  await pg.close()
})

const url = (t: string, module = 'BTEC_Registrations') => `${host.url}/webhooks/${t}/zoho/${module}`
const shared = { 'x-edusync-secret': SECRETS.zohoSecret }
const now = () => String(Math.floor(Date.now() / 1000))

function signed(body: string, options: { timestamp?: string; nonce?: string; secret?: string } = {}) {
  const timestamp = options.timestamp ?? now()
  const nonce = options.nonce ?? randomUUID()
  return {
    'x-edusync-timestamp': timestamp,
    'x-edusync-nonce': nonce,
    'x-edusync-signature': `sha256=${signHmac(options.secret ?? SECRETS.signingSecret, new TextEncoder().encode(body), { timestamp, nonce })}`,
  }
}

async function seedParents(t: string) {
  expect((await post(url(t, 'Products'), { data: [zohoProgram()] }, shared)).status).toBe(200)
  expect((await post(url(t, 'BTEC_Students'), { data: [zohoStudent()] }, shared)).status).toBe(200)
}

const stored = async (t: string, entity: string, id: string) =>
  (await pg.readRecords(t, entity, [id]))._unsafeUnwrap().get(id)?.data

describe('Zoho webhooks: authentication', () => {
  const body = JSON.stringify({ data: [zohoProgram()] })

  it('accepts the shared secret in the header or the query string', async () => {
    expect((await post(url('t-auth', 'Products'), body, shared)).status).toBe(200)
    const viaQuery = await post(`${url('t-auth', 'Products')}?secret=${SECRETS.zohoSecret}`, body)
    expect(viaQuery.status).toBe(200)
  })

  it('answers 401 when the secret is missing or wrong', async () => {
    const missing = await post(url('t-auth', 'Products'), body)
    expect([missing.status, missing.body.error.reason]).toEqual([401, 'Unauthenticated'])
    const wrong = await post(url('t-auth', 'Products'), body, { 'x-edusync-secret': 'not-the-secret-at-all' })
    expect([wrong.status, wrong.body.error.message]).toEqual([401, 'wrong shared secret'])
  })

  it('answers 404 for an unconfigured tenant, whatever secret is sent', async () => {
    expect((await post(url('nobody', 'Products'), body, shared)).status).toBe(404)
  })

  it('accepts a valid HMAC signature over the raw body', async () => {
    const r = await post(url('t-auth', 'Products'), body, signed(body))
    expect(r.status).toBe(200)
  })

  it('answers 401 for a wrong signature and for a body tampered with after signing', async () => {
    const wrong = await post(
      url('t-auth', 'Products'),
      body,
      signed(body, { secret: 'some-other-secret-xyz' }),
    )
    expect([wrong.status, wrong.body.error.message]).toEqual([401, 'signature does not match the body'])
    const headers = signed(body)
    const tampered = body.replace('4400', '4500')
    const r = await post(url('t-auth', 'Products'), tampered, headers)
    expect([r.status, r.body.error.message]).toEqual([401, 'signature does not match the body'])
  })

  it('answers 401 for a stale timestamp', async () => {
    const stale = String(Math.floor(Date.now() / 1000) - 3600)
    const r = await post(url('t-auth', 'Products'), body, signed(body, { timestamp: stale }))
    expect(r.status).toBe(401)
    expect(r.body.error.message).toMatch(/tolerance window/)
  })

  it('answers 401 for a replayed nonce, even with a fresh valid signature', async () => {
    const headers = signed(body, { nonce: 'nonce-replay-0001' })
    expect((await post(url('t-auth', 'Products'), body, headers)).status).toBe(200)
    const replay = await post(url('t-auth', 'Products'), body, headers)
    expect([replay.status, replay.body.error.message]).toEqual([401, 'nonce already used (replayed request)'])
  })

  it('answers 403 when the tenant has no shared secret and the request is unsigned', async () => {
    const h = await startHost({ store, tenants: { 'signed-only': tenant({ zohoSecret: undefined }) } })
    try {
      const r = await post(`${h.url}/webhooks/signed-only/zoho/Products`, body, shared)
      expect(r.status).toBe(403)
      expect((await post(`${h.url}/webhooks/signed-only/zoho/Products`, body, signed(body))).status).toBe(200)
    } finally {
      await h.close()
    }
  })
})

describe('Zoho webhooks: delivery semantics', () => {
  it('processes a duplicate delivery once and replays the original answer', async () => {
    await seedParents('t-dup')
    const body = { data: [zohoRegistration()] }
    const first = await post(url('t-dup'), body, shared)
    expect(first.status).toBe(200)
    expect(first.body.outcomes).toEqual([{ status: 'NEW', entity: 'registration', id: IDS.registration }])
    const again = await post(url('t-dup'), body, shared)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    const synced = host.logs.filter(
      (l) =>
        l.includes('"batch synced"') &&
        l.includes('"entity":"registration"') &&
        l.includes('"tenant":"t-dup"'),
    )
    expect(synced).toHaveLength(1)
  })

  it('processes concurrent duplicates with one Idempotency-Key exactly once', async () => {
    await seedParents('t-concurrent')
    const body = JSON.stringify({ data: [zohoRegistration()] })
    const replies = await Promise.all(
      Array.from({ length: 6 }, () =>
        post(url('t-concurrent'), body, { ...shared, 'idempotency-key': 'zoho-evt-42' }),
      ),
    )
    const statuses = replies.map((r) => r.status)
    // One NEW; the rest either replayed it (200) or were told to retry while it ran (409 + Retry-After).
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true)
    const news = replies.filter((r) => r.status === 200 && r.body.outcomes[0]?.status === 'NEW')
    expect(news.length).toBe(replies.filter((r) => r.status === 200).length)
    const synced = host.logs.filter(
      (l) =>
        l.includes('"batch synced"') &&
        l.includes('"entity":"registration"') &&
        l.includes('"tenant":"t-concurrent"'),
    )
    expect(synced).toHaveLength(1)
    expect(await pg.countRecords('t-concurrent', 'registration')).toEqual(
      expect.objectContaining({ value: 1 }),
    )
  })

  it('answers 409 when an Idempotency-Key is reused with a different body', async () => {
    await seedParents('t-misc')
    const h = { ...shared, 'idempotency-key': 'zoho-evt-7' }
    expect((await post(url('t-misc'), { data: [zohoRegistration()] }, h)).status).toBe(200)
    const r = await post(url('t-misc'), { data: [zohoRegistration({ Intake: 'June 2026' })] }, h)
    expect([r.status, r.body.error.reason]).toEqual([409, 'Conflict'])
  })

  it('applies A -> B -> A (three distinct edits, even with identical first and last bodies)', async () => {
    await seedParents('t-aba')
    const a = zohoRegistration({ Intake: 'January 2026', Modified_Time: undefined })
    const b = zohoRegistration({ Intake: 'June 2026', Modified_Time: undefined })
    const statuses: string[] = []
    for (const record of [a, b, a]) {
      const r = await post(url('t-aba'), { data: [record] }, shared)
      expect(r.headers.get('idempotent-replayed')).toBeNull()
      statuses.push(r.body.outcomes[0]?.status ?? '')
    }
    expect(statuses).toEqual(['NEW', 'UPDATED', 'UPDATED'])
    expect((await stored('t-aba', 'registration', IDS.registration))?.intake).toBe('January 2026')

    // With Modified_Time (as Zoho sends it) the same holds: each edit has its own version.
    const times = ['2026-02-01T10:00:00+03:00', '2026-02-01T10:01:00+03:00', '2026-02-01T10:02:00+03:00']
    const versioned = [a, b, a].map((r, i) => ({ ...r, Modified_Time: times[i] }))
    const seen: string[] = []
    for (const record of versioned)
      seen.push((await post(url('t-aba'), { data: [record] }, shared)).body.outcomes[0]?.status ?? '')
    expect(seen).toEqual(['UNCHANGED', 'UPDATED', 'UPDATED'])
  })

  it('reads a single record sent as form fields and as plain JSON', async () => {
    await seedParents('t-form')
    const form = new URLSearchParams({
      id: IDS.registration,
      Name: 'REG-000123',
      Student_ID: IDS.student,
      Program: IDS.program,
      Registration_Date: '2026-01-15',
      Registration_Status: 'Active',
      Program_Price: '4400$',
      // Registrations carry their own currency: a form body must include it.
      Currency: 'USD',
      Discount: 'false',
      Study_Mode: 'Online',
      Modified_Time: '2026-01-15T09:30:00+03:00',
    }).toString()
    const r = await post(url('t-form'), form, {
      ...shared,
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(r.status).toBe(200)
    expect(r.body.outcomes[0]).toEqual({ status: 'NEW', entity: 'registration', id: IDS.registration })
    const data = await stored('t-form', 'registration', IDS.registration)
    expect(data).toMatchObject({
      studentId: IDS.student,
      programPrice: { minor: 440000, currency: 'USD' },
      discount: false,
    })

    const json = await post(url('t-form', 'BTEC_Payments'), zohoPayment(), shared)
    expect(json.body.outcomes[0]).toEqual({ status: 'NEW', entity: 'payment', id: IDS.payment })
  })

  it('parks a payment that arrives before its registration, then stores both when it arrives', async () => {
    await seedParents('t-order')
    const early = await post(url('t-order', 'BTEC_Payments'), { data: [zohoPayment()] }, shared)
    expect(early.status).toBe(200)
    expect(early.body.outcomes[0]).toMatchObject({
      status: 'DEFERRED',
      id: IDS.payment,
      waitingFor: [{ entity: 'registration', id: IDS.registration }],
    })
    expect(await stored('t-order', 'payment', IDS.payment)).toBeUndefined()

    const reg = await post(url('t-order'), { data: [zohoRegistration()] }, shared)
    expect(reg.body.outcomes[0]?.status).toBe('NEW')
    expect(reg.body.replayed).toEqual([{ status: 'NEW', entity: 'payment', id: IDS.payment }])
    expect(await stored('t-order', 'payment', IDS.payment)).toMatchObject({
      amount: { minor: 220000, currency: 'USD' },
    })
    expect((await pg.listParked('t-order'))._unsafeUnwrap()).toEqual([])
  })

  it('answers 503 with Retry-After while the Store is down, and processes the retry without loss', async () => {
    await seedParents('t-down')
    const body = { data: [zohoRegistration()] }
    outage.down = true
    try {
      const down = await post(url('t-down'), body, shared)
      expect([down.status, down.headers.get('retry-after'), down.body.error.reason]).toEqual([
        503,
        '5',
        'Unavailable',
      ])
    } finally {
      outage.down = false
    }
    expect(await stored('t-down', 'registration', IDS.registration)).toBeUndefined()
    const retry = await post(url('t-down'), body, shared)
    expect(retry.status).toBe(200)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    expect(retry.body.outcomes[0]?.status).toBe('NEW')
    expect(await stored('t-down', 'registration', IDS.registration)).toMatchObject({ intake: 'January 2026' })
  })
})

describe('Zoho webhooks: a write that fails after the delivery was claimed', () => {
  it('answers 503, records nothing as done, and processes the retry exactly once', async () => {
    await seedParents('t-write')
    const body = { data: [zohoRegistration()] }
    // The idempotency claim succeeds; only the batch write fails, as when the database goes away mid-request.
    Object.assign(outage, { down: true, only: 'applyBatch' })
    try {
      const failed = await post(url('t-write'), body, shared)
      expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '5'])
    } finally {
      Object.assign(outage, { down: false, only: undefined })
    }
    expect(await stored('t-write', 'registration', IDS.registration)).toBeUndefined()
    const retry = await post(url('t-write'), body, shared)
    expect(retry.status).toBe(200)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    expect(retry.body.outcomes[0]?.status).toBe('NEW')
    const again = await post(url('t-write'), body, shared)
    expect(again.body.outcomes[0]?.status).toBe('NEW')
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect((await pg.countRecords('t-write', 'registration'))._unsafeUnwrap()).toBe(1)
  })
})

describe('Zoho webhooks: concurrent deliveries share engine batches', () => {
  it('gives each delivery exactly its own outcomes, and never merges two versions of one record', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `48768760000049${String(i).padStart(5, '0')}`)
    const same = IDS.student
    const bodies = [
      ...ids.map((id, i) => ({ data: [zohoStudent({ id, Name: `A0${i}`, Program: null })] })),
      {
        data: [
          zohoStudent({ Program: null, Last_Name: 'First', Modified_Time: '2026-03-01T10:00:00+03:00' }),
        ],
      },
      {
        data: [
          zohoStudent({ Program: null, Last_Name: 'Second', Modified_Time: '2026-03-01T10:01:00+03:00' }),
        ],
      },
    ]
    const replies = await Promise.all(bodies.map((b) => post(url('t-burst', 'BTEC_Students'), b, shared)))
    expect(replies.map((r) => r.status)).toEqual(bodies.map(() => 200))
    replies.slice(0, 12).forEach((r, i) => {
      expect(r.body.outcomes).toEqual([{ status: 'NEW', entity: 'student', id: ids[i] }])
    })
    // Both versions of one record were applied one after the other: one NEW, one UPDATED, no duplicate.
    const twoVersions = replies.slice(12).map((r) => r.body.outcomes[0]?.status)
    expect(twoVersions.sort()).toEqual(['NEW', 'UPDATED'])
    expect((await stored('t-burst', 'student', same))?.lastName).toMatch(/^(First|Second)$/)
  })
})

describe('Zoho webhooks: refused bodies', () => {
  it('answers 400 with the issues when the record is invalid', async () => {
    const r = await post(
      url('t-misc'),
      { data: [zohoRegistration({ id: '4876876000006600999', Registration_Date: '15/01/2026' })] },
      shared,
    )
    expect(r.status).toBe(400)
    expect(r.body.outcomes[0]?.status).toBe('INVALID')
    expect(r.body.outcomes[0]?.issues?.map((i) => i.path)).toContain('Registration_Date')
  })

  it('answers 400 naming an unsubstituted Zoho merge field', async () => {
    const r = await post(
      url('t-misc'),
      // Zoho sends the literal merge field when it fails to substitute it.
      { zoho_id: `$\{!BTEC_Registrations.Id}`, module: 'BTEC_Registrations' },
      shared,
    )
    expect(r.status).toBe(400)
    expect(r.body.error.message).toMatch(/unsubstituted Zoho template \$\{!BTEC_Registrations.Id\}/)
  })

  it('answers 400 for broken JSON and 404 for an unknown module', async () => {
    const broken = await post(url('t-misc'), '{"data":[', shared)
    expect([broken.status, broken.body.error.reason]).toEqual([400, 'BadRequest'])
    const unknown = await post(url('t-misc', 'Leads'), { data: [{ id: '1' }] }, shared)
    expect(unknown.status).toBe(404)
  })

  it('answers 413 for a body over MAX_BODY_BYTES', async () => {
    const h = await startHost({ store, tenants: { small: tenant() }, env: { MAX_BODY_BYTES: '2048' } })
    try {
      const big = { data: [zohoRegistration({ Note: 'x'.repeat(4000) })] }
      const r = await post(`${h.url}/webhooks/small/zoho/BTEC_Registrations`, big, shared)
      expect([r.status, r.body.error.reason]).toEqual([413, 'PayloadTooLarge'])
      // Streamed without a Content-Length (chunked): refused all the same, and nothing is stored.
      const bytes = new TextEncoder().encode(JSON.stringify(big))
      const chunked = await fetch(`${h.url}/webhooks/small/zoho/BTEC_Registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...shared },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000))
            controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit)
      expect(chunked.status).toBe(413)
      expect(await pg.countRecords('small', 'registration')).toEqual(expect.objectContaining({ value: 0 }))
    } finally {
      await h.close()
    }
  })
})
