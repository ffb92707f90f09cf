/**
 * Python's `json.dumps(obj)` with its defaults: separators ", " and ": ", ensure_ascii (every character outside
 * printable ASCII as \uXXXX, lower-case hex, astral characters as surrogate pairs), keys in insertion order.
 */
export type PyJson = boolean | null | number | PyJson[] | string | {[key: string]: PyJson}

const SHORT_ESCAPES: Record<string, string> = {'\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\'}

export function pythonString(value: string): string {
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

function pythonNumber(value: number): string {
  if (Number.isInteger(value)) return String(value)
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  // Python's float repr: shortest round-trip digits, like JavaScript's, but exponents as e+XX / e-XX.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2')
}

export function pythonJsonDumps(value: PyJson): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return pythonNumber(value)
  if (typeof value === 'string') return pythonString(value)
  if (Array.isArray(value)) return `[${value.map((item) => pythonJsonDumps(item)).join(', ')}]`
  return `{${Object.entries(value).map(([key, item]) => `${pythonString(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`
}
