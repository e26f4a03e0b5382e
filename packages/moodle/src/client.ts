import type { ResultAsync } from 'neverthrow'
import type { MoodleConfig, MoodleRoles } from './config.ts'
import { resolveConfig } from './config.ts'
import type { DashboardApi } from './dashboard/dashboard-api.ts'
import { createDashboardApi } from './dashboard/dashboard-api.ts'
import type { MoodleError } from './errors.ts'
import type { WsCall } from './http/api-client.ts'
import { createApiClient } from './http/api-client.ts'
import type { CoursesApi } from './resources/courses.ts'
import { createCoursesApi } from './resources/courses.ts'
import type { EnrolApi } from './resources/enrol.ts'
import { createEnrolApi } from './resources/enrol.ts'
import type { GradesApi } from './resources/grades.ts'
import { createGradesApi } from './resources/grades.ts'
import { getSiteInfo, preflight } from './resources/site-info.ts'
import type { UsersApi } from './resources/users.ts'
import { createUsersApi } from './resources/users.ts'
import type { SiteInfo } from './schemas/site-info.ts'

/** A Moodle web services client: one token, one concurrency cap, shared by every call made through it. */
export interface MoodleClient {
  /** The role ids this client enrols with (from configuration). */
  readonly roles: MoodleRoles
  readonly users: UsersApi
  readonly courses: CoursesApi
  readonly enrol: EnrolApi
  readonly grades: GradesApi
  /** The school plugin's student-dashboard functions (`local_mzi_*`). */
  readonly dashboard: DashboardApi
  /** `core_webservice_get_site_info`. */
  siteInfo(): ResultAsync<SiteInfo, MoodleError>
  /**
   * Checks that the token may call every function in `required` (default: all the flows use) and fails
   * with `AccessDenied` naming the missing ones. Run it at start.
   */
  preflight(required?: readonly string[]): ResultAsync<SiteInfo, MoodleError>
  /** Any other web service function, with the same errors, cap and retries as the rest. */
  call: WsCall
}

/**
 * Creates a Moodle client. Invalid configuration throws; everything after returns Results.
 *
 * @example
 * ```ts
 * const moodle = createMoodleClient({ url: 'https://lms.example.edu', token: process.env.MOODLE_TOKEN! })
 * const site = await moodle.preflight()
 * if (site.isErr()) throw site.error // names the functions the token may not call
 * const users = await moodle.users.getByField('username', ['jdoe1'])
 * ```
 */
export function createMoodleClient(config: MoodleConfig): MoodleClient {
  const resolved = resolveConfig(config)
  const call = createApiClient(resolved)
  return {
    roles: resolved.roles,
    users: createUsersApi(call),
    courses: createCoursesApi(call),
    enrol: createEnrolApi(call),
    grades: createGradesApi(call),
    dashboard: createDashboardApi(call),
    siteInfo: () => getSiteInfo(call),
    preflight: (required) => preflight(call, required),
    call,
  }
}
