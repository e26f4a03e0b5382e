import { randomBytes } from 'node:crypto'
import type { AuditContext } from '@edusync/core'
import type { PgRegistry } from '@edusync/store-pg'
import { createPgRegistry } from '@edusync/store-pg'
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import type {} from '../../store-pg/test/global-setup.ts'
import type { EdusyncJobs, ScheduleSyncReport } from '../src/index.ts'
import {
  createEdusyncJobs,
  QUEUES,
  registryScheduleKey,
  syncRegistrySchedules,
  watchRegistrySchedules,
} from '../src/index.ts'

// The tenant registry's stored schedules become pg-boss schedules: both on the real PostgreSQL the
// store-pg global setup provides, each test in fresh schemas.
const databaseUrl = inject('databaseUrl')
const audit: AuditContext = { actor: 'test' }
const open: { jobs: EdusyncJobs[]; registries: PgRegistry[] } = { jobs: [], registries: [] }

afterEach(async () => {
  for (const jobs of open.jobs.splice(0)) await jobs.stop({ graceful: false })
})
afterAll(async () => {
  for (const registry of open.registries.splice(0)) await registry.close()
})

async function setup() {
  const suffix = randomBytes(4).toString('hex')
  const registry = createPgRegistry({
    connectionString: databaseUrl,
    schema: `sched_registry_${suffix}`,
    poolSize: 2,
  })
  open.registries.push(registry)
  const jobs = createEdusyncJobs({
    connectionString: databaseUrl,
    schema: `sched_boss_${suffix}`,
    workFor: () => {
      throw new Error('no job runs in these tests')
    },
  })
  open.jobs.push(jobs)
  ;(await jobs.start())._unsafeUnwrap()
  const put = async (tenant: string, step: string, value: Record<string, unknown>) =>
    expect(
      (await registry.putConfig(tenant, 'schedule', step, value, 'any', audit))._unsafeUnwrap().status,
    ).toBe('written')
  const schedules = async () =>
    new Map(
      (await jobs.boss.getSchedules(QUEUES.steps)).map((s) => [
        s.key,
        { cron: s.cron, data: s.data, tz: s.timezone },
      ]),
    )
  return { registry, jobs, put, schedules }
}

