/**
 * Sets `consent` in the text of a `.telemetry` file while keeping every other key, comment and byte: the consent
 * value's own text is replaced in place (or a line is appended), and the result is checked by reading it back as
 * kedro-telemetry would. Only when that minimal edit cannot be made is the YAML document edited and re-serialised.
 */
import {isMap, isScalar, parseDocument} from 'yaml'

import {PYYAML_PARSE_OPTIONS, safeLoad, samePythonValue, shortRepr} from '../python/pyyaml.js'

/** Larger files are refused: a consent file is a line or two, so a large one is not what we think it is. */
export const MAX_EDITABLE_BYTES = 64 * 1024

export type EditRefusalCode = 'BINARY' | 'NOT_MAPPING' | 'TOO_LARGE' | 'UNEDITABLE' | 'UNPARSABLE'

export interface EditRefusal {
  code: EditRefusalCode
  ok: false
  reason: string
}

export interface ConsentEdit {
  changed: boolean
  /** The consent value as it was written before, when the file had one that kedro does not read (`"false"`, `n`). */
  fixedMisread: null | string
  ok: true
  /** What kedro read from the file before the edit: a boolean, or null for no decision. */
  previousConsent: boolean | null
  previousRaw: null | string
  text: string
}

function refuse(code: EditRefusalCode, reason: string): EditRefusal {
  return {code, ok: false, reason}
}

function decode(bytes: Uint8Array): null | string {
  if (bytes.includes(0)) return null
  try {
    // ignoreBOM keeps a byte order mark in the text, so that the edit keeps it too.
    return new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(bytes)
  } catch {
    return null
  }
}

/** What kedro would read: PyYAML on the text with Python's newline translation. */
function load(text: string) {
  return safeLoad(text.replaceAll(/\r\n?/g, '\n'))
}

function withoutConsent(value: unknown): Record<string, unknown> {
  const {consent: _ignored, ...rest} = value as Record<string, unknown>
  return rest
}

/** The edited text reads back as the intended decision, with every other key unchanged. */
function verify(text: string, consent: boolean, original: unknown): boolean {
  const loaded = load(text)
  if (!loaded.ok || !loaded.value || typeof loaded.value !== 'object' || Array.isArray(loaded.value)) return false
  const value = loaded.value as Record<string, unknown>
  return value.consent === consent && (original === null || samePythonValue(withoutConsent(value), withoutConsent(original)))
}

/**
 * The text as Python's text mode hands it to PyYAML (CRLF and a lone CR become LF), with a way back to offsets in the
 * original, and the line ending the file mostly uses (for a line this tool adds).
 */
function universalNewlines(text: string): {eol: string; normalized: string; originalOffset: (offset: number) => number} {
  const offsets: number[] = []
  let normalized = ''
  const counts: Record<'\n' | '\r' | '\r\n', number> = {'\n': 0, '\r': 0, '\r\n': 0}
  for (let i = 0; i < text.length; i++) {
    offsets.push(i)
    if (text[i] === '\r') {
      const crlf = text[i + 1] === '\n'
      counts[crlf ? '\r\n' : '\r']++
      if (crlf) i++
      normalized += '\n'
    } else {
      if (text[i] === '\n') counts['\n']++
      normalized += text[i]
    }
  }

  offsets.push(text.length)
  const eol = Object.entries(counts).reduce<[string, number]>((best, entry) => (entry[1] > best[1] ? entry : best), ['\n', 0])[0]
  return {eol, normalized, originalOffset: (offset) => offsets[offset]}
}

/** A replacement of `[start, end)` of the LF-normalised text; a `\n` in `text` becomes the file's line ending. */
interface Splice {
  end: number
  start: number
  text: string
}

