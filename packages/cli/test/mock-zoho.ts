// A Zoho CRM stand-in on 127.0.0.1 for the CLI's end-to-end tests: the CLI runs as a child process, so msw
// (which patches the test process) cannot reach it; a real HTTP server answering like Zoho v8 can.
// Serves the token endpoint, Products and BTEC_Students listings (page/per_page, `info.more_records`),
// and 204 (Zoho's empty answer) for every other module.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { programRecord, studentRecord } from '../../zoho/src/__fixtures__/records.ts'

export interface MockZoho {
  readonly url: string
  /** Requests received, as `METHOD path?query`. */
  readonly requests: string[]
  /** Answer Products with 401 INVALID_TOKEN while true. */
  failPrograms: boolean
  /** Milliseconds to wait before each BTEC_Students page. */
  pageDelayMs: number
  close(): Promise<void>
}

/**
 * The environment of a CLI run that pulls from `zoho`: tenant `acme-academy`, a client id and secrets of
 * the stand-in, and USD for money without a currency.
 */
export function zohoEnv(zoho: Pick<MockZoho, 'url'>): Record<string, string> {
  return {
    EDUSYNC_TENANT: 'acme-academy',
    ZOHO_CLIENT_ID: '1000.CLIENT',
    ZOHO_CLIENT_SECRET: 'client-secret-value-123',
    ZOHO_REFRESH_TOKEN: '1000.refresh-token-value-456',
    ZOHO_ACCOUNTS_URL: zoho.url,
    ZOHO_DEFAULT_CURRENCY: 'USD',
  }
}

export async function startMockZoho(students: number): Promise<MockZoho> {
  const state = { failPrograms: false, pageDelayMs: 0 }
  const requests: string[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push(`${req.method} ${url.pathname}${url.search}`)
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' })
      res.end(body === undefined ? undefined : JSON.stringify(body))
    }
    if (req.method === 'POST' && url.pathname === '/oauth/v2/token') {
      const { port } = server.address() as AddressInfo
      return send(200, {
        access_token: '1000.mock.access',
        scope: 'ZohoCRM.modules.ALL',
        api_domain: `http://127.0.0.1:${port}`,
        token_type: 'Bearer',
        expires_in: 3600,
      })
    }
    const module = url.pathname.replace('/crm/v8/', '')
    const page = Number(url.searchParams.get('page') ?? 1)
    const perPage = Number(url.searchParams.get('per_page') ?? 200)
    const info = (count: number, more: boolean) => ({
      per_page: perPage,
      count,
      page,
      sort_by: 'id',
      sort_order: 'desc',
      more_records: more,
      next_page_token: null,
      previous_page_token: null,
      page_token_expiry: null,
    })
    if (module === 'Products') {
      if (state.failPrograms)
        return send(401, {
          code: 'INVALID_TOKEN',
          details: {},
          message: 'invalid oauth token',
          status: 'error',
        })
      return send(200, { data: [programRecord], info: info(1, false) })
    }
    if (module === 'BTEC_Students') {
      const start = (page - 1) * perPage
      const end = Math.min(students, start + perPage)
      const data = Array.from({ length: Math.max(0, end - start) }, (_, i) => ({
        ...studentRecord,
        id: String(6493490000001000000n + BigInt(start + i)),
        Program: { name: 'Level 5 HND in Business', id: String(programRecord.id) },
      }))
      const answer = () => send(200, { data, info: info(data.length, end < students) })
      if (state.pageDelayMs > 0) setTimeout(answer, state.pageDelayMs)
      else answer()
      return
    }
    return send(204)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const mock: MockZoho = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get failPrograms() {
      return state.failPrograms
    },
    set failPrograms(value) {
      state.failPrograms = value
    },
    get pageDelayMs() {
      return state.pageDelayMs
    },
    set pageDelayMs(value) {
      state.pageDelayMs = value
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return mock
}
