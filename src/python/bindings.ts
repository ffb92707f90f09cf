/**
 * Whether a Python module binds a name at its top level, read with the Python parser and nothing run: what
 * `from module import name` finds, where that can be told from the module's own text.
 */
import type {SyntaxNode} from '@lezer/common'

import {analysePython, childrenOf} from './evaluator.js'
import {importsOf} from './statements.js'

/** The names a statement binds where it stands: a def, class, assignment target or import, and those of its bodies. */
function boundNames(statement: SyntaxNode, source: string): string[] {
  const text = (node: SyntaxNode) => source.slice(node.from, node.to)
  const parts = childrenOf(statement)
  switch (statement.name) {
    case 'ClassDefinition':
    case 'FunctionDefinition': {
      return parts.filter((part) => part.name === 'VariableName').slice(0, 1).map((part) => text(part))
    }

    case 'AssignStatement': {
      // The targets: every name before the last `=` (`y = z = 2`, `a, b = ...`), not those in a type annotation.
      const last = parts.findLastIndex((part) => part.name === 'AssignOp')
      return parts.slice(0, last).filter((part) => part.name === 'VariableName').map((part) => text(part))
    }

    case 'ImportStatement': {
      return [...importsOf(statement, source).keys()].map((name) => name.split('.')[0])
    }

    default: {
      // A decorated definition, or the bodies of an if, try, with or for: a name bound there may be bound.
      return parts.flatMap((part) => (part.name === 'Body' ? childrenOf(part) : [part])).flatMap((part) => boundNames(part, source))
    }
  }
}

// What can bind names that no statement shows: a star import, a module __getattr__, globals(), exec, sys.modules.
const DYNAMIC = /\bimport\s+\*|\b__getattr__\b|\bglobals\s*\(|\bexec\s*\(|\bsys\.modules\b|\bsetattr\s*\(|\blazy/

/**
 * `bound` where a top-level statement binds the name, `unbound` where none does and nothing
 * dynamic could, `unknown` for a module that does not parse or binds names in ways its text does not show.
 */
export function moduleBinding(source: string, name: string): 'bound' | 'unbound' | 'unknown' {
  const {tree} = analysePython(source)
  if (!tree) return 'unknown'
  if (childrenOf(tree.topNode).some((statement) => boundNames(statement, source).includes(name))) return 'bound'
  return DYNAMIC.test(source) ? 'unknown' : 'unbound'
}
