import { describe, expect, it } from 'vitest'
import { sql } from '../migrations/0011-inbox-queue-and-rosters.ts'
import { normalisedEmail } from './rosters-sql.ts'

// An expression index serves only queries that repeat its expression exactly.
describe('the e-mail lookup and its indexes', () => {
  it('query the same normalised expression that migration 0011 indexes', () => {
    expect(sql).toContain(`(tenant, ${normalisedEmail('email')})`)
    expect(sql).toContain(`(tenant, ${normalisedEmail('academicEmail')})`)
  })
})
