/**
 * A small static evaluator for the Python that Kedro projects use to build pipelines, over @lezer/python syntax
 * trees: literals, f-strings, names bound by assignments and imports, subscripts, comprehensions over literal
 * collections, functions called with their parameters bound, `+` and `-`, `sum`, `functools.reduce` and
 * `operator.add`, and what callers add (Kedro's node() and pipeline()). Anything else evaluates to Unknown with the
 * reason, so that callers can report the figure as estimated instead of guessing; where Python itself raises (a
 * missing key, a missing argument), the value says so.
 */
import type {SyntaxNode} from '@lezer/common'

import {parsePython} from './python-syntax.js'

export {analysePython, checkSyntax, parsePython, type PythonTree, type SyntaxCheck} from './python-syntax.js'

/** A Kedro node as far as identity goes: Kedro compares nodes by name (or function), inputs and outputs. */
export interface KedroNode {
  func: string
  /** Dataset names, or null when they could not be read statically. */
  inputs: null | string[]
  name: null | string
  namespace: null | string
  outputs: null | string[]
}

export type PyValue =
  | {items: PyValue[]; kind: 'list'}
  | {kind: 'dict'; entries: [PyValue, PyValue][]}
  | {kind: 'none'}
  | {kind: 'number'; value: number}
  | {kind: 'pipeline'; nodes: Map<string, KedroNode>}
  /** Python raises here (a KeyError, a TypeError): exact, and it propagates like Python's exception. */
  | {error: string; kind: 'raises'}
  | {kind: 'str'; value: string}
  | {kind: 'unknown'; reason: string}
  | {kind: 'bool'; value: boolean}
  | {
    kind: 'function'; call: (args: PyValue[], keywords: Map<string, PyValue>, texts: ArgumentTexts) => PyValue
    /**
     * The keyword name of its first parameter when the function reads that argument only as source text (Kedro's
     * node() and its func): it is then not evaluated, so the module that defines a node's function is never read.
     */
    textOnlyParameter?: string
  }

export type FunctionValue = Extract<PyValue, {kind: 'function'}>

/** `f()`: a function value called with no arguments. */
export function callWithoutArguments(target: FunctionValue): PyValue {
  return target.call([], new Map(), {keywords: new Map(), positional: []})
}

/** The source text of each argument of a call, positional and by keyword. */
export interface ArgumentTexts {
  keywords: Map<string, string>
  positional: string[]
}

export const unknown = (reason: string): PyValue => ({kind: 'unknown', reason})
export const raises = (error: string): PyValue => ({error, kind: 'raises'})

/** A value that stops evaluation where it appears: Python raises, or this tool cannot follow it. */
export function stops(value: PyValue): value is Extract<PyValue, {kind: 'raises' | 'unknown'}> {
  return value.kind === 'unknown' || value.kind === 'raises'
}

export function functionValue(call: FunctionValue['call']): FunctionValue {
  return {call, kind: 'function'}
}

