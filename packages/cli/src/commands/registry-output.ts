import type { Io } from '../output.ts'
import { EXIT, json } from '../output.ts'

/**
 * Prints a config API answer: the body on success (JSON with `--json`, else `human`), else the error with
 * its issues or report on stderr. 4xx is bad input (exit 2: nothing changed), anything else exit 1.
 */
export function report(
  io: Io,
  command: string,
  answer: { status: number; body: Record<string, unknown> },
  asJson: boolean,
  human: (body: Record<string, unknown>) => string,
): number {
  if (answer.status < 300) {
    io.out(asJson ? json(answer.body) : human(answer.body))
    return EXIT.ok
  }
  const error = (answer.body.error ?? {}) as {
    reason?: string
    message?: string
    issues?: unknown
    report?: unknown
  }
  io.err(`edusync ${command}: ${error.reason ?? answer.status}: ${error.message ?? 'failed'}`)
  if (error.issues) io.err(json(error.issues))
  if (error.report) io.err(json(error.report))
  if (answer.status === 502) io.err(json(answer.body))
  return answer.status >= 400 && answer.status < 500 ? EXIT.usage : EXIT.failures
}
