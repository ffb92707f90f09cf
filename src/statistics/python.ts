/**
 * A small static evaluator for the Python that Kedro projects use to build pipelines, over @lezer/python syntax
 * trees: literals and f-strings, names bound by assignments and imports, subscripts, comprehensions and for loops
 * over known collections, if/else on known conditions, functions called with their parameters bound (defaults,
 * `*args`, `**kwargs`), `+` and `-`, `sum`, `functools.reduce` and `operator.add`, and what callers add (Kedro's
 * node() and pipeline()). Anything else evaluates to Unknown with the reason, so that callers can report the figure
 * as estimated instead of guessing; where Python itself raises (a missing key, a missing argument), the value says so.
 * Source is data: nothing here runs it.
 */
import type {SyntaxNode} from '@lezer/common'

import {addPipelines, subtractPipelines} from './kedro-pipeline.js'
import {
  type ArgumentTexts, dictGet, dictSet, firstStop, type FunctionValue, functionValue, isPlainKey, iterate, keyRepr, NONE,
  pythonEqual, pythonStr, type PyValue, raises, reasonOf, type Stopping, stops, str, truth, typeName, unknown,
} from './python-values.js'

export {analysePython, checkSyntax, parsePython, type PythonTree, type SyntaxCheck} from './python-syntax.js'
export {
  type ArgumentTexts, callWithoutArguments, type FunctionValue, functionValue, type KedroNode, type PyValue, raises, stops, unknown,
} from './python-values.js'

export type Scope = Map<string, PyValue>

/**
 * What one reading of a project may spend, shared by every evaluation in it (function bodies included): how deeply
 * expressions may nest and how many may be evaluated. Beyond either, a value is Unknown with the reason, never a
 * stack overflow or an endless run.
 */
export class EvaluationGuard {
  depth = 0
  steps = 0
  constructor(readonly maxDepth = 500, readonly maxSteps = 2_000_000) {}

  /** One more step of work (an expression, a loop iteration); the reason to stop when the budget is spent. */
  spend(): null | PyValue {
    return ++this.steps > this.maxSteps ? unknown(`more than ${this.maxSteps} expressions to evaluate: not followed`) : null
  }
}

interface EvaluationContext {
  /**
   * Binds what an import statement brings in (the module loader's job), or returns the exception importing raises;
   * without it, imports bind nothing.
   */
  bindImports?: (statement: SyntaxNode, scope: Scope) => null | PyValue
  guard: EvaluationGuard
  /** `file:line` of an offset in the source, for the reasons of what is not followed. */
  locate?: (offset: number) => string
  scope: Scope
  source: string
  /** The file the source comes from, as reasons show it. */
  where?: string
}

/** `file:line` for an offset in `source` (line starts found once, then a binary search). */
export function locator(where: string, source: string): (offset: number) => string {
  let starts: null | number[] = null
  return (offset) => {
    if (!starts) {
      starts = [0]
      for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) starts.push(index + 1)
    }

    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle] <= offset) low = middle
      else high = middle - 1
    }

    return `${where}:${low + 1}`
  }
}

/** An Unknown marked with where it arose, unless it already says where. */
function located(value: PyValue, node: null | SyntaxNode | undefined, context: EvaluationContext): PyValue {
  return value.kind === 'unknown' && value.at === undefined && node && context.locate ? {...value, at: context.locate(node.from)} : value
}

function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = []
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child)
  return list
}

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  return children(node)
}

const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ':', 'Comment'])

function textOf(node: SyntaxNode, context: EvaluationContext): string {
  return context.source.slice(node.from, node.to)
}

/** Source text quoted in a reason: its first line, shortened. */
function excerpt(text: string, length = 60): string {
  const line = text.split('\n')[0]
  return line.length > length || line !== text ? `${line.slice(0, length)}...` : line
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '', '"': '"', "'": "'", '\\': '\\', a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
}

