import pg from 'pg'
import { financeSql } from './src/sql/finance-sql.ts'

const sql = financeSql('"bench_finance"')
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
const which = process.argv[2] ?? 'student'
const text = which === 'student' ? sql.statementByStudent : ((sql as any)[which] ?? sql.statementBySchool)
const id = which === 'student' ? 'stu-77' : 'school-1'
if (which !== 'student') await pool.query("SET work_mem='128MB'; SET jit=off")
const r = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [
  'bench-school',
  id,
  '2026-01-01',
  '2026-12-31',
  '2026-12-31',
])
console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'))
await pool.end()
