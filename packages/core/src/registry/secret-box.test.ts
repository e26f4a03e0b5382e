import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareAndSetSecret } from './compare-and-set-secret.ts'
import { asStoredConnection, maskConnection, openConnection, sealConnection } from './connections.ts'
import { createMemoryRegistry } from './memory-registry.ts'
import { rotateSecrets } from './rotate-secrets.ts'
import { createSecretBox, parseKeyRing } from './secret-box.ts'

const key = () => randomBytes(32).toString('base64')
const ring = (text: string) => parseKeyRing(text)._unsafeUnwrap()
const admin = { actor: 'admin' }
const TOKEN = '1000.3c9a7f0e5b2d41a8.9d0e4f'

describe('secret box', () => {
  it('opens what it sealed, for any text, and the ciphertext does not contain it', () => {
    const box = createSecretBox(ring(`k1:${key()}`))
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (plain, context) => {
        const sealed = box.seal(plain, context)
        expect(sealed.kid).toBe('k1')
        expect(box.open(sealed, context)._unsafeUnwrap()).toBe(plain)
      }),
    )
    const sealed = box.seal(TOKEN, 'acme/zoho/refreshToken')
    expect(JSON.stringify(sealed)).not.toContain(TOKEN)
    // A fresh data key and iv per seal: the same secret never seals to the same ciphertext.
    expect(box.seal(TOKEN, 'acme/zoho/refreshToken').ct).not.toBe(sealed.ct)
  })

  it('cannot be read with another key, under the same id or another', () => {
    const sealed = createSecretBox(ring(`k1:${key()}`)).seal(TOKEN, 'acme/zoho/refreshToken')
    const sameId = createSecretBox(ring(`k1:${key()}`)).open(sealed, 'acme/zoho/refreshToken')
    expect(sameId._unsafeUnwrapErr().reason).toBe('Undecryptable')
    const otherId = createSecretBox(ring(`k2:${key()}`)).open(sealed, 'acme/zoho/refreshToken')
    expect(otherId._unsafeUnwrapErr().reason).toBe('UnknownKey')
    expect(otherId._unsafeUnwrapErr().message).toContain('"k1"')
  })

  it('refuses a tampered ciphertext and one moved to another tenant or field', () => {
    const box = createSecretBox(ring(`k1:${key()}`))
    const sealed = box.seal(TOKEN, 'acme/zoho/refreshToken')
    const flipped = Buffer.from(sealed.ct, 'base64')
    flipped[0] = (flipped[0] ?? 0) ^ 1
    expect(box.open({ ...sealed, ct: flipped.toString('base64') }, 'acme/zoho/refreshToken').isErr()).toBe(
      true,
    )
    expect(box.open(sealed, 'other/zoho/refreshToken')._unsafeUnwrapErr().reason).toBe('Undecryptable')
    expect(box.open(sealed, 'acme/zoho/clientSecret').isErr()).toBe(true)
  })

  it('parses key rings and names the bad entry without echoing key material', () => {
    const good = key()
    expect(ring(`a:${good}, b:${key()}`).current).toBe('a')
    expect(parseKeyRing('')._unsafeUnwrapErr().reason).toBe('InvalidKey')
    const short = parseKeyRing('a:c2hvcnQ=')._unsafeUnwrapErr()
    expect(short.message).toContain('"a" must be 32 bytes')
    expect(short.message).not.toContain('c2hvcnQ=')
    expect(parseKeyRing(`a:${good},a:${good}`)._unsafeUnwrapErr().message).toContain('twice')
    expect(parseKeyRing(`bad id:${good}`)._unsafeUnwrapErr().message).not.toContain(good)
  })
})

describe('connections', () => {
  it('validates settings, seals secrets write-only and masks them on read', () => {
    const box = createSecretBox(ring(`k1:${key()}`))
    const stored = sealConnection(box, 'acme', 'zoho', {
      settings: { dataCenter: 'EU', clientId: '1000.ABC' },
      secrets: { clientSecret: 's3cr3t-value', refreshToken: TOKEN },
    })._unsafeUnwrap()
    expect(JSON.stringify(stored)).not.toContain(TOKEN)
    const masked = maskConnection(stored)
    expect(masked).toEqual({
      settings: { dataCenter: 'EU', clientId: '1000.ABC' },
      secrets: { clientSecret: { set: true, kid: 'k1' }, refreshToken: { set: true, kid: 'k1' } },
    })
    expect(openConnection(box, 'acme', 'zoho', stored)._unsafeUnwrap().secrets.refreshToken).toBe(TOKEN)
    // Omitted secrets are kept, null removes one.
    const next = sealConnection(
      box,
      'acme',
      'zoho',
      { settings: stored.settings, secrets: { clientSecret: null } },
      stored,
    )
    expect(Object.keys(next._unsafeUnwrap().secrets)).toEqual(['refreshToken'])
  })

  it('names every bad field and never echoes a secret value', () => {
    const box = createSecretBox(ring(`k1:${key()}`))
    const issues = sealConnection(box, 'acme', 'moodle', {
      settings: { url: 'not a url', roles: { student: 0, editingTeacher: 3 } },
      secrets: { token: '', password: 'hunter2-secret' },
    })._unsafeUnwrapErr()
    const paths = issues.map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining(['settings.url', 'settings.roles.student', 'secrets.token', 'secrets.password']),
    )
    expect(JSON.stringify(issues)).not.toContain('hunter2-secret')
  })
})

