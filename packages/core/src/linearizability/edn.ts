/**
 * A small reader for EDN (extensible data notation), enough for the histories Jepsen writes:
 * keywords, symbols, integers (big ones as `bigint`), floats, strings, characters, `nil`,
 * booleans, lists, vectors, maps, sets, tagged elements (`#inst "…"`, `#jepsen.history.Op{…}`)
 * and `#_` discards. It is written here rather than taken from npm because `@musil/core` keeps
 * no runtime dependencies and a history reader needs only this much.
 *
 * Values map to plain JavaScript: keywords and symbols become their name as a string (`:ok` and
 * `ok` both read as `'ok'`; Jepsen uses keywords as enum tags, where the distinction from a
 * string does not matter), lists and vectors become arrays, maps become `Map`s (EDN keys may be
 * any value), sets become `Set`s, a tagged element becomes the element it tags.
 *
 * @module
 */
import { HistoryFormatError } from '../errors.ts'

/** A value read from EDN. */
export type EdnValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly EdnValue[]
  | ReadonlyMap<EdnValue, EdnValue>
  | ReadonlySet<EdnValue>

/** One top-level form and the 1-based line it starts on. */
export interface EdnForm {
  readonly value: EdnValue
  readonly line: number
}

// Character codes the reader dispatches on.
const CH_TAB = 9
const CH_NEWLINE = 10
const CH_RETURN = 13
const CH_SPACE = 32
const CH_QUOTE = 34
const CH_HASH = 35
const CH_L_PAREN = 40
const CH_R_PAREN = 41
const CH_PLUS = 43
const CH_COMMA = 44
const CH_MINUS = 45
const CH_DOT = 46
const CH_ZERO = 48
const CH_NINE = 57
const CH_COLON = 58
const CH_SEMICOLON = 59
const CH_L_BRACKET = 91
const CH_BACKSLASH = 92
const CH_R_BRACKET = 93
const CH_UNDERSCORE = 95
const CH_L_BRACE = 123
const CH_R_BRACE = 125

const CLOSERS: Record<number, string> = {
  [CH_R_PAREN]: ')',
  [CH_R_BRACKET]: ']',
  [CH_R_BRACE]: '}',
}

const NAMED_CHARS: Record<string, string> = {
  newline: '\n',
  return: '\r',
  space: ' ',
  tab: '\t',
  formfeed: '\f',
  backspace: '\b',
}

const STRING_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  b: '\b',
  '"': '"',
  '\\': '\\',
}

/**
 * Reads every top-level form of an EDN text, with the line each starts on.
 *
 * @param text - EDN source: one form per line, several per line, or one big vector
 * @param source - how errors name the text, e.g. the file name (default `EDN`)
 * @throws {HistoryFormatError} on malformed input, naming the line and column
 */
export function readEdnForms(text: string, source = 'EDN'): EdnForm[] {
  const reader = new EdnReader(text, source)
  const forms: EdnForm[] = []
  for (;;) {
    reader.skipSpace()
    if (reader.pos >= text.length) return forms
    const line = reader.line
    const value = reader.readForm()
    if (value !== DISCARDED) forms.push({ value, line })
  }
}

/**
 * Reads the elements of an EDN text that is either a sequence of top-level forms or one vector
 * (or list) holding them, with the line each element starts on: the two shapes a Jepsen
 * history file comes in.
 *
 * @param text - EDN source
 * @param source - how errors name the text
 * @throws {HistoryFormatError} on malformed input, naming the line and column
 */
export function readEdnElements(text: string, source = 'EDN'): EdnForm[] {
  const reader = new EdnReader(text, source)
  reader.skipSpace()
  const open = text.charCodeAt(reader.pos)
  if (open !== CH_L_BRACKET && open !== CH_L_PAREN) return readEdnForms(text, source)
  const close = open === CH_L_BRACKET ? CH_R_BRACKET : CH_R_PAREN
  const opener = reader.pos
  reader.pos++
  const forms: EdnForm[] = []
  for (;;) {
    reader.skipSpace()
    if (reader.pos >= text.length) reader.fail(`unclosed '${text[opener]}'`, opener)
    if (text.charCodeAt(reader.pos) === close) break
    const line = reader.line
    const value = reader.readForm()
    if (value !== DISCARDED) forms.push({ value, line })
  }
  reader.pos++
  reader.skipSpace()
  if (reader.pos < text.length) reader.fail('more forms after the vector that holds the history')
  return forms
}

/** Marks a `#_` form at top level (inside collections the reader just skips it). */
const DISCARDED: unique symbol = Symbol('discarded')

/** How deep forms may nest (Jepsen's events nest three or four levels). */
const MAX_DEPTH = 1000

