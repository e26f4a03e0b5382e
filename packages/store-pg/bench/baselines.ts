import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fingerprint, registration as registrationEntity } from '@edusync/core'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { copyField } from '../src/copy-text.ts'

const DDL = (table: string) => `DROP TABLE IF EXISTS ${table};
  CREATE TABLE ${table} (
    tenant text COLLATE "C" NOT NULL, entity text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
    fingerprint text NOT NULL CHECK (octet_length(fingerprint) = 64 AND fingerprint ~ '^[0-9a-f]+$'),
    data json NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant, entity, id))`

/**
 * The seed systems' way: per record, select its fingerprint, then insert or update it, each statement
 * committing on its own. Returns records per second.
 */
export async function naivePerRecord(url: string, records: readonly Record<string, unknown>[]) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS bench_baseline')
    await client.query(DDL('bench_baseline.naive'))
    const started = performance.now()
    for (const record of records) {
      const id = String(record.id)
      const fp = fingerprint(registrationEntity, record)
      const found = await client.query(
        'SELECT fingerprint FROM bench_baseline.naive WHERE tenant = $1 AND entity = $2 AND id = $3',
        ['t', 'registration', id],
      )
      if (found.rows.length === 0) {
        await client.query(
          'INSERT INTO bench_baseline.naive (tenant, entity, id, fingerprint, data) VALUES ($1, $2, $3, $4, $5)',
          ['t', 'registration', id, fp, JSON.stringify(record)],
        )
      } else if (found.rows[0].fingerprint !== fp) {
        await client.query(
          'UPDATE bench_baseline.naive SET fingerprint = $4, data = $5 WHERE tenant = $1 AND entity = $2 AND id = $3',
          ['t', 'registration', id, fp, JSON.stringify(record)],
        )
      }
    }
    return Math.round(records.length / ((performance.now() - started) / 1000))
  } finally {
    await client.end()
  }
}

/** COPY of the same rows into an empty table with the Store's key: the physical limit for writing them. */
export async function rawCopy(url: string, records: readonly Record<string, unknown>[]) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS bench_baseline')
    await client.query(DDL('bench_baseline.raw_copy'))
    const text = records.map(
      (r) =>
        `t\tregistration\t${copyField(String(r.id))}\t${fingerprint(registrationEntity, r)}\t${copyField(JSON.stringify(r))}\n`,
    )
    const chunks: string[] = []
    for (let i = 0; i < text.length; i += 500) chunks.push(text.slice(i, i + 500).join(''))
    const started = performance.now()
    await pipeline(
      Readable.from(chunks),
      client.query(
        copyFrom('COPY bench_baseline.raw_copy (tenant, entity, id, fingerprint, data) FROM STDIN'),
      ),
    )
    return Math.round(records.length / ((performance.now() - started) / 1000))
  } finally {
    await client.end()
  }
}

/** The slice of PGlite the raw baselines use. */
export interface PgliteRaw {
  query<T>(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[] }>
  exec(text: string): Promise<unknown>
}

/**
 * The same rows inserted by hand into the same PGlite, into an empty table with the Store's key: one
 * multi-row `INSERT ... SELECT FROM json_to_recordset` per batch of `batch` rows (the rows' fingerprints
 * computed beforehand, untimed). PGlite's physical limit for writing them through SQL. Records per second.
 */
export async function rawInsertPglite(
  db: PgliteRaw,
  records: readonly Record<string, unknown>[],
  batch: number,
) {
  await db.exec('CREATE SCHEMA IF NOT EXISTS bench_baseline')
  await db.exec(DDL('bench_baseline.raw_insert'))
  const docs: string[] = []
  for (let i = 0; i < records.length; i += batch) {
    const rows = records
      .slice(i, i + batch)
      .map((r) => ({ i: String(r.id), f: fingerprint(registrationEntity, r), d: r }))
    docs.push(JSON.stringify(rows))
  }
  const started = performance.now()
  for (const doc of docs) {
    await db.query(
      `INSERT INTO bench_baseline.raw_insert (tenant, entity, id, fingerprint, data)
       SELECT 't', 'registration', e.i, e.f, e.d FROM json_to_recordset($1::json) AS e(i text, f text, d json)`,
      [doc],
    )
  }
  return Math.round(records.length / ((performance.now() - started) / 1000))
}

/** COPY of the same rows into the same PGlite (`FROM '/dev/blob'`): context next to the raw insert. */
export async function rawCopyPglite(db: PgliteRaw, records: readonly Record<string, unknown>[]) {
  await db.exec('CREATE SCHEMA IF NOT EXISTS bench_baseline')
  await db.exec(DDL('bench_baseline.raw_copy'))
  const text = records
    .map(
      (r) =>
        `t\tregistration\t${copyField(String(r.id))}\t${fingerprint(registrationEntity, r)}\t${copyField(JSON.stringify(r))}\n`,
    )
    .join('')
  const blob = new Blob([text])
  const started = performance.now()
  await db.query(
    `COPY bench_baseline.raw_copy (tenant, entity, id, fingerprint, data) FROM '/dev/blob'`,
    [],
    { blob },
  )
  return Math.round(records.length / ((performance.now() - started) / 1000))
}
