import { toMajorUnits } from './money.ts'
import type { FieldMap, FieldSpec } from './types.ts'
import { findModuleMap } from './with-field-map.ts'

/** Options of {@link toZohoRecord}. */
export interface ToZohoOptions {
  /** Send the canonical `id` as the Zoho `id` (updates of records that came from Zoho). @default false */
  readonly includeId?: boolean
}

function writeValue(spec: FieldSpec, value: unknown, currencies: Set<string>): unknown {
  if (value === null) return null
  switch (spec.kind) {
    case 'lookup':
      return { id: value }
    case 'money': {
      const money = value as { minor: number; currency: string }
      currencies.add(money.currency.toUpperCase())
      return toMajorUnits(money)
    }
    case 'picklist': {
      const entry = Object.entries(spec.values ?? {}).find(([, canonical]) => canonical === value)
      return entry ? entry[0] : value
    }
    case 'subform':
      return (value as Record<string, unknown>[]).map((row) => {
        const out: Record<string, unknown> = {}
        for (const [field, rowSpec] of Object.entries(spec.rows ?? {})) {
          if (row[field] !== undefined && !rowSpec.readOnly)
            out[rowSpec.zoho] = writeValue(rowSpec, row[field], currencies)
        }
        return out
      })
    default:
      return value
  }
}

/**
 * Writes a canonical record as a Zoho record through the field map (the reverse of `readZohoRecord`):
 * lookups become `{id}`, money becomes a currency number in major units (and the record's currency field,
 * if the module has one, is set to the amounts' currency), picklist values become the first Zoho value
 * mapped to them, subform rows are mapped row by row. Absent fields are not sent. Throws when the amounts
 * of one record are in several currencies, or, in a module without a currency field, not in the tenant
 * default (either would be stored as the wrong money).
 */
export function toZohoRecord(
  target: string,
  record: Readonly<Record<string, unknown>>,
  fieldMap: FieldMap,
  options: ToZohoOptions = {},
): Record<string, unknown> {
  const map = findModuleMap(fieldMap, target)
  if (!map) throw new TypeError(`no field map for "${target}"`)
  const out: Record<string, unknown> = {}
  const currencies = new Set<string>()
  for (const [field, spec] of Object.entries(map.fields)) {
    const value = record[field]
    if (value === undefined || spec.readOnly) continue
    if (spec.kind === 'id') {
      if (options.includeId) out.id = value
      continue
    }
    if (spec.kind === 'criteria') {
      for (const c of (value as { code: string; description: string }[] | null) ?? []) {
        const zoho = spec.criteria?.[c.code]
        if (zoho) out[zoho] = c.description
      }
      continue
    }
    out[spec.zoho] = writeValue(spec, value, currencies)
  }
  writeCurrency(out, currencies, map.module, map.currencyField, fieldMap.defaultCurrency)
  return out
}

// Amounts are sent as bare numbers, so their currency must travel with them: the record's currency field
// is set, or, in a module without one, the amounts must be in the tenant default (the currency Zoho and
// the reader assume). Anything else would be written, and read back, as the wrong money.
function writeCurrency(
  out: Record<string, unknown>,
  currencies: ReadonlySet<string>,
  module: string,
  currencyField: string | undefined,
  defaultCurrency: string | undefined,
): void {
  if (currencies.size === 0) return
  if (currencies.size > 1) {
    throw new TypeError(`a ${module} record holds one currency, got amounts in ${[...currencies].join(', ')}`)
  }
  const [currency] = currencies as Set<string>
  if (currencyField) out[currencyField] = currency
  else if (defaultCurrency && defaultCurrency.toUpperCase() !== currency) {
    throw new TypeError(
      `${module} has no currency field, so its amounts are in ${defaultCurrency.toUpperCase()}; cannot write ${currency}`,
    )
  }
}
