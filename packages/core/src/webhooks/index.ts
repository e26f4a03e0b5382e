/**
 * @module Webhook kit: framework-agnostic `Request -> Response` handlers and their parts (raw-body reading,
 * HMAC / shared-secret / bearer authentication, idempotency, responses a sender can act on).
 */

export type { Authenticated, Authenticator, AuthInput, SecretSource } from './authenticator.ts'
export { resolveSecrets } from './authenticator.ts'
export type { BearerAuthOptions } from './bearer-auth.ts'
export { bearerAuth } from './bearer-auth.ts'
export type { ParsedBody } from './body.ts'
export { parseBody } from './body.ts'
export type { ClaimEvent, ClaimStep } from './claim-event.ts'
export type { ClaimGroups, ClaimGroupsOptions } from './claim-groups.ts'
export { createClaimGroups } from './claim-groups.ts'
export type { ClaimHeartbeat } from './claim-heartbeat.ts'
export { startClaimHeartbeat } from './claim-heartbeat.ts'
export type { ClaimSettlement, ClaimSettler } from './claim-settler.ts'
export { createClaimSettler } from './claim-settler.ts'
export { matchesAny, safeEqual } from './constant-time.ts'
export type { SignatureEncoding } from './hmac.ts'
export { signedContent, signHmac, verifyHmac } from './hmac.ts'
export type { HmacAuthOptions } from './hmac-auth.ts'
export { hmacAuth } from './hmac-auth.ts'
export type { IdempotencyKey, IdempotencyKeyInput, IdempotencyKeySource } from './idempotency.ts'
export { deriveIdempotencyKey } from './idempotency.ts'
export { DEFAULT_MAX_BODY_BYTES, readRawBody } from './raw-body.ts'
export type { OutcomeBody, WebhookReply } from './responses.ts'
export { errorResponse, jsonResponse, replayResponse, syncReply } from './responses.ts'
export type { SharedSecretAuthOptions } from './shared-secret-auth.ts'
export { sharedSecretAuth } from './shared-secret-auth.ts'
export { DEFAULT_MAX_STORED_REPLY_BYTES, encodeStoredReply } from './stored-reply.ts'
export type { WebhookErrorReason } from './webhook-error.ts'
export { WebhookError } from './webhook-error.ts'
export type {
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookIdempotencyOptions,
  WebhookInput,
} from './webhook-handler.ts'
export { createWebhookHandler, DEFAULT_IDEMPOTENCY_LEASE_MS, toWebhookError } from './webhook-handler.ts'
