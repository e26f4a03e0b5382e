/**
 * Benchmark suite `moodle`: the plugin-event inbox processor on real PostgreSQL, next to its ceiling
 * measured in the same run (the same events' canonical grades written by `syncBatch` alone), and the
 * number of web service calls that enrol 1,000 students into one course. Writes
 * bench/results/moodle.json. Uses DATABASE_URL when set; otherwise starts a throw-away server.
 * Run: `pnpm bench moodle` (BENCH_REPS=1 for a quick look).
 */
import { loadavg } from 'node:os'
import type { Store } from '@edusync/core'
import { createSyncEngine } from '@edusync/core'
import { createPgStore } from '@edusync/store-pg'
import type { BenchRow } from '../../core/bench/bench-report.ts'
import { median, printTable, writeResults } from '../../core/bench/bench-report.ts'
import { startPostgres } from '../../store-pg/test/pg-server.ts'
import { createMoodleClient, MOODLE_EVENT_SOURCE, processMoodleInbox, toGrade } from '../src/index.ts'
import { readPluginEvent } from '../src/readers/plugin-events.ts'

const EVENTS = 50_000
const STUDENTS = 2_000
const COURSES = 40
const BATCH = 2_000
const REPS = Number(process.env.BENCH_REPS ?? 3)

/** A `grade_updated` event as the plugin sends it. */
function gradeEvent(n: number) {
  const userid = 100 + (n % STUDENTS)
  const courseid = 10 + (n % COURSES)
  const assignmentid = 1_000 + Math.floor(n / STUDENTS)
  return {
    event_id: `bench-${n}`,
    event_type: 'grade_updated',
    event_data: {
      grade_id: n,
      student_id: userid,
      student_name: `Student ${userid}`,
      student_email: `s${userid}@college.edu`,
      assignment_id: assignmentid,
      assignment_name: `Assignment ${assignmentid}`,
      course_id: courseid,
      course_name: `Course ${courseid}`,
      grade: 'P',
      raw_grade: n % 5,
      attempt_number: 1,
      attemptnumber_zero_indexed: 0,
      timestamp: 1768469400,
      graded_at: '2026-01-15 10:30:00',
      grader_name: 'Omar Teacher',
      grader_role: 'Teacher',
      feedback: 'Well structured report',
      workflow_state: null,
      learning_outcomes: [
        {
          code: 'P1',
          level: 'P',
          description: 'Explain networking principles',
          score: '1',
          feedback: '',
          achieved: true,
        },
        {
          code: 'M1',
          level: 'M',
          description: 'Compare network topologies',
          score: '',
          feedback: '',
          achieved: false,
        },
      ],
      composite_key: `${userid}_${courseid}_${assignmentid}`,
      sync_type: 'complete',
    },
    moodle_event_id: null,
    timestamp: 1768469400,
  }
}

/** Students and classes the grades reference, linked to their Moodle ids (untimed). */
async function seed(store: Store, tenant: string) {
  const engine = createSyncEngine({ store })
  const students = Array.from({ length: STUDENTS }, (_, i) => ({
    id: `48768760000044${String(i).padStart(5, '0')}`,
    firstName: 'Student',
    lastName: String(i),
    status: 'active',
  }))
  const classes = Array.from({ length: COURSES }, (_, i) => ({
    id: `48768760000055${String(i).padStart(5, '0')}`,
    name: `Class ${i}`,
    status: 'active',
  }))
  const r = await engine.syncAll({ tenant, batches: { student: students, class: classes } })
  if (r.isErr()) throw r.error
  const linked = await store.upsertLinks(tenant, [
    ...students.map((s, i) => ({
      entity: 'student',
      id: s.id,
      system: 'moodle',
      externalId: String(100 + i),
    })),
    ...classes.map((c, i) => ({ entity: 'class', id: c.id, system: 'moodle', externalId: String(10 + i) })),
  ])
  if (linked.isErr()) throw linked.error
}

async function appendEvents(store: Store, tenant: string) {
  for (let start = 0; start < EVENTS; start += 5_000) {
    const events = Array.from({ length: Math.min(5_000, EVENTS - start) }, (_, k) =>
      gradeEvent(start + k),
    ).map((p) => ({
      source: MOODLE_EVENT_SOURCE,
      eventId: p.event_id,
      type: p.event_type,
      payload: p,
    }))
    const r = await store.appendEvents(tenant, events)
    if (r.isErr()) throw r.error
  }
}

