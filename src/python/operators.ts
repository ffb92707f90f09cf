/**
 * Python's operators, the dict and list methods pipeline registries use, and the builtins and standard-library
 * functions pipeline code calls, on values this tool knows; what raises in Python raises here.
 */
import {
  dictGet, dictSet, firstStop, type FunctionValue, functionValue, iterate, keyRepr, NONE, pythonEqual, pythonStr, type PyValue, raises, stops, str,
  typeName, unknown,
} from './values.js'

/** A module's member, or one of Python's dict and list methods that pipeline registries use, bound to `object`. */
export function methodOf(object: PyValue, method: string): PyValue | undefined {
  if (object.kind === 'module' || object.kind === 'object') return object.members.get(method)
  if (object.kind === 'function') return object.members?.get(method)
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

export const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not'])

type Operator = (left: PyValue, right: PyValue, operator: string) => PyValue | undefined

const number = (value: number, ...from: Extract<PyValue, {kind: 'number'}>[]): PyValue => ({float: from.some((item) => item.float), kind: 'number', value})

/**
 * `+` and `-` as a library's classes define them (their __add__ and __sub__): Kedro's Pipeline. The module that makes
 * such values (statistics/kedro-pipeline.ts) defines them when it loads, so they are there wherever the values are.
 * Each answers null for operands that are not its own.
 */
export interface ClassOperators {
  add(left: PyValue, right: PyValue): null | PyValue
  subtract(left: PyValue, right: PyValue): null | PyValue
}

const classOperators: ClassOperators[] = []

export function defineClassOperators(operators: ClassOperators): void {
  if (!classOperators.includes(operators)) classOperators.push(operators)
}

function byClass(operation: keyof ClassOperators, left: PyValue, right: PyValue): null | PyValue {
  for (const operators of classOperators) {
    const result = operators[operation](left, right)
    if (result) return result
  }

  return null
}

function add(left: PyValue, right: PyValue): PyValue | undefined {
  const defined = byClass('add', left, right)
  if (defined) return defined
  if (left.kind === 'number' && right.kind === 'number') return number(left.value + right.value, left, right)
  if (left.kind === 'str' && right.kind === 'str') return str(left.value + right.value)
  if (left.kind === 'list' && right.kind === 'list') return {items: [...left.items, ...right.items], kind: 'list'}
  return undefined
}

function subtract(left: PyValue, right: PyValue): PyValue | undefined {
  const defined = byClass('subtract', left, right)
  if (defined) return defined
  return left.kind === 'number' && right.kind === 'number' ? number(left.value - right.value, left, right) : undefined
}

/** A repetition longer than this is not built. */
const MAX_REPEATED_ITEMS = 10_000

/** `*` on numbers, and a str or list repeated an int number of times; any other pair is not followed. */
function multiply(left: PyValue, right: PyValue): PyValue {
  if (left.kind === 'number' && right.kind === 'number') return number(left.value * right.value, left, right)
  const [sequence, times] = right.kind === 'number' ? [left, right] : [right, left]
  if (times.kind !== 'number' || times.float || (sequence.kind !== 'str' && sequence.kind !== 'list')) return unknown(`the operator * on a ${typeName(left)} and a ${typeName(right)}`)
  const count = Math.max(0, times.value)
  const length = sequence.kind === 'str' ? sequence.value.length : sequence.items.length
  if (length * count > MAX_REPEATED_ITEMS) return unknown(`a repetition of ${length * count} items, more than this tool builds`)
  return sequence.kind === 'str' ? str(sequence.value.repeat(count)) : {items: Array.from({length: count}, () => sequence.items).flat(), kind: 'list'}
}

const equality: Operator = (left, right, operator) => {
  const same = pythonEqual(left, right)
  return same === null ? unknown(`comparing a ${typeName(left)} with a ${typeName(right)}`) : {kind: 'bool', value: operator === '==' ? same : !same}
}

const identity: Operator = (left, right, operator) => {
  if (left.kind !== 'none' && right.kind !== 'none') return unknown('`is` between values other than None')
  const same = left.kind === right.kind
  return {kind: 'bool', value: operator === 'is' ? same : !same}
}

const membership: Operator = (left, right, operator) => {
  let found: boolean | null = null
  if (right.kind === 'str' && left.kind === 'str') {
    found = right.value.includes(left.value)
  } else if (right.kind === 'list' || right.kind === 'dict') {
    const candidates = right.kind === 'list' ? right.items : right.entries.map(([key]) => key)
    const results = candidates.map((candidate) => pythonEqual(candidate, left))
    found = results.includes(true) ? true : (results.includes(null) ? null : false)
  }

  return found === null ? unknown(`membership in a ${typeName(right)}`) : {kind: 'bool', value: operator === 'in' ? found : !found}
}

const ordering: Operator = (left, right, operator) => {
  if (left.kind !== 'number' || right.kind !== 'number') return unknown(`the operator ${operator} on a ${typeName(left)} and a ${typeName(right)}`)
  const value = {'<': left.value < right.value, '<=': left.value <= right.value, '>': left.value > right.value, '>=': left.value >= right.value}[operator]!
  return {kind: 'bool', value}
}

/** `/`: a path's (pathlib's __truediv__ and __rtruediv__), and true division of numbers. */
const trueDivide: Operator = (left, right) => {
  if (left.kind === 'object' && left.trueDivide) return left.trueDivide(right, false)
  if (right.kind === 'object' && right.trueDivide) return right.trueDivide(left, true)
  const numeric = (value: PyValue) => (value.kind === 'number' ? value.value : (value.kind === 'bool' ? Number(value.value) : null))
  const [dividend, divisor] = [numeric(left), numeric(right)]
  if (dividend === null || divisor === null) return undefined
  return divisor === 0 ? raises('ZeroDivisionError: division by zero') : {float: true, kind: 'number', value: dividend / divisor}
}

/** Each operator on known values; undefined where Python raises a TypeError for the operand types. */
const OPERATORS: Record<string, Operator> = {
  '!=': equality, '*': multiply, '+': add, '-': subtract, '/': trueDivide, '<': ordering, '<=': ordering, '==': equality, '>': ordering, '>=': ordering,
  in: membership, is: identity, 'is not': identity, 'not in': membership,
}

/** Python's binary operators on known values; what raises in Python raises here. */
export function binaryOperation(operator: string, left: PyValue, right: PyValue): PyValue {
  const stop = firstStop([left, right])
  if (stop) return stop
  const apply = OPERATORS[operator]
  if (!apply) return unknown(`the operator ${operator} on a ${typeName(left)} and a ${typeName(right)}`)
  return apply(left, right, operator) ?? raises(`TypeError: unsupported operand type(s) for ${operator}: '${typeName(left)}' and '${typeName(right)}'`)
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

/** A range longer than this is not built: what pipeline code ranges over is a handful of items. */
const MAX_RANGE_ITEMS = 10_000

/** range(stop), range(start, stop[, step]) over ints, as the list of its items (pipeline code iterates it, or takes its length). */
function range(args: PyValue[]): PyValue {
  const stop = args.find((arg) => stops(arg))
  if (stop) return stop
  if (args.length === 0 || args.length > 3) return raises(`TypeError: range expected at most 3 arguments, got ${args.length}`)
  if (args.some((arg) => arg.kind !== 'number' || arg.float)) return unknown('range() of values that are not ints')
  const values = args.map((arg) => (arg as Extract<PyValue, {kind: 'number'}>).value)
  const [start, end, step] = values.length === 1 ? [0, values[0], 1] : [values[0], values[1], values[2] ?? 1]
  if (step === 0) return raises('ValueError: range() arg 3 must not be zero')
  const count = Math.max(0, Math.ceil((end - start) / step))
  if (count > MAX_RANGE_ITEMS) return unknown(`a range of ${count} items, more than this tool builds`)
  return {items: Array.from({length: count}, (_, index): PyValue => ({kind: 'number', value: start + index * step})), kind: 'list'}
}

function collection(args: PyValue[]): PyValue {
  if (args.length === 0) return {items: [], kind: 'list'}
  const items = iterate(args[0])
  return Array.isArray(items) ? {items, kind: 'list'} : items
}

/** The Python builtins pipeline code calls, as far as they matter to it. */
export const PYTHON_BUILTINS = new Map<string, PyValue>([
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
  ['range', functionValue(range)],
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
