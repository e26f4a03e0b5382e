// Syncs one page of Zoho registrations into the in-memory Store, with the students and program they
// reference fetched in one batch each. Runs against your Zoho org when ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET,
// ZOHO_REFRESH_TOKEN (and optionally ZOHO_DC) are set, otherwise against the local mock Zoho of the
// benchmark. Run: pnpm --filter @edusync/zoho example
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createMemoryStore, createSyncEngine } from '@edusync/core'
import type { ZohoClient, ZohoConfig, ZohoDataCenter, ZohoRecord } from '../src/index.ts'
import {
  createZohoClient,
  defaultFieldMap,
  fieldsToFetch,
  readZohoRecord,
  withFieldMap,
} from '../src/index.ts'

const tenant = 'demo-school'
const fieldMap = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' })

async function zohoConfig(): Promise<{ config: ZohoConfig; stop: () => void }> {
  const { ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ZOHO_DC } = process.env
  if (ZOHO_CLIENT_ID && ZOHO_CLIENT_SECRET && ZOHO_REFRESH_TOKEN) {
    const config = {
      clientId: ZOHO_CLIENT_ID,
      clientSecret: ZOHO_CLIENT_SECRET,
      refreshToken: ZOHO_REFRESH_TOKEN,
      dataCenter: (ZOHO_DC ?? 'US') as ZohoDataCenter,
    }
    return { config, stop: () => {} }
  }
  const mock = fork(fileURLToPath(new URL('../bench/mock-zoho-server.mjs', import.meta.url)), [], {
    env: { ...process.env, ZOHO_BENCH_TOTAL: '200' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve) =>
    mock.once('message', (m) => resolve((m as { port: number }).port)),
  )
  console.log(`no ZOHO_* credentials: using the local mock Zoho on 127.0.0.1:${port}`)
  const config = {
    clientId: 'demo',
    clientSecret: 'demo',
    refreshToken: 'demo',
    accountsUrl: `http://127.0.0.1:${port}`,
  }
  return { config, stop: () => mock.disconnect() }
}

/** Fetches records by id, 100 per request. */
async function fetchByIds(zoho: ZohoClient, module: string, ids: string[]): Promise<ZohoRecord[]> {
  const out: ZohoRecord[] = []
  for (let i = 0; i < ids.length; i += 100) {
    for await (const page of zoho.records.list(module, {
      fields: fieldsToFetch(fieldMap, module),
      ids: ids.slice(i, i + 100),
    })) {
      if (page.isErr()) throw page.error
      out.push(...page.value.records)
    }
  }
  return out
}

const { config, stop } = await zohoConfig()
try {
  const zoho = createZohoClient(config)
  const fields = fieldsToFetch(fieldMap, 'BTEC_Registrations')
  const pages = zoho.records.list('BTEC_Registrations', { fields, maxRecords: 200 })
  const registrations: ZohoRecord[] = []
  for await (const page of pages) {
    if (page.isErr()) throw page.error
    registrations.push(...page.value.records)
  }

  // Read strictly; keep what is invalid with its Zoho paths so a person can fix it in Zoho.
  const read = registrations.map((r) => readZohoRecord('registration', r, fieldMap))
  const valid = read.flatMap((r) => (r.isOk() ? [r.value] : []))
  for (const r of read) if (r.isErr()) console.warn(r.error.message)

  // The referenced students and programs, one batch per module.
  const studentIds = [...new Set(valid.map((r) => r.studentId))]
  const programIds = [...new Set(valid.map((r) => r.programId))]
  const students = (await fetchByIds(zoho, 'BTEC_Students', studentIds)).map((r) =>
    readZohoRecord('student', r, fieldMap),
  )
  const programs = (await fetchByIds(zoho, 'Products', programIds)).map((r) =>
    readZohoRecord('program', r, fieldMap),
  )

  const engine = createSyncEngine({ store: createMemoryStore() })
  const result = await engine.syncAll({
    tenant,
    batches: {
      program: programs.flatMap((r) => (r.isOk() ? [r.value] : [])),
      student: students.flatMap((r) => (r.isOk() ? [r.value] : [])),
      registration: valid,
    },
  })
  if (result.isErr()) throw result.error
  console.log('order:', result.value.order.join(' -> '))
  for (const [entity, batch] of result.value.results) console.log(entity, batch.counts)
} finally {
  stop()
}
