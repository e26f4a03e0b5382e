/**
 * What the soak's senders send: versioned Zoho student records (as a `{"data":[…]}` or single-record JSON
 * webhook, as form fields, or id-only for the host to fetch), Moodle plugin events, canonical bulk syncs,
 * and the bad inputs a real deployment meets (malformed JSON, wrong secrets, oversized bodies,
 * unsubstituted Zoho templates). Every record carries its version in `Last_Name` ("… v<version>") and in
 * `Modified_Time`, so the Store's copy says which version it holds.
 */
import { randomUUID } from 'node:crypto'

/** One HTTP delivery: where, what, with which headers. */
export interface Delivery {
  readonly path: string
  readonly body: string
  readonly headers: Record<string, string>
}

/** The tenant's credentials the senders use. */
export interface SoakSecrets {
  readonly tenant: string
  readonly zohoSecret: string
  readonly moodleToken: string
  readonly apiToken: string
}

const ZOHO_BASE = 4876876100000000000n
const BULK_BASE = 4876876200000000000n
const BAD_BASE = 4876876900000000000n
// Literal merge-field templates, as Zoho sends them when one does not resolve (built so they are not
// mistaken for this file's own template strings).
const ZOHO_TEMPLATE = ['$', '{!BTEC_Students.Id}'].join('')
const WRONG_SYNTAX_TEMPLATE = ['$', '{Students.id}'].join('')

/** The Zoho id of webhook record `n`. */
export const zohoId = (n: number) => String(ZOHO_BASE + BigInt(n))
/** The id of bulk record `n`. */
export const bulkId = (n: number) => String(BULK_BASE + BigInt(n))
/** The id a bad input carries (none of these may ever be stored). */
export const badId = (n: number) => String(BAD_BASE + BigInt(n))
/** Whether an id belongs to the bad inputs. */
export const isBadId = (id: string) => id.startsWith(String(BAD_BASE).slice(0, 8))

/** The version a stored `lastName` says, or undefined when it carries none. */
export function versionOf(lastName: unknown): number | undefined {
  const match = typeof lastName === 'string' ? / v(\d+)$/.exec(lastName) : null
  return match ? Number(match[1]) : undefined
}

const modifiedTime = (version: number) =>
  new Date(Date.UTC(2026, 0, 1) + version * 60_000).toISOString().replace('.000Z', '+00:00')

/** A BTEC_Students record as Zoho holds it at `version`. */
export function zohoStudent(id: string, version: number): Record<string, unknown> {
  const n = Number(id.slice(-6))
  return {
    id,
    Name: `A${String(n).padStart(8, '0')}C`,
    First_Name: 'Ayşe',
    Last_Name: `Yılmaz v${version}`,
    Email: `student${n}@example.com`,
    Phone_Number: '+90 532 000 00 00',
    Birth_Date: '2004-03-09',
    Gender: 'Female',
    Status: 'Active',
    Study_Mode: 'Online',
    Currency: 'USD',
    Modified_Time: modifiedTime(version),
    Owner: { name: 'Registrar', id: '4876876000000300001', email: 'registrar@example.edu' },
    $approval: { delegate: false, approve: false, reject: false, resubmit: false },
    $state: 'save',
  }
}

/** How a Zoho change reaches the host. */
export type ZohoShape = 'json-data' | 'json-record' | 'form' | 'id-only'

/** A Zoho webhook for `record` in one of the shapes Zoho workflow rules and Deluge functions send. */
export function zohoDelivery(
  secrets: SoakSecrets,
  record: Record<string, unknown>,
  shape: ZohoShape,
): Delivery {
  const headers = { 'x-edusync-secret': secrets.zohoSecret }
  const path = `/webhooks/${secrets.tenant}/zoho/BTEC_Students`
  switch (shape) {
    case 'json-data':
      return { path, body: JSON.stringify({ data: [record] }), headers }
    case 'json-record':
      return { path, body: JSON.stringify(record), headers }
    case 'form': {
      // A workflow webhook's form parameters: flat fields only (no lookups or `$` keys).
      const form = new URLSearchParams()
      for (const [key, value] of Object.entries(record)) {
        if (typeof value === 'string') form.set(key, value)
      }
      return {
        path,
        body: form.toString(),
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      }
    }
    case 'id-only':
      return {
        path: `/webhooks/${secrets.tenant}/zoho`,
        body: JSON.stringify({ zoho_id: record.id, module: 'BTEC_Students' }),
        headers,
      }
  }
}

