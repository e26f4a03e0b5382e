import type { TenantId } from '@edusync/core'
import type {
  CustomerSubject,
  QuickBooksAppCredentials,
  QuickBooksTenants,
  QuickBooksTenantsOptions,
} from '@edusync/quickbooks'
import { createQuickBooksTenants } from '@edusync/quickbooks'
import type { CustomerKind } from '@edusync/quickbooks/handlers'

/**
 * What the host needs to serve QuickBooks: the Intuit app, each tenant's company, where the push state
 * and tokens live, and where applicants and students come from (the school's admissions system or the
 * Store: the host decides).
 */
export interface QuickBooksHostDeps extends QuickBooksTenantsOptions {
  /** The Intuit app (client id/secret, registered redirect URI). */
  readonly app: QuickBooksAppCredentials & { readonly redirectUri: string }
  /** The tenant's applicants and students, read fresh for every operation. */
  readonly subjects: (
    tenant: TenantId,
    kinds: ReadonlySet<CustomerKind>,
  ) => AsyncIterable<CustomerSubject> | Iterable<CustomerSubject>
  /**
   * Key signing the connect flow's `state`. Give every replica the same one when the callback may land on
   * another process than the connect. @default a random key of this process
   */
  readonly stateSecret?: string | undefined
}

/** The QuickBooks side of the host: per-tenant access from `@edusync/quickbooks`, plus where people come from. */
export interface QuickBooksHost extends QuickBooksTenants {
  readonly subjects: QuickBooksHostDeps['subjects']
  readonly stateSecret: string | undefined
}

/** The QuickBooks side the route table mounts `@edusync/quickbooks/handlers` over. */
export function createQuickBooksHost(deps: QuickBooksHostDeps): QuickBooksHost {
  return { ...createQuickBooksTenants(deps), subjects: deps.subjects, stateSecret: deps.stateSecret }
}
