/**
 * Reads YAML the way PyYAML's `yaml.safe_load` does, as far as `.telemetry` needs: which plain scalars are booleans,
 * which documents raise, and what the top-level value is. The npm `yaml` package parses; its YAML 1.1 schema is
 * adjusted where PyYAML differs (PyYAML's booleans are yes/no/true/false/on/off only: `y` and `n` stay strings).
 */
import {CST, type Document, isAlias, isMap, isScalar, isSeq, Lexer, type Node as YamlNode, parseAllDocuments, Scalar, type ScalarTag, type Tags} from 'yaml'

import {appendAll} from '../collections.js'

const BOOL_TAG = 'tag:yaml.org,2002:bool'

// PyYAML resolver.py: the implicit bool resolver for plain scalars.
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/
// PyYAML constructor.py: an explicit `!!bool` looks the lower-cased text up in this table, else it raises.
const PY_BOOL_VALUES: Record<string, boolean> = {false: false, no: false, off: false, on: true, true: true, yes: true}

const explicitBool: ScalarTag = {
  default: false,
  identify: (value) => typeof value === 'boolean',
  resolve(text, onError) {
    const value = PY_BOOL_VALUES[text.toLowerCase()]
    if (value === undefined) onError(`could not construct a bool from ${JSON.stringify(text)}`)
    return new Scalar(value ?? text)
  },
  tag: BOOL_TAG,
}
const implicitTrue: ScalarTag = {
  default: true,
  identify: (value) => value === true,
  resolve: () => new Scalar(true),
  tag: BOOL_TAG,
  test: PY_TRUE,
}
const implicitFalse: ScalarTag = {
  default: true,
  identify: (value) => value === false,
  resolve: () => new Scalar(false),
  tag: BOOL_TAG,
  test: PY_FALSE,
}

function pyyamlTags(tags: Tags): Tags {
  // For `!!bool x` the yaml package takes the test-less tag of that name wherever it stands; for writing a boolean it
  // takes the first tag that identifies it, which must be an implicit one so that no `!!bool` is written.
  return [implicitTrue, implicitFalse, explicitBool, ...tags.filter((tag) => typeof tag === 'string' || tag.tag !== BOOL_TAG)]
}

/**
 * Options that make the yaml package parse like PyYAML's SafeLoader (see above). Merge keys are left to pythonValue,
 * which applies PyYAML's own rules.
 */
export const PYYAML_PARSE_OPTIONS = {
  customTags: pyyamlTags,
  merge: false,
  prettyErrors: false,
  schema: 'yaml-1.1',
  uniqueKeys: false,
  version: '1.1',
} as const

