/**
 * Python's statements, run one after another over a scope: assignments, augmented assignments, if, for, def, import,
 * return, break and continue, each by its own handler; a statement this tool does not follow ends the run as Unknown.
 */
import type {SyntaxNode} from '@lezer/common'

import {children, type Completion, type EvaluationContext, excerpt, located, PUNCTUATION, stopWith, textOf} from './context.js'
import {bindTarget, evaluate, makeCallable} from './evaluation.js'
import {binaryOperation} from './operators.js'
import {firstStop, iterate, NONE, type PyValue, raises, reasonOf, stops, truth, typeName, unknown} from './values.js'

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

/** One kind of statement: its children, the run's context, and a thunk for its text in reasons. */
type StatementHandler = (parts: SyntaxNode[], context: EvaluationContext, statement: SyntaxNode) => Completion | undefined

const quoted = (statement: SyntaxNode, context: EvaluationContext) => excerpt(textOf(statement, context))
/** An exception Python raises (a Raises value) ends the run; anything else goes on. */
const raisesOrOn = (value: null | PyValue | undefined): Completion | undefined => (value?.kind === 'raises' ? stopWith(value) : undefined)

function assign(parts: SyntaxNode[], context: EvaluationContext): Completion | undefined {
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

function update([target, operator, operand]: SyntaxNode[], context: EvaluationContext): Completion | undefined {
  const symbol = textOf(operator, context).slice(0, -1)
  const current = evaluate(target, context)
  const change = evaluate(operand, context)
  if (symbol === '+' && current.kind === 'list' && !stops(change)) {
    // `items += more` extends the list in place: every alias sees it.
    const items = iterate(change)
    if (!Array.isArray(items)) return raisesOrOn(items)
    current.items.push(...items)
    return undefined
  }

  const value = binaryOperation(symbol, current, change)
  if (value.kind === 'raises') return stopWith(value)
  return raisesOrOn(bindTarget([target], value, context))
}

function expression(parts: SyntaxNode[], context: EvaluationContext, statement: SyntaxNode): Completion | undefined {
  const value = evaluate(parts[0], context)
  if (value.kind === 'raises') return stopWith(value)
  if (value.kind === 'unknown' && parts[0]?.name === 'CallExpression') {
    // `registry.something(...)` not followed: the object may have changed, so it is no longer known.
    const callee = children(parts[0])[0]
    const object = callee?.name === 'MemberExpression' ? children(callee)[0] : null
    if (object?.name === 'VariableName' && context.scope.has(textOf(object, context))) {
      context.scope.set(textOf(object, context), unknown(`${quoted(statement, context)} may change it, which is not followed statically`))
    }
  }

  return undefined
}

function ifStatement(parts: SyntaxNode[], context: EvaluationContext, statement: SyntaxNode): Completion | undefined {
  for (const [condition, body] of branches(parts).bodies) {
    if (condition === null) return runBody(body, context)
    const test = evaluate(condition, context)
    if (test.kind === 'raises') return stopWith(test)
    const holds = truth(test)
    if (holds === null) {
      const what = test.kind === 'unknown' ? `a condition not followed statically (${reasonOf(test)})` : `a ${typeName(test)}`
      return stopWith(unknown(`an if statement on ${what}: ${quoted(statement, context)}`))
    }

    if (holds) return runBody(body, context)
  }

  return undefined
}

function forStatement(parts: SyntaxNode[], context: EvaluationContext): Completion | undefined {
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

const define: StatementHandler = (_parts, context, statement) => {
  const defined = defineFunction(statement, context)
  if (defined) context.scope.set(defined.name, defined.value)
  return undefined
}

const notFollowed: StatementHandler = (_parts, context, statement) => stopWith(unknown(`a ${statement.name.replace('Statement', '').toLowerCase()} statement: ${quoted(statement, context)}`))

/** What each kind of statement does; a kind not listed (pass, a docstring, global) goes on to the next statement. */
const STATEMENTS: Record<string, StatementHandler> = {
  AssignStatement: assign,
  BreakStatement: () => ({kind: 'break'}),
  ClassDefinition(parts, context) {
    const name = parts.find((part) => part.name === 'VariableName')
    if (name) context.scope.set(textOf(name, context), unknown(`the class ${textOf(name, context)} is not followed statically`))
    return undefined
  },
  ContinueStatement: () => ({kind: 'continue'}),
  DecoratedStatement: define,
  ExpressionStatement: expression,
  ForStatement: forStatement,
  FunctionDefinition: define,
  IfStatement: ifStatement,
  ImportStatement(_parts, context, statement) {
    const failure = context.bindImports?.(statement, context.scope)
    return failure ? stopWith(failure) : undefined
  },
  MatchStatement: notFollowed,
  RaiseStatement: (parts, context) => stopWith(raises(`raise ${parts[1] ? excerpt(textOf(parts[1], context)) : ''}`.trim())),
  ReturnStatement: (parts, context) => stopWith(parts[1] ? evaluate(parts[1], context) : NONE),
  TryStatement: notFollowed,
  UpdateStatement: update,
  WhileStatement: notFollowed,
  WithStatement: notFollowed,
}

function runStatementHere(statement: SyntaxNode, context: EvaluationContext): Completion | undefined {
  return STATEMENTS[statement.name]?.(children(statement), context, statement)
}

/** Runs the statements of a body (or a module) in order, until one ends it. */
export function runBody(body: SyntaxNode, context: EvaluationContext): Completion | undefined {
  for (const statement of children(body)) {
    const completion = runStatement(statement, context)
    if (completion) return completion
  }

  return undefined
}

/** An import statement's tokens (comments and parentheses left out), split at its commas. */
function importItems(tokens: {name: string; text: string}[]): {name: string; text: string}[][] {
  const items: {name: string; text: string}[][] = [[]]
  for (const token of tokens) {
    if (token.name === ',') items.push([])
    else items.at(-1)!.push(token)
  }

  return items.filter((item) => item.length > 0)
}

/**
 * `from a.b import c as d` and `import a.b as c`: local name -> [module, imported name or null]. Read from the parse
 * tree, so that what Python allows between the parts (`from . nodes import f`, `import a . b`) reads the same.
 */
export function importsOf(statement: SyntaxNode, source: string): Map<string, {module: string; name: null | string}> {
  const imports = new Map<string, {module: string; name: null | string}>()
  const tokens: {name: string; text: string}[] = []
  for (let child = statement.firstChild; child; child = child.nextSibling) {
    if (!['(', ')', 'Comment'].includes(child.name)) tokens.push({name: child.name, text: source.slice(child.from, child.to)})
  }

  const joined = (parts: {text: string}[]) => parts.map((part) => part.text).join('')
  if (tokens[0]?.name === 'from') {
    const at = tokens.findIndex((token) => token.name === 'import')
    if (at === -1) return imports
    const module = joined(tokens.slice(1, at))
    for (const [name, as, alias] of importItems(tokens.slice(at + 1))) imports.set(as?.name === 'as' && alias ? alias.text : name.text, {module, name: name.text})
  } else {
    for (const item of importItems(tokens.slice(1))) {
      const as = item.findIndex((token) => token.name === 'as')
      const module = joined(as === -1 ? item : item.slice(0, as))
      imports.set(as === -1 || !item[as + 1] ? module : item[as + 1].text, {module, name: null})
    }
  }

  return imports
}
