import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import { MoodleError } from '../errors.ts'
import type { WsCall } from '../http/api-client.ts'
import type { SiteInfo } from '../schemas/site-info.ts'
import { siteInfo } from '../schemas/site-info.ts'

/** The web service functions the edusync flows call; a token should be allowed every one of them. */
export const REQUIRED_FUNCTIONS = [
  'core_webservice_get_site_info',
  'core_user_create_users',
  'core_user_update_users',
  'core_user_get_users_by_field',
  'core_course_create_courses',
  'core_course_update_courses',
  'core_course_get_courses_by_field',
  'core_course_get_categories',
  'enrol_manual_enrol_users',
  'enrol_manual_unenrol_users',
  'core_enrol_get_enrolled_users',
  'gradereport_user_get_grade_items',
  'core_grading_get_definitions',
  'core_grading_save_definitions',
] as const

/** `core_webservice_get_site_info`: the site, its release, and the functions this token may call. */
export function getSiteInfo(call: WsCall): ResultAsync<SiteInfo, MoodleError> {
  return call('core_webservice_get_site_info', {}, siteInfo, { idempotent: true })
}

/**
 * Checks at start that the token may call every function in `required` (default: all the flows use), so
 * a missing capability is reported by name before the first sync rather than at it. Fails with
 * `AccessDenied` and {@link MoodleError.missingFunctions}; otherwise returns the site info.
 */
export function preflight(
  call: WsCall,
  required: readonly string[] = REQUIRED_FUNCTIONS,
): ResultAsync<SiteInfo, MoodleError> {
  return getSiteInfo(call).andThen((info) => {
    const allowed = new Set(info.functions.map((f) => f.name))
    const missing = required.filter((name) => !allowed.has(name))
    if (missing.length === 0) return okAsync(info)
    return errAsync(
      new MoodleError(
        'AccessDenied',
        `the token of ${info.username} on ${info.siteurl} (Moodle ${info.release ?? 'unknown release'}) may not call: ${missing.join(', ')}; add them to its external service`,
        { wsfunction: 'core_webservice_get_site_info', missingFunctions: missing },
      ),
    )
  })
}
