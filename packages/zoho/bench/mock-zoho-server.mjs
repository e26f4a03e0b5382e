// A local Zoho CRM stand-in for the benchmark: node:http on 127.0.0.1, run in a child process so its
// JSON building uses the second core instead of competing with the client under test.
// Serves the token endpoint, BTEC_Registrations pages (page up to 2,000 records, then page_token,
// exactly like Zoho) and upsert. Reports counters on GET /__stats.
import { createServer } from 'node:http'

const TOTAL = Number(process.env.ZOHO_BENCH_TOTAL ?? 100_000)
const stats = { token: 0, list: 0, upsert: 0, listBytes: 0 }
// Pages are built once and then served from memory: the benchmark measures the client, not this mock.
const pages = new Map()

// A full record carries a dozen `$` system keys; with `fields` Zoho returns the id, the requested fields
// and a few `$` keys. We keep four, so readers still have to skip them.
const system = '"$currency_symbol":"$","$state":"save","$approval_state":"approved","$editable":true'
const owner = '{"name":"Registry Office","id":"6493490000000473001","email":"registry@example.edu"}'
const statuses = ['Active', 'Freeze', 'Freezed', 'New', 'Withdraw', 'Graduated']
// Every fourth registration is in TRY (the record's Currency), the others in USD.
const inTry = (n) => n % 4 === 3
const prices = ['"4400$"', '"1,500.50 USD"', '"$ 3,250"', '"12000 TRY"']

// Field api_name -> JSON fragment of record n. Zoho returns `id`, the `$` system keys and only the
// fields named in `fields` (the list call requires it), so the mock does the same.
const fieldsOf = {
  Owner: () => owner,
  Created_By: () => owner,
  Modified_By: () => owner,
  Created_Time: () => '"2023-12-20T11:59:13+03:00"',
  Modified_Time: () => '"2025-01-10T13:22:08+03:00"',
  Tag: () => '[]',
  Name: (n) => `"REG-${n}"`,
  Student_ID: (n) => `{"name":"A01B${n}C","id":"${6493490000001000000n + BigInt(n % 5000)}"}`,
  Program: () => '{"name":"Level 5 HND in Business","id":"6493490000000812003"}',
  Registration_Date: () => '"2024-09-15"',
  Registration_Status: (n) => `"${statuses[n % statuses.length]}"`,
  Program_Price: (n) => prices[n % prices.length],
  Remaining_Amount: (n) => (inTry(n) ? '"1,500.50"' : '"1,500.50 USD"'),
  Currency: (n) => (inTry(n) ? '"TRY"' : '"USD"'),
  Exchange_Rate: (n) => (inTry(n) ? '41.2' : '1'),
  Discount: (n) => String(n % 2 === 0),
  Discount_Percentage: (n) => `"${n % 20}%"`,
  Study_Mode: () => '"Online"',
  Study_Language: () => '"English"',
  BTEC_Reg_No: (n) => `"BT-${n}"`,
  Intake: () => '"September 2024"',
  Payment_Schedule: (_n, id) =>
    `[{"$in_merge":false,"id":"${id}1","Installment_No":1,"Due_Date":"2024-10-01","Installment_Amount":1450,"Installment_Status":"Paid","Paid_Date":"2024-09-28"},{"$in_merge":false,"id":"${id}2","Installment_No":2,"Due_Date":"2025-01-01","Installment_Amount":"1,500.50${inTry(_n) ? ' TRY' : ' USD'}","Installment_Status":"Pending","Paid_Date":null}]`,
}

function record(n, fields) {
  const id = String(6493490000006000000n + BigInt(n))
  const parts = [system, `"id":"${id}"`]
  for (const field of fields) {
    const value = fieldsOf[field]
    if (value) parts.push(`"${field}":${value(n, id)}`)
  }
  return `{${parts.join(',')}}`
}

