import { describe, expect, it } from 'vitest'
import { createMemoryPushLedger } from '../push/memory-push-ledger.ts'
import { fp } from '../testing/conformance-data.ts'
import { bearerAuth } from '../webhooks/bearer-auth.ts'
import type { HandlerContext } from './handler-context.ts'
import { createPushLedgerHandlers } from './push-ledger-handlers.ts'

const TOKEN = 'token-of-acme-0001'
const auth = { authorization: `Bearer ${TOKEN}` }
const DASH = 'moodle-dashboard'
const ctx = (params: Record<string, string>): HandlerContext => ({ params })
const get = (query = '', headers: Record<string, string> = auth) =>
  new Request(`http://host/push${query}`, { headers })
const post = (body: string) =>
  new Request('http://host/replay', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body,
  })

async function setup() {
  const ledger = createMemoryPushLedger()
  const replays: string[] = []
  const handlers = createPushLedgerHandlers({
    ledger,
    targets: { [DASH]: ['student', 'payment'] },
    knownTenant: (t) => t === 'acme',
    authenticate: bearerAuth({ token: (t) => (t === 'acme' ? TOKEN : undefined) }),
    afterReplay: (tenant, target) => replays.push(`${tenant}/${target}`),
  })
  const now = new Date('2026-12-01T10:00:00Z')
  await ledger.track(
    'acme',
    DASH,
    'student',
    ['s1', 's2', 's3'].map((id) => ({ id, fingerprint: fp(id) })),
  )
  await ledger.track('acme', DASH, 'payment', [{ id: 'p1', fingerprint: fp('p1') }])
  await ledger.claim('acme', DASH, 'student', { worker: 'w', limit: 10, leaseMs: 1000, now })
  await ledger.complete('acme', DASH, 'student', 'w', [
    { id: 's1', result: 'synced', fingerprint: fp('s1'), targetId: '7' },
    { id: 's2', result: 'failed', fingerprint: fp('s2'), error: 'Failed: no', retryAt: null },
    {
      id: 's3',
      result: 'failed',
      fingerprint: fp('s3'),
      error: 'Unavailable',
      retryAt: new Date(now.getTime() + 60_000),
    },
  ])
  return { ledger, handlers, replays }
}

describe('createPushLedgerHandlers', () => {
  it('lists counts and entries, by status, dead letters only, and per entity', async () => {
    const { handlers } = await setup()
    const all = await handlers.list(get(), ctx({ tenant: 'acme', target: DASH }))
    expect(all.status).toBe(200)
    const body = (await all.json()) as { counts: unknown; entries: { recordId: string; status: string }[] }
    expect(body.counts).toEqual({
      student: { pending: 0, in_progress: 0, synced: 1, failed: 2 },
      payment: { pending: 1, in_progress: 0, synced: 0, failed: 0 },
    })
    expect(body.entries.map((e) => [e.recordId, e.status])).toEqual([
      ['s1', 'synced'],
      ['s2', 'failed'],
      ['s3', 'failed'],
      ['p1', 'pending'],
    ])
    const dead = (await (
      await handlers.list(get('?dead=true'), ctx({ tenant: 'acme', target: DASH }))
    ).json()) as {
      entries: { recordId: string; lastError: string; nextAttemptAt: null }[]
    }
    expect(dead.entries).toMatchObject([{ recordId: 's2', lastError: 'Failed: no', nextAttemptAt: null }])
    const pending = (await (
      await handlers.list(get('?entity=payment&status=pending'), ctx({ tenant: 'acme', target: DASH }))
    ).json()) as { entries: { recordId: string }[] }
    expect(pending.entries.map((e) => e.recordId)).toEqual(['p1'])
  })

  it('replays one record, then every failure of the target, and tells the host', async () => {
    const { handlers, ledger, replays } = await setup()
    const one = await handlers.replay(
      post('{"entity":"student","ids":["s2"]}'),
      ctx({ tenant: 'acme', target: DASH }),
    )
    expect(await one.json()).toEqual({ target: DASH, replayed: 1 })
    expect((await ledger.read('acme', DASH, 'student', ['s2']))._unsafeUnwrap().get('s2')?.status).toBe(
      'pending',
    )
    const rest = await handlers.replay(post('{}'), ctx({ tenant: 'acme', target: DASH }))
    expect(await rest.json()).toEqual({ target: DASH, replayed: 1 })
    expect(replays).toEqual([`acme/${DASH}`, `acme/${DASH}`])
    const none = await handlers.replay(post('{}'), ctx({ tenant: 'acme', target: DASH }))
    expect(await none.json()).toEqual({ target: DASH, replayed: 0 })
    expect(replays).toHaveLength(2)
  })

  it('answers 404 for an unknown target or entity, 400 for bad input, 401 without the token', async () => {
    const { handlers } = await setup()
    expect((await handlers.list(get(), ctx({ tenant: 'acme', target: 'quickbooks' }))).status).toBe(404)
    expect((await handlers.list(get('?entity=grade'), ctx({ tenant: 'acme', target: DASH }))).status).toBe(
      404,
    )
    expect((await handlers.list(get('?status=lost'), ctx({ tenant: 'acme', target: DASH }))).status).toBe(400)
    expect((await handlers.list(get('', {}), ctx({ tenant: 'acme', target: DASH }))).status).toBe(401)
    expect(
      (await handlers.replay(post('{"ids":["s2"]}'), ctx({ tenant: 'acme', target: DASH }))).status,
    ).toBe(400)
    expect(
      (await handlers.replay(post('{"entity":"x"}'), ctx({ tenant: 'acme', target: DASH }))).status,
    ).toBe(404)
    expect((await handlers.replay(post('{"what":1}'), ctx({ tenant: 'acme', target: DASH }))).status).toBe(
      400,
    )
  })
})
