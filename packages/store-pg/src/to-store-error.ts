import type { StoreErrorReason } from '@edusync/core'
import { StoreError } from '@edusync/core'

// Error classes whose SQLSTATE means "this connection or server is not usable right now".
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53000', '53100', '53200', '53300', '58000'])
const CONFLICT_CODES = new Set(['40001', '40P01', '55P03'])
// Node socket errors a dropped or refused connection surfaces as (no SQLSTATE).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'])

/** The SQLSTATE (or Node socket code) of a driver error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code
    if (typeof code === 'string') return code
  }
  return undefined
}

/** Classifies a driver error into the reason a Store caller can act on. */
export function reasonOf(error: unknown): StoreErrorReason {
  if (error instanceof StoreError) return error.reason
  // A TypeError (typically data JSON cannot hold, such as a BigInt) is not a connection problem: retrying
  // cannot help, and calling it Unavailable would make webhook senders retry it forever (503).
  if (error instanceof TypeError || error instanceof RangeError) return 'Invalid'
  const code = sqlState(error)
  if (code === undefined || NETWORK_CODES.has(code)) return 'Unavailable'
  if (code.startsWith('08') || UNAVAILABLE_CODES.has(code)) return 'Unavailable'
  if (CONFLICT_CODES.has(code)) return 'Conflict'
  if (code === '57014') return 'Timeout'
  // Integrity (23), data (22), cardinality (21: the same id twice in one upsert) and program limits (54:
  // a value nested past the server's stack depth, a statement too complex) are the caller's input.
  if (code.startsWith('23') || code.startsWith('22') || code.startsWith('21') || code.startsWith('54')) {
    return 'Invalid'
  }
  // Anything else (a missing table, an internal error) needs a person: the schema is not what we expect.
  return 'Corrupt'
}

/**
 * Wraps a driver error as a {@link StoreError}. The message names the operation and the SQLSTATE but
 * never the statement's parameters (they hold school data) nor the connection string.
 */
export function toStoreError(operation: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error
  const reason = reasonOf(error)
  const code = sqlState(error)
  const detail = error instanceof Error ? error.message : String(error)
  return new StoreError(reason, `${operation} failed${code ? ` (${code})` : ''}: ${redact(detail)}`, {
    cause: error,
  })
}

// A driver message can echo a connection string (e.g. a DNS failure); drop any password in it.
function redact(message: string): string {
  return message.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1[REDACTED]@')
}

/**
 * Whether an error means the embedded PGlite's WebAssembly instance crashed (a trap such as "memory access
 * out of bounds" or "unreachable"): that instance can run no further statement.
 */
export function isEngineCrash(error: unknown): boolean {
  // WebAssembly's types are not in our lib target; the global is there on every Node we support.
  const wasm = (globalThis as { WebAssembly?: { RuntimeError: abstract new (...args: never[]) => Error } })
    .WebAssembly
  return (
    (wasm !== undefined && error instanceof wasm.RuntimeError) ||
    (error instanceof Error && error.name === 'RuntimeError')
  )
}
