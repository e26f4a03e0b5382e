import * as fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { EngineName } from '../test/fixtures.ts'
import { storeFactory } from '../test/fixtures.ts'

// Text that means something to SQL, JSON, COPY or regexes, mixed with arbitrary Unicode (NUL excluded:
// PostgreSQL text cannot hold it, which is covered by the faults tests).
const significant = fc.constantFrom(
  "'",
  "''",
  '"',
  '\\',
  '\\\\',
  '$1',
  '$$',
  '--',
  '/*',
  '*/',
  ';',
  '%',
  '_',
  '\t',
  '\n',
  '\r\n',
  '\\N',
  '{}',
  '[',
  ',',
  'NULL',
  '🎓',
  'İı',
  '\u2028',
)
const text = (minLength = 0) =>
  fc
    .array(fc.oneof(significant, fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 6 })
    .map((parts) => parts.join('').replaceAll('\u0000', ''))
    .filter((s) => s.length >= minLength)

const fp = (n: number) => n.toString(16).padStart(64, '0')

describe.each<EngineName>(['pglite-memory', 'pg'])('SQL-significant text in every field (%s)', (engine) => {
  const stores = storeFactory(engine)
  afterAll(() => stores.dispose())

  it('round-trips through records, parked records, links, idempotency keys and runs unchanged', async () => {
    const store = await stores.create()
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          tenant: text(),
          entity: text(1),
          id: text(1),
          other: text(1),
          value: text(),
          system: text(1),
          externalId: text(1),
          key: text(),
          step: text(),
        }),
        async (t) => {
          n++
          const tenant = `${t.tenant}#${n}`
          const data = { name: t.value, nested: { list: [t.value, t.other] } }
          const applied = await store.applyBatch(tenant, t.entity, {
            upserts: [{ id: t.id, fingerprint: fp(n), data }],
            park: [
              { id: `${t.id}~`, fingerprint: fp(n), data, waitingFor: [{ entity: t.entity, id: t.other }] },
            ],
            unpark: [],
          })
          expect(applied._unsafeUnwrap().get(t.id)).toBe('inserted')
          const stored = (await store.readRecords(tenant, t.entity, [t.id]))._unsafeUnwrap().get(t.id)
          expect(stored?.data).toEqual(data)
          expect((await store.readFingerprints(tenant, t.entity, [t.id]))._unsafeUnwrap().get(t.id)).toBe(
            fp(n),
          )
          const exists = (
            await store.existingIds(tenant, [{ entity: t.entity, ids: [t.id, t.other] }])
          )._unsafeUnwrap()
          expect([...(exists.get(t.entity) ?? [])]).toEqual(t.other === t.id ? [t.id] : [t.id])
          const waiting = (await store.parkedWaitingFor(tenant, t.entity, [t.other]))._unsafeUnwrap()
          expect(waiting.map((p) => [p.entity, p.id, p.data])).toEqual([[t.entity, `${t.id}~`, data]])

          const link = { entity: t.entity, id: t.id, system: t.system, externalId: t.externalId }
          expect((await store.upsertLinks(tenant, [link])).isOk()).toBe(true)
          expect((await store.readLinks(tenant, t.entity, [t.id]))._unsafeUnwrap().get(t.id)).toEqual([link])
          const found = await store.findByExternalIds(tenant, t.system, t.entity, [t.externalId])
          expect(found._unsafeUnwrap().get(t.externalId)).toBe(t.id)

          const claim = { key: t.key, requestFingerprint: t.value, leaseMs: 60_000, ttlMs: 60_000 }
          const claimed = (await store.claimIdempotencyKey(tenant, claim))._unsafeUnwrap()
          if (claimed.status !== 'claimed') throw new Error(`expected claimed, got ${claimed.status}`)
          const response = { status: 200, body: { echo: t.value }, headers: { 'x-note': t.other } }
          const holder = { key: t.key, token: claimed.token }
          expect((await store.completeIdempotencyKey(tenant, holder, response))._unsafeUnwrap()).toBe(
            'completed',
          )
          expect((await store.claimIdempotencyKey(tenant, claim))._unsafeUnwrap()).toEqual({
            status: 'completed',
            response,
          })

          const run = (
            await store.createRun(tenant, { step: t.step, metadata: { [t.other]: t.value } })
          )._unsafeUnwrap()
          const failed = (
            await store.updateRun(tenant, run.id, { status: 'failed', error: t.value })
          )._unsafeUnwrap()
          expect(failed).toMatchObject({ step: t.step, error: t.value, metadata: { [t.other]: t.value } })
          expect((await store.listRuns(tenant, { step: t.step }))._unsafeUnwrap().map((r) => r.id)).toEqual([
            run.id,
          ])
        },
      ),
      { numRuns: 40 },
    )
  })
})
