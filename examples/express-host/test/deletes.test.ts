import { createMemoryStore } from '@edusync/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestHost } from './host.ts'
import { post, SECRETS, startHost, tenant } from './host.ts'
import { IDS, zohoProgram, zohoRegistration, zohoStudent } from './zoho-fixtures.ts'

const store = createMemoryStore()
let host: TestHost

// No Zoho API credentials: a delete must never need to fetch anything.
beforeAll(async () => {
  host = await startHost({ store, tenants: { acme: tenant(), guard: tenant(), pull: tenant() } })
  const seed = (module: string, record: Record<string, unknown>) =>
    post(`${host.url}/webhooks/acme/zoho/${module}`, { data: [record] }, shared)
  expect((await seed('Products', zohoProgram())).status).toBe(200)
  expect((await seed('BTEC_Students', zohoStudent())).status).toBe(200)
  expect((await seed('BTEC_Registrations', zohoRegistration())).status).toBe(200)
}, 60_000)

afterAll(() => host.close())

const shared = { 'x-edusync-secret': SECRETS.zohoSecret }
const api = { authorization: `Bearer ${SECRETS.apiToken}` }
const get = async (path: string) => {
  const r = await fetch(`${host.url}${path}`, { headers: api })
  return { status: r.status, body: (await r.json()) as Record<string, unknown> }
}
const programs = (ids: readonly string[]) =>
  ids.map((id) => ({ id, name: `Program ${id}`, price: { minor: 1000, currency: 'USD' } }))
const range = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

// A notification-channel callback exactly as Zoho posts it (api-facts.md §1.9).
const notification = (module: string, ids: string[], operation = 'delete') => ({
  server_time: 1768469400000,
  query_params: {},
  module,
  resource_uri: `https://www.zohoapis.eu/crm/v2/${module}`,
  ids,
  affected_fields: [],
  operation,
  channel_id: '1000000068001',
  token: SECRETS.zohoSecret,
})

describe('Zoho deletes', () => {
  it('a delete notification tombstones the record (DELETED), keeping its last data; a redelivery is UNCHANGED', async () => {
    const url = `${host.url}/webhooks/acme/zoho?secret=${SECRETS.zohoSecret}`
    const first = await post(url, notification('BTEC_Registrations', [IDS.registration]))
    expect(first.status).toBe(200)
    expect(first.body.outcomes).toEqual([
      {
        status: 'DELETED',
        entity: 'registration',
        id: IDS.registration,
        source: 'zoho',
        reason: 'Zoho delete notification (channel 1000000068001)',
      },
    ])
    expect((await store.countRecords('acme', 'registration'))._unsafeUnwrap()).toBe(0)
    const tombstone = (await store.readTombstones('acme', 'registration', [IDS.registration]))._unsafeUnwrap()
    expect(tombstone.get(IDS.registration)?.data.studentId).toBe(IDS.student)
    const again = await post(url, notification('BTEC_Registrations', [IDS.registration]))
    expect([again.status, again.body.outcomes[0]?.status]).toEqual([200, 'UNCHANGED'])
  })

  it('an id-only delete webhook ({"zoho_id","module","operation":"delete"}) is applied too', async () => {
    // Restored from Zoho's recycle bin: a new Modified_Time, so not a duplicate delivery; RESTORED here.
    const restored = await post(
      `${host.url}/webhooks/acme/zoho/BTEC_Registrations`,
      { data: [{ ...zohoRegistration(), Modified_Time: '2026-01-20T10:00:00+03:00' }] },
      shared,
    )
    expect(restored.body.outcomes).toMatchObject([{ status: 'RESTORED', id: IDS.registration }])
    const r = await post(
      `${host.url}/webhooks/acme/zoho`,
      { zoho_id: IDS.registration, module: 'BTEC_Registrations', operation: 'delete' },
      shared,
    )
    expect(r.status).toBe(200)
    expect(r.body.outcomes).toMatchObject([{ status: 'DELETED', reason: 'Zoho delete webhook' }])
  })

  it('a Zoho delete of a student with live registrations is refused with the reason, and nothing is deleted', async () => {
    await post(
      `${host.url}/webhooks/acme/zoho/BTEC_Registrations`,
      { data: [{ ...zohoRegistration(), Modified_Time: '2026-01-21T10:00:00+03:00' }] },
      shared,
    )
    const r = await post(
      `${host.url}/webhooks/acme/zoho?secret=${SECRETS.zohoSecret}`,
      notification('BTEC_Students', [IDS.student]),
    )
    expect(r.status).toBe(200)
    expect(r.body.outcomes).toMatchObject([
      { status: 'INVALID', id: IDS.student, issues: [{ path: 'id', rule: 'has_live_references' }] },
    ])
    expect((await store.countRecords('acme', 'student'))._unsafeUnwrap()).toBe(1)
  })

  it('the tombstone feed lists deletions for outbound pushers', async () => {
    const url = `${host.url}/webhooks/acme/zoho?secret=${SECRETS.zohoSecret}`
    expect((await post(url, notification('BTEC_Registrations', [IDS.registration]))).status).toBe(200)
    const feed = await get('/api/acme/tombstones?entity=registration')
    expect(feed.status).toBe(200)
    const tombstones = feed.body.tombstones as { id: string; source: string; deletedAt: string }[]
    expect(tombstones.map((t) => [t.id, t.source])).toEqual([[IDS.registration, 'zoho']])
    const later = await get(`/api/acme/tombstones?since=${encodeURIComponent('2999-01-01T00:00:00Z')}`)
    expect(later.body.tombstones).toEqual([])
    expect((await get('/api/acme/tombstones?since=yesterday')).status).toBe(400)
  })
})