describe('registry schedules -> pg-boss (real PostgreSQL)', () => {
  it('schedules enabled schedules of active tenants, reports invalid ones, and unschedules removed ones', async () => {
    const { registry, jobs, put, schedules } = await setup()
    for (const [tenant, status] of [
      ['acme', 'active'],
      ['beta', 'suspended'],
    ] as const) {
      ;(await registry.putTenant(tenant, { name: tenant, status }, 0, audit))._unsafeUnwrap()
    }
    await put('acme', 'zoho:student', { cron: '0 2 * * *', enabled: true })
    await put('acme', 'accruals', { cron: '0 3 1 * *' })
    await put('acme', 'parked-replay', { cron: '*/15 * * * *', enabled: false })
    // Written around the API's validation: 61 is no minute.
    await put('acme', 'moodle:inbox', { cron: '61 * * * *', enabled: true })
    await put('beta', 'zoho:student', { cron: '0 4 * * *', enabled: true })
    // A schedule made in code is not the registry's: a sync leaves it alone.
    ;(await jobs.schedule('nightly-by-hand', '0 1 * * *', { tenant: 'acme' }))._unsafeUnwrap()

    const first = (await syncRegistrySchedules(jobs, registry))._unsafeUnwrap()
    const student = registryScheduleKey('acme', 'zoho:student')
    const accruals = registryScheduleKey('acme', 'accruals')
    expect([...first.scheduled].sort()).toEqual([accruals, student].sort())
    expect(first.unscheduled).toEqual([])
    expect(first.invalid).toEqual([
      {
        tenant: 'acme',
        step: 'moodle:inbox',
        problem: 'cron: minute: 61 is outside 0-59 (received "61 * * * *")',
      },
    ])
    let now = await schedules()
    expect(now.get(student)).toEqual({
      cron: '0 2 * * *',
      data: { tenant: 'acme', only: ['zoho:student'] },
      tz: 'UTC',
    })
    expect(now.get(accruals)?.data).toEqual({ tenant: 'acme', only: ['accruals'] })
    expect(now.has('nightly-by-hand')).toBe(true)
    expect(now.size).toBe(3)

    // Nothing changed: nothing written.
    const again = (await syncRegistrySchedules(jobs, registry))._unsafeUnwrap()
    expect(again).toMatchObject({ scheduled: [], unscheduled: [], unchanged: 2 })

    // A new cron, a deleted schedule, a disabled one, a tenant resumed.
    await put('acme', 'zoho:student', { cron: '30 2 * * 1-5', enabled: true })
    ;(await registry.deleteConfig('acme', 'schedule', 'accruals', 'any', audit))._unsafeUnwrap()
    ;(await registry.putTenant('beta', { name: 'beta', status: 'active' }, 'any', audit))._unsafeUnwrap()
    const third = (await syncRegistrySchedules(jobs, registry, { tz: 'Africa/Kigali' }))._unsafeUnwrap()
    const beta = registryScheduleKey('beta', 'zoho:student')
    expect([...third.scheduled].sort()).toEqual([beta, student].sort())
    expect(third.unscheduled).toEqual([accruals])
    now = await schedules()
    expect(now.get(student)).toMatchObject({ cron: '30 2 * * 1-5', tz: 'Africa/Kigali' })
    expect(now.has(accruals)).toBe(false)
    expect(now.has('nightly-by-hand')).toBe(true)

    ;(await registry.putTenant('acme', { name: 'acme', status: 'suspended' }, 'any', audit))._unsafeUnwrap()
    const fourth = (await syncRegistrySchedules(jobs, registry, { tz: 'Africa/Kigali' }))._unsafeUnwrap()
    expect(fourth.unscheduled).toEqual([student])
    expect([...(await schedules()).keys()].sort()).toEqual([beta, 'nightly-by-hand'].sort())
  })

  it('keys of steps that differ only by ":" and "." stay apart', () => {
    expect(registryScheduleKey('acme', 'zoho:student')).not.toBe(registryScheduleKey('acme', 'zoho.student'))
    expect(registryScheduleKey('acme', 'zoho:student')).toMatch(/^registry\/acme\/zoho\.student-[0-9a-f]{8}$/)
  })

  it('a watcher syncs at start, again on its interval (a change made elsewhere), and when asked', async () => {
    const { registry, jobs, put, schedules } = await setup()
    ;(await registry.putTenant('acme', { name: 'acme', status: 'active' }, 0, audit))._unsafeUnwrap()
    await put('acme', 'zoho:student', { cron: '0 2 * * *' })
    const reports: ScheduleSyncReport[] = []
    const watcher = watchRegistrySchedules(jobs, registry, {
      intervalMs: 300,
      onReport: (r) => reports.push(r),
    })
    try {
      const key = registryScheduleKey('acme', 'zoho:student')
      await waitFor(async () => (await schedules()).has(key), 'the start sync')
      // Another process changes the registry: the interval picks it up.
      await put('acme', 'accruals', { cron: '0 3 1 * *' })
      await waitFor(
        async () => (await schedules()).has(registryScheduleKey('acme', 'accruals')),
        'the interval sync',
      )
      // Asked directly (the config API's onChange): applied by the time sync() resolves.
      ;(await registry.deleteConfig('acme', 'schedule', 'zoho:student', 'any', audit))._unsafeUnwrap()
      await watcher.sync()
      expect((await schedules()).has(key)).toBe(false)
      expect(reports.some((r) => r.unscheduled.includes(key))).toBe(true)
    } finally {
      await watcher.stop()
    }
  })
})

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}
