import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { TenantId } from '@edusync/core'
import { asStoredConnection, openConnection } from '@edusync/core'
import type {
  CustomerSubject,
  CustomerSyncContext,
  QuickBooksTenants,
  SubjectSource,
} from '@edusync/quickbooks'
import { createQuickBooksTenants, seedRefreshToken, storeSubjects } from '@edusync/quickbooks'
import type { PgStore } from '@edusync/store-pg'
import { createPgRegistry } from '@edusync/store-pg'
import * as z from 'zod'
import type { CliConfig } from './config.ts'
import { ConfigError } from './config.ts'
import { loadKeyRing } from './registry-api.ts'
import { readTenantEntries } from './tenant-file.ts'

/** A tenant's QuickBooks company as the CLI reaches it, from the configuration or the tenant registry. */
export interface QuickBooksSetup {
  readonly realmId: string
  readonly clientId: string
  readonly clientSecret: string
  readonly refreshToken?: string | undefined
  readonly environment: 'production' | 'sandbox'
  readonly baseUrl?: string | undefined
  readonly tokenUrl?: string | undefined
  readonly subjectsFile?: string | undefined
  /** Where the connection came from (shown by `customers status`, never with secrets). */
  readonly source: 'configuration' | 'registry'
}

/**
 * The QuickBooks connection: the configuration's `quickbooks` section (file plus `QUICKBOOKS_*`), else the
 * tenant's `quickbooks` connection in the tenant registry (`edusync connections set quickbooks`) when the
 * key ring (`EDUSYNC_CONFIG_KEYS`) is there to open its secrets; `undefined` when neither has one. The
 * registry is opened, read and closed before the Store is touched (one embedded PGlite directory is never
 * open twice in one process).
 */
export async function resolveQuickBooks(
  config: CliConfig,
  env: NodeJS.ProcessEnv,
): Promise<QuickBooksSetup | undefined> {
  if (config.quickbooks) return { ...config.quickbooks, source: 'configuration' }
  if (!env.EDUSYNC_CONFIG_KEYS && !env.EDUSYNC_CONFIG_KEYS_FILE) return undefined
  const box = loadKeyRing(env)
  const { connectionString, dataDir, schema } = config.store
  if (!connectionString && dataDir) mkdirSync(dirname(resolve(dataDir)), { recursive: true })
  const registry = createPgRegistry(
    connectionString
      ? { connectionString, poolSize: 1, ...(schema ? { schema } : {}) }
      : { dataDir, ...(schema ? { schema } : {}) },
  )
  try {
    const item = await registry.getConfig(config.tenant, 'connection', 'quickbooks')
    if (item.isErr()) throw new Error(`the tenant registry could not be read: ${item.error.message}`)
    if (!item.value) return undefined
    const opened = openConnection(box, config.tenant, 'quickbooks', asStoredConnection(item.value.value))
    if (opened.isErr()) {
      throw new ConfigError([`registry quickbooks connection: ${opened.error.message}`])
    }
    const { settings, secrets } = opened.value
    const clientId = (settings.clientId as string | undefined) ?? env.QUICKBOOKS_CLIENT_ID
    const clientSecret = secrets.clientSecret ?? env.QUICKBOOKS_CLIENT_SECRET
    const problems = [
      ...(clientId ? [] : ['quickbooks clientId: not in the registry connection nor QUICKBOOKS_CLIENT_ID']),
      ...(clientSecret
        ? []
        : ['quickbooks clientSecret: not in the registry connection nor QUICKBOOKS_CLIENT_SECRET']),
    ]
    if (problems.length > 0) throw new ConfigError(problems)
    return {
      realmId: settings.realmId as string,
      environment: settings.environment as 'production' | 'sandbox',
      clientId: clientId as string,
      clientSecret: clientSecret as string,
      refreshToken: secrets.refreshToken,
      baseUrl: env.QUICKBOOKS_BASE_URL || undefined,
      tokenUrl: env.QUICKBOOKS_TOKEN_URL || undefined,
      subjectsFile: env.QUICKBOOKS_SUBJECTS_FILE ? resolve(env.QUICKBOOKS_SUBJECTS_FILE) : undefined,
      source: 'registry',
    }
  } finally {
    await registry.close()
  }
}

