import { readFileSync } from 'node:fs'
import type { Io } from '../output.ts'
import { EXIT, json } from '../output.ts'
import type { RegistryApi } from '../registry-api.ts'
import { report } from './registry-output.ts'

function readOverrides(io: Io, command: string, file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
    io.err(`edusync ${command}: ${file}: expected a JSON object of field-map overrides`)
  } catch (error) {
    io.err(`edusync ${command}: ${file}: ${(error as Error).message}`)
  }
  return undefined
}

/**
 * `edusync mappings validate FILE`: checks field-map overrides against the tenant's live Zoho metadata
 * (when it has a Zoho connection) and prints the report; exit 2 when invalid. Saves nothing.
 */
export async function mappingsValidateCommand(
  api: RegistryApi,
  io: Io,
  tenant: string,
  file: string,
  asJson: boolean,
) {
  const overrides = readOverrides(io, 'mappings validate', file)
  if (!overrides) return EXIT.usage
  const answer = await api.call('POST', `/tenants/${tenant}/field-map/validate`, overrides)
  return report(io, 'mappings validate', answer, asJson, (r) => `valid: ${json(r.report)}`)
}

/** `edusync mappings set FILE`: validates, then saves the overrides (conditional on the stored version). */
export async function mappingsSetCommand(
  api: RegistryApi,
  io: Io,
  tenant: string,
  file: string,
  asJson: boolean,
) {
  const overrides = readOverrides(io, 'mappings set', file)
  if (!overrides) return EXIT.usage
  const current = await api.call('GET', `/tenants/${tenant}/field-map`)
  if (current.status !== 200) return report(io, 'mappings set', current, asJson, () => '')
  const headers: Record<string, string> = current.etag ? { 'if-match': current.etag } : {}
  const answer = await api.call('PUT', `/tenants/${tenant}/field-map`, overrides, headers)
  return report(io, 'mappings set', answer, asJson, (r) => `saved field map version ${String(r.version)}`)
}