function page(start, perPage, fields) {
  const end = Math.min(TOTAL, start + perPage)
  const rows = []
  for (let n = start; n < end; n++) rows.push(record(n, fields))
  const more = end < TOTAL
  const info = `{"per_page":${perPage},"next_page_token":${more ? `"tok-${end}"` : 'null'},"count":${end - start},"sort_by":"id","page":1,"previous_page_token":null,"page_token_expiry":null,"sort_order":"asc","more_records":${more}}`
  return `{"data":[${rows.join(',')}],"info":${info}}`
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1')
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(body)
  }
  if (req.method === 'GET' && url.pathname === '/__stats') return send(200, JSON.stringify(stats))
  if (req.method === 'POST' && url.pathname === '/__reset') {
    stats.token = stats.list = stats.upsert = stats.listBytes = 0
    return send(200, '{}')
  }
  let body = ''
  req.on('data', (chunk) => {
    body += chunk
  })
  req.on('end', () => {
    if (req.method === 'POST' && url.pathname === '/oauth/v2/token') {
      stats.token++
      const { port } = server.address()
      return send(
        200,
        JSON.stringify({
          access_token: '1000.bench.token',
          api_domain: `http://127.0.0.1:${port}`,
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      )
    }
    if (req.headers.authorization !== 'Zoho-oauthtoken 1000.bench.token') {
      return send(
        401,
        '{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}',
      )
    }
    // Referenced records for the example: students and the program, fetched by `ids` (batch, not per record).
    if (
      req.method === 'GET' &&
      (url.pathname === '/crm/v8/BTEC_Students' || url.pathname === '/crm/v8/Products')
    ) {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean)
      const data = ids.map((id) =>
        url.pathname === '/crm/v8/Products'
          ? `{${system},"id":"${id}","Product_Name":"Level 5 HND in Business","Program_ID":"PRG-0007","Program_Price":4400,"Unit_Price":4400,"Currency":"USD","Status":"Approved"}`
          : `{${system},"id":"${id}","Name":"A01B${BigInt(id) - 6493490000001000000n}C","First_Name":"Student","Last_Name":"${id.slice(-4)}","Email":"s${id.slice(-4)}@example.com","Status":"Active","Currency":"USD","Program":{"name":"Level 5 HND in Business","id":"6493490000000812003"}}`,
      )
      return data.length
        ? send(
            200,
            `{"data":[${data.join(',')}],"info":{"per_page":200,"count":${data.length},"page":1,"more_records":false,"next_page_token":null}}`,
          )
        : send(204, '')
    }
    if (req.method === 'GET' && url.pathname === '/crm/v8/BTEC_Registrations') {
      stats.list++
      const perPage = Number(url.searchParams.get('per_page'))
      const token = url.searchParams.get('page_token')
      const p = Number(url.searchParams.get('page') ?? 0)
      if (!token && p * perPage > 2000) {
        return send(
          400,
          '{"code":"DISCRETE_PAGINATION_LIMIT_EXCEEDED","details":{"limit":2000},"message":"You can only get the first 2000 records without using page_token param","status":"error"}',
        )
      }
      const start = token ? Number(token.slice(4)) : (p - 1) * perPage
      const key = `${start}|${perPage}|${url.searchParams.get('fields')}`
      let body = pages.get(key)
      if (!body) {
        body = Buffer.from(page(start, perPage, (url.searchParams.get('fields') ?? '').split(',')))
        pages.set(key, body)
      }
      stats.listBytes += body.length
      return send(200, body)
    }
    if (req.method === 'POST' && url.pathname === '/crm/v8/BTEC_Registrations/upsert') {
      stats.upsert++
      const { data } = JSON.parse(body)
      const items = data.map(
        (_, i) =>
          `{"code":"SUCCESS","details":{"Modified_Time":"2025-01-10T13:22:08+03:00","Modified_By":{"name":"Integration","id":"6493490000000473001"},"Created_Time":"2025-01-10T13:22:08+03:00","id":"${6493490000009000000n + BigInt(i)}","Created_By":{"name":"Integration","id":"6493490000000473001"}},"message":"record added","status":"success","action":"insert","duplicate_field":null}`,
      )
      return send(200, `{"data":[${items.join(',')}]}`)
    }
    send(
      404,
      '{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}',
    )
  })
})

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }))
process.on('disconnect', () => server.close(() => process.exit(0)))
