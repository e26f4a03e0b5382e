import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import type { EntityDefinition } from '../index.ts'
import {
  allEntities,
  createMemoryStore,
  createSyncEngine,
  defineEntity,
  externalId,
  orderEntities,
} from '../index.ts'

const node = (name: string, references: Record<string, string> = {}) =>
  defineEntity({
    name,
    shape: { id: externalId, ...Object.fromEntries(Object.keys(references).map((f) => [f, z.string()])) },
    references,
  })

const precedes = (order: readonly string[], a: string, b: string) => order.indexOf(a) < order.indexOf(b)

describe('orderEntities', () => {
  it('orders the shipped entities parents first, deterministically', () => {
    const order = orderEntities(allEntities)._unsafeUnwrap()
    expect(order).toEqual([
      'program',
      'student',
      'registration',
      'payment',
      'request',
      'teacher',
      'unit',
      'class',
      'enrollment',
      'grade',
    ])
    expect(precedes(order, 'program', 'student')).toBe(true)
    expect(precedes(order, 'student', 'request')).toBe(true)
    expect(precedes(order, 'student', 'registration')).toBe(true)
    expect(precedes(order, 'registration', 'payment')).toBe(true)
    for (const parent of ['unit', 'class', 'student']) expect(precedes(order, parent, 'grade')).toBe(true)
  })

  it('places every entity after every entity it references, whatever the declaration order (property)', () => {
    const expected = orderEntities(allEntities)._unsafeUnwrap()
    fc.assert(
      fc.property(fc.shuffledSubarray([...allEntities], { minLength: allEntities.length }), (shuffled) => {
        const order = orderEntities(shuffled)._unsafeUnwrap()
        expect(order).toEqual(expected)
        for (const entity of shuffled as EntityDefinition[]) {
          for (const parent of Object.values(entity.references))
            expect(precedes(order, parent, entity.name)).toBe(true)
        }
      }),
    )
  })

  it('rejects a two-entity cycle, naming it', () => {
    const error = orderEntities([node('a', { bId: 'b' }), node('b', { aId: 'a' })])._unsafeUnwrapErr()
    expect(error.reason).toBe('Cycle')
    expect(error.message).toBe('entity references form a cycle: a -> b -> a')
  })

  it('names only the cycle, not the entities hanging off it', () => {
    const error = orderEntities([
      node('z'),
      node('leaf', { cId: 'c' }),
      node('a', { bId: 'b', zId: 'z' }),
      node('b', { cId: 'c' }),
      node('c', { aId: 'a' }),
    ])._unsafeUnwrapErr()
    expect(error.message).toBe('entity references form a cycle: a -> b -> c -> a')
  })

  it('allows self-references and ignores references to undeclared entities', () => {
    const order = orderEntities([
      node('category', { parentId: 'category' }),
      node('item', { categoryId: 'category', vendorId: 'vendor' }),
    ])
    expect(order._unsafeUnwrap()).toEqual(['category', 'item'])
  })

  it('makes createSyncEngine refuse entity declarations with a cycle', () => {
    expect(() =>
      createSyncEngine({
        store: createMemoryStore(),
        entities: [node('a', { bId: 'b' }), node('b', { aId: 'a' })],
      }),
    ).toThrow(/cycle: a -> b -> a/)
  })
})
