/**
 * Why a secret could not be sealed or opened:
 * - `InvalidKey`: a key ring is malformed (a key is not 32 bytes, an id is repeated or empty).
 * - `UnknownKey`: a ciphertext names a key id the ring does not hold (rotated out too early?).
 * - `Undecryptable`: authentication failed: another key under the same id, a tampered ciphertext, or a
 *   ciphertext moved to another tenant/system/name than it was sealed for.
 * Messages name key ids and locations, never plaintext or key material.
 */
export type SecretErrorReason = 'InvalidKey' | 'UnknownKey' | 'Undecryptable'

/** The error of the secret box (see `createSecretBox`). */
export class SecretError extends Error {
  override readonly name = 'SecretError'

  constructor(
    readonly reason: SecretErrorReason,
    message: string,
  ) {
    super(message)
  }
}