/** The same events' canonical grades, mapped untimed (what the processor's writes amount to). */
function canonicalGrades() {
  return Array.from({ length: EVENTS }, (_, n) => {
    const read = readPluginEvent(gradeEvent(n))
    if (read.isErr() || read.value.type !== 'grade_updated') throw new Error('unreadable bench event')
    const d = read.value.data
    return toGrade(d, {
      studentId: `48768760000044${String(Number(d.student_id) - 100).padStart(5, '0')}`,
      classId: `48768760000055${String(Number(d.course_id) - 10).padStart(5, '0')}`,
    })
  })
}

async function processed(store: Store, tenant: string): Promise<number> {
  await seed(store, tenant)
  await appendEvents(store, tenant)
  const started = performance.now()
  const report = await processMoodleInbox({
    store,
    engine: createSyncEngine({ store }),
    tenant,
    batchSize: BATCH,
  })
  const seconds = (performance.now() - started) / 1000
  if (report.isErr()) throw report.error
  if (report.value.handled !== EVENTS || report.value.counts.new !== EVENTS) {
    throw new Error(
      `processed: ${JSON.stringify({ handled: report.value.handled, counts: report.value.counts })}`,
    )
  }
  return Math.round(EVENTS / seconds)
}

async function storeOnly(store: Store, tenant: string, grades: readonly unknown[]): Promise<number> {
  await seed(store, tenant)
  const engine = createSyncEngine({ store })
  const started = performance.now()
  for (let start = 0; start < grades.length; start += BATCH) {
    const r = await engine.syncBatch({ tenant, entity: 'grade', records: grades.slice(start, start + BATCH) })
    if (r.isErr()) throw r.error
    if (r.value.counts.new !== Math.min(BATCH, grades.length - start))
      throw new Error('store-only: not all NEW')
  }
  return Math.round(EVENTS / ((performance.now() - started) / 1000))
}

/** Enrols 1,000 students into one course through the client against an HTTP boundary that counts calls. */
async function enrolRequests(): Promise<number> {
  let calls = 0
  const fetchCounting: typeof fetch = async () => {
    calls++
    return new Response('null', { status: 200, headers: { 'content-type': 'application/json' } })
  }
  const moodle = createMoodleClient({
    url: 'https://lms.bench.edu',
    token: 'bench-token',
    fetch: fetchCounting,
  })
  const r = await moodle.enrol.enrol(
    Array.from({ length: 1_000 }, (_, i) => ({ userid: 100 + i, courseid: 2, roleid: moodle.roles.student })),
  )
  if (r.isErr()) throw r.error
  return calls
}

async function main() {
  const server = process.env.DATABASE_URL ? undefined : await startPostgres(['shared_buffers=256MB'])
  const store = createPgStore({
    connectionString: process.env.DATABASE_URL ?? server?.url ?? '',
    schema: `bench_moodle_${Date.now()}`,
    poolSize: 4,
  })
  try {
    const grades = canonicalGrades()
    const processedRates: number[] = []
    const storeOnlyRates: number[] = []
    const startLoad = loadavg()
    for (let rep = 0; rep < REPS; rep++) {
      // Alternate which runs first so neither gets a systematically warmer database.
      console.log(
        `rep ${rep}: load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      )
      if (rep % 2 === 0) {
        storeOnlyRates.push(await storeOnly(store, `store-only-${rep}`, grades))
        processedRates.push(await processed(store, `processed-${rep}`))
      } else {
        processedRates.push(await processed(store, `processed-${rep}`))
        storeOnlyRates.push(await storeOnly(store, `store-only-${rep}`, grades))
      }
    }
    console.log(`processed ${processedRates.join(', ')}; store-only ${storeOnlyRates.join(', ')} events/s`)
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )
    // The load when the run began (the machine is shared: the share is what compares across runs).
    const [load1, load5, load15] = startLoad
    const p = median(processedRates)
    const s = median(storeOnlyRates)
    // The share is taken per repetition (both runs of a repetition saw the same machine), then the median.
    const share = median(processedRates.map((rate, i) => rate / (storeOnlyRates[i] ?? rate)))
    const rows: BenchRow[] = [
      { name: 'moodle events processed', unit: 'events/s', value: p },
      { name: 'moodle events store-only', unit: 'events/s', value: s },
      { name: 'moodle events processed share', unit: 'ratio', value: Math.round(share * 1000) / 1000 },
      { name: 'moodle enrol requests', unit: 'calls', value: await enrolRequests() },
      { name: 'moodle load average 1m', unit: 'load', value: Number(load1?.toFixed(2)) },
      { name: 'moodle load average 5m', unit: 'load', value: Number(load5?.toFixed(2)) },
      { name: 'moodle load average 15m', unit: 'load', value: Number(load15?.toFixed(2)) },
    ]
    printTable(rows)
    console.log(`wrote ${writeResults('moodle', rows)}`)
  } finally {
    await store.close()
    server?.stop()
  }
}

await main()
