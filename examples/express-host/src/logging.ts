import { AsyncLocalStorage } from 'node:async_hooks'
import type { DestinationStream, Logger as PinoLogger } from 'pino'
import { pino } from 'pino'

/** Log levels the host accepts (`LOG_LEVEL`). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/**
 * The host's logger: the engine's `(message, fields)` call shape over pino, so the library, the engine
 * and the host write the same JSON lines.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  /** A logger that adds `fields` to every line (e.g. the request ids a shared batch served). */
  child(fields: Record<string, unknown>): Logger
  /** Writes out buffered lines synchronously; call it before `process.exit`. */
  flush(): void
}

/** What the current request carries through every async layer below it (engine, Store, Zoho client). */
export interface RequestScope {
  readonly requestId: string
}

/**
 * The request scope: the host runs each request inside it, and every log line written meanwhile, by any
 * layer, carries the request id without anyone passing it along.
 */
export const requestScope = new AsyncLocalStorage<RequestScope>()

// Field names whose values never reach a log line, at the top level and one or two levels down (pino's
// redaction is path based; these are the shapes the host and the libraries log).
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'zohoSecret',
  'signingSecret',
  'moodleToken',
  'apiToken',
  'signature',
]
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`])

/**
 * Creates the host's pino logger: JSON lines on stdout (or `destination`), level names as text, ISO
 * times, the request id of the current {@link requestScope} on every line, credentials redacted and
 * errors reduced to their name and message. `destination` takes every line (a function in tests).
 */
export function createLogger(
  level: LogLevel = 'info',
  destination?: DestinationStream | ((line: string) => void),
): Logger {
  const sink: DestinationStream =
    destination === undefined
      ? pino.destination({ sync: false })
      : typeof destination === 'function'
        ? { write: destination }
        : destination
  const root = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => requestScope.getStore() ?? {},
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { error: errorFields, err: errorFields },
    },
    sink,
  )
  const flush = () => (sink as { flushSync?: () => void }).flushSync?.()
  return wrap(root, flush)
}

function wrap(log: PinoLogger, flush: () => void): Logger {
  // `msg` first, then the fields: a line reads "what happened", then the details.
  return {
    debug: (msg, fields) => log.debug({ msg, ...fields }),
    info: (msg, fields) => log.info({ msg, ...fields }),
    warn: (msg, fields) => log.warn({ msg, ...fields }),
    error: (msg, fields) => log.error({ msg, ...fields }),
    child: (fields) => wrap(log.child(fields), flush),
    flush,
  }
}

function errorFields(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value
}
