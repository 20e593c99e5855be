import { action, defineModel, type Model } from '@musil/core'
import { describe, expect, it } from 'vitest'
import {
  designView,
  routeDeliveryDesign,
  routeDeliveryLink,
} from '../../../examples/route-delivery/route-delivery.ts'
import { failureOf } from './helpers.ts'

interface Count {
  n: number
}
const counter = defineModel<Count>({
  name: 'counter',
  init: { n: 0 },
  actions: [
    action(
      'inc',
      (s) => s.n < 2,
      (s) => ({ n: s.n + 1 }),
    ),
  ],
})
/** Goes up by one, then may jump back to zero: the reset is not a step of the counter. */
const resettable: Model<{ n: number; log: string }> = defineModel({
  name: 'resettable',
  init: { n: 0, log: '' },
  actions: [
    action<{ n: number; log: string }>(
      'inc',
      (s) => s.n < 2,
      (s) => ({ n: s.n + 1, log: s.log }),
    ),
    action<{ n: number; log: string }>(
      'note',
      (s) => s.log === '',
      (s) => ({ ...s, log: 'x' }),
    ),
    action<{ n: number; log: string }>(
      'reset',
      (s) => s.n === 2,
      (s) => ({ ...s, n: 0 }),
    ),
  ],
})
const toCount = (s: { n: number }): Count => ({ n: s.n })

describe('toRefine', () => {
  it('passes when every step maps to a spec step or a stutter, and fails .not with the counts', () => {
    expect(routeDeliveryLink()).toRefine(routeDeliveryDesign(), designView)
    const f = failureOf(() =>
      expect(routeDeliveryLink()).not.toRefine(routeDeliveryDesign(), designView),
    )
    expect(f.message).toContain('expect(route-delivery-link(repush)).not.toRefine(route-delivery)')
    expect(f.message).toMatch(
      /every step of route-delivery-link\(repush\) maps to a step of route-delivery or a stutter \(\d+ distinct states, 1 spec steps matched, \d+ stutters\)/,
    )
  })

  it('fails on a forbidden step with the abstract trace against the allowed steps as the diff', () => {
    const f = failureOf(() => expect(resettable).toRefine(counter, toCount))
    expect(f.message).toContain(
      'step 3 of resettable (reset) maps to {n: 2} -> {n: 0}, which is neither a step of counter nor a stutter',
    )
    expect(f.message).toContain('implementation trace:\n0  init   {n: 0, log: ""}')
    expect(f.actual.split('\n')).toEqual([
      '0  init  {n: 0}',
      '1  inc  {n: 1}',
      '2  inc  {n: 2}',
      '3  reset  {n: 0}',
    ])
    expect(f.expected.split('\n')).toEqual([
      '0  init  {n: 0}',
      '1  inc  {n: 1}',
      '2  inc  {n: 2}',
      '3  (stutter)  {n: 2}',
    ])
  })

  it('shows the spec initial states when an initial state does not map to one', () => {
    const late = defineModel<Count>({ name: 'late', init: { n: 1 }, actions: counter.actions })
    const f = failureOf(() => expect(late).toRefine(counter, (s) => s))
    expect(f.message).toContain(
      'an initial state of late maps to {n: 1}, which is not an initial state of counter',
    )
    expect(f.actual).toBe('0  init  {n: 1}')
    expect(f.expected).toBe('0  init  {n: 0}')
  })

  it('passes .not on a violation and fails both ways when a bound cuts the search', () => {
    expect(resettable).not.toRefine(counter, toCount)
    const endless = defineModel<Count>({
      name: 'endless',
      init: { n: 0 },
      actions: [
        action(
          'inc',
          () => true,
          (s) => ({ n: s.n + 1 }),
        ),
      ],
    })
    const spec = defineModel<Count>({
      name: 'any',
      init: { n: 0 },
      actions: [
        action(
          'inc',
          () => true,
          (s) => ({ n: s.n + 1 }),
        ),
      ],
    })
    expect(
      failureOf(() => expect(endless).toRefine(spec, (s) => s, { maxStates: 5 })).message,
    ).toContain('search incomplete')
    expect(
      failureOf(() => expect(endless).not.toRefine(spec, (s) => s, { maxStates: 5 })).message,
    ).toContain('proves nothing')
  })

  it('rejects what is not a model', () => {
    expect(() => expect({}).toRefine(counter, toCount)).toThrow(
      'expect(impl).toRefine(spec, abstraction): received is object, expected a model built with defineModel() from @musil/core',
    )
    expect(() => expect(counter).toRefine(null as never, toCount)).toThrow('spec is null')
  })

  it('works as an asymmetric matcher', () => {
    expect({ m: routeDeliveryLink() }).toEqual({
      m: expect.toRefine(routeDeliveryDesign(), designView),
    })
    expect({ m: resettable }).toEqual({ m: expect.not.toRefine(counter, toCount) })
  })

  it('lists every allowed spec step in the expected side', () => {
    const branching = defineModel<Count>({
      name: 'branching',
      init: { n: 0 },
      actions: [
        action(
          'inc',
          () => true,
          (s) => ({ n: s.n + 1 }),
        ),
        action(
          'dec',
          (s) => s.n > 0,
          (s) => ({ n: s.n - 1 }),
        ),
      ],
    })
    const jump = defineModel<Count>({
      name: 'jump',
      init: { n: 0 },
      actions: [
        action(
          'jump',
          () => true,
          () => ({ n: 5 }),
        ),
      ],
    })
    const f = failureOf(() => expect(jump).toRefine(branching, (s) => s))
    expect(f.actual.split('\n')).toEqual(['0  init  {n: 0}', '1  jump  {n: 5}'])
    expect(f.expected.split('\n')).toEqual([
      '0  init  {n: 0}',
      '1  inc  {n: 1}',
      '1  (stutter)  {n: 0}',
    ])
  })
})
