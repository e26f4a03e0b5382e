// A fake of the school's plugin `local_moodle_zoho_sync` (moodle-plugin-ws.md §1-2): the dashboard
// functions with their documented behaviour — upsert by Zoho id rewriting every mapped column, parents
// that must exist ("Student with zoho_student_id X not found" as an `invalidparameter` exception, the
// plugin's text absent because site debugging is off), instalments replaced as a whole, soft deletes
// (hard for grades), every answer HTTP 200. Pure request -> answer logic, so tests mount it behind msw
// and the benchmark behind a real local HTTP server. Tests read `calls` and `tables`.
import { TOKEN } from './fake-moodle.ts'

/** One call as the plugin received it: the function and its arguments (token excluded). */
export interface PluginCall {
  readonly wsfunction: string
  readonly params: Readonly<Record<string, string>>
}

type Row = Record<string, unknown>

const invalid = {
  exception: 'core\\exception\\invalid_parameter_exception',
  errorcode: 'invalidparameter',
  message: 'Invalid parameter value detected',
}

const UPSERTS: Readonly<Record<string, readonly [param: string, table: string, key: string, idKey: string]>> =
  {
    local_mzi_update_student: ['studentdata', 'students', 'zoho_student_id', 'student_id'],
    local_mzi_sync_teacher: ['teacherdata', 'teachers', 'zoho_teacher_id', 'teacher_id'],
    local_mzi_create_registration: [
      'registrationdata',
      'registrations',
      'zoho_registration_id',
      'registration_id',
    ],
    local_mzi_record_payment: ['paymentdata', 'payments', 'zoho_payment_id', 'payment_id'],
    local_mzi_create_class: ['classdata', 'classes', 'zoho_class_id', 'class_id'],
    local_mzi_update_enrollment: ['enrollmentdata', 'enrollments', 'zoho_enrollment_id', 'enrollment_id'],
    local_mzi_submit_grade: ['gradedata', 'grades', 'zoho_grade_id', 'grade_id'],
    local_mzi_update_request_status: ['requestdata', 'requests', 'zoho_request_id', 'request_id'],
  }

// Parents the plugin looks up before writing (a missing one is an exception, nothing written).
const PARENTS: Readonly<Record<string, readonly [table: string, key: string]>> = {
  local_mzi_create_registration: ['students', 'zoho_student_id'],
  local_mzi_record_payment: ['registrations', 'zoho_registration_id'],
  local_mzi_update_enrollment: ['students', 'zoho_student_id'],
  local_mzi_submit_grade: ['students', 'zoho_student_id'],
  local_mzi_update_request_status: ['students', 'zoho_student_id'],
}

const DELETES: Readonly<
  Record<string, readonly [table: string, key: string, column: string | null, value: string]>
> = {
  local_mzi_delete_student: ['students', 'zoho_student_id', 'status', 'Deleted'],
  local_mzi_delete_registration: [
    'registrations',
    'zoho_registration_id',
    'registration_status',
    'Cancelled',
  ],
  local_mzi_delete_payment: ['payments', 'zoho_payment_id', 'payment_status', 'Voided'],
  local_mzi_delete_class: ['classes', 'zoho_class_id', 'class_status', 'Cancelled'],
  local_mzi_delete_enrollment: ['enrollments', 'zoho_enrollment_id', 'enrollment_status', 'Withdrawn'],
  local_mzi_delete_grade: ['grades', 'zoho_grade_id', null, ''],
  local_mzi_delete_request: ['requests', 'zoho_request_id', 'request_status', 'Cancelled'],
}

