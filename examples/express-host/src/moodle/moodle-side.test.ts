import { createMemoryStore, createSyncEngine } from '@edusync/core'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createFakeMoodle,
  SITE_URL,
  TOKEN,
} from '../../../../packages/moodle/src/__fixtures__/fake-moodle.ts'
import { switchableStore } from '../../test/failing-store.ts'
import { loadConfig } from '../config.ts'
import { createLogger } from '../logging.ts'
import { createMoodleSide } from './moodle-side.ts'

const userEvent = (id: string, userid: number) => ({
  source: 'moodle',
  eventId: id,
  type: 'user_created',
  payload: {
    event_id: id,
    event_type: 'user_created',
    event_data: {
      userid,
      username: `u${userid}`,
      email: `u${userid}@college.edu`,
      firstname: 'A',
      lastname: 'B',
      role: 'student',
    },
    moodle_event_id: null,
    timestamp: 1768469400,
  },
})

describe('createMoodleSide drain', () => {
  it('shares a running drain between concurrent triggers and runs once more for events that arrived meanwhile', async () => {
    const store = createMemoryStore()
    const config = loadConfig({ NODE_ENV: 'test' })
    const side = createMoodleSide({
      config,
      store,
      engine: createSyncEngine({ store }),
      logger: createLogger('silent'),
    })
    await store.appendEvents('demo', [userEvent('a', 3)])
    const first = side.drain('demo')
    await store.appendEvents('demo', [userEvent('b', 4)])
    const triggers = [side.drain('demo'), side.drain('demo'), side.drain('demo')]
    // Every trigger while the drain runs joins it (the same promise) instead of starting its own.
    for (const t of triggers) expect(t).toBe(first)
    await Promise.all([first, ...triggers])
    const runs = (await store.listRuns('demo', { step: 'moodle:inbox' }))._unsafeUnwrap()
    expect(runs.length).toBeLessThanOrEqual(2)
    expect((await store.listEvents('demo', { handled: false }))._unsafeUnwrap()).toEqual([])
    expect((await store.countRecords('demo', 'student'))._unsafeUnwrap()).toBe(2)
  })

  it('logs a failed drain and leaves the events pending (never rejects)', async () => {
    const store = createMemoryStore()
    const lines: string[] = []
    const side = createMoodleSide({
      config: loadConfig({ NODE_ENV: 'test' }),
      store,
      engine: createSyncEngine({ store }),
      logger: createLogger('debug', (l) => lines.push(l)),
    })
    await store.appendEvents('demo', [userEvent('a', 3)])
    await store.close()
    await expect(side.drain('demo')).resolves.toBeUndefined()
    expect(lines.some((l) => l.includes('moodle inbox drain failed'))).toBe(true)
  })

  // Regression (the soak's log showed drains failing during its database faults): a failed drain left
  // the events it was started for pending until the next plugin event arrived, or forever if none did.
  it('retries a failed drain by itself until the pending events are handled', async () => {
    const memory = createMemoryStore()
    const { store, state } = switchableStore(memory)
    const lines: string[] = []
    const side = createMoodleSide({
      config: loadConfig({ NODE_ENV: 'test' }),
      store,
      engine: createSyncEngine({ store }),
      logger: createLogger('debug', (l) => lines.push(l)),
      retryDelayMs: { min: 20, max: 40 },
    })
    await memory.appendEvents('demo', [userEvent('a', 3)])
    state.down = true
    await expect(side.drain('demo')).resolves.toBeUndefined()
    // Still down: the retries fail too, and back off.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(lines.filter((l) => l.includes('moodle inbox drain failed')).length).toBeGreaterThan(1)
    state.down = false
    await vi.waitFor(
      async () => expect((await memory.listEvents('demo', { handled: false }))._unsafeUnwrap()).toEqual([]),
      { timeout: 2_000, interval: 20 },
    )
    expect((await memory.countRecords('demo', 'student'))._unsafeUnwrap()).toBe(1)
  })
})

describe('createMoodleSide preflight', () => {
  const server = setupServer(
    createFakeMoodle({ functions: ['core_webservice_get_site_info', 'core_user_get_users_by_field'] })
      .handler,
  )
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => server.close())

  it("logs the functions the tenant's token may not call", async () => {
    const lines: string[] = []
    const config = loadConfig({
      NODE_ENV: 'test',
      EDUSYNC_TENANTS: JSON.stringify({ acme: { moodle: { url: SITE_URL, token: TOKEN } } }),
    })
    const store = createMemoryStore()
    const side = createMoodleSide({
      config,
      store,
      engine: createSyncEngine({ store }),
      logger: createLogger('debug', (l) => lines.push(l)),
    })
    expect(await side.preflight('acme')).toBe(false)
    const line = lines.find((l) => l.includes('moodle preflight failed')) ?? ''
    expect(line).toContain('core_course_create_courses')
    expect(line).not.toContain(TOKEN)
    expect(await side.preflight('other')).toBe(true)
  })
})
