/**
 * The soak (suite `soak`): the Express host (`src/main.ts`, a child process as in production) on a real
 * PostgreSQL, driven at a fixed rate for `--minutes` (default 10) with Zoho webhooks (JSON, form and
 * id-only bodies the host fetches from a Zoho stand-in on loopback), Moodle plugin events and bulk syncs,
 * 5% of them bad inputs, while the host's Store connections are terminated every few seconds and
 * PostgreSQL is restarted once. Senders retry what was not acknowledged (5xx, 409, 429, no answer), as
 * Zoho and the plugin do. At the end, what the senders saw acknowledged is compared with what the Store
 * holds: per record key its latest acknowledged version, per Moodle event its id.
 *
 * Rows (bench/results/soak.json): `soak acknowledged`, `soak stored`, `soak lost` (0),
 * `soak duplicated` (0), `soak bad inputs stored` (0), `soak events left pending` (0: accepted Moodle
 * events the host has not processed a minute after the traffic stopped), `soak p99` (ms, every attempt),
 * `soak peak RSS` (MiB) and `soak RSS last/second minute` (ratio of mean RSS; flat is within 0.9-1.1).
 *
 * Usage: `pnpm soak` (10 minutes) or `pnpm soak --minutes 1`; `--rate <deliveries/s>` (default 40),
 * `--kill-every <s>` (default 5). Runs itself under `scripts/with-postgres.sh`. The host's log
 * (`<tmp>/edusync-soak-<pid>.log`) is kept only when the soak fails (it says where); a passing soak removes it.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createWriteStream, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createPgStore } from '@edusync/store-pg'
import type { BenchRow } from '../../../packages/core/bench/bench-report.ts'
import { printTable, repoRoot, writeResults } from '../../../packages/core/bench/bench-report.ts'
import { createPoster, percentile } from './load.ts'
import { HOST_APPLICATION_NAME, killHostConnections, restartPostgres } from './soak-chaos.ts'
import type { BadKind, Delivery, ZohoShape } from './soak-traffic.ts'
import {
  BAD_KINDS,
  badDelivery,
  badId,
  bulkDelivery,
  bulkId,
  moodleDelivery,
  versionOf,
  zohoDelivery,
  zohoId,
  zohoStudent,
} from './soak-traffic.ts'
import { startSoakZoho } from './soak-zoho.ts'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '40' },
    'kill-every': { type: 'string', default: '5' },
  },
  allowPositionals: true,
})
const MINUTES = Number(args.minutes)
const RATE = Number(args.rate)
const KILL_EVERY_MS = Number(args['kill-every']) * 1000
if (!(MINUTES > 0 && RATE > 0 && KILL_EVERY_MS > 0)) {
  console.error('usage: soak [--minutes 10] [--rate 40] [--kill-every 5]')
  process.exit(2)
}

const hostDir = join(import.meta.dirname, '..')

if (!process.env.EDUSYNC_PG_DATA) {
  // Our own throw-away server, whatever DATABASE_URL says: the soak restarts it.
  const env = { ...process.env }
  delete env.DATABASE_URL
  const run = spawnSync(
    'bash',
    [
      join(repoRoot, 'scripts', 'with-postgres.sh'),
      process.execPath,
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', cwd: repoRoot, env },
  )
  process.exit(run.status ?? 1)
}

const DURATION_MS = MINUTES * 60_000
const DRAIN_MS = 120_000
const MAX_BODY_BYTES = 1024 * 1024
const ZOHO_KEYS = 2_000
const BULK_BLOCKS = 20
const BULK_SIZE = 100
const databaseUrl = process.env.DATABASE_URL as string
const secrets = {
  tenant: `soak-${Date.now().toString(36)}`,
  zohoSecret: 'soak-zoho-shared-secret',
  moodleToken: 'soak-moodle-plugin-token',
  apiToken: 'soak-bulk-api-token-0001',
}

// ---- Zoho's truth and what the senders saw --------------------------------------------------------
const truth = new Map<string, Record<string, unknown>>()
const zohoVersion = new Array<number>(ZOHO_KEYS).fill(0)
const bulkVersion = new Array<number>(BULK_BLOCKS).fill(0)
const busy = new Set<string>()
/** Record key -> highest version acknowledged. */
const acked = new Map<string, number>()
/** Record id -> how many acknowledged answers reported it NEW. */
const reportedNew = new Map<string, number>()
const ackedEvents = new Set<string>()
let bulkRecreated = 0
const stats = {
  deliveries: 0,
  attempts: 0,
  retries: 0,
  unacknowledged: 0,
  refused: [] as string[],
  bad: 0,
  badAccepted: [] as string[],
  badServerErrors: [] as string[],
  badStatuses: new Map<string, number>(),
  retryCauses: new Map<string, number>(),
  kills: 0,
  killed: 0,
  restartMs: 0,
}
const latencies: number[] = []
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