describe('rotation', () => {
  it('re-encrypts every secret under the new key; the old key can then leave the ring', async () => {
    const old = `k1:${key()}`
    const registry = createMemoryRegistry()
    const oldBox = createSecretBox(ring(old))
    for (const tenant of ['acme', 'beta']) {
      await registry.putTenant(tenant, { name: tenant, status: 'active' }, 0, admin)
      const moodle = sealConnection(oldBox, tenant, 'moodle', {
        settings: { url: 'https://lms.example.org' },
        secrets: { token: `${tenant}-moodle-token` },
      })._unsafeUnwrap()
      await registry.putConfig(tenant, 'connection', 'moodle', { ...moodle }, 0, admin)
    }
    const fresh = `k2:${key()}`
    const both = createSecretBox(ring(`${fresh},${old}`))
    const report = (await rotateSecrets(registry, both, { actor: 'cli:rotate' }))._unsafeUnwrap()
    expect(report).toEqual({ rewritten: 2, secrets: 2, failed: [] })
    const newOnly = createSecretBox(ring(fresh))
    for (const tenant of ['acme', 'beta']) {
      const item = (await registry.getConfig(tenant, 'connection', 'moodle'))._unsafeUnwrap()!
      const opened = openConnection(newOnly, tenant, 'moodle', asStoredConnection(item.value))
      expect(opened._unsafeUnwrap().secrets.token).toBe(`${tenant}-moodle-token`)
    }
    // Idempotent: a second run finds nothing under the old key.
    expect((await rotateSecrets(registry, both, admin))._unsafeUnwrap()).toEqual({
      rewritten: 0,
      secrets: 0,
      failed: [],
    })
  })

  it('reports secrets it cannot open instead of dropping them', async () => {
    const registry = createMemoryRegistry()
    await registry.putTenant('acme', { name: 'Acme', status: 'active' }, 0, admin)
    const lost = sealConnection(createSecretBox(ring(`gone:${key()}`)), 'acme', 'moodle', {
      settings: { url: 'https://lms.example.org' },
      secrets: { token: 'tok' },
    })._unsafeUnwrap()
    await registry.putConfig('acme', 'connection', 'moodle', { ...lost }, 0, admin)
    const report = (
      await rotateSecrets(registry, createSecretBox(ring(`k2:${key()}`)), admin)
    )._unsafeUnwrap()
    expect(report.failed).toEqual([expect.objectContaining({ tenant: 'acme', key: 'moodle' })])
    expect(report.failed[0]?.error).toContain('"gone"')
  })
})

describe('compare-and-set of rotating tokens', () => {
  it('lets one of two concurrent refreshes win and hands the loser the newest token', async () => {
    const box = createSecretBox(ring(`k1:${key()}`))
    const registry = createMemoryRegistry()
    await registry.putTenant('acme', { name: 'Acme', status: 'active' }, 0, admin)
    const qb = sealConnection(box, 'acme', 'quickbooks', {
      settings: { realmId: '9130347', environment: 'sandbox' },
      secrets: { refreshToken: 'rt-1' },
    })._unsafeUnwrap()
    await registry.putConfig('acme', 'connection', 'quickbooks', { ...qb }, 0, admin)
    const input = { tenant: 'acme', system: 'quickbooks' as const, name: 'refreshToken', expected: 'rt-1' }
    const [a, b] = await Promise.all([
      compareAndSetSecret(registry, box, { ...input, next: 'rt-2a' }, admin),
      compareAndSetSecret(registry, box, { ...input, next: 'rt-2b' }, admin),
    ])
    const outcomes = [a._unsafeUnwrap(), b._unsafeUnwrap()]
    expect(outcomes.map((o) => o.status).sort()).toEqual(['stale', 'written'])
    const item = (await registry.getConfig('acme', 'connection', 'quickbooks'))._unsafeUnwrap()!
    const stored = openConnection(box, 'acme', 'quickbooks', asStoredConnection(item.value))._unsafeUnwrap()
    const loser = outcomes.find((o) => o.status === 'stale')
    expect(loser).toEqual({ status: 'stale', current: stored.secrets.refreshToken })
  })
})
