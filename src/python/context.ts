/**
 * What every part of the Python evaluator shares: the context of one evaluation (scope, source, the budget, where
 * reasons point), how statements end, and reading the syntax tree's nodes and text.
 */
import type {SyntaxNode} from '@lezer/common'

import {type PyValue, unknown} from './values.js'

/** How a statement ends other than by going on to the next one. */
export type Completion = {kind: 'break'} | {kind: 'continue'} | {kind: 'return'; value: PyValue}

export const stopWith = (value: PyValue): Completion => ({kind: 'return', value})

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

export interface EvaluationContext {
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
export function located(value: PyValue, node: null | SyntaxNode | undefined, context: EvaluationContext): PyValue {
  return value.kind === 'unknown' && value.at === undefined && node && context.locate ? {...value, at: context.locate(node.from)} : value
}

export function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = []
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child)
  return list
}

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  return children(node)
}

export const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ':', 'Comment'])

export function textOf(node: SyntaxNode, context: EvaluationContext): string {
  return context.source.slice(node.from, node.to)
}

/** Source text quoted in a reason: its first line, shortened. */
export function excerpt(text: string, length = 60): string {
  const line = text.split('\n')[0]
  return line.length > length || line !== text ? `${line.slice(0, length)}...` : line
}
