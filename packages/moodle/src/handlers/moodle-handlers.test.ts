import { createMemoryStore, StoreError } from '@edusync/core'
import type { HandlerContext } from '@edusync/core/handlers'
import type { WebhookReply } from '@edusync/core/webhooks'
import { bearerAuth } from '@edusync/core/webhooks'
import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { MoodleError } from '../errors.ts'
import { MOODLE_EVENT_SOURCE } from '../inbox/process-inbox.ts'
import { createMoodleEventHandler } from './moodle-event-handler.ts'
import { createMoodleRequestHandler, moodleWebhookError } from './moodle-request-handler.ts'

const TOKEN = 'moodle-plugin-token-0001'
const auth = bearerAuth({ token: (t) => (t === 'acme' ? TOKEN : undefined) })

async function send(
  handler: (request: Request, context: HandlerContext) => Promise<Response>,
  body: string,
  options: { tenant?: string; type?: string; token?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'application/json' }
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`
  const context: HandlerContext = { params: { tenant: options.tenant ?? 'acme' } }
  const response = await handler(new Request('http://host/any', { method: 'POST', headers, body }), context)
  // biome-ignore lint/suspicious/noExplicitAny: a loose view of the JSON replies the assertions read
  return { status: response.status, headers: response.headers, body: (await response.json()) as any, context }
}

const event = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: id,
    event_type: 'user_created',
    event_data: { userid: 42, username: 'jdoe' },
    moodle_event_id: null,
    timestamp: 1_767_225_600,
    ...extra,
  })

describe('createMoodleEventHandler', () => {
  it('stores a plugin event in the moodle inbox once: 202 accepted, then 200 duplicate, onAccepted once', async () => {
    const store = createMemoryStore()
    const accepted: string[] = []
    const handle = createMoodleEventHandler({
      store,
      knownTenant: (t) => t === 'acme',
      authenticate: auth,
      onAccepted: (tenant, e) => accepted.push(`${tenant}/${e.eventId}`),
    })
    const first = await send(handle, event('7f1c0d7e-0001'))
    expect([first.status, first.body]).toEqual([202, { status: 'accepted', eventId: '7f1c0d7e-0001' }])
    expect(first.context.tenant).toBe('acme')
    const again = await send(handle, event('7f1c0d7e-0001'))
    expect([again.status, again.body.status]).toEqual([200, 'duplicate'])
    expect(accepted).toEqual(['acme/7f1c0d7e-0001'])
    const events = (await store.listEvents('acme', { source: MOODLE_EVENT_SOURCE }))._unsafeUnwrap()
    expect(events.map((e) => [e.eventId, e.type])).toEqual([['7f1c0d7e-0001', 'user_created']])
  })

  it('refuses a bad envelope naming each field, a form body (415), a wrong token (401) and an unknown tenant (404)', async () => {
    const store = createMemoryStore()
    const handle = createMoodleEventHandler({ store, knownTenant: (t) => t === 'acme', authenticate: auth })
    const bad = await send(handle, event(' ', { timestamp: -1 }))
    expect(bad.status).toBe(400)
    expect(
      bad.body.error.issues.map((i: { path: string; received: unknown }) => [i.path, i.received]),
    ).toEqual([
      ['event_id', ' '],
      ['timestamp', -1],
    ])
    expect((await send(handle, 'event_id=x', { type: 'application/x-www-form-urlencoded' })).status).toBe(415)
    expect((await send(handle, event('e-2'), { token: 'wrong-token-000000' })).status).toBe(401)
    expect((await send(handle, event('e-3'), { tenant: 'other' })).status).toBe(404)
    expect((await store.listEvents('acme', {}))._unsafeUnwrap()).toEqual([])
  })
})

describe('createMoodleRequestHandler', () => {
  const body = z.object({ classId: z.string().min(1) })
  const build = (
    process: (tenant: string, request: { classId: string }) => ResultAsync<WebhookReply, unknown>,
  ) =>
    createMoodleRequestHandler({
      knownTenant: (t) => t === 'acme' || t === 'no-site',
      authenticate: bearerAuth({ token: () => TOKEN }),
      siteConfigured: (t) => t === 'acme',
      body,
      describe: 'a provisioning request',
      process,
    })

  it('runs the request for a tenant with a site, with the parsed body', async () => {
    const seen: unknown[] = []
    const handle = build((tenant, request) => {
      seen.push([tenant, request])
      return okAsync({ status: 201, body: { courseId: '77' } })
    })
    const created = await send(handle, JSON.stringify({ classId: 'CLS-1', extra: true }))
    expect([created.status, created.body]).toEqual([201, { courseId: '77' }])
    expect(seen).toEqual([['acme', { classId: 'CLS-1' }]])
  })

  it('answers 404 without a site, 400 naming the field, 415 for a form body, and maps Moodle failures', async () => {
    let failure: unknown = new MoodleError('Unavailable', 'site in maintenance')
    const handle = build(() => errAsync(failure))
    const noSite = await send(handle, JSON.stringify({ classId: 'CLS-1' }), { tenant: 'no-site' })
    expect([noSite.status, noSite.body.error.message]).toEqual([
      404,
      'tenant no-site has no Moodle site configured',
    ])
    const bad = await send(handle, JSON.stringify({ classId: '' }))
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({
      message: 'not a provisioning request',
      issues: [{ path: 'classId', rule: 'too_small', received: '' }],
    })
    expect((await send(handle, 'classId=x', { type: 'application/x-www-form-urlencoded' })).status).toBe(415)
    const down = await send(handle, JSON.stringify({ classId: 'CLS-1' }))
    expect([down.status, down.headers.get('retry-after')]).toEqual([503, '30'])
    failure = new StoreError('Unavailable', 'connection refused')
    const store = await send(handle, JSON.stringify({ classId: 'CLS-1' }))
    expect([store.status, store.headers.get('retry-after')]).toEqual([503, '5'])
  })
})

describe('moodleWebhookError', () => {
  it('gives each Moodle reason the status a caller can act on', () => {
    const status = (reason: ConstructorParameters<typeof MoodleError>[0]) =>
      moodleWebhookError(new MoodleError(reason, 'x')).status
    expect(
      (
        ['NotFound', 'InvalidParameter', 'Conflict', 'RateLimited', 'Timeout', 'Transport', 'Failed'] as const
      ).map(status),
    ).toEqual([404, 400, 409, 503, 503, 503, 500])
  })
})
