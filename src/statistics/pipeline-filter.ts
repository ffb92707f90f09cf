/**
 * Kedro's Pipeline.filter, as `kedro run` applies it before the catalog is built: each filter given (tags, node names,
 * from/to nodes, from inputs/to outputs, namespaces) selects a subset, the subsets are intersected, and an empty result
 * raises. A node name or dataset the pipeline lacks raises at once. What kedro refuses here sends only "CLI command".
 */
import {qualifiedName} from './kedro-pipeline.js'
import type {KedroNode} from './python-values.js'

/** The filters of `kedro run`, as click gives them (already split at commas); absent ones are empty. */
export interface RunFilters {
  fromInputs: string[]
  fromNodes: string[]
  namespaces: string[]
  nodeNames: string[]
  tags: string[]
  toNodes: string[]
  toOutputs: string[]
}

export type FilterOutcome = {kind: 'empty'} | {kind: 'nodes'; count: number} | {kind: 'raises'; error: string} | {kind: 'unknown'; reason: string}

const base = (name: string) => name.split('@')[0]

/** The nodes downstream (`down`) or upstream of `start`, `start` included: datasets link producers to consumers. */
function closure(nodes: KedroNode[], start: KedroNode[], down: boolean): Set<KedroNode> {
  const reached = new Set(start)
  const queue = [...start]
  while (queue.length > 0) {
    const node = queue.shift()!
    const links = new Set((down ? node.outputs : node.inputs)?.map((name) => base(name)) ?? [])
    for (const other of nodes) {
      if (reached.has(other)) continue
      if ((down ? other.inputs : other.outputs)?.some((name) => links.has(base(name)))) {
        reached.add(other)
        queue.push(other)
      }
    }
  }

  return reached
}

/** Pipeline.filter over the nodes kedro run would run. */
export function filterPipeline(nodes: KedroNode[], filters: RunFilters): FilterOutcome {
  const given = Object.values<string[]>({...filters}).some((values) => values.length > 0)
  if (!given) return nodes.length === 0 ? {kind: 'empty'} : {count: nodes.length, kind: 'nodes'}
  if (nodes.some((node) => node.inputs === null || node.outputs === null)) return {kind: 'unknown', reason: 'a node\'s datasets could not be read'}
  const byName = new Map(nodes.map((node) => [qualifiedName(node), node]))
  const named = (names: string[]): KedroNode[] | string => {
    const missing = names.filter((name) => !byName.has(name))
    return missing.length > 0 ? `ValueError: Pipeline does not contain nodes named ${JSON.stringify(missing)}` : names.map((name) => byName.get(name)!)
  }

  const datasets = (pick: 'inputs' | 'outputs') => new Set(nodes.flatMap((node) => node[pick]!.map((name) => base(name))))
  const subsets: Set<KedroNode>[] = []
  if (filters.tags.length > 0) {
    if (nodes.some((node) => node.tags === null)) return {kind: 'unknown', reason: 'a node\'s tags could not be read'}
    subsets.push(new Set(nodes.filter((node) => node.tags!.some((tag) => filters.tags.includes(tag)))))
  }

  for (const [names, down] of [[filters.fromNodes, true], [filters.toNodes, false]] as const) {
    if (names.length === 0) continue
    const start = named(names)
    if (typeof start === 'string') return {error: start, kind: 'raises'}
    subsets.push(closure(nodes, start, down))
  }

  if (filters.nodeNames.length > 0) {
    const only = named(filters.nodeNames)
    if (typeof only === 'string') return {error: only, kind: 'raises'}
    subsets.push(new Set(only))
  }

  for (const [names, pick, down] of [[filters.fromInputs, 'inputs', true], [filters.toOutputs, 'outputs', false]] as const) {
    if (names.length === 0) continue
    const known = datasets(pick)
    const missing = names.filter((name) => !known.has(base(name)))
    if (missing.length > 0) return {error: `ValueError: Pipeline does not contain datasets named ${JSON.stringify(missing)}`, kind: 'raises'}
    const wanted = new Set(names.map((name) => base(name)))
    const start = nodes.filter((node) => node[pick]!.some((name) => wanted.has(base(name))))
    subsets.push(closure(nodes, start, down))
  }

  if (filters.namespaces.length > 0) {
    const inside = nodes.filter((node) => filters.namespaces.some((namespace) => node.namespace === namespace || node.namespace?.startsWith(`${namespace}.`)))
    if (inside.length === 0) return {error: `ValueError: Pipeline does not contain nodes with namespace(s) ${JSON.stringify(filters.namespaces)}`, kind: 'raises'}
    subsets.push(new Set(inside))
  }

  const result = nodes.filter((node) => subsets.every((subset) => subset.has(node)))
  return result.length === 0 ? {kind: 'empty'} : {count: result.length, kind: 'nodes'}
}