/** The fake plugin: `handle` answers one REST request body; the rest is for assertions and fault injection. */
export function createFakeDashboardPlugin() {
  const calls: PluginCall[] = []
  const tables = {
    students: new Map<string, Row>(),
    teachers: new Map<string, Row>(),
    registrations: new Map<string, Row>(),
    payments: new Map<string, Row>(),
    installments: new Map<string, Row>(),
    classes: new Map<string, Row>(),
    enrollments: new Map<string, Row>(),
    grades: new Map<string, Row>(),
    requests: new Map<string, Row>(),
  }
  type Table = keyof typeof tables
  /** Writes per table and Zoho id (an upsert of an existing id counts as an update, not a new row). */
  const inserts = new Map<string, number>()
  let nextId = 1
  const control = {
    /** While true the site answers HTTP 503 with an HTML page (a proxy in front of a Moodle that is down). */
    down: false,
    /** Answers `success: false` with this message for these Zoho ids (any function). */
    refuse: new Map<string, string>(),
  }

  function handle(body: string): { status: number; body: string; contentType: string } {
    const form = new URLSearchParams(body)
    const params: Record<string, string> = {}
    for (const [k, v] of form) if (k !== 'wstoken') params[k] = v
    const wsfunction = form.get('wsfunction') ?? ''
    calls.push({ wsfunction, params })
    if (control.down) {
      return { status: 503, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' }
    }
    const json = (value: unknown) => ({
      status: 200,
      body: JSON.stringify(value),
      contentType: 'application/json',
    })
    if (form.get('wstoken') !== TOKEN) {
      return json({
        exception: 'core\\exception\\moodle_exception',
        errorcode: 'invalidtoken',
        message: 'Invalid token - token not found',
      })
    }
    const upsert = UPSERTS[wsfunction]
    if (upsert) {
      const [param, table, key, idKey] = upsert
      let data: Row
      try {
        data = JSON.parse(params[param] ?? '')
      } catch {
        return json(invalid)
      }
      if (!data || typeof data !== 'object' || Object.keys(data).length === 0) return json(invalid)
      const id = data[key]
      if (typeof id !== 'string')
        return json({
          exception: 'dml_write_exception',
          errorcode: 'dmlwriteexception',
          message: 'Error writing to database',
        })
      const refused = control.refuse.get(id)
      if (refused !== undefined) return json({ success: false, [idKey]: id, message: refused })
      const parent = PARENTS[wsfunction]
      if (parent && !tables[parent[0] as Table].has(String(data[parent[1]]))) return json(invalid)
      const rows = tables[table as Table]
      const existing = rows.get(id)
      const row = { ...data, id: existing?.id ?? nextId++ }
      rows.set(id, row)
      if (!existing) inserts.set(`${table}:${id}`, (inserts.get(`${table}:${id}`) ?? 0) + 1)
      return json({
        success: true,
        ...(upsert[0] === 'studentdata' || upsert[0] === 'enrollmentdata' || upsert[0] === 'requestdata'
          ? { action: existing ? 'updated' : 'created' }
          : {}),
        [idKey]: idKey === 'student_id' ? id : row.id,
        message: `${table} ${existing ? 'updated' : 'created'} successfully`,
      })
    }
    if (wsfunction === 'local_mzi_sync_installments') {
      const reg = params.zoho_registration_id ?? ''
      let items: unknown
      try {
        items = JSON.parse(params.installmentsdata ?? '')
      } catch {
        items = null
      }
      if (!Array.isArray(items)) return json(invalid)
      if (!tables.registrations.has(reg)) return json(invalid)
      tables.installments.set(reg, { items })
      return json({ success: true, count: items.length, message: 'Installments synced successfully' })
    }
    const del = DELETES[wsfunction]
    if (del) {
      const [table, key, column, value] = del
      const id = params[key] ?? ''
      const rows = tables[table as Table]
      const row = rows.get(id)
      if (!row) return json(invalid)
      if (column === null) rows.delete(id)
      else rows.set(id, { ...row, [column]: value })
      const idKey = `${table.replace(/e?s$/, '').replace(/ie$/, 'y')}_id`
      return json({ success: true, [idKey]: row.id, message: `${table} deleted` })
    }
    return json({
      exception: 'dml_missing_record_exception',
      errorcode: 'invalidrecord',
      message: "Can't find data record in database table external_functions.",
    })
  }

  return { handle, calls, tables, inserts, control }
}

/** A fake plugin instance. */
export type FakeDashboardPlugin = ReturnType<typeof createFakeDashboardPlugin>
