import { errAsync, ok, okAsync, ResultAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import { createMemoryStore, createSyncEngine, StoreError } from '../index.ts'
import type { Store } from '../store/store.ts'
import { bearerAuth } from './bearer-auth.ts'
import type { ParsedBody } from './body.ts'
import { parseBody } from './body.ts'
import { syncReply } from './responses.ts'
import { createWebhookHandler } from './webhook-handler.ts'

const TOKEN = 'tok-acme'

/** The reply shapes these tests read. */
interface Reply {
  outcomes: { status: string; issues?: { path: string }[] }[]
  counts: { new: number }
  error: { reason: string }
}
const json = (r: Response) => r.json() as Promise<Reply>

const student = (name: string, extra: Record<string, unknown> = {}) => ({
  id: '4876876000004400001',
  firstName: name,
  lastName: 'Yılmaz',
  status: 'active',
  ...extra,
})

/** A Store whose idempotency and write calls can be switched off, like a database going away. */
function switchableStore(inner: Store = createMemoryStore()) {
  const state = { down: false }
  const fail = () => errAsync(new StoreError('Unavailable', 'connection refused'))
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || prop === 'close') return value
      return (...args: unknown[]) => (state.down ? fail() : value.apply(target, args))
    },
  })
  return { store, state }
}

