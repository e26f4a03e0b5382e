import type { Link, Store } from '@edusync/core'
import { planLinks } from '../plan-links.ts'
import type { linksSql } from '../sql/links-sql.ts'
import { reasonOf } from '../to-store-error.ts'
import type { Op } from './op.ts'
import { unique } from './op.ts'

type LinkMethods = Pick<Store, 'upsertLinks' | 'readLinks' | 'findByExternalIds'>

/** @internal The cross-system link methods of the pg Store. */
export function linkMethods(op: Op, sql: ReturnType<typeof linksSql>, conflictRetries: number): LinkMethods {
  return {
    upsertLinks(tenant, links) {
      return op('upsertLinks', async (x) => {
        if (links.length === 0) return
        const plan = planLinks(links)
        const columns = (list: readonly Link[]) => [
          list.map((l) => l.entity),
          list.map((l) => l.id),
          list.map((l) => l.system),
          list.map((l) => l.externalId),
        ]
        const lockKeys = links.map((l) => JSON.stringify([tenant, l.system, l.entity, l.externalId]))
        for (let attempt = 0; ; attempt++) {
          try {
            await x.transaction(async (tx) => {
              await tx.query(sql.lockExternalIds, [lockKeys])
              await tx.query(sql.releaseMoved, [tenant, ...columns(links)])
              if (plan.dropped.length > 0) {
                await tx.query(sql.deleteKeys, [tenant, ...columns(plan.dropped).slice(0, 3)])
              }
              await tx.query(sql.upsert, [tenant, ...columns(plan.kept)])
            })
            return
          } catch (error) {
            if (attempt >= conflictRetries || reasonOf(error) !== 'Conflict') throw error
          }
        }
      })
    },

    readLinks(tenant, entity, ids) {
      return op('readLinks', async (x) => {
        const out = new Map<string, Link[]>()
        if (ids.length === 0) return out
        const rows = await x.query<{ entity: string; id: string; system: string; external_id: string }>(
          sql.read,
          [tenant, entity, unique(ids)],
        )
        for (const r of rows) {
          const list = out.get(r.id) ?? []
          list.push({ entity: r.entity, id: r.id, system: r.system, externalId: r.external_id })
          out.set(r.id, list)
        }
        return out
      })
    },

    findByExternalIds(tenant, system, entity, externalIds) {
      return op('findByExternalIds', async (x) => {
        if (externalIds.length === 0) return new Map()
        const rows = await x.query<{ external_id: string; id: string }>(sql.findByExternalIds, [
          tenant,
          system,
          entity,
          unique(externalIds),
        ])
        return new Map(rows.map((r) => [r.external_id, r.id]))
      })
    },
  }
}