// PyYAML reader.py refuses these characters anywhere in the stream.
// eslint-disable-next-line no-control-regex
const NON_PRINTABLE = /[^\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

/**
 * PyYAML's composer recurses once per nested collection, so a document nested about 490 deep raises RecursionError
 * (measured with PyYAML 6.0 and Python's default limit of 1,000 frames); inside kedro, whose own call stack is deeper,
 * it raises earlier. Up to this depth the answer is certain; between it and the measured limit it is estimated.
 */
export const PYYAML_CERTAIN_DEPTH = 400
export const PYYAML_RECURSION_DEPTH = 490
/** Construction steps (collections built, merged keys copied) before a document counts as too large to follow. */
const MAX_CONSTRUCTION_STEPS = 1_000_000

export type SafeLoadResult =
  | {document: Document | null; error: null; ok: true; value: unknown}
  /** `undecidable`: PyYAML may well load it, but this tool cannot tell what it gives (see the error). */
  | {document: null; error: string; ok: false; undecidable: boolean; value: undefined}

function failure(error: string, undecidable = false): SafeLoadResult {
  return {document: null, error, ok: false, undecidable, value: undefined}
}

/** Raised while constructing a value, when the document goes beyond what PyYAML (or this tool) handles. */
class ConstructionLimit extends Error {
  constructor(message: string, readonly undecidable: boolean) {
    super(message)
  }
}

/** Parses text as `yaml.safe_load` would, or says why PyYAML would raise (or why this tool cannot tell). */
export function safeLoad(text: string): SafeLoadResult {
  const bad = NON_PRINTABLE.exec(text)
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).padStart(4, '0')
    return failure(`unacceptable character #x${code}: special characters are not allowed`)
  }

  try {
    if (hasTabPyYamlRefuses(text)) return failure("found character '\\t' that cannot start any token")
    const structural = structureRefused(text)
    if (structural) return failure(structural)

    // A repeated `...` makes the yaml package start an empty document without `---`, which PyYAML skips.
    const documents = parseAllDocuments(text, PYYAML_PARSE_OPTIONS).filter((document, index) =>
      index === 0 || document.directives.docStart === true || (document.range[1] > document.range[0]))
    // An empty stream is None for PyYAML; the yaml package returns no document for it.
    if (documents.length === 0) return {document: null, error: null, ok: true, value: null}
    if (documents.length > 1) return failure('expected a single document in the stream, but found another document')
    const [document] = documents
    // The yaml package records its own stack overflow as a document error.
    if (document.errors.some((error) => /call stack/i.test(error.message))) throw new RangeError('nested too deep')
    if (document.errors.length > 0) return failure(firstLine(document.errors[0].message))
    // PyYAML's SafeLoader raises on any tag it cannot construct (e.g. !!python/object); the yaml package only warns.
    const unresolved = document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED')
    if (unresolved) return failure(firstLine(unresolved.message))
    return {document, error: null, ok: true, value: pythonValue(document)}
  } catch (error) {
    if (error instanceof ConstructionLimit) return failure(error.message, error.undecidable)
    // The yaml package recurses too: a nesting that overflows its stack is far beyond PyYAML's own limit.
    if (error instanceof RangeError) return failure('maximum recursion depth exceeded: the document is nested too deep for PyYAML')
    return failure(firstLine((error as Error).message))
  }
}

/** A node of the parsed document, or what a pair holds where it has no node (an empty value). */
type Node = null | undefined | YamlNode

/**
 * The value PyYAML's SafeLoader constructs from a parsed document. An alias is the anchored node's own value, shared
 * and never copied, as in PyYAML (so a "billion laughs" document costs what its text costs, and a recursive alias
 * gives a recursive value). Merge keys (`<<`, plain) follow its flatten_mapping: the merged pairs come first, in the
 * order of the merge keys (a later merge wins over an earlier one; a list of mappings is merged last to first), and
 * the mapping's own keys win over all of them. Throws a ConstructionLimit beyond PyYAML's nesting limit or this
 * tool's step budget.
 */
function pythonValue(document: Document): unknown {
  const built = new Map<Node, unknown>()
  let deepest = 0
  let steps = 0
  const step = (count = 1) => {
    steps += count
    if (steps > MAX_CONSTRUCTION_STEPS) throw new ConstructionLimit(`more than ${MAX_CONSTRUCTION_STEPS} construction steps: too large for this tool to follow`, true)
  }

  const resolve = (alias: Node): Node => {
    const target: Node = isAlias(alias) ? alias.resolve(document) : alias
    if (target === undefined) throw new Error(`found undefined alias '${isAlias(alias) ? alias.source : ''}'`)
    return target
  }

  // `depth` counts nested collections as PyYAML's composer does (an alias does not nest: it names a built node).
  const build = (node: Node, depth: number): unknown => {
    if (isAlias(node)) return build(resolve(node), depth)
    if (isScalar(node)) return node.value
    if (!isSeq(node) && !isMap(node)) return node ?? null
    if (built.has(node)) return built.get(node)
    if (depth > PYYAML_RECURSION_DEPTH) throw new ConstructionLimit(`maximum recursion depth exceeded: nested more than ${PYYAML_RECURSION_DEPTH} deep`, false)
    deepest = Math.max(deepest, depth)
    step()
    if (isSeq(node)) {
      // Registered before its items are built, so that an alias to an enclosing node finds it.
      const list: unknown[] = []
      built.set(node, list)
      for (const item of node.items) list.push(build(item as Node, depth + 1))
      return list
    }

    const mapping: Record<string, unknown> = {}
    built.set(node, mapping)
    const merged: [string, unknown][] = []
    const own: [string, unknown][] = []
    const entriesOf = (target: Node): [string, unknown][] => {
      const resolved = resolve(target)
      if (!isMap(resolved)) throw new Error('expected a mapping for merging')
      const entries = Object.entries(build(resolved as Node, depth + 1) as Record<string, unknown>)
      step(entries.length)
      return entries
    }

    for (const pair of node.items) {
      const key = pair.key as Node
      if (isMergeKey(key)) {
        const target = resolve(pair.value as Node)
        if (isSeq(target)) appendAll(merged, target.items.map((item) => entriesOf(item as Node)).reverse().flat())
        else appendAll(merged, entriesOf(target))
      } else {
        own.push([String(build(key, depth + 1)), build(pair.value as Node, depth + 1)])
      }
    }

    for (const [key, value] of [...merged, ...own]) mapping[key] = value
    return mapping
  }

  const value = build(document.contents, 0)
  if (deepest > PYYAML_CERTAIN_DEPTH) {
    throw new ConstructionLimit(`nested ${deepest} deep: PyYAML raises RecursionError near ${PYYAML_RECURSION_DEPTH} levels, earlier inside kedro`, true)
  }

  return value
}

