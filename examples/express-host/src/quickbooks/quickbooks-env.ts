import { readFile } from 'node:fs/promises'
import type { CustomerSubject } from '@edusync/quickbooks'
import type { PgStore } from '@edusync/store-pg'
import * as z from 'zod'
import type { QuickBooksHost } from './quickbooks-host.ts'
import { createQuickBooksHost } from './quickbooks-host.ts'

const envSchema = z.object({
  QUICKBOOKS_CLIENT_ID: z.string().min(1),
  QUICKBOOKS_CLIENT_SECRET: z.string().min(1),
  QUICKBOOKS_REDIRECT_URI: z.url(),
  QUICKBOOKS_ENVIRONMENT: z.enum(['production', 'sandbox']).default('production'),
  /** `{"<tenant>":"<realmId>"}`. */
  QUICKBOOKS_REALMS: z
    .string()
    .transform((text) => JSON.parse(text) as unknown)
    .pipe(z.record(z.string(), z.string().regex(/^\d+$/))),
  /** Shared by every replica so a callback may land on any of them. */
  QUICKBOOKS_STATE_SECRET: z.string().min(32).optional(),
  /** A JSON file `{"<tenant>":[CustomerSubject, ...]}`, read on every operation. */
  QUICKBOOKS_SUBJECTS_FILE: z.string().min(1).optional(),
})

const subjectSchema = z
  .object({
    kind: z.enum(['applicant', 'student']),
    id: z.string().min(1),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
  })
  .loose()

/**
 * The QuickBooks side of `main.ts`, from the environment: `undefined` (routes not mounted) when
 * `QUICKBOOKS_CLIENT_ID` is unset. Applicants and students come from `QUICKBOOKS_SUBJECTS_FILE`, a stand-in
 * for the school's admissions system: a real host passes its own `subjects` to `createQuickBooksHost`.
 * Invalid settings throw (the start fails, not a request).
 */
export function quickbooksFromEnv(env: NodeJS.ProcessEnv, store: PgStore): QuickBooksHost | undefined {
  if (!env.QUICKBOOKS_CLIENT_ID) return undefined
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    throw new Error(
      `QuickBooks settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  }
  const e = parsed.data
  return createQuickBooksHost({
    app: {
      clientId: e.QUICKBOOKS_CLIENT_ID,
      clientSecret: e.QUICKBOOKS_CLIENT_SECRET,
      redirectUri: e.QUICKBOOKS_REDIRECT_URI,
    },
    realms: e.QUICKBOOKS_REALMS,
    tokenStore: store.tokenStore,
    ledger: store.pushLedger,
    store,
    client: { environment: e.QUICKBOOKS_ENVIRONMENT },
    ...(e.QUICKBOOKS_STATE_SECRET ? { stateSecret: e.QUICKBOOKS_STATE_SECRET } : {}),
    subjects: async function* (tenant, kinds) {
      if (!e.QUICKBOOKS_SUBJECTS_FILE) return
      const all = JSON.parse(await readFile(e.QUICKBOOKS_SUBJECTS_FILE, 'utf8')) as Record<string, unknown[]>
      for (const raw of all[tenant] ?? []) {
        const subject = subjectSchema.safeParse(raw)
        if (subject.success && kinds.has(subject.data.kind)) yield subject.data as CustomerSubject
      }
    },
  })
}
