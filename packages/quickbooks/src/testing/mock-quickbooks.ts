// A stateful stand-in for QuickBooks Online at the HTTP boundary, answering with the documented shapes
// (api-facts.md §3), faults included: XML 401s, lower-case faults, 6240, 5010, 429, requestid replay.
// Pure request -> response, so msw (tests) and node:http (the benchmark) serve the same behaviour.

/** One HTTP request as the mock sees it. */
export interface MockRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  readonly body: string
}

/** The mock's answer. */
export interface MockResponse {
  /** Delay before the answer is sent (the request is processed at once: a lost answer). */
  readonly delayMs?: number
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body: string
}

type Row = Record<string, unknown> & { Id: string; SyncToken: string }

/** Overrides a test may install: return a response to short-circuit, or undefined to fall through. */
export type MockHook = (request: MockRequest, mock: MockQuickBooks) => MockResponse | undefined

/** Intuit's token endpoint, as the mock answers it. */
export const MOCK_TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'
/** The production API host, as the mock answers it. */
export const MOCK_API = 'https://quickbooks.api.intuit.com'
/** The mock company's realm id. */
export const REALM = '9341453050981506'

const json = (status: number, value: unknown, tid = 'mock-tid'): MockResponse => ({
  status,
  headers: { 'content-type': 'application/json', intuit_tid: tid },
  body: JSON.stringify(value),
})

/** A data-service fault body (`Fault`/`Error`, lower-case `code`). */
export const fault = (
  code: string,
  message: string,
  detail: string,
  type = 'ValidationFault',
  element?: string,
) => ({
  Fault: {
    Error: [{ Message: message, Detail: detail, code, ...(element !== undefined ? { element } : {}) }],
    type,
  },
  time: '2026-11-30T10:00:00.000-08:00',
})

/** The XML 401 QuickBooks sends for a bad or expired token (as captured in public issue reports). */
export const xmlAuthFault = (code = '3200') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-30T02:01:11.228-08:00"><Fault type="AUTHENTICATION"><Error code="${code}"><Message>message=AuthenticationFailed; errorCode=00${code}; statusCode=401</Message><Detail>Token expired: eyJ... &amp; more</Detail></Error></Fault></IntuitResponse>`