/** The 1.1 schema still reads a plain `<<` key as its merge symbol, even with merging switched off. */
function isMergeKey(key: Node): boolean {
  return isScalar(key) && key.type === 'PLAIN' && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'))
}

/**
 * Python's `==` on constructed values: lists item by item, mappings by their keys and values whatever the order.
 * Shared and recursive values are compared once per pair, so a document full of aliases costs what its text costs.
 */
export function samePythonValue(a: unknown, b: unknown, compared = new Map<object, Set<object>>()): boolean {
  if (a === b) return true
  const scalar = sameScalar(a, b)
  if (scalar !== null) return scalar
  return sameContainer(a as object, b as object, compared)
}

/** `==` when either side is a scalar or a date (Python's NaN is the same constructed value as NaN here), else null. */
function sameScalar(a: unknown, b: unknown): boolean | null {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b)
  return null
}

function sameContainer(a: object, b: object, compared: Map<object, Set<object>>): boolean {
  const pairs = compared.get(a) ?? new Set<object>()
  if (pairs.has(b)) return true
  pairs.add(b)
  compared.set(a, pairs)
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => samePythonValue(item, b[index], compared))
  }

  const keysA = Object.keys(a)
  const keysB = new Set(Object.keys(b))
  const [mapA, mapB] = [a as Record<string, unknown>, b as Record<string, unknown>]
  return keysA.length === keysB.size && keysA.every((key) => keysB.has(key) && samePythonValue(mapA[key], mapB[key], compared))
}

/** A short JSON-like rendering of a constructed value, bounded whatever its size or sharing. */
export function shortRepr(value: unknown, limit = 60): string {
  let text = ''
  const seen = new Set<object>()
  const write = (item: unknown): boolean => {
    if (text.length > limit) return false
    if (item === null || typeof item !== 'object') {
      // What JSON cannot write here is a symbol (a merge key `<<`).
      text += typeof item === 'symbol' ? item.toString() : JSON.stringify(item ?? null) ?? 'null'
      return true
    }

    if (item instanceof Date) {
      text += JSON.stringify(item.toISOString())
      return true
    }

    if (seen.has(item)) {
      text += '...'
      return true
    }

    seen.add(item)
    const entries: [null | string, unknown][] = Array.isArray(item) ? item.map((element) => [null, element]) : Object.entries(item)
    text += Array.isArray(item) ? '[' : '{'
    for (const [index, [key, element]] of entries.entries()) {
      if (index > 0) text += ', '
      if (key !== null) text += `${JSON.stringify(key)}: `
      if (!write(element)) return false
    }

    text += Array.isArray(item) ? ']' : '}'
    seen.delete(item)
    return true
  }

  write(value)
  return text.length > limit ? `${text.slice(0, limit)}...` : text
}

