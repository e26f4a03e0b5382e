import type { InputLimits } from '@edusync/core'
import type { HostConfig } from './config.ts'

/** The input limits of webhook routes (one delivery: a few records). */
export function webhookLimits(config: HostConfig): InputLimits {
  return {
    maxDepth: config.MAX_DEPTH,
    maxStringLength: config.MAX_STRING_LENGTH,
    maxRecords: config.MAX_RECORDS_PER_WEBHOOK,
  }
}

/** The input limits of the bulk route (many records, synced as a stream of 1,000-record batches). */
export function bulkLimits(config: HostConfig): InputLimits {
  return { ...webhookLimits(config), maxRecords: config.MAX_RECORDS_PER_REQUEST }
}
