import type * as z from 'zod'
import type { ParseIssue } from '../errors/parse-error.ts'

/** Converts zod issues to {@link ParseIssue}s, reading the received value from the input at each path. */
export function toParseIssues(issues: readonly z.core.$ZodIssue[], input: unknown): ParseIssue[] {
  return issues.map((issue) => {
    const received = valueAt(input, issue.path)
    const missing = received === undefined && issue.code === 'invalid_type'
    return {
      path: issue.path.map(String).join('.'),
      rule: missing ? 'missing' : ruleOf(issue),
      message: missing ? `required field is missing (${issue.message})` : issue.message,
      received,
    }
  })
}

/** @internal The value at a path of the input; `undefined` when absent or unreadable. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  try {
    for (const key of path) {
      if (current === null || typeof current !== 'object') return undefined
      current = (current as Record<PropertyKey, unknown>)[key]
    }
  } catch {
    // A getter that throws: the issue still names the path, with nothing received.
    return undefined
  }
  return current
}

// A refinement's issue code is always "custom"; our refinements name their rule in `params.rule`
// (e.g. "iso_date") so the person fixing the source record sees which rule was broken.
function ruleOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' && typeof issue.params?.rule === 'string') return issue.params.rule
  return issue.code
}
