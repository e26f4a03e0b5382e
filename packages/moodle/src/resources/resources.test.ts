import type { JsonBodyType } from 'msw'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { createFakeMoodle, ENDPOINT } from '../__fixtures__/fake-moodle.ts'
import { testConfig, useMoodleServer } from '../__fixtures__/server.ts'
import { createMoodleClient } from '../client.ts'

const server = useMoodleServer()
const client = () => createMoodleClient(testConfig)

/** Answers one function with `body` (HTTP 200, JSON) and records its form fields. */
function answer(wsfunction: string, body: JsonBodyType) {
  const sent: Record<string, string>[] = []
  server.use(
    http.post(ENDPOINT, async ({ request }) => {
      const form = new URLSearchParams(await request.text())
      if (form.get('wsfunction') !== wsfunction) return undefined
      sent.push(Object.fromEntries([...form].filter(([k]) => k !== 'wstoken')))
      return HttpResponse.json(body)
    }),
  )
  return sent
}

describe('grades.items', () => {
  it('reads a 4.5 grade report: integers for whole floats, the course total with null idnumber', async () => {
    const sent = answer('gradereport_user_get_grade_items', {
      usergrades: [
        {
          courseid: 2,
          courseidnumber: 'cls-1',
          userid: 3,
          userfullname: 'Lina Haddad',
          useridnumber: '',
          maxdepth: 2,
          gradeitems: [
            {
              id: 77,
              itemname: 'Assignment 1',
              itemtype: 'mod',
              itemmodule: 'assign',
              iteminstance: 1,
              itemnumber: 0,
              idnumber: '',
              categoryid: 1,
              outcomeid: null,
              scaleid: null,
              locked: false,
              cmid: 31,
              graderaw: 3,
              gradedatesubmitted: null,
              gradedategraded: 1768469400,
              gradehiddenbydate: false,
              gradeneedsupdate: false,
              gradeishidden: false,
              gradeislocked: false,
              gradeisoverridden: false,
              gradeformatted: '3.00',
              grademin: 0,
              grademax: 4,
              rangeformatted: '0&ndash;4',
              feedback: '',
              feedbackformat: 0,
            },
            {
              id: 1,
              itemname: null,
              itemtype: 'course',
              itemmodule: null,
              iteminstance: 1,
              itemnumber: 0,
              idnumber: null,
              categoryid: null,
              outcomeid: null,
              scaleid: null,
              locked: false,
              graderaw: 3,
              grademin: 0,
              grademax: 4,
              feedback: '',
              feedbackformat: 2,
            },
          ],
        },
      ],
      warnings: [],
    })
    const grades = (await client().grades.items(2, { userid: 3 }))._unsafeUnwrap()
    expect(sent[0]).toMatchObject({ courseid: '2', userid: '3' })
    expect(sent[0]?.groupid).toBeUndefined()
    const items = grades[0]?.gradeitems ?? []
    expect(items.map((i) => [i.itemtype, i.graderaw, i.grademax])).toEqual([
      ['mod', 3, 4],
      ['course', 3, 4],
    ])
  })

  it('maps a missing user to NotFound', async () => {
    server.use(
      http.post(ENDPOINT, () =>
        HttpResponse.json({
          exception: 'dml_missing_record_exception',
          errorcode: 'invaliduser',
          message: 'Invalid user',
        }),
      ),
    )
    expect((await client().grades.items(2, { userid: 999 }))._unsafeUnwrapErr().reason).toBe('NotFound')
  })
})

