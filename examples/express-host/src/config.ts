import * as z from 'zod'

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/
const secret = z.string().min(16, { message: 'secrets must be at least 16 characters' })

/** Zoho API credentials of one tenant (needed to resolve id-only webhook bodies). */
const zohoCredentials = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  dataCenter: z.enum(['US', 'EU', 'IN', 'AU', 'JP', 'CA', 'SA', 'CN']).default('US'),
  environment: z.enum(['production', 'sandbox', 'developer']).default('production'),
  /**
   * The accounts server, when not the data center's (a proxy, or a Zoho stand-in on loopback as the soak
   * uses); the API domain is then the one its token answer names.
   */
  accountsUrl: z
    .url({ message: 'expected the accounts server URL, e.g. https://accounts.zoho.eu' })
    .optional(),
})

/**
 * The tenant's Moodle site (web services token of a user allowed the functions in `@edusync/moodle`'s
 * `REQUIRED_FUNCTIONS`), and what provisioning needs: role ids, the Moodle category per canonical program
 * id, and the users every new course gets (all site-specific: nothing of it is hard-coded).
 */
const moodleSite = z.object({
  url: z.url({ message: 'expected the Moodle site URL, e.g. https://lms.example.edu' }),
  token: z.string().min(1),
  roles: z
    .object({
      student: z.number().int().positive().optional(),
      editingTeacher: z.number().int().positive().optional(),
    })
    .optional(),
  categories: z.record(z.string(), z.number().int().positive()).default({}),
  defaultCategoryId: z.number().int().positive().optional(),
  defaultUsers: z
    .array(z.object({ userid: z.number().int().positive(), roleid: z.number().int().positive().optional() }))
    .default([]),
})

/** One tenant's secrets. Every credential is optional: a missing one refuses that sender with 403. */
const tenantSchema = z.object({
  /** Shared secret Zoho workflow webhooks send in `x-edusync-secret` or `?secret=`. */
  zohoSecret: secret.optional(),
  /** HMAC key of signed senders (the Deluge functions): signature + timestamp + nonce. */
  signingSecret: secret.optional(),
  /** Bearer token of the Moodle plugin. */
  moodleToken: secret.optional(),
  /** Bearer token for the bulk sync and listing API. */
  apiToken: secret.optional(),
  zoho: zohoCredentials.optional(),
  /** The Moodle site the tenant provisions courses on (optional: the plugin's events are processed without it). */
  moodle: moodleSite.optional(),
  /**
   * The student dashboard switch: push what Zoho knows about each student (registrations, instalments,
   * payments, classes, enrollments, grades) into the school plugin's `local_mzi_*` tables on `moodle`.
   * Off unless set (the plugin must be installed). The registry's module switch `moodle-dashboard` sets it.
   */
  dashboard: z.boolean().optional(),
  /** Currency of Zoho money in modules without a currency field (e.g. `Products` prices), ISO 4217. */
  defaultCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code like "USD"' })
    .optional(),
})

/** A tenant's configuration. */
export type TenantConfig = z.infer<typeof tenantSchema>

const tenantsSchema = z
  .record(
    z.string().regex(TENANT_ID, { message: 'tenant ids are lower-case slugs like "acme-academy"' }),
    tenantSchema,
  )
  .refine((t) => Object.keys(t).length > 0, { message: 'at least one tenant is required' })

/** Secrets of the demo tenant used when `EDUSYNC_TENANTS` is not set outside production. */
export const DEMO_TENANTS: Record<string, TenantConfig> = {
  demo: {
    zohoSecret: 'demo-zoho-shared-secret',
    signingSecret: 'demo-hmac-signing-secret',
    moodleToken: 'demo-moodle-plugin-token',
    apiToken: 'demo-bulk-api-token-0001',
    defaultCurrency: 'USD',
  },
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** A PostgreSQL URL; absent = embedded PGlite persisted in DATA_DIR. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// or postgresql:// URL' })
      .optional(),
    DATA_DIR: z.string().default('.data/pglite'),
    /** A Redis URL for the statement cache; absent = an in-process cache. */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, { message: 'expected a redis:// or rediss:// URL' })
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** JSON object: tenant id -> secrets (see README). */
    EDUSYNC_TENANTS: z
      .string()
      .optional()
      .transform((text, ctx): Record<string, TenantConfig> | undefined => {
        if (text === undefined) return undefined
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object' })
          return z.NEVER
        }
        const parsed = tenantsSchema.safeParse(json)
        if (parsed.success) return parsed.data
        // Issue paths name the tenant and field; messages never include the value (it may be a secret).
        for (const issue of parsed.error.issues) {
          const message =
            issue.code === 'invalid_key'
              ? 'tenant ids are lower-case slugs like "acme-academy"'
              : issue.message
          ctx.addIssue({ code: 'custom', path: issue.path.map(String), message })
        }
        return z.NEVER
      }),
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    MAX_BULK_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(32 * 1024 * 1024),
    /** Deepest nesting of any body or record (see README, "Limits"). */
    MAX_DEPTH: z.coerce.number().int().min(2).max(1_000).default(64),
    /** Longest text of any one field, in characters. */
    MAX_STRING_LENGTH: z.coerce.number().int().min(1).default(100_000),
    /** Most records in one bulk request (`POST /api/:tenant/sync/:entity`); synced 1,000 at a time. */
    MAX_RECORDS_PER_REQUEST: z.coerce.number().int().min(1).default(50_000),
    /** Most records in one webhook delivery (Zoho sends at most 100 per notification). */
    MAX_RECORDS_PER_WEBHOOK: z.coerce.number().int().min(1).default(1_000),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    /**
     * Lease of a webhook delivery's idempotency claim, renewed every third of it while the delivery is
     * processed: the deliveries of a crashed or frozen host are taken over by another host this long after
     * its last renewal, and a duplicate meanwhile is answered 409 with `Retry-After` set to what is left.
     */
    IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),
    /** Allowed clock skew of signed requests, in seconds. */
    SIGNATURE_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  })
  .transform((env, ctx) => {
    if (env.EDUSYNC_TENANTS === undefined && env.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['EDUSYNC_TENANTS'],
        message: 'is required when NODE_ENV=production',
      })
      return z.NEVER
    }
    return {
      ...env,
      tenants: env.EDUSYNC_TENANTS ?? DEMO_TENANTS,
      demoTenants: env.EDUSYNC_TENANTS === undefined,
    }
  })

/** The validated host configuration. */
export type HostConfig = z.output<typeof envSchema>

/**
 * Reads and validates the configuration from environment variables; throws one error listing every
 * problem (variable, rule) and never echoing a secret's value.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): HostConfig {
  // An empty variable (`DATABASE_URL=`) means unset, as shells and .env files commonly write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = envSchema.safeParse(present)
  if (parsed.success) return parsed.data
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`)
  throw new Error(`invalid configuration:\n${lines.join('\n')}`)
}
