import type { ConnectionSystem } from '../registry/connections.ts'
import type { TenantRegistry } from '../registry/registry.ts'
import type { SecretBox } from '../registry/secret-box.ts'
import type { StepRunner } from '../steps/step-runner.ts'
import type { Store } from '../store/store.ts'
import type { TenantId } from '../types/primitives.ts'
import { readRawBody } from '../webhooks/raw-body.ts'
import type { ConfigAuthOptions } from './config-auth.ts'
import { authenticateConfigRequest } from './config-auth.ts'
import { connectionRoutes } from './connection-routes.ts'
import { documentRoutes } from './document-routes.ts'
import { problem } from './http.ts'
import { runRoutes } from './run-routes.ts'
import { tenantRoutes } from './tenant-routes.ts'

/** What a "test connection" call reports. */
export type ConnectionTestResult =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly message: string }

/**
 * Calls a system's cheapest authenticated endpoint with a tenant's opened connection (e.g. Moodle's
 * `core_webservice_get_site_info`, Zoho's current user). The message of a failure must not hold secrets.
 */
export type ConnectionTester = (connection: {
  readonly tenant: TenantId
  readonly settings: Readonly<Record<string, unknown>>
  readonly secrets: Readonly<Record<string, string>>
}) => Promise<ConnectionTestResult>

/** A field-map validation: whether it may be saved, and the report to show either way. */
export interface FieldMapValidation {
  readonly valid: boolean
  readonly report: unknown
}

/**
 * Validates a tenant's field-map overrides (wired to the Zoho adapter: its schema, and the live field
 * metadata when the tenant has a Zoho connection, whose opened form is passed).
 */
export type FieldMapValidator = (input: {
  readonly tenant: TenantId
  readonly overrides: Readonly<Record<string, unknown>>
  readonly zoho?: {
    readonly settings: Readonly<Record<string, unknown>>
    readonly secrets: Readonly<Record<string, string>>
  }
}) => Promise<FieldMapValidation>

/** Options of {@link createConfigApi}. */
export interface ConfigApiOptions {
  readonly registry: TenantRegistry
  readonly secrets: SecretBox
  /** Where runs are read from (and signed-request nonces kept, unless `auth.nonceStore` says otherwise). */
  readonly store: Store
  readonly auth: ConfigAuthOptions
  /** Retries failed runs (`POST .../runs/:id/retry`); without it that route answers 501. */
  readonly runner?: (tenant: TenantId) => StepRunner | undefined
  /** Field-map validation; without it field maps are refused (501): they are never saved unchecked. */
  readonly validateFieldMap?: FieldMapValidator
  /** "Test connection" per system; a system without one answers 501. */
  readonly testConnection?: Partial<Record<ConnectionSystem, ConnectionTester>>
  /** Path prefix the API is mounted under. @default "/config" */
  readonly basePath?: string
  /** Largest accepted body. @default 256 KiB */
  readonly maxBodyBytes?: number
  /** Awaited after every successful write, before the answer (hosts reload the tenant's configuration). */
  readonly onChange?: (tenant: TenantId) => void | Promise<void>
  /** Clock (timestamps of signed requests, audit times). @default () => new Date() */
  readonly now?: () => Date
}

/** The context every route group receives. */
export interface RouteContext {
  readonly options: ConfigApiOptions
  readonly request: Request
  readonly url: URL
  readonly body: Uint8Array
  readonly actor: string
  readonly now: Date
  /** Path segments after the base path. */
  readonly segments: readonly string[]
}

/** A route group: answers the request, or `undefined` when it is not one of its routes. */
export type RouteGroup = (ctx: RouteContext) => Promise<Response | undefined>

/** The configuration API: a web-standard handler. */
export type ConfigApi = (request: Request) => Promise<Response>

/**
 * Creates the configuration API (tenants, connections, module switches, field maps, schedules, runs and
 * the audit log) as one `Request -> Promise<Response>` handler, mounted by any host. Every request is
 * authenticated (admin bearer or HMAC signature); every update is conditional (`If-Match`, 409 when
 * stale); secrets are write-only. Routes are listed in the package README.
 *
 * @example
 * ```ts
 * const api = createConfigApi({ registry, secrets: box, store, auth: { adminTokens: [process.env.ADMIN_TOKEN!] } })
 * app.all('/config/*path', toExpress(api)) // or Hono, Next.js route handlers, Deno.serve ...
 * ```
 */
export function createConfigApi(options: ConfigApiOptions): ConfigApi {
  const base = (options.basePath ?? '/config').replace(/\/+$/, '')
  const groups: RouteGroup[] = [tenantRoutes, connectionRoutes, documentRoutes, runRoutes]
  const clock = options.now ?? (() => new Date())
  const auth = { ...options.auth, nonceStore: options.auth.nonceStore ?? options.store }

  return async (request) => {
    const url = new URL(request.url)
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
      return problem(404, 'NotFound', 'not a configuration route')
    }
    const raw = await readRawBody(request, options.maxBodyBytes ?? 256 * 1024)
    if (raw.isErr()) return problem(raw.error.status, raw.error.reason, raw.error.message)
    const now = clock()
    const who = await authenticateConfigRequest(auth, request, url, raw.value, now)
    if (!who.ok)
      return problem(who.status, who.status === 401 ? 'Unauthenticated' : 'Unavailable', who.message)
    const segments = url.pathname
      .slice(base.length)
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent)
    const ctx: RouteContext = { options, request, url, body: raw.value, actor: who.actor, now, segments }
    try {
      for (const group of groups) {
        const response = await group(ctx)
        if (response) return response
      }
    } catch {
      // A bug: answer without details (they could hold configuration); nothing half-written (writes are atomic).
      return problem(500, 'Internal', 'the configuration API failed')
    }
    return problem(404, 'NotFound', `no route ${request.method} ${url.pathname}`)
  }
}
