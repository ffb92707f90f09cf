/**
 * The values the static Python evaluator works with, and the few rules of Python's data model it needs: equality,
 * truth, iteration and str(). A value is either known exactly, or Unknown (this tool cannot follow it: the figure
 * becomes estimated, with the reason), or Raises (Python itself raises there: exact, and it propagates).
 */

/** A Kedro node as far as identity goes: Kedro compares nodes by name (or function), inputs and outputs. */
export interface KedroNode {
  func: string
  /** Dataset names, or null when they could not be read statically. */
  inputs: null | string[]
  /** The name given with `name=`, without the namespace (Kedro's `_name`). */
  name: null | string
  namespace: null | string
  outputs: null | string[]
  /** The node's tags (its own and its pipelines'), or null when they could not be read statically. */
  tags: null | string[]
}

/** The source text of each argument of a call, positional and by keyword. */
export interface ArgumentTexts {
  keywords: Map<string, string>
  positional: string[]
}

export type PyValue =
  /** A list, tuple or set: one kind, since nothing here depends on the difference. Lists are changed in place. */
  | {items: PyValue[]; kind: 'list'}
  /** A dict, in insertion order, changed in place as Python does (aliases see the change). */
  | {kind: 'dict'; entries: [PyValue, PyValue][]}
  | {kind: 'none'}
  | {float?: boolean; kind: 'number'; value: number}
  /** A module: a project module as far as it ran, or the few standard-library members modelled here. */
  | {kind: 'module'; members: Map<string, PyValue>; name: string}
  | {kind: 'node'; node: KedroNode}
  | {kind: 'pipeline'; nodes: Map<string, KedroNode>}
  /** Python raises here (a KeyError, a TypeError): exact, and it propagates like Python's exception. */
  | {error: string; kind: 'raises'}
  | {kind: 'str'; value: string}
  /**
   * `at`: where it stopped being followed (`file:line`), when known. `unbound`: a name nothing followed here binds
   * (Python raises NameError if nothing does as the program runs).
   */
  | {at?: string; kind: 'unknown'; reason: string; unbound?: true}
  | {kind: 'bool'; value: boolean}
  /**
   * An instance of a library class modelled here (Kedro's OmegaConfigLoader): its attributes and methods, and what
   * `instance[key]` gives. Its truth, equality and iteration are not followed.
   */
  | {
    className: string; getItem: (key: PyValue) => PyValue; kind: 'object'; members: Map<string, PyValue>
    /** Its str(), where it has one this tool knows (a path). */
    text?: string
    /** `self / other`, or `other / self` when reflected (a path); undefined where Python raises a TypeError. */
    trueDivide?: (other: PyValue, reflected: boolean) => PyValue
  }
  | {
    kind: 'function'; call: (args: PyValue[], keywords: Map<string, PyValue>, texts: ArgumentTexts) => PyValue
    /** A class's own attributes (`Path.cwd`), where a class is modelled as the function that makes its instances. */
    members?: Map<string, PyValue>
    /**
     * The keyword name of its first parameter when the function reads that argument only as source text (Kedro's
     * node() and its func): it is then not evaluated, so the module that defines a node's function is never read.
     */
    textOnlyParameter?: string
  }

export type FunctionValue = Extract<PyValue, {kind: 'function'}>
export type Stopping = Extract<PyValue, {kind: 'raises' | 'unknown'}>

export const unknown = (reason: string): Extract<PyValue, {kind: 'unknown'}> => ({kind: 'unknown', reason})
export const raises = (error: string): Extract<PyValue, {kind: 'raises'}> => ({error, kind: 'raises'})
export const str = (value: string): PyValue => ({kind: 'str', value})
export const NONE: PyValue = {kind: 'none'}

/** Why a value stops evaluation, for people: an Unknown's reason after its `file:line`, or Python's exception. */
export function reasonOf(value: Stopping): string {
  if (value.kind === 'raises') return value.error
  return value.at ? `${value.at}: ${value.reason}` : value.reason
}

/** A value that stops evaluation where it appears: Python raises, or this tool cannot follow it. */
export function stops(value: PyValue): value is Stopping {
  return value.kind === 'unknown' || value.kind === 'raises'
}

/** The first of `values` that stops evaluation (Python evaluates left to right, so the first exception wins). */
export function firstStop(values: Iterable<PyValue>): null | Stopping {
  for (const value of values) if (stops(value)) return value
  return null
}

export function functionValue(call: FunctionValue['call'], textOnlyParameter?: string): FunctionValue {
  return textOnlyParameter === undefined ? {call, kind: 'function'} : {call, kind: 'function', textOnlyParameter}
}

