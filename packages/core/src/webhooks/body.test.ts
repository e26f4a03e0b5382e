import { describe, expect, it } from 'vitest'
import { parseBody } from './body.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('parseBody', () => {
  it('reads JSON and keeps unquoted 19-digit ids exact', () => {
    const r = parseBody(bytes('{"zoho_id":4876876000006600001,"n":12,"x":1.5}'), 'application/json')
    expect(r._unsafeUnwrap()).toEqual({
      kind: 'json',
      value: { zoho_id: '4876876000006600001', n: 12, x: 1.5 },
    })
  })

  it('reads form fields, repeated and [] keys as arrays', () => {
    const r = parseBody(
      bytes('module=BTEC_Students&ids[]=1&ids[]=2&a=x&a=y&name=A%20B'),
      'application/x-www-form-urlencoded; charset=UTF-8',
    )
    expect(r._unsafeUnwrap()).toEqual({
      kind: 'form',
      value: { module: 'BTEC_Students', ids: ['1', '2'], a: ['x', 'y'], name: 'A B' },
    })
  })

  it('sniffs JSON when no content type is sent', () => {
    expect(parseBody(bytes(' [1]'), null)._unsafeUnwrap()).toEqual({ kind: 'json', value: [1] })
    expect(parseBody(bytes('a=1'), null)._unsafeUnwrap()).toEqual({ kind: 'form', value: { a: '1' } })
  })

  it('refuses broken JSON with a 400 issue naming what was received', () => {
    const e = parseBody(bytes('{"data":['), 'application/json')._unsafeUnwrapErr()
    expect(e.reason).toBe('BadRequest')
    expect(e.status).toBe(400)
    expect(e.issues[0]).toMatchObject({ path: '', rule: 'invalid_body', received: '{"data":[' })
  })

  it('refuses an empty JSON body, invalid UTF-8 and unknown media types', () => {
    expect(parseBody(bytes(''), 'application/json')._unsafeUnwrapErr().reason).toBe('BadRequest')
    expect(parseBody(new Uint8Array([0xff, 0xfe]), 'application/json')._unsafeUnwrapErr().reason).toBe(
      'BadRequest',
    )
    const e = parseBody(bytes('<x/>'), 'application/xml')._unsafeUnwrapErr()
    expect([e.reason, e.status]).toEqual(['UnsupportedMediaType', 415])
  })
})
