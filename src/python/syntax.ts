/**
 * Whether Python compiles a module, as far as a syntax tree from @lezer/python can tell, and where the parser itself
 * gives up (so that its error nodes say nothing about the source).
 */
import type {SyntaxNode} from '@lezer/common'
import {parser} from '@lezer/python'

export function parsePython(source: string) {
  return parser.parse(source)
}

export type PythonTree = ReturnType<typeof parsePython>

/** CPython's tokenizer refuses brackets nested deeper than this: "too many nested parentheses" (Parser/tokenizer.h). */
const MAX_BRACKET_NESTING = 200
/**
 * @lezer/python deliberately cuts a left-associative chain after about 300 links (`a + a + ...`), and a nesting
 * deeper than about 2,800 levels, leaving an error node where Python sees none: past these, an error node says
 * nothing about the source.
 */
const PARSER_CHAIN_LIMIT = 250
const PARSER_DEPTH_LIMIT = 1000
const CHAINS = new Set(['BinaryExpression', 'CallExpression', 'MemberExpression'])
const OPENING = new Set(['(', '[', '{'])
const CLOSING = new Set([')', ']', '}'])

export type SyntaxCheck =
  | {kind: 'beyond-parser'; offset: number; reason: string}
  | {kind: 'error'; message: string; offset: number}
  | {kind: 'ok'}
  /** Valid from a Python release on, and the interpreter's version is not known. */
  | {kind: 'version-dependent'; offset: number; reason: string}

/** Syntax that older Pythons refuse with a SyntaxError: the tree node, the first release that accepts it, and what. */
const NEWER_SYNTAX: Record<string, {since: [number, number]; what: string}> = {
  MatchStatement: {since: [3, 10], what: 'a match statement'},
  TypeDefinition: {since: [3, 12], what: 'a type statement'},
  TypeParamList: {since: [3, 12], what: 'type parameters'},
}

/** `3.11.2 (main, ...)` (sys.version) or `3.12` as [major, minor]; null when not a version. */
export function pythonRelease(version: null | string | undefined): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '')
  return match ? [Number(match[1]), Number(match[2])] : null
}

/** How many links a left-associative chain (`a + b + c`, `a.b.c`, `f()()`) has below `node`. */
function chainLength(node: SyntaxNode): number {
  let length = 0
  for (let current: null | SyntaxNode = node; current?.firstChild?.name === node.name; current = current.firstChild) length++
  return length
}

function beyondParser(error: SyntaxNode): null | string {
  let depth = 0
  for (let ancestor = error.parent; ancestor; ancestor = ancestor.parent) {
    if (++depth > PARSER_DEPTH_LIMIT) return `an expression nested more than ${PARSER_DEPTH_LIMIT} deep, beyond what this tool's Python parser reads`
    if (CHAINS.has(ancestor.name) && chainLength(ancestor) >= PARSER_CHAIN_LIMIT) {
      return `an expression of more than ${PARSER_CHAIN_LIMIT} chained terms, beyond what this tool's Python parser reads`
    }
  }

  return null
}

/** The index of the last character of the string literal opening at `start` (or of the source). */
function stringEnd(source: string, start: number): number {
  const char = source[start]
  const quote = source.startsWith(char.repeat(3), start) ? char.repeat(3) : char
  let i = start + quote.length
  for (; i < source.length && !source.startsWith(quote, i); i++) {
    if (source[i] === '\\') i++
    else if (quote.length === 1 && source[i] === '\n') break
  }

  return i + quote.length - 1
}

/**
 * Where brackets first nest deeper than CPython's tokenizer allows, or -1. Strings and comments are skipped as the
 * tokenizer skips them (prefixes, triple quotes, backslash escapes), so a bracket inside one does not count.
 */
function bracketOverflow(source: string): number {
  let depth = 0
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    if (char === '#') {
      while (i < source.length && source[i] !== '\n') i++
    } else if (char === '"' || char === "'") {
      i = stringEnd(source, i)
    } else if (OPENING.has(char)) {
      if (++depth > MAX_BRACKET_NESTING) return i
    } else if (CLOSING.has(char)) {
      depth = Math.max(0, depth - 1)
    }
  }

  return -1
}

/**
 * Whether Python compiles what the tree was parsed from, as far as the tree can tell. `python` is the interpreter's
 * [major, minor], when known: syntax newer than it is a SyntaxError; unknown, such syntax makes the answer depend on it.
 */
export function checkSyntax(tree: PythonTree, python: [number, number] | null = null): SyntaxCheck {
  const cursor = tree.cursor()
  let dependent: null | SyntaxCheck = null
  do {
    if (cursor.type.isError) {
      const reason = beyondParser(cursor.node)
      return reason === null ? {kind: 'error', message: 'invalid syntax', offset: cursor.from} : {kind: 'beyond-parser', offset: cursor.from, reason}
    }

    const newer = NEWER_SYNTAX[cursor.name]
    if (newer) {
      const [major, minor] = newer.since
      const release = `${major}.${minor}`
      if (python && (python[0] < major || (python[0] === major && python[1] < minor))) {
        return {kind: 'error', message: `invalid syntax (${newer.what} needs Python ${release})`, offset: cursor.from}
      }

      if (!python) dependent ??= {kind: 'version-dependent', offset: cursor.from, reason: `${newer.what}, which Python before ${release} refuses, and which Python runs kedro is not known`}
    }
  } while (cursor.next())
  return dependent ?? {kind: 'ok'}
}

/**
 * A module's syntax tree and whether Python compiles it: CPython's bracket-nesting limit first (its exact
 * SyntaxError, found before the parser builds a tree that deep), then the parser's own verdict. A tree too deep for
 * the parser to build is "beyond the parser", never a crash.
 */
export function analysePython(source: string, python: [number, number] | null = null): {syntax: SyntaxCheck; tree: null | PythonTree} {
  const overflow = bracketOverflow(source)
  if (overflow >= 0) return {syntax: {kind: 'error', message: 'too many nested parentheses', offset: overflow}, tree: null}
  try {
    const tree = parsePython(source)
    return {syntax: checkSyntax(tree, python), tree}
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    return {syntax: {kind: 'beyond-parser', offset: 0, reason: 'code nested too deeply for this tool\'s Python parser'}, tree: null}
  }
}
