/** @internal The finance statements, schema-qualified with the (quoted) schema `s`. */
export function financeSql(s: string) {
  const table = {
    school: `${s}.finance_schools`,
    invoice: `${s}.finance_invoices`,
    invoicePayment: `${s}.finance_payments`,
  }
  const paidExpr = `CASE WHEN p.reverses IS NULL THEN p.amount_minor ELSE -p.amount_minor END`

  // What was unpaid on each invoice of the scope as of $5 (asOf), with its days past due: the invoice's
  // running paid total (migration 0013) minus the payments made after asOf, which are few (aging is
  // normally asked for today), instead of summing every payment of the scope.
  const unpaid = (column: 'student_id' | 'school_id', invoices: string) => /* sql */ `
later AS (
  SELECT p.invoice_id, sum(${paidExpr}) AS paid
    FROM ${table.invoicePayment} p
   WHERE p.tenant = $1 AND p.${column} = $2 AND p.paid_on > $5::date
   GROUP BY p.invoice_id
),
unpaid AS (
  SELECT i.student_id, i.currency, i.total_minor - (i.paid_minor - coalesce(l.paid, 0)) AS remaining,
         $5::date - i.due_date AS late
    FROM ${invoices} i LEFT JOIN later l ON l.invoice_id = i.id
   WHERE i.issue_date <= $5::date
)`

  // One statement per scope column (student_id or school_id), so each filter has its own index.
  const statement = (column: 'student_id' | 'school_id') => /* sql */ `
WITH scoped AS MATERIALIZED (
  -- The scope's invoices, every date: payments take their number from here (a payment's invoice is
  -- always in the payment's scope), so no payment looks its invoice up by key.
  SELECT i.id, i.number, i.student_id, i.issue_date, i.due_date, i.currency, i.total_minor, i.paid_minor
    FROM ${table.invoice} i
   WHERE i.tenant = $1 AND i.${column} = $2
),
entries AS (
  SELECT i.issue_date AS d, 0 AS rank, i.id, i.id AS invoice_id, i.number, i.student_id, i.currency,
         i.total_minor::numeric AS amount
    FROM scoped i
   WHERE i.issue_date <= greatest($4::date, $5::date)
  UNION ALL
  SELECT p.paid_on, CASE WHEN p.reverses IS NULL THEN 1 ELSE 2 END, p.id, p.invoice_id, i.number, i.student_id,
         p.currency, -(${paidExpr})::numeric
    FROM ${table.invoicePayment} p
    JOIN scoped i ON i.id = p.invoice_id
   WHERE p.tenant = $1 AND p.${column} = $2 AND p.paid_on <= greatest($4::date, $5::date)
),
opening AS (
  SELECT currency, coalesce(sum(amount) FILTER (WHERE d < $3::date), 0) AS opening FROM entries GROUP BY currency
),
${unpaid(column, 'scoped')},
aging AS (
  SELECT currency,
         coalesce(sum(remaining) FILTER (WHERE late <= 0), 0) AS a0,
         coalesce(sum(remaining) FILTER (WHERE late BETWEEN 1 AND 30), 0) AS a1,
         coalesce(sum(remaining) FILTER (WHERE late BETWEEN 31 AND 60), 0) AS a2,
         coalesce(sum(remaining) FILTER (WHERE late BETWEEN 61 AND 90), 0) AS a3,
         coalesce(sum(remaining) FILTER (WHERE late > 90), 0) AS a4
    FROM unpaid WHERE remaining > 0 GROUP BY currency
)
-- Opening rows (d IS NULL) sort first in their currency; lines keep the window's order, which is the
-- final order too, so the planner merges the two inputs instead of sorting every line again.
SELECT part, currency, amount::text AS amount, balance::text AS balance, d::text AS d, rank, id, invoice_id, number,
       student_id, a0::text AS a0, a1::text AS a1, a2::text AS a2, a3::text AS a3, a4::text AS a4
  FROM (
    SELECT 0 AS part, o.currency, o.opening AS amount, NULL::numeric AS balance, NULL::date AS d, NULL::int AS rank,
           NULL::text COLLATE "C" AS id, NULL::text AS invoice_id, NULL::text AS number, NULL::text AS student_id,
           coalesce(a.a0, 0) AS a0, coalesce(a.a1, 0) AS a1, coalesce(a.a2, 0) AS a2, coalesce(a.a3, 0) AS a3,
           coalesce(a.a4, 0) AS a4
      FROM opening o LEFT JOIN aging a ON a.currency = o.currency
    UNION ALL
    SELECT 1, e.currency, e.amount,
           o.opening + sum(e.amount) OVER (PARTITION BY e.currency
             ORDER BY e.d NULLS FIRST, e.rank NULLS FIRST, e.id COLLATE "C" NULLS FIRST ROWS UNBOUNDED PRECEDING),
           e.d, e.rank, e.id COLLATE "C", e.invoice_id, e.number, e.student_id, NULL, NULL, NULL, NULL, NULL
      FROM entries e JOIN opening o ON o.currency = e.currency
     WHERE e.d >= $3::date AND e.d <= $4::date
  ) statement
 ORDER BY statement.currency, statement.d NULLS FIRST, statement.rank NULLS FIRST, statement.id NULLS FIRST`

  // Per student and currency: opening, period debits and credits, and aging, all aggregates (no line
  // leaves the server). Closing is opening + debits - credits. A student has a row in a currency when it
  // has an invoice or payment in it dated on or before the later of `to` and `asOf`, as statements do.
  const summary = (column: 'student_id' | 'school_id') => /* sql */ `
WITH later AS (
  SELECT p.invoice_id, sum(${paidExpr})::bigint AS paid
    FROM ${table.invoicePayment} p
   WHERE p.tenant = $1 AND p.${column} = $2 AND p.paid_on > $5::date
   GROUP BY p.invoice_id
),
-- One pass over the invoices: what they charge before and in the period, and what is unpaid as of asOf
-- (running paid total minus the payments after asOf) by days past due.
charged AS (
  SELECT i.student_id, i.currency,
         sum(i.total_minor) FILTER (WHERE i.issue_date < $3::date) AS opening,
         sum(i.total_minor) FILTER (WHERE i.issue_date BETWEEN $3::date AND $4::date) AS debits,
         sum(u.remaining) FILTER (WHERE u.late <= 0) AS a0,
         sum(u.remaining) FILTER (WHERE u.late BETWEEN 1 AND 30) AS a1,
         sum(u.remaining) FILTER (WHERE u.late BETWEEN 31 AND 60) AS a2,
         sum(u.remaining) FILTER (WHERE u.late BETWEEN 61 AND 90) AS a3,
         sum(u.remaining) FILTER (WHERE u.late > 90) AS a4
    FROM ${table.invoice} i
    LEFT JOIN later l ON l.invoice_id = i.id
    CROSS JOIN LATERAL (
      SELECT CASE WHEN i.issue_date <= $5::date THEN i.total_minor - i.paid_minor + coalesce(l.paid, 0) ELSE 0 END
               AS remaining,
             $5::date - i.due_date AS late) u
   WHERE i.tenant = $1 AND i.${column} = $2 AND i.issue_date <= greatest($4::date, $5::date)
   GROUP BY i.student_id, i.currency
),
-- One pass over the payments and reversals: before the period (opening), reversals and payments in it.
paid AS (
  SELECT p.student_id, p.currency,
         sum(-(${paidExpr})) FILTER (WHERE p.paid_on < $3::date) AS opening,
         sum(p.amount_minor) FILTER (WHERE p.reverses IS NOT NULL AND p.paid_on BETWEEN $3::date AND $4::date) AS debits,
         sum(p.amount_minor) FILTER (WHERE p.reverses IS NULL AND p.paid_on BETWEEN $3::date AND $4::date) AS credits
    FROM ${table.invoicePayment} p
   WHERE p.tenant = $1 AND p.${column} = $2 AND p.paid_on <= greatest($4::date, $5::date)
   GROUP BY p.student_id, p.currency
)
SELECT student_id, currency,
       (coalesce(c.opening, 0) + coalesce(p.opening, 0))::text AS opening,
       (coalesce(c.debits, 0) + coalesce(p.debits, 0))::text AS debits,
       coalesce(p.credits, 0)::text AS credits,
       coalesce(c.a0, 0)::text AS a0, coalesce(c.a1, 0)::text AS a1, coalesce(c.a2, 0)::text AS a2,
       coalesce(c.a3, 0)::text AS a3, coalesce(c.a4, 0)::text AS a4
  FROM charged c FULL JOIN paid p USING (student_id, currency)
 ORDER BY currency, student_id COLLATE "C"`

  return {
    table,
    summaryByStudent: summary('student_id'),
    summaryBySchool: summary('school_id'),
    statementByStudent: statement('student_id'),
    statementBySchool: statement('school_id'),
    bigStatementSettings: `SELECT set_config('work_mem', '128MB', true), set_config('jit', 'off', true)`,

    // Advisory locks, taken in key order so two batches can never wait on each other in a cycle.
    lock: `SELECT pg_advisory_xact_lock(k) FROM (
             SELECT DISTINCT hashtextextended($1 || '/' || key, 0) AS k FROM unnest($2::text[]) AS key) keys
           ORDER BY k`,
    stored: (entity: keyof typeof table) =>
      `SELECT id, fingerprint, data FROM ${table[entity]} WHERE tenant = $1 AND id = ANY($2::text[])`,
    schools: `SELECT id FROM ${table.school} WHERE tenant = $1 AND id = ANY($2::text[])`,
    balances: `SELECT i.id, i.number, i.school_id, i.student_id, i.currency, i.due_date::text AS due_date,
                      i.total_minor::text AS total_minor,
                      coalesce((SELECT sum(${paidExpr}) FROM ${table.invoicePayment} p
                                 WHERE p.tenant = i.tenant AND p.invoice_id = i.id), 0)::text AS paid_minor
                 FROM ${table.invoice} i WHERE i.tenant = $1 AND i.id = ANY($2::text[])`,
    openInvoices: `SELECT * FROM (
                     SELECT i.id, i.number, i.school_id, i.student_id, i.currency, i.due_date::text AS due_date,
                            i.total_minor::text AS total_minor,
                            coalesce((SELECT sum(${paidExpr}) FROM ${table.invoicePayment} p
                                       WHERE p.tenant = i.tenant AND p.invoice_id = i.id), 0) AS paid
                       FROM ${table.invoice} i WHERE i.tenant = $1 AND i.student_id = ANY($2::text[])) o
                    WHERE o.total_minor::bigint > o.paid
                    ORDER BY o.student_id COLLATE "C", o.id COLLATE "C"`,
    payments: `SELECT p.id, p.invoice_id, p.currency, p.amount_minor::text AS amount_minor, p.reverses,
                      r.id AS reversed_by
                 FROM ${table.invoicePayment} p
                 LEFT JOIN ${table.invoicePayment} r ON r.tenant = p.tenant AND r.reverses = p.id
                WHERE p.tenant = $1 AND p.id = ANY($2::text[])`,
    studentSchools: `SELECT DISTINCT ON (student_id) student_id, school_id FROM ${table.invoice}
                      WHERE tenant = $1 AND student_id = ANY($2::text[]) ORDER BY student_id, issue_date, id`,
    studentsWithInvoices: `SELECT DISTINCT student_id FROM ${table.invoice}
                            WHERE tenant = $1 AND student_id = ANY($2::text[])`,

    upsertSchools: `INSERT INTO ${table.school} (tenant, id, fingerprint, data)
                    SELECT $1, u.id, u.fp, u.data::json FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, fp, data)
                    ON CONFLICT (tenant, id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, data = EXCLUDED.data`,
    upsertInvoices: `INSERT INTO ${table.invoice}
                       (tenant, id, school_id, student_id, number, issue_date, due_date, currency, total_minor, fingerprint, data)
                     SELECT $1, d->>'id', d->>'schoolId', d->>'studentId', d->>'number', (d->>'issueDate')::date,
                            (d->>'dueDate')::date, d->>'currency', (d->'total'->>'minor')::bigint, u.fp, u.data::json
                       FROM unnest($2::text[], $3::text[]) AS u(fp, data), LATERAL (SELECT u.data::jsonb AS d) j
                     ON CONFLICT (tenant, id) DO UPDATE SET number = EXCLUDED.number, issue_date = EXCLUDED.issue_date,
                       due_date = EXCLUDED.due_date, total_minor = EXCLUDED.total_minor,
                       fingerprint = EXCLUDED.fingerprint, data = EXCLUDED.data`,
    insertPayments: `INSERT INTO ${table.invoicePayment}
                       (tenant, id, invoice_id, student_id, school_id, currency, amount_minor, reverses, paid_on, fingerprint, data)
                     SELECT $1, d->>'id', d->>'invoiceId', i.student_id, i.school_id, d->'amount'->>'currency',
                            (d->'amount'->>'minor')::bigint, d->>'reverses', (d->>'paidOn')::date, u.fp, u.data::json
                       FROM unnest($2::text[], $3::text[]) AS u(fp, data)
                       CROSS JOIN LATERAL (SELECT u.data::jsonb AS d) j
                       JOIN ${table.invoice} i ON i.tenant = $1 AND i.id = d->>'invoiceId'
                     ON CONFLICT (tenant, id) DO NOTHING
                     RETURNING invoice_id, ${paidExpr.replaceAll('p.', '')} AS effect`,
    // The invoices' running paid totals, in the transaction that recorded the payments (under their locks).
    addPaid: `UPDATE ${table.invoice} i SET paid_minor = i.paid_minor + u.effect
                FROM (SELECT id, sum(effect) AS effect FROM unnest($2::text[], $3::bigint[]) AS x(id, effect)
                       GROUP BY id) u
               WHERE i.tenant = $1 AND i.id = u.id`,
    unpark: `WITH gone AS (DELETE FROM ${s}.finance_parked WHERE tenant = $1 AND entity = $2 AND id = ANY($3::text[]))
             DELETE FROM ${s}.finance_parked_waiting WHERE tenant = $1 AND entity = $2 AND id = ANY($3::text[])`,
    park: `INSERT INTO ${s}.finance_parked (tenant, entity, id, fingerprint, data, waiting_for, parked_at, updated_at)
           SELECT $1, $2, u.id, u.fp, u.data::json, u.waiting::jsonb, statement_timestamp(), statement_timestamp()
             FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, fp, data, waiting)
           ON CONFLICT (tenant, entity, id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, data = EXCLUDED.data,
             waiting_for = EXCLUDED.waiting_for, updated_at = EXCLUDED.updated_at`,
    parkWaiting: `INSERT INTO ${s}.finance_parked_waiting (tenant, entity, id, waiting_entity, waiting_id)
                  SELECT DISTINCT $1, $2, u.id, u.we, u.wi FROM unnest($3::text[], $4::text[], $5::text[]) AS u(id, we, wi)
                  ON CONFLICT DO NOTHING`,
    parkedWaitingFor: `SELECT p.entity, p.id, p.fingerprint, p.data, p.waiting_for, p.parked_at, p.updated_at
                         FROM ${s}.finance_parked p
                        WHERE p.tenant = $1 AND EXISTS (
                          SELECT 1 FROM ${s}.finance_parked_waiting w
                            JOIN unnest($2::text[], $3::text[]) AS r(entity, id) ON r.entity = w.waiting_entity AND r.id = w.waiting_id
                           WHERE w.tenant = p.tenant AND w.entity = p.entity AND w.id = p.id)
                        ORDER BY p.parked_at, p.id`,
    listParked: `SELECT entity, id, fingerprint, data, waiting_for, parked_at, updated_at FROM ${s}.finance_parked
                  WHERE tenant = $1 AND ($2::text IS NULL OR entity = $2) ORDER BY parked_at, id LIMIT $3`,
    bumpVersions: `INSERT INTO ${s}.finance_statement_versions (tenant, scope, id, version)
                   SELECT $1, u.scope, u.id, 1 FROM unnest($2::text[], $3::text[]) AS u(scope, id)
                   ON CONFLICT (tenant, scope, id) DO UPDATE SET version = finance_statement_versions.version + 1`,
    versions: `SELECT u.ord, coalesce(v.version, 0)::text AS version
                 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(scope, id, ord)
                 LEFT JOIN ${s}.finance_statement_versions v ON v.tenant = $1 AND v.scope = u.scope AND v.id = u.id
                ORDER BY u.ord`,
    insertAccruals: `INSERT INTO ${s}.finance_accruals (tenant, contract_id, month, amount_minor, currency, days)
                     SELECT $1, u.c, u.m::date, u.a::bigint, u.cur, u.d
                       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS u(c, m, a, cur, d)
                     ON CONFLICT (tenant, contract_id, month) DO NOTHING
                     RETURNING contract_id, month::text AS month`,
    accrualsByKey: `SELECT contract_id, month::text AS month, amount_minor::text AS amount_minor, currency, days
                      FROM ${s}.finance_accruals a
                      JOIN unnest($2::text[], $3::text[]) AS u(c, m) ON a.contract_id = u.c AND a.month = u.m::date
                     WHERE a.tenant = $1`,
    listAccruals: `SELECT contract_id, month::text AS month, amount_minor::text AS amount_minor, currency, days
                     FROM ${s}.finance_accruals WHERE tenant = $1 AND ($2::text IS NULL OR contract_id = $2)
                    ORDER BY contract_id COLLATE "C", month`,
  }
}
