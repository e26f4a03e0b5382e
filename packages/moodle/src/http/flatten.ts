/**
 * A web service argument value: scalars, and lists and structures (plain objects) of them. `undefined`
 * keys are left out. Structures are typed `object` so that a resource's interfaces are accepted as they are.
 */
export type WsValue = string | number | boolean | null | undefined | object

/**
 * Flattens arguments into PHP-style form fields, the only shape Moodle's REST server reads:
 * `{ users: [{ customfields: [{ type: 'x' }] }] }` -> `users[0][customfields][0][type]=x`.
 *
 * - Booleans become `1`/`0` (PARAM_BOOL accepts nothing else reliably; `"true"` fails validation).
 * - `undefined` and `null` are left out: Moodle treats an absent optional key as its default, and a
 *   PHP form cannot express null.
 * - Empty lists and structures are left out: a form cannot express them either.
 * - Numbers must be finite; a non-finite number is a programmer error and throws.
 */
export function flattenArgs(args: Readonly<Record<string, WsValue>>): [string, string][] {
  const out: [string, string][] = []
  const walk = (key: string, value: WsValue): void => {
    if (value === undefined || value === null) return
    if (typeof value === 'boolean') out.push([key, value ? '1' : '0'])
    else if (typeof value === 'number') {
      if (!Number.isFinite(value))
        throw new TypeError(`Moodle argument ${key}: ${value} is not a finite number`)
      out.push([key, String(value)])
    } else if (typeof value === 'string') out.push([key, value])
    else if (Array.isArray(value)) value.forEach((item: WsValue, i) => walk(`${key}[${i}]`, item))
    else for (const [k, v] of Object.entries(value)) walk(`${key}[${k}]`, v as WsValue)
  }
  for (const [key, value] of Object.entries(args)) walk(key, value)
  return out
}
