// A fake Moodle site behind msw: answers the REST functions the client uses with bodies shaped like a live
// Moodle 4.5's (api-facts §2.5: errors in HTTP 200, `null` from enrol, `[]` for no match, namespaced
// exception classes), from a small in-memory state. Tests read `calls` to assert what was sent.
import { delay, HttpResponse, http } from 'msw'

export const SITE_URL = 'https://lms.test.edu'
export const ENDPOINT = `${SITE_URL}/webservice/rest/server.php`
export const TOKEN = '0123456789abcdef0123456789abcdef'

/** One call as the fake received it: the function and its form fields (token excluded). */
export interface RecordedCall {
  readonly wsfunction: string
  readonly params: Readonly<Record<string, string>>
  readonly contentType: string
}

interface Course {
  id: number
  fullname: string
  shortname: string
  categoryid: number
  idnumber: string
  visible: number
}

/** The error body Moodle sends for an exception (HTTP 200). */
export const moodleException = (
  errorcode: string,
  message: string,
  exception = 'core\\exception\\moodle_exception',
) => HttpResponse.json({ exception, errorcode, message })

const ALL_FUNCTIONS = [
  'core_webservice_get_site_info',
  'core_user_create_users',
  'core_user_update_users',
  'core_user_get_users_by_field',
  'core_course_create_courses',
  'core_course_update_courses',
  'core_course_get_courses_by_field',
  'core_course_get_categories',
  'enrol_manual_enrol_users',
  'enrol_manual_unenrol_users',
  'core_enrol_get_enrolled_users',
  'gradereport_user_get_grade_items',
  'core_grading_get_definitions',
  'core_grading_save_definitions',
]

/** Reads `prefix[0][key]=v` form fields back into a list of records (one level deep plus nested keys). */
export function listParam(
  params: Readonly<Record<string, string>>,
  prefix: string,
): Record<string, string>[] {
  const out: Record<string, string>[] = []
  const re = new RegExp(`^${prefix.replace(/[[\]]/g, '\\$&')}\\[(\\d+)\\]\\[([^\\]]+)\\]$`)
  for (const [k, v] of Object.entries(params)) {
    const m = re.exec(k)
    if (!m) continue
    const i = Number(m[1])
    out[i] ??= {}
    ;(out[i] as Record<string, string>)[m[2] as string] = v
  }
  return out.filter(Boolean)
}

