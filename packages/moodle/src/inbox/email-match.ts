import type { Store, StoreError, TenantId } from '@edusync/core'
import { normaliseEmail } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { MOODLE_SYSTEM } from '../map/ids.ts'

/** A Moodle user (student role) that has no `moodle` link yet. */
export interface UnlinkedUser {
  readonly userid: string
  readonly email: string
}

/** How each unlinked user was matched: to one student, or refused with why. Users absent: no match. */
export interface EmailMatches {
  /** Moodle user id -> canonical student id. */
  readonly matched: ReadonlyMap<string, string>
  /** Moodle user id -> why no student was linked (the event stays pending with it). */
  readonly refused: ReadonlyMap<string, string>
}

/**
 * Matches Moodle users without a link to existing students by normalised e-mail (the student's `email`
 * or `academicEmail`; two Store calls whatever the number of users). A user is matched only when exactly
 * one student has the address and that student is not linked to another Moodle user; several students
 * with the address, a student linked to someone else already, or a student claimed by two users are
 * refused, naming the address and the candidates. An existing link is never changed: a refused user is
 * left for a person to link (its event stays pending, and is retried by the next drain).
 */
export async function matchUsersByEmail(
  store: Store,
  tenant: TenantId,
  users: readonly UnlinkedUser[],
): Promise<Result<EmailMatches, StoreError>> {
  const matched = new Map<string, string>()
  const refused = new Map<string, string>()
  if (users.length === 0) return ok({ matched, refused })
  const found = await store.findStudentsByEmail(
    tenant,
    users.map((u) => u.email),
  )
  if (found.isErr()) return err(found.error)
  const candidates = new Map<string, string[]>()
  for (const m of found.value) candidates.set(m.email, [...(candidates.get(m.email) ?? []), m.studentId])

  const single = [...new Set([...candidates.values()].filter((ids) => ids.length === 1).flat())]
  const links = single.length > 0 ? await store.readLinks(tenant, 'student', single) : undefined
  if (links?.isErr()) return err(links.error)
  const moodleUserOf = (studentId: string) =>
    links?.isOk()
      ? links.value.get(studentId)?.find((l) => l.system === MOODLE_SYSTEM)?.externalId
      : undefined

  const claimedBy = new Map<string, string>()
  for (const { userid, email } of users) {
    if (matched.has(userid) || refused.has(userid)) continue
    const address = normaliseEmail(email)
    const ids = candidates.get(address) ?? []
    const studentId = ids[0]
    if (studentId === undefined) continue
    if (ids.length > 1) {
      refused.set(
        userid,
        `Moodle user ${userid}: e-mail ${address} matches ${ids.length} students (${ids.join(', ')}); none is linked: link the right one by hand`,
      )
      continue
    }
    const linkedTo = moodleUserOf(studentId)
    const claimant = claimedBy.get(studentId)
    if (linkedTo !== undefined && linkedTo !== userid) {
      refused.set(
        userid,
        `Moodle user ${userid}: e-mail ${address} matches student ${studentId}, which is already linked to Moodle user ${linkedTo}; the link is not changed`,
      )
    } else if (claimant !== undefined) {
      refused.set(
        userid,
        `Moodle user ${userid}: e-mail ${address} matches student ${studentId}, which Moodle user ${claimant} matched too; neither is linked`,
      )
      matched.delete(claimant)
      refused.set(
        claimant,
        `Moodle user ${claimant}: e-mail ${address} matches student ${studentId}, which Moodle user ${userid} matched too; neither is linked`,
      )
    } else {
      matched.set(userid, studentId)
      claimedBy.set(studentId, userid)
    }
  }
  return ok({ matched, refused })
}
