/**
 * Python's `json.dumps(obj)` with its defaults: separators ", " and ": ", ensure_ascii (every character outside
 * printable ASCII as \uXXXX, lower-case hex, astral characters as surrogate pairs), keys in insertion order.
 */
export type PyJson = boolean | null | number | PyJson[] | string | {[key: string]: PyJson}

const SHORT_ESCAPES: Record<string, string> = {'\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\'}

function pythonString(value: string): string {
  let out = '"'
  for (let i = 0; i < value.length; i++) {
    const char = value[i]
    const code = value.charCodeAt(i)
    if (SHORT_ESCAPES[char]) out += SHORT_ESCAPES[char]
    else if (code < 0x20 || code > 0x7E) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += char
  }

  return `${out}"`
}

/**
 * Python's repr of a float: the shortest digits that round-trip (as JavaScript's), written in fixed notation when the
 * decimal exponent is in [-4, 16), else as d.ddde+XX. Integral values below 1e21 print as ints, as Python reads them
 * from JSON text (kedro-telemetry's counts are ints).
 */
function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  // JSON text writes an integral number below 1e21 as digits, which Python reads as an int.
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value)
  const [mantissa, exponentText] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  const sign = mantissa.startsWith('-') ? '-' : ''
  const digits = mantissa.replace('-', '').replace('.', '')
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
    const fraction = digits.slice(exponent + 1)
    return `${sign}${whole}.${fraction || '0'}`
  }

  const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
}

export function pythonJsonDumps(value: PyJson): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return pythonNumber(value)
  if (typeof value === 'string') return pythonString(value)
  if (Array.isArray(value)) return `[${value.map((item) => pythonJsonDumps(item)).join(', ')}]`
  return `{${Object.entries(value).map(([key, item]) => `${pythonString(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`
}

/** Python's repr of a str: single quotes unless only double ones avoid escaping, control characters escaped. */
function pythonRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
  let out = quote
  for (const char of value) {
    const code = char.codePointAt(0)!
    if (char === '\\' || char === quote) out += `\\${char}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7F) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += char
  }

  return out + quote
}

/** Python's str() of a value as Python would hold it: a string itself, anything else as its repr. */
export function pythonStr(value: PyJson, nested = false): string {
  if (value === null) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') return pythonNumber(value)
  if (typeof value === 'string') return nested ? pythonRepr(value) : value
  if (Array.isArray(value)) return `[${value.map((item) => pythonStr(item, true)).join(', ')}]`
  return `{${Object.entries(value).map(([key, item]) => `${pythonRepr(key)}: ${pythonStr(item, true)}`).join(', ')}}`
}
