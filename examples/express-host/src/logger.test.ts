import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.ts'

describe('createLogger', () => {
  it('writes one JSON line per call with the bound fields, at or above its level', () => {
    const lines: string[] = []
    const log = createLogger('info', (l) => lines.push(l)).child({ requestId: 'r-1' })
    log.debug('hidden')
    log.info('request', { status: 200 })
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'info',
      msg: 'request',
      requestId: 'r-1',
      status: 200,
    })
  })

  it('redacts fields named like credentials and reduces errors to name and message', () => {
    const lines: string[] = []
    createLogger('debug', (l) => lines.push(l)).warn('x', {
      authorization: 'Bearer abc',
      zohoSecret: 'shh',
      error: new Error('boom'),
    })
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      authorization: '[REDACTED]',
      zohoSecret: '[REDACTED]',
      error: { name: 'Error', message: 'boom' },
    })
  })
})
