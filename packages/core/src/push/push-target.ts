import type { ResultAsync } from 'neverthrow'
import type { Store } from '../store/store.ts'
import type { EntityDefinition } from '../types/entity.ts'
import type { EntityName, TenantId } from '../types/primitives.ts'

/** One record a {@link PushTarget} is asked to send. */
export interface PushItem {
  readonly id: string
  /** `upsert`: the record is live; `delete`: it is a tombstone (send the target's delete). */
  readonly kind: 'upsert' | 'delete'
  /** The record's canonical data (a tombstone's last data for a delete). */
  readonly data: Readonly<Record<string, unknown>>
  /** The record's id in the target, once a push told it. */
  readonly targetId: string | null
  /** Whether any version of the record reached the target before (a delete of a never-pushed record is moot). */
  readonly everPushed: boolean
  /** Failed attempts so far (0 on a first try). */
  readonly attempts: number
}

/** What happened to one {@link PushItem}. */
export type PushItemResult =
  | { readonly id: string; readonly ok: true; readonly targetId: string }
  | {
      readonly id: string
      readonly ok: false
      /** The reason, shown in the ledger (`lastError`); redacted by the target. */
      readonly error: string
      /** `false`: trying again cannot help (bad data): the entry becomes a dead letter at once. */
      readonly retryable: boolean
      /**
       * The target itself is down (network, timeout, 5xx, maintenance): the run stops after this entity,
       * so children are not sent to a target that lost their parents, and a storm of calls is avoided.
       */
      readonly outage?: boolean
    }

/** What a target is given besides the items. */
export interface PushContext {
  readonly store: Store
  readonly signal?: AbortSignal | undefined
}

/**
 * A system the push runner sends records to (the Moodle dashboard, ...): its ledger name, the entities it
 * takes in dependency order, and how to send one entity's batch. It answers one result per item; an item
 * it leaves out counts as a retryable failure.
 */
export interface PushTarget {
  /** The ledger's target name, e.g. `"moodle-dashboard"`. */
  readonly name: string
  /** The entities it takes, parents first (student before registration before payment, ...). */
  readonly entities: readonly EntityDefinition[]
  push(
    tenant: TenantId,
    entity: EntityName,
    items: readonly PushItem[],
    context: PushContext,
  ): ResultAsync<readonly PushItemResult[], never>
}
