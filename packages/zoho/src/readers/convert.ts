import type { ParseIssue } from '@edusync/core'
import { blankAsNull, isBlank } from '@edusync/core'
import { defaultCurrencySymbols, parseMoney } from '../map/money.ts'
import { compileOptionNormalizer, compilePicklist, UNMAPPED } from '../map/picklist-translation.ts'
import type { FieldSpec } from '../map/types.ts'
import { noneAsNull } from './zoho-none.ts'

/** Returned by a converter that already reported an issue. */
export const FAILED: unique symbol = Symbol('failed')

/** Per-record context of converters. */
export interface ConvertContext {
  /** Currency of amounts without a marker: the record's own (its currency field), else the tenant default. */
  currency: string | undefined
  /** The currency is the record's own: an amount marked with another currency is an issue. */
  fromRecord: boolean
  /** Why the record has no currency (its module has a currency field the record does not fill validly). */
  missing: string | undefined
  /** The module's currency field, for messages. */
  readonly currencyField: string | undefined
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

/**
 * Compiles a {@link FieldSpec} into a converter (done once per field map, not per record). Callers pass
 * the raw value through {@link noneAsNull} first (the record reader and subform rows do; `criteria` reads
 * the whole record and applies it per criterion), so `-None-` is `null` for every kind.
 */
export function compileField(
  spec: FieldSpec,
  symbols: Readonly<Record<string, string>> = defaultCurrencySymbols,
): Converter {
  switch (spec.kind) {
    // Blank values (`""`, whitespace only: Zoho's empty merge fields) read as null through core's one
    // rule, `blankAsNull`; for a text field core's optional primitives apply the same rule.
    case 'id':
    case 'date':
      return blankAsNull
    case 'text': {
      // A picklist read as text keeps one form of each renamed option (stored by default), whichever of
      // label and stored value the record carries.
      const normalize = compileOptionNormalizer(spec.options, spec.optionForm)
      return (raw) => {
        if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw)
        return normalize && typeof raw === 'string' ? normalize(raw) : raw
      }
    }
    case 'lookup':
      return (raw, _ctx, path, issues) => {
        if (raw === null || isBlank(raw)) return null
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
        if (raw === null || isBlank(raw)) return null
        if (typeof raw === 'boolean') return raw
        if (raw === 'true' || raw === 'false') return raw === 'true'
        return issue(issues, path, 'boolean', 'expected true or false', raw)
      }
    case 'integer':
      return (raw) => {
        if (isBlank(raw)) return null
        return typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw
      }
    case 'number':
      return (raw) => {
        if (isBlank(raw)) return null
        const m = typeof raw === 'string' ? /^\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw) : null
        return m ? Number(m[1]) : raw
      }
    case 'money':
      return (raw, ctx, path, issues) => {
        const parsed = parseMoney(raw, ctx.currency, symbols)
        if (!parsed.ok) {
          const message = parsed.noCurrency && ctx.missing ? ctx.missing : parsed.message
          return issue(issues, path, 'money', message, raw)
        }
        const value = parsed.value
        if (value && ctx.fromRecord && value.currency !== ctx.currency) {
          return issue(
            issues,
            path,
            'currency',
            `the amount is in ${value.currency} but the record's ${ctx.currencyField} is ${ctx.currency}`,
            raw,
          )
        }
        return value
      }
    case 'picklist': {
      const picklist = compilePicklist(spec.values ?? {}, spec.options)
      const known = Object.keys(spec.values ?? {}).join(', ')
      const untranslated = new Set(picklist.unmapped.flatMap((o) => [o.actual, o.display]))
      return (raw, _ctx, path, issues) => {
        if (raw === null || isBlank(raw)) return null
        if (typeof raw !== 'string')
          return issue(issues, path, 'picklist', `expected a picklist value (one of: ${known})`, raw)
        const value = picklist.translate(raw)
        if (value !== UNMAPPED) return value
        const message = untranslated.has(raw)
          ? `"${raw}" is an option of ${spec.zoho} the field map does not translate (add it to the field's values, or map it to null)`
          : `"${raw}" is not a known value of ${spec.zoho} (known: ${known})`
        return issue(issues, path, 'picklist', message, raw)
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
            const converted = convert(noneAsNull(value), ctx, `${path}.${index}.${zoho}`, issues)
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
          const value = noneAsNull(raw[zoho])
          if (value === undefined || value === null || isBlank(value)) continue
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
