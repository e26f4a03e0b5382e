import type { Store } from '@edusync/core'
import { createMemoryStore } from '@edusync/core'
import type { ZohoClient } from '@edusync/zoho'

/** A tenant's secrets as the snippets read them. */
export interface TenantSecrets {
  readonly zohoSecret: string
  readonly apiToken: string
}

// Stand-ins for what the application already has: its Store, its tenants and their Zoho clients. The
// tests fill them in.

/** The application's Store (any `Store`: store-pg's in production). */
export const store: Store = createMemoryStore()
/** The application's tenants, by id. */
export const tenants: Record<string, TenantSecrets> = {}
/** Each tenant's Zoho client (fetches id-only webhook bodies). */
export const zohoClients = new Map<string, ZohoClient>()