/** The minimal edit: replace each top-level consent value's text, or add a consent entry. Null when it cannot. */
function editInPlace(text: string, consent: boolean): null | Splice[] {
  const document = parseDocument(text, PYYAML_PARSE_OPTIONS)
  const canonical = String(consent)
  const appendLine = (): Splice[] => [{end: text.length, start: text.length, text: `${text === '' || text.endsWith('\n') ? '' : '\n'}consent: ${canonical}\n`}]
  if (document.contents === null) return appendLine()
  if (!isMap(document.contents)) return null
  const ranges = document.contents.items
    .filter((pair) => isScalar(pair.key) && pair.key.value === 'consent')
    .map((pair) => (pair.value as null | {range?: [number, number, number]})?.range)
  if (ranges.length === 0) {
    if (!document.contents.flow) return appendLine()
    // `{a: 1}`: insert after the last entry, before the closing brace.
    const close = text.lastIndexOf('}', document.contents.range?.[1])
    if (close === -1) return null
    const at = text.slice(0, close).trimEnd().length
    return [{end: at, start: at, text: `${document.contents.items.length > 0 ? ', ' : ''}consent: ${canonical}`}]
  }

  if (!ranges.every(Boolean)) return null
  return ranges.map((range) => {
    const [start, end] = range!
    // A block scalar's range ends with its line break; keep one.
    const lineBreak = /\n$/.exec(text.slice(start, end))?.[0] ?? ''
    return {end, start, text: (text[start - 1] === ':' ? ' ' : '') + canonical + lineBreak}
  })
}

function applySplices(original: string, splices: Splice[], lines: ReturnType<typeof universalNewlines>): string {
  let edited = original
  // Right to left, so earlier offsets stay valid.
  for (const splice of [...splices].sort((a, b) => b.start - a.start)) {
    const start = lines.originalOffset(splice.start)
    const end = lines.originalOffset(splice.end)
    edited = edited.slice(0, start) + splice.text.replaceAll('\n', lines.eol) + edited.slice(end)
  }

  return edited
}

/** The fallback: set the key on the YAML document and serialise it (comments survive; layout may not). */
function editDocument(normalized: string, consent: boolean, eol: string): null | string {
  const document = parseDocument(normalized, PYYAML_PARSE_OPTIONS)
  if (document.errors.length > 0) return null
  document.set('consent', consent)
  return document.toString().replaceAll('\n', eol)
}

/**
 * The new content for a `.telemetry` that should say `consent`, given the current bytes (null: no file yet), or the
 * reason it must not be overwritten without --force.
 */
export function editConsent(current: null | Uint8Array, consent: boolean): ConsentEdit | EditRefusal {
  const canonical = `consent: ${consent}\n`
  if (current === null) return {changed: true, fixedMisread: null, ok: true, previousConsent: null, previousRaw: null, text: canonical}
  if (current.length > MAX_EDITABLE_BYTES) return refuse('TOO_LARGE', `it is ${current.length} bytes; a consent file is a line or two`)
  const text = decode(current)
  if (text === null) return refuse('BINARY', 'it is binary (not UTF-8 text)')
  const loaded = load(text)
  if (!loaded.ok) return refuse('UNPARSABLE', loaded.undecidable ? `this tool cannot follow its content (${loaded.error})` : `it does not parse as YAML (${loaded.error})`)
  const original = loaded.value ?? null
  if (original !== null && (typeof original !== 'object' || Array.isArray(original))) {
    return refuse('NOT_MAPPING', `it holds ${Array.isArray(original) ? 'a list' : 'a single value'}, not a mapping`)
  }

  const previous = original === null ? undefined : (original as Record<string, unknown>).consent
  const previousConsent = typeof previous === 'boolean' ? previous : null
  const rawNode = loaded.document && isMap(loaded.document.contents) ? loaded.document.get('consent', true) as null | {range?: number[]} : null
  const previousRaw = rawNode?.range ? text.replaceAll(/\r\n?/g, '\n').slice(rawNode.range[0], rawNode.range[1]).trim() : null
  const fixedMisread = previous !== undefined && typeof previous !== 'boolean' ? previousRaw ?? shortRepr(previous) : null

  // A byte order mark is kept as it was; the edit works on the text after it, as Python's newlines see it.
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : ''
  const body = text.slice(bom.length)
  const lines = universalNewlines(body)
  const splices = editInPlace(lines.normalized, consent)
  for (const candidate of [splices && applySplices(body, splices, lines), editDocument(lines.normalized, consent, lines.eol)]) {
    if (candidate !== null && verify(candidate, consent, original)) {
      const edited = bom + candidate
      return {changed: edited !== text, fixedMisread, ok: true, previousConsent, previousRaw, text: edited}
    }
  }

  return refuse('UNEDITABLE', 'consent could not be set without changing other content')
}
