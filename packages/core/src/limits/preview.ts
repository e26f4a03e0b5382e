/** How much of a received value an issue echoes (see {@link previewValue}). */
export interface PreviewOptions {
  /** Containers deeper than this are summarised (`"[array of 3]"`). @default 4 */
  readonly maxDepth?: number
  /** Strings longer than this are cut, saying how much was cut. @default 256 */
  readonly maxStringLength?: number
  /** Array elements / object keys kept per container; the rest are counted. @default 20 */
  readonly maxItems?: number
  /** Values kept in total (so depth x items cannot multiply); the rest are summarised. @default 200 */
  readonly maxNodes?: number
}

/**
 * A bounded, JSON-safe copy of a received value, for issues and error messages: the echo of a hostile
 * value must not be the hostile value (a 2,000-deep array stored as a reply crashed the embedded
 * database; a 30 MB string in every issue multiplies memory). Small ordinary values come back equal;
 * long strings are cut, deep containers summarised, and values JSON cannot represent (BigInt, symbols,
 * functions, cycles, throwing getters) described as text. Never throws.
 *
 * @example
 * ```ts
 * previewValue('x'.repeat(1000)) // 'xxx…(+744 characters)' (256 kept)
 * previewValue([[[[[1]]]]])      // [[[['[array of 1]']]]]
 * ```
 */
export function previewValue(value: unknown, options: PreviewOptions = {}): unknown {
  const bounds = {
    maxDepth: options.maxDepth ?? 4,
    maxStringLength: options.maxStringLength ?? 256,
    maxItems: options.maxItems ?? 20,
    maxNodes: options.maxNodes ?? 200,
    used: 0,
  }
  try {
    return preview(value, 0, bounds)
  } catch {
    return '[unreadable value]'
  }
}

type Bounds = Required<PreviewOptions> & { used: number }

function preview(value: unknown, depth: number, bounds: Bounds): unknown {
  bounds.used++
  switch (typeof value) {
    case 'string':
      return value.length > bounds.maxStringLength
        ? `${value.slice(0, bounds.maxStringLength)}…(+${value.length - bounds.maxStringLength} characters)`
        : value
    case 'number':
    case 'boolean':
    case 'undefined':
      return value
    case 'bigint':
      return `${value.toString()}n`
    case 'symbol':
      return value.toString()
    case 'function':
      return '[function]'
    default:
      break
  }
  if (value === null) return null
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '[invalid date]' : value.toISOString()
  if (Array.isArray(value)) {
    if (depth >= bounds.maxDepth || bounds.used > bounds.maxNodes) return `[array of ${value.length}]`
    const out: unknown[] = []
    const n = Math.min(value.length, bounds.maxItems)
    for (let i = 0; i < n; i++) out.push(readSafely(() => preview(value[i], depth + 1, bounds)))
    if (value.length > n) out.push(`…(+${value.length - n} more)`)
    return out
  }
  const keys = Object.keys(value as object)
  if (depth >= bounds.maxDepth || bounds.used > bounds.maxNodes) return `[object with ${keys.length} keys]`
  // A null-prototype object (no toString, no hasOwnProperty) is copied the same way: keys only.
  const out: Record<string, unknown> = {}
  const n = Math.min(keys.length, bounds.maxItems)
  for (let i = 0; i < n; i++) {
    const key = keys[i] as string
    const shown = preview(key, bounds.maxDepth, bounds) as string
    // defineProperty, so a key named "__proto__" is a plain key of the copy, not its prototype.
    Object.defineProperty(out, shown, {
      value: readSafely(() => preview((value as Record<string, unknown>)[key], depth + 1, bounds)),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  if (keys.length > n) out['…'] = `(+${keys.length - n} more keys)`
  return out
}

function readSafely(read: () => unknown): unknown {
  try {
    return read()
  } catch {
    return '[unreadable value]'
  }
}
