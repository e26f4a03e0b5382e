import type { SyncLogger } from '@edusync/core'

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** A structured JSON logger: one line per call, with bound fields (e.g. the request id) on every line. */
export interface Logger extends SyncLogger {
  error(message: string, fields?: Record<string, unknown>): void
  /** A logger that adds `fields` to every line (the engine gets one bound to the request id). */
  child(fields: Record<string, unknown>): Logger
}

/** Where lines go; `process.stdout` by default, an array in tests. */
export type LogSink = (line: string) => void

/** Creates a JSON-lines logger writing at or above `level`. */
export function createLogger(
  level: LogLevel = 'info',
  sink: LogSink = stdoutSink,
  bound: Record<string, unknown> = {},
): Logger {
  const min = RANK[level]
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < min) return
    sink(
      `${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...bound, ...fields }, redact)}\n`,
    )
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(level, sink, { ...bound, ...fields }),
  }
}

// Lines written in one event-loop turn go out in one write: under load a write per request line is a
// system call per request. Pending lines are flushed before the process exits.
let pending: string[] = []
const flush = () => {
  if (pending.length === 0) return
  const chunk = pending.join('')
  pending = []
  process.stdout.write(chunk)
}
process.once('beforeExit', flush)
process.once('exit', flush)

const stdoutSink: LogSink = (line) => {
  if (pending.length === 0) setImmediate(flush)
  pending.push(line)
}

const SECRET_KEY = /secret|token|password|authorization|signature|cookie/i

// Belt and braces: whatever a caller passes, a field named like a credential never reaches the log.
function redact(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && typeof value === 'string') return '[REDACTED]'
  if (value instanceof Error) return { name: value.name, message: value.message }
  return value
}
