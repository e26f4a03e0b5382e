/**
 * The soak's Zoho CRM stand-in on 127.0.0.1: the OAuth token endpoint (whose `api_domain` points back
 * here) and `GET /crm/v8/BTEC_Students?ids=…`, answered from the records the soak's senders currently hold
 * as Zoho's truth, in Zoho v8's shapes (`{"data":[…],"info":{…}}`, 204 when no id is found, 400
 * `INVALID_DATA` naming the id that is not a record id). The host reaches it through the tenant's
 * `zoho.accountsUrl`. Writes (the grade write-back) succeed.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running stand-in. */
export interface SoakZoho {
  readonly url: string
  /** Record fetches answered (each one `ids` call of the host's Zoho client). */
  readonly fetches: () => number
  close(): Promise<void>
}

const ZOHO_ID = /^\d{1,30}$/

/** Starts the stand-in over `truth` (record id -> the record Zoho holds now), read at each request. */
export async function startSoakZoho(truth: ReadonlyMap<string, Record<string, unknown>>): Promise<SoakZoho> {
  let fetches = 0
  let writes = 0
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' })
      res.end(body === undefined ? undefined : JSON.stringify(body))
    }
    if (req.method !== 'GET' && url.pathname.startsWith('/crm/v8/')) {
      // Writes (the host's grade write-back upserts): every record succeeds, as Zoho answers them.
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let data: unknown[] = []
        try {
          data = (JSON.parse(Buffer.concat(chunks).toString()) as { data?: unknown[] }).data ?? []
        } catch {
          return send(400, { code: 'INVALID_DATA', details: {}, message: 'invalid data', status: 'error' })
        }
        send(200, {
          data: data.map((_, i) => ({
            code: 'SUCCESS',
            duplicate_field: null,
            action: 'update',
            details: { id: String(6493490000009000000n + BigInt(writes++ * 1000 + i)) },
            message: 'record updated',
            status: 'success',
          })),
        })
      })
      return
    }
    // The token request's body is not needed; drain it so the socket can be reused.
    req.resume()
    if (req.method === 'POST' && url.pathname === '/oauth/v2/token') {
      const { port } = server.address() as AddressInfo
      return send(200, {
        access_token: '1000.soak.access',
        scope: 'ZohoCRM.modules.ALL',
        api_domain: `http://127.0.0.1:${port}`,
        token_type: 'Bearer',
        expires_in: 3600,
      })
    }
    if (req.method !== 'GET' || url.pathname !== '/crm/v8/BTEC_Students') {
      return send(400, { code: 'INVALID_URL_PATTERN', details: {}, message: 'invalid url', status: 'error' })
    }
    fetches++
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id.length > 0)
    const bad = ids.find((id) => !ZOHO_ID.test(id))
    if (bad !== undefined) {
      return send(400, {
        code: 'INVALID_DATA',
        details: { id: bad },
        message: 'the id given seems to be invalid',
        status: 'error',
      })
    }
    const data = ids.flatMap((id) => {
      const record = truth.get(id)
      return record ? [record] : []
    })
    if (data.length === 0) return send(204)
    return send(200, {
      data,
      info: {
        per_page: 200,
        count: data.length,
        page: 1,
        sort_by: 'id',
        sort_order: 'desc',
        more_records: false,
        next_page_token: null,
        previous_page_token: null,
        page_token_expiry: null,
      },
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
