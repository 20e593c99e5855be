import { type HistoryFormatError, MusilError } from '@musil/core'
import { describe, expect, test } from 'vitest'
import { readEdnElements, readEdnForms } from '../../src/linearizability/edn.ts'

const values = (text: string) => readEdnForms(text).map((f) => f.value)

function failure(text: string): HistoryFormatError {
  try {
    readEdnForms(text, 'h.edn')
  } catch (e) {
    expect(MusilError.is(e)).toBe(true)
    expect((e as Error).name).toBe('HistoryFormatError')
    return e as HistoryFormatError
  }
  throw new Error(`no error for ${text}`)
}

describe('EDN reader', () => {
  test('scalars: nil, booleans, integers, big integers, floats, strings, characters', () => {
    expect(values('nil true false 0 -12 +7 3N 1.5 -2e3 1.25M 9007199254740993')).toEqual([
      null,
      true,
      false,
      0,
      -12,
      7,
      3,
      1.5,
      -2000,
      1.25,
      9007199254740993n,
    ])
    expect(values('"a\\"b\\\\c\\n\\t\\u00e9" \\a \\newline \\space \\u0041 \\(')).toEqual([
      'a"b\\c\n\té',
      'a',
      '\n',
      ' ',
      'A',
      '(',
    ])
    expect(values('##Inf ##-Inf')).toEqual([Infinity, -Infinity])
    expect(Number.isNaN(values('##NaN')[0])).toBe(true)
  })

  test('keywords and symbols read as their names', () => {
    expect(values(':invoke :jepsen.history/op foo-bar nemesis')).toEqual([
      'invoke',
      'jepsen.history/op',
      'foo-bar',
      'nemesis',
    ])
  })

  test('collections: vectors and lists as arrays, maps as Maps, sets as Sets', () => {
    const [v, l, m, s] = values('[1 [2 3]] (4 5) {:a 1, "b" [2], 3 nil} #{1 2 2}')
    expect(v).toEqual([1, [2, 3]])
    expect(l).toEqual([4, 5])
    expect(m).toEqual(
      new Map<unknown, unknown>([
        ['a', 1],
        ['b', [2]],
        [3, null],
      ]),
    )
    expect(s).toEqual(new Set([1, 2]))
  })

  test('commas are whitespace; comments, discards and tags are skipped', () => {
    expect(
      values(
        '[1,2 ; a comment\n #_ 99 3] #_ {:gone 1} #inst "2020-01-01" #jepsen.history.Op{:f :read}',
      ),
    ).toEqual([[1, 2, 3], '2020-01-01', new Map([['f', 'read']])])
  })

  test('each top-level form carries the line it starts on', () => {
    const forms = readEdnForms('{:a 1}\n\n{:b\n 2}\n; end\n:c')
    expect(forms.map((f) => f.line)).toEqual([1, 3, 6])
  })

  test('readEdnElements reads one map per line and a vector of maps alike', () => {
    const lines = readEdnElements('{:i 0}\n{:i 1}\n')
    const vector = readEdnElements('[{:i 0}\n {:i 1}]\n')
    expect(vector.map((f) => f.value)).toEqual(lines.map((f) => f.value))
    expect(vector.map((f) => f.line)).toEqual([1, 2])
    expect(() => readEdnElements('[{:i 0}] {:i 1}')).toThrow(/more forms after the vector/)
    expect(() => readEdnElements('[{:i 0}\n')).toThrow(/unclosed '\['/)
  })

  test('malformed input names the line and column, and shows the line', () => {
    const e = failure('{:a 1}\n[1 2 3)')
    expect(e.line).toBe(2)
    expect(e.column).toBe(7)
    expect(e.source).toBe('h.edn')
    expect(e.message).toBe("h.edn line 2, column 7: ')' where ']' should close the '['\n  [1 2 3)")
    expect(failure('{:a 1 :b}').message).toMatch(/line 1, column 1: a map needs an even number/)
    expect(failure('\n  "abc').message).toMatch(/line 2, column 3: unterminated string/)
    expect(failure('{:a [1 2}').message).toMatch(/'}' where ']' should close/)
    expect(failure('(1 2').message).toMatch(/unclosed '\('/)
    expect(failure('#{1 2').message).toMatch(/unclosed '#\{'/)
    expect(failure(']').message).toMatch(/unexpected '\]' with nothing open/)
    expect(failure('1.2.3').message).toMatch(/malformed number '1.2.3'/)
    expect(failure(':').message).toMatch(/malformed keyword/)
    expect(failure('"\\q"').message).toMatch(/unknown escape '\\q'/)
    expect(failure('\\bogus').message).toMatch(/unknown character literal/)
    expect(failure('#_').message).toMatch(/#_ discards nothing/)
    expect(failure('##Foo').message).toMatch(/unknown symbolic value '##Foo'/)
    expect(failure('#inst').message).toMatch(/#inst tags nothing/)
  })

  test('nesting deeper than 1,000 is an error naming the place, not a stack overflow', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
    expect(values(nested(1000))).toHaveLength(1)
    // Depth is counted per form: two of 600 one after the other are fine.
    expect(values(`${nested(600)} ${nested(600)}`)).toHaveLength(2)
    const e = failure(`{:v ${'['.repeat(100_000)}`)
    expect(e.message).toMatch(/^h\.edn line 1, column 1004: forms nested deeper than 1000/)
  })
})