/**
 * PyYAML skips only spaces between tokens and ends a plain scalar at a tab, so a tab anywhere but inside a quoted
 * scalar, a block scalar or a comment raises ("found character '\t' that cannot start any token").
 */
function hasTabPyYamlRefuses(text: string): boolean {
  if (!text.includes('\t')) return false
  // The lexer marks each plain or block scalar with a scalar token; the lexeme after it is the scalar's text.
  let nextIsBlockScalar = false
  let scalarFollows: 'block' | 'plain' | null = null
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme)
    if (scalarFollows) {
      if (scalarFollows === 'plain' && lexeme.includes('\t')) return true
      scalarFollows = null
    } else if (type === 'block-scalar-header') {
      nextIsBlockScalar = true
    } else if (type === 'scalar') {
      scalarFollows = nextIsBlockScalar ? 'block' : 'plain'
      nextIsBlockScalar = false
    } else if (type === 'space' && lexeme.includes('\t')) {
      return true
    }
  }

  return false
}

/**
 * Flow collections PyYAML stops at, token by token: a comma with no node before it (`[,`, `{,`, `,,`), where the yaml
 * package would collect an error for every one (seconds on a file of commas), and a closing bracket that closes nothing.
 */
class FlowCheck {
  private depth = 0
  private previous: null | string = null

  feed(type: string, lexeme: string): null | string {
    if (type === 'comma' && (this.previous === 'comma' || this.previous === 'flow-seq-start' || this.previous === 'flow-map-start')) return "expected the node content, but found ','"
    if (!['comment', 'newline', 'space'].includes(type)) this.previous = type
    if (type === 'flow-seq-start' || type === 'flow-map-start') this.depth++
    if (type !== 'flow-seq-end' && type !== 'flow-map-end') return null
    if (this.depth === 0) return `found '${lexeme}' that closes no flow collection`
    this.depth--
    return null
  }
}

/**
 * Documents PyYAML refuses, token by token: `...` before any document ("while parsing a block node"), a directive
 * with no `---` after it ("expected '<document start>'"), a repeated %YAML or %TAG directive, a %YAML version other
 * than 1.x, and an anchor defined twice in one document ("found duplicate anchor").
 */
class DocumentCheck {
  private readonly anchors = new Set<string>()
  private content = false
  private readonly directives = new Set<string>()
  private directivePending = false

  feed(type: string, lexeme: string): null | string {
    if (type === 'directive-line') return this.directive(lexeme)
    if (type === 'doc-start') {
      this.directivePending = false
      this.directives.clear()
      this.anchors.clear()
      this.content = true
    } else if (type === 'doc-end') {
      if (!this.content) return "expected the node content, but found '<document end>'"
    } else if (type === 'anchor') {
      if (this.anchors.has(lexeme)) return `found duplicate anchor '${lexeme.slice(1)}'`
      this.anchors.add(lexeme)
      this.content = true
    } else if (!['byte-order-mark', 'comment', 'doc-mode', 'newline', 'space'].includes(type)) {
      this.content = true
    }

    return null
  }

  end(): null | string {
    return this.directivePending ? "expected '<document start>', but found '<stream end>'" : null
  }

  private directive(lexeme: string): null | string {
    this.directivePending = true
    const [name, first] = lexeme.trim().split(/\s+/)
    const id = name === '%TAG' ? `%TAG ${first}` : name
    if ((name === '%YAML' || name === '%TAG') && this.directives.has(id)) return name === '%YAML' ? 'found duplicate YAML directive' : 'duplicate tag handle'
    this.directives.add(id)
    return name === '%YAML' && !/^1\./.test(first ?? '') ? 'found incompatible YAML document (version 1.* is required)' : null
  }
}

/** Stream shapes PyYAML refuses and the yaml package accepts: the first, as PyYAML stops there. */
function structureRefused(text: string): null | string {
  const flow = new FlowCheck()
  const document = new DocumentCheck()
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme) ?? ''
    const refused = flow.feed(type, lexeme) ?? document.feed(type, lexeme)
    if (refused) return refused
  }

  return document.end()
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim()
}