/** Creates a mock company with its token endpoint. */
export function createMockQuickBooks(
  options: { realmId?: string; refreshToken?: string; accessToken?: string } = {},
) {
  const realmId = options.realmId ?? REALM
  let tokenSeq = 0
  const state = {
    realmId,
    /** Refresh tokens the mock accepts. Rotation invalidates the one used (strict, like after the grace day). */
    refreshTokens: new Set<string>([options.refreshToken ?? 'rt-0']),
    accessTokens: new Set<string>([options.accessToken ?? 'at-0']),
    codes: new Map<string, boolean>(),
    customers: new Map<string, Row>(),
    items: new Map<string, Row>(),
    invoices: new Map<string, Row>(),
    payments: new Map<string, Row>(),
    /** Names taken by vendors and employees (DisplayName is unique across all three). */
    otherNames: new Set<string>(),
    replays: new Map<string, MockResponse>(),
    nextId: 100,
    /** Requests by kind: token, query, batch, create, update, read, cdc. */
    counts: { token: 0, query: 0, batch: 0, write: 0, read: 0, cdc: 0 },
    requests: [] as MockRequest[],
    hooks: [] as MockHook[],
    /** Rotate the refresh token on every refresh (otherwise it is returned unchanged). */
    rotate: true,
  }

  const newId = () => String(state.nextId++)
  // DisplayName -> Id, so a create checks uniqueness in O(1) even with 10,000s of customers. A hit is
  // verified against the customers map (a renamed customer frees its old name); add customers with
  // `seedCustomer`, not by editing `state.customers`, so they are indexed.
  const names = new Map<string, string>()
  const indexName = (row: Row) => names.set(String(row.DisplayName).toLowerCase(), row.Id)
  const nameTaken = (name: string, exceptId?: string) => {
    const lower = name.toLowerCase()
    if (state.otherNames.has(lower)) return true
    const id = names.get(lower)
    const row = id === undefined ? undefined : state.customers.get(id)
    return row !== undefined && String(row.DisplayName).toLowerCase() === lower && row.Id !== exceptId
  }

  function table(entity: string): Map<string, Row> | undefined {
    switch (entity.toLowerCase()) {
      case 'customer':
        return state.customers
      case 'item':
        return state.items
      case 'invoice':
        return state.invoices
      case 'payment':
        return state.payments
      default:
        return undefined
    }
  }

  function writeOne(
    entity: string,
    operation: 'create' | 'update',
    body: Record<string, unknown>,
  ): { ok: true; row: Row } | { ok: false; status: number; fault: unknown } {
    const rows = table(entity)
    if (!rows) return { ok: false, status: 400, fault: fault('500', 'Unsupported Operation', `no ${entity}`) }
    const name = entity[0]?.toUpperCase() + entity.slice(1).toLowerCase()
    if (name === 'Customer') {
      const display = (body.DisplayName ??
        `${body.GivenName ?? ''} ${body.FamilyName ?? ''}`.trim()) as string
      if (typeof display === 'string' && /[:\t\n]/.test(display)) {
        return {
          ok: false,
          status: 400,
          fault: fault(
            '2050',
            'Invalid String',
            'name contains : or tab or newline',
            'ValidationFault',
            'DisplayName',
          ),
        }
      }
      if (typeof body.Notes === 'string' && body.Notes.length > 2000) {
        return {
          ok: false,
          status: 400,
          fault: fault(
            '2050',
            'String length is either shorter or longer than supported by specification',
            'Notes',
            'ValidationFault',
            'Notes',
          ),
        }
      }
    }
    if (operation === 'create') {
      if (name === 'Customer') {
        const display = String(body.DisplayName ?? `${body.GivenName ?? ''} ${body.FamilyName ?? ''}`.trim())
        if (nameTaken(display)) {
          return {
            ok: false,
            status: 400,
            fault: fault('6240', 'Duplicate Name Exists Error', 'The name supplied already exists. : null'),
          }
        }
        body.DisplayName = display
      }
      if (name === 'Item' && [...state.items.values()].some((i) => i.Name === body.Name)) {
        return {
          ok: false,
          status: 400,
          fault: fault(
            '6240',
            'Duplicate Name Exists Error',
            `The name supplied already exists. : Id=${[...state.items.values()].find((i) => i.Name === body.Name)?.Id}`,
          ),
        }
      }
      if (name === 'Invoice' || name === 'Payment') {
        const ref = (body.CustomerRef as { value?: string } | undefined)?.value
        if (!ref || !state.customers.has(ref)) {
          return {
            ok: false,
            status: 400,
            fault: fault(
              '610',
              'Object Not Found',
              `Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`,
              'ValidationFault',
              'CustomerRef',
            ),
          }
        }
      }
      const row: Row = {
        ...body,
        Id: newId(),
        SyncToken: '0',
        domain: 'QBO',
        sparse: false,
        Active: true,
        MetaData: { CreateTime: '2026-11-30T10:00:00-08:00', LastUpdatedTime: '2026-11-30T10:00:00-08:00' },
      }
      if (name === 'Customer') {
        row.FullyQualifiedName = row.DisplayName
        indexName(row)
      }
      if (name === 'Invoice') {
        const total = ((body.Line as { Amount: number }[]) ?? []).reduce((s, l) => s + Number(l.Amount), 0)
        row.TotalAmt = total
        row.Balance = total
      }
      rows.set(row.Id, row)
      return { ok: true, row }
    }
    const id = String(body.Id)
    const existing = rows.get(id)
    if (!existing)
      return {
        ok: false,
        status: 400,
        fault: fault(
          '610',
          'Object Not Found',
          `Object Not Found : Something you're trying to use has been made inactive.`,
        ),
      }
    if (String(body.SyncToken) !== existing.SyncToken) {
      return {
        ok: false,
        status: 400,
        fault: fault(
          '5010',
          'Stale Object Error',
          `Stale Object Error : You and Integration were working on this at the same time. Integration finished before you did, so your work was not saved.`,
        ),
      }
    }
    if (name === 'Customer' && typeof body.DisplayName === 'string' && nameTaken(body.DisplayName, id)) {
      return {
        ok: false,
        status: 400,
        fault: fault('6240', 'Duplicate Name Exists Error', 'The name supplied already exists. : null'),
      }
    }
    const { sparse: _s, SyncToken: _t, ...changes } = body
    const row: Row = {
      ...(body.sparse ? existing : { Id: existing.Id }),
      ...changes,
      Id: id,
      SyncToken: String(Number(existing.SyncToken) + 1),
    }
    rows.set(id, row)
    if (name === 'Customer') indexName(row)
    return { ok: true, row }
  }

  function query(statement: string): { ok: true; value: unknown } | { ok: false; fault: unknown } {
    const m =
      /^SELECT (\*|COUNT\(\*\)) FROM (\w+)(?: WHERE (.+?))?(?: ORDERBY [\w.]+(?: ASC| DESC)?)?(?: STARTPOSITION (\d+))?(?: MAXRESULTS (\d+))?$/i.exec(
        statement.trim(),
      )
    if (!m)
      return { ok: false, fault: fault('4000', 'Error parsing query', `QueryParserError: ${statement}`) }
    const [, what, entityName = '', where, start, max] = m
    const rows = table(entityName)
    if (!rows)
      return { ok: false, fault: fault('4000', 'Error parsing query', `unknown entity ${entityName}`) }
    if (start !== undefined && Number(start) < 1)
      return {
        ok: false,
        fault: fault('4001', 'Invalid query', 'value 0 is too small. Min allowed value is 1'),
      }
    if (max !== undefined && (Number(max) < 1 || Number(max) > 1000))
      return {
        ok: false,
        fault: fault('4001', 'Invalid query', `value ${max} is too large. Max allowed value is 1000`),
      }
    const conditions = where ? where.split(/ AND /i).map(parseCondition) : []
    const matched = [...rows.values()].filter((row) => conditions.every((c) => c(row)))
    const entity = entityName[0]?.toUpperCase() + entityName.slice(1).toLowerCase()
    if (what !== '*')
      return { ok: true, value: { QueryResponse: { totalCount: matched.length }, time: 'now' } }
    const from = Number(start ?? 1) - 1
    const page = matched.slice(from, from + Number(max ?? 100))
    return {
      ok: true,
      value: {
        QueryResponse: page.length
          ? { [entity]: page, startPosition: from + 1, maxResults: page.length }
          : {},
        time: '2026-11-30T10:00:00.000-08:00',
      },
    }
  }

  function handleToken(request: MockRequest): MockResponse {
    state.counts.token++
    const form = new URLSearchParams(request.body)
    if (!request.headers.get('authorization')?.startsWith('Basic '))
      return json(401, { error: 'invalid_client' })
    const issue = (previous?: string) => {
      tokenSeq++
      const access = `at-${tokenSeq}`
      state.accessTokens.add(access)
      const refresh = state.rotate || !previous ? `rt-${tokenSeq}` : previous
      state.refreshTokens.add(refresh)
      return json(200, {
        token_type: 'bearer',
        access_token: access,
        refresh_token: refresh,
        expires_in: 3600,
        x_refresh_token_expires_in: 8_726_400,
      })
    }
    if (form.get('grant_type') === 'refresh_token') {
      const token = form.get('refresh_token') ?? ''
      if (!state.refreshTokens.has(token)) return json(400, { error: 'invalid_grant' })
      if (state.rotate) state.refreshTokens.delete(token)
      return issue(token)
    }
    if (form.get('grant_type') === 'authorization_code') {
      const code = form.get('code') ?? ''
      if (state.codes.get(code) !== true) return json(400, { error: 'invalid_grant' })
      state.codes.set(code, false)
      return issue()
    }
    return json(400, { error: 'unsupported_grant_type' })
  }

  function handleApi(request: MockRequest): MockResponse {
    const prefix = `/v3/company/${realmId}`
    const path = request.url.pathname
    if (!path.startsWith(prefix)) {
      return { status: 401, headers: { 'content-type': 'application/xml' }, body: xmlAuthFault('100') }
    }
    const auth = request.headers.get('authorization') ?? ''
    if (!auth.startsWith('Bearer ') || !state.accessTokens.has(auth.slice(7))) {
      return {
        status: 401,
        headers: { 'content-type': 'application/xml', intuit_tid: 'tid-401' },
        body: xmlAuthFault(),
      }
    }
    if (request.url.searchParams.get('minorversion') !== '75') {
      return json(
        400,
        fault('2010', 'Request has invalid or unsupported property', 'minorversion 75 expected by this mock'),
      )
    }
    const requestId = request.url.searchParams.get('requestid')
    if (requestId) {
      const replay = state.replays.get(requestId)
      if (replay) return replay
    }
    const rest = path.slice(prefix.length)
    let response: MockResponse
    if (request.method === 'GET' && rest === '/query') {
      state.counts.query++
      const result = query(request.url.searchParams.get('query') ?? '')
      response = result.ok ? json(200, result.value) : json(400, result.fault)
    } else if (request.method === 'GET' && rest === '/cdc') {
      state.counts.cdc++
      const entities = (request.url.searchParams.get('entities') ?? '').split(',')
      response = json(200, {
        CDCResponse: [
          {
            QueryResponse: entities.map((e) => {
              const rows = table(e)
              return rows ? { [e]: [...rows.values()], startPosition: 1, maxResults: rows.size } : {}
            }),
          },
        ],
        time: '2026-11-30T10:05:00.000-08:00',
      })
    } else if (request.method === 'GET' && /^\/\w+\/[^/]+$/.test(rest)) {
      state.counts.read++
      const [, entity = '', id = ''] = rest.split('/')
      const row = table(entity)?.get(decodeURIComponent(id))
      const name = entity[0]?.toUpperCase() + entity.slice(1)
      response = row
        ? json(200, { [name]: row, time: 'now' })
        : json(400, fault('610', 'Object Not Found', `${name} ${id}`))
    } else if (request.method === 'POST' && rest === '/batch') {
      state.counts.batch++
      const items = (JSON.parse(request.body) as { BatchItemRequest: Record<string, unknown>[] })
        .BatchItemRequest
      if (items.length > 30)
        return json(400, fault('1040', 'Batch size exceeds allowed limit', `${items.length} items`))
      const answers = items.map((item) => {
        const bId = String(item.bId)
        if (typeof item.Query === 'string') {
          const result = query(item.Query)
          return result.ok ? { bId, ...(result.value as object) } : { bId, ...(result.fault as object) }
        }
        const entity = Object.keys(item).find((k) => !['bId', 'operation', 'optionsData'].includes(k)) ?? ''
        const result = writeOne(entity, item.operation === 'update' ? 'update' : 'create', {
          ...(item[entity] as object),
        })
        if (!result.ok) {
          const f = (result.fault as { Fault: unknown }).Fault
          return { bId, Fault: f }
        }
        return { bId, [entity]: result.row }
      })
      response = json(200, { BatchItemResponse: answers, time: '2026-11-30T10:00:00.000-08:00' })
    } else if (request.method === 'POST' && /^\/\w+$/.test(rest)) {
      state.counts.write++
      const entity = rest.slice(1)
      const body = JSON.parse(request.body) as Record<string, unknown>
      const result = writeOne(entity, body.Id !== undefined ? 'update' : 'create', body)
      const name = entity[0]?.toUpperCase() + entity.slice(1)
      response = result.ok
        ? json(200, { [name]: result.row, time: 'now' })
        : json(result.status, result.fault)
    } else {
      response = json(
        400,
        fault('500', 'Unsupported Operation', `Operation ${request.method} ${rest} is not supported.`),
      )
    }
    if (requestId && request.method === 'POST' && response.status === 200)
      state.replays.set(requestId, response)
    return response
  }

  const mock = {
    state,
    /** Answers one request (hooks first). */
    handle(request: MockRequest): MockResponse {
      state.requests.push(request)
      for (const hook of state.hooks) {
        const answer = hook(request, mock)
        if (answer) return answer
      }
      if (
        request.url.href.startsWith(MOCK_TOKEN_URL) ||
        request.url.pathname.endsWith('/oauth2/v1/tokens/bearer')
      ) {
        return handleToken(request)
      }
      return handleApi(request)
    },
    /** Answers one request without the hooks (for hooks that wrap the normal answer). */
    process(request: MockRequest): MockResponse {
      if (request.url.pathname.endsWith('/oauth2/v1/tokens/bearer')) return handleToken(request)
      return handleApi(request)
    },
    /** Adds a customer directly (as if created in QuickBooks by someone else). */
    seedCustomer(fields: Record<string, unknown>): Row {
      const row: Row = { Active: true, ...fields, Id: newId(), SyncToken: '0' }
      state.customers.set(row.Id, row)
      indexName(row)
      return row
    },
  }
  return mock
}