describe('enrol', () => {
  it('lists enrolled users with roles, sending options as name/value pairs', async () => {
    const sent = answer('core_enrol_get_enrolled_users', [
      {
        id: 3,
        username: 'jdoe1',
        fullname: 'John Doe',
        email: 'jdoe1@college.edu',
        roles: [{ roleid: 5, name: '', shortname: 'student', sortorder: 0 }],
        enrolledcourses: [{ id: 2, fullname: 'Networking', shortname: 'NET1' }],
      },
    ])
    const users = (
      await client().enrol.enrolledUsers(2, { onlyActive: true, userFields: ['id', 'email'] })
    )._unsafeUnwrap()
    expect(users[0]?.roles?.[0]?.shortname).toBe('student')
    expect(sent[0]).toMatchObject({
      courseid: '2',
      'options[0][name]': 'onlyactive',
      'options[0][value]': '1',
      'options[1][name]': 'userfields',
      'options[1][value]': 'id,email',
    })
  })

  it('unenrols through the manual instance (the literal null) and reports a wsnoinstance as NotFound', async () => {
    const fake = createFakeMoodle()
    server.use(fake.handler)
    const moodle = client()
    await moodle.courses.create([{ fullname: 'Networking', shortname: 'NET1', categoryid: 1 }])
    await moodle.enrol.enrol([{ userid: 3, courseid: 2, roleid: 5 }])
    expect((await moodle.enrol.unenrol([{ userid: 3, courseid: 2 }]))._unsafeUnwrap()).toEqual({ calls: 1 })
    expect(fake.enrolments).toEqual([])
    server.use(
      http.post(ENDPOINT, () =>
        HttpResponse.json({
          exception: 'moodle_exception',
          errorcode: 'wsnoinstance',
          message: "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = 2)",
        }),
      ),
    )
    const error = (await moodle.enrol.enrol([{ userid: 3, courseid: 2, roleid: 5 }]))._unsafeUnwrapErr()
    expect(error.reason).toBe('NotFound')
    expect(error.message).toContain('id = 2')
  })

  it('maps the 4.5 TypeError for a user id that does not exist to Failed, naming the function', async () => {
    answer('enrol_manual_enrol_users', {
      exception: 'TypeError',
      message:
        'core\\user::get_name_placeholders(): Argument #1 ($user) must be of type stdClass, bool given, called in /var/www/moodle/lib/enrollib.php on line 3677',
    })
    const error = (await client().enrol.enrol([{ userid: 999, courseid: 2, roleid: 5 }]))._unsafeUnwrapErr()
    expect([error.reason, error.exception, error.wsfunction]).toEqual([
      'Failed',
      'TypeError',
      'enrol_manual_enrol_users',
    ])
  })
})

describe('courses', () => {
  it('reads categories (idnumber null on category 1) with criteria as key/value pairs', async () => {
    const sent = answer('core_course_get_categories', [
      {
        id: 1,
        name: 'Category 1',
        idnumber: null,
        description: '',
        parent: 0,
        sortorder: 10000,
        coursecount: 1,
        visible: 1,
        path: '/1',
      },
    ])
    const categories = (await client().courses.categories({ parent: 0 }))._unsafeUnwrap()
    expect(categories).toEqual([expect.objectContaining({ id: 1, idnumber: null, parent: 0 })])
    expect(sent[0]).toMatchObject({
      'criteria[0][key]': 'parent',
      'criteria[0][value]': '0',
      addsubcategories: '0',
    })
  })

  it('returns update warnings', async () => {
    answer('core_course_update_courses', {
      warnings: [{ item: 'course', itemid: 9, warningcode: '1', message: 'Invalid course id' }],
    })
    const warnings = (
      await client().courses.update([{ id: 9, fullname: 'X', visible: false }])
    )._unsafeUnwrap()
    expect(warnings).toEqual([{ item: 'course', itemid: 9, warningcode: '1', message: 'Invalid course id' }])
  })

  it('reports an invalid lookup field as InvalidParameter (codingerror)', async () => {
    server.use(createFakeMoodle().handler)
    const error = (await client().users.getByField('nickname' as 'id', ['x']))._unsafeUnwrapErr()
    expect([error.reason, error.errorCode]).toEqual(['InvalidParameter', 'codingerror'])
  })
})
