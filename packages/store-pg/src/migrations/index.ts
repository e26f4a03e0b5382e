import { sql as init } from './0001-init.ts'
import { sql as inboundEvents } from './0002-inbound-events.ts'
import { sql as tombstones } from './0004-tombstones.ts'
import { sql as pushLedgerAndTokens } from './0006-push-ledger-and-tokens.ts'
import { sql as finance } from './0007-finance.ts'
import { sql as tenantRegistry } from './0010-tenant-registry.ts'
import { sql as inboxQueue } from './0011-inbox-queue.ts'
import { sql as financePaid } from './0013-finance-paid.ts'
import { sql as idempotencyGroups } from './0016-idempotency-groups.ts'
import { sql as inboxHandledRounds } from './0017-inbox-handled-rounds.ts'

/** One versioned schema change. Versions only grow; an applied migration is never edited. */
export interface Migration {
  readonly version: number
  readonly name: string
  /** Plain SQL, run with `search_path` set to the target schema. */
  readonly sql: string
}

// SQL lives in TypeScript string modules so it is bundled by tsup and found the same way from source
// and from dist (no runtime file reads relative to a moved module).
/** Every migration, in version order. */
export const migrations: readonly Migration[] = [
  { version: 1, name: '0001_init', sql: init },
  { version: 2, name: '0002_inbound_events', sql: inboundEvents },
  { version: 4, name: '0004_tombstones', sql: tombstones },
  { version: 6, name: '0006_push_ledger_and_tokens', sql: pushLedgerAndTokens },
  { version: 7, name: '0007_finance', sql: finance },
  { version: 10, name: '0010_tenant_registry', sql: tenantRegistry },
  { version: 11, name: '0011_inbox_queue', sql: inboxQueue },
  { version: 13, name: '0013_finance_paid', sql: financePaid },
  { version: 16, name: '0016_idempotency_groups', sql: idempotencyGroups },
  { version: 17, name: '0017_inbox_handled_rounds', sql: inboxHandledRounds },
]
