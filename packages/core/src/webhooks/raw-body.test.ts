import { describe, expect, it } from 'vitest'
import { readRawBody } from './raw-body.ts'

describe('readRawBody', () => {
  it('returns the exact bytes received', async () => {
    const bytes = new Uint8Array([0x7b, 0x20, 0x0a, 0xc3, 0xa7, 0x7d])
    const r = await readRawBody(new Request('http://h/x', { method: 'POST', body: bytes }), 100)
    expect(r._unsafeUnwrap()).toEqual(bytes)
  })

  it('refuses a body over the limit, also when it is streamed without a length', async () => {
    const declared = await readRawBody(
      new Request('http://h/x', { method: 'POST', body: 'x'.repeat(11) }),
      10,
    )
    expect(declared._unsafeUnwrapErr().status).toBe(413)
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(8))
        c.enqueue(new Uint8Array(8))
        c.close()
      },
    })
    const streamed = await readRawBody(
      new Request('http://h/x', { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
      10,
    )
    expect(streamed._unsafeUnwrapErr().reason).toBe('PayloadTooLarge')
  })

  it('reads an absent body as empty', async () => {
    expect((await readRawBody(new Request('http://h/x'), 10))._unsafeUnwrap().byteLength).toBe(0)
  })
})
