import type { Io } from '../output.ts'
import { EXIT, json } from '../output.ts'
import type { RegistryApi } from '../registry-api.ts'
import { report } from './registry-output.ts'

/** Options of `edusync connections set`. */
export interface ConnectionsSetOptions {
  /** Settings as `key=value` (values that parse as JSON are taken as JSON: numbers, objects). */
  readonly set?: readonly string[]
  /** Secrets as `name=ENV_VAR`: read from the environment, never from the command line (shell history). */
  readonly secretEnv?: readonly string[]
}

function pairs(list: readonly string[] | undefined, what: string): [string, string][] {
  return (list ?? []).map((item) => {
    const at = item.indexOf('=')
    if (at <= 0) throw new TypeError(`${what}: expected name=value, received "${item.split('=')[0]}"`)
    return [item.slice(0, at), item.slice(at + 1)]
  })
}

const parseValue = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * `edusync connections set SYSTEM --set key=value ... --secret-env name=ENV_VAR ...`: creates or updates the
 * tenant's connection (settings merged over the stored ones, secrets sealed; omitted secrets are kept).
 */
export async function connectionsSetCommand(
  api: RegistryApi,
  io: Io,
  env: NodeJS.ProcessEnv,
  tenant: string,
  system: string,
  options: ConnectionsSetOptions,
  asJson: boolean,
): Promise<number> {
  let settings: [string, string][]
  let secretRefs: [string, string][]
  try {
    settings = pairs(options.set, '--set')
    secretRefs = pairs(options.secretEnv, '--secret-env')
  } catch (error) {
    io.err(`edusync connections set: ${(error as Error).message}`)
    return EXIT.usage
  }
  const secrets: Record<string, string> = {}
  for (const [name, variable] of secretRefs) {
    const value = env[variable]
    if (!value) {
      io.err(`edusync connections set: --secret-env ${name}=${variable}: ${variable} is not set`)
      return EXIT.usage
    }
    secrets[name] = value
  }
  const current = await api.call('GET', `/tenants/${tenant}/connections/${system}`)
  const base = current.status === 200 ? (current.body.settings as Record<string, unknown>) : {}
  const body = {
    settings: { ...base, ...Object.fromEntries(settings.map(([k, v]) => [k, parseValue(v)])) },
    secrets,
  }
  const headers: Record<string, string> =
    current.status === 200 && current.etag ? { 'if-match': current.etag } : {}
  const answer = await api.call('PUT', `/tenants/${tenant}/connections/${system}`, body, headers)
  return report(io, 'connections set', answer, asJson, (c) => `saved ${system} for ${tenant}: ${json(c)}`)
}

/** `edusync connections test SYSTEM`: calls the system's cheapest authenticated endpoint. */
export async function connectionsTestCommand(
  api: RegistryApi,
  io: Io,
  tenant: string,
  system: string,
  asJson: boolean,
): Promise<number> {
  const answer = await api.call('POST', `/tenants/${tenant}/connections/${system}/test`)
  return report(io, 'connections test', answer, asJson, (r) => `${system}: ok, ${String(r.detail)}`)
}