describe('the mass-deletion guard over HTTP', () => {
  it('quarantines a large explicit delete, lists it, and applies it once on approval', async () => {
    const ids = range(100, 'p')
    expect((await post(`${host.url}/api/guard/sync/program`, programs(ids), api)).status).toBe(200)
    const small = await post(`${host.url}/api/guard/deletes/program`, { ids: ['p-0'], reason: 'closed' }, api)
    expect(small.body.outcomes).toMatchObject([{ status: 'DELETED', source: 'api', reason: 'closed' }])

    const wave = await post(
      `${host.url}/api/guard/deletes/program`,
      { ids: ids.slice(1, 41), reason: 'catalogue clean-up', source: 'admin' },
      api,
    )
    expect(wave.status).toBe(200)
    expect(wave.body.counts).toMatchObject({ quarantined: 40, deleted: 0 })
    const quarantine = wave.body.quarantine as { id: string; guardReason: string }
    expect(quarantine.guardReason).toContain('would delete 40 of 99 live program records')
    expect((await store.countRecords('guard', 'program'))._unsafeUnwrap()).toBe(99)

    const listed = await get('/api/guard/deletions/quarantine?status=pending')
    expect((listed.body.waves as { id: string }[]).map((w) => w.id)).toEqual([quarantine.id])

    const approved = await post(
      `${host.url}/api/guard/deletions/quarantine/${quarantine.id}/approve`,
      '',
      api,
    )
    expect(approved.status).toBe(200)
    expect(approved.body.counts).toMatchObject({ deleted: 40 })
    expect((await store.countRecords('guard', 'program'))._unsafeUnwrap()).toBe(59)
    const twice = await post(`${host.url}/api/guard/deletions/quarantine/${quarantine.id}/approve`, '', api)
    expect([twice.status, twice.body.error.reason]).toEqual([409, 'Conflict'])
    expect(twice.body.error.message).toContain('approved, not pending')
  })

  it('discards a wave: nothing is deleted', async () => {
    const wave = await post(
      `${host.url}/api/guard/deletes/program`,
      { ids: range(59, 'x'), reason: 'typo' },
      api,
    )
    // Unknown ids are UNCHANGED, not deletions, so the guard has nothing to hold.
    expect(wave.body.counts).toMatchObject({ unchanged: 59, quarantined: 0 })
    const held = await post(
      `${host.url}/api/guard/deletes/program`,
      { ids: range(100, 'p').slice(41), reason: 'everything' },
      api,
    )
    const id = (held.body.quarantine as { id: string }).id
    const discarded = await post(`${host.url}/api/guard/deletions/quarantine/${id}/discard`, '', api)
    expect(discarded.status).toBe(200)
    expect(discarded.body.quarantine).toMatchObject({ id, status: 'discarded' })
    expect((await store.countRecords('guard', 'program'))._unsafeUnwrap()).toBe(59)
    const unknown = await post(`${host.url}/api/guard/deletions/quarantine/nope/discard`, '', api)
    expect(unknown.status).toBe(409)
  })

  it('refuses a delete body without ids or reason, naming the field', async () => {
    const r = await post(`${host.url}/api/guard/deletes/program`, { ids: [] }, api)
    expect(r.status).toBe(400)
    expect(r.body.error.issues?.map((i) => i.path).sort()).toEqual(['ids', 'reason'])
    expect(
      (await post(`${host.url}/api/guard/deletes/nothing`, { ids: ['a'], reason: 'x' }, api)).status,
    ).toBe(404)
    expect((await post(`${host.url}/api/guard/deletes/program`, { ids: ['a'], reason: 'x' })).status).toBe(
      401,
    )
  })
})

describe('full bulk syncs (?mode=full)', () => {
  it('deletes records absent from the complete set; an incremental sync never deletes', async () => {
    const ids = range(40, 'f')
    await post(`${host.url}/api/pull/sync/program`, programs(ids), api)
    const incremental = await post(`${host.url}/api/pull/sync/program`, programs(ids.slice(0, 30)), api)
    expect(incremental.body.deletions).toBeUndefined()
    expect((await store.countRecords('pull', 'program'))._unsafeUnwrap()).toBe(40)

    const full = await post(`${host.url}/api/pull/sync/program?mode=full`, programs(ids.slice(2)), api)
    expect(full.status).toBe(200)
    expect(full.body.candidates).toBe(2)
    expect(full.body.deletions).toMatchObject({ counts: { deleted: 2 }, quarantine: null })
    expect((await store.countRecords('pull', 'program'))._unsafeUnwrap()).toBe(38)
    const tombstone = (await store.readTombstones('pull', 'program', ['f-0']))._unsafeUnwrap().get('f-0')
    expect(tombstone).toMatchObject({ source: 'api', reason: 'absent from a complete api pull of program' })
    expect((await post(`${host.url}/api/pull/sync/program?mode=partial`, [], api)).status).toBe(400)
  })
})
