/**
 * A small JSON parser that keeps every number as its source text, so a price such as 3012.45 or 1.2e-7 reaches
 * bigint arithmetic without ever being a float. (`JSON.parse` with a reviver's `context.source` would do this, but
 * Node 20 does not have it.) Objects become Maps with own keys only, so "__proto__" is just a key.
 */

/** A JSON number, exactly as written. */
export class JsonNumber {
  constructor(readonly raw: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>

const MAX_DEPTH = 32
const LITERALS: [string, JsonValue][] = [['true', true], ['false', false], ['null', null]]
const WS = /[ \t\n\r]*/y
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/** Parses `text` as one JSON value; throws a SyntaxError (with the offset, never the text) when it is not JSON. */
export function parseExactJson(text: string): JsonValue {
  let pos = 0
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${pos}`)
  }
  const skip = (): void => {
    WS.lastIndex = pos
    WS.exec(text)
    pos = WS.lastIndex
  }
  const match = (re: RegExp): string | null => {
    re.lastIndex = pos
    const m = re.exec(text)
    if (m === null) return null
    pos = re.lastIndex
    return m[0]
  }
  const literal = (word: string): void => {
    if (!text.startsWith(word, pos)) fail('unexpected token')
    pos += word.length
  }
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep')
    skip()
    const c = text[pos]
    if (c === '{') {
      pos++
      const obj = new Map<string, JsonValue>()
      skip()
      if (text[pos] === '}') {
        pos++
        return obj
      }
      for (;;) {
        skip()
        const key = match(STRING) ?? fail('expected a string key')
        skip()
        if (text[pos] !== ':') fail('expected ":"')
        pos++
        obj.set(JSON.parse(key) as string, value(depth + 1))
        skip()
        if (text[pos] === ',') pos++
        else if (text[pos] === '}') {
          pos++
          return obj
        } else fail('expected "," or "}"')
      }
    }
    if (c === '[') {
      pos++
      const arr: JsonValue[] = []
      skip()
      if (text[pos] === ']') {
        pos++
        return arr
      }
      for (;;) {
        arr.push(value(depth + 1))
        skip()
        if (text[pos] === ',') pos++
        else if (text[pos] === ']') {
          pos++
          return arr
        } else fail('expected "," or "]"')
      }
    }
    if (c === '"') return JSON.parse(match(STRING) ?? fail('bad string')) as string
    for (const [word, v] of LITERALS) {
      if (c === word[0]) {
        literal(word)
        return v
      }
    }
    const n = match(NUMBER)
    if (n === null) return fail('unexpected token')
    return new JsonNumber(n)
  }
  const out = value(0)
  skip()
  if (pos !== text.length) fail('trailing characters')
  return out
}
