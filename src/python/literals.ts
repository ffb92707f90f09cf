/** Python's literal forms, read from their source text: str literals (prefixes, escapes) and numbers. */
import {type PyValue, unknown} from './values.js'

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '', '"': '"', "'": "'", '\\': '\\', a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
}

/** Python's backslash escapes in a str literal (an unknown escape keeps its backslash, as Python does). */
export function unescape(body: string): null | string {
  let failed = false
  const text = body.replaceAll(/\\(N\{[^}]*\}|x[\da-fA-F]{2}|u[\da-fA-F]{4}|U[\da-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (whole, escape: string) => {
    if (escape in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[escape]
    if (/^[0-7]/.test(escape)) return String.fromCodePoint(Number.parseInt(escape, 8))
    if (/^[xuU]/.test(escape) && escape.length > 1) {
      const code = Number.parseInt(escape.slice(1), 16)
      if (code > 0x10_FF_FF) failed = true
      return failed ? '' : String.fromCodePoint(code)
    }

    if (escape.startsWith('N{')) failed = true // a Unicode character name: not reproduced here
    return whole
  })
  return failed ? null : text
}

/** Python's string literal forms: quotes, prefixes r and u (bytes and f-strings are not str literals here). */
export function stringValue(text: string): null | string {
  const match = /^([rRuU]?)("""|'''|"|')([\s\S]*)\2$/.exec(text)
  if (!match) return null
  const [, prefix, , body] = match
  return /[rR]/.test(prefix) ? body : unescape(body)
}

export function numberValue(text: string): PyValue {
  const digits = text.replaceAll('_', '')
  if (/[jJ]$/.test(digits)) return unknown(`a complex number: ${text}`)
  const float = !/^0[xXoObB]/.test(digits) && /[.eE]/.test(digits)
  const value = Number(/^0\d/.test(digits) ? digits.replace(/^0+(?=\d)/, '') : digits)
  return Number.isNaN(value) ? unknown(`a number not read here: ${text}`) : {float, kind: 'number', value}
}
