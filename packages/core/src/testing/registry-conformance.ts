import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreError } from '../errors/store-error.ts'
import type { TenantRegistry } from '../registry/registry.ts'
import { T1, T2 } from './conformance-data.ts'

/** Options of {@link describeRegistryConformance}. */
export interface RegistryConformanceOptions {
  /** Creates a fresh, empty registry (called before every test). */
  readonly create: () => Promise<TenantRegistry>
  /** Cleans up after each test (the suite closes the registry first). */
  readonly teardown?: () => Promise<void>
}

const admin = { actor: 'admin' }
// A sealed-secret envelope as `secret-box.ts` makes it; the registry must treat it as opaque but redact it.
const sealed = { sealed: 'aes-256-gcm', kid: 'k1', iv: 'aXY=', tag: 'dGFn', ct: 'Y3Q=', dek: 'ZGVr' }

/**
 * The shared conformance suite every {@link TenantRegistry} must pass unmodified: tenants, versioned
 * config, compare-and-set, atomic redacted audit, tenant isolation and input checks.
 *
 * @example
 * ```ts
 * import { describeRegistryConformance } from '@edusync/core/testing'
 * describeRegistryConformance('memory', { create: async () => createMemoryRegistry() })
 * ```
 */
export function describeRegistryConformance(name: string, options: RegistryConformanceOptions): void {
  describe(`TenantRegistry conformance: ${name}`, () => {
    let registry: TenantRegistry

    beforeEach(async () => {
      registry = await options.create()
    })
    afterEach(async () => {
      await registry.close()
      await options.teardown?.()
    })

    const addTenant = async (tenant: string, name = 'School') =>
      (await registry.putTenant(tenant, { name, status: 'active' }, 0, admin))._unsafeUnwrap()

    it('creates, reads, lists and updates tenants with growing versions', async () => {
      expect((await registry.getTenant(T1))._unsafeUnwrap()).toBeUndefined()
      const created = await addTenant(T1, 'One')
      expect(created.status).toBe('written')
      await addTenant(T2, 'Two')
      const one = (await registry.getTenant(T1))._unsafeUnwrap()
      expect(one).toMatchObject({ tenant: T1, name: 'One', status: 'active', version: 1 })
      const listed = (await registry.listTenants())._unsafeUnwrap()
      expect(listed.map((t) => t.tenant)).toEqual([T1, T2])
      const suspended = (
        await registry.putTenant(T1, { name: 'One', status: 'suspended' }, 1, admin)
      )._unsafeUnwrap()
      expect(suspended).toMatchObject({ status: 'written', value: { status: 'suspended', version: 2 } })
      if (suspended.status === 'written') {
        expect(suspended.value.createdAt.getTime()).toBe(one?.createdAt.getTime())
      }
    })

    it('refuses to create a tenant twice (expected 0) and returns the current row', async () => {
      await addTenant(T1, 'One')
      const again = (
        await registry.putTenant(T1, { name: 'Other', status: 'active' }, 0, admin)
      )._unsafeUnwrap()
      expect(again.status).toBe('stale')
      if (again.status === 'stale') expect(again.current?.name).toBe('One')
      expect((await registry.getTenant(T1))._unsafeUnwrap()?.name).toBe('One')
    })

    it('writes config items with versions and refuses a stale version without writing', async () => {
      await addTenant(T1)
      const first = (
        await registry.putConfig(T1, 'module', 'student', { enabled: true }, 0, admin)
      )._unsafeUnwrap()
      expect(first).toMatchObject({ status: 'written', value: { version: 1, value: { enabled: true } } })
      const second = (
        await registry.putConfig(T1, 'module', 'student', { enabled: false }, 1, admin)
      )._unsafeUnwrap()
      expect(second).toMatchObject({ status: 'written', value: { version: 2 } })
      const stale = (
        await registry.putConfig(T1, 'module', 'student', { enabled: true }, 1, admin)
      )._unsafeUnwrap()
      expect(stale).toMatchObject({ status: 'stale', current: { version: 2, value: { enabled: false } } })
      const stored = (await registry.getConfig(T1, 'module', 'student'))._unsafeUnwrap()
      expect(stored).toMatchObject({ kind: 'module', key: 'student', version: 2, value: { enabled: false } })
      const any = (
        await registry.putConfig(T1, 'module', 'student', { enabled: true }, 'any', admin)
      )._unsafeUnwrap()
      expect(any).toMatchObject({ status: 'written', value: { version: 3 } })
    })

    it('lets exactly one of two concurrent compare-and-set writers win', async () => {
      await addTenant(T1)
      await registry.putConfig(T1, 'connection', 'quickbooks', { token: 'v1' }, 0, admin)
      const results = await Promise.all(
        ['a', 'b', 'c'].map((t) =>
          registry.putConfig(T1, 'connection', 'quickbooks', { token: t }, 1, { actor: `refresh-${t}` }),
        ),
      )
      const outcomes = results.map((r) => r._unsafeUnwrap().status)
      expect(outcomes.filter((s) => s === 'written')).toHaveLength(1)
      expect(outcomes.filter((s) => s === 'stale')).toHaveLength(2)
      const stored = (await registry.getConfig(T1, 'connection', 'quickbooks'))._unsafeUnwrap()
      expect(stored?.version).toBe(2)
      const audit = (await registry.listAudit(T1, { kind: 'connection' }))._unsafeUnwrap()
      expect(audit).toHaveLength(2)
    })

    it('lists config by kind then key, and deletes under a version condition', async () => {
      await addTenant(T1)
      await registry.putConfig(T1, 'schedule', 'zoho.students', { cron: '*/5 * * * *' }, 0, admin)
      await registry.putConfig(T1, 'module', 'student', { enabled: true }, 0, admin)
      await registry.putConfig(T1, 'module', 'grade', { enabled: false }, 0, admin)
      const all = (await registry.listConfig(T1))._unsafeUnwrap()
      expect(all.map((i) => `${i.kind}/${i.key}`)).toEqual([
        'module/grade',
        'module/student',
        'schedule/zoho.students',
      ])
      const modules = (await registry.listConfig(T1, 'module'))._unsafeUnwrap()
      expect(modules.map((i) => i.key)).toEqual(['grade', 'student'])
      expect((await registry.deleteConfig(T1, 'module', 'grade', 5, admin))._unsafeUnwrap().status).toBe(
        'stale',
      )
      expect((await registry.deleteConfig(T1, 'module', 'grade', 1, admin))._unsafeUnwrap().status).toBe(
        'written',
      )
      expect((await registry.getConfig(T1, 'module', 'grade'))._unsafeUnwrap()).toBeUndefined()
      expect((await registry.deleteConfig(T1, 'module', 'grade', 'any', admin))._unsafeUnwrap().status).toBe(
        'stale',
      )
    })

    it('keeps tenants apart', async () => {
      await addTenant(T1)
      await addTenant(T2)
      await registry.putConfig(T1, 'module', 'student', { enabled: false }, 0, admin)
      expect((await registry.getConfig(T2, 'module', 'student'))._unsafeUnwrap()).toBeUndefined()
      expect((await registry.listConfig(T2))._unsafeUnwrap()).toEqual([])
      // The same key in another tenant starts its own version history.
      const t2 = (
        await registry.putConfig(T2, 'module', 'student', { enabled: true }, 0, admin)
      )._unsafeUnwrap()
      expect(t2).toMatchObject({ status: 'written', value: { version: 1 } })
      expect((await registry.listAudit(T2))._unsafeUnwrap().map((e) => e.kind)).toEqual(['module', 'tenant'])
    })

    it('refuses config of an unregistered tenant and malformed input, naming the field', async () => {
      const missing = await registry.putConfig(T1, 'module', 'student', { enabled: true }, 0, admin)
      expect(missing._unsafeUnwrapErr()).toBeInstanceOf(StoreError)
      expect(missing._unsafeUnwrapErr().reason).toBe('Invalid')
      expect(missing._unsafeUnwrapErr().message).toContain(T1)
      const badSlug = await registry.putTenant('Bad Slug!', { name: 'x', status: 'active' }, 0, admin)
      expect(badSlug._unsafeUnwrapErr().message).toMatch(/tenant .*"Bad Slug!"/)
      await addTenant(T1)
      const badKind = await registry.putConfig(T1, 'nope' as never, 'k', {}, 0, admin)
      expect(badKind._unsafeUnwrapErr().message).toMatch(/kind .*"nope"/)
      const badStatus = await registry.putTenant(T1, { name: 'x', status: 'gone' as never }, 1, admin)
      expect(badStatus._unsafeUnwrapErr().message).toMatch(/status .*"gone"/)
      const badVersion = await registry.putConfig(T1, 'module', 'k', {}, -1, admin)
      expect(badVersion._unsafeUnwrapErr().message).toMatch(/expected version .*-1/)
      // Nothing was written by the refused calls.
      expect((await registry.listAudit(T1))._unsafeUnwrap()).toHaveLength(1)
    })

    it('audits every write atomically with actor, time, old and new, newest first', async () => {
      const at = new Date('2026-03-01T10:00:00.000Z')
      await registry.putTenant(T1, { name: 'One', status: 'active' }, 0, { actor: 'admin', now: at })
      await registry.putConfig(T1, 'module', 'student', { enabled: true }, 0, { actor: 'cli:ops', now: at })
      await registry.putConfig(T1, 'module', 'student', { enabled: false }, 1, { actor: 'hmac', now: at })
      await registry.putConfig(T1, 'module', 'student', { enabled: true }, 1, { actor: 'stale', now: at })
      const audit = (await registry.listAudit(T1))._unsafeUnwrap()
      expect(audit.map((e) => [e.actor, e.action, e.kind])).toEqual([
        ['hmac', 'update', 'module'],
        ['cli:ops', 'create', 'module'],
        ['admin', 'create', 'tenant'],
      ])
      expect(audit[0]).toMatchObject({ before: { enabled: true }, after: { enabled: false }, key: 'student' })
      expect(audit[0]?.at.toISOString()).toBe(at.toISOString())
      expect(audit[0]!.seq).toBeGreaterThan(audit[1]!.seq)
      expect((await registry.listAudit(T1, { limit: 1 }))._unsafeUnwrap()).toHaveLength(1)
      expect((await registry.listAudit(T1, { kind: 'tenant' }))._unsafeUnwrap()).toHaveLength(1)
    })

    it('redacts sealed secrets in the audit log but stores them intact', async () => {
      await addTenant(T1)
      await registry.putConfig(
        T1,
        'connection',
        'moodle',
        { url: 'https://m.example', token: sealed },
        0,
        admin,
      )
      const stored = (await registry.getConfig(T1, 'connection', 'moodle'))._unsafeUnwrap()
      expect(stored?.value).toEqual({ url: 'https://m.example', token: sealed })
      const [entry] = (await registry.listAudit(T1, { kind: 'connection' }))._unsafeUnwrap()
      expect(entry?.after).toEqual({ url: 'https://m.example', token: { redacted: true, kid: 'k1' } })
      expect(JSON.stringify(entry)).not.toContain(sealed.ct)
      const items = (await registry.listSealedItems())._unsafeUnwrap()
      expect(items.map((i) => [i.tenant, i.kind, i.key])).toEqual([[T1, 'connection', 'moodle']])
    })

    it('hands out copies: mutating a result or an argument changes nothing stored', async () => {
      await addTenant(T1)
      const value = { enabled: true, nested: { a: 1 } }
      await registry.putConfig(T1, 'module', 'student', value, 0, admin)
      value.nested.a = 2
      const read = (await registry.getConfig(T1, 'module', 'student'))._unsafeUnwrap()
      ;(read?.value as { nested: { a: number } }).nested.a = 3
      const again = (await registry.getConfig(T1, 'module', 'student'))._unsafeUnwrap()
      expect(again?.value).toEqual({ enabled: true, nested: { a: 1 } })
    })

    it('keeps JSON values exactly, including text significant to SQL', async () => {
      await addTenant(T1)
      const value = {
        quote: "it's; DROP TABLE x;--",
        unicode: 'Ayşe 漢字 🙂',
        n: 1.5,
        no: null,
        list: [1, 'a'],
      }
      await registry.putConfig(T1, 'field-map', 'zoho', value, 0, admin)
      expect((await registry.getConfig(T1, 'field-map', 'zoho'))._unsafeUnwrap()?.value).toEqual(value)
    })

    it('fails with Unavailable after close', async () => {
      await registry.close()
      const result = await registry.listTenants()
      expect(result._unsafeUnwrapErr().reason).toBe('Unavailable')
    })
  })
}
