import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signHmac, verifyHmac } from './hmac.ts'

const enc = new TextEncoder()
const body = enc.encode('{"data":[{"id":"4876876000006600001"}]}')

describe('verifyHmac', () => {
  it('accepts hex, base64, base64url and a sha256= prefix of the same MAC', () => {
    const hex = signHmac('s3cret', body)
    const b64 = signHmac('s3cret', body, { encoding: 'base64' })
    const b64url = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    for (const presented of [hex, hex.toUpperCase(), `sha256=${hex}`, b64, `sha256=${b64}`, b64url]) {
      expect(verifyHmac(presented, ['s3cret'], body)).toBe(true)
    }
  })

  it('rejects a MAC made with another secret, a truncated MAC and garbage', () => {
    const hex = signHmac('other', body)
    expect(verifyHmac(hex, ['s3cret'], body)).toBe(false)
    expect(verifyHmac(signHmac('s3cret', body).slice(0, 63), ['s3cret'], body)).toBe(false)
    expect(verifyHmac('not-a-signature', ['s3cret'], body)).toBe(false)
    expect(verifyHmac('', ['s3cret'], body)).toBe(false)
  })

  it('accepts any secret of a rotation list', () => {
    expect(verifyHmac(signHmac('new', body), ['old', 'new'], body)).toBe(true)
  })

  it('binds the timestamp and nonce into the signature', () => {
    const sig = signHmac('k', body, { timestamp: '1700000000', nonce: 'nonce-123' })
    expect(verifyHmac(sig, ['k'], body, { timestamp: '1700000000', nonce: 'nonce-123' })).toBe(true)
    expect(verifyHmac(sig, ['k'], body, { timestamp: '1700000001', nonce: 'nonce-123' })).toBe(false)
    expect(verifyHmac(sig, ['k'], body, { timestamp: '1700000000', nonce: 'nonce-124' })).toBe(false)
    expect(verifyHmac(sig, ['k'], body)).toBe(false)
  })

  it('verifies every signed body and rejects it after any single byte changes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.string({ minLength: 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, secret, position, flip) => {
          const sig = signHmac(secret, bytes)
          expect(verifyHmac(sig, [secret], bytes)).toBe(true)
          const tampered = Uint8Array.from(bytes)
          const i = position % tampered.length
          tampered[i] = (tampered[i] as number) ^ flip
          expect(verifyHmac(sig, [secret], tampered)).toBe(false)
        },
      ),
    )
  })
})