/** `f()`: a function value called with no arguments. */
export function callWithoutArguments(target: FunctionValue): PyValue {
  return target.call([], new Map(), {keywords: new Map(), positional: []})
}

/** Python's type name, as its error messages show it. */
export function typeName(value: PyValue): string {
  switch (value.kind) {
    case 'list': { return 'list' }
    case 'dict': { return 'dict' }
    case 'none': { return 'NoneType' }
    case 'number': { return value.float ? 'float' : 'int' }
    case 'module': { return 'module' }
    case 'node': { return 'Node' }
    case 'pipeline': { return 'Pipeline' }
    case 'str': { return 'str' }
    case 'bool': { return 'bool' }
    case 'function': { return 'function' }
    case 'object': { return value.className }
    default: { return value.kind }
  }
}

/** `a == b` for values compared by value (strings, numbers, None, booleans, lists, dicts); null when not known. */
export function pythonEqual(a: PyValue, b: PyValue): boolean | null {
  const numeric = (value: PyValue) => (value.kind === 'number' ? value.value : value.kind === 'bool' ? Number(value.value) : null)
  if (numeric(a) !== null && numeric(b) !== null) return numeric(a) === numeric(b)
  if (a.kind === 'str' && b.kind === 'str') return a.value === b.value
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind
  if (a.kind === 'list' && b.kind === 'list') {
    if (a.items.length !== b.items.length) return false
    let all: boolean | null = true
    for (const [index, item] of a.items.entries()) {
      const same = pythonEqual(item, b.items[index])
      if (same === false) return false
      if (same === null) all = null
    }

    return all
  }

  if (['str', 'number', 'bool', 'list'].includes(a.kind) && ['str', 'number', 'bool', 'list'].includes(b.kind)) return false
  return null
}

/** Python's truth of a value; null when it is not known. Kedro's Pipeline and Node define no __len__: always true. */
export function truth(value: PyValue): boolean | null {
  switch (value.kind) {
    case 'none': { return false }
    case 'bool': { return value.value }
    case 'number': { return value.value !== 0 }
    case 'str': { return value.value.length > 0 }
    case 'list': { return value.items.length > 0 }
    case 'dict': { return value.entries.length > 0 }
    case 'module':
    case 'node':
    case 'pipeline':
    case 'function': { return true }
    default: { return null }
  }
}

/** The items `for x in value` visits: a list's items, a dict's keys, a string's characters; or why not. */
export function iterate(value: PyValue): PyValue[] | Stopping {
  switch (value.kind) {
    case 'list': { return [...value.items] }
    case 'dict': { return value.entries.map(([key]) => key) }
    case 'str': { return [...value.value].map((char) => str(char)) }
    case 'unknown':
    case 'raises': { return value }
    case 'object': { return unknown(`iterating a ${value.className} is not followed statically`) }
    default: { return raises(`TypeError: '${typeName(value)}' object is not iterable`) }
  }
}

/** `str(value)` where it is certain; null otherwise (a float's repr, for one, is not reproduced). */
export function pythonStr(value: PyValue): null | string {
  switch (value.kind) {
    case 'str': { return value.value }
    case 'number': { return value.float || !Number.isSafeInteger(value.value) ? null : String(value.value) }
    case 'bool': { return value.value ? 'True' : 'False' }
    case 'none': { return 'None' }
    case 'object': { return value.text ?? null }
    default: { return null }
  }
}

/** The entry for `key` in a dict value, or undefined. */
export function dictGet(dict: Extract<PyValue, {kind: 'dict'}>, key: PyValue): PyValue | undefined {
  return dict.entries.find(([candidate]) => pythonEqual(candidate, key) === true)?.[1]
}

/** `dict[key] = value`: replaces in place (the key keeps its position), else appends. */
export function dictSet(dict: Extract<PyValue, {kind: 'dict'}>, key: PyValue, value: PyValue): void {
  const index = dict.entries.findIndex(([candidate]) => pythonEqual(candidate, key) === true)
  if (index === -1) dict.entries.push([key, value])
  else dict.entries[index] = [dict.entries[index][0], value]
}

/** Whether dict keys can be compared here (str, number, bool, None): otherwise a lookup is not certain. */
export function isPlainKey(value: PyValue): boolean {
  return ['str', 'number', 'bool', 'none'].includes(value.kind)
}

/** Python's repr of a key in a KeyError message, for strings and integers. */
export function keyRepr(value: PyValue): string {
  if (value.kind === 'str') return `'${value.value}'`
  return pythonStr(value) ?? typeName(value)
}