/** The QuickBooks side of a CLI context. */
export interface QuickBooksSide {
  readonly setup: QuickBooksSetup
  /**
   * The tenant's QuickBooks access, built by `createQuickBooksTenants` as the hosts build theirs (one
   * client per tenant over the Store's token store; the customer context over its push ledger).
   */
  readonly tenants: QuickBooksTenants
  /** What the customer operations take for the configured tenant (client, push ledger, Store links). */
  readonly context: CustomerSyncContext
  /** Seeds the token store from the configured refresh token when it holds nothing (once). */
  ready(): Promise<'seeded' | 'kept' | 'none'>
  /** The tenant's applicants and students: the subjects file, else the Store. */
  subjects(kinds: ReadonlySet<'applicant' | 'student'>, onSkipped: (why: string) => void): SubjectSource
}

const subjectSchema = z
  .object({
    kind: z.enum(['applicant', 'student']),
    id: z.string().min(1),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
  })
  .loose()

/**
 * Builds the tenant's QuickBooks access (nothing is called until an operation runs) and the subject
 * source. The client is made here, not on first use, so a bad setup fails when the context opens.
 */
export function quickbooksSide(setup: QuickBooksSetup, store: PgStore, tenant: TenantId): QuickBooksSide {
  const tenants = createQuickBooksTenants({
    app: {
      clientId: setup.clientId,
      clientSecret: setup.clientSecret,
      ...(setup.tokenUrl ? { tokenUrl: setup.tokenUrl } : {}),
    },
    realms: { [tenant]: setup.realmId },
    tokenStore: store.tokenStore,
    ledger: store.pushLedger,
    store,
    client: { environment: setup.environment, ...(setup.baseUrl ? { baseUrl: setup.baseUrl } : {}) },
  })
  const context = tenants.context(tenant)
  // Unreachable: the realm map above holds the tenant's company.
  if (!context) throw new Error(`QuickBooks: no company for tenant "${tenant}"`)
  let seeding: Promise<'seeded' | 'kept' | 'none'> | undefined
  return {
    setup,
    tenants,
    context,
    ready() {
      const token = setup.refreshToken
      if (!token) return Promise.resolve('none')
      seeding ??= (async () => {
        const seeded = await seedRefreshToken(store.tokenStore, tenant, setup.realmId, token)
        if (seeded.isErr()) throw seeded.error
        return seeded.value
      })()
      return seeding
    },
    subjects(kinds, onSkipped) {
      const file = setup.subjectsFile
      if (!file) {
        return storeSubjects(store, tenant, {
          kinds,
          onUnreadable: (kind, id, problem) => onSkipped(`stored ${kind} ${id}: ${problem}`),
        })
      }
      return fileSubjects(file, tenant, kinds, onSkipped)
    },
  }
}

/**
 * Subjects from a JSON file: an array of `CustomerSubject`s, or `{ "<tenant>": [...] }`. An entry that is
 * not a subject is left out and reported (its index, field and rule); the others go on.
 */
async function* fileSubjects(
  file: string,
  tenant: TenantId,
  kinds: ReadonlySet<'applicant' | 'student'>,
  onSkipped: (why: string) => void,
): AsyncGenerator<CustomerSubject> {
  const entries = await readTenantEntries(file, tenant, 'subjects')
  if (entries.isErr()) throw new ConfigError([`quickbooks.subjectsFile ${file}: ${entries.error}`])
  const list = entries.value
  for (const [index, raw] of list.entries()) {
    const subject = subjectSchema.safeParse(raw)
    if (!subject.success) {
      const issue = subject.error.issues[0]
      onSkipped(`${file} [${index}] ${issue?.path.join('.') || '(entry)'}: ${issue?.message ?? 'invalid'}`)
      continue
    }
    if (kinds.has(subject.data.kind)) yield subject.data as CustomerSubject
  }
}
