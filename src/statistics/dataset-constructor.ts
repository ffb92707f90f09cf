/**
 * What a dataset class's constructor accepts, read from its module's source: Kedro before 1.0 creates every
 * dataset as it builds the catalog (kedro/io/core.py, AbstractDataset.from_config calls `class_obj(**config)`), and
 * a keyword the constructor does not take, or a required one missing, is a DatasetError then.
 */
import type {SyntaxNode} from '@lezer/common'

import type {PySignature} from '../masking/structures.js'
import {children} from '../python/context.js'
import {writtenParameters} from '../python/parameters.js'
import {importsOf} from '../python/statements.js'
import {parsePython} from '../python/syntax.js'

/** How far a class is followed through same-module bases and deprecated aliases. */
const MAX_HOPS = 8

/** A method's signature as a caller sees it (its first parameter, `self`, bound); null with positional-only ones. */
function methodSignature(parameterList: null | SyntaxNode, source: string): null | PySignature {
  const {parameters, positionalOnly} = writtenParameters(parameterList, source)
  if (positionalOnly || parameters[0]?.kind !== 'positional') return null
  const named = parameters.slice(1)
  return {
    keywordOnly: named.filter((parameter) => parameter.kind === 'keyword-only').map((parameter) => parameter.name),
    positional: named.filter((parameter) => parameter.kind === 'positional').map((parameter) => parameter.name),
    required: named.filter((parameter) => (parameter.kind === 'positional' || parameter.kind === 'keyword-only') && !parameter.defaultNode).map((parameter) => parameter.name),
    varKeyword: named.some((parameter) => parameter.kind === 'varkw'),
    varPositional: named.some((parameter) => parameter.kind === 'varargs'),
  }
}

/** The `__init__` defined in a class body, decorated or not. */
function ownInit(body: SyntaxNode | null, source: string): null | SyntaxNode {
  for (const statement of body ? children(body) : []) {
    const definition = statement.name === 'DecoratedStatement' ? statement.getChild('FunctionDefinition') : statement
    const name = definition?.name === 'FunctionDefinition' ? definition.getChild('VariableName') : null
    if (name && source.slice(name.from, name.to) === '__init__') return definition
  }

  return null
}

/**
 * The module of a package's `__init__.py` that a name comes from (`from .memory_dataset import MemoryDataSet`, also
 * inside a `with` block, as Kedro 0.18's kedro.io imports its deprecated names), or null.
 */
export function submoduleExporting(initSource: string, name: string): null | string {
  let found: null | string = null
  parsePython(initSource).iterate({
    enter(node) {
      if (found !== null || node.name !== 'ImportStatement') return
      const imported = importsOf(node.node, initSource).get(name)
      if (imported?.name === name && /^\.\w+$/.test(imported.module)) found = imported.module.slice(1)
    },
  })
  return found
}

/** kedro-datasets' `_DEPRECATED_CLASSES = {"CSVDataSet": CSVDataset}`: each old name and the class it gives. */
function deprecatedClasses(statement: SyntaxNode, text: (node: SyntaxNode) => string, aliases: Map<string, string>): void {
  const mapping = statement.getChild('DictionaryExpression')
  const parts = mapping ? children(mapping).filter((child) => child.name === 'String' || child.name === 'VariableName') : []
  for (let index = 0; index + 1 < parts.length; index += 2) {
    if (parts[index].name === 'String' && parts[index + 1].name === 'VariableName') aliases.set(text(parts[index]).slice(1, -1), text(parts[index + 1]))
  }
}

/**
 * A module's top-level classes, and the deprecated names it maps to them: kedro-datasets' `_DEPRECATED_CLASSES`,
 * and Kedro 0.18's module `__getattr__` that gives `XDataset` for `XDataSet`.
 */
function moduleClasses(source: string): {aliases: Map<string, string>; classes: Map<string, SyntaxNode>} {
  const classes = new Map<string, SyntaxNode>()
  const aliases = new Map<string, string>()
  const text = (node: SyntaxNode) => source.slice(node.from, node.to)
  const statements = children(parsePython(source).topNode)
  const defined = statements.map((statement) => (statement.name === 'DecoratedStatement' ? statement.getChild('ClassDefinition') ?? statement.getChild('FunctionDefinition') : statement))
  for (const definition of defined) {
    const name = definition?.getChild('VariableName')
    if (definition?.name === 'ClassDefinition' && name) classes.set(text(name), definition)
  }

  for (const statement of statements) {
    if (statement.name === 'AssignStatement' && text(statement.firstChild!) === '_DEPRECATED_CLASSES') deprecatedClasses(statement, text, aliases)
  }

  const moduleGetattr = defined.some((definition) => definition?.name === 'FunctionDefinition' && text(definition.getChild('VariableName') ?? definition) === '__getattr__')
  for (const name of moduleGetattr ? [...classes.keys()].filter((name) => name.endsWith('Dataset')) : []) {
    const old = `${name.slice(0, -'Dataset'.length)}DataSet`
    if (!aliases.has(old)) aliases.set(old, name)
  }

  return {aliases, classes}
}

/**
 * The constructor's signature of `className` in a module's source: its own `__init__`, else the one of its only base
 * when that base is defined in the same module; a deprecated alias is followed. Null when not known here (a base from
 * another module, several bases, a positional-only parameter).
 */
export function datasetConstructor(source: string, className: string): null | PySignature {
  const {aliases, classes} = moduleClasses(source)
  let name = className
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const definition = classes.get(name)
    if (!definition) {
      const target = aliases.get(name)
      if (!target) return null
      name = target
      continue
    }

    const init = ownInit(definition.getChild('Body'), source)
    if (init) return methodSignature(init.getChild('ParamList'), source)
    const argumentList = definition.getChild('ArgList')
    const bases = argumentList ? children(argumentList).filter((child) => child.name !== '(' && child.name !== ')' && child.name !== ',') : []
    // One plain base name, no keywords (metaclass=...): followed when the module defines it.
    if (bases.length !== 1 || bases[0].name !== 'VariableName') return null
    name = source.slice(bases[0].from, bases[0].to)
  }

  return null
}
