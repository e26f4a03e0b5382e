import type { ConnectionTester } from '@edusync/core/config-api'
import { createMoodleClient } from '../client.ts'
import type { MoodleConfig } from '../config.ts'

/**
 * "Test connection" for Moodle: `core_webservice_get_site_info`, the cheapest authenticated call, checked
 * as the flows' preflight (the token may call every function they use). A refusal reports Moodle's reason
 * and the missing functions, never the token.
 *
 * @example
 * ```ts
 * createConfigApi({ ..., testConnection: { moodle: moodleConnectionTester() } })
 * ```
 */
export function moodleConnectionTester(extra: Partial<MoodleConfig> = {}): ConnectionTester {
  return async ({ settings, secrets }) => {
    let client: ReturnType<typeof createMoodleClient>
    try {
      client = createMoodleClient({ url: String(settings.url ?? ''), token: secrets.token ?? '', ...extra })
    } catch (error) {
      return { ok: false, message: `the Moodle settings are not usable: ${(error as Error).message}` }
    }
    const checked = await client.preflight()
    if (checked.isErr()) {
      const missing = checked.error.missingFunctions ?? []
      const detail = missing.length > 0 ? ` (the token may not call ${missing.join(', ')})` : ''
      return {
        ok: false,
        message: `Moodle refused: ${checked.error.reason}: ${checked.error.message}${detail}`,
      }
    }
    const site = checked.value
    return { ok: true, detail: `site "${site.sitename}" (${site.release}) as ${site.username}` }
  }
}
