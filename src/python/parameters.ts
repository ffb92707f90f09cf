/**
 * A def's or lambda's parameter list as written: names, kinds and default expressions, read from the syntax tree
 * without evaluating anything. The evaluator binds calls from it; the dataset check reads constructors with it.
 */
import type {SyntaxNode} from '@lezer/common'

import {children, PUNCTUATION} from './context.js'

export interface WrittenParameter {
  /** The default's expression, when there is one. */
  defaultNode?: SyntaxNode
  kind: 'keyword-only' | 'positional' | 'varargs' | 'varkw'
  name: string
}

export interface WrittenParameters {
  parameters: WrittenParameter[]
  /** A `/` marks the parameters before it positional-only (@lezer/python leaves no node for it: two commas meet). */
  positionalOnly: boolean
}

export function writtenParameters(parameterList: null | SyntaxNode, source: string): WrittenParameters {
  const parameters: WrittenParameter[] = []
  const all = parameterList ? children(parameterList).filter((child) => child.name !== 'TypeDef') : []
  const positionalOnly = all.some((child, index) => child.name === ',' && all[index + 1]?.name === ',')
  const parts = all.filter((child) => !PUNCTUATION.has(child.name))
  const text = (node: SyntaxNode) => source.slice(node.from, node.to)
  let keywordOnly = false
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]
    if (part.name === '*' || part.name === '**') {
      // `*args` names the star's own parameter; a bare `*,` only makes the ones after it keyword-only.
      const named = all[all.indexOf(part) + 1]?.name === 'VariableName'
      const name = named ? text(parts[++index]) : null
      if (name) parameters.push({kind: part.name === '**' ? 'varkw' : 'varargs', name})
      keywordOnly = true
    } else if (part.name === 'VariableName') {
      const parameter: WrittenParameter = {kind: keywordOnly ? 'keyword-only' : 'positional', name: text(part)}
      if (parts[index + 1]?.name === 'AssignOp') {
        parameter.defaultNode = parts[index + 2]
        index += 2
      }

      parameters.push(parameter)
    }
  }

  return {parameters, positionalOnly}
}
