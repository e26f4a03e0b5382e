import { rotateSecrets } from '@edusync/core'
import type { Io } from '../output.ts'
import { EXIT, json } from '../output.ts'
import type { RegistryApi } from '../registry-api.ts'

/**
 * `edusync keys rotate`: re-wraps every sealed secret under the current (first) key of
 * `EDUSYNC_CONFIG_KEYS`; the old keys must still be in the ring. Exit 1 when any secret could not be
 * re-wrapped (it is left as it was and listed); then the old key must stay.
 */
export async function keysRotateCommand(api: RegistryApi, io: Io, asJson: boolean): Promise<number> {
  const result = await rotateSecrets(api.registry, api.secrets, { actor: api.actor })
  if (result.isErr()) {
    io.err(`edusync keys rotate: ${result.error.reason}: ${result.error.message}`)
    return EXIT.failures
  }
  const { rewritten, secrets, failed } = result.value
  if (asJson) io.out(json({ currentKey: api.secrets.currentKid, ...result.value }))
  else io.out(`re-wrapped ${secrets} secret(s) in ${rewritten} item(s) under key "${api.secrets.currentKid}"`)
  for (const f of failed) io.err(`edusync keys rotate: ${f.tenant}/${f.kind}/${f.key}: ${f.error}`)
  return failed.length > 0 ? EXIT.failures : EXIT.ok
}
