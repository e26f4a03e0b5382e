import { NOW } from './now.ts'
import { prepared } from './prepared.ts'

/** Statements over cross-system links, for one schema (`s` is its quoted name). */
export function linksSql(s: string) {
  return prepared({
    // Index probes per requested key, fenced with OFFSET 0 (see recordsSql) so stale statistics cannot
    // turn them into a scan of the tenant's links.
    read: `SELECT l.entity, l.id, l.system, l.external_id FROM unnest($3::text[]) AS k(id)
      CROSS JOIN LATERAL (
        SELECT * FROM ${s}.links WHERE tenant = $1 AND entity = $2 AND id = k.id OFFSET 0
      ) l
      ORDER BY l.id, l.system`,

    findByExternalIds: `SELECT l.external_id, l.id FROM unnest($4::text[]) AS k(external_id)
      CROSS JOIN LATERAL (
        SELECT external_id, id FROM ${s}.links
        WHERE tenant = $1 AND system = $2 AND entity = $3 AND external_id = k.external_id OFFSET 0
      ) l`,

    /**
     * Serialises writers of the same external ids (transaction-scoped advisory locks, taken in one order
     * so two batches cannot deadlock): the later writer then sees the earlier one's committed link and
     * moves it, instead of colliding with it on the unique key.
     */
    lockExternalIds: `SELECT count(pg_advisory_xact_lock(${0x65646c6b}, hashtext(k))) AS locked
      FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys`,

    // The deletes find their rows by index probes per input link, then delete by row address (ctid):
    // a join here could become a nested loop over a misestimated table, O(links x input).

    /** Frees external ids that the batch gives to another record (an external id names one record). */
    releaseMoved: `DELETE FROM ${s}.links WHERE ctid = ANY(ARRAY(
        SELECT l.ctid
        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS i(entity, id, system, external_id)
        CROSS JOIN LATERAL (
          SELECT ctid, id FROM ${s}.links
          WHERE tenant = $1 AND system = i.system AND entity = i.entity AND external_id = i.external_id
          OFFSET 0
        ) l
        WHERE l.id <> i.id
      ))`,

    /** Deletes links a later link of the same batch moved away (the batch applies in order). */
    deleteKeys: `DELETE FROM ${s}.links WHERE ctid = ANY(ARRAY(
        SELECT l.ctid FROM unnest($2::text[], $3::text[], $4::text[]) AS k(entity, id, system)
        CROSS JOIN LATERAL (
          SELECT ctid FROM ${s}.links
          WHERE tenant = $1 AND entity = k.entity AND id = k.id AND system = k.system OFFSET 0
        ) l
      ))`,

    upsert: `INSERT INTO ${s}.links AS l (tenant, entity, id, system, external_id, updated_at)
      SELECT $1, i.entity, i.id, i.system, i.external_id, ${NOW}
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS i(entity, id, system, external_id)
      ORDER BY i.entity COLLATE "C", i.id COLLATE "C", i.system COLLATE "C"
      ON CONFLICT (tenant, entity, id, system) DO UPDATE
        SET external_id = excluded.external_id, updated_at = excluded.updated_at
        WHERE l.external_id IS DISTINCT FROM excluded.external_id`,
  })
}
