import type { ParseIssue } from '@edusync/core'
import { defaultCurrencySymbols, parseMoney } from '../map/money.ts'
import { picklistKey } from '../map/picklists.ts'
import type { FieldSpec } from '../map/types.ts'

/** Returned by a converter that already reported an issue. */
export const FAILED: unique symbol = Symbol('failed')

/** Per-record context of converters. */
export interface ConvertContext {
  /** The record's currency (its currency field), else the tenant default. */
  currency: string | undefined
  readonly symbols: Readonly<Record<string, string>>
}

/** Converts one raw Zoho value; reports problems into `issues` at `path` and returns {@link FAILED}. */
export type Converter = (raw: unknown, ctx: ConvertContext, path: string, issues: ParseIssue[]) => unknown

const issue = (issues: ParseIssue[], path: string, rule: string, message: string, received: unknown) => {
  issues.push({ path, rule, message, received })
  return FAILED
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Compiles a {@link FieldSpec} into a converter (done once per field map, not per record). */
export function compileField(
  spec: FieldSpec,
  symbols: Readonly<Record<string, string>> = defaultCurrencySymbols,
): Converter {
  switch (spec.kind) {
    case 'id':
    case 'date':
      return (raw) => (raw === '' ? null : raw)
    case 'text':
      return (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw)
    case 'lookup':
      return (raw, _ctx, path, issues) => {
        if (raw === null || raw === '') return null
        if (typeof raw === 'string') return raw
        if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw)
        if (isRecord(raw) && (typeof raw.id === 'string' || typeof raw.id === 'number')) return String(raw.id)
        return issue(
          issues,
          path,
          'lookup',
          'expected a lookup {"id": "...", "name": "..."} or an id string',
          raw,
        )
      }
    case 'boolean':
      return (raw, _ctx, path, issues) => {
        if (raw === null || raw === '' || typeof raw === 'boolean') return raw === '' ? null : raw
        if (raw === 'true' || raw === 'false') return raw === 'true'
        return issue(issues, path, 'boolean', 'expected true or false', raw)
      }
    case 'integer':
      return (raw) => {
        if (raw === '') return null
        return typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw
      }
    case 'number':
      return (raw) => {
        if (raw === '') return null
        const m = typeof raw === 'string' ? /^\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw) : null
        return m ? Number(m[1]) : raw
      }
    case 'money':
      return (raw, ctx, path, issues) => {
        const parsed = parseMoney(raw, ctx.currency, symbols)
        return parsed.ok ? parsed.value : issue(issues, path, 'money', parsed.message, raw)
      }
    case 'picklist': {
      const exact = new Map<string, string>(Object.entries(spec.values ?? {}))
      const table = new Map<string, string>()
      for (const [zoho, canonical] of exact) table.set(picklistKey(zoho), canonical)
      const known = Object.keys(spec.values ?? {}).join(', ')
      return (raw, _ctx, path, issues) => {
        if (raw === null || raw === '') return null
        if (typeof raw !== 'string')
          return issue(issues, path, 'picklist', `expected a picklist value (one of: ${known})`, raw)
        const value = exact.get(raw) ?? table.get(picklistKey(raw))
        return (
          value ??
          issue(
            issues,
            path,
            'picklist',
            `"${raw}" is not a known value of ${spec.zoho} (known: ${known})`,
            raw,
          )
        )
      }
    }
    case 'subform': {
      const rows = Object.entries(spec.rows ?? {}).map(([field, rowSpec]) => ({
        field,
        zoho: rowSpec.zoho,
        convert: compileField(rowSpec, symbols),
      }))
      return (raw, ctx, path, issues) => {
        if (raw === null || raw === undefined) return undefined
        if (!Array.isArray(raw)) return issue(issues, path, 'subform', 'expected a list of subform rows', raw)
        let failed = false
        const out = raw.map((row: unknown, index) => {
          if (!isRecord(row)) {
            failed = true
            return issue(issues, `${path}.${index}`, 'subform', 'expected a subform row object', row)
          }
          const mapped: Record<string, unknown> = {}
          for (const { field, zoho, convert } of rows) {
            const value = row[zoho]
            if (value === undefined) continue
            const converted = convert(value, ctx, `${path}.${index}.${zoho}`, issues)
            if (converted === FAILED) failed = true
            else mapped[field] = converted
          }
          return mapped
        })
        return failed ? FAILED : out
      }
    }
    case 'criteria': {
      const pairs = Object.entries(spec.criteria ?? {})
      return (raw, _ctx, _path, issues) => {
        if (!isRecord(raw)) return undefined
        const out: { code: string; description: string }[] = []
        let failed = false
        for (const [code, zoho] of pairs) {
          const value = raw[zoho]
          if (value === undefined || value === null || value === '') continue
          if (typeof value !== 'string') {
            failed = true
            issue(issues, zoho, 'criteria', 'expected the criterion description as text', value)
          } else out.push({ code, description: value })
        }
        return failed ? FAILED : out
      }
    }
  }
}
