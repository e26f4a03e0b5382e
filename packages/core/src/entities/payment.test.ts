import { describe, expect, it } from 'vitest'
import { seededEngine, stored, sync } from '../__fixtures__/engine.ts'
import { sample } from '../__fixtures__/samples.ts'
import { entities, money, parseRecord, signedPaymentAmount } from '../index.ts'

const usd = (minor: number) => ({ minor, currency: 'USD' })

describe('payment', () => {
  // Issue 8.1: a payment of -50000 USD synced as NEW and was stored.
  it.each([-50000, -1, 0])(
    'rejects an amount of %i minor units, naming the field, rule and value',
    (minor) => {
      const error = parseRecord(entities.payment, { ...sample('payment', 'p-neg'), amount: usd(minor) })
      expect(error._unsafeUnwrapErr().issues).toEqual([
        {
          path: 'amount',
          rule: 'positive_amount',
          message: expect.stringContaining('greater than zero'),
          received: usd(minor),
        },
      ])
      expect(error._unsafeUnwrapErr().message).toContain('"minor":')
    },
  )

  it('says how to record money going back: a refund or reversal kind with a positive amount', () => {
    const error = parseRecord(entities.payment, { ...sample('payment'), amount: usd(-500) })
    expect(error._unsafeUnwrapErr().issues[0]?.message).toMatch(/kind "refund" or "reversal"/)
  })

  it.each(['refund', 'reversal'] as const)(
    'accepts a %s with a positive amount, and refuses a negative one',
    (kind) => {
      const record = { ...sample('payment', 'p-back'), kind, amount: usd(2500) }
      expect(parseRecord(entities.payment, record)._unsafeUnwrap()).toMatchObject({ kind, amount: usd(2500) })
      const negative = parseRecord(entities.payment, { ...record, amount: usd(-2500) })
      expect(negative._unsafeUnwrapErr().issues[0]).toMatchObject({ path: 'amount', rule: 'positive_amount' })
    },
  )

  it('reads an absent or null kind as a payment received, and refuses an unknown kind', () => {
    const plain = parseRecord(entities.payment, sample('payment'))._unsafeUnwrap()
    expect(plain).not.toHaveProperty('kind')
    expect(signedPaymentAmount(plain)).toEqual(usd(150000))
    const unknown = parseRecord(entities.payment, { ...sample('payment'), kind: 'chargeback' })
    expect(unknown._unsafeUnwrapErr().issues[0]).toMatchObject({ path: 'kind', received: 'chargeback' })
  })

  it('signs the amount for statements: money in is positive, a refund or reversal negative', () => {
    const base = parseRecord(entities.payment, sample('payment'))._unsafeUnwrap()
    expect(signedPaymentAmount({ ...base, kind: 'payment' })).toEqual(usd(150000))
    expect(signedPaymentAmount({ ...base, kind: 'refund' })).toEqual(usd(-150000))
    expect(signedPaymentAmount({ ...base, kind: 'reversal' })).toEqual(usd(-150000))
  })

  it('keeps the generic money type signed (a credit or a remaining balance may be negative)', () => {
    expect(money.safeParse(usd(-50000)).success).toBe(true)
    const registration = { ...sample('registration'), remainingAmount: usd(-1200) }
    expect(parseRecord(entities.registration, registration).isOk()).toBe(true)
  })

  it('is INVALID through the engine and is not stored, while the rest of the batch is', async () => {
    const { engine, store } = await seededEngine()
    const result = await sync(engine, 'payment', [
      { ...sample('payment', 'p-bad'), amount: usd(-50000) },
      sample('payment', 'p-good'),
    ])
    expect(result.outcomes.map((o) => o.status)).toEqual(['INVALID', 'NEW'])
    expect(await stored(store, 'payment', 'p-bad')).toBeUndefined()
    expect(await stored(store, 'payment', 'p-good')).toBeDefined()
  })
})
