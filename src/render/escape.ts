/**
 * Text from a checkout (folder names, paths, values, commit subjects) is neutralised for each output before it is
 * shown: control characters (an ESC starting a terminal sequence, a newline forging a row) and bidirectional
 * overrides become visible escapes; Markdown and HTML are escaped; XML gets only characters XML 1.0 allows; URIs are
 * percent-encoded. One function per format, used by every renderer of that format.
 */

// C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu

function visible(char: string): string {
  const code = char.codePointAt(0)!
  if (char === '\n') return String.raw`\n`
  if (char === '\t') return String.raw`\t`
  if (char === '\r') return String.raw`\r`
  return code <= 0xFF ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One line of plain text: every control or direction-changing character shown as an escape. */
export function printable(text: string): string {
  return text.replaceAll(UNPRINTABLE, visible)
}

/** A value with every string in it (keys too) made printable (for a terminal renderer, which adds its own colours after). */
export function neutralise<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T
  if (Array.isArray(value)) return (value as unknown[]).map((item) => neutralise(item)) as T
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [neutralise(key), neutralise(item)])) as T
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // Keys too: a dataset type from a catalog becomes a key of the request's properties.
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [printable(key), neutralise(item)])) as T
  }

  return value
}

// Markup that can start inside a line: emphasis, code, links and images (through `[`), HTML, entities, tables, strikethrough.
const MARKDOWN_ACTIVE = /[&*<>[\\\]_`|~]/g
const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;'}

/** Plain text inside Markdown (a table cell, a heading): nothing in it becomes markup, HTML, a link or a new cell. */
export function markdownText(text: string): string {
  return printable(text).replaceAll(MARKDOWN_ACTIVE, (char) => ENTITIES[char] ?? `\\${char}`)
}

/**
 * Text of ours that marks commands as `code`, with checkout text inside: the code spans stay code (where Markdown
 * interprets no HTML; a `|` is still escaped, as tables split on it first), the rest is escaped as text.
 */
export function markdownInline(text: string): string {
  const parts: string[] = []
  let last = 0
  for (const match of text.matchAll(/`([^`\n]+)`/g)) {
    parts.push(markdownText(text.slice(last, match.index)), `\`${printable(match[1]).replaceAll('|', String.raw`\|`)}\``)
    last = match.index + match[0].length
  }

  parts.push(markdownText(text.slice(last)))
  return parts.join('')
}

// What XML 1.0 allows in a document: anything else (most controls, lone surrogates) cannot appear, even escaped.
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** Text for an XML attribute or element: characters XML forbids shown as escapes, the markup ones as entities. */
export function xmlText(text: string): string {
  return text
    .replaceAll(XML_ILLEGAL, visible)
    .replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;')
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, controls, `<`, `>`, `|`, `%`, `#`...). */
export function uriPath(relative: string): string {
  return relative.split('/').map((segment) => encodeURIComponent(segment)).join('/')
}

/** How a text is escaped where it must change: plain text and Markdown by a backslash, XML by a character reference, JSON by \u. */
export type OutputFlavour = 'json' | 'markdown' | 'text' | 'xml'

const OPEN_BRACKET: Record<OutputFlavour, string> = {json: String.raw`\u005b`, markdown: String.raw`\[`, text: String.raw`\[`, xml: '&#91;'}
const COLON: Record<OutputFlavour, string> = {json: String.raw`\u003a`, markdown: String.raw`\:`, text: String.raw`\:`, xml: '&#58;'}

/**
 * Output that no CI runner reads as a command: GitHub Actions takes a line whose first non-blank characters are `::`
 * as a workflow command (`::error::`, `::stop-commands::`, `::add-mask::`), and `##[` (its older syntax) or `##vso[`
 * (Azure Pipelines) anywhere in a line. A checkout's folder names reach our output, so every line we print is passed
 * through this: the first colon, or the bracket, is escaped in the output's own syntax, and the text reads the same.
 */
export function ciInert(text: string, flavour: OutputFlavour = 'text'): string {
  return text
    .replaceAll(/^(\s*):(?=:)/gm, `$1${COLON[flavour]}`)
    .replaceAll(/##(vso)?\[/g, (_match, vso: string | undefined) => `##${vso ?? ''}${OPEN_BRACKET[flavour]}`)
}
