/** @module Webhook kit: framework-agnostic `Request -> Response` handlers and their parts (signature verification, idempotency, responses). */
export {}
