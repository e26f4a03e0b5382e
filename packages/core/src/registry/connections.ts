import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { z } from 'zod'
import { isSealed } from './redact.ts'
import type { SealedSecret, SecretBox } from './secret-box.ts'
import type { SecretError } from './secret-error.ts'

/**
 * The systems a tenant connects. `webhook` holds the secrets inbound senders use: `zohoSecret` (Zoho
 * workflow shared secret), `signingSecret` (HMAC of signed senders such as Deluge), `zohoNotificationToken`,
 * `moodleToken` (the Moodle plugin's bearer token) and `apiToken` (bulk sync and listing API).
 */
export type ConnectionSystem = 'zoho' | 'moodle' | 'quickbooks' | 'webhook'

const url = z.url({ protocol: /^https?$/ })

/**
 * Per system: the non-secret settings (validated, returned as stored) and the names of its secrets
 * (write-only, sealed at rest, masked on read).
 */
export const connectionSchemas = {
  zoho: {
    settings: z.strictObject({
      dataCenter: z.enum(['US', 'EU', 'IN', 'AU', 'JP', 'CA', 'SA', 'CN']),
      clientId: z.string().min(1),
      environment: z.enum(['production', 'sandbox', 'developer']).optional(),
    }),
    secrets: ['clientSecret', 'refreshToken'],
  },
  moodle: {
    // The names the hosts' Moodle configuration uses (see @edusync/moodle's provisioning flows).
    settings: z.strictObject({
      url,
      roles: z
        .strictObject({
          student: z.int().positive().optional(),
          editingTeacher: z.int().positive().optional(),
        })
        .optional(),
      /** Canonical program id -> Moodle category id. */
      categories: z.record(z.string().min(1), z.int().positive()).optional(),
      defaultCategoryId: z.int().positive().optional(),
      defaultUsers: z
        .array(z.strictObject({ userid: z.int().positive(), roleid: z.int().positive().optional() }))
        .optional(),
    }),
    secrets: ['token'],
  },
  quickbooks: {
    settings: z.strictObject({
      realmId: z.string().regex(/^\d+$/, 'a QuickBooks realm id is digits'),
      environment: z.enum(['sandbox', 'production']),
      clientId: z.string().min(1).optional(),
    }),
    secrets: ['clientSecret', 'accessToken', 'refreshToken'],
  },
  webhook: {
    settings: z.strictObject({}),
    secrets: ['zohoSecret', 'signingSecret', 'zohoNotificationToken', 'moodleToken', 'apiToken'],
  },
} as const satisfies Record<ConnectionSystem, { settings: z.ZodType; secrets: readonly string[] }>

/** Every {@link ConnectionSystem}. */
export const connectionSystems = Object.keys(connectionSchemas) as ConnectionSystem[]

/** A connection as stored in the registry: settings plus sealed secrets. */
export interface StoredConnection {
  readonly settings: Readonly<Record<string, unknown>>
  readonly secrets: Readonly<Record<string, SealedSecret>>
}

/** A connection as an API client writes it: secrets in plaintext (`null` removes one, absent keeps it). */
export interface ConnectionInput {
  readonly settings: Readonly<Record<string, unknown>>
  readonly secrets?: Readonly<Record<string, string | null>>
}

/** A connection as read back: settings, and for each secret only that it is set and under which key. */
export interface MaskedConnection {
  readonly settings: Readonly<Record<string, unknown>>
  readonly secrets: Readonly<Record<string, { readonly set: true; readonly kid: string }>>
}

/** One problem with a connection input: where, which rule, and (never for secrets) what was received. */
export interface ConnectionIssue {
  readonly path: string
  readonly message: string
}

/** Where a secret is sealed for (the authenticated context of its ciphertext). */
export const secretContext = (tenant: string, system: ConnectionSystem, name: string) =>
  `${tenant}/${system}/${name}`

/**
 * Validates a connection input and seals its secrets, merging with the stored connection: a secret left
 * out keeps its sealed value, `null` removes it. Issues name the field and rule; secret values are never
 * echoed.
 */
export function sealConnection(
  box: SecretBox,
  tenant: string,
  system: ConnectionSystem,
  input: ConnectionInput,
  previous?: StoredConnection,
): Result<StoredConnection, readonly ConnectionIssue[]> {
  const schema = connectionSchemas[system]
  const issues: ConnectionIssue[] = []
  const parsed = schema.settings.safeParse(input.settings)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ path: ['settings', ...issue.path.map(String)].join('.'), message: issue.message })
    }
  }
  const secrets: Record<string, SealedSecret> = { ...(previous?.secrets ?? {}) }
  for (const [name, value] of Object.entries(input.secrets ?? {})) {
    if (!(schema.secrets as readonly string[]).includes(name)) {
      issues.push({
        path: `secrets.${name}`,
        message: `unknown secret; ${system} has ${schema.secrets.join(', ')}`,
      })
    } else if (value === null) {
      delete secrets[name]
    } else if (typeof value !== 'string' || value === '') {
      issues.push({ path: `secrets.${name}`, message: 'must be a non-empty string (or null to remove it)' })
    } else {
      secrets[name] = box.seal(value, secretContext(tenant, system, name))
    }
  }
  if (issues.length > 0 || !parsed.success) return err(issues)
  return ok({ settings: parsed.data as Record<string, unknown>, secrets })
}

/** Reads a stored connection document (as the registry returns it), refusing one of another shape. */
export function asStoredConnection(value: Readonly<Record<string, unknown>>): StoredConnection {
  const settings = (value.settings ?? {}) as Record<string, unknown>
  const raw = (value.secrets ?? {}) as Record<string, unknown>
  const secrets: Record<string, SealedSecret> = {}
  for (const [name, secret] of Object.entries(raw))
    if (isSealed(secret)) secrets[name] = secret as SealedSecret
  return { settings, secrets }
}

/** The connection as an API may show it: settings, and which secrets are set. */
export function maskConnection(connection: StoredConnection): MaskedConnection {
  return {
    settings: connection.settings,
    secrets: Object.fromEntries(
      Object.entries(connection.secrets).map(([name, s]) => [name, { set: true as const, kid: s.kid }]),
    ),
  }
}

/** Opens every secret of a connection, for a host or a "test connection" call. */
export function openConnection(
  box: SecretBox,
  tenant: string,
  system: ConnectionSystem,
  connection: StoredConnection,
): Result<{ settings: Readonly<Record<string, unknown>>; secrets: Record<string, string> }, SecretError> {
  const secrets: Record<string, string> = {}
  for (const [name, sealed] of Object.entries(connection.secrets)) {
    const opened = box.open(sealed, secretContext(tenant, system, name))
    if (opened.isErr()) return err(opened.error)
    secrets[name] = opened.value
  }
  return ok({ settings: connection.settings, secrets })
}
