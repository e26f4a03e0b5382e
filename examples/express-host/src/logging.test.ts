import { describe, expect, it } from 'vitest'
import { createLogger, requestScope } from './logging.ts'

describe('createLogger', () => {
  it('writes one JSON line per call, msg first, at or above its level, with bound fields', () => {
    const lines: string[] = []
    const log = createLogger('info', (l) => lines.push(l)).child({ requestIds: ['r-1', 'r-2'] })
    log.debug('hidden')
    log.info('request', { status: 200 })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('"msg":"request","status":200')
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'info',
      msg: 'request',
      requestIds: ['r-1', 'r-2'],
      status: 200,
    })
  })

  it('carries the request id of the current request scope into every line, across awaits', async () => {
    const lines: string[] = []
    const log = createLogger('debug', (l) => lines.push(l))
    await requestScope.run({ requestId: 'req-42' }, async () => {
      await new Promise((r) => setTimeout(r, 1))
      log.debug('deep in the engine')
    })
    log.info('outside')
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual(['req-42', undefined])
  })

  it('redacts fields named like credentials and reduces errors to name and message', () => {
    const lines: string[] = []
    createLogger('debug', (l) => lines.push(l)).warn('x', {
      authorization: 'Bearer abc',
      zohoSecret: 'shh',
      tenantConfig: { apiToken: 'tok', zoho: { clientSecret: 'cs' } },
      error: new Error('boom'),
    })
    const line = JSON.parse(lines[0] as string)
    expect(line).toMatchObject({
      authorization: '[REDACTED]',
      zohoSecret: '[REDACTED]',
      tenantConfig: { apiToken: '[REDACTED]', zoho: { clientSecret: '[REDACTED]' } },
      error: { name: 'Error', message: 'boom' },
    })
    expect(lines[0]).not.toMatch(/abc|shh|"tok"|"cs"/)
  })
})