// ---- the host --------------------------------------------------------------------------------------
const zoho = await startSoakZoho(truth)
const logFile = join(tmpdir(), `edusync-soak-${process.pid}.log`)
const log = createWriteStream(logFile)
const hostUrl = new URL(databaseUrl)
hostUrl.searchParams.set('application_name', HOST_APPLICATION_NAME)
let host: ReturnType<typeof spawn> | undefined
// However the soak ends (its verdict, an uncaught error, Ctrl-C): the host goes, and its log goes unless
// someone needs to read it, i.e. unless the soak failed.
process.on('exit', (code) => {
  if (host && host.exitCode === null && host.signalCode === null) host.kill('SIGKILL')
  if (code === 0) rmSync(logFile, { force: true })
  else console.error(`soak: the host's log is kept at ${logFile}`)
})
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => process.exit(code))
}
const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@edusync/source', 'src/main.ts'], {
  cwd: hostDir,
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: hostUrl.toString(),
    DATABASE_POOL_SIZE: '10',
    LOG_LEVEL: 'info',
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    EDUSYNC_TENANTS: JSON.stringify({
      [secrets.tenant]: {
        zohoSecret: secrets.zohoSecret,
        moodleToken: secrets.moodleToken,
        apiToken: secrets.apiToken,
        defaultCurrency: 'USD',
        zoho: { clientId: 'soak', clientSecret: 'soak', refreshToken: 'soak', accountsUrl: zoho.url },
      },
    }),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
})
host = child
child.stdout.pipe(log)
child.stderr.pipe(log)
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
const url = await new Promise<string>((resolve, reject) => {
  let head = ''
  const listen = (chunk: Buffer) => {
    head += chunk.toString()
    const match = /"msg":"listening","url":"([^"]+)"/.exec(head)
    if (match?.[1]) {
      child.stdout.off('data', listen)
      resolve(match[1])
    }
  }
  child.stdout.on('data', listen)
  void exited.then((code) => reject(new Error(`host exited with ${code} before listening; see ${logFile}`)))
})
const poster = createPoster(url, 64, 30_000)
console.log(
  `soak: ${MINUTES} min at ${RATE} deliveries/s against ${url} (pid ${child.pid}), PostgreSQL ${process.env.DATABASE_URL?.replace(/\/\/[^@]*@/, '//')}, ` +
    `Zoho stand-in ${zoho.url}, host log ${logFile}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
)

// ---- RSS of the host, once a second ------------------------------------------------------------------
const rss: { at: number; mib: number }[] = []
const readRss = () => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
  return match ? Number(match[1]) / 1024 : 0
}
const started = performance.now()
const rssTimer = setInterval(() => {
  if (child.exitCode === null) rss.push({ at: performance.now() - started, mib: readRss() })
}, 1_000)

// ---- sending -----------------------------------------------------------------------------------------
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const stopBy = () => started + DURATION_MS + DRAIN_MS

/**
 * Sends until acknowledged (2xx), retrying 5xx, 409, 429 and unanswered attempts with backoff. Returns
 * the acknowledging answer, or undefined when a 4xx refused it or the drain window closed.
 */
async function deliver(
  what: string,
  delivery: Delivery,
): Promise<{ status: number; body: string } | undefined> {
  stats.deliveries++
  for (let attempt = 0; ; attempt++) {
    stats.attempts++
    const sent = performance.now()
    let status = 0
    let body = ''
    try {
      const r = await poster.post(delivery.path, delivery.body, delivery.headers)
      status = r.status
      body = r.body
    } catch (error) {
      body = (error as Error).message
    }
    latencies.push(performance.now() - sent)
    if (status >= 200 && status < 300) return { status, body }
    if (status !== 0 && status < 500 && status !== 409 && status !== 429) {
      stats.refused.push(`${what}: HTTP ${status} ${body.slice(0, 300)}`)
      return undefined
    }
    bump(stats.retryCauses, status === 0 ? `no answer (${body.slice(0, 60)})` : `HTTP ${status}`)
    if (performance.now() > stopBy()) {
      stats.unacknowledged++
      return undefined
    }
    stats.retries++
    await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()))
  }
}

const SHAPES: ZohoShape[] = ['json-data', 'json-record', 'form', 'id-only']

async function sendZoho(n: number): Promise<void> {
  const key = zohoId(n)
  const version = (zohoVersion[n] ?? 0) + 1
  zohoVersion[n] = version
  const record = zohoStudent(key, version)
  truth.set(key, record)
  const shape = SHAPES[Math.floor(Math.random() * SHAPES.length)] as ZohoShape
  const answer = await deliver(`zoho ${shape} ${key} v${version}`, zohoDelivery(secrets, record, shape))
  if (!answer) return
  const outcomes =
    (JSON.parse(answer.body) as { outcomes?: { status: string; id?: string }[] }).outcomes ?? []
  for (const o of outcomes) {
    if (o.status === 'NEW' && o.id) bump(reportedNew, o.id)
    if (o.status !== 'NEW' && o.status !== 'UPDATED' && o.status !== 'UNCHANGED') {
      stats.refused.push(`zoho ${shape} ${key} v${version}: ${JSON.stringify(o).slice(0, 300)}`)
    }
  }
  if (outcomes.some((o) => o.id === key)) acked.set(key, Math.max(acked.get(key) ?? 0, version))
  else
    stats.refused.push(
      `zoho ${shape} ${key} v${version}: acknowledged without its record: ${answer.body.slice(0, 200)}`,
    )
}

async function sendBulk(block: number): Promise<void> {
  const version = (bulkVersion[block] ?? 0) + 1
  bulkVersion[block] = version
  const ids = Array.from({ length: BULK_SIZE }, (_, k) => bulkId(block * BULK_SIZE + k))
  const answer = await deliver(
    `bulk block ${block} v${version}`,
    bulkDelivery(secrets, ids, version, randomUUID()),
  )
  if (!answer) return
  const counts = (JSON.parse(answer.body) as { counts?: Record<string, number> }).counts
  if (!counts || counts.total !== BULK_SIZE || (counts.invalid ?? 0) + (counts.error ?? 0) > 0) {
    stats.refused.push(`bulk block ${block} v${version}: ${answer.body.slice(0, 300)}`)
    return
  }
  // The answer counts NEW records: a block's first version creates them (a replayed answer says so
  // again, it is the same answer); any NEW in a later version is a record created twice.
  if (version === 1) for (const id of ids) bump(reportedNew, id)
  else bulkRecreated += counts.new ?? 0
  for (const id of ids) acked.set(id, Math.max(acked.get(id) ?? 0, version))
}

async function sendMoodle(n: number): Promise<void> {
  const eventId = randomUUID()
  const answer = await deliver(`moodle event ${eventId}`, moodleDelivery(secrets, eventId, n))
  if (answer) ackedEvents.add(eventId)
}

async function sendBad(n: number): Promise<void> {
  stats.bad++
  const kind = BAD_KINDS[n % BAD_KINDS.length] as BadKind
  const sent = performance.now()
  let status = 0
  let body = ''
  try {
    const bad = badDelivery(secrets, kind, n, MAX_BODY_BYTES)
    const r = await poster.post(bad.path, bad.body, bad.headers)
    status = r.status
    body = r.body
  } catch (error) {
    body = (error as Error).message
  }
  latencies.push(performance.now() - sent)
  bump(stats.badStatuses, `${kind} ${status}`)
  if (status >= 200 && status < 300) stats.badAccepted.push(`${kind}: HTTP ${status} ${body.slice(0, 200)}`)
  if (status >= 500) stats.badServerErrors.push(`${kind}: HTTP ${status} ${body.slice(0, 200)}`)
}

/** Picks an idle key starting at a random one, so one key's deliveries never overlap (as Zoho's per-record order). */
function idle(prefix: string, count: number): number | undefined {
  const start = Math.floor(Math.random() * count)
  for (let k = 0; k < count; k++) {
    const n = (start + k) % count
    if (!busy.has(`${prefix}${n}`)) return n
  }
  return undefined
}

function startOne(seq: number): Promise<void> | undefined {
  const roll = Math.random()
  if (roll < 0.05) return sendBad(seq)
  if (roll < 0.07) {
    const block = idle('bulk', BULK_BLOCKS)
    if (block === undefined) return undefined
    busy.add(`bulk${block}`)
    return sendBulk(block).finally(() => busy.delete(`bulk${block}`))
  }
  if (roll < 0.3) return sendMoodle(seq)
  const n = idle('zoho', ZOHO_KEYS)
  if (n === undefined) return undefined
  busy.add(`zoho${n}`)
  return sendZoho(n).finally(() => busy.delete(`zoho${n}`))
}

// ---- faults ---------------------------------------------------------------------------------------
const killTimer = setInterval(() => {
  stats.kills++
  void killHostConnections(databaseUrl).then((n) => {
    stats.killed += n
  })
}, KILL_EVERY_MS)
const restartTimer = setTimeout(
  () => {
    console.log(`soak: restarting PostgreSQL at ${((performance.now() - started) / 1000).toFixed(0)} s`)
    restartPostgres().then(
      (ms) => {
        stats.restartMs = ms
        console.log(`soak: PostgreSQL back after ${ms.toFixed(0)} ms`)
      },
      (error: Error) => console.error(`soak: restart failed: ${error.message}`),
    )
  },
  Math.round(DURATION_MS * 0.4),
)

// ---- the fixed-rate schedule -----------------------------------------------------------------------
const inFlight = new Set<Promise<void>>()
let scheduled = 0
let skipped = 0
let lastReport = started
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const now = performance.now()
    if (now - started >= DURATION_MS) {
      clearInterval(tick)
      resolve()
      return
    }
    const due = Math.floor(((now - started) / 1000) * RATE)
    while (scheduled < due) {
      const job = startOne(scheduled++)
      if (!job) {
        skipped++
        continue
      }
      inFlight.add(job)
      void job.finally(() => inFlight.delete(job))
    }
    if (now - lastReport >= 60_000) {
      lastReport = now
      console.log(
        `soak: ${((now - started) / 60_000).toFixed(0)} min, ${stats.deliveries} deliveries, ${stats.retries} retries, ` +
          `${inFlight.size} in flight, RSS ${rss.at(-1)?.mib.toFixed(0)} MiB, ${stats.killed} connections killed, load ${loadavg()[0]?.toFixed(2)}`,
      )
    }
  }, 20)
})
clearInterval(killTimer)
clearTimeout(restartTimer)
console.log(`soak: traffic stopped; waiting for ${inFlight.size} deliveries still retrying`)
await Promise.all(inFlight)
clearInterval(rssTimer)
const elapsedMs = performance.now() - started
poster.close()

// Every accepted Moodle event must be processed without another event arriving to trigger it (the plugin
// already had its 202): the host gets a minute to drain what the faults left pending.
const store = createPgStore({ connectionString: databaseUrl, migrate: false })
const pendingEvents = async () =>
  (await store.listEvents(secrets.tenant, { source: 'moodle', handled: false, limit: 100_000 })).match(
    (events) => events.length,
    () => Number.POSITIVE_INFINITY,
  )
let pending = await pendingEvents()
for (const until = performance.now() + 60_000; pending > 0 && performance.now() < until; ) {
  await sleep(1_000)
  pending = await pendingEvents()
}

// ---- graceful stop, then what the Store holds ------------------------------------------------------
child.kill('SIGTERM')
const exitCode = await exited
await zoho.close()
log.end()

const keys = [...acked.keys()]
let stored = 0
let lost = 0
const lostSamples: string[] = []
for (let i = 0; i < keys.length; i += 2_000) {
  const ids = keys.slice(i, i + 2_000)
  const found = (await store.readRecords(secrets.tenant, 'student', ids))._unsafeUnwrap()
  for (const id of ids) {
    const holds = versionOf(found.get(id)?.data.lastName)
    const want = acked.get(id) as number
    if (holds !== undefined && holds >= want) stored++
    else {
      lost++
      if (lostSamples.length < 10)
        lostSamples.push(`${id}: acknowledged v${want}, Store holds ${holds ?? 'nothing'}`)
    }
  }
}
const inbox = (await store.listEvents(secrets.tenant, { source: 'moodle', limit: 1_000_000 }))._unsafeUnwrap()
const inboxIds = new Map<string, number>()
for (const e of inbox) bump(inboxIds, e.eventId)
for (const id of ackedEvents) {
  if (inboxIds.has(id)) stored++
  else {
    lost++
    if (lostSamples.length < 10) lostSamples.push(`moodle event ${id}: acknowledged, not in the inbox`)
  }
}
// Duplicates: a record reported NEW twice (a retry applied as a second create), a bulk record reported
// NEW after its first version, a Store row for a key no sender wrote, an inbox event held twice.
const rowCount = (await store.countRecords(secrets.tenant, 'student'))._unsafeUnwrap()
const sentKeys = new Set([
  ...truth.keys(),
  ...Array.from({ length: BULK_BLOCKS * BULK_SIZE }, (_, k) => bulkId(k)),
])
const badRows = (
  await store.readRecords(
    secrets.tenant,
    'student',
    Array.from({ length: stats.bad }, (_, n) => badId(n)),
  )
)._unsafeUnwrap().size
const reNew = [...reportedNew.values()].filter((n) => n > 1).length
const inboxTwice = [...inboxIds.values()].filter((n) => n > 1).length
const strayRows = Math.max(0, rowCount - badRows - sentKeys.size)
const duplicated = reNew + bulkRecreated + inboxTwice + strayRows
await store.close()

// RSS flatness: the last minute's mean against the second's (windows of a fifth of the run when shorter
// than three minutes, so the short mode still says something).
const window = MINUTES >= 3 ? 60_000 : elapsedMs / 5
const meanIn = (from: number, to: number) => {
  const s = rss.filter((r) => r.at >= from && r.at < to).map((r) => r.mib)
  return s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)
}
const second = meanIn(window, 2 * window)
const last = meanIn(DURATION_MS - window, DURATION_MS)
const acknowledged = acked.size + ackedEvents.size

const rows: BenchRow[] = [
  { name: 'soak acknowledged', unit: 'count', value: acknowledged },
  { name: 'soak stored', unit: 'count', value: stored },
  { name: 'soak lost', unit: 'count', value: lost },
  { name: 'soak duplicated', unit: 'count', value: duplicated },
  { name: 'soak bad inputs stored', unit: 'count', value: badRows + stats.badAccepted.length },
  { name: 'soak events left pending', unit: 'count', value: pending },
  { name: 'soak p99', unit: 'ms', value: Number(percentile(latencies, 99).toFixed(1)) },
  { name: 'soak peak RSS', unit: 'MiB', value: Math.round(Math.max(...rss.map((r) => r.mib))) },
  { name: 'soak RSS last/second minute', unit: 'ratio', value: Number((last / second).toFixed(3)) },
  // The machine's load at the end (1, 5 and 15 minutes: the last covers most of the run).
  ...(['1m', '5m', '15m'] as const).map((span, i) => ({
    name: `soak load average ${span}`,
    unit: 'load',
    value: Number((loadavg()[i] ?? 0).toFixed(2)),
  })),
]
writeResults('soak', rows)
printTable(rows)
console.log(
  `(${(elapsedMs / 60_000).toFixed(1)} min; ${stats.deliveries} deliveries (${acked.size} record keys, ` +
    `${ackedEvents.size} Moodle events acknowledged), ${stats.attempts} attempts, ${stats.retries} retries ` +
    `[${[...stats.retryCauses].map(([k, v]) => `${k}: ${v}`).join(', ')}], ${stats.unacknowledged} never acknowledged, ` +
    `${skipped} ticks skipped (every key busy); ${stats.bad} bad inputs [${[...stats.badStatuses].map(([k, v]) => `${k}: ${v}`).join(', ')}]; ` +
    `${stats.kills} kill rounds terminated ${stats.killed} connections; PostgreSQL restart ${stats.restartMs.toFixed(0)} ms; ` +
    `Zoho fetches ${zoho.fetches()}; p50 ${percentile(latencies, 50).toFixed(1)} ms; RSS second ${second.toFixed(0)} / last ${last.toFixed(0)} MiB; ` +
    `host exit ${exitCode}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
)
for (const line of [
  ...lostSamples,
  ...stats.refused.slice(0, 10),
  ...stats.badAccepted.slice(0, 5),
  ...stats.badServerErrors.slice(0, 5),
])
  console.log(`  ${line}`)
const perWindow = Array.from({ length: Math.ceil(elapsedMs / window) }, (_, w) => {
  const s = rss.filter((r) => r.at >= w * window && r.at < (w + 1) * window).map((r) => r.mib)
  return s.length > 0
    ? `${meanIn(w * window, (w + 1) * window).toFixed(0)}/${Math.max(...s).toFixed(0)}`
    : '-'
})
console.log(`  RSS per ${(window / 1000).toFixed(0)} s window, mean/peak MiB: ${perWindow.join(' ')}`)
if (stats.refused.length > 10) console.log(`  … ${stats.refused.length} refused in all`)
process.exit(lost + duplicated + badRows + stats.badAccepted.length + pending === 0 && exitCode === 0 ? 0 : 1)
