import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory-store.ts'
import type { AuthInput } from './authenticator.ts'
import { bearerAuth } from './bearer-auth.ts'
import { signHmac } from './hmac.ts'
import { hmacAuth } from './hmac-auth.ts'
import { sharedSecretAuth } from './shared-secret-auth.ts'

const body = new TextEncoder().encode('{"event_id":"e1"}')
const NOW = new Date('2026-01-15T09:30:00Z')
const ts = String(Math.floor(NOW.getTime() / 1000))

function input(headers: Record<string, string>, url = 'https://host/webhooks/acme/x', raw = body): AuthInput {
  return {
    request: new Request(url, { method: 'POST', headers }),
    url: new URL(url),
    body: raw,
    tenant: 'acme',
  }
}

const reasonOf = async (p: ReturnType<ReturnType<typeof hmacAuth>>) => {
  const r = await p
  return r.isErr() ? `${r.error.status} ${r.error.message}` : 'ok'
}

describe('hmacAuth', () => {
  const secret = (t: string) => (t === 'acme' ? 'k' : undefined)

  it('accepts a correct signature and refuses missing, wrong and tampered ones', async () => {
    const auth = hmacAuth({ secret })
    expect(await reasonOf(auth(input({ 'x-signature': `sha256=${signHmac('k', body)}` })))).toBe('ok')
    expect(await reasonOf(auth(input({})))).toBe('401 missing signature header x-signature')
    expect(await reasonOf(auth(input({ 'x-signature': signHmac('wrong', body) })))).toMatch(/^401 signature/)
    const tampered = new TextEncoder().encode('{"event_id":"e2"}')
    expect(await reasonOf(auth(input({ 'x-signature': signHmac('k', body) }, undefined, tampered)))).toMatch(
      /^401 signature/,
    )
  })

  it('answers 403 for a tenant without a secret', async () => {
    const auth = hmacAuth({ secret })
    const other = { ...input({ 'x-signature': signHmac('k', body) }), tenant: 'other' }
    expect(await reasonOf(auth(other))).toMatch(/^403/)
  })

  it('refuses a stale or future timestamp outside the window', async () => {
    const auth = hmacAuth({ secret, timestamp: { header: 'x-ts', toleranceSeconds: 300 }, now: () => NOW })
    const at = (t: number) => ({
      'x-ts': String(t),
      'x-signature': signHmac('k', body, { timestamp: String(t) }),
    })
    expect(await reasonOf(auth(input(at(Number(ts) - 299))))).toBe('ok')
    expect(await reasonOf(auth(input(at(Number(ts) - 301))))).toMatch(/^401 timestamp outside/)
    expect(await reasonOf(auth(input(at(Number(ts) + 301))))).toMatch(/^401 timestamp outside/)
    expect(await reasonOf(auth(input({ 'x-signature': signHmac('k', body) })))).toMatch(
      /^401 missing timestamp/,
    )
  })

  it('refuses a replayed nonce, and accepts it again after onFailure released it', async () => {
    const store = createMemoryStore()
    const auth = hmacAuth({
      secret,
      timestamp: { header: 'x-ts' },
      nonce: { header: 'x-nonce', store },
      now: () => NOW,
    })
    const headers = {
      'x-ts': ts,
      'x-nonce': 'n-0001-abcd',
      'x-signature': signHmac('k', body, { timestamp: ts, nonce: 'n-0001-abcd' }),
    }
    const first = await auth(input(headers))
    expect(first.isOk()).toBe(true)
    expect(await reasonOf(auth(input(headers)))).toBe('401 nonce already used (replayed request)')
    await first._unsafeUnwrap().onFailure?.()
    expect(await reasonOf(auth(input(headers)))).toBe('ok')
  })

  it('does not let an attacker swap the nonce of a captured request', async () => {
    const store = createMemoryStore()
    const auth = hmacAuth({
      secret,
      timestamp: { header: 'x-ts' },
      nonce: { header: 'x-nonce', store },
      now: () => NOW,
    })
    const sig = signHmac('k', body, { timestamp: ts, nonce: 'n-0001-abcd' })
    expect(await reasonOf(auth(input({ 'x-ts': ts, 'x-nonce': 'n-0002-abcd', 'x-signature': sig })))).toMatch(
      /^401 signature/,
    )
  })

  it('throws at construction when a nonce is configured without a timestamp', () => {
    expect(() => hmacAuth({ secret, nonce: { header: 'x-nonce', store: createMemoryStore() } })).toThrow(
      /timestamp/,
    )
  })
})

describe('sharedSecretAuth', () => {
  const auth = sharedSecretAuth({ secret: () => ['old', 'new'], header: 'x-zoho-secret', query: 'secret' })

  it('accepts the secret from the header or the query, any of a rotation list', async () => {
    expect(await reasonOf(auth(input({ 'x-zoho-secret': 'new' })))).toBe('ok')
    expect(await reasonOf(auth(input({}, 'https://h/w?secret=old')))).toBe('ok')
  })

  it('refuses a missing or wrong secret with 401, and a tenant without secrets with 403', async () => {
    expect(await reasonOf(auth(input({})))).toMatch(/^401 missing shared secret/)
    expect(await reasonOf(auth(input({ 'x-zoho-secret': 'nope' })))).toBe('401 wrong shared secret')
    const none = sharedSecretAuth({ secret: () => undefined })
    expect(await reasonOf(none(input({ 'x-webhook-secret': 'x' })))).toMatch(/^403/)
  })
})

describe('bearerAuth', () => {
  const auth = bearerAuth({ token: async (t) => (t === 'acme' ? 'tok-123' : undefined) })

  it('accepts the tenant token and refuses missing, malformed and wrong ones', async () => {
    expect(await reasonOf(auth(input({ authorization: 'Bearer tok-123' })))).toBe('ok')
    expect(await reasonOf(auth(input({})))).toBe('401 missing Authorization header')
    expect(await reasonOf(auth(input({ authorization: 'Basic dG9rLTEyMw==' })))).toMatch(
      /^401 Authorization must/,
    )
    expect(await reasonOf(auth(input({ authorization: 'Bearer tok-124' })))).toBe('401 wrong bearer token')
  })
})
