/**
 * How the elements of one array map onto those of the next: which were kept, which changed in
 * place, which were removed and which added. A step that dequeues one message and enqueues
 * another then reads as one removal and one addition, not as every slot's fields changing.
 *
 * The alignment is a longest common subsequence of the elements, compared by structural
 * equality (their fingerprints). Arrays in states are small, but a trace renders one diff per
 * step, so the quadratic table is capped; past the cap the arrays are paired by position.
 *
 * @module
 */
import { fingerprintHex } from '../model/fingerprint.ts'

/**
 * One element's fate. `from` indexes the array before the step, `to` the array after it, so a
 * removed element is named where it was and an added or changed one where it is now.
 */
export type ArrayEdit =
  | { readonly op: 'keep'; readonly from: number; readonly to: number }
  | { readonly op: 'change'; readonly from: number; readonly to: number }
  | { readonly op: 'remove'; readonly from: number }
  | { readonly op: 'add'; readonly to: number }

/** Largest LCS table (cells) built for the part of two arrays between their common ends. */
export const LCS_MAX_CELLS: number = 1 << 16

/**
 * The edits that turn `before` into `after`, in array order; within a stretch between kept
 * elements, removals come before additions. A stretch with as many elements on both sides is
 * read as those elements changed in place (`pc[1]: 0 → 1`, `net[0].to: "n2" → "n3"`).
 *
 * Arrays of equal length are aligned by position unless the LCS explains the step with fewer
 * edits, or as few and by moving a record (not a number or string): in `[true, false]` becoming
 * `[false, true]` two slots changed, while a queue of records `[m1, m2]` becoming `[m2, m3]`
 * lost `m1` and gained `m3`.
 *
 * @example
 * alignArrays(['a', 'b', 'c'], ['b', 'c', 'd'])
 * // [{ op: 'remove', from: 0 }, { op: 'keep', from: 1, to: 0 }, { op: 'keep', from: 2, to: 1 },
 * //  { op: 'add', to: 2 }]
 */
export function alignArrays(
  before: readonly unknown[],
  after: readonly unknown[],
  maxCells: number = LCS_MAX_CELLS,
): ArrayEdit[] {
  const ka = before.map(elementKey)
  const kb = after.map(elementKey)
  const edits = lcsEdits(ka, kb, maxCells)
  if (before.length !== after.length) return edits
  let moved = false
  let movedRecord = false
  let lcsCost = 0
  for (const e of edits) {
    if (e.op !== 'keep') lcsCost++
    else if (e.from !== e.to) {
      moved = true
      if (typeof before[e.from] === 'object' && before[e.from] !== null) movedRecord = true
    }
  }
  // Nothing moved: the LCS pairs every slot with itself, as positions do.
  if (!moved) return edits
  const positional = positionalEdits(ka, kb, 0, 0, ka.length, kb.length)
  const positionalCost = positional.filter((e) => e.op !== 'keep').length
  return lcsCost < positionalCost || (lcsCost === positionalCost && movedRecord)
    ? edits
    : positional
}

/** Equal keys, equal elements: primitives by value (strings apart from numbers), the rest by fingerprint. */
function elementKey(x: unknown): unknown {
  if (typeof x === 'string') return `s${x}`
  if (typeof x === 'object' && x !== null) return `o${fingerprintHex(x)}`
  return x
}

function lcsEdits(ka: readonly unknown[], kb: readonly unknown[], maxCells: number): ArrayEdit[] {
  const n = ka.length
  const m = kb.length
  // Common ends first: appends, pops and in-place changes never reach the table.
  let lo = 0
  while (lo < n && lo < m && Object.is(ka[lo], kb[lo])) lo++
  let hi = 0
  while (hi < n - lo && hi < m - lo && Object.is(ka[n - 1 - hi], kb[m - 1 - hi])) hi++
  const out: ArrayEdit[] = []
  for (let i = 0; i < lo; i++) out.push({ op: 'keep', from: i, to: i })
  const rows = n - lo - hi
  const cols = m - lo - hi
  if (rows > 0 && cols > 0 && rows * cols <= maxCells) {
    middleByLcs(ka, kb, lo, rows, cols, out)
  } else {
    out.push(...positionalEdits(ka, kb, lo, lo, rows, cols))
  }
  for (let k = hi; k > 0; k--) out.push({ op: 'keep', from: n - k, to: m - k })
  return out
}

/** The stretch `[lo, lo + rows)` of `ka` against `[lo, lo + cols)` of `kb`, through an LCS table. */
function middleByLcs(
  ka: readonly unknown[],
  kb: readonly unknown[],
  lo: number,
  rows: number,
  cols: number,
  out: ArrayEdit[],
): void {
  // len[i][j]: LCS length of the suffixes from row i and column j (one spare row and column).
  const w = cols + 1
  const len = new Uint32Array((rows + 1) * w)
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      len[i * w + j] = Object.is(ka[lo + i], kb[lo + j])
        ? len[(i + 1) * w + j + 1]! + 1
        : Math.max(len[(i + 1) * w + j]!, len[i * w + j + 1]!)
    }
  }
  let i = 0
  let j = 0
  let gapI = 0
  let gapJ = 0
  while (i < rows || j < cols) {
    if (i < rows && j < cols && Object.is(ka[lo + i], kb[lo + j])) {
      out.push(...gapEdits(lo + gapI, lo + gapJ, i - gapI, j - gapJ))
      out.push({ op: 'keep', from: lo + i, to: lo + j })
      gapI = ++i
      gapJ = ++j
    } else if (j >= cols || (i < rows && len[(i + 1) * w + j]! >= len[i * w + j + 1]!)) {
      i++
    } else {
      j++
    }
  }
  out.push(...gapEdits(lo + gapI, lo + gapJ, rows - gapI, cols - gapJ))
}

/**
 * A stretch of `removed` elements from `from` replaced by `added` ones from `to`: as many on
 * both sides changed in place; otherwise the old ones went and the new ones came.
 */
function gapEdits(from: number, to: number, removed: number, added: number): ArrayEdit[] {
  const out: ArrayEdit[] = []
  if (removed === added) {
    for (let k = 0; k < removed; k++) out.push({ op: 'change', from: from + k, to: to + k })
    return out
  }
  for (let k = 0; k < removed; k++) out.push({ op: 'remove', from: from + k })
  for (let k = 0; k < added; k++) out.push({ op: 'add', to: to + k })
  return out
}

/** Pairs the stretches by position; the longer one's extra elements are removed or added. */
function positionalEdits(
  ka: readonly unknown[],
  kb: readonly unknown[],
  from: number,
  to: number,
  rows: number,
  cols: number,
): ArrayEdit[] {
  const out: ArrayEdit[] = []
  const both = Math.min(rows, cols)
  for (let k = 0; k < both; k++) {
    const op = Object.is(ka[from + k], kb[to + k]) ? 'keep' : 'change'
    out.push({ op, from: from + k, to: to + k })
  }
  for (let k = both; k < rows; k++) out.push({ op: 'remove', from: from + k })
  for (let k = both; k < cols; k++) out.push({ op: 'add', to: to + k })
  return out
}
