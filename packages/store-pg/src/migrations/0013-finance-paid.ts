/**
 * Finance statements at school scale: each invoice keeps what was paid against it (payments minus
 * reversals, all dates), maintained in the transaction that records a payment, so aging reads one
 * column instead of aggregating every payment of the period. The amount paid as of a date is this
 * total minus the payments made after that date (few: aging is normally asked for today). Backfilled
 * from the payments already stored.
 */
export const sql = /* sql */ `
ALTER TABLE finance_invoices ADD COLUMN paid_minor bigint NOT NULL DEFAULT 0;

UPDATE finance_invoices i
   SET paid_minor = p.paid
  FROM (SELECT tenant, invoice_id, sum(CASE WHEN reverses IS NULL THEN amount_minor ELSE -amount_minor END) AS paid
          FROM finance_payments GROUP BY tenant, invoice_id) p
 WHERE i.tenant = p.tenant AND i.id = p.invoice_id;
`