function setup(options: { version?: boolean } = {}) {
  const { store, state } = switchableStore()
  const engine = createSyncEngine({ store })
  let processed = 0
  const handle = createWebhookHandler<ParsedBody, { tenant: string }>({
    resolveTenant: (_r, ctx) => (ctx.tenant === 'acme' ? 'acme' : undefined),
    authenticate: bearerAuth({ token: () => TOKEN }),
    read: (body, req) => parseBody(body, req.headers.get('content-type')),
    idempotency: {
      store,
      sender: 'test',
      eventId: (p) => (p.value as { eventId?: string }).eventId,
      version: options.version ? (p) => (p.value as { modified?: string }).modified : undefined,
    },
    process: ({ tenant, payload }) => {
      processed++
      const { record } = payload.value as { record: unknown }
      return engine.syncBatch({ tenant, entity: 'student', records: [record] }).map(syncReply)
    },
  })
  const post = (body: unknown, headers: Record<string, string> = {}, tenant = 'acme') =>
    handle(
      new Request('http://host/webhooks', {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
      { tenant },
    )
  return { store, state, post, processed: () => processed }
}

describe('createWebhookHandler', () => {
  it('processes a delivery once and replays the original response to a duplicate', async () => {
    const t = setup()
    const first = await t.post({ eventId: 'e1', record: student('Ayşe') })
    expect(first.status).toBe(200)
    const body = await json(first)
    expect(body.outcomes).toEqual([{ status: 'NEW', entity: 'student', id: '4876876000004400001' }])
    const again = await t.post({ eventId: 'e1', record: student('Ayşe') })
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await json(again)).toEqual(body)
    expect(t.processed()).toBe(1)
  })

  it('answers 409 when the same key comes with a different body', async () => {
    const t = setup()
    await t.post({ eventId: 'e1', record: student('Ayşe') })
    const r = await t.post({ eventId: 'e1', record: student('Zeynep') })
    expect(r.status).toBe(409)
    expect((await json(r)).error.reason).toBe('Conflict')
  })

  it('uses the Idempotency-Key header when there is no event id', async () => {
    const t = setup()
    await t.post({ record: student('Ayşe') }, { 'idempotency-key': 'k-1' })
    const r = await t.post({ record: student('Ayşe') }, { 'idempotency-key': 'k-1' })
    expect(r.headers.get('idempotent-replayed')).toBe('true')
    expect(t.processed()).toBe(1)
  })

  // Regression (seed systems): a request marked done before processing was never retried after a 500.
  it('answers 503 with Retry-After when the Store is down, and processes the retry', async () => {
    const t = setup()
    t.state.down = true
    const down = await t.post({ eventId: 'e1', record: student('Ayşe') })
    expect(down.status).toBe(503)
    expect(down.headers.get('retry-after')).toBe('5')
    t.state.down = false
    const retry = await t.post({ eventId: 'e1', record: student('Ayşe') })
    expect(retry.status).toBe(200)
    expect((await json(retry)).counts.new).toBe(1)
  })

  it('releases the claim when processing fails after the claim, so the retry runs', async () => {
    const { store } = switchableStore()
    let fail = true
    const handle = createWebhookHandler<ParsedBody, undefined>({
      resolveTenant: () => 'acme',
      authenticate: () => okAsync({ scheme: 'bearer' }),
      read: (body) => ok({ kind: 'json', value: JSON.parse(new TextDecoder().decode(body)) }),
      idempotency: { store, sender: 'test' },
      process: () =>
        fail ? errAsync(new StoreError('Timeout', 'statement timeout')) : okAsync({ body: { done: true } }),
    })
    const req = () =>
      new Request('http://h/', { method: 'POST', body: '{}', headers: { 'idempotency-key': 'k' } })
    expect((await handle(req(), undefined)).status).toBe(503)
    fail = false
    const retry = await handle(req(), undefined)
    expect([retry.status, await json(retry)]).toEqual([200, { done: true }])
  })

  it('answers 500 and releases the claim when processing throws', async () => {
    let calls = 0
    const handle = createWebhookHandler<ParsedBody, undefined>({
      resolveTenant: () => 'acme',
      authenticate: () => okAsync({ scheme: 'bearer' }),
      read: (body, req) => parseBody(body, req.headers.get('content-type')),
      idempotency: { store: createMemoryStore(), sender: 'test' },
      process: () => {
        calls++
        if (calls === 1) throw new Error('bug')
        return okAsync({ body: {} })
      },
    })
    const req = () =>
      new Request('http://h/', { method: 'POST', body: '{}', headers: { 'idempotency-key': 'k' } })
    expect((await handle(req(), undefined)).status).toBe(500)
    expect((await handle(req(), undefined)).status).toBe(200)
  })

  it('applies A -> B -> A when deliveries carry no event id or key', async () => {
    const t = setup()
    const statuses: (string | undefined)[] = []
    for (const name of ['A', 'B', 'A']) {
      const r = await t.post({ record: student(name) })
      statuses.push((await json(r)).outcomes[0]?.status)
    }
    expect(statuses).toEqual(['NEW', 'UPDATED', 'UPDATED'])
    const stored = await t.store.readRecords('acme', 'student', ['4876876000004400001'])
    expect(stored._unsafeUnwrap().get('4876876000004400001')?.data.firstName).toBe('A')
  })

  it('applies A -> B -> A with versioned fingerprint keys and de-duplicates a repeat of one version', async () => {
    const t = setup({ version: true })
    const sent = [
      { modified: '2026-01-15T09:00:00+03:00', record: student('A') },
      { modified: '2026-01-15T09:01:00+03:00', record: student('B') },
      { modified: '2026-01-15T09:02:00+03:00', record: student('A') },
    ]
    for (const body of sent) expect((await t.post(body)).status).toBe(200)
    const dup = await t.post(sent[2])
    expect(dup.headers.get('idempotent-replayed')).toBe('true')
    expect(t.processed()).toBe(3)
    const stored = await t.store.readRecords('acme', 'student', ['4876876000004400001'])
    expect(stored._unsafeUnwrap().get('4876876000004400001')?.data.firstName).toBe('A')
  })

  it('answers 400 with the issues when every record is invalid', async () => {
    const t = setup()
    const r = await t.post({ eventId: 'e9', record: { id: '1', firstName: '', status: 'sleeping' } })
    expect(r.status).toBe(400)
    const body = await json(r)
    expect(body.outcomes[0]?.status).toBe('INVALID')
    expect(body.outcomes[0]?.issues?.map((i: { path: string }) => i.path)).toContain('status')
  })

  it('answers 404 for an unknown tenant, 401 without credentials, 400 for broken JSON, 413 when too large', async () => {
    const t = setup()
    expect((await t.post({}, {}, 'nobody')).status).toBe(404)
    expect((await t.post({}, { authorization: '' })).status).toBe(401)
    const broken = await t.post(undefined, {})
    expect(broken.status).toBe(400)
    const small = createWebhookHandler<ParsedBody, undefined>({
      resolveTenant: () => 'acme',
      authenticate: () => okAsync({ scheme: 'bearer' }),
      read: (b, r) => parseBody(b, r.headers.get('content-type')),
      process: () => okAsync({ body: {} }),
      maxBodyBytes: 8,
    })
    const big = await small(
      new Request('http://h/', { method: 'POST', body: '{"a":"123456789"}' }),
      undefined,
    )
    expect([big.status, (await json(big)).error.reason]).toEqual([413, 'PayloadTooLarge'])
  })

  it('answers 409 with Retry-After while the same delivery is in progress', async () => {
    const store = createMemoryStore()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    let entered: () => void = () => {}
    const processing = new Promise<void>((r) => {
      entered = r
    })
    const handle = createWebhookHandler<ParsedBody, undefined>({
      resolveTenant: () => 'acme',
      authenticate: () => okAsync({ scheme: 'bearer' }),
      read: (b, r) => parseBody(b, r.headers.get('content-type')),
      idempotency: { store, sender: 'test' },
      process: () => {
        entered()
        return ResultAsync.fromSafePromise(gate).map(() => ({ body: { ok: true } }))
      },
    })
    const req = () =>
      new Request('http://h/', { method: 'POST', body: '{}', headers: { 'idempotency-key': 'k' } })
    const first = handle(req(), undefined)
    // The first delivery holds the claim while it is processing.
    await processing
    const second = await handle(req(), undefined)
    // Nothing renewed yet: the whole default lease (5 s) is left.
    expect([second.status, second.headers.get('retry-after')]).toEqual([409, '5'])
    release()
    expect((await first).status).toBe(200)
  })
})
