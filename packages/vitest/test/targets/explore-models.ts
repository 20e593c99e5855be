/**
 * Models for the explorer's tests. `counters` has 103,823 states (47^3), for the timing of a
 * step on a model of 10^5 states; `endless` has 10^8, so "find a violation" is still searching
 * when the test cancels it; `markup` holds HTML in its state, action labels and invariant
 * names, which the page must show as text; `broken` throws instead of building its model.
 */
import { action, defineModel, type Model } from '@musil/core'

type Counters = { readonly a: number; readonly b: number; readonly c: number }

const inc = (key: keyof Counters, max: number) =>
  action<Counters>(
    `Inc${key.toUpperCase()}`,
    (s) => s[key] < max,
    (s) => ({ ...s, [key]: s[key] + 1 }),
  )
const reset = (key: keyof Counters) =>
  action<Counters>(
    `Reset${key.toUpperCase()}`,
    (s) => s[key] > 0,
    (s) => ({ ...s, [key]: 0 }),
  )

/** Three counters up to 46 each: 47^3 = 103,823 states, every one reachable; no violation. */
export function counters(): Model<Counters> {
  return defineModel<Counters>({
    name: 'counters',
    init: { a: 0, b: 0, c: 0 },
    actions: [inc('a', 46), inc('b', 46), inc('c', 46), reset('a'), reset('b'), reset('c')],
    invariants: { bounded: (s) => s.a + s.b + s.c <= 138 },
  })
}

type Wide = { readonly a: number; readonly b: number; readonly c: number; readonly d: number }

/** Four counters up to 99: 10^8 states, far more than a test waits for. */
export function endless(): Model<Wide> {
  const keys = ['a', 'b', 'c', 'd'] as const
  return defineModel<Wide>({
    name: 'endless',
    init: { a: 0, b: 0, c: 0, d: 0 },
    actions: keys.map((k) =>
      action<Wide>(
        `Inc${k.toUpperCase()}`,
        (s) => s[k] < 99,
        (s) => ({ ...s, [k]: s[k] + 1 }),
      ),
    ),
    invariants: { small: (s) => s.a + s.b + s.c + s.d < 1000 },
    terminal: (s) => keys.every((k) => s[k] === 99),
  })
}

/** A state, an action and an invariant whose text is markup. */
export const markup = defineModel<{ readonly note: string }>({
  name: '<b>markup</b>',
  init: { note: '<script>window.__pwned = 1</script>' },
  actions: [
    action(
      '<img src=x onerror="window.__pwned = 2">',
      (s) => s.note.length < 80,
      (s) => ({ note: `${s.note}<i>` }),
    ),
  ],
  invariants: { '<u>short</u>': (s) => s.note.length < 40 },
  terminal: () => true,
})

/** A model factory that throws: `musil explore` must say which export did. */
export function broken(): Model<number> {
  throw new Error('no model today')
}
