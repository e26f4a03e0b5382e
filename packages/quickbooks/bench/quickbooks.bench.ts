// Suite `quickbooks`: 10,000 students pushed to customers against a mock QuickBooks company served over
// loopback (node:http, same answers as the test mock), the realm limiter's rates lifted for the mock;
// then a rerun with nothing changed. Each row is written next to a same-run ceiling as `<row> share`:
// - requests: the ideal count, one batch call per 30 records plus the query pages to read the company's
//   customers (share = sent / ideal, 1.0 = ideal; above 1 means extra rounds such as 6240 retries);
// - throughput: the same batch bodies posted straight to the mock with fetch, no mapping, ledger or
//   limiter (share = edusync's rate / that raw rate);
// - the first sync again with the push ledger in embedded PostgreSQL (PGlite) instead of memory;
// - rerun: the query pages a full re-read would need (share = sent / that; 0 = nothing sent at all).
// Writes bench/results/quickbooks.json through the shared report helper. Not part of `pnpm test`.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMemoryPushLedger, createMemoryTokenStore } from '@edusync/core'
import { createPgStore } from '@edusync/store-pg'
import type { BenchRow } from '../../core/bench/bench-report.ts'
import { printTable, writeResults } from '../../core/bench/bench-report.ts'
import type { CustomerSubject } from '../src/index.ts'
import { BATCH_LIMIT, createQuickBooksClient, MAX_RESULTS, syncCustomers } from '../src/index.ts'
import { createMockQuickBooks, REALM } from '../src/testing/index.ts'

const TOTAL = 10_000
let mock = createMockQuickBooks()
const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
    const answer = mock.handle({
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    })
    res.writeHead(answer.status, answer.headers ?? {})
    res.end(answer.body)
  })
})
server.listen(0, '127.0.0.1')
await new Promise<void>((resolve) => server.once('listening', () => resolve()))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

// Realistic names: 70 first names x 90 last names, so same-name students (and 6240 rounds) occur.
const first = Array.from({ length: 70 }, (_, i) => `Given${i}`)
const last = Array.from({ length: 90 }, (_, i) => `Family${i}`)
const students: CustomerSubject[] = Array.from({ length: TOTAL }, (_, i) => ({
  kind: 'student',
  id: `STU-${String(i).padStart(6, '0')}`,
  firstName: first[(i * 7) % first.length] as string,
  lastName: last[(i * 13) % last.length] as string,
  regNo: `2026/${String(i).padStart(5, '0')}`,
  email: `student${i}@school.example`,
  phone: `+250 788 ${String(i).padStart(6, '0')}`,
  gender: i % 2 ? 'F' : 'M',
  nationalId: `11998800${String(i).padStart(8, '0')}`,
  campusId: String(i % 3),
  intakeId: 'SEP-2026',
  programId: `P-${i % 12}`,
  programModeId: i % 4 ? 'day' : 'evening',
  levelId: `L${(i % 4) + 1}`,
}))

const tokenStore = createMemoryTokenStore()
await tokenStore.replace('bench', `quickbooks:${REALM}`, {
  accessToken: 'at-0',
  refreshToken: 'rt-0',
  accessTokenExpiresAt: Date.now() + 3_600_000,
  refreshTokenExpiresAt: null,
})
const client = createQuickBooksClient({
  tenant: 'bench',
  realmId: REALM,
  clientId: 'bench',
  clientSecret: 'bench-secret',
  tokenStore,
  baseUrl: base,
  tokenUrl: `${base}/oauth2/v1/tokens/bearer`,
  limits: { requestsPerMinute: 1_000_000, batchPerMinute: 1_000_000, concurrent: 10 },
})
const ledger = createMemoryPushLedger()
const lookups = {
  campus: new Map([
    ['0', 'Kigali'],
    ['1', 'Huye'],
    ['2', 'Musanze'],
  ]),
}
const apiRequests = () =>
  mock.state.counts.query + mock.state.counts.batch + mock.state.counts.write + mock.state.counts.read

