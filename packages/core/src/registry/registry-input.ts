import { StoreError } from '../errors/store-error.ts'
import type { ConfigKind, ExpectedVersion, TenantStatus } from './registry.ts'
import { configKinds } from './registry.ts'

/** A tenant slug: lowercase letters, digits and dashes, 1-63 characters, starting with a letter or digit. */
export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/

const show = (value: unknown) => JSON.stringify(value) ?? String(value)

/**
 * Checks the arguments every registry implementation receives, so each answers bad input the same way:
 * a `StoreError('Invalid')` naming the argument, the rule and the received value. Throws (callers wrap).
 */
export function checkRegistryInput(
  operation: string,
  input: {
    tenant?: unknown
    kind?: unknown
    key?: unknown
    expected?: unknown
    name?: unknown
    status?: unknown
    value?: unknown
  },
): void {
  const fail = (field: string, rule: string, value: unknown) => {
    throw new StoreError('Invalid', `${operation}: ${field} ${rule}, received ${show(value)}`)
  }
  if ('tenant' in input && (typeof input.tenant !== 'string' || !TENANT_SLUG.test(input.tenant))) {
    fail('tenant', 'must be a slug (a-z, 0-9, "-", at most 63 characters)', input.tenant)
  }
  if ('kind' in input && !configKinds.includes(input.kind as ConfigKind)) {
    fail('kind', `must be one of ${configKinds.join(', ')}`, input.kind)
  }
  if ('key' in input && (typeof input.key !== 'string' || input.key === '' || input.key.length > 200)) {
    fail('key', 'must be a non-empty string of at most 200 characters', input.key)
  }
  if ('expected' in input) checkExpected(operation, input.expected as ExpectedVersion)
  if ('name' in input && (typeof input.name !== 'string' || input.name.trim() === '')) {
    fail('name', 'must be a non-empty string', input.name)
  }
  if (
    'status' in input &&
    !(['active', 'suspended'] as TenantStatus[]).includes(input.status as TenantStatus)
  ) {
    fail('status', 'must be "active" or "suspended"', input.status)
  }
  if (
    'value' in input &&
    (typeof input.value !== 'object' || input.value === null || Array.isArray(input.value))
  ) {
    fail('value', 'must be a JSON object', input.value)
  }
}

function checkExpected(operation: string, expected: ExpectedVersion): void {
  if (expected === 'any') return
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new StoreError(
      'Invalid',
      `${operation}: expected version must be 'any' or an integer >= 0, received ${show(expected)}`,
    )
  }
}

/** Whether a stored version (0 when absent) satisfies the expectation. */
export const versionMatches = (stored: number, expected: ExpectedVersion): boolean =>
  expected === 'any' || stored === expected