/** Python's backslash escapes in a str literal (an unknown escape keeps its backslash, as Python does). */
function unescape(body: string): null | string {
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
function stringValue(text: string): null | string {
  const match = /^([rRuU]?)("""|'''|"|')([\s\S]*)\2$/.exec(text)
  if (!match) return null
  const [, prefix, , body] = match
  return /[rR]/.test(prefix) ? body : unescape(body)
}

/** f"...": literal parts and `{expression}` / `{expression!s}` replacements; a format spec is not reproduced. */
function formatString(node: SyntaxNode, context: EvaluationContext): PyValue {
  const text = textOf(node, context)
  const match = /^([rRfF]{1,2})("""|'''|"|')/.exec(text)
  if (!match) return unknown(`an unusual f-string: ${excerpt(text)}`)
  const raw = /[rR]/.test(match[1])
  const literal = (from: number, to: number): null | string => {
    const part = context.source.slice(from, to).replaceAll('{{', '{').replaceAll('}}', '}')
    return raw ? part : unescape(part)
  }

  let position = node.from + match[0].length
  const end = node.to - match[2].length
  let result = ''
  for (const replacement of children(node)) {
    if (replacement.name !== 'FormatReplacement') continue
    const before = literal(position, replacement.from)
    if (before === null) return unknown(`an f-string with an escape not reproduced here: ${excerpt(text)}`)
    result += before
    const [, expression, ...rest] = children(replacement)
    const plain = rest.every((part) => part.name === '}' || (part.name === 'FormatConversion' && textOf(part, context) === '!s'))
    if (!plain) return unknown(`an f-string with a conversion or format spec: ${excerpt(text)}`)
    const value = evaluate(expression, context)
    if (stops(value)) return value
    const shown = pythonStr(value)
    if (shown === null) return unknown(`an f-string shows a ${typeName(value)}, which is not reproduced here: ${excerpt(text)}`)
    result += shown
    position = replacement.to
  }

  const after = literal(position, end)
  return after === null ? unknown(`an f-string with an escape not reproduced here: ${excerpt(text)}`) : str(result + after)
}

function numberValue(text: string): PyValue {
  const digits = text.replaceAll('_', '')
  if (/[jJ]$/.test(digits)) return unknown(`a complex number: ${text}`)
  const float = !/^0[xXoObB]/.test(digits) && /[.eE]/.test(digits)
  const value = Number(/^0\d/.test(digits) ? digits.replace(/^0+(?=\d)/, '') : digits)
  return Number.isNaN(value) ? unknown(`a number not read here: ${text}`) : {float, kind: 'number', value}
}

/** A collection display (`[a, *b]`, `(a, b)`, `{a}`): its items, `*x` unpacked. */
function collectionItems(node: SyntaxNode, context: EvaluationContext): PyValue[] | Stopping {
  const items: PyValue[] = []
  const parts = children(node).filter((child) => !PUNCTUATION.has(child.name))
  for (let index = 0; index < parts.length; index++) {
    if (parts[index].name === '*') {
      const unpacked = iterate(evaluate(parts[++index], context))
      if (!Array.isArray(unpacked)) return unpacked
      items.push(...unpacked)
    } else {
      const value = evaluate(parts[index], context)
      if (stops(value)) return value
      items.push(value)
    }
  }

  return items
}

/** `{k: v, **other}` */
function dictionary(node: SyntaxNode, context: EvaluationContext): PyValue {
  const dict: Extract<PyValue, {kind: 'dict'}> = {entries: [], kind: 'dict'}
  const parts = children(node).filter((child) => !PUNCTUATION.has(child.name))
  for (let index = 0; index < parts.length; index++) {
    if (parts[index].name === '**') {
      const other = evaluate(parts[++index], context)
      if (stops(other)) return other
      if (other.kind !== 'dict') return raises(`TypeError: '${typeName(other)}' object is not a mapping`)
      for (const [key, value] of other.entries) dictSet(dict, key, value)
    } else {
      const key = evaluate(parts[index], context)
      const value = evaluate(parts[++index], context)
      const stop = firstStop([key, value])
      if (stop) return stop
      if (!isPlainKey(key)) return unknown(`a dict key that is a ${typeName(key)}`)
      dictSet(dict, key, value)
    }
  }

  return dict
}

type Clause = {iterable: SyntaxNode; kind: 'for'; targets: SyntaxNode[]} | {condition: SyntaxNode; kind: 'if'}

/** `element for targets in iterable if condition for ...`: the element's nodes and the clauses, in order. */
function comprehensionParts(parts: SyntaxNode[]): {clauses: Clause[]; element: SyntaxNode[]} {
  const firstFor = parts.findIndex((part) => part.name === 'for')
  const clauses: Clause[] = []
  for (let index = firstFor; index < parts.length;) {
    if (parts[index].name === 'for') {
      const inIndex = parts.findIndex((part, at) => at > index && part.name === 'in')
      clauses.push({iterable: parts[inIndex + 1], kind: 'for', targets: parts.slice(index + 1, inIndex)})
      index = inIndex + 2
    } else if (parts[index].name === 'if') {
      clauses.push({condition: parts[index + 1], kind: 'if'})
      index += 2
    } else {
      index++
    }
  }

  return {clauses, element: parts.slice(0, firstFor)}
}

/** Binds `value` to an assignment or loop target (a name, a tuple of names, `d[key]`); a Stopping on failure. */
function bindTarget(targets: SyntaxNode[], value: PyValue, context: EvaluationContext): null | PyValue {
  const names = targets.filter((target) => !PUNCTUATION.has(target.name))
  if (names.length === 1 && ['TupleExpression', 'ParenthesizedExpression', 'ArrayExpression'].includes(names[0].name)) {
    return bindTarget(children(names[0]), value, context)
  }

  if (names.length > 1) {
    if (names.some((name) => name.name === '*')) return unknown('a starred assignment target')
    const items = iterate(value)
    if (!Array.isArray(items)) return items
    if (items.length !== names.length) return raises(`ValueError: expected ${names.length} values to unpack, got ${items.length}`)
    for (const [index, name] of names.entries()) {
      const failure = bindTarget([name], items[index], context)
      if (failure) return failure
    }

    return null
  }

  const [target] = names
  if (target.name === 'VariableName') {
    context.scope.set(textOf(target, context), value)
    return null
  }

  const parts = children(target)
  if (target.name === 'MemberExpression' && parts[1]?.name === '[') {
    const container = evaluate(parts[0], context)
    const key = evaluate(parts[2], context)
    const stop = firstStop([container, key])
    if (stop) return stop
    if (container.kind === 'dict' && isPlainKey(key)) {
      dictSet(container, key, value)
      return null
    }

    if (container.kind === 'list' && key.kind === 'number' && !key.float) {
      const index = key.value < 0 ? container.items.length + key.value : key.value
      if (index < 0 || index >= container.items.length) return raises('IndexError: list assignment index out of range')
      container.items[index] = value
      return null
    }
  }

  // `obj.attr = value` or a subscript on something not followed: whatever it names is no longer known.
  const base = parts[0] && parts[0].name === 'VariableName' ? textOf(parts[0], context) : null
  if (base && context.scope.has(base)) context.scope.set(base, unknown(`${excerpt(textOf(target, context))} is assigned, which is not followed statically`))
  return null
}

/** Runs the clauses of a comprehension from `index`, calling `emit` in a scope with the targets bound. */
function runClauses(clauses: Clause[], index: number, context: EvaluationContext, emit: (context: EvaluationContext) => null | PyValue): null | PyValue {
  if (index === clauses.length) return emit(context)
  const clause = clauses[index]
  if (clause.kind === 'if') {
    const condition = evaluate(clause.condition, context)
    if (stops(condition)) return condition
    const holds = truth(condition)
    if (holds === null) return unknown(`a comprehension condition that is a ${typeName(condition)}`)
    return holds ? runClauses(clauses, index + 1, context, emit) : null
  }

  const items = iterate(evaluate(clause.iterable, context))
  if (!Array.isArray(items)) return items
  for (const item of items) {
    const spent = context.guard.spend()
    if (spent) return spent
    const inner = {...context, scope: new Map(context.scope)}
    const failure = bindTarget(clause.targets, item, inner) ?? runClauses(clauses, index + 1, inner, emit)
    if (failure) return failure
  }

  return null
}

/** A list, set or generator comprehension (a list here), or a dict comprehension. */
function comprehension(
  node: SyntaxNode, context: EvaluationContext, asDict: boolean, parts = children(node).filter((child) => !PUNCTUATION.has(child.name)),
): PyValue {
  const {clauses, element} = comprehensionParts(parts)
  if (asDict) {
    const dict: Extract<PyValue, {kind: 'dict'}> = {entries: [], kind: 'dict'}
    const failure = runClauses(clauses, 0, context, (inner) => {
      const key = evaluate(element[0], inner)
      const value = evaluate(element[1], inner)
      const stop = firstStop([key, value])
      if (stop) return stop
      if (!isPlainKey(key)) return unknown(`a dict key that is a ${typeName(key)}`)
      dictSet(dict, key, value)
      return null
    })
    return failure ?? dict
  }

  const items: PyValue[] = []
  const failure = runClauses(clauses, 0, context, (inner) => {
    const value = evaluate(element[0], inner)
    if (stops(value)) return value
    items.push(value)
    return null
  })
  return failure ?? {items, kind: 'list'}
}

/** The arguments of a call: positional, keyword, `*iterable`, `**mapping` and a bare generator expression. */
function callArguments(
  argList: SyntaxNode, context: EvaluationContext, textOnlyParameter?: string,
): Stopping | {keywords: Map<string, PyValue>; positional: PyValue[]; texts: ArgumentTexts} {
  const positional: PyValue[] = []
  const texts: ArgumentTexts = {keywords: new Map(), positional: []}
  const keywords = new Map<string, PyValue>()
  const notEvaluated = unknown('not evaluated: only its source text is used')
  const parts = children(argList).filter((child) => !PUNCTUATION.has(child.name))
  if (parts.some((part) => part.name === 'for')) {
    const value = comprehension(argList, context, false, parts)
    if (stops(value)) return value
    return {keywords, positional: [value], texts: {keywords: new Map(), positional: [textOf(argList, context)]}}
  }

  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]
    if (part.name === '*') {
      const unpacked = evaluate(parts[++index], context)
      if (unpacked.kind === 'unknown') return unknown(`arguments unpacked from something not followed statically (${reasonOf(unpacked)})`)
      const items = iterate(unpacked)
      if (!Array.isArray(items)) return items
      positional.push(...items)
      texts.positional.push(...items.map(() => ''))
    } else if (part.name === '**') {
      const mapping = evaluate(parts[++index], context)
      if (stops(mapping)) return mapping.kind === 'unknown' ? unknown(`keyword arguments unpacked from something not followed statically (${reasonOf(mapping)})`) : mapping
      if (mapping.kind !== 'dict') return raises(`TypeError: argument after ** must be a mapping, not ${typeName(mapping)}`)
      for (const [key, value] of mapping.entries) {
        if (key.kind !== 'str') return raises('TypeError: keywords must be strings')
        keywords.set(key.value, value)
      }
    } else if (parts[index + 1]?.name === 'AssignOp' && part.name === 'VariableName') {
      const keyword = textOf(part, context)
      const valueNode = parts[index + 2]
      const value = keyword === textOnlyParameter ? notEvaluated : evaluate(valueNode, context)
      if (value.kind === 'raises') return value
      if (keywords.has(keyword)) return raises(`SyntaxError: keyword argument repeated: ${keyword}`)
      keywords.set(keyword, value)
      if (valueNode) texts.keywords.set(keyword, textOf(valueNode, context))
      index += 2
    } else {
      const value = textOnlyParameter !== undefined && positional.length === 0 ? notEvaluated : evaluate(part, context)
      if (value.kind === 'raises') return value
      positional.push(value)
      texts.positional.push(textOf(part, context))
    }
  }

  return {keywords, positional, texts}
}

export function evaluate(node: SyntaxNode | null | undefined, context: EvaluationContext): PyValue {
  const {guard} = context
  if (guard.depth >= guard.maxDepth) return unknown(`expressions nested more than ${guard.maxDepth} deep are not followed`)
  const spent = guard.spend()
  if (spent) return spent
  guard.depth++
  try {
    return located(evaluateNode(node, context), node, context)
  } finally {
    guard.depth--
  }
}

function evaluateNode(node: SyntaxNode | null | undefined, context: EvaluationContext): PyValue {
  if (!node) return unknown('missing expression')
  const text = textOf(node, context)
  switch (node.name) {
    case 'String': {
      const value = stringValue(text)
      return value === null ? unknown(`a bytes or unusual literal: ${excerpt(text)}`) : str(value)
    }

    case 'FormatString': { return formatString(node, context) }
    case 'ContinuedString': {
      let joined = ''
      for (const part of children(node)) {
        const value = evaluate(part, context)
        if (stops(value)) return value
        if (value.kind !== 'str') return unknown(`a string that cannot be read statically: ${excerpt(text)}`)
        joined += value.value
      }

      return str(joined)
    }

    case 'Number': { return numberValue(text) }
    case 'None': { return NONE }
    case 'Boolean': { return {kind: 'bool', value: text === 'True'} }
    case 'ArrayExpression':
    case 'TupleExpression':
    case 'SetExpression': {
      const items = collectionItems(node, context)
      return Array.isArray(items) ? {items, kind: 'list'} : items
    }

    case 'ParenthesizedExpression': { return evaluate(children(node).find((child) => !PUNCTUATION.has(child.name)), context) }
    case 'DictionaryExpression': { return dictionary(node, context) }
    case 'VariableName': {
      return context.scope.get(text) ?? PYTHON_BUILTINS.get(text) ?? unknown(`the name ${excerpt(text)} is not bound by an assignment, import or def followed here`)
    }

    case 'BinaryExpression': { return evaluateChain(node, context) }
    case 'UnaryExpression': { return unaryOperation(node, context) }
    case 'ConditionalExpression': {
      const [body, , condition, , otherwise] = children(node)
      const test = evaluate(condition, context)
      if (stops(test)) return test
      const holds = truth(test)
      if (holds === null) return unknown(`a condition that is a ${typeName(test)}: ${excerpt(text)}`)
      return evaluate(holds ? body : otherwise, context)
    }

    case 'CallExpression': {
      const [callee, argList] = children(node)
      const target = evaluate(callee, context)
      if (target.kind === 'raises') return target
      if (target.kind === 'unknown') return unknown(`a call of ${excerpt(textOf(callee, context))}, which is not followed statically (${reasonOf(target)})`)
      if (target.kind !== 'function') return raises(`TypeError: '${typeName(target)}' object is not callable`)
      const args = callArguments(argList, context, target.textOnlyParameter)
      if ('kind' in args) return args
      return target.call(args.positional, args.keywords, args.texts)
    }

    case 'MemberExpression': { return member(node, text, context) }
    case 'ArrayComprehensionExpression':
    case 'SetComprehensionExpression':
    case 'ComprehensionExpression': { return comprehension(node, context, false) }
    case 'DictionaryComprehensionExpression': { return comprehension(node, context, true) }
    case 'LambdaExpression': {
      const parameterList = children(node).find((child) => child.name === 'ParamList')
      const body = children(node).at(-1)!
      return makeCallable('<lambda>', parameterList ?? null, context, (inner) => ({kind: 'return', value: evaluate(body, inner)}))
    }

    default: { return unknown(`${node.name} is not evaluated statically: ${excerpt(text)}`) }
  }
}

/** `a.b` (a module member or a method of a known dict or list) and `a[key]`. */
function member(node: SyntaxNode, text: string, context: EvaluationContext): PyValue {
  const parts = children(node)
  if (parts[1]?.name === '[') {
    if (parts.length !== 4 || parts.some((part) => part.name === ':')) return unknown(`a slice or multiple subscript: ${excerpt(text)}`)
    const container = evaluate(parts[0], context)
    const key = evaluate(parts[2], context)
    const stop = firstStop([container, key])
    if (stop) return stop
    if (container.kind === 'dict') {
      const found = dictGet(container, key)
      if (found) return found
      const certain = isPlainKey(key) && container.entries.every(([candidate]) => isPlainKey(candidate))
      return certain ? raises(`KeyError: ${keyRepr(key)}`) : unknown(`a dict lookup that is not certain: ${excerpt(text)}`)
    }

    if ((container.kind === 'list' || container.kind === 'str') && key.kind === 'number' && !key.float) {
      const items = container.kind === 'list' ? container.items : [...container.value].map((char) => str(char))
      const index = key.value < 0 ? items.length + key.value : key.value
      return index >= 0 && index < items.length ? items[index] : raises(`IndexError: ${typeName(container)} index out of range`)
    }

    return unknown(`a subscript of a ${typeName(container)}: ${excerpt(text)}`)
  }

  // `import a.b` binds the dotted name itself.
  if (/^[\w.]+$/.test(text) && context.scope.has(text)) return context.scope.get(text)!

  const object = evaluate(parts[0], context)
  if (stops(object)) return object
  const method = textOf(parts.at(-1)!, context)
  return methodOf(object, method) ?? unknown(`${excerpt(text)} is not followed statically`)
}

/** A module's member, or one of Python's dict and list methods that pipeline registries use, bound to `object`. */
function methodOf(object: PyValue, method: string): PyValue | undefined {
  if (object.kind === 'module') return object.members.get(method)
  if (object.kind === 'dict') {
    const methods: Record<string, FunctionValue['call']> = {
      copy: () => ({entries: [...object.entries], kind: 'dict'}),
      get: ([key, fallback]) => (key === undefined ? raises('TypeError: get expected at least 1 argument') : dictGet(object, key) ?? fallback ?? NONE),
      items: () => ({items: object.entries.map(([key, value]) => ({items: [key, value], kind: 'list'})), kind: 'list'}),
      keys: () => ({items: object.entries.map(([key]) => key), kind: 'list'}),
      pop([key, fallback]) {
        if (key === undefined) return raises('TypeError: pop expected at least 1 argument')
        const found = dictGet(object, key)
        if (found === undefined) return fallback ?? raises(`KeyError: ${keyRepr(key)}`)
        object.entries.splice(object.entries.findIndex(([candidate]) => pythonEqual(candidate, key) === true), 1)
        return found
      },
      setdefault([key, fallback]) {
        if (key === undefined) return raises('TypeError: setdefault expected at least 1 argument')
        const found = dictGet(object, key)
        if (found !== undefined) return found
        dictSet(object, key, fallback ?? NONE)
        return fallback ?? NONE
      },
      update([other], keywords) {
        if (other && stops(other)) return other
        if (other && other.kind !== 'dict') return unknown(`dict.update() with a ${typeName(other)}`)
        for (const [key, value] of other?.kind === 'dict' ? other.entries : []) dictSet(object, key, value)
        for (const [key, value] of keywords) dictSet(object, str(key), value)
        return NONE
      },
      values: () => ({items: object.entries.map(([, value]) => value), kind: 'list'}),
    }
    return methods[method] ? functionValue(methods[method]) : undefined
  }

  if (object.kind === 'list') {
    const methods: Record<string, FunctionValue['call']> = {
      append([item]) {
        if (item === undefined) return raises('TypeError: append() takes exactly one argument')
        object.items.push(item)
        return NONE
      },
      copy: () => ({items: [...object.items], kind: 'list'}),
      extend([other]) {
        const items = other === undefined ? raises('TypeError: extend() takes exactly one argument') : iterate(other)
        if (!Array.isArray(items)) return items
        object.items.push(...items)
        return NONE
      },
    }
    return methods[method] ? functionValue(methods[method]) : undefined
  }

  return undefined
}

function unaryOperation(node: SyntaxNode, context: EvaluationContext): PyValue {
  const [operator, operand] = children(node)
  const value = evaluate(operand, context)
  if (stops(value)) return value
  const symbol = textOf(operator, context)
  if (symbol === 'not') {
    const holds = truth(value)
    return holds === null ? unknown(`not of a ${typeName(value)}`) : {kind: 'bool', value: !holds}
  }

  if (value.kind === 'number' && (symbol === '-' || symbol === '+')) return {...value, value: symbol === '-' ? -value.value : value.value}
  return unknown(`the operator ${symbol} on a ${typeName(value)}`)
}

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not'])

/** Python's binary operators on known values; what raises in Python raises here. */
function binaryOperation(operator: string, left: PyValue, right: PyValue): PyValue {
  const stop = firstStop([left, right])
  if (stop) return stop
  switch (operator) {
    case '+': {
      const pipelines = addPipelines(left, right)
      if (pipelines) return pipelines
      if (left.kind === 'number' && right.kind === 'number') return {float: left.float || right.float, kind: 'number', value: left.value + right.value}
      if (left.kind === 'str' && right.kind === 'str') return str(left.value + right.value)
      if (left.kind === 'list' && right.kind === 'list') return {items: [...left.items, ...right.items], kind: 'list'}
      break
    }

    case '-': {
      const pipelines = subtractPipelines(left, right)
      if (pipelines) return pipelines
      if (left.kind === 'number' && right.kind === 'number') return {float: left.float || right.float, kind: 'number', value: left.value - right.value}
      break
    }

    case '==':
    case '!=': {
      const same = pythonEqual(left, right)
      return same === null ? unknown(`comparing a ${typeName(left)} with a ${typeName(right)}`) : {kind: 'bool', value: operator === '==' ? same : !same}
    }

    case 'is':
    case 'is not': {
      if (left.kind !== 'none' && right.kind !== 'none') return unknown('`is` between values other than None')
      const same = left.kind === right.kind
      return {kind: 'bool', value: operator === 'is' ? same : !same}
    }

    case 'in':
    case 'not in': {
      let found: boolean | null
      if (right.kind === 'str' && left.kind === 'str') found = right.value.includes(left.value)
      else if (right.kind === 'list' || right.kind === 'dict') {
        const candidates = right.kind === 'list' ? right.items : right.entries.map(([key]) => key)
        const results = candidates.map((candidate) => pythonEqual(candidate, left))
        found = results.includes(true) ? true : (results.includes(null) ? null : false)
      } else found = null
      return found === null ? unknown(`membership in a ${typeName(right)}`) : {kind: 'bool', value: operator === 'in' ? found : !found}
    }

    default: {
      if (left.kind === 'number' && right.kind === 'number' && ['<', '>', '<=', '>='].includes(operator)) {
        const value = {'<': left.value < right.value, '<=': left.value <= right.value, '>': left.value > right.value, '>=': left.value >= right.value}[operator]!
        return {kind: 'bool', value}
      }

      return unknown(`the operator ${operator} on a ${typeName(left)} and a ${typeName(right)}`)
    }
  }

  return raises(`TypeError: unsupported operand type(s) for ${operator}: '${typeName(left)}' and '${typeName(right)}'`)
}

/**
 * `a + b + c + ...`: a left-associative chain nests as deep as it is long, so its left spine is walked in a loop and
 * folded from the left, which gives the tree's own grouping whatever the operators. `and`/`or` evaluate their right
 * side only when Python would.
 */
function evaluateChain(node: SyntaxNode, context: EvaluationContext): PyValue {
  const rights: SyntaxNode[] = []
  const operators: string[] = []
  let leftmost = node
  while (leftmost.name === 'BinaryExpression') {
    const parts = children(leftmost)
    operators.push(parts.slice(1, -1).map((part) => textOf(part, context)).join(' '))
    rights.push(parts.at(-1)!)
    leftmost = parts[0]
  }

  let value = evaluate(leftmost, context)
  for (let index = rights.length - 1; index >= 0 && !stops(value); index--) {
    const operator = operators[index]
    if (COMPARISONS.has(operator) && COMPARISONS.has(operators[index + 1] ?? '')) return unknown(`a chained comparison: ${excerpt(textOf(node, context))}`)
    if (operator === 'and' || operator === 'or') {
      const holds = truth(value)
      if (holds === null) return unknown(`${operator} on a ${typeName(value)}`)
      if (holds === (operator === 'and')) value = evaluate(rights[index], context)
      continue
    }

    value = binaryOperation(operator, value, evaluate(rights[index], context))
  }

  return value
}

interface Parameter {
  default?: PyValue
  kind: 'keyword-only' | 'positional' | 'varargs' | 'varkw'
  name: string
}

/** A def's or lambda's parameters; defaults are evaluated once, where the function is defined, as in Python. */
function parametersOf(parameterList: null | SyntaxNode, context: EvaluationContext): Parameter[] | Stopping {
  const parameters: Parameter[] = []
  const parts = parameterList ? children(parameterList).filter((child) => !PUNCTUATION.has(child.name) && child.name !== 'TypeDef') : []
  let keywordOnly = false
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]
    if (part.name === '*' || part.name === '**') {
      const name = parts[index + 1]?.name === 'VariableName' ? textOf(parts[++index], context) : null
      if (part.name === '**' && name) parameters.push({kind: 'varkw', name})
      else if (name) parameters.push({kind: 'varargs', name})
      keywordOnly = true
    } else if (part.name === 'VariableName') {
      const parameter: Parameter = {kind: keywordOnly ? 'keyword-only' : 'positional', name: textOf(part, context)}
      if (parts[index + 1]?.name === 'AssignOp') {
        parameter.default = evaluate(parts[index + 2], context)
        if (parameter.default.kind === 'raises') return parameter.default
        index += 2
      }

      parameters.push(parameter)
    }
  }

  return parameters
}

/** Binds a call's arguments to parameters in `scope`, as Python does; the TypeError Python raises otherwise. */
function bindArguments(name: string, parameters: Parameter[], args: PyValue[], keywords: Map<string, PyValue>, scope: Scope): null | PyValue {
  const positional = parameters.filter((parameter) => parameter.kind === 'positional')
  const bound = new Set<string>()
  for (const [index, value] of args.entries()) {
    if (index < positional.length) {
      scope.set(positional[index].name, value)
      bound.add(positional[index].name)
    }
  }

  const varargs = parameters.find((parameter) => parameter.kind === 'varargs')
  if (args.length > positional.length && !varargs) return raises(`TypeError: ${name}() takes ${positional.length} positional arguments but ${args.length} were given`)
  if (varargs) scope.set(varargs.name, {items: args.slice(positional.length), kind: 'list'})
  const varkw = parameters.find((parameter) => parameter.kind === 'varkw')
  const extra: Extract<PyValue, {kind: 'dict'}> = {entries: [], kind: 'dict'}
  for (const [keyword, value] of keywords) {
    const parameter = parameters.find((candidate) => candidate.name === keyword && (candidate.kind === 'positional' || candidate.kind === 'keyword-only'))
    if (parameter) {
      if (bound.has(keyword)) return raises(`TypeError: ${name}() got multiple values for argument '${keyword}'`)
      scope.set(keyword, value)
      bound.add(keyword)
    } else if (varkw) {
      dictSet(extra, str(keyword), value)
    } else {
      return raises(`TypeError: ${name}() got an unexpected keyword argument '${keyword}'`)
    }
  }

  if (varkw) scope.set(varkw.name, extra)
  for (const parameter of parameters) {
    if ((parameter.kind !== 'positional' && parameter.kind !== 'keyword-only') || bound.has(parameter.name)) continue
    if (parameter.default === undefined) return raises(`TypeError: ${name}() missing 1 required argument: '${parameter.name}'`)
    scope.set(parameter.name, parameter.default)
  }

  return null
}

/**
 * A function value: parameters bound on each call in a fresh scope over the defining one (read at call time, so a
 * module-level name defined after the function is seen, as in Python). A call of itself while it runs is not
 * followed: whether Python recurses forever depends on conditions this tool may not evaluate.
 */
function makeCallable(
  name: string, parameterList: null | SyntaxNode, context: EvaluationContext, run: (context: EvaluationContext) => Completion | undefined,
): PyValue {
  const parameters = parametersOf(parameterList, context)
  if (!Array.isArray(parameters)) return parameters
  let running = false
  return functionValue((args, keywords) => {
    const where = context.where ? ` in ${context.where}` : ''
    if (running) return unknown(`${name}()${where} calls itself (recursion), which is not followed statically`)
    const scope: Scope = new Map(context.scope)
    const failure = bindArguments(name, parameters, args, keywords, scope)
    if (failure) return failure
    running = true
    try {
      const completion = run({...context, scope})
      return completion?.kind === 'return' ? completion.value : NONE
    } finally {
      running = false
    }
  })
}

/** `def name(...)`: its name and function value, defined in `context` (decorated ones are not followed). */
function defineFunction(statement: SyntaxNode, context: EvaluationContext): null | {name: string; value: PyValue} {
  const definition = statement.name === 'DecoratedStatement' ? children(statement).find((child) => child.name === 'FunctionDefinition') : statement
  if (definition?.name !== 'FunctionDefinition') return null
  const parts = children(definition)
  const nameNode = parts.find((child) => child.name === 'VariableName')
  const body = parts.find((child) => child.name === 'Body')
  if (!nameNode || !body) return null
  const name = textOf(nameNode, context)
  if (statement.name === 'DecoratedStatement') return {name, value: unknown(`${name}() is decorated, which is not followed statically`)}
  const parameterList = parts.find((child) => child.name === 'ParamList') ?? null
  return {name, value: makeCallable(name, parameterList, context, (inner) => runBody(body, inner))}
}

/** How a statement ends other than by going on to the next one. */
type Completion = {kind: 'break'} | {kind: 'continue'} | {kind: 'return'; value: PyValue}

const stopWith = (value: PyValue): Completion => ({kind: 'return', value})

/** The parts of an if/elif/else statement: each condition with its body, and the else body. */
function branches(parts: SyntaxNode[]): {bodies: [null | SyntaxNode, SyntaxNode][]} {
  const bodies: [null | SyntaxNode, SyntaxNode][] = []
  for (let index = 0; index < parts.length; index++) {
    if (parts[index].name === 'if' || parts[index].name === 'elif') {
      bodies.push([parts[index + 1], parts[index + 2]])
      index += 2
    } else if (parts[index].name === 'else') {
      bodies.push([null, parts[index + 1]])
      index++
    }
  }

  return {bodies}
}

/**
 * Runs one statement. Returns undefined when execution goes on to the next statement, or how it ends: `return`,
 * an exception Python raises (a return of Raises), or a statement this tool cannot follow (a return of Unknown).
 */
export function runStatement(statement: SyntaxNode, context: EvaluationContext): Completion | undefined {
  const completion = runStatementHere(statement, context)
  return completion?.kind === 'return' ? {kind: 'return', value: located(completion.value, statement, context)} : completion
}

function runStatementHere(statement: SyntaxNode, context: EvaluationContext): Completion | undefined {
  const parts = children(statement)
  const text = () => excerpt(textOf(statement, context))
  switch (statement.name) {
    case 'ReturnStatement': { return stopWith(parts[1] ? evaluate(parts[1], context) : NONE) }
    case 'AssignStatement': {
      const operators = parts.flatMap((part, index) => (part.name === 'AssignOp' ? [index] : []))
      const valueParts = parts.slice(operators.at(-1)! + 1).filter((part) => !PUNCTUATION.has(part.name))
      let value: PyValue
      if (valueParts.length === 1) {
        value = evaluate(valueParts[0], context)
      } else {
        const items = valueParts.map((part) => evaluate(part, context))
        value = firstStop(items) ?? {items, kind: 'list'}
      }

      if (value.kind === 'raises') return stopWith(value)
      let start = 0
      for (const operator of operators) {
        const failure = bindTarget(parts.slice(start, operator).filter((part) => part.name !== 'TypeDef'), value, context)
        if (failure?.kind === 'raises') return stopWith(failure)
        start = operator + 1
      }

      return undefined
    }

    case 'UpdateStatement': {
      const [target, operator, operand] = parts
      const symbol = textOf(operator, context).slice(0, -1)
      const current = evaluate(target, context)
      const change = evaluate(operand, context)
      if (symbol === '+' && current.kind === 'list' && !stops(change)) {
        // `items += more` extends the list in place: every alias sees it.
        const items = iterate(change)
        if (!Array.isArray(items)) return items.kind === 'raises' ? stopWith(items) : undefined
        current.items.push(...items)
        return undefined
      }

      const value = binaryOperation(symbol, current, change)
      if (value.kind === 'raises') return stopWith(value)
      const failure = bindTarget([target], value, context)
      return failure?.kind === 'raises' ? stopWith(failure) : undefined
    }

    case 'ExpressionStatement': {
      const value = evaluate(parts[0], context)
      if (value.kind === 'raises') return stopWith(value)
      if (value.kind === 'unknown' && parts[0]?.name === 'CallExpression') {
        // `registry.something(...)` not followed: the object may have changed, so it is no longer known.
        const callee = children(parts[0])[0]
        const object = callee?.name === 'MemberExpression' ? children(callee)[0] : null
        if (object?.name === 'VariableName' && context.scope.has(textOf(object, context))) {
          context.scope.set(textOf(object, context), unknown(`${text()} may change it, which is not followed statically`))
        }
      }

      return undefined
    }

    case 'IfStatement': {
      for (const [condition, body] of branches(parts).bodies) {
        if (condition === null) return runBody(body, context)
        const test = evaluate(condition, context)
        if (test.kind === 'raises') return stopWith(test)
        const holds = truth(test)
        if (holds === null) {
          const what = test.kind === 'unknown' ? `a condition not followed statically (${reasonOf(test)})` : `a ${typeName(test)}`
          return stopWith(unknown(`an if statement on ${what}: ${text()}`))
        }

        if (holds) return runBody(body, context)
      }

      return undefined
    }

    case 'ForStatement': {
      const inIndex = parts.findIndex((part) => part.name === 'in')
      const items = iterate(evaluate(parts[inIndex + 1], context))
      if (!Array.isArray(items)) return stopWith(items)
      const [body, otherwise] = parts.filter((part) => part.name === 'Body')
      for (const item of items) {
        const spent = context.guard.spend()
        if (spent) return stopWith(spent)
        const failure = bindTarget(parts.slice(1, inIndex), item, context)
        if (failure) return stopWith(failure)
        const completion = runBody(body, context)
        if (completion?.kind === 'break') return undefined
        if (completion?.kind === 'return') return completion
      }

      return otherwise ? runBody(otherwise, context) : undefined
    }

    case 'BreakStatement': { return {kind: 'break'} }
    case 'ContinueStatement': { return {kind: 'continue'} }
    case 'RaiseStatement': { return stopWith(raises(`raise ${parts[1] ? excerpt(textOf(parts[1], context)) : ''}`.trim())) }

    case 'FunctionDefinition':
    case 'DecoratedStatement': {
      const defined = defineFunction(statement, context)
      if (defined) context.scope.set(defined.name, defined.value)
      return undefined
    }

    case 'ClassDefinition': {
      const name = parts.find((part) => part.name === 'VariableName')
      if (name) context.scope.set(textOf(name, context), unknown(`the class ${textOf(name, context)} is not followed statically`))
      return undefined
    }

    case 'ImportStatement': {
      const failure = context.bindImports?.(statement, context.scope)
      return failure ? stopWith(failure) : undefined
    }

    case 'WhileStatement':
    case 'TryStatement':
    case 'WithStatement':
    case 'MatchStatement': {
      return stopWith(unknown(`a ${statement.name.replace('Statement', '').toLowerCase()} statement: ${text()}`))
    }

    default: { return undefined }
  }
}

/** Runs the statements of a body (or a module) in order, until one ends it. */
export function runBody(body: SyntaxNode, context: EvaluationContext): Completion | undefined {
  for (const statement of children(body)) {
    const completion = runStatement(statement, context)
    if (completion) return completion
  }

  return undefined
}

/** `from a.b import c as d` and `import a.b as c`: local name -> [module, imported name or null]. */
export function importsOf(statement: SyntaxNode, source: string): Map<string, {module: string; name: null | string}> {
  const imports = new Map<string, {module: string; name: null | string}>()
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

  return imports
}

/** sum(iterable, /, start=0): `+` from the left, so Kedro pipelines are added as Kedro adds them. */
function sum(args: PyValue[], keywords: Map<string, PyValue>): PyValue {
  if (args.length === 0) return raises('TypeError: sum() takes at least 1 positional argument (0 given)')
  const items = iterate(args[0])
  if (!Array.isArray(items)) return items
  let total: PyValue = args[1] ?? keywords.get('start') ?? {kind: 'number', value: 0}
  if (total.kind === 'str') return raises("TypeError: sum() can't sum strings [use ''.join(seq) instead]")
  for (const item of items) {
    total = binaryOperation('+', total, item)
    if (stops(total)) return total
  }

  return total
}

/** functools.reduce(function, iterable[, initial]). */
function reduce(args: PyValue[]): PyValue {
  const [operation, iterable, initial] = args
  if (!operation || !iterable) return raises('TypeError: reduce expected at least 2 arguments')
  if (operation.kind !== 'function') return stops(operation) ? operation : raises(`TypeError: '${typeName(operation)}' object is not callable`)
  const items = iterate(iterable)
  if (!Array.isArray(items)) return items
  if (items.length === 0 && !initial) return raises('TypeError: reduce() of empty iterable with no initial value')
  let value = initial ?? items.shift()!
  for (const item of items) {
    value = operation.call([value, item], new Map(), {keywords: new Map(), positional: []})
    if (stops(value)) return value
  }

  return value
}

function collection(args: PyValue[]): PyValue {
  if (args.length === 0) return {items: [], kind: 'list'}
  const items = iterate(args[0])
  return Array.isArray(items) ? {items, kind: 'list'} : items
}

/** The Python builtins pipeline code calls, as far as they matter to it. */
const PYTHON_BUILTINS = new Map<string, PyValue>([
  ['dict', functionValue((args, keywords) => {
    const dict: Extract<PyValue, {kind: 'dict'}> = {entries: [], kind: 'dict'}
    if (args[0]?.kind === 'dict') dict.entries.push(...args[0].entries)
    else if (args[0]) return unknown(`dict() of a ${typeName(args[0])}`)
    for (const [key, value] of keywords) dictSet(dict, str(key), value)
    return dict
  })],
  ['len', functionValue(([value]) => {
    if (value === undefined) return raises('TypeError: len() takes exactly one argument (0 given)')
    if (stops(value)) return value
    const size = value.kind === 'list' ? value.items.length : value.kind === 'dict' ? value.entries.length : value.kind === 'str' ? [...value.value].length : null
    return size === null ? unknown(`len() of a ${typeName(value)}`) : {kind: 'number', value: size}
  })],
  ['list', functionValue(collection)],
  ['set', functionValue(collection)],
  ['sorted', functionValue((args, keywords) => {
    const items = collection(args)
    if (items.kind !== 'list' || keywords.size > 0) return items.kind === 'list' ? unknown('sorted() with a key or reverse') : items
    if (!items.items.every((item) => item.kind === 'str')) return unknown('sorted() of values other than strings')
    // Python compares strings by code point, as JavaScript's default comparison of UTF-16 does outside surrogates.
    return {items: [...items.items].sort((a, b) => ((a as {value: string}).value < (b as {value: string}).value ? -1 : 1)), kind: 'list'}
  })],
  ['str', functionValue(([value]) => {
    if (value === undefined) return str('')
    if (stops(value)) return value
    const shown = pythonStr(value)
    return shown === null ? unknown(`str() of a ${typeName(value)}`) : str(shown)
  })],
  ['sum', functionValue(sum)],
  ['tuple', functionValue(collection)],
])

/** What pipeline code imports from the standard library: module -> name -> value (other members are not followed). */
export const PYTHON_MODULES = new Map<string, Map<string, PyValue>>([
  ['functools', new Map([['reduce', functionValue(reduce)]])],
  ['operator', new Map<string, PyValue>([
    ['add', functionValue(([left, right]) => (left && right ? binaryOperation('+', left, right) : raises('TypeError: add expected 2 arguments')))],
    ['sub', functionValue(([left, right]) => (left && right ? binaryOperation('-', left, right) : raises('TypeError: sub expected 2 arguments')))],
  ])],
])
