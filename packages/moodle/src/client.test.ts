import { delay, HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { createFakeMoodle, ENDPOINT, moodleException, TOKEN } from './__fixtures__/fake-moodle.ts'
import { testConfig, useMoodleServer } from './__fixtures__/server.ts'
import { createMoodleClient } from './client.ts'
import type { MoodleErrorReason } from './errors.ts'

const server = useMoodleServer()
const client = () => createMoodleClient(testConfig)

/** Answers every call with `response` and counts the calls. */
function answer(response: () => Response | Promise<Response>) {
  const seen = { count: 0, bodies: [] as string[], urls: [] as string[] }
  server.use(
    http.post(ENDPOINT, async ({ request }) => {
      seen.count++
      seen.urls.push(request.url)
      seen.bodies.push(await request.text())
      return response()
    }),
  )
  return seen
}

describe('createMoodleClient errors', () => {
  const cases: [string, () => Response, MoodleErrorReason, string | undefined][] = [
    [
      'invalid token (HTTP 200)',
      () => moodleException('invalidtoken', 'Invalid token - token not found'),
      'InvalidToken',
      'invalidtoken',
    ],
    [
      'function not in the service',
      () =>
        HttpResponse.json({
          exception: 'webservice_access_exception',
          errorcode: 'accessexception',
          message: 'Access control exception',
        }),
      'AccessDenied',
      'accessexception',
    ],
    [
      'invalid parameter without debuginfo',
      () =>
        HttpResponse.json({
          exception: 'core\\exception\\invalid_parameter_exception',
          errorcode: 'invalidparameter',
          message: 'Invalid parameter value detected',
        }),
      'InvalidParameter',
      'invalidparameter',
    ],
    [
      'unknown wsfunction',
      () =>
        HttpResponse.json({
          exception: 'dml_missing_record_exception',
          errorcode: 'invalidrecord',
          message: "Can't find data record in database table external_functions.",
        }),
      'NotFound',
      'invalidrecord',
    ],
    [
      'duplicate shortname',
      () => moodleException('shortnametaken', 'Short name is already used for another course (TC101)'),
      'Conflict',
      'shortnametaken',
    ],
    [
      'duplicate idnumber',
      () => moodleException('courseidnumbertaken', 'ID number is already used'),
      'Conflict',
      'courseidnumbertaken',
    ],
    [
      'PHP engine error without errorcode',
      () =>
        HttpResponse.json({
          exception: 'TypeError',
          message:
            'core\\user::get_name_placeholders(): Argument #1 ($user) must be of type stdClass, bool given',
        }),
      'Failed',
      undefined,
    ],
    [
      'weak password: the policy HTML is the errorcode',
      () =>
        HttpResponse.json({
          exception: 'moodle_exception',
          errorcode: '<div>Passwords must be at least 8 characters long.</div>',
          message: 'error/<div>Passwords must be at least 8 characters long.</div>',
        }),
      'InvalidParameter',
      '<div>Passwords must be at least 8 characters long.</div>',
    ],
    [
      'site maintenance',
      () => moodleException('sitemaintenance', 'Site is undergoing maintenance'),
      'Unavailable',
      'sitemaintenance',
    ],
    [
      'XML exception',
      () =>
        new HttpResponse(
          '<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="core\\exception\\moodle_exception">\n<ERRORCODE>invalidtoken</ERRORCODE>\n<MESSAGE>Invalid token - token not found</MESSAGE>\n</EXCEPTION>\n',
          { status: 200, headers: { 'content-type': 'application/xml' } },
        ),
      'InvalidToken',
      'invalidtoken',
    ],
    [
      'HTML login page',
      () =>
        new HttpResponse(
          '<!DOCTYPE html><html><body><form action="https://lms.test.edu/login/index.php" method="post" id="login"></form></body></html>',
          { status: 200, headers: { 'content-type': 'text/html' } },
        ),
      'AccessDenied',
      undefined,
    ],
    [
      'HTTP 403 without body (web services off)',
      () => new HttpResponse(null, { status: 403 }),
      'AccessDenied',
      undefined,
    ],
    [
      'a body that is not JSON',
      () => new HttpResponse('Warning: something', { status: 200 }),
      'Decode',
      undefined,
    ],
    ['JSON of the wrong shape', () => HttpResponse.json({ unexpected: true }), 'Decode', undefined],
  ]

  it.each(cases)('maps %s to its reason', async (_name, response, reason, code) => {
    answer(response)
    const result = await client().siteInfo()
    const error = result._unsafeUnwrapErr()
    expect(error.reason).toBe(reason)
    expect(error.errorCode).toBe(code)
    expect(error.wsfunction).toBe('core_webservice_get_site_info')
  })

  it('keeps debuginfo when the site has debugging on', async () => {
    answer(() =>
      HttpResponse.json({
        exception: 'invalid_parameter_exception',
        errorcode: 'invalidparameter',
        message: 'Invalid parameter value detected',
        debuginfo: 'Username already exists: jdoe1',
      }),
    )
    const error = (
      await client().users.create([{ username: 'jdoe1', firstname: 'J', lastname: 'D', email: 'j@x.edu' }])
    )._unsafeUnwrapErr()
    expect(error.reason).toBe('InvalidParameter')
    expect(error.debugInfo).toBe('Username already exists: jdoe1')
    expect(error.message).toContain('Username already exists: jdoe1')
  })

  it('maps HTTP 429 after retries to RateLimited', async () => {
    const seen = answer(() => new HttpResponse('slow down', { status: 429 }))
    const error = (await client().siteInfo())._unsafeUnwrapErr()
    expect(error.reason).toBe('RateLimited')
    expect(seen.count).toBe(3)
  })

  it('maps a network failure to Transport and a slow answer to Timeout', async () => {
    answer(() => HttpResponse.error())
    expect((await client().siteInfo())._unsafeUnwrapErr().reason).toBe('Transport')
    server.use(
      http.post(ENDPOINT, async () => {
        await delay(200)
        return HttpResponse.json(null)
      }),
    )
    const slow = createMoodleClient({ ...testConfig, timeoutMs: 20, retry: { limit: 0 } })
    const timeout = (await slow.siteInfo())._unsafeUnwrapErr()
    expect(timeout.reason).toBe('Timeout')
    // The cause keeps no Request (its body holds the token).
    expect(timeout.cause).toBeInstanceOf(Error)
    expect((timeout.cause as { request?: unknown }).request).toBeUndefined()
  })
})

describe('createMoodleClient retries', () => {
  it('retries a read after 5xx and succeeds', async () => {
    const fake = createFakeMoodle()
    let failures = 2
    server.use(
      http.post(ENDPOINT, () =>
        failures-- > 0 ? new HttpResponse('Bad gateway', { status: 502 }) : undefined,
      ),
      fake.handler,
    )
    const result = await client().users.getByField('username', ['nobody'])
    expect(result._unsafeUnwrap()).toEqual([])
  })

  it('never retries a create after 5xx (it may have committed)', async () => {
    const seen = answer(() => new HttpResponse('Bad gateway', { status: 502 }))
    const error = (
      await client().courses.create([{ fullname: 'A', shortname: 'A', categoryid: 1 }])
    )._unsafeUnwrapErr()
    expect(error.reason).toBe('Unavailable')
    expect(seen.count).toBe(1)
  })

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0
    let peak = 0
    server.use(
      http.post(ENDPOINT, async () => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await delay(10)
        inFlight--
        return HttpResponse.json([])
      }),
    )
    const moodle = createMoodleClient({ ...testConfig, concurrency: 2 })
    await Promise.all(Array.from({ length: 6 }, () => moodle.users.getByField('id', [1])))
    expect(peak).toBe(2)
  })
})

