/**
 * Money: schools, invoices, payments-against-invoice, parked finance records, statement versions and
 * accruals. Plain SQL run with `search_path` set to the target schema. Every key starts with `tenant`.
 *
 * Invoices and payments keep the columns statements compute with (dates, currency, integer minor units)
 * next to the canonical document (`data`, returned whole). Payments carry their invoice's student and
 * school, copied when the payment is recorded (an invoice's student and school never change), so a
 * statement reads one index range per table instead of joining through invoices to filter.
 */
export const sql = /* sql */ `
CREATE TABLE finance_schools (
  tenant      text NOT NULL,
  id          text NOT NULL CHECK (id <> ''),
  fingerprint text NOT NULL,
  data        json NOT NULL,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE finance_invoices (
  tenant      text NOT NULL,
  id          text NOT NULL CHECK (id <> ''),
  school_id   text NOT NULL,
  student_id  text NOT NULL,
  number      text NOT NULL,
  issue_date  date NOT NULL,
  due_date    date NOT NULL,
  currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_minor bigint NOT NULL CHECK (total_minor > 0),
  fingerprint text NOT NULL,
  data        json NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX finance_invoices_student ON finance_invoices (tenant, student_id, issue_date);
CREATE INDEX finance_invoices_school ON finance_invoices (tenant, school_id, issue_date);

CREATE TABLE finance_payments (
  tenant       text NOT NULL,
  id           text NOT NULL CHECK (id <> ''),
  invoice_id   text NOT NULL,
  student_id   text NOT NULL,
  school_id    text NOT NULL,
  currency     text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  -- NULL for a payment; for a reversal, the payment it cancels (at most one reversal per payment).
  reverses     text,
  paid_on      date NOT NULL,
  fingerprint  text NOT NULL,
  data         json NOT NULL,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, reverses)
);
CREATE INDEX finance_payments_invoice ON finance_payments (tenant, invoice_id);
CREATE INDEX finance_payments_student ON finance_payments (tenant, student_id, paid_on);
CREATE INDEX finance_payments_school ON finance_payments (tenant, school_id, paid_on);

CREATE TABLE finance_parked (
  tenant      text NOT NULL,
  entity      text NOT NULL,
  id          text NOT NULL,
  fingerprint text NOT NULL,
  data        json NOT NULL,
  waiting_for jsonb NOT NULL,
  parked_at   timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant, entity, id)
);
CREATE INDEX finance_parked_oldest ON finance_parked (tenant, parked_at, id);

CREATE TABLE finance_parked_waiting (
  tenant         text NOT NULL,
  entity         text NOT NULL,
  id             text NOT NULL,
  waiting_entity text NOT NULL,
  waiting_id     text NOT NULL,
  PRIMARY KEY (tenant, entity, id, waiting_entity, waiting_id)
);
CREATE INDEX finance_parked_waiting_for ON finance_parked_waiting (tenant, waiting_entity, waiting_id);

-- Bumped in the transaction of every write that changes a statement: cache keys carry it.
CREATE TABLE finance_statement_versions (
  tenant  text NOT NULL,
  scope   text NOT NULL CHECK (scope IN ('student', 'school')),
  id      text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (tenant, scope, id)
);

CREATE TABLE finance_accruals (
  tenant       text NOT NULL,
  contract_id  text NOT NULL,
  month        date NOT NULL CHECK (extract(day FROM month) = 1),
  amount_minor bigint NOT NULL,
  currency     text NOT NULL,
  days         integer NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT statement_timestamp(),
  PRIMARY KEY (tenant, contract_id, month)
);
`