/** A mock company. */
export type MockQuickBooks = ReturnType<typeof createMockQuickBooks>

function parseCondition(text: string): (row: Record<string, unknown>) => boolean {
  const m = /^\s*([\w.]+)\s*(>=|<=|=|<|>|IN|LIKE)\s*(.+?)\s*$/i.exec(text)
  if (!m) throw new Error(`mock: cannot read condition ${text}`)
  const [, field = '', op = '', raw = ''] = m
  const quoted = [...raw.matchAll(/'((?:\\.|[^'\\])*)'/g)].map((v) =>
    (v[1] as string).replace(/\\(.)/g, '$1'),
  )
  // Unquoted literals (true, false, numbers) as in `Active IN (true, false)`.
  const bare = quoted.length > 0 ? [] : [...raw.replace(/[()]/g, ' ').matchAll(/[\w.-]+/g)].map((v) => v[0])
  const values = [...quoted, ...bare]
  const read = (row: Record<string, unknown>) => {
    const v = row[field]
    if (v && typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value)
    if (v === undefined && field === 'Active') return 'true'
    return v === undefined ? undefined : String(v)
  }
  if (op === '>=' || op === '<=' || op === '<' || op === '>') {
    const bound = values[0] ?? ''
    return (row) => {
      const v = read(row)
      if (v === undefined) return false
      return op === '>=' ? v >= bound : op === '<=' ? v <= bound : op === '<' ? v < bound : v > bound
    }
  }
  if (op.toUpperCase() === 'LIKE') {
    const pattern = new RegExp(
      `^${(values[0] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`,
      'i',
    )
    return (row) => pattern.test(read(row) ?? '')
  }
  const set = new Set(values.map((v) => v.toLowerCase()))
  return (row) => set.has((read(row) ?? '').toLowerCase())
}
