import { describe, expect, it } from 'vitest'
import { createFakeMoodle, SITE_URL, TOKEN } from '../__fixtures__/fake-moodle.ts'
import { useMoodleServer } from '../__fixtures__/server.ts'
import { moodleConnectionTester } from './moodle-connection-tester.ts'

const server = useMoodleServer()
const fast = { retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 } }

describe('moodleConnectionTester', () => {
  it('reports the site and user for a working token', async () => {
    const fake = createFakeMoodle()
    server.use(fake.handler)
    const result = await moodleConnectionTester(fast)({
      tenant: 'acme',
      settings: { url: SITE_URL },
      secrets: { token: TOKEN },
    })
    expect(result).toEqual({ ok: true, detail: 'site "Test College" (4.5+ (Build: 20241205)) as wsuser' })
    expect(fake.calls.map((c) => c.wsfunction)).toEqual(['core_webservice_get_site_info'])
  })

  it('reports an invalid token without echoing it, and functions the token may not call', async () => {
    server.use(createFakeMoodle().handler)
    const wrong = 'not-the-token-0000000000000000'
    const refused = await moodleConnectionTester(fast)({
      tenant: 'acme',
      settings: { url: SITE_URL },
      secrets: { token: wrong },
    })
    expect(refused.ok).toBe(false)
    expect(JSON.stringify(refused)).toContain('invalidtoken')
    expect(JSON.stringify(refused)).not.toContain(wrong)
    server.use(createFakeMoodle({ functions: ['core_webservice_get_site_info'] }).handler)
    const limited = await moodleConnectionTester(fast)({
      tenant: 'acme',
      settings: { url: SITE_URL },
      secrets: { token: TOKEN },
    })
    expect(limited.ok).toBe(false)
    expect(JSON.stringify(limited)).toContain('may not call')
  })
})
