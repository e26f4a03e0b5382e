import { createMemoryStore, createMemoryTokenStore } from '@edusync/core'
import { describe, expect, it } from 'vitest'
import { seedRefreshToken } from '../auth/seed-tokens.ts'
import { tokenKey } from '../auth/token-manager.ts'
import type { CustomerSubject } from '../map/customer.ts'
import { storeSubjects } from './store-subjects.ts'

const T = 'acme'
const fp = (n: number) => n.toString(16).padStart(64, '0')

async function collect(source: AsyncIterable<CustomerSubject>) {
  const out: CustomerSubject[] = []
  for await (const s of source) out.push(s)
  return out
}

describe('storeSubjects', () => {
  it('reads applicants and students page by page, each student with its latest registration', async () => {
    const store = createMemoryStore()
    const put = async (entity: string, rows: Record<string, unknown>[]) =>
      (
        await store.applyBatch(T, entity, {
          upserts: rows.map((data, i) => ({ id: String(data.id), fingerprint: fp(i + 1), data })),
          park: [],
          unpark: [],
        })
      )._unsafeUnwrap()
    await put(
      'student',
      Array.from({ length: 5 }, (_, i) => ({
        id: `STU-${i}`,
        firstName: 'Jean',
        lastName: `Uwase${i}`,
        status: 'active',
      })),
    )
    // Unreadable as a student (no first name): left out and reported, the others go on.
    await put('student', [{ id: 'STU-9', lastName: 'Nameless', status: 'active' }])
    await put('applicant', [{ id: 'APP-1', firstName: 'Aline', lastName: 'Mukamana', status: 'submitted' }])
    await put('registration', [
      {
        id: 'REG-1',
        studentId: 'STU-1',
        programId: 'P1',
        registrationDate: '2025-09-01',
        status: 'active',
        registrationNumber: '2025/BIT/001',
      },
      {
        id: 'REG-2',
        studentId: 'STU-1',
        programId: 'P2',
        registrationDate: '2026-09-01',
        status: 'active',
        registrationNumber: '2026/BIT/001',
        intake: 'SEP-2026',
      },
    ])
    const skipped: string[] = []
    const subjects = await collect(
      storeSubjects(store, T, {
        pageSize: 2,
        onUnreadable: (kind, id, problem) => skipped.push(`${kind} ${id}: ${problem}`),
      }),
    )
    expect(subjects.map((s) => `${s.kind}/${s.id}`)).toEqual([
      'applicant/APP-1',
      'student/STU-0',
      'student/STU-1',
      'student/STU-2',
      'student/STU-3',
      'student/STU-4',
    ])
    expect(subjects.find((s) => s.id === 'STU-1')).toMatchObject({
      regNo: '2026/BIT/001',
      programId: 'P2',
      intakeId: 'SEP-2026',
    })
    expect(subjects.find((s) => s.id === 'STU-0')).toMatchObject({ regNo: null })
    expect(skipped).toHaveLength(1)
    expect(skipped[0]).toMatch(/^student STU-9: firstName: /)

    const onlyApplicants = await collect(storeSubjects(store, T, { kinds: new Set(['applicant']) }))
    expect(onlyApplicants.map((s) => s.id)).toEqual(['APP-1'])
  })
})

describe('seedRefreshToken', () => {
  it('seeds an empty token store once; a stored (rotated) pair is kept; concurrent seeds write once', async () => {
    const tokens = createMemoryTokenStore()
    const seeded = await Promise.all([
      seedRefreshToken(tokens, T, '123', 'rt-env'),
      seedRefreshToken(tokens, T, '123', 'rt-env'),
    ])
    expect(seeded.map((r) => r._unsafeUnwrap()).sort()).toEqual(['kept', 'seeded'])
    const stored = (await tokens.read(T, tokenKey('123')))._unsafeUnwrap()
    expect(stored?.tokens).toMatchObject({ refreshToken: 'rt-env', accessTokenExpiresAt: 0 })
    ;(
      await tokens.compareAndSet(T, tokenKey('123'), stored?.version ?? 0, {
        ...stored!.tokens,
        refreshToken: 'rt-rotated',
      })
    )._unsafeUnwrap()
    expect((await seedRefreshToken(tokens, T, '123', 'rt-env'))._unsafeUnwrap()).toBe('kept')
    expect((await tokens.read(T, tokenKey('123')))._unsafeUnwrap()?.tokens.refreshToken).toBe('rt-rotated')
  })

  it('refuses a realm id that is not digits and an empty token, naming them', async () => {
    const tokens = createMemoryTokenStore()
    const bad = await seedRefreshToken(tokens, T, 'acme', 'rt')
    expect(bad._unsafeUnwrapErr()).toMatchObject({
      reason: 'Validation',
      message: 'realmId must be digits, got "acme"',
    })
    expect((await seedRefreshToken(tokens, T, '1', ' '))._unsafeUnwrapErr().message).toBe(
      'the refresh token to seed is empty',
    )
  })
})