/** Python's string literal forms, enough for dataset names: quotes, prefixes r/b/u (f-strings are unknown). */
export function stringValue(text: string): null | string {
  const match = /^([rRbBuU]{0,2})("""|'''|"|')([\s\S]*)\2$/.exec(text)
  if (!match) return null
  const [, prefix, , body] = match
  if (/[fF]/.test(prefix)) return null
  if (/[rR]/.test(prefix)) return body
  return body.replaceAll(/\\(["'\\nt])/g, (_, char: string) => ({n: '\n', t: '\t'}[char] ?? char))
}

/**
 * A name imported from a project module, resolved when the name is first used: a pipeline module imports its node
 * functions, and reading (parsing) every nodes.py only to pass those functions to node() would be wasted work.
 */
export interface Deferred {
  kind: 'deferred'
  resolve: () => PyValue
}

export type Scope = Map<string, Deferred | PyValue>

/** The value `name` is bound to in `scope`, a deferred import resolved. */
export function lookup(scope: ReadonlyMap<string, Deferred | PyValue>, name: string): PyValue | undefined {
  const bound = scope.get(name)
  return bound?.kind === 'deferred' ? bound.resolve() : bound
}

/**
 * What one reading of a project may spend, shared by every evaluation in it (function bodies included): how deeply
 * expressions may nest and how many may be evaluated. Beyond either, a value is Unknown with the reason, never a
 * stack overflow or an endless run.
 */
export class EvaluationGuard {
  depth = 0
  steps = 0
  constructor(readonly maxDepth = 500, readonly maxSteps = 2_000_000) {}
}

export interface EvaluationContext {
  guard: EvaluationGuard
  scope: Scope
  source: string
}

function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = []
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child)
  return list
}

const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ':', 'AssignOp', '*', '**', 'Comment'])

/** Positional and keyword arguments of an ArgList. */
export function callArguments(argList: SyntaxNode, context: EvaluationContext, textOnlyParameter?: string): {keywords: Map<string, PyValue>; positional: PyValue[]; texts: ArgumentTexts} {
  const positional: PyValue[] = []
  const texts: ArgumentTexts = {keywords: new Map(), positional: []}
  const keywords = new Map<string, PyValue>()
  const notEvaluated = unknown('not evaluated: only its source text is used')
  const parts = children(argList).filter((child) => !PUNCTUATION.has(child.name) || child.name === 'AssignOp' || child.name === '*' || child.name === '**')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    if (part.name === '*' || part.name === '**') {
      positional.push(unknown(`unpacked arguments (${part.name}) cannot be followed statically`))
      i++
    } else if (parts[i + 1]?.name === 'AssignOp' && part.name === 'VariableName') {
      const keyword = context.source.slice(part.from, part.to)
      const value = parts[i + 2]
      keywords.set(keyword, keyword === textOnlyParameter ? notEvaluated : evaluate(value, context))
      if (value) texts.keywords.set(keyword, context.source.slice(value.from, value.to))
      i += 2
    } else {
      positional.push(textOnlyParameter !== undefined && positional.length === 0 ? notEvaluated : evaluate(part, context))
      texts.positional.push(context.source.slice(part.from, part.to))
    }
  }

  return {keywords, positional, texts}
}

export function evaluate(node: SyntaxNode | null | undefined, context: EvaluationContext): PyValue {
  const {guard} = context
  if (guard.depth >= guard.maxDepth) return unknown(`expressions nested more than ${guard.maxDepth} deep are not followed`)
  if (++guard.steps > guard.maxSteps) return unknown(`more than ${guard.maxSteps} expressions to evaluate: not followed`)
  guard.depth++
  try {
    return evaluateNode(node, context)
  } finally {
    guard.depth--
  }
}

function evaluateNode(node: SyntaxNode | null | undefined, context: EvaluationContext): PyValue {
  if (!node) return unknown('missing expression')
  const text = context.source.slice(node.from, node.to)
  switch (node.name) {
    case 'String': {
      const value = stringValue(text)
      return value === null ? unknown(`an f-string or unusual literal: ${excerpt(text)}`) : {kind: 'str', value}
    }

    case 'ContinuedString': {
      const parts = children(node).map((child) => evaluate(child, context))
      if (parts.every((part) => part.kind === 'str')) return {kind: 'str', value: parts.map((part) => (part as {value: string}).value).join('')}
      return unknown(`a string that cannot be read statically: ${excerpt(text)}`)
    }

    case 'FormatString': { return unknown(`an f-string: ${excerpt(text)}`) }
    case 'Number': { return {kind: 'number', value: Number(text.replaceAll('_', ''))} }
    case 'None': { return {kind: 'none'} }
    case 'Boolean': { return {kind: 'bool', value: text === 'True'} }
    case 'ArrayExpression':
    case 'TupleExpression':
    case 'SetExpression': {
      return {items: children(node).filter((child) => !PUNCTUATION.has(child.name)).map((child) => evaluate(child, context)), kind: 'list'}
    }

    case 'ParenthesizedExpression': { return evaluate(children(node).find((child) => !PUNCTUATION.has(child.name)), context) }
    case 'DictionaryExpression': {
      const items = children(node).filter((child) => !PUNCTUATION.has(child.name))
      const entries: [PyValue, PyValue][] = []
      for (let i = 0; i + 1 < items.length; i += 2) entries.push([evaluate(items[i], context), evaluate(items[i + 1], context)])
      return {entries, kind: 'dict'}
    }

    case 'VariableName': {
      return lookup(context.scope, text) ?? unknown(`the name ${excerpt(text)} is not bound by a simple assignment or import`)
    }

    case 'BinaryExpression': { return evaluateChain(node, context) }

    case 'CallExpression': {
      const [callee, argList] = children(node)
      const target = evaluate(callee, context)
      if (target.kind !== 'function') return unknown(`a call of ${excerpt(context.source.slice(callee.from, callee.to))}, which is not followed statically`)
      const {keywords, positional, texts} = callArguments(argList, context, target.textOnlyParameter)
      return target.call(positional, keywords, texts)
    }

    case 'MemberExpression': {
      const bound = lookup(context.scope, text)
      if (bound) return bound
      // dict.values() / dict.keys(): enough for `sum(pipelines.values())`.
      const method = /^([A-Za-z_][\w]*)\.(values|keys)$/.exec(text)
      const dict = method ? lookup(context.scope, method[1]) : undefined
      if (method && dict?.kind === 'dict') {
        const pick = method[2] === 'values' ? 1 : 0
        return {call: () => ({items: dict.entries.map((entry) => entry[pick]), kind: 'list'}), kind: 'function'}
      }

      return unknown(`${excerpt(text)} is not followed statically`)
    }

    case 'ArrayComprehensionExpression':
    case 'DictionaryComprehensionExpression':
    case 'SetComprehensionExpression':
    case 'ComprehensionExpression': {
      return unknown(`a comprehension builds part of the pipeline: ${excerpt(text)}`)
    }

    default: { return unknown(`${node.name} is not evaluated statically: ${excerpt(text)}`) }
  }
}

/**
 * `a + b + c + ...`: a left-associative chain nests as deep as it is long, so its left spine is walked in a loop and
 * folded from the left, which gives the tree's own grouping whatever the operators.
 */
function evaluateChain(node: SyntaxNode, context: EvaluationContext): PyValue {
  const rights: SyntaxNode[] = []
  const operators: string[] = []
  let leftmost = node
  while (leftmost.name === 'BinaryExpression') {
    const [left, operator, right] = children(leftmost)
    operators.push(context.source.slice(operator.from, operator.to))
    rights.push(right)
    leftmost = left
  }

  let value = evaluate(leftmost, context)
  let owned = false
  for (let index = rights.length - 1; index >= 0 && value.kind !== 'unknown'; index--) {
    const operand = evaluate(rights[index], context)
    const op = operators[index]
    if (op === '+' && value.kind === 'pipeline' && operand.kind === 'pipeline') {
      // The first sum copies; later ones add to that copy (a value bound in scope is never changed).
      if (!owned) value = {kind: 'pipeline', nodes: new Map(value.nodes)}
      for (const [key, item] of operand.nodes) value.nodes.set(key, item)
      owned = true
    } else if (op === '+' && value.kind === 'list' && operand.kind === 'list') {
      value = {items: [...value.items, ...operand.items], kind: 'list'}
    } else if (op === '+' && value.kind === 'str' && operand.kind === 'str') {
      value = {kind: 'str', value: value.value + operand.value}
    } else {
      value = operand.kind === 'unknown' ? operand : unknown(`the expression ${excerpt(context.source.slice(node.from, node.to))} cannot be evaluated statically`)
    }
  }

  return value
}

/** Source text quoted in a reason: its first line, shortened. */
function excerpt(text: string, length = 60): string {
  const line = text.split('\n')[0]
  return line.length > length || line !== text ? `${line.slice(0, length)}...` : line
}

/**
 * Runs one statement: an assignment binds a name (or a `d["key"]` entry); `return` gives the value; a loop or
 * condition makes the result unknown. Returns undefined when execution goes on to the next statement.
 */
export function runStatement(statement: SyntaxNode, context: EvaluationContext): PyValue | undefined {
  if (statement.name === 'ReturnStatement') return evaluate(children(statement)[1], context)
  if (['ForStatement', 'WhileStatement', 'IfStatement', 'TryStatement', 'WithStatement'].includes(statement.name)) {
    return unknown(`a ${statement.name.replace('Statement', '').toLowerCase()} statement builds the result: ${excerpt(context.source.slice(statement.from, statement.to))}`)
  }

  if (statement.name !== 'AssignStatement') return undefined
  const parts = children(statement)
  const value = evaluate(parts.at(-1), context)
  const target = parts[0]
  const name = context.source.slice(target.from, target.to)
  if (target.name === 'VariableName') {
    context.scope.set(name, value)
  } else if (target.name === 'MemberExpression' && /\[\s*["'][^"']+["']\s*\]$/.test(name)) {
    // `pipelines["__default__"] = ...`: a subscript assignment on a dict bound in scope.
    const [base, key] = [name.slice(0, name.indexOf('[')).trim(), stringValue(name.slice(name.indexOf('[') + 1, -1).trim())]
    const dict = lookup(context.scope, base)
    if (dict?.kind === 'dict' && key !== null) {
      const entries = dict.entries.filter(([k]) => !(k.kind === 'str' && k.value === key))
      context.scope.set(base, {entries: [...entries, [{kind: 'str', value: key}, value]], kind: 'dict'})
    } else {
      context.scope.set(base, unknown(`${name} is assigned on something not followed statically`))
    }
  } else {
    context.scope.set(name, unknown(`an assignment to ${name} is not followed statically`))
  }

  return undefined
}

/** Runs the statements of a function body in order; the value of its `return`, or None. */
export function runBody(body: SyntaxNode, context: EvaluationContext): PyValue {
  for (const statement of children(body)) {
    const result = runStatement(statement, context)
    if (result !== undefined) return result
  }

  return {kind: 'none'}
}

/** Top-level function definitions of a module, by name. */
export function functionsOf(tree: ReturnType<typeof parsePython>, source: string): Map<string, SyntaxNode> {
  const functions = new Map<string, SyntaxNode>()
  for (const statement of children(tree.topNode)) {
    const definition = statement.name === 'DecoratedStatement' ? children(statement).find((child) => child.name === 'FunctionDefinition') : statement
    if (definition?.name !== 'FunctionDefinition') continue
    const name = children(definition).find((child) => child.name === 'VariableName')
    const body = children(definition).find((child) => child.name === 'Body')
    if (name && body) functions.set(source.slice(name.from, name.to), body)
  }

  return functions
}

/** `from a.b import c as d` and `import a.b as c` statements: local name -> [module, imported name or null]. */
export function importsOf(tree: ReturnType<typeof parsePython>, source: string): Map<string, {module: string; name: null | string}> {
  const imports = new Map<string, {module: string; name: null | string}>()
  for (const statement of children(tree.topNode)) {
    if (statement.name !== 'ImportStatement') continue
    const text = source.slice(statement.from, statement.to).replaceAll(/[()\\\n]/g, ' ')
    const from = /^from\s+(\S+)\s+import\s+(.+)$/.exec(text)
    if (from) {
      for (const item of from[2].split(',')) {
        const [name, alias] = item.trim().split(/\s+as\s+/)
        if (name) imports.set((alias ?? name).trim(), {module: from[1], name: name.trim()})
      }
    } else {
      for (const item of text.replace(/^import\s+/, '').split(',')) {
        const [module, alias] = item.trim().split(/\s+as\s+/)
        if (module) imports.set((alias ?? module).trim(), {module: module.trim(), name: null})
      }
    }
  }

  return imports
}

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  return children(node)
}