/** Creates a fake site with a fresh state (admin user 2, category 1, site course 1, student role 5). */
export function createFakeMoodle(options: { functions?: readonly string[] } = {}) {
  const calls: RecordedCall[] = []
  const users = new Map<
    number,
    { id: number; username: string; firstname: string; lastname: string; email: string }
  >()
  const courses = new Map<number, Course>()
  const enrolments: { userid: number; courseid: number; roleid: number }[] = []
  const definitions = new Map<number, Record<string, unknown>>()
  let nextUser = 3
  let nextCourse = 2
  const functions = options.functions ?? ALL_FUNCTIONS
  // Set by a test: the next course create commits, then answers only after this many ms (a lost answer).
  const control = { slowNextCreateMs: 0 }

  const handler = http.post(ENDPOINT, async ({ request }) => {
    const contentType = request.headers.get('content-type') ?? ''
    const form = new URLSearchParams(await request.text())
    const params: Record<string, string> = {}
    for (const [k, v] of form) if (k !== 'wstoken') params[k] = v
    const wsfunction = form.get('wsfunction') ?? ''
    calls.push({ wsfunction, params, contentType })
    if (form.get('wstoken') !== TOKEN) {
      return moodleException('invalidtoken', 'Invalid token - token not found')
    }
    if (!functions.includes(wsfunction)) {
      return HttpResponse.json({
        exception: 'webservice_access_exception',
        errorcode: 'accessexception',
        message: 'Access control exception',
      })
    }
    switch (wsfunction) {
      case 'core_webservice_get_site_info':
        return HttpResponse.json({
          sitename: 'Test College',
          username: 'wsuser',
          firstname: 'Web',
          lastname: 'Service',
          fullname: 'Web Service',
          lang: 'en',
          userid: 2,
          siteurl: SITE_URL,
          userpictureurl: `${SITE_URL}/theme/image.php/boost/core/1/u/f1`,
          functions: functions.map((name) => ({ name, version: '2024100700.09' })),
          downloadfiles: 1,
          uploadfiles: 1,
          release: '4.5+ (Build: 20241205)',
          version: '2024100700.09',
          mobilecssurl: '',
          advancedfeatures: [{ name: 'enablecompetencies', value: 1 }],
          usercanmanageownfiles: true,
          userquota: 0,
          usermaxuploadfilesize: -1,
          userhomepage: 1,
          userprivateaccesskey: 'x',
          siteid: 1,
          sitecalendartype: 'gregorian',
          usercalendartype: 'gregorian',
          userissiteadmin: true,
          theme: 'boost',
          limitconcurrentlogins: 0,
          policyagreed: 1,
        })
      case 'core_user_create_users': {
        const list = listParam(params, 'users')
        for (const u of list) {
          if (
            u.username !== u.username?.toLowerCase() ||
            [...users.values()].some(
              (x) => x.username === u.username || x.email.toLowerCase() === u.email?.toLowerCase(),
            )
          ) {
            // One bad user rolls back the whole call; an id is still used up.
            nextUser++
            return moodleException(
              'invalidparameter',
              'Invalid parameter value detected',
              'core\\exception\\invalid_parameter_exception',
            )
          }
        }
        const made = list.map((u) => {
          const user = {
            id: nextUser++,
            username: u.username as string,
            firstname: u.firstname ?? '',
            lastname: u.lastname ?? '',
            email: u.email ?? '',
          }
          users.set(user.id, user)
          return { id: user.id, username: user.username }
        })
        return HttpResponse.json(made)
      }
      case 'core_user_update_users': {
        const warnings = listParam(params, 'users')
          .filter((u) => !users.has(Number(u.id)))
          .map((u) => ({
            item: 'user',
            itemid: Number(u.id),
            warningcode: 'invaliduserid',
            message: 'Invalid user ID',
          }))
        return HttpResponse.json({ warnings })
      }
      case 'core_user_get_users_by_field': {
        const field = params.field
        if (!['id', 'idnumber', 'username', 'email'].includes(field ?? '')) {
          return moodleException(
            'codingerror',
            'Coding error detected, it must be fixed by a programmer: invalid field parameter',
            'core\\exception\\coding_exception',
          )
        }
        const values = Object.entries(params)
          .filter(([k]) => k.startsWith('values['))
          .map(([, v]) => v)
        return HttpResponse.json(
          [...users.values()]
            .filter((u) => values.includes(String(u[field as 'id' | 'username' | 'email'] ?? '')))
            .map((u) => ({
              ...u,
              fullname: `${u.firstname} ${u.lastname}`,
              auth: 'manual',
              suspended: false,
              confirmed: true,
            })),
        )
      }
      case 'core_course_create_courses': {
        const list = listParam(params, 'courses')
        for (const c of list) {
          if ([...courses.values()].some((x) => x.shortname === c.shortname)) {
            return moodleException(
              'shortnametaken',
              `Short name is already used for another course (${c.shortname})`,
            )
          }
          if (c.idnumber && [...courses.values()].some((x) => x.idnumber === c.idnumber)) {
            return moodleException(
              'courseidnumbertaken',
              `ID number is already used for another course (${c.idnumber})`,
            )
          }
        }
        const made = list.map((c) => {
          const course: Course = {
            id: nextCourse++,
            fullname: c.fullname ?? '',
            shortname: c.shortname ?? '',
            categoryid: Number(c.categoryid),
            idnumber: c.idnumber ?? '',
            visible: c.visible === undefined ? 1 : Number(c.visible),
          }
          courses.set(course.id, course)
          return { id: course.id, shortname: course.shortname }
        })
        if (control.slowNextCreateMs > 0) {
          const ms = control.slowNextCreateMs
          control.slowNextCreateMs = 0
          await delay(ms)
        }
        return HttpResponse.json(made)
      }
      case 'core_course_get_courses_by_field': {
        const field = params.field ?? ''
        const value = params.value ?? ''
        const site = {
          id: 1,
          fullname: 'Test College',
          shortname: 'test',
          categoryid: 0,
          idnumber: '',
          format: 'site',
        }
        const all = [site, ...[...courses.values()].map((c) => ({ ...c, format: 'topics' }))]
        const found =
          field === ''
            ? all
            : all.filter((c) =>
                field === 'id'
                  ? String(c.id) === value
                  : field === 'idnumber'
                    ? c.idnumber === value && value !== ''
                    : field === 'shortname'
                      ? c.shortname === value
                      : false,
              )
        return HttpResponse.json({
          courses: found.map((c) => ({
            ...c,
            displayname: c.fullname,
            summary: '',
            summaryformat: 1,
            startdate: 0,
            enddate: 0,
            showactivitydates: false,
          })),
          warnings: [],
        })
      }
      case 'enrol_manual_enrol_users': {
        const list = listParam(params, 'enrolments')
        for (const e of list) {
          if (!courses.has(Number(e.courseid))) {
            return moodleException(
              'invalidparameter',
              'Invalid parameter value detected',
              'core\\exception\\invalid_parameter_exception',
            )
          }
        }
        for (const e of list) {
          const at = enrolments.findIndex(
            (x) => x.userid === Number(e.userid) && x.courseid === Number(e.courseid),
          )
          const row = { userid: Number(e.userid), courseid: Number(e.courseid), roleid: Number(e.roleid) }
          if (at >= 0) enrolments[at] = row
          else enrolments.push(row)
        }
        return HttpResponse.json(null)
      }
      case 'enrol_manual_unenrol_users': {
        for (const e of listParam(params, 'enrolments')) {
          const at = enrolments.findIndex(
            (x) => x.userid === Number(e.userid) && x.courseid === Number(e.courseid),
          )
          if (at >= 0) enrolments.splice(at, 1)
        }
        return HttpResponse.json(null)
      }
      case 'core_grading_get_definitions': {
        const cmids = Object.entries(params)
          .filter(([k]) => k.startsWith('cmids['))
          .map(([, v]) => Number(v))
        return HttpResponse.json({
          areas: cmids.map((cmid) => ({
            cmid,
            contextid: 100 + cmid,
            component: 'mod_assign',
            areaname: params.areaname,
            activemethod: definitions.has(cmid) ? 'guide' : null,
            definitions: definitions.has(cmid) ? [definitions.get(cmid)] : [],
          })),
          warnings: [],
        })
      }
      case 'core_grading_save_definitions': {
        let nextId = 900
        for (let a = 0; params[`areas[${a}][cmid]`] !== undefined; a++) {
          const cmid = Number(params[`areas[${a}][cmid]`])
          const p = `areas[${a}][definitions][0]`
          const criteria = listParam(params, `${p}[guide][guide_criteria]`).map((c) => ({
            id: c.id ? Number(c.id) : nextId++,
            sortorder: Number(c.sortorder),
            shortname: c.shortname,
            description: c.description,
            descriptionformat: 1,
            descriptionmarkers: c.descriptionmarkers ?? '',
            descriptionmarkersformat: 1,
            maxscore: Number(c.maxscore),
          }))
          definitions.set(cmid, {
            id: params[`${p}[id]`] ? Number(params[`${p}[id]`]) : 50 + cmid,
            method: 'guide',
            name: params[`${p}[name]`],
            description: params[`${p}[description]`],
            descriptionformat: 1,
            status: 20,
            guide: { guide_criteria: criteria, guide_comments: [] },
          })
        }
        return HttpResponse.json(null)
      }
      default:
        return HttpResponse.json({
          exception: 'dml_missing_record_exception',
          errorcode: 'invalidrecord',
          message: "Can't find data record in database table external_functions.",
        })
    }
  })

  return { handler, calls, users, courses, enrolments, definitions, control }
}
