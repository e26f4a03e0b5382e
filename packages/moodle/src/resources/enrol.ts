import type { Result } from 'neverthrow'
import { ok, ResultAsync } from 'neverthrow'
import type { MoodleError } from '../errors.ts'
import type { WsCall } from '../http/api-client.ts'
import type { EnrolledUser } from '../schemas/enrol.ts'
import { enrolledUsers, nullResult } from '../schemas/enrol.ts'

/** One manual enrolment. */
export interface Enrolment {
  readonly userid: number
  readonly courseid: number
  /** A role id from the tenant's configuration (see `MoodleConfig.roles`). */
  readonly roleid: number
  /** Unix seconds. */
  readonly timestart?: number
  readonly timeend?: number
  readonly suspend?: boolean
}

/** One manual unenrolment. */
export interface Unenrolment {
  readonly userid: number
  readonly courseid: number
  readonly roleid?: number
}

/** Options of {@link EnrolApi.enrolledUsers}. */
export interface EnrolledUsersOptions {
  readonly onlyActive?: boolean
  readonly withCapability?: string
  readonly userFields?: readonly string[]
}

/**
 * Enrolments per call. Each call is one transaction on Moodle's side; 500 keeps a call's form body and
 * its transaction modest while enrolling 1,000 students in 2 calls.
 */
export const ENROL_CHUNK_SIZE = 500

/** The enrolment functions of a client. */
export interface EnrolApi {
  /**
   * Enrols users through the course's manual enrolment instance, {@link ENROL_CHUNK_SIZE} per call.
   * Re-enrolling an enrolled user updates the enrolment, so a retry is harmless.
   */
  enrol(enrolments: readonly Enrolment[]): ResultAsync<{ calls: number }, MoodleError>
  /** Removes manual enrolments, {@link ENROL_CHUNK_SIZE} per call. */
  unenrol(unenrolments: readonly Unenrolment[]): ResultAsync<{ calls: number }, MoodleError>
  /** The users enrolled in a course. */
  enrolledUsers(courseid: number, options?: EnrolledUsersOptions): ResultAsync<EnrolledUser[], MoodleError>
}

function chunked<T>(
  items: readonly T[],
  send: (chunk: readonly T[]) => ResultAsync<null, MoodleError>,
): ResultAsync<{ calls: number }, MoodleError> {
  const run = async (): Promise<Result<{ calls: number }, MoodleError>> => {
    let calls = 0
    for (let start = 0; start < items.length; start += ENROL_CHUNK_SIZE) {
      const sent = await send(items.slice(start, start + ENROL_CHUNK_SIZE))
      calls++
      if (sent.isErr()) return sent.map(() => ({ calls }))
    }
    return ok({ calls })
  }
  return new ResultAsync(run())
}

/** Builds the {@link EnrolApi}. */
export function createEnrolApi(call: WsCall): EnrolApi {
  return {
    enrol: (enrolments) =>
      chunked(enrolments, (chunk) =>
        call('enrol_manual_enrol_users', { enrolments: chunk }, nullResult, { idempotent: true }),
      ),
    unenrol: (unenrolments) =>
      chunked(unenrolments, (chunk) =>
        call('enrol_manual_unenrol_users', { enrolments: chunk }, nullResult, { idempotent: true }),
      ),
    enrolledUsers: (courseid, options = {}) => {
      const opts: { name: string; value: string }[] = []
      if (options.onlyActive !== undefined)
        opts.push({ name: 'onlyactive', value: options.onlyActive ? '1' : '0' })
      if (options.withCapability) opts.push({ name: 'withcapability', value: options.withCapability })
      if (options.userFields) opts.push({ name: 'userfields', value: options.userFields.join(',') })
      return call('core_enrol_get_enrolled_users', { courseid, options: opts }, enrolledUsers, {
        idempotent: true,
      })
    },
  }
}
