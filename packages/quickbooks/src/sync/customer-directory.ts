import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import type { QuickBooksClient } from '../client.ts'
import type { QuickBooksError } from '../errors.ts'
import { notesOwner } from '../map/notes.ts'
import { inList } from '../resources/query-text.ts'
import type { QbCustomer } from '../schemas/entities.ts'
import { qbCustomer } from '../schemas/entities.ts'

/**
 * The company's customers by DisplayName and by edusync owner marker. Loaded once per sync run with a
 * paged query (1,000 per page, inactive customers included since their names still collide), so looking
 * up thousands of names costs a few pages instead of one query per batch; kept current as the run
 * creates customers. Names held by vendors and employees are invisible to it: a create finds them as
 * 6240 and the name is recorded as taken.
 */
export interface CustomerDirectory {
  byName(name: string): QbCustomer | 'taken' | undefined
  byOwner(owner: string): QbCustomer | undefined
  /** Records a customer written by this run. */
  put(customer: QbCustomer): void
  /** Records a name another object holds (a 6240 answer). */
  markTaken(name: string): void
}

const key = (name: string) => name.toLowerCase()

function directoryOf(rows: readonly QbCustomer[]): CustomerDirectory {
  const names = new Map<string, QbCustomer | 'taken'>()
  const owners = new Map<string, QbCustomer>()
  const put = (c: QbCustomer) => {
    names.set(key(c.DisplayName), c)
    const owner = notesOwner(c.Notes)
    if (owner) owners.set(owner, c)
  }
  for (const row of rows) put(row)
  return {
    byName: (name) => names.get(key(name)),
    byOwner: (owner) => owners.get(owner),
    put,
    markTaken: (name) => {
      if (!names.has(key(name))) names.set(key(name), 'taken')
    },
  }
}

const customers = (rows: readonly unknown[]): QbCustomer[] =>
  rows.flatMap((row) => {
    const parsed = qbCustomer.safeParse(row)
    return parsed.success ? [parsed.data] : []
  })

/** Loads every customer of the company (active and inactive) into a directory. */
export async function loadCustomerDirectory(
  client: QuickBooksClient,
): Promise<Result<CustomerDirectory, QuickBooksError>> {
  const rows = await client.query.all('Customer', 'SELECT * FROM Customer WHERE Active IN (true, false)')
  if (rows.isErr()) return err(rows.error)
  return ok(directoryOf(customers(rows.value)))
}

/** A directory of just the given names (one query): enough for a preview page. */
export async function lookupCustomerNames(
  client: QuickBooksClient,
  names: readonly string[],
): Promise<Result<CustomerDirectory, QuickBooksError>> {
  if (names.length === 0) return ok(directoryOf([]))
  const rows = await client.query.all(
    'Customer',
    `SELECT * FROM Customer WHERE Active IN (true, false) AND DisplayName IN ${inList([...new Set(names)])}`,
  )
  if (rows.isErr()) return err(rows.error)
  return ok(directoryOf(customers(rows.value)))
}

/** Reads customers by Id (one query per 500 ids). */
export async function readCustomers(
  client: QuickBooksClient,
  ids: readonly string[],
): Promise<Result<Map<string, QbCustomer>, QuickBooksError>> {
  const out = new Map<string, QbCustomer>()
  const unique = [...new Set(ids)]
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await client.query.all(
      'Customer',
      `SELECT * FROM Customer WHERE Active IN (true, false) AND Id IN ${inList(unique.slice(i, i + 500))}`,
    )
    if (rows.isErr()) return err(rows.error)
    for (const c of customers(rows.value)) out.set(c.Id, c)
  }
  return ok(out)
}
