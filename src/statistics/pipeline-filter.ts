/**
 * Kedro's Pipeline.filter, as `kedro run` applies it before the catalog is built: each filter given (tags, node names,
 * from/to nodes, from inputs/to outputs, namespaces) selects a subset, the subsets are intersected, and an empty result
 * raises. A node name or dataset the pipeline lacks raises at once. What kedro refuses here sends only "CLI command".
 */
import {qualifiedName} from './kedro-pipeline.js'
import type {KedroNode} from '../python/values.js'

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

/** The nodes one filter keeps, or the outcome that ends the filtering (kedro raises, or what it needs is unread). */
type Subset = FilterOutcome | Set<KedroNode>

function tagSubset(nodes: KedroNode[], tags: string[]): Subset {
  if (nodes.some((node) => node.tags === null)) return {kind: 'unknown', reason: 'a node\'s tags could not be read'}
  return new Set(nodes.filter((node) => node.tags!.some((tag) => tags.includes(tag))))
}

/** The nodes named (by their full names), or kedro's ValueError for names the pipeline lacks. */
function namedNodes(nodes: KedroNode[], names: string[]): KedroNode[] | Subset {
  const byName = new Map(nodes.map((node) => [qualifiedName(node), node]))
  const missing = names.filter((name) => !byName.has(name))
  if (missing.length > 0) return {error: `ValueError: Pipeline does not contain nodes named ${JSON.stringify(missing)}`, kind: 'raises'}
  return names.map((name) => byName.get(name)!)
}

function datasetSubset(nodes: KedroNode[], names: string[], pick: 'inputs' | 'outputs', down: boolean): Subset {
  const known = new Set(nodes.flatMap((node) => node[pick]!.map((name) => base(name))))
  const missing = names.filter((name) => !known.has(base(name)))
  if (missing.length > 0) return {error: `ValueError: Pipeline does not contain datasets named ${JSON.stringify(missing)}`, kind: 'raises'}
  const wanted = new Set(names.map((name) => base(name)))
  return closure(nodes, nodes.filter((node) => node[pick]!.some((name) => wanted.has(base(name)))), down)
}

function namespaceSubset(nodes: KedroNode[], namespaces: string[]): Subset {
  const inside = nodes.filter((node) => namespaces.some((namespace) => node.namespace === namespace || node.namespace?.startsWith(`${namespace}.`)))
  if (inside.length === 0) return {error: `ValueError: Pipeline does not contain nodes with namespace(s) ${JSON.stringify(namespaces)}`, kind: 'raises'}
  return new Set(inside)
}

/** Each given filter as a function of the nodes, in the order Pipeline.filter applies them. */
function subsetsOf(filters: RunFilters): ((nodes: KedroNode[]) => Subset)[] {
  const fromNamed = (names: string[], down: boolean | null) => (nodes: KedroNode[]): Subset => {
    const start = namedNodes(nodes, names)
    if (!Array.isArray(start)) return start
    return down === null ? new Set(start) : closure(nodes, start, down)
  }

  const steps: [boolean, (nodes: KedroNode[]) => Subset][] = [
    [filters.tags.length > 0, (nodes) => tagSubset(nodes, filters.tags)],
    [filters.fromNodes.length > 0, fromNamed(filters.fromNodes, true)],
    [filters.toNodes.length > 0, fromNamed(filters.toNodes, false)],
    [filters.nodeNames.length > 0, fromNamed(filters.nodeNames, null)],
    [filters.fromInputs.length > 0, (nodes) => datasetSubset(nodes, filters.fromInputs, 'inputs', true)],
    [filters.toOutputs.length > 0, (nodes) => datasetSubset(nodes, filters.toOutputs, 'outputs', false)],
    [filters.namespaces.length > 0, (nodes) => namespaceSubset(nodes, filters.namespaces)],
  ]
  return steps.filter(([given]) => given).map(([, step]) => step)
}

/** Pipeline.filter over the nodes kedro run would run. */
export function filterPipeline(nodes: KedroNode[], filters: RunFilters): FilterOutcome {
  const given = Object.values<string[]>({...filters}).some((values) => values.length > 0)
  if (!given) return nodes.length === 0 ? {kind: 'empty'} : {count: nodes.length, kind: 'nodes'}
  if (nodes.some((node) => node.inputs === null || node.outputs === null)) return {kind: 'unknown', reason: 'a node\'s datasets could not be read'}
  const subsets: Set<KedroNode>[] = []
  for (const step of subsetsOf(filters)) {
    const subset = step(nodes)
    if (!(subset instanceof Set)) return subset
    subsets.push(subset)
  }

  const result = nodes.filter((node) => subsets.every((subset) => subset.has(node)))
  return result.length === 0 ? {kind: 'empty'} : {count: result.length, kind: 'nodes'}
}
