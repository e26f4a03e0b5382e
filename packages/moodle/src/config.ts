/** Retry policy for 5xx, 429, timeouts and network failures (writes only when safe to repeat). */
export interface MoodleRetryOptions {
  /** Retries after the first attempt. @default 3 */
  readonly limit?: number
  /** Delay before the first retry; doubles each time. @default 300 */
  readonly baseDelayMs?: number
  /** Upper bound of one delay, a `Retry-After` (from a proxy in front of Moodle) included. @default 10000 */
  readonly maxDelayMs?: number
}

/**
 * Role ids used for manual enrolment. Role ids are per site (a fresh Moodle has student 5 and
 * editingteacher 3): look yours up under Site administration > Users > Define roles and configure them
 * per tenant rather than relying on the defaults.
 */
export interface MoodleRoles {
  /** @default 5 */
  readonly student: number
  /** @default 3 */
  readonly editingTeacher: number
}

/** Configuration of {@link createMoodleClient}. */
export interface MoodleConfig {
  /** The site's base URL, e.g. `https://lms.example.edu` (the REST endpoint is appended). */
  readonly url: string
  /** A web service token (Site administration > Server > Web services > Manage tokens); never logged. */
  readonly token: string
  /** Role ids for enrolment. @default { student: 5, editingTeacher: 3 } */
  readonly roles?: Partial<MoodleRoles>
  /** Maximum calls in flight at once (Moodle runs each call in a PHP worker). @default 4 */
  readonly concurrency?: number
  /** Timeout of one HTTP attempt. @default 30000 */
  readonly timeoutMs?: number
  /** Retry policy. */
  readonly retry?: MoodleRetryOptions
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch
}

/** {@link MoodleConfig} with every default applied. */
export interface ResolvedMoodleConfig {
  /** The REST endpoint: `<url>/webservice/rest/server.php`. */
  readonly endpoint: string
  readonly token: string
  readonly roles: MoodleRoles
  readonly concurrency: number
  readonly timeoutMs: number
  readonly retry: Required<MoodleRetryOptions>
  readonly fetch: typeof fetch | undefined
}

/** The role ids of a fresh Moodle install (lib/db/install.php). */
export const DEFAULT_ROLES: MoodleRoles = { student: 5, editingTeacher: 3 }

const positiveInt = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`Moodle config: ${name} must be a positive integer`)
  return value
}

/** Applies defaults and rejects invalid configuration (a programmer error, so it throws). */
export function resolveConfig(config: MoodleConfig): ResolvedMoodleConfig {
  if (typeof config.url !== 'string' || !/^https?:\/\/[^/]/.test(config.url)) {
    throw new TypeError('Moodle config: url must be an http(s) URL such as https://lms.example.edu')
  }
  if (typeof config.token !== 'string' || config.token.trim().length === 0) {
    throw new TypeError('Moodle config: token must be a non-empty string')
  }
  const roles = { ...DEFAULT_ROLES, ...config.roles }
  positiveInt('roles.student', roles.student)
  positiveInt('roles.editingTeacher', roles.editingTeacher)
  return {
    endpoint: `${config.url.replace(/\/+$/, '')}/webservice/rest/server.php`,
    token: config.token,
    roles,
    concurrency: positiveInt('concurrency', config.concurrency ?? 4),
    timeoutMs: positiveInt('timeoutMs', config.timeoutMs ?? 30_000),
    retry: {
      limit: config.retry?.limit ?? 3,
      baseDelayMs: config.retry?.baseDelayMs ?? 300,
      maxDelayMs: config.retry?.maxDelayMs ?? 10_000,
    },
    fetch: config.fetch,
  }
}
