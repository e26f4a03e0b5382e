import type { AuditEntry, ConfigItem, ConfigKind, TenantRecord } from '@edusync/core'
import { NOW } from './now.ts'

const TENANT_COLUMNS = 'tenant, name, status, version, created_at, updated_at'
const ITEM_COLUMNS = 'kind, key, value, version, updated_at'

/** Statements over the tenant registry, for one schema (`s` is its quoted name). */
export function registrySql(s: string) {
  // `$n::timestamptz` given by the caller's audit clock, else the statement's own time.
  const at = (n: number) => `coalesce($${n}::timestamptz, ${NOW})`
  return {
    listTenants: `SELECT ${TENANT_COLUMNS} FROM ${s}.registry_tenants ORDER BY tenant`,
    getTenant: `SELECT ${TENANT_COLUMNS} FROM ${s}.registry_tenants WHERE tenant = $1`,
    /** Locks the tenant row so a concurrent writer waits, then re-reads the committed version. */
    lockTenant: `SELECT ${TENANT_COLUMNS} FROM ${s}.registry_tenants WHERE tenant = $1 FOR UPDATE`,
    /** Creates a tenant; a concurrent creator makes it return no row. */
    insertTenant: `INSERT INTO ${s}.registry_tenants (${TENANT_COLUMNS})
      VALUES ($1, $2, $3, 1, ${at(4)}, ${at(4)})
      ON CONFLICT (tenant) DO NOTHING RETURNING ${TENANT_COLUMNS}`,
    updateTenant: `UPDATE ${s}.registry_tenants SET name = $2, status = $3, version = version + 1,
        updated_at = ${at(4)}
      WHERE tenant = $1 RETURNING ${TENANT_COLUMNS}`,

    getItem: `SELECT ${ITEM_COLUMNS} FROM ${s}.registry_items WHERE tenant = $1 AND kind = $2 AND key = $3`,
    lockItem: `SELECT ${ITEM_COLUMNS} FROM ${s}.registry_items
      WHERE tenant = $1 AND kind = $2 AND key = $3 FOR UPDATE`,
    listItems: `SELECT ${ITEM_COLUMNS} FROM ${s}.registry_items
      WHERE tenant = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY kind, key`,
    insertItem: `INSERT INTO ${s}.registry_items (tenant, ${ITEM_COLUMNS})
      VALUES ($1, $2, $3, $4::jsonb, 1, ${at(5)})
      ON CONFLICT (tenant, kind, key) DO NOTHING RETURNING ${ITEM_COLUMNS}`,
    updateItem: `UPDATE ${s}.registry_items SET value = $4::jsonb, version = version + 1, updated_at = ${at(5)}
      WHERE tenant = $1 AND kind = $2 AND key = $3 RETURNING ${ITEM_COLUMNS}`,
    deleteItem: `DELETE FROM ${s}.registry_items WHERE tenant = $1 AND kind = $2 AND key = $3`,
    /**
     * Items holding a sealed secret, across tenants (key rotation only). jsonb's `@?` finds an envelope at
     * any depth without reading documents that hold none.
     */
    sealedItems: `SELECT tenant, ${ITEM_COLUMNS} FROM ${s}.registry_items
      WHERE value @? '$.** ? (@.sealed == "aes-256-gcm")' ORDER BY tenant, kind, key`,

    appendAudit: `INSERT INTO ${s}.registry_audit (tenant, actor, at, action, kind, key, before, after)
      VALUES ($1, $2, ${at(3)}, $4, $5, $6, $7::jsonb, $8::jsonb)`,
    listAudit: `SELECT seq, tenant, actor, at, action, kind, key, before, after FROM ${s}.registry_audit
      WHERE tenant = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY seq DESC LIMIT $3`,
  }
}

/** A tenant row as the drivers return it. */
export interface TenantRow {
  tenant: string
  name: string
  status: 'active' | 'suspended'
  version: number
  created_at: Date
  updated_at: Date
}

/** A config row as the drivers return it. */
export interface ItemRow {
  kind: ConfigKind
  key: string
  value: Record<string, unknown>
  version: number
  updated_at: Date
}

/** An audit row as the drivers return it (`seq` is a bigint, returned as text by node-postgres). */
export interface AuditRow extends Omit<AuditEntry, 'seq' | 'at'> {
  seq: string | number
  at: Date
}

/** Maps a tenant row to the port's shape. */
export const toTenant = (r: TenantRow): TenantRecord => ({
  tenant: r.tenant,
  name: r.name,
  status: r.status,
  version: Number(r.version),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** Maps a config row to the port's shape. */
export const toItem = (r: ItemRow): ConfigItem => ({
  kind: r.kind,
  key: r.key,
  value: r.value,
  version: Number(r.version),
  updatedAt: r.updated_at,
})

/** Maps an audit row to the port's shape. */
export const toAudit = (r: AuditRow): AuditEntry => ({ ...r, seq: Number(r.seq) })
