import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type { QuickBooksClient } from '../client.ts'
import type { QuickBooksError } from '../errors.ts'
import { itemName } from '../map/transactions.ts'
import { inList } from '../resources/query-text.ts'

/** Resolves item names to QuickBooks Item Ids, creating missing Service items, each at most once. */
export interface ItemResolver {
  /** Ids of the given item names (one query for the unknown ones, one batch for the missing ones). */
  resolve(names: readonly string[]): Promise<Result<ReadonlyMap<string, string>, QuickBooksError>>
}

/** Options of {@link createItemResolver}. */
export interface ItemResolverOptions {
  /** The income account of created Service items (required by QuickBooks for Service items). */
  readonly incomeAccountId: string
}

/**
 * Creates an item resolver. Lines need an `ItemRef`; QuickBooks would otherwise book them to its default
 * item. One Service item per program or service, named after it; ids are cached for the resolver's life.
 */
export function createItemResolver(client: QuickBooksClient, options: ItemResolverOptions): ItemResolver {
  const cache = new Map<string, string>()
  return {
    async resolve(names) {
      const wanted = [...new Set(names.map(itemName))]
      const unknown = wanted.filter((n) => !cache.has(n.toLowerCase()))
      if (unknown.length > 0) {
        const found = await client.query.all('Item', `SELECT * FROM Item WHERE Name IN ${inList(unknown)}`)
        if (found.isErr()) return err(found.error)
        for (const item of found.value) {
          if (typeof item.Name === 'string') cache.set(item.Name.toLowerCase(), item.Id)
        }
        const missing = unknown.filter((n) => !cache.has(n.toLowerCase()))
        if (missing.length > 0) {
          const created = await client.batch.run(
            missing.map((name) => ({
              operation: 'create' as const,
              entity: 'Item',
              body: { Name: name, Type: 'Service', IncomeAccountRef: { value: options.incomeAccountId } },
            })),
          )
          if (created.isErr()) return err(created.error)
          const raced: string[] = []
          for (const [i, result] of created.value.entries()) {
            const name = missing[i] as string
            // Another process created the same item between our query and our create: read it back.
            if (!result.ok && result.error.reason === 'Duplicate') raced.push(name)
            else if (!result.ok) return err(result.error)
            else if (result.entity) cache.set(name.toLowerCase(), result.entity.Id)
          }
          if (raced.length > 0) {
            const again = await client.query.all('Item', `SELECT * FROM Item WHERE Name IN ${inList(raced)}`)
            if (again.isErr()) return err(again.error)
            for (const item of again.value) {
              if (typeof item.Name === 'string') cache.set(item.Name.toLowerCase(), item.Id)
            }
          }
        }
      }
      return ok(new Map(wanted.map((n) => [n, cache.get(n.toLowerCase()) as string])))
    },
  }
}
