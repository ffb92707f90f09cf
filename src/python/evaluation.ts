/**
 * The expressions of a small static evaluator for the Python that Kedro projects use to build pipelines, over
 * @lezer/python syntax trees (the statements are in statements.ts, operators and builtins in
 * operators.ts): literals and f-strings, names, subscripts, comprehensions, calls with their parameters bound
 * (defaults, `*args`, `**kwargs`). Anything else evaluates to Unknown with the reason; where Python itself raises,
 * the value says so. Source is data: nothing here runs it.
 */
import type {SyntaxNode} from '@lezer/common'

import {
  children, type Completion, type EvaluationContext, excerpt, located, PUNCTUATION, type Scope, textOf,
} from './context.js'
import {numberValue, stringValue, unescape} from './literals.js'
import {writtenParameters} from './parameters.js'
import {binaryOperation, COMPARISONS, methodOf, PYTHON_BUILTINS} from './operators.js'
import {
  type ArgumentTexts, dictGet, dictSet, firstStop, functionValue, isPlainKey, iterate, keyRepr, NONE,
  type PyValue, pythonStr, raises, reasonOf, type Stopping, stops, str, truth, typeName, unknown,
} from './values.js'

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

/** `a, b = value`: each name bound to one item, as many as there are names, or what Python raises. */
function unpackInto(names: SyntaxNode[], value: PyValue, context: EvaluationContext): null | PyValue {
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

/** `d[key] = value` or `items[i] = value` on a known dict or list: done (or what Python raises), else undefined. */
function assignItem(parts: SyntaxNode[], value: PyValue, context: EvaluationContext): null | PyValue | undefined {
  const container = evaluate(parts[0], context)
  const key = evaluate(parts[2], context)
  const stop = firstStop([container, key])
  if (stop) return stop
  if (container.kind === 'dict' && isPlainKey(key)) {
    dictSet(container, key, value)
    return null
  }

  if (container.kind !== 'list' || key.kind !== 'number' || key.float) return undefined
  const index = key.value < 0 ? container.items.length + key.value : key.value
  if (index < 0 || index >= container.items.length) return raises('IndexError: list assignment index out of range')
  container.items[index] = value
  return null
}

/** Binds `value` to an assignment or loop target (a name, a tuple of names, `d[key]`); a Stopping on failure. */
export function bindTarget(targets: SyntaxNode[], value: PyValue, context: EvaluationContext): null | PyValue {
  const names = targets.filter((target) => !PUNCTUATION.has(target.name))
  if (names.length === 1 && ['TupleExpression', 'ParenthesizedExpression', 'ArrayExpression'].includes(names[0].name)) {
    return bindTarget(children(names[0]), value, context)
  }

  if (names.length > 1) return unpackInto(names, value, context)
  const [target] = names
  if (target.name === 'VariableName') {
    context.scope.set(textOf(target, context), value)
    return null
  }

  const parts = children(target)
  const assigned = target.name === 'MemberExpression' && parts[1]?.name === '[' ? assignItem(parts, value, context) : undefined
  if (assigned !== undefined) return assigned
  // `obj.attr = value` or a subscript on something not followed: whatever it names is no longer known.
  const base = parts[0]?.name === 'VariableName' ? textOf(parts[0], context) : null
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

/** `*iterable` in a call: its items. */
function starredArguments(node: SyntaxNode, context: EvaluationContext): PyValue[] | Stopping {
  const unpacked = evaluate(node, context)
  if (unpacked.kind === 'unknown') return unknown(`arguments unpacked from something not followed statically (${reasonOf(unpacked)})`)
  return iterate(unpacked)
}

/** `**mapping` in a call: its items added to `keywords`, or what stops the call. */
function keywordArguments(node: SyntaxNode, context: EvaluationContext, keywords: Map<string, PyValue>): null | Stopping {
  const mapping = evaluate(node, context)
  if (stops(mapping)) return mapping.kind === 'unknown' ? unknown(`keyword arguments unpacked from something not followed statically (${reasonOf(mapping)})`) : mapping
  if (mapping.kind !== 'dict') return raises(`TypeError: argument after ** must be a mapping, not ${typeName(mapping)}`)
  for (const [key, value] of mapping.entries) {
    if (key.kind !== 'str') return raises('TypeError: keywords must be strings')
    keywords.set(key.value, value)
  }

  return null
}

type CollectedArguments = {keywords: Map<string, PyValue>; positional: PyValue[]; texts: ArgumentTexts}

const NOT_EVALUATED = unknown('not evaluated: only its source text is used')

/** A text-only argument is not evaluated; a bare name that nothing binds is kept, since Python raises NameError there. */
function textOnlyArgument(node: SyntaxNode | undefined, context: EvaluationContext): PyValue {
  if (node?.name !== 'VariableName') return NOT_EVALUATED
  const value = evaluate(node, context)
  return value.kind === 'unknown' && value.unbound ? value : NOT_EVALUATED
}

/** `*iterable` or `**mapping` in a call, added to the arguments; what it raises, or null. */
function unpackedArguments(star: string, node: SyntaxNode, context: EvaluationContext, collected: CollectedArguments): null | Stopping {
  if (star === '**') return keywordArguments(node, context, collected.keywords)
  const items = starredArguments(node, context)
  if (!Array.isArray(items)) return items
  collected.positional.push(...items)
  collected.texts.positional.push(...items.map(() => ''))
  return null
}

/** `name=value` in a call, added to the arguments; what it raises (the value, or a repeated keyword), or null. */
function keywordArgument(
  name: SyntaxNode, valueNode: SyntaxNode | undefined, context: EvaluationContext, collected: CollectedArguments, textOnlyParameter?: string,
): null | Stopping {
  const keyword = textOf(name, context)
  const value = keyword === textOnlyParameter ? textOnlyArgument(valueNode, context) : evaluate(valueNode, context)
  if (value.kind === 'raises') return value
  if (collected.keywords.has(keyword)) return raises(`SyntaxError: keyword argument repeated: ${keyword}`)
  collected.keywords.set(keyword, value)
  if (valueNode) collected.texts.keywords.set(keyword, textOf(valueNode, context))
  return null
}

/** The arguments of a call: positional, keyword, `*iterable`, `**mapping` and a bare generator expression. */
function callArguments(
  argList: SyntaxNode, context: EvaluationContext, textOnlyParameter?: string,
): Stopping | {keywords: Map<string, PyValue>; positional: PyValue[]; texts: ArgumentTexts} {
  const positional: PyValue[] = []
  const texts: ArgumentTexts = {keywords: new Map(), positional: []}
  const keywords = new Map<string, PyValue>()
  const parts = children(argList).filter((child) => !PUNCTUATION.has(child.name))
  if (parts.some((part) => part.name === 'for')) {
    const value = comprehension(argList, context, false, parts)
    if (stops(value)) return value
    return {keywords, positional: [value], texts: {keywords: new Map(), positional: [textOf(argList, context)]}}
  }

  const collected: CollectedArguments = {keywords, positional, texts}
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]
    if (part.name === '*' || part.name === '**') {
      const failure = unpackedArguments(part.name, parts[++index], context, collected)
      if (failure) return failure
    } else if (parts[index + 1]?.name === 'AssignOp' && part.name === 'VariableName') {
      const failure = keywordArgument(part, parts[index + 2], context, collected, textOnlyParameter)
      if (failure) return failure
      index += 2
    } else {
      const value = textOnlyParameter !== undefined && positional.length === 0 ? textOnlyArgument(part, context) : evaluate(part, context)
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

type ExpressionHandler = (node: SyntaxNode, context: EvaluationContext, text: string) => PyValue

function continuedString(node: SyntaxNode, context: EvaluationContext, text: string): PyValue {
  let joined = ''
  for (const part of children(node)) {
    const value = evaluate(part, context)
    if (stops(value)) return value
    if (value.kind !== 'str') return unknown(`a string that cannot be read statically: ${excerpt(text)}`)
    joined += value.value
  }

  return str(joined)
}

function conditional(node: SyntaxNode, context: EvaluationContext, text: string): PyValue {
  const [body, , condition, , otherwise] = children(node)
  const test = evaluate(condition, context)
  if (stops(test)) return test
  const holds = truth(test)
  if (holds === null) return unknown(`a condition that is a ${typeName(test)}: ${excerpt(text)}`)
  return evaluate(holds ? body : otherwise, context)
}

function call(node: SyntaxNode, context: EvaluationContext): PyValue {
  const [callee, argList] = children(node)
  const target = evaluate(callee, context)
  if (target.kind === 'raises') return target
  if (target.kind === 'unknown') return unknown(`a call of ${excerpt(textOf(callee, context))}, which is not followed statically (${reasonOf(target)})`)
  if (target.kind !== 'function') return raises(`TypeError: '${typeName(target)}' object is not callable`)
  const args = callArguments(argList, context, target.textOnlyParameter)
  if ('kind' in args) return args
  return target.call(args.positional, args.keywords, args.texts)
}

const display: ExpressionHandler = (node, context) => {
  const items = collectionItems(node, context)
  return Array.isArray(items) ? {items, kind: 'list'} : items
}

/** What each kind of expression evaluates to; any other kind is Unknown, with its text. */
const EXPRESSIONS: Record<string, ExpressionHandler> = {
  ArrayComprehensionExpression: (node, context) => comprehension(node, context, false),
  ArrayExpression: display,
  BinaryExpression: (node, context) => evaluateChain(node, context),
  Boolean: (_node, _context, text) => ({kind: 'bool', value: text === 'True'}),
  CallExpression: call,
  ComprehensionExpression: (node, context) => comprehension(node, context, false),
  ConditionalExpression: conditional,
  ContinuedString: continuedString,
  DictionaryComprehensionExpression: (node, context) => comprehension(node, context, true),
  DictionaryExpression: dictionary,
  FormatString: formatString,
  LambdaExpression(node, context) {
    const parameterList = children(node).find((child) => child.name === 'ParamList')
    const body = children(node).at(-1)!
    return makeCallable('<lambda>', parameterList ?? null, context, (inner) => ({kind: 'return', value: evaluate(body, inner)}))
  },
  MemberExpression: member,
  None: () => NONE,
  Number: (_node, _context, text) => numberValue(text),
  ParenthesizedExpression: (node, context) => evaluate(children(node).find((child) => !PUNCTUATION.has(child.name)), context),
  SetComprehensionExpression: (node, context) => comprehension(node, context, false),
  SetExpression: display,
  String(_node, _context, text) {
    const value = stringValue(text)
    return value === null ? unknown(`a bytes or unusual literal: ${excerpt(text)}`) : str(value)
  },
  TupleExpression: display,
  UnaryExpression: unaryOperation,
  VariableName: (_node, context, text) => context.scope.get(text) ?? PYTHON_BUILTINS.get(text)
    ?? {...unknown(`the name ${excerpt(text)} is not bound by an assignment, import or def followed here`), unbound: true},
}

function evaluateNode(node: SyntaxNode | null | undefined, context: EvaluationContext): PyValue {
  if (!node) return unknown('missing expression')
  const text = textOf(node, context)
  const handler = EXPRESSIONS[node.name]
  return handler ? handler(node, context, text) : unknown(`${node.name} is not evaluated statically: ${excerpt(text)}`)
}

/** `container[key]` on a known dict, list or str: the item, what Python raises, or Unknown. */
function subscript(parts: SyntaxNode[], context: EvaluationContext, text: string): PyValue {
  if (parts.length !== 4 || parts.some((part) => part.name === ':')) return unknown(`a slice or multiple subscript: ${excerpt(text)}`)
  const container = evaluate(parts[0], context)
  const key = evaluate(parts[2], context)
  const stop = firstStop([container, key])
  if (stop) return stop
  if (container.kind === 'dict') return dictItem(container, key, text)
  if (container.kind === 'object') return container.getItem(key)
  if ((container.kind !== 'list' && container.kind !== 'str') || key.kind !== 'number' || key.float) return unknown(`a subscript of a ${typeName(container)}: ${excerpt(text)}`)
  const items = container.kind === 'list' ? container.items : [...container.value].map((char) => str(char))
  const index = key.value < 0 ? items.length + key.value : key.value
  return index >= 0 && index < items.length ? items[index] : raises(`IndexError: ${typeName(container)} index out of range`)
}

/** `dict[key]`: the value, KeyError where the keys are certain, else Unknown. */
function dictItem(container: Extract<PyValue, {kind: 'dict'}>, key: PyValue, text: string): PyValue {
  const found = dictGet(container, key)
  if (found) return found
  const certain = isPlainKey(key) && container.entries.every(([candidate]) => isPlainKey(candidate))
  return certain ? raises(`KeyError: ${keyRepr(key)}`) : unknown(`a dict lookup that is not certain: ${excerpt(text)}`)
}

/** `a.b` (a module member or a method of a known dict or list) and `a[key]`. */
function member(node: SyntaxNode, context: EvaluationContext, text: string): PyValue {
  const parts = children(node)
  if (parts[1]?.name === '[') return subscript(parts, context, text)
  // `import a.b` binds the dotted name itself.
  if (/^[\w.]+$/.test(text) && context.scope.has(text)) return context.scope.get(text)!
  const object = evaluate(parts[0], context)
  if (stops(object)) return object
  const method = textOf(parts.at(-1)!, context)
  return methodOf(object, method) ?? unknown(`${excerpt(text)} is not followed statically`)
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
  for (const {defaultNode, kind, name} of writtenParameters(parameterList, context.source).parameters) {
    const parameter: Parameter = {kind, name}
    if (defaultNode) {
      parameter.default = evaluate(defaultNode, context)
      if (parameter.default.kind === 'raises') return parameter.default
    }

    parameters.push(parameter)
  }

  return parameters
}

/** Binds a call's arguments to parameters in `scope`, as Python does; the TypeError Python raises otherwise. */
/** Keyword arguments bound to their parameters (or `**kwargs`); what Python raises, or null. */
function bindKeywords(name: string, parameters: Parameter[], keywords: Map<string, PyValue>, scope: Scope, bound: Set<string>): null | PyValue {
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
  return null
}

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
  if (args.length > positional.length && !varargs) return raises(`TypeError: ${name}() takes ${positional.length} positional argument${positional.length === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`)
  if (varargs) scope.set(varargs.name, {items: args.slice(positional.length), kind: 'list'})
  const failure = bindKeywords(name, parameters, keywords, scope, bound)
  if (failure) return failure
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
export function makeCallable(
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
