import { describe, expect, it } from 'vitest'
import {
  advance,
  clock,
  dashboardWorld,
  payment,
  program,
  registration,
  student,
  T,
} from '../__fixtures__/dashboard-world.ts'
import { useMoodleServer } from '../__fixtures__/server.ts'
import { DASHBOARD_TARGET } from './dashboard-target.ts'

const server = useMoodleServer()
const fn = (calls: readonly { wsfunction: string }[]) => calls.map((c) => c.wsfunction)

describe('Moodle dashboard push', () => {
  it('sends each record to its plugin function with the documented payload, parents first', async () => {
    const w = dashboardWorld(server)
    await w.sync('program', [program()])
    // Children first on purpose: the push still sends the student first.
    await w.sync('student', [student('s1')])
    await w.sync('registration', [registration('r1', 's1')])
    await w.sync('payment', [payment('p1', 'r1')])
    const report = await w.push()
    expect(report.stoppedBy).toBeUndefined()
    expect(fn(w.plugin.calls)).toEqual([
      'local_mzi_update_student',
      'local_mzi_create_registration',
      'local_mzi_sync_installments',
      'local_mzi_record_payment',
    ])
    const [studentCall, regCall, instCall, payCall] = w.plugin.calls
    expect(JSON.parse(studentCall?.params.studentdata ?? '')).toMatchObject({
      zoho_student_id: 's1',
      student_id: 'A01s1',
      first_name: 'Ada',
      status: 'Active',
    })
    expect(JSON.parse(regCall?.params.registrationdata ?? '')).toEqual({
      zoho_student_id: 's1',
      zoho_registration_id: 'r1',
      registration_number: '',
      program_name: 'BTEC HND Computing',
      registration_date: '2026-09-01',
      registration_status: 'Active',
      total_fees: '4500.00',
      paid_amount: '3500.00',
      remaining_amount: '1000.00',
      currency: 'USD',
      study_mode: '',
      number_of_installments: 2,
    })
    expect(instCall?.params.zoho_registration_id).toBe('r1')
    expect(JSON.parse(instCall?.params.installmentsdata ?? '')).toEqual([
      {
        installment_number: 1,
        due_date: '2026-10-01',
        amount: '2250.00',
        status: 'Paid',
        paid_date: '2026-09-02',
      },
      {
        installment_number: 2,
        due_date: '2026-11-01',
        amount: '2250.00',
        status: 'Pending',
        paid_date: null,
      },
    ])
    expect(JSON.parse(payCall?.params.paymentdata ?? '')).toMatchObject({
      zoho_registration_id: 'r1',
      zoho_payment_id: 'p1',
      payment_amount: '1500.50',
      payment_status: 'Confirmed',
    })
    const entries = (await w.ledger.list(T, DASHBOARD_TARGET, 'payment'))._unsafeUnwrap()
    expect(entries.map((e) => [e.status, e.targetId])).toEqual([
      ['synced', String(w.plugin.tables.payments.get('p1')?.id)],
    ])
    // Nothing changed: a second run sends nothing.
    const before = w.plugin.calls.length
    await w.push()
    expect(w.plugin.calls.length).toBe(before)
  })

  it('treats success:false as a failure with the plugin message, retried with backoff then a dead letter that replays', async () => {
    const w = dashboardWorld(server)
    w.plugin.control.refuse.set('s1', 'Student photo directory not writable')
    await w.sync('student', [student('s1')])
    const first = await w.push()
    expect(first.entities.student).toMatchObject({ pushed: 0, retrying: 1 })
    const [entry] = (await w.ledger.list(T, DASHBOARD_TARGET, 'student'))._unsafeUnwrap()
    expect(entry?.status).toBe('failed')
    expect(entry?.lastError).toContain('Student photo directory not writable')
    expect(entry?.nextAttemptAt?.getTime()).toBe(clock.now.getTime() + 1000)
    // Not due yet: no call.
    await w.push()
    expect(w.plugin.calls).toHaveLength(1)
    advance(1000)
    await w.push()
    advance(2000)
    const third = await w.push()
    expect(third.entities.student).toMatchObject({ deadLettered: 1 })
    const dead = (await w.ledger.list(T, DASHBOARD_TARGET, 'student', { deadLetters: true }))._unsafeUnwrap()
    expect(dead.map((e) => [e.recordId, e.attempts])).toEqual([['s1', 3]])
    advance(3_600_000)
    await w.push()
    expect(w.plugin.calls).toHaveLength(3)
    // Fixed in Moodle, replayed by an operator: pushed once more and synced.
    w.plugin.control.refuse.clear()
    expect((await w.ledger.retry(T, DASHBOARD_TARGET, 'student', ['s1']))._unsafeUnwrap()).toBe(1)
    const replay = await w.push()
    expect(replay.entities.student).toMatchObject({ pushed: 1 })
    expect(w.plugin.tables.students.has('s1')).toBe(true)
  })

  it('survives a Moodle outage during a burst: every change arrives once, latest version wins, order kept', async () => {
    const w = dashboardWorld(server)
    await w.sync('program', [program()])
    await w.sync('student', [student('s1'), student('s2')])
    await w.push()
    w.plugin.calls.length = 0
    w.plugin.control.down = true
    // The burst: new registrations and payments, and the students edited twice while Moodle is down.
    await w.sync('student', [student('s1', 'Ada v2'), student('s2', 'Bob v2')])
    await w.sync('registration', [registration('r1', 's1'), registration('r2', 's2')])
    await w.sync('payment', [payment('p1', 'r1'), payment('p2', 'r2')])
    const down = await w.push()
    expect(down.stoppedBy).toMatch(/Unavailable/)
    // The run stopped at the first entity: children were not sent to a Moodle that lost their parents.
    expect(new Set(fn(w.plugin.calls))).toEqual(new Set(['local_mzi_update_student']))
    await w.sync('student', [student('s1', 'Ada v3')])
    await w.sync('registration', [registration('r1', 's1', 50_000)])
    w.plugin.control.down = false
    w.plugin.calls.length = 0
    advance(60_000)
    const up = await w.push()
    expect(up.stoppedBy).toBeUndefined()
    // Each change once (the latest version of each record), entity by entity in dependency order; a
    // registration's schedule follows its registration. Within an entity calls run concurrently.
    const names = fn(w.plugin.calls)
    expect([...names].sort()).toEqual([
      'local_mzi_create_registration',
      'local_mzi_create_registration',
      'local_mzi_record_payment',
      'local_mzi_record_payment',
      'local_mzi_sync_installments',
      'local_mzi_sync_installments',
      'local_mzi_update_student',
      'local_mzi_update_student',
    ])
    const last = (name: string) => names.lastIndexOf(name)
    const first = (name: string) => names.indexOf(name)
    expect(last('local_mzi_update_student')).toBeLessThan(first('local_mzi_create_registration'))
    expect(last('local_mzi_sync_installments')).toBeLessThan(first('local_mzi_record_payment'))
    for (const reg of ['r1', 'r2']) {
      const create = w.plugin.calls.findIndex((c) =>
        c.params.registrationdata?.includes(`"zoho_registration_id":"${reg}"`),
      )
      const schedule = w.plugin.calls.findIndex((c) => c.params.zoho_registration_id === reg)
      expect(create).toBeGreaterThanOrEqual(0)
      expect(create).toBeLessThan(schedule)
    }
    expect(w.plugin.tables.students.get('s1')?.first_name).toBe('Ada v3')
    expect(w.plugin.tables.students.get('s2')?.first_name).toBe('Bob v2')
    expect(w.plugin.tables.registrations.get('r1')?.remaining_amount).toBe('500.00')
    expect(w.plugin.tables.payments.size).toBe(2)
    const counts = (await w.ledger.counts(T, DASHBOARD_TARGET))._unsafeUnwrap()
    for (const c of counts.values()) expect(c).toMatchObject({ pending: 0, failed: 0, in_progress: 0 })
    w.plugin.calls.length = 0
    await w.push()
    expect(w.plugin.calls).toEqual([])
  })

  it('records a payment once when Moodle committed it but the answer timed out (retried by Zoho id)', async () => {
    const w = dashboardWorld(server, { timeoutMs: 50 })
    await w.sync('program', [program()])
    await w.sync('student', [student('s1')])
    await w.sync('registration', [registration('r1', 's1')])
    await w.push()
    w.plugin.calls.length = 0
    await w.sync('payment', [payment('p1', 'r1')])
    w.stall.set('local_mzi_record_payment', 200)
    const report = await w.push()
    expect(report.entities.payment).toMatchObject({ pushed: 1 })
    const paymentCalls = w.plugin.calls.filter((c) => c.wsfunction === 'local_mzi_record_payment')
    // Two calls reached Moodle (the committed one whose answer was lost, then the retry) ...
    expect(paymentCalls).toHaveLength(2)
    // ... carrying the same Zoho id and the same payload, so the plugin's upsert updates its own row.
    expect(paymentCalls[1]?.params).toEqual(paymentCalls[0]?.params)
    expect(JSON.parse(paymentCalls[0]?.params.paymentdata ?? '').zoho_payment_id).toBe('p1')
    expect(w.plugin.tables.payments.size).toBe(1)
    expect(w.plugin.inserts.get('payments:p1')).toBe(1)
  })

  it('pushes deletes to local_mzi_delete_*, skips never-pushed records, and treats not-found as done', async () => {
    const w = dashboardWorld(server)
    await w.sync('program', [program()])
    await w.sync('student', [student('s1')])
    await w.sync('registration', [registration('r1', 's1')])
    await w.sync('payment', [payment('p1', 'r1'), payment('p2', 'r1')])
    await w.push('w1', { only: ['student', 'registration'] })
    await w.push('w1', { only: ['payment'] })
    w.plugin.calls.length = 0
    // p3 is created and deleted before any push: nothing to tell Moodle.
    await w.sync('payment', [payment('p3', 'r1')])
    w.plugin.tables.payments.delete('p2') // gone from Moodle already (deleted by hand)
    const deleted = await w.engine.deleteBatch({
      tenant: T,
      entity: 'payment',
      ids: ['p1', 'p2', 'p3'],
      source: 'zoho',
      reason: 'deleted in CRM',
    })
    expect(deleted.isOk()).toBe(true)
    const report = await w.push()
    expect(report.entities.payment).toMatchObject({ pushed: 3, retrying: 0 })
    expect(w.plugin.calls.map((c) => [c.wsfunction, c.params.zoho_payment_id])).toEqual([
      ['local_mzi_delete_payment', 'p1'],
      ['local_mzi_delete_payment', 'p2'],
    ])
    expect(w.plugin.tables.payments.get('p1')?.payment_status).toBe('Voided')
  })

  it('holds a child whose parent is not synced yet and sends it once the parent is', async () => {
    const w = dashboardWorld(server)
    await w.sync('program', [program()])
    w.plugin.control.refuse.set('s1', 'temporarily refused')
    await w.sync('student', [student('s1'), student('s2')])
    await w.sync('registration', [registration('r1', 's1'), registration('r2', 's2')])
    const first = await w.push()
    expect(first.entities.registration).toMatchObject({ pushed: 1, held: 1 })
    expect(w.plugin.tables.registrations.has('r1')).toBe(false)
    const [r1] = (await w.ledger.read(T, DASHBOARD_TARGET, 'registration', ['r1']))._unsafeUnwrap().values()
    expect(r1).toMatchObject({ status: 'pending', attempts: 0 })
    w.plugin.control.refuse.clear()
    advance(1000)
    const second = await w.push()
    expect(second.entities.registration).toMatchObject({ pushed: 1, held: 0 })
    expect(w.plugin.tables.registrations.has('r1')).toBe(true)
  })
})
