/**
 * Strict options: every options object and definition a user writes is checked for keys musil
 * does not know, so that a typo (`invariant` for `invariants`) fails loudly instead of turning
 * into a check that silently checks nothing. TypeScript already rejects such object literals;
 * this catches values passed through variables and JavaScript callers.
 *
 * Each options type has one list of its valid keys, declared next to the type with
 * {@link keyList}, which fails to compile when the list and the type disagree.
 *
 * @module
 */
import { OptionsError } from './errors.ts'
import { formatValue } from './format/value.ts'

/** The keys an options object of type `T` may have (of every member, when `T` is a union). */
export type OptionKey<T> = T extends unknown ? Extract<keyof T, string> : never

/**
 * `readonly OptionKey<T>[]` when the list `L` names every key of `T` and nothing else;
 * otherwise an object type naming the `missingKeys` or `unknownKeys`, so that assigning the
 * list to a `readonly OptionKey<T>[]` fails to compile and the error shows what to fix.
 */
export type CompleteKeyList<T, L extends readonly string[]> = [
  Exclude<OptionKey<T>, L[number]>,
] extends [never]
  ? [Exclude<L[number], OptionKey<T>>] extends [never]
    ? readonly OptionKey<T>[]
    : { readonly unknownKeys: Exclude<L[number], OptionKey<T>> }
  : { readonly missingKeys: Exclude<OptionKey<T>, L[number]> }

/**
 * The list of valid keys of the options type `T`, checked at compile time against `T`: declare
 * it once, next to the type, as `const X_KEYS: readonly OptionKey<T>[] = keyList<T>()([...])`.
 * Adding a key to `T` without adding it to the list (or the reverse) is a type error.
 *
 * @example
 * export const CHECK_OPTION_KEYS: readonly OptionKey<CheckOptions>[] = keyList<CheckOptions>()([
 *   'maxStates', 'maxDepth', 'deadlock', 'onProgress', 'progressIntervalMs',
 * ])
 */
export function keyList<T>(): <const L extends readonly OptionKey<T>[]>(
  keys: L,
) => CompleteKeyList<T, L> {
  return <const L extends readonly OptionKey<T>[]>(keys: L) =>
    keys as unknown as CompleteKeyList<T, L>
}

/**
 * Checks that `options` is an object whose own keys are all in `keys`. `undefined` values of
 * valid keys are fine; an unknown key is an error whatever its value, because it is a typo
 * either way.
 *
 * @param options - what the user passed
 * @param where - how the message names the place, e.g. `defineModel()` or `net.bind("a")`
 * @param keys - the valid keys, from the options type's one key list
 * @throws {OptionsError} naming the first unknown key, where it was given and the valid key that
 *   was probably meant (or every valid key when none is close); or saying that `options` is not
 *   an object.
 *
 * @example
 * checkOptions({ invariant: {} }, 'defineModel()', ['init', 'actions', 'invariants'])
 * // OptionsError: unknown option 'invariant' in defineModel(); did you mean 'invariants'?
 */
export function checkOptions(options: unknown, where: string, keys: readonly string[]): void {
  if (hasOnlyKeys(options, keys)) return
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionsError(
      `${where} expects an options object { ${keys.join(', ')} }, got ${formatValue(options)}`,
      where,
    )
  }
  for (const key of Object.keys(options)) {
    if (keys.includes(key)) continue
    const suggestion = nearestKey(key, keys)
    const hint =
      suggestion === undefined
        ? `valid options are ${keys.map((k) => `'${k}'`).join(', ')}`
        : `did you mean '${suggestion}'?`
    throw new OptionsError(`unknown option '${key}' in ${where}; ${hint}`, where, key, suggestion)
  }
}

/**
 * Whether `options` is a plain options object whose every key is in `keys`: what
 * {@link checkOptions} accepts. A call on a hot path (a receive in a loop) tests this first and
 * builds the `where` of {@link checkOptions}'s message only when it fails.
 */
export function hasOnlyKeys(options: unknown, keys: readonly string[]): boolean {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return false
  for (const key in options) {
    if (Object.hasOwn(options, key) && !keys.includes(key)) return false
  }
  return true
}

/**
 * The valid key a mistyped `key` most likely meant: the same name in another case, its singular
 * or plural, or the closest name within a small edit distance (about a third of its length).
 * `undefined` when nothing is close: a far-fetched suggestion misleads more than none.
 */
export function nearestKey(key: string, keys: readonly string[]): string | undefined {
  const k = key.toLowerCase()
  const lower = keys.map((c) => c.toLowerCase())
  const exact = lower.indexOf(k)
  if (exact >= 0) return keys[exact]
  const number = lower.findIndex((c) => pluralOf(c) === k || pluralOf(k) === c)
  if (number >= 0) return keys[number]
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  lower.forEach((c, i) => {
    const d = editDistance(k, c)
    const limit = Math.max(1, Math.floor(Math.min(k.length, c.length) / 3))
    if (d <= limit && d < bestDistance) {
      best = keys[i]
      bestDistance = d
    }
  })
  return best
}

/** The English plural of a lower-case key: `invariant` -> `invariants`, `policy` -> `policies`. */
function pluralOf(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`
  return `${word}s`
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d = new Array<number>(rows * cols).fill(0)
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1)
      }
      d[i * cols + j] = v
    }
  }
  return d[rows * cols - 1]!
}
