import { readFile } from 'node:fs/promises'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'

/**
 * Reads the entries a JSON file holds for a tenant: the file is an array of entries, or an object keyed
 * by tenant (`{ "<tenant>": [...] }`; a tenant it does not name has none). The error is one line naming
 * what was wrong (unreadable, not JSON, not such a list), for the caller to prefix with the file's setting.
 */
export async function readTenantEntries(
  file: string,
  tenant: string,
  what: string,
): Promise<Result<readonly unknown[], string>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return err((error as Error).message)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return err(`not valid JSON (${(error as Error).message})`)
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' && parsed !== null
      ? ((parsed as Record<string, unknown>)[tenant] ?? [])
      : undefined
  return Array.isArray(list) ? ok(list) : err(`expected an array of ${what} or { "${tenant}": [...] }`)
}
