// Suite `zoho`: 100,000 real-shaped BTEC_Registrations records read from a local mock Zoho (500 pages of
// 200, page_token past 2,000) through records.list + the strict reader into canonical form; then 10,000
// records upserted. Writes bench/results/zoho.json at the repo root. Not part of `pnpm test`.
import { fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createZohoClient, createZohoReader, defaultFieldMap, withFieldMap } from '../src/index.ts'

const TOTAL = 100_000
const RUNS = 3

const child = fork(fileURLToPath(new URL('./mock-zoho-server.mjs', import.meta.url)), [], {
  env: { ...process.env, ZOHO_BENCH_TOTAL: String(TOTAL) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const port = await new Promise<number>((resolve) =>
  child.once('message', (m) => resolve((m as { port: number }).port)),
)
const base = `http://127.0.0.1:${port}`
const stats = async () =>
  (await (await fetch(`${base}/__stats`)).json()) as {
    token: number
    list: number
    upsert: number
    listBytes: number
  }
const reset = () => fetch(`${base}/__reset`, { method: 'POST' })

const fieldMap = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })
const read = createZohoReader('registration', fieldMap)
const config = {
  clientId: 'bench',
  clientSecret: 'bench-secret',
  refreshToken: 'bench-refresh',
  accountsUrl: base,
  concurrency: 5,
}
const fields = [
  'Name',
  'Student_ID',
  'Program',
  'Registration_Date',
  'Registration_Status',
  'Program_Price',
  'Remaining_Amount',
  'Discount',
  'Discount_Percentage',
  'Study_Mode',
  'Study_Language',
  'BTEC_Reg_No',
  'Intake',
  'Payment_Schedule',
  'Currency',
  'Exchange_Rate',
]

async function readAll(): Promise<{
  seconds: number
  cpuSeconds: number
  valid: number
  invalid: number
  requests: number
  tokens: number
  bytes: number
}> {
  await reset()
  const zoho = createZohoClient(config)
  let valid = 0
  let invalid = 0
  const started = performance.now()
  const cpu = process.cpuUsage()
  for await (const page of zoho.records.list('BTEC_Registrations', { fields })) {
    if (page.isErr()) throw page.error
    for (const record of page.value.records) {
      if (read(record).isOk()) valid++
      else invalid++
    }
  }
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const s = await stats()
  return {
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    valid,
    invalid,
    requests: s.list,
    tokens: s.token,
    bytes: s.listBytes,
  }
}

// The ceiling, measured in the same run on the same pages: the same pages fetched raw (untimed), then
// JSON.parse alone and the reader alone over them. Reading a page needs both, one after the other, so
// `1 / (1/parse + 1/reader)` is the rate of a client that adds nothing to them (the serial bound).
const token = await (await createZohoClient(config).token()).match(
  (t) => t.accessToken,
  (e) => {
    throw e
  },
)
// Context for the share: the same 100 pages fetched with bare `fetch` and read as text (what the client
// adds beyond the serial bound is mostly this, which the bound leaves out).
async function fetchBodies(): Promise<{ bodies: string[]; rate: number }> {
  const bodies: string[] = []
  const started = performance.now()
  for (let p = 0; p < 100; p++) {
    const query = p < 10 ? `page=${p + 1}` : `page_token=tok-${p * 200}`
    const url = `${base}/crm/v8/BTEC_Registrations?fields=${fields.join(',')}&per_page=200&${query}`
    bodies.push(await (await fetch(url, { headers: { authorization: `Zoho-oauthtoken ${token}` } })).text())
  }
  return { bodies, rate: 20_000 / ((performance.now() - started) / 1000) }
}
const { bodies } = await fetchBodies()
function serialBound(): { parse: number; reader: number; bound: number; boundPerCpu: number } {
  const cpu = process.cpuUsage()
  let started = performance.now()
  const parsedPages = bodies.map((b) => (JSON.parse(b) as { data: unknown[] }).data)
  const parseSeconds = (performance.now() - started) / 1000
  started = performance.now()
  for (const page of parsedPages) for (const record of page) read(record)
  const readerSeconds = (performance.now() - started) / 1000
  const parse = 20_000 / parseSeconds
  const reader = 20_000 / readerSeconds
  const used = process.cpuUsage(cpu)
  const boundPerCpu = 20_000 / ((used.user + used.system) / 1e6)
  return { parse, reader, bound: 1 / (1 / parse + 1 / reader), boundPerCpu }
}

// A first, unmeasured pass lets the mock build its pages (and warms both paths); each measured run is
// then followed at once by its ceiling, and the share is the median of the per-run ratios.
await readAll()
serialBound()
const runs = []
for (let i = 0; i < RUNS; i++) {
  const run = await readAll()
  const ceiling = serialBound()
  const fetched = (await fetchBodies()).rate
  runs.push({
    ...run,
    ...ceiling,
    fetched,
    share: TOTAL / run.seconds / ceiling.bound,
    cpuShare: TOTAL / run.cpuSeconds / ceiling.boundPerCpu,
  })
}
const mid = <T>(values: T[], key: (v: T) => number) =>
  [...values].sort((a, b) => key(a) - key(b))[Math.floor(values.length / 2)] as T
const median = mid(runs, (r) => r.seconds)
if (!median) throw new Error('no runs')
if (median.valid + median.invalid !== TOTAL || median.invalid !== 0) {
  throw new Error(`expected ${TOTAL} valid records, got ${median.valid} valid and ${median.invalid} invalid`)
}
const parseRate = mid(runs, (r) => r.parse).parse
const readerRate = mid(runs, (r) => r.reader).reader
const boundRate = mid(runs, (r) => r.bound).bound
const share = mid(runs, (r) => r.share).share
const cpuShare = mid(runs, (r) => r.cpuShare).cpuShare
const fetchRate = mid(runs, (r) => r.fetched).fetched

await reset()
const upsertClient = createZohoClient(config)
const toWrite = Array.from({ length: 10_000 }, (_, i) => ({
  Name: `REG-${i}`,
  BTEC_Reg_No: `BT-${i}`,
  Registration_Status: 'Active',
}))
const upsertStarted = performance.now()
const written = await upsertClient.records.upsert('BTEC_Registrations', toWrite, {
  duplicateCheckFields: ['BTEC_Reg_No'],
})
const upsertSeconds = (performance.now() - upsertStarted) / 1000
if (written.isErr()) throw written.error
if (written.value.some((r) => r.status !== 'success')) throw new Error('upsert items failed')
const upsertStats = await stats()

const rows = [
  { name: 'zoho read+parse', unit: 'records/s', value: Math.round(TOTAL / median.seconds) },
  {
    name: 'zoho read+parse per client CPU second',
    unit: 'records/s',
    value: Math.round(TOTAL / median.cpuSeconds),
  },
  { name: 'zoho JSON.parse only (same pages)', unit: 'records/s', value: Math.round(parseRate) },
  { name: 'zoho reader only (same records)', unit: 'records/s', value: Math.round(readerRate) },
  { name: 'zoho serial bound (JSON.parse then reader)', unit: 'records/s', value: Math.round(boundRate) },
  { name: 'zoho read+parse share', unit: 'ratio', value: Math.round(share * 1000) / 1000 },
  {
    name: 'zoho read+parse share per CPU second (context)',
    unit: 'ratio',
    value: Math.round(cpuShare * 1000) / 1000,
  },
  {
    name: 'zoho bare fetch+text only (same pages, context)',
    unit: 'records/s',
    value: Math.round(fetchRate),
  },
  { name: 'zoho list requests', unit: 'count', value: median.requests },
  { name: 'zoho list bytes per record', unit: 'bytes', value: Math.round(median.bytes / TOTAL) },
  { name: 'zoho list token requests', unit: 'count', value: median.tokens },
  { name: 'zoho upsert requests', unit: 'count', value: upsertStats.upsert + upsertStats.token },
  { name: 'zoho upsert records/s', unit: 'records/s', value: Math.round(10_000 / upsertSeconds) },
  ...loadavg().map((l, i) => ({
    name: `zoho load average ${['1m', '5m', '15m'][i]}`,
    unit: 'load',
    value: Math.round(l * 100) / 100,
  })),
  { name: 'zoho cores', unit: 'count', value: availableParallelism() },
]
const out = fileURLToPath(new URL('../../../bench/results/', import.meta.url))
mkdirSync(out, { recursive: true })
writeFileSync(`${out}zoho.json`, `${JSON.stringify(rows, null, 2)}\n`)
console.table(rows)
console.log(
  `read runs (s): ${runs.map((r) => r.seconds.toFixed(2)).join(', ')}; shares: ${runs.map((r) => r.share.toFixed(3)).join(', ')}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; upsert: ${upsertStats.upsert} calls + ${upsertStats.token} token`,
)
child.disconnect()