// First sync: every student is new.
const before = apiRequests()
const t0 = performance.now()
const first1 = await syncCustomers(students, { client, ledger, lookups }, { batchSize: 300 })
const seconds = (performance.now() - t0) / 1000
if (first1.isErr()) throw first1.error
if (first1.value.created !== TOTAL)
  throw new Error(`expected ${TOTAL} created, got ${JSON.stringify(first1.value)}`)
const requests = apiRequests() - before
const batchBodies = mock.state.requests
  .filter((r) => r.url.pathname.endsWith('/batch'))
  .map((r) => ({ search: r.url.search, body: r.body }))

// Rerun with nothing changed.
const beforeRerun = apiRequests()
const rerun = await syncCustomers(students, { client, ledger, lookups }, { batchSize: 300 })
if (rerun.isErr()) throw rerun.error
const rerunRequests = apiRequests() - beforeRerun

// The same first sync with the push ledger in PostgreSQL (embedded PGlite), against a fresh company.
mock = createMockQuickBooks()
const pg = createPgStore({})
// Boot and migrate PGlite before the clock starts: the row measures pushing, not opening a database.
const migrated = await pg.migrate()
if (migrated.isErr()) throw migrated.error
const p0 = performance.now()
const onPg = await syncCustomers(students, { client, ledger: pg.pushLedger, lookups }, { batchSize: 300 })
const pgSeconds = (performance.now() - p0) / 1000
await pg.close()
if (onPg.isErr()) throw onPg.error
if (onPg.value.created !== TOTAL)
  throw new Error(`expected ${TOTAL} created on PGlite, got ${JSON.stringify(onPg.value)}`)

// Ceiling: the same batch bodies straight to a fresh mock company, no SDK.
mock = createMockQuickBooks()
const r0 = performance.now()
const pool = 10
let next = 0
await Promise.all(
  Array.from({ length: pool }, async () => {
    while (next < batchBodies.length) {
      const item = batchBodies[next++] as { search: string; body: string }
      const response = await fetch(`${base}/v3/company/${REALM}/batch${item.search}`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer at-0',
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: item.body,
      })
      await response.text()
    }
  }),
)
const rawSeconds = (performance.now() - r0) / 1000
server.close()

const idealRequests = Math.ceil(TOTAL / BATCH_LIMIT) + 1
const rerunCeiling = Math.ceil(TOTAL / MAX_RESULTS)
const rate = Math.round(TOTAL / seconds)
const rawRate = Math.round(TOTAL / rawSeconds)
const rows: BenchRow[] = [
  { name: 'quickbooks customer requests', unit: 'count', value: requests },
  {
    name: 'quickbooks customer requests share',
    unit: 'ratio',
    value: Number((requests / idealRequests).toFixed(3)),
  },
  { name: 'quickbooks customers synced', unit: 'records/s', value: rate },
  { name: 'quickbooks customers synced share', unit: 'ratio', value: Number((rate / rawRate).toFixed(3)) },
  {
    name: 'quickbooks customers synced (PGlite ledger)',
    unit: 'records/s',
    value: Math.round(TOTAL / pgSeconds),
  },
  {
    name: 'quickbooks customers synced (PGlite ledger) share',
    unit: 'ratio',
    value: Number((TOTAL / pgSeconds / rawRate).toFixed(3)),
  },
  { name: 'quickbooks rerun requests', unit: 'count', value: rerunRequests },
  {
    name: 'quickbooks rerun requests share',
    unit: 'ratio',
    value: Number((rerunRequests / rerunCeiling).toFixed(3)),
  },
]
printTable(rows)
console.log(
  `first run: ${first1.value.batchCalls} batch calls, ${requests - first1.value.batchCalls} queries/reads; raw replay ${rawRate} records/s; rerun skipped ${rerun.value.skipped}`,
)
console.log(`wrote ${writeResults('quickbooks', rows)}`)