class EdnReader {
  pos = 0
  line = 1
  /** Collections open around the form being read. */
  private depth = 0
  private readonly text: string
  private readonly source: string

  constructor(text: string, source: string) {
    this.text = text
    this.source = source
  }

  fail(message: string, at = this.pos): never {
    // Recount from the start for the column: errors are rare, so the hot path keeps no column.
    let line = 1
    let lineStart = 0
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === CH_NEWLINE) {
        line++
        lineStart = i + 1
      }
    }
    const column = at - lineStart + 1
    const lineEnd = this.text.indexOf('\n', lineStart)
    const excerpt = this.text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trimEnd()
    throw new HistoryFormatError(
      `${this.source} line ${line}, column ${column}: ${message}\n  ${excerpt.length > 160 ? `${excerpt.slice(0, 160)}…` : excerpt}`,
      this.source,
      line,
      column,
    )
  }

  skipSpace(): void {
    const text = this.text
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos)
      if (c === CH_NEWLINE) {
        this.line++
        this.pos++
      } else if (c === CH_SPACE || c === CH_COMMA || c === CH_TAB || c === CH_RETURN) {
        this.pos++
      } else if (c === CH_SEMICOLON) {
        while (this.pos < text.length && text.charCodeAt(this.pos) !== CH_NEWLINE) this.pos++
      } else {
        return
      }
    }
  }

  /** Reads one form; `DISCARDED` for a `#_` form. */
  readForm(): EdnValue | typeof DISCARDED {
    const text = this.text
    const c = text.charCodeAt(this.pos)
    switch (c) {
      case CH_L_BRACKET:
      case CH_L_PAREN:
        this.pos++
        return this.readSequence(c === CH_L_BRACKET ? CH_R_BRACKET : CH_R_PAREN)
      case CH_L_BRACE:
        this.pos++
        return this.readMap()
      case CH_QUOTE:
        return this.readString()
      case CH_COLON:
        this.pos++
        return this.readKeyword()
      case CH_BACKSLASH:
        return this.readChar()
      case CH_HASH:
        return this.readDispatch()
      case CH_R_PAREN:
      case CH_R_BRACKET:
      case CH_R_BRACE:
        return this.fail(`unexpected '${CLOSERS[c]}' with nothing open`)
      default:
        return this.readAtom()
    }
  }

  /** Reads forms up to `close`, skipping discards. */
  private readItems(close: number, opener: number, open: string): EdnValue[] {
    // The reader recurses per level: a garbled file of a hundred thousand '[' would otherwise
    // end as a RangeError (stack overflow) rather than an error naming the place.
    if (++this.depth > MAX_DEPTH) this.fail(`forms nested deeper than ${MAX_DEPTH}`, opener)
    const items: EdnValue[] = []
    for (;;) {
      this.skipSpace()
      if (this.pos >= this.text.length) {
        this.fail(`unclosed '${open}'`, opener)
      }
      const c = this.text.charCodeAt(this.pos)
      if (c === close) {
        this.pos++
        this.depth--
        return items
      }
      if (c in CLOSERS)
        this.fail(`'${CLOSERS[c]}' where '${CLOSERS[close]}' should close the '${open}'`)
      const value = this.readForm()
      if (value !== DISCARDED) items.push(value)
    }
  }

  private readSequence(close: number): EdnValue[] {
    return this.readItems(close, this.pos - 1, close === CH_R_BRACKET ? '[' : '(')
  }

  private readMap(): Map<EdnValue, EdnValue> {
    const opener = this.pos - 1
    const items = this.readItems(CH_R_BRACE, opener, '{')
    if (items.length % 2 !== 0)
      this.fail('a map needs an even number of forms (key value …)', opener)
    const map = new Map<EdnValue, EdnValue>()
    for (let i = 0; i < items.length; i += 2) map.set(items[i]!, items[i + 1]!)
    return map
  }

  private readString(): string {
    const text = this.text
    const start = this.pos
    this.pos++
    let out = ''
    let chunk = this.pos
    for (;;) {
      if (this.pos >= text.length) this.fail('unterminated string', start)
      const c = text.charCodeAt(this.pos)
      if (c === CH_QUOTE) {
        out += text.slice(chunk, this.pos)
        this.pos++
        return out
      }
      if (c === CH_NEWLINE) {
        this.line++
      }
      if (c === CH_BACKSLASH) {
        out += text.slice(chunk, this.pos)
        const e = text[this.pos + 1]
        if (e === 'u') {
          const hex = text.slice(this.pos + 2, this.pos + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u needs four hex digits')
          out += String.fromCharCode(Number.parseInt(hex, 16))
          this.pos += 6
        } else if (e !== undefined && e in STRING_ESCAPES) {
          out += STRING_ESCAPES[e]
          this.pos += 2
        } else {
          this.fail(`unknown escape '\\${e ?? ''}' in a string`)
        }
        chunk = this.pos
        continue
      }
      this.pos++
    }
  }

  /** The token from the cursor to the next delimiter. */
  private token(): string {
    const text = this.text
    const start = this.pos
    while (this.pos < text.length && !isDelimiter(text.charCodeAt(this.pos))) this.pos++
    return text.slice(start, this.pos)
  }

  private readKeyword(): string {
    const start = this.pos - 1
    const name = this.token()
    if (name === '' || name.startsWith(':')) this.fail('malformed keyword', start)
    return name
  }

  private readChar(): string {
    const start = this.pos
    this.pos++
    // A character literal may itself be a delimiter: `\(`, `\,`, `\ `.
    if (this.pos < this.text.length && isDelimiter(this.text.charCodeAt(this.pos))) {
      return this.text[this.pos++]!
    }
    const name = this.token()
    if (name.length === 1) return name
    if (name in NAMED_CHARS) return NAMED_CHARS[name]!
    if (/^u[0-9a-fA-F]{4}$/.test(name))
      return String.fromCharCode(Number.parseInt(name.slice(1), 16))
    return this.fail(`unknown character literal '\\${name}'`, start)
  }

  private readDispatch(): EdnValue | typeof DISCARDED {
    const start = this.pos
    const next = this.text.charCodeAt(this.pos + 1)
    if (next === CH_L_BRACE) {
      this.pos += 2
      return new Set(this.readItems(CH_R_BRACE, start, '#{'))
    }
    if (next === CH_UNDERSCORE) {
      this.pos += 2
      this.skipSpace()
      if (this.pos >= this.text.length) this.fail('#_ discards nothing', start)
      this.readForm()
      return DISCARDED
    }
    if (next === CH_HASH) {
      this.pos += 2
      const name = this.token()
      if (name === 'Inf') return Number.POSITIVE_INFINITY
      if (name === '-Inf') return Number.NEGATIVE_INFINITY
      if (name === 'NaN') return Number.NaN
      return this.fail(`unknown symbolic value '##${name}'`, start)
    }
    // A tagged element, `#tag value`: the tag (#inst, #uuid, a record name) is dropped.
    this.pos++
    const tag = this.token()
    if (tag === '' || !/^[A-Za-z]/.test(tag)) this.fail(`unknown dispatch '#${tag}'`, start)
    this.skipSpace()
    if (this.pos >= this.text.length) this.fail(`#${tag} tags nothing`, start)
    const value = this.readForm()
    if (value === DISCARDED) this.fail(`#${tag} tags a discarded form`, start)
    return value
  }

  private readAtom(): EdnValue {
    const start = this.pos
    const token = this.token()
    if (token === '') return this.fail(`unexpected '${this.text[this.pos]}'`)
    const c = token.charCodeAt(0)
    const numeric =
      (c >= CH_ZERO && c <= CH_NINE) ||
      ((c === CH_MINUS || c === CH_PLUS) &&
        token.length > 1 &&
        token.charCodeAt(1) >= CH_ZERO &&
        token.charCodeAt(1) <= CH_NINE)
    if (numeric) return this.parseNumber(token, start)
    if (token === 'nil') return null
    if (token === 'true') return true
    if (token === 'false') return false
    if (
      c === CH_DOT &&
      token.length > 1 &&
      token.charCodeAt(1) >= CH_ZERO &&
      token.charCodeAt(1) <= CH_NINE
    ) {
      return this.fail(`malformed number '${token}'`, start)
    }
    return token // a symbol
  }

  private parseNumber(token: string, start: number): number | bigint {
    if (/^[+-]?\d+N?$/.test(token)) {
      const digits = token.endsWith('N') ? token.slice(0, -1) : token
      const n = Number(digits)
      return Number.isSafeInteger(n) ? n : BigInt(digits)
    }
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(token)) {
      return Number(token.endsWith('M') ? token.slice(0, -1) : token)
    }
    return this.fail(`malformed number '${token}'`, start)
  }
}

function isDelimiter(c: number): boolean {
  return (
    c === CH_SPACE ||
    c === CH_COMMA ||
    c === CH_NEWLINE ||
    c === CH_TAB ||
    c === CH_RETURN ||
    c === CH_L_PAREN ||
    c === CH_R_PAREN ||
    c === CH_L_BRACKET ||
    c === CH_R_BRACKET ||
    c === CH_L_BRACE ||
    c === CH_R_BRACE ||
    c === CH_QUOTE ||
    c === CH_SEMICOLON
  )
}
