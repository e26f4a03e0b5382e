import { describe, expect, it } from 'vitest'
import { advance, dashboardWorld, student, T } from '../__fixtures__/dashboard-world.ts'
import { useMoodleServer } from '../__fixtures__/server.ts'
import { DASHBOARD_TARGET, dashboardOutboxTargets } from './dashboard-target.ts'

const server = useMoodleServer()

const request = (id: string, studentId: string, status: string | null = 'pending') => ({
  id,
  code: `Late submission ${id}`,
  studentId,
  type: 'Late Submission',
  description: 'Hospitalised the week of the deadline.',
  status,
  requestDate: '2026-01-14T10:30:00+03:00',
})

describe('Moodle dashboard push of student requests (local_mzi_update_request_status)', () => {
  it('is in the outbox targets: a synced request is enqueued for the dashboard', () => {
    const targets = dashboardOutboxTargets(() => true)
    expect(targets(T, 'request')).toEqual([DASHBOARD_TARGET])
    expect(dashboardOutboxTargets(() => false)(T, 'request')).toEqual([])
  })

  it('sends requestdata with the documented keys after its student, and records the plugin request_id', async () => {
    const w = dashboardWorld(server)
    // The request is synced first on purpose: the push still sends the student first.
    await w.sync('student', [student('s1')])
    await w.sync('request', [request('q1', 's1'), request('q2', 's1', null)])
    const report = await w.push()
    expect(report.entities.request).toMatchObject({ pushed: 2, retrying: 0 })
    expect(w.plugin.calls.map((c) => c.wsfunction)).toEqual([
      'local_mzi_update_student',
      'local_mzi_update_request_status',
      'local_mzi_update_request_status',
    ])
    expect(JSON.parse(w.plugin.calls[1]?.params.requestdata ?? '')).toEqual({
      zoho_student_id: 's1',
      zoho_request_id: 'q1',
      request_type: 'Late Submission',
      description: 'Hospitalised the week of the deadline.',
      request_status: 'Pending',
      // The instant in UTC (07:30Z), as the plugin's char(20) date column takes it.
      request_date: '2026-01-14',
    })
    // No status: the plugin's own default, sent explicitly.
    expect(JSON.parse(w.plugin.calls[2]?.params.requestdata ?? '').request_status).toBe('Pending')
    const entries = (await w.ledger.list(T, DASHBOARD_TARGET, 'request'))._unsafeUnwrap()
    expect(entries.map((e) => [e.recordId, e.status, e.targetId])).toEqual([
      ['q1', 'synced', String(w.plugin.tables.requests.get('q1')?.id)],
      ['q2', 'synced', String(w.plugin.tables.requests.get('q2')?.id)],
    ])
    // An approval in Zoho is an update: the same Zoho id, upserted (no second row), label `Approved`.
    await w.sync('request', [request('q1', 's1', 'approved')])
    await w.push()
    expect(w.plugin.inserts.get('requests:q1')).toBe(1)
    expect(w.plugin.tables.requests.get('q1')?.request_status).toBe('Approved')
    // Nothing changed: nothing sent.
    const before = w.plugin.calls.length
    await w.push()
    expect(w.plugin.calls.length).toBe(before)
  })

  it('holds a request whose student is not in the plugin yet, then sends it once the student is', async () => {
    const w = dashboardWorld(server)
    w.plugin.control.refuse.set('s1', 'temporarily refused')
    await w.sync('student', [student('s1')])
    await w.sync('request', [request('q1', 's1')])
    const first = await w.push()
    expect(first.entities.request).toMatchObject({ pushed: 0, held: 1 })
    expect(w.plugin.calls.map((c) => c.wsfunction)).not.toContain('local_mzi_update_request_status')
    w.plugin.control.refuse.clear()
    advance(1000)
    const second = await w.push()
    expect(second.entities.request).toMatchObject({ pushed: 1, held: 0 })
    expect(w.plugin.tables.requests.get('q1')?.zoho_student_id).toBe('s1')
  })

  it('treats an answer of success:false as a failure carrying the plugin message', async () => {
    const w = dashboardWorld(server)
    await w.sync('student', [student('s1')])
    await w.push()
    w.plugin.control.refuse.set('q1', 'Request type not allowed')
    await w.sync('request', [request('q1', 's1')])
    const report = await w.push()
    expect(report.entities.request).toMatchObject({ pushed: 0, retrying: 1 })
    const [entry] = (await w.ledger.list(T, DASHBOARD_TARGET, 'request'))._unsafeUnwrap()
    expect(entry?.status).toBe('failed')
    expect(entry?.lastError).toContain('local_mzi_update_request_status: Request type not allowed')
    expect(w.plugin.tables.requests.has('q1')).toBe(false)
  })

  it('deletes a pushed request through local_mzi_delete_request (soft: Cancelled)', async () => {
    const w = dashboardWorld(server)
    await w.sync('student', [student('s1')])
    await w.sync('request', [request('q1', 's1'), request('q2', 's1')])
    await w.push()
    w.plugin.calls.length = 0
    const deleted = await w.engine.deleteBatch({
      tenant: T,
      entity: 'request',
      ids: ['q1'],
      source: 'zoho',
      reason: 'deleted in CRM',
    })
    expect(deleted.isOk()).toBe(true)
    const report = await w.push()
    expect(report.entities.request).toMatchObject({ pushed: 1 })
    expect(w.plugin.calls.map((c) => [c.wsfunction, c.params.zoho_request_id])).toEqual([
      ['local_mzi_delete_request', 'q1'],
    ])
    expect(w.plugin.tables.requests.get('q1')?.request_status).toBe('Cancelled')
    expect(w.plugin.tables.requests.get('q2')?.request_status).toBe('Pending')
  })
})
