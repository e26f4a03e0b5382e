import type { OutcomeCounts, Store, SyncEngine } from '@edusync/core'
import type { Finance } from '@edusync/core/finance'
import type { HostConfig, TenantConfig } from './config.ts'
import type { Logger } from './logger.ts'
import type { MoodleSide } from './moodle/moodle-side.ts'
import type { SyncCoalescer } from './sync-coalescer.ts'
import type { ZohoIntake } from './zoho/zoho-intake.ts'

/** Per-request state: the request id, a logger bound to it, and what the request log line reports. */
export interface RequestContext {
  readonly requestId: string
  /** Bound to the request id; passed to the engine so its lines carry it too. */
  readonly log: Logger
  /** Route params Express resolved (`tenant`, `module`, `entity`). */
  params: Readonly<Record<string, string>>
  tenant?: string
  counts?: OutcomeCounts
}

/** What the routes share. */
export interface HostServices {
  readonly config: HostConfig
  readonly store: Store
  readonly engine: SyncEngine
  readonly logger: Logger
  readonly zoho: ZohoIntake
  /** Merges concurrent single-record webhooks into shared engine batches. */
  readonly coalescer: SyncCoalescer
  /** The Moodle inbox processor, provisioning and grade write-back. */
  readonly moodle: MoodleSide
  /** Invoices, payments, statements (see routes/finance.ts). */
  readonly finance: Finance
}

/** The configuration of a tenant named in a route, or `undefined` (answered 404). */
export function tenantOf(config: HostConfig, id: string | undefined): TenantConfig | undefined {
  return id !== undefined && Object.hasOwn(config.tenants, id) ? config.tenants[id] : undefined
}