/** A Moodle plugin event (a grade, as the plugin posts them); its `event_id` is its key. */
export function moodleDelivery(secrets: SoakSecrets, eventId: string, n: number): Delivery {
  const event = {
    event_id: eventId,
    event_type: 'grade_updated',
    event_data: {
      grade_id: 100_000 + n,
      student_id: 1000 + (n % 500),
      student_name: 'Lina Haddad',
      student_email: 'lina.haddad@college.edu',
      assignment_id: 77,
      assignment_name: 'Assignment 1: Network design',
      course_id: 2,
      course_name: 'Networking 2026',
      grade: 'M',
      raw_grade: 3,
      attempt_number: 1,
      attemptnumber_zero_indexed: 0,
      timestamp: 1768469400 + n,
      graded_at: '2026-01-15 10:30:00',
      grader_name: 'Omar Teacher',
      grader_role: 'Teacher',
      feedback: 'Clear topology diagrams',
      workflow_state: null,
      learning_outcomes: [],
      composite_key: `${1000 + (n % 500)}_2_77`,
      sync_type: 'complete',
    },
    moodle_event_id: null,
    timestamp: 1768469400 + n,
  }
  return {
    path: `/webhooks/${secrets.tenant}/moodle/events`,
    body: JSON.stringify(event),
    headers: { authorization: `Bearer ${secrets.moodleToken}` },
  }
}

/** A bulk sync of canonical students `ids` at `version`, with the job's idempotency key. */
export function bulkDelivery(
  secrets: SoakSecrets,
  ids: readonly string[],
  version: number,
  idempotencyKey: string,
): Delivery {
  const records = ids.map((id) => ({
    id,
    code: `B${id.slice(-8)}C`,
    firstName: 'Mehmet',
    lastName: `Demir v${version}`,
    status: 'active',
  }))
  return {
    path: `/api/${secrets.tenant}/sync/student`,
    body: JSON.stringify({ records }),
    headers: { authorization: `Bearer ${secrets.apiToken}`, 'idempotency-key': idempotencyKey },
  }
}

/** The kinds of bad input, each refused with a 4xx and never stored. */
export const BAD_KINDS = [
  'malformed-json',
  'wrong-secret',
  'wrong-moodle-token',
  'oversized',
  'template-id',
  'template-bare',
  'template-form',
  'malformed-moodle',
] as const

/** One kind of bad input. */
export type BadKind = (typeof BAD_KINDS)[number]

/** A bad input of `kind`; any record in it has a {@link badId}. */
export function badDelivery(secrets: SoakSecrets, kind: BadKind, n: number, maxBodyBytes: number): Delivery {
  const record = zohoStudent(badId(n), 1)
  const zoho = zohoDelivery(secrets, record, 'json-data')
  switch (kind) {
    case 'malformed-json':
      return { ...zoho, body: zoho.body.slice(0, -7) }
    case 'wrong-secret':
      return { ...zoho, headers: { 'x-edusync-secret': 'not-the-zoho-secret-0000' } }
    case 'wrong-moodle-token':
      return {
        ...moodleDelivery(secrets, randomUUID(), n),
        headers: { authorization: 'Bearer not-the-moodle-token-0000' },
      }
    case 'oversized':
      return {
        ...zoho,
        body: JSON.stringify({ data: [{ ...record, Description: 'x'.repeat(maxBodyBytes + 1024) }] }),
      }
    case 'template-id':
      return {
        ...zoho,
        path: `/webhooks/${secrets.tenant}/zoho`,
        body: JSON.stringify({ zoho_id: ZOHO_TEMPLATE, module: 'BTEC_Students' }),
      }
    case 'template-bare':
      // A Deluge string built with the wrong merge syntax: "${Students.id}" is sent as it is.
      return {
        ...zoho,
        path: `/webhooks/${secrets.tenant}/zoho`,
        body: JSON.stringify({ zoho_id: WRONG_SYNTAX_TEMPLATE, module: 'BTEC_Students' }),
      }
    case 'template-form':
      return {
        ...zoho,
        body: `id=${badId(n)}&Last_Name=%24%7B!BTEC_Students.Last_Name%7D&Modified_Time=${encodeURIComponent(String(record.Modified_Time))}`,
        headers: { ...zoho.headers, 'content-type': 'application/x-www-form-urlencoded' },
      }
    case 'malformed-moodle': {
      const event = moodleDelivery(secrets, randomUUID(), n)
      return { ...event, body: event.body.replace('"event_type":"grade_updated",', '') }
    }
  }
}
