import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { Result } from 'neverthrow'
import { err, ok } from 'neverthrow'
import { SEALED_MARKER } from './redact.ts'
import { SecretError } from './secret-error.ts'

/**
 * A secret sealed by envelope encryption: the value is encrypted with a fresh random data key (AES-256-GCM),
 * and the data key is encrypted ("wrapped") with the host's key `kid`. Rotation re-wraps only the data key.
 * All binary fields are base64. The location (`context`) is authenticated, not stored: a ciphertext copied
 * to another tenant or field does not open.
 */
export interface SealedSecret {
  readonly sealed: typeof SEALED_MARKER
  /** Id of the key that wrapped `dek`. */
  readonly kid: string
  /** The wrapped data key: iv (12) + tag (16) + ciphertext (32). */
  readonly dek: string
  readonly iv: string
  readonly tag: string
  readonly ct: string
}

/** The host's keys: 32-byte AES keys by id, and which one seals new secrets. */
export interface KeyRing {
  readonly current: string
  readonly keys: ReadonlyMap<string, Uint8Array>
}

/** Seals and opens secrets with a {@link KeyRing}. */
export interface SecretBox {
  /** The id new secrets are sealed with. */
  readonly currentKid: string
  /** Seals `plaintext` for `context` (e.g. `"acme/zoho/refreshToken"`). */
  seal(plaintext: string, context: string): SealedSecret
  /** Opens a sealed secret for the same `context` it was sealed with. */
  open(sealed: SealedSecret, context: string): Result<string, SecretError>
  /** The same secret wrapped with the current key (unchanged when it already is). */
  rewrap(sealed: SealedSecret, context: string): Result<SealedSecret, SecretError>
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const unb64 = (text: string) => Buffer.from(text, 'base64')
const KID = /^[\w.-]{1,64}$/

/**
 * Parses a key ring from text, as hosts keep it in an environment variable or a key file:
 * `kid:base64key[,kid:base64key...]`; the first key is current (seals new secrets), the others only open
 * old ones until `keys rotate` has re-wrapped them. Generate a key with `openssl rand -base64 32`.
 *
 * @example
 * ```ts
 * const ring = parseKeyRing(process.env.EDUSYNC_CONFIG_KEYS ?? '')._unsafeUnwrap()
 * ```
 */
export function parseKeyRing(text: string): Result<KeyRing, SecretError> {
  const keys = new Map<string, Uint8Array>()
  const entries = text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (entries.length === 0)
    return err(new SecretError('InvalidKey', 'the key ring is empty (kid:base64key,...)'))
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':')
    const kid = colon < 0 ? '' : entry.slice(0, colon)
    // Only the id and position are named: the key text itself never appears in an error.
    if (!KID.test(kid)) {
      return err(new SecretError('InvalidKey', `key ${index + 1}: id must match ${KID} before ":" `))
    }
    const key = unb64(entry.slice(colon + 1))
    if (key.byteLength !== 32) {
      return err(
        new SecretError('InvalidKey', `key "${kid}" must be 32 bytes of base64, got ${key.byteLength}`),
      )
    }
    if (keys.has(kid)) return err(new SecretError('InvalidKey', `key id "${kid}" appears twice`))
    keys.set(kid, key)
  }
  return ok({ current: entries[0]!.slice(0, entries[0]!.indexOf(':')), keys })
}

/**
 * Creates a {@link SecretBox} over a key ring (AES-256-GCM envelope encryption with node:crypto).
 *
 * @example
 * ```ts
 * const box = createSecretBox(parseKeyRing(process.env.EDUSYNC_CONFIG_KEYS!)._unsafeUnwrap())
 * const sealed = box.seal('1000.abc', 'acme/zoho/refreshToken')
 * box.open(sealed, 'acme/zoho/refreshToken') // ok('1000.abc')
 * ```
 */
export function createSecretBox(ring: KeyRing): SecretBox {
  const currentKey = ring.keys.get(ring.current)
  if (!currentKey) throw new SecretError('InvalidKey', `the current key "${ring.current}" is not in the ring`)

  function wrapKey(dek: Buffer, kid: string, key: Uint8Array, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(`dek:${kid}:${context}`))
    const ct = Buffer.concat([cipher.update(dek), cipher.final()])
    return b64(Buffer.concat([iv, cipher.getAuthTag(), ct]))
  }

  function unwrapKey(sealed: SealedSecret, context: string): Result<Buffer, SecretError> {
    const key = ring.keys.get(sealed.kid)
    if (!key) {
      return err(
        new SecretError('UnknownKey', `${context}: sealed with key "${sealed.kid}", which the ring lacks`),
      )
    }
    try {
      const raw = unb64(sealed.dek)
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
      decipher.setAAD(Buffer.from(`dek:${sealed.kid}:${context}`))
      decipher.setAuthTag(raw.subarray(12, 28))
      return ok(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]))
    } catch {
      return err(undecryptable(sealed, context))
    }
  }

  return {
    currentKid: ring.current,

    seal(plaintext, context) {
      const dek = randomBytes(32)
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', dek, iv)
      cipher.setAAD(Buffer.from(context))
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return {
        sealed: SEALED_MARKER,
        kid: ring.current,
        dek: wrapKey(dek, ring.current, currentKey, context),
        iv: b64(iv),
        tag: b64(cipher.getAuthTag()),
        ct: b64(ct),
      }
    },

    open(sealed, context) {
      return unwrapKey(sealed, context).andThen((dek) => {
        try {
          const decipher = createDecipheriv('aes-256-gcm', dek, unb64(sealed.iv))
          decipher.setAAD(Buffer.from(context))
          decipher.setAuthTag(unb64(sealed.tag))
          return ok(Buffer.concat([decipher.update(unb64(sealed.ct)), decipher.final()]).toString('utf8'))
        } catch {
          return err(undecryptable(sealed, context))
        }
      })
    },

    rewrap(sealed, context) {
      if (sealed.kid === ring.current) return ok(sealed)
      return unwrapKey(sealed, context).map((dek) => ({
        ...sealed,
        kid: ring.current,
        dek: wrapKey(dek, ring.current, currentKey, context),
      }))
    },
  }
}

const undecryptable = (sealed: SealedSecret, context: string) =>
  new SecretError(
    'Undecryptable',
    `${context}: the secret does not open with key "${sealed.kid}" (another key under that id, tampered, or moved)`,
  )