describe('createMoodleClient requests', () => {
  it('posts form-encoded arguments with the token in the body, never in the URL', async () => {
    const fake = createFakeMoodle()
    server.use(fake.handler)
    await client().siteInfo()
    expect(fake.calls[0]?.contentType).toContain('application/x-www-form-urlencoded')
    expect(fake.calls[0]?.params.moodlewsrestformat).toBe('json')
    const seen = answer(() => moodleException('invalidtoken', 'Invalid token - token not found'))
    const error = (await client().siteInfo())._unsafeUnwrapErr()
    expect(seen.urls[0]).toBe(ENDPOINT)
    expect(seen.bodies[0]).toContain(`wstoken=${TOKEN}`)
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(TOKEN)
  })

  it('never puts the token into an error, even when Moodle echoes it', async () => {
    answer(() =>
      HttpResponse.json({
        exception: 'moodle_exception',
        errorcode: 'invalidparameter',
        message: 'bad',
        debuginfo: `request wstoken=${TOKEN}&wsfunction=x`,
      }),
    )
    const error = (await client().siteInfo())._unsafeUnwrapErr()
    expect(error.message).not.toContain(TOKEN)
    expect(error.debugInfo).not.toContain(TOKEN)
    expect(error.debugInfo).toContain('wstoken=[REDACTED]')
  })

  it('flattens nested arrays PHP-style and lower-cases usernames', async () => {
    const fake = createFakeMoodle()
    server.use(fake.handler)
    const result = await client().users.create([
      {
        username: 'John.Doe',
        firstname: 'John',
        lastname: 'Doe',
        email: 'john.doe@college.edu',
        createpassword: true,
        customfields: [
          { type: 'zohoid', value: '5843000000123' },
          { type: 'program', value: 'BTEC L5' },
        ],
      },
    ])
    expect(result._unsafeUnwrap()).toEqual([{ id: 3, username: 'john.doe' }])
    const params = fake.calls[0]?.params ?? {}
    expect(params['users[0][username]']).toBe('john.doe')
    expect(params['users[0][createpassword]']).toBe('1')
    expect(params['users[0][customfields][1][type]']).toBe('program')
    expect(params['users[0][customfields][1][value]']).toBe('BTEC L5')
  })

  it('surfaces update warnings instead of swallowing them', async () => {
    const fake = createFakeMoodle()
    server.use(fake.handler)
    const warnings = await client().users.update([{ id: 99, suspended: false }])
    expect(warnings._unsafeUnwrap()).toEqual([
      { item: 'user', itemid: 99, warningcode: 'invaliduserid', message: 'Invalid user ID' },
    ])
    expect(fake.calls[0]?.params['users[0][suspended]']).toBe('0')
  })

  it('leaves the site course out of course lookups', async () => {
    const fake = createFakeMoodle()
    server.use(fake.handler)
    const moodle = client()
    await moodle.courses.create([
      { fullname: 'Networking', shortname: 'NET1', categoryid: 1, idnumber: 'cls-1' },
    ])
    const found = await moodle.courses.getByField('idnumber', 'cls-1')
    expect(found._unsafeUnwrap().map((c) => c.id)).toEqual([2])
  })
})

describe('preflight', () => {
  it('passes when the token may call every function', async () => {
    server.use(createFakeMoodle().handler)
    const info = (await client().preflight())._unsafeUnwrap()
    expect(info.release).toBe('4.5+ (Build: 20241205)')
  })

  it('names the functions the token may not call', async () => {
    server.use(
      createFakeMoodle({ functions: ['core_webservice_get_site_info', 'core_user_get_users_by_field'] })
        .handler,
    )
    const error = (await client().preflight())._unsafeUnwrapErr()
    expect(error.reason).toBe('AccessDenied')
    expect(error.missingFunctions).toContain('core_course_create_courses')
    expect(error.missingFunctions).toContain('enrol_manual_enrol_users')
    expect(error.message).toContain('core_course_create_courses')
  })
})
