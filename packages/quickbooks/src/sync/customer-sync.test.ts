import type { PushLedger } from '@edusync/core'
import { StoreError } from '@edusync/core'
import { errAsync } from 'neverthrow'
import { afterEach, describe, expect, it } from 'vitest'
import { connectedTokenStore, testConfig, useQuickBooksServer } from '../__fixtures__/server.ts'
import type { StoreSet } from '../__fixtures__/stores.ts'
import { freshStores, storeEngines } from '../__fixtures__/stores.ts'
import { createQuickBooksClient } from '../client.ts'
import type { CustomerSubject } from '../map/customer.ts'
import { parseCustomerNotes } from '../map/notes.ts'
import { fault } from '../testing/mock-quickbooks.ts'
import {
  analyzeCustomers,
  customerStatus,
  previewCustomers,
  retryFailedCustomers,
} from './customer-report.ts'
import { syncCustomers } from './customer-sync.ts'

const { mock } = useQuickBooksServer()

const student = (n: number, extra: Partial<CustomerSubject> = {}): CustomerSubject => ({
  kind: 'student',
  id: `STU-${String(n).padStart(4, '0')}`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  regNo: `REG-${n}`,
  email: `s${n}@school.example`,
  campusId: '5',
  ...extra,
})
const applicant = (n: number, extra: Partial<CustomerSubject> = {}): CustomerSubject => ({
  kind: 'applicant',
  id: `APP-${String(n).padStart(4, '0')}`,
  firstName: `Appl${n}`,
  lastName: `Icant${n}`,
  applicationId: `2026${n}`,
  ...extra,
})

/** 25 students, 12 applicants; the applicant 1 and student 1 are the same person; two students share a name; one record QuickBooks refuses. */
function population(): CustomerSubject[] {
  const students = Array.from({ length: 25 }, (_, i) => student(i + 1))
  students[1] = student(2, { firstName: 'Ali', lastName: 'Khan' })
  students[2] = student(3, { firstName: 'Ali', lastName: 'Khan' })
  students[4] = student(5, { firstName: 'Broken' })
  const applicants = Array.from({ length: 12 }, (_, i) => applicant(i + 1))
  applicants[0] = applicant(1, { firstName: 'First1', lastName: 'Last1' })
  return [...students, ...applicants]
}

const refuseBroken = () =>
  mock().state.hooks.push((request, m) => {
    if (!request.url.pathname.endsWith('/batch')) return undefined
    const items = JSON.parse(request.body).BatchItemRequest as {
      bId: string
      Customer?: { GivenName?: string }
    }[]
    if (!items.some((i) => i.Customer?.GivenName === 'Broken')) return undefined
    const answer = JSON.parse(
      m.process({
        ...request,
        body: JSON.stringify({ BatchItemRequest: items.filter((i) => i.Customer?.GivenName !== 'Broken') }),
      }).body,
    )
    for (const i of items.filter((x) => x.Customer?.GivenName === 'Broken')) {
      answer.BatchItemResponse.push({
        bId: i.bId,
        Fault: fault(
          '2050',
          'String length is either shorter or longer than supported by specification',
          'Min:1, Max:100 supported. Supplied length:0',
          'ValidationFault',
          'Customer.GivenName',
        ).Fault,
      })
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer) }
  })

