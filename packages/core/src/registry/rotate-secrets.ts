import type { ResultAsync } from 'neverthrow'
import { okAsync } from 'neverthrow'
import type { StoreError } from '../errors/store-error.ts'
import { isSealed } from './redact.ts'
import type { AuditContext, ConfigItem, TenantRegistry } from './registry.ts'
import type { SealedSecret, SecretBox } from './secret-box.ts'
import type { SecretError } from './secret-error.ts'

/** What {@link rotateSecrets} did. */
export interface RotationReport {
  /** Items rewritten with every secret under the current key. */
  readonly rewritten: number
  /** Secrets re-wrapped. */
  readonly secrets: number
  /** Items that could not be re-wrapped (unknown key, undecryptable), by location; nothing was lost. */
  readonly failed: readonly {
    readonly tenant: string
    readonly kind: string
    readonly key: string
    readonly error: string
  }[]
}

const ATTEMPTS = 3

/**
 * Re-wraps every sealed secret in the registry under the box's current key (`edusync keys rotate`). Each
 * item is rewritten with compare-and-set on its version, retried on a concurrent change, so a token a
 * system refreshed meanwhile is never overwritten with the old one. Once it reports no failures, old keys
 * can leave the ring.
 *
 * The context of each secret is `<tenant>/<key>/<field>` where `key` is the item key (the system of a
 * connection), as {@link sealConnection} seals them.
 */
export function rotateSecrets(
  registry: TenantRegistry,
  box: SecretBox,
  audit: AuditContext,
): ResultAsync<RotationReport, StoreError> {
  return registry.listSealedItems().andThen((items) => {
    const report = { rewritten: 0, secrets: 0, failed: [] as RotationReport['failed'][number][] }
    let chain: ResultAsync<void, StoreError> = okAsync(undefined)
    for (const item of items) {
      chain = chain.andThen(() => rotateItem(registry, box, audit, item.tenant, item, ATTEMPTS, report))
    }
    return chain.map(() => report as RotationReport)
  })
}

function rotateItem(
  registry: TenantRegistry,
  box: SecretBox,
  audit: AuditContext,
  tenant: string,
  item: ConfigItem,
  attempts: number,
  report: { rewritten: number; secrets: number; failed: RotationReport['failed'][number][] },
): ResultAsync<void, StoreError> {
  let count = 0
  let failure: SecretError | undefined
  const rewrap = (value: unknown, path: string[]): unknown => {
    if (isSealed(value)) {
      const sealed = value as SealedSecret
      if (sealed.kid === box.currentKid) return sealed
      const context = [tenant, item.key, ...path].join('/')
      const result = box.rewrap(sealed, context)
      if (result.isErr()) {
        failure ??= result.error
        return sealed
      }
      count++
      return result.value
    }
    if (Array.isArray(value)) return value.map((v, i) => rewrap(v, [...path, String(i)]))
    if (typeof value === 'object' && value !== null) {
      // The `secrets` level of a connection is not part of the context (see secretContext).
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          rewrap(v, k === 'secrets' && path.length === 0 ? path : [...path, k]),
        ]),
      )
    }
    return value
  }
  const next = rewrap(item.value, []) as Record<string, unknown>
  if (failure) {
    report.failed.push({ tenant, kind: item.kind, key: item.key, error: failure.message })
    return okAsync(undefined)
  }
  if (count === 0) return okAsync(undefined)
  return registry.putConfig(tenant, item.kind, item.key, next, item.version, audit).andThen((written) => {
    if (written.status === 'written') {
      report.rewritten++
      report.secrets += count
      return okAsync(undefined)
    }
    // Changed meanwhile (a token refresh): rotate what is stored now.
    if (!written.current || attempts <= 1) {
      if (written.current) {
        report.failed.push({
          tenant,
          kind: item.kind,
          key: item.key,
          error: 'kept changing during rotation; run again',
        })
      }
      return okAsync(undefined)
    }
    return rotateItem(registry, box, audit, tenant, written.current, attempts - 1, report)
  })
}
