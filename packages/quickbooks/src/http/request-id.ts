import { createHash } from 'node:crypto'

/**
 * The `requestid` of a write: a hash of the exact request (method, path, body). A blind retry of the same
 * request (after a timeout) repeats the id, so QuickBooks returns the first result instead of creating
 * twice; a changed request (e.g. a new SyncToken after a 5010 re-read) gets a new id. 32 hex characters:
 * within the batch limit (36), and leaving room for a 10-character `bId` under the 50-character
 * requestid + bId check (api-facts §3.2, §3.11).
 */
export function requestIdOf(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex').slice(0, 32)
}