describe.each(storeEngines)('customer sync on the %s store', (engine) => {
  let stores: StoreSet
  afterEach(async () => {
    await stores?.close()
  })
  const setup = async () => {
    stores = await freshStores(engine)
    const client = createQuickBooksClient(
      testConfig(await connectedTokenStore('acme', { store: stores.tokens })),
    )
    return {
      client,
      ledger: stores.ledger,
      store: stores.store,
      lookups: { campus: new Map([['5', 'Kigali Campus']]) },
    }
  }

  it('analyzes, previews, syncs and reports a mixed population', async () => {
    const context = await setup()
    refuseBroken()
    const before = (await analyzeCustomers(population(), context))._unsafeUnwrap()
    expect(before.students).toEqual({
      total: 25,
      notSynced: 25,
      synced: 0,
      failed: 0,
      inProgress: 0,
      progress: 0,
    })
    expect(before.overall.total).toBe(37)

    const preview = (await previewCustomers(population(), context, { limit: 3, offset: 1 }))._unsafeUnwrap()
    expect(preview.total).toBe(37)
    expect(preview.items.map((i) => [i.id, i.action, i.displayName])).toEqual([
      ['STU-0002', 'create', 'Ali Khan'],
      ['STU-0003', 'create', 'Ali Khan'],
      ['STU-0004', 'create', 'First4 Last4'],
    ])
    expect(preview.items[2]?.changes.Notes?.to).toContain('Campus: Kigali Campus')
    expect(mock().state.counts.batch + mock().state.counts.write).toBe(0)

    const events: number[] = []
    const report = (
      await syncCustomers(population(), context, { batchSize: 10, onProgress: (p) => events.push(p.seen) })
    )._unsafeUnwrap()
    expect(events).toEqual([10, 20, 30, 37])
    expect(report).toMatchObject({ seen: 37, created: 36, failed: 1, cancelled: false })
    expect(report.failures).toEqual([
      expect.objectContaining({ kind: 'student', id: 'STU-0005', reason: 'Validation' }),
    ])
    const names = [...mock().state.customers.values()].map((c) => c.DisplayName)
    expect(names).toContain('Ali Khan')
    expect(names).toContain('Ali Khan (REG-3)')
    expect(names.filter((n) => n === 'First1 Last1' || n === 'First1 Last1 (20261)')).toHaveLength(2)

    const after = (await analyzeCustomers(population(), context))._unsafeUnwrap()
    expect(after.students).toEqual({
      total: 25,
      notSynced: 0,
      synced: 24,
      failed: 1,
      inProgress: 0,
      progress: 96,
    })
    expect(after.applicants.progress).toBe(100)
    const status = (
      await customerStatus(context, { records: { kind: 'student', ids: ['STU-0002'] } })
    )._unsafeUnwrap()
    expect(status.counts.student).toEqual({ pending: 0, in_progress: 0, synced: 24, failed: 1 })
    expect(status.failures).toEqual([
      expect.objectContaining({ id: 'STU-0005', attempts: 1, nextAttemptAt: null }),
    ])
    expect(status.failures[0]?.lastError).toContain('2050')
    expect(status.records[0]).toMatchObject({ status: 'synced', pushedBy: 'edusync-quickbooks' })
    const links = (await context.store.readLinks('acme', 'student', ['STU-0003']))._unsafeUnwrap()
    const ali2 = [...mock().state.customers.values()].find((c) => c.DisplayName === 'Ali Khan (REG-3)')
    expect(links.get('STU-0003')).toEqual([
      { entity: 'student', id: 'STU-0003', system: 'quickbooks', externalId: ali2?.Id },
    ])

    // The school fixes the record; the operator replays the dead letter and the next sync sends it.
    mock().state.hooks.length = 0
    expect((await retryFailedCustomers(context))._unsafeUnwrap()).toBe(1)
    const replay = (await syncCustomers(population(), context, { batchSize: 10 }))._unsafeUnwrap()
    expect(replay).toMatchObject({ created: 1, failed: 0, skipped: 36 })
    expect(mock().state.customers.size).toBe(37)

    const writesBefore = mock().state.counts.batch
    const rerun = (await syncCustomers(population(), context, { batchSize: 10 }))._unsafeUnwrap()
    expect(rerun).toMatchObject({ created: 0, updated: 0, skipped: 37, failed: 0 })
    expect(mock().state.counts.batch).toBe(writesBefore)
    expect(mock().state.customers.size).toBe(37)
  })

  it('creates two same-name students and a rerun after losing the ledger creates nothing', async () => {
    const context = await setup()
    const twins = [
      student(1, { firstName: 'Ali', lastName: 'Khan' }),
      student(2, { firstName: 'Ali', lastName: 'Khan' }),
    ]
    // A vendor holds the real name and an employee the first disambiguation: both only show as 6240.
    mock().state.otherNames.add('ali khan')
    mock().state.otherNames.add('ali khan (reg-1)')
    const first = (await syncCustomers(twins, context))._unsafeUnwrap()
    expect(first).toMatchObject({ created: 2, failed: 0 })
    const names = [...mock().state.customers.values()].map((c) => c.DisplayName).sort()
    expect(names).toEqual(['Ali Khan (REG-2)', 'Ali Khan (Student STU-0001)'])
    // A fresh ledger (e.g. a new host database): the customers are found by their Notes marker.
    const fresh = await freshStores('memory')
    const again = (await syncCustomers(twins, { ...context, ledger: fresh.ledger }))._unsafeUnwrap()
    expect(again).toMatchObject({ created: 0, linked: 2 })
    expect(mock().state.customers.size).toBe(2)
  })

  it('sends only the changed attribute of a changed record', async () => {
    const context = await setup()
    const people = [student(1), student(2)]
    await syncCustomers(people, context)
    const batches = mock().state.counts.batch
    const changed = [student(1, { phone: '+250 700 111 222' }), student(2)]
    const report = (await syncCustomers(changed, context))._unsafeUnwrap()
    expect(report).toMatchObject({ updated: 1, skipped: 1, created: 0 })
    expect(mock().state.counts.batch).toBe(batches + 1)
    const last = mock().state.requests.at(-1)
    const item = JSON.parse(last?.body ?? '{}').BatchItemRequest[0]
    expect(item.operation).toBe('update')
    expect(item.Customer).toEqual({
      PrimaryPhone: { FreeFormNumber: '+250 700 111 222' },
      Id: expect.any(String),
      SyncToken: '0',
      sparse: true,
    })
  })

  it('re-reads once when an update meets 5010 in the batch', async () => {
    const context = await setup()
    await syncCustomers([student(1)], context)
    const row = [...mock().state.customers.values()][0]
    if (row) row.SyncToken = '7'
    const report = (await syncCustomers([student(1, { phone: '+1 555 0100' })], context))._unsafeUnwrap()
    expect(report).toMatchObject({ updated: 1, failed: 0 })
    expect(mock().state.customers.get(row?.Id ?? '')?.SyncToken).toBe('8')
  })

  it('resumes after a crash mid-sync without creating anything twice', async () => {
    const context = await setup()
    const people = Array.from({ length: 40 }, (_, i) => student(i + 1))
    let completes = 0
    // The process "dies" after QuickBooks created the second chunk's customers, before the ledger heard.
    const crashing: PushLedger = {
      ...context.ledger,
      complete(...args) {
        completes++
        if (completes === 2) return errAsync(new StoreError('Unavailable', 'connection terminated'))
        return context.ledger.complete(...args)
      },
    }
    const crashed = await syncCustomers(people, { ...context, ledger: crashing }, { batchSize: 10 })
    expect(crashed._unsafeUnwrapErr().reason).toBe('Store')
    expect(mock().state.customers.size).toBe(20)
    const mid = (await analyzeCustomers(people, context))._unsafeUnwrap()
    expect(mid.students).toMatchObject({ synced: 10, inProgress: 10, notSynced: 20 })
    const resumed = (await syncCustomers(people, context, { batchSize: 10 }))._unsafeUnwrap()
    expect(resumed).toMatchObject({ created: 20, linked: 10, skipped: 10, failed: 0 })
    expect(mock().state.customers.size).toBe(40)
    const owners = [...mock().state.customers.values()].map((c) => parseCustomerNotes(c.Notes as string)?.id)
    expect(new Set(owners).size).toBe(40)
  })

  it('stops between chunks when cancelled and finishes on the next run', async () => {
    const context = await setup()
    const people = Array.from({ length: 30 }, (_, i) => student(i + 1))
    const controller = new AbortController()
    const report = (
      await syncCustomers(people, context, {
        batchSize: 10,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      })
    )._unsafeUnwrap()
    expect(report).toMatchObject({ cancelled: true, created: 10 })
    const rest = (await syncCustomers(people, context, { batchSize: 10 }))._unsafeUnwrap()
    expect(rest).toMatchObject({ cancelled: false, created: 20, skipped: 10 })
  })
})
