import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { xmlAuthFault } from '../testing/mock-quickbooks.ts'
import { reasonOf } from './error-mapping.ts'
import { readFault } from './fault.ts'

describe('readFault', () => {
  it('reads the data-service Fault with lower-case code and element', () => {
    const body = JSON.stringify({
      Fault: {
        Error: [
          {
            Message: 'Duplicate Name Exists Error',
            Detail: 'The name supplied already exists. : null',
            code: '6240',
            element: '',
          },
        ],
        type: 'ValidationFault',
      },
      time: '2026-11-30T10:00:00.000-08:00',
    })
    expect(readFault(body)).toEqual({
      type: 'ValidationFault',
      errors: [
        {
          message: 'Duplicate Name Exists Error',
          detail: 'The name supplied already exists. : null',
          code: '6240',
          element: undefined,
        },
      ],
    })
  })

  it('reads the lower-case platform fault', () => {
    const body =
      '{"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Malformed bearer token: too short or too long","code":"3200","element":null}],"type":"AUTHENTICATION"},"report":null,"queryResponse":null,"batchItemResponse":[],"time":1633520295688}'
    const fault = readFault(body)
    expect(fault?.type).toBe('AUTHENTICATION')
    expect(fault?.errors[0]).toEqual({
      message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
      detail: 'Malformed bearer token: too short or too long',
      code: '3200',
      element: undefined,
    })
  })

  it('reads an XML fault and decodes its entities', () => {
    const fault = readFault(xmlAuthFault())
    expect(fault?.type).toBe('AUTHENTICATION')
    expect(fault?.errors).toEqual([
      {
        message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
        detail: 'Token expired: eyJ... & more',
        code: '3200',
        element: undefined,
      },
    ])
  })

  it('reads an XML throttle fault with an element attribute', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-30T10:00:00.000-08:00">
  <Fault type="SERVICE">
    <Error code="3001" element="">
      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>
      <Detail>The request limit was reached. Try again later</Detail>
    </Error>
  </Fault>
</IntuitResponse>`
    const fault = readFault(xml)
    expect(fault?.errors[0]?.code).toBe('3001')
    expect(reasonOf(429, fault)).toBe('RateLimited')
  })

  it('returns undefined for bodies without a fault', () => {
    expect(readFault('{"QueryResponse":{}}')).toBeUndefined()
    expect(readFault('<html>Bad gateway</html>')).toBeUndefined()
    expect(readFault('')).toBeUndefined()
  })

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        readFault(text)
        readFault(`<Fault type="x">${text}</Fault>`)
        readFault(`{"Fault":${JSON.stringify(text)}}`)
      }),
    )
  })

  it.each([
    [400, '5010', 'ValidationFault', 'StaleObject'],
    [400, '6240', 'ValidationFault', 'Duplicate'],
    [429, '3001', 'SERVICE', 'RateLimited'],
    [403, '3001', 'ThrottleExceeded', 'RateLimited'],
    [401, '3200', 'AUTHENTICATION', 'Auth'],
    [403, '3100', 'AuthorizationFault', 'Auth'],
    [400, '610', 'ValidationFault', 'NotFound'],
    [404, '', 'ValidationFault', 'NotFound'],
    [500, '10000', 'SystemFault', 'Transport'],
    [400, '2050', 'ValidationFault', 'Validation'],
  ])('maps HTTP %i fault %s (%s) to %s', (status, code, type, reason) => {
    expect(reasonOf(status, { type, errors: [{ code, message: '', detail: '', element: undefined }] })).toBe(
      reason,
    )
  })
})
