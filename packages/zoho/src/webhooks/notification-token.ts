import { createHash, timingSafeEqual } from 'node:crypto'
import type { ZohoWebhook } from './read-webhook.ts'

/**
 * Checks a notification callback's `token` against the one set when the channel was enabled, in constant
 * time (both sides are hashed first, so neither the content nor the length leaks). False when the webhook
 * is not a notification callback or carries no token.
 */
export function verifyZohoNotificationToken(webhook: ZohoWebhook, expected: string): boolean {
  if (webhook.kind !== 'ids' || !webhook.notification?.token || expected.length === 0) return false
  const a = createHash('sha256').update(webhook.notification.token).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}
