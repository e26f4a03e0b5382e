import type { ParseIssue } from '@edusync/core'
import type * as z from 'zod'

/** zod issues as core {@link ParseIssue}s: path, rule, message and the value received there. */
export function requestIssues(error: z.ZodError, input: unknown): ParseIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    rule: issue.code,
    message: issue.message,
    received: valueAt(input, issue.path),
  }))
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}
