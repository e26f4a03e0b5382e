import type { Store, StoreError, Student, TenantId } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { MoodleClient } from '../client.ts'
import type { MoodleError } from '../errors.ts'
import { MOODLE_SYSTEM } from '../map/ids.ts'
import type { NewMoodleUser } from '../resources/users.ts'

/** Options of {@link provisionStudents}. */
export interface ProvisionStudentsOptions {
  readonly moodle: MoodleClient
  readonly store: Store
  readonly tenant: TenantId
  /** Canonical student ids. */
  readonly studentIds: readonly string[]
}

/** What happened to one student. */
export type ProvisionedStudent =
  | { readonly studentId: string; readonly status: 'linked' | 'found' | 'created'; readonly userid: number }
  | { readonly studentId: string; readonly status: 'failed'; readonly error: string }

/**
 * Gives students Moodle accounts, retry-safe, and records each as the student's `moodle` link (which the
 * inbox processor and the grade write-back resolve through). A student already linked is left alone; one
 * whose username (the academic e-mail, lower-cased, as Moodle requires) exists is linked to that user;
 * the rest are created in one call, with Moodle e-mailing a password. Moodle rolls back a whole create
 * when one user is refused, so a refused batch is retried user by user to isolate the bad ones; a create
 * whose answer was lost is resolved by looking the usernames up again, never by creating twice.
 */
export function provisionStudents(
  options: ProvisionStudentsOptions,
): ResultAsync<ProvisionedStudent[], MoodleError | StoreError> {
  const { moodle, store, tenant } = options
  const run = async (): Promise<Result<ProvisionedStudent[], MoodleError | StoreError>> => {
    const ids = [...new Set(options.studentIds)]
    const records = await store.readRecords(tenant, 'student', ids)
    if (records.isErr()) return err(records.error)
    const links = await store.readLinks(tenant, 'student', ids)
    if (links.isErr()) return err(links.error)
    const out = new Map<string, ProvisionedStudent>()
    const todo = new Map<string, { studentId: string; user: NewMoodleUser }>()
    for (const id of ids) {
      const linked = links.value.get(id)?.find((l) => l.system === MOODLE_SYSTEM)?.externalId
      if (linked !== undefined && /^\d+$/.test(linked)) {
        out.set(id, { studentId: id, status: 'linked', userid: Number(linked) })
        continue
      }
      const s = records.value.get(id)?.data as Student | undefined
      const email = s?.academicEmail ?? s?.email
      if (!s || !email) {
        out.set(id, {
          studentId: id,
          status: 'failed',
          error: s ? 'the student has no (academic) e-mail to make a username from' : 'not in the Store',
        })
        continue
      }
      const username = email.trim().toLowerCase()
      todo.set(username, {
        studentId: id,
        user: {
          username,
          email,
          firstname: s.firstName,
          lastname: s.lastName,
          idnumber: id,
          createpassword: true,
        },
      })
    }

    const lookUp = async (usernames: readonly string[]) => {
      if (usernames.length === 0) return ok(new Map<string, number>())
      const found = await moodle.users.getByField('username', usernames)
      return found.map((users) => new Map(users.map((u) => [u.username ?? '', u.id])))
    }
    const existing = await lookUp([...todo.keys()])
    if (existing.isErr()) return err(existing.error)
    for (const [username, { studentId }] of todo) {
      const userid = existing.value.get(username)
      if (userid !== undefined) {
        out.set(studentId, { studentId, status: 'found', userid })
        todo.delete(username)
      }
    }

    const create = async (
      batch: { studentId: string; user: NewMoodleUser }[],
    ): Promise<Result<void, MoodleError>> => {
      if (batch.length === 0) return ok(undefined)
      const made = await moodle.users.create(batch.map((b) => b.user))
      if (made.isOk()) {
        for (const u of made.value) {
          const b = batch.find((x) => x.user.username === u.username)
          if (b) out.set(b.studentId, { studentId: b.studentId, status: 'created', userid: u.id })
        }
        return ok(undefined)
      }
      if (
        made.error.reason === 'Timeout' ||
        made.error.reason === 'Transport' ||
        made.error.reason === 'Unavailable'
      ) {
        const again = await lookUp(batch.map((b) => b.user.username))
        if (again.isErr()) return err(made.error)
        const missing = batch.filter((b) => !again.value.has(b.user.username))
        for (const b of batch) {
          const userid = again.value.get(b.user.username)
          if (userid !== undefined)
            out.set(b.studentId, { studentId: b.studentId, status: 'created', userid })
        }
        return missing.length === 0 ? ok(undefined) : err(made.error)
      }
      if (batch.length === 1) {
        const b = batch[0] as { studentId: string }
        out.set(b.studentId, { studentId: b.studentId, status: 'failed', error: made.error.message })
        return ok(undefined)
      }
      // One refused user rolled the whole call back: find which, one call per user.
      for (const b of batch) {
        const single = await create([b])
        if (single.isErr()) return single
      }
      return ok(undefined)
    }
    const created = await create([...todo.values()])
    if (created.isErr()) return err(created.error)

    const newLinks = [...out.values()].flatMap((r) =>
      r.status === 'found' || r.status === 'created'
        ? [{ entity: 'student', id: r.studentId, system: MOODLE_SYSTEM, externalId: String(r.userid) }]
        : [],
    )
    if (newLinks.length > 0) {
      const written = await store.upsertLinks(tenant, newLinks)
      if (written.isErr()) return err(written.error)
    }
    return ok(ids.map((id) => out.get(id) as ProvisionedStudent))
  }
  return new ResultAsync(run())
}
