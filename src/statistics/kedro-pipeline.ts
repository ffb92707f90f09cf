/**
 * Kedro's Node and Pipeline as the static evaluator sees them (kedro/pipeline/node.py and pipeline.py): node() and
 * Node(), pipeline() and Pipeline() with namespaces and dataset mappings, `+` and `-` as Kedro defines them (sets of
 * nodes), and the checks with which Kedro raises (duplicate node names, an output produced twice, a mapping that
 * names no dataset). What cannot be read statically is noted, and the figures become estimated.
 */
import type {KedroPipelineApi, PySignature} from '../masking/structures.js'
import {compareVersions} from '../python/pep440.js'
import {defineClassOperators} from '../python/operators.js'
import {signatureError} from './pipeline-api.js'
import {
  type ArgumentTexts, type FunctionValue, functionValue, type KedroNode, type PyValue, raises, reasonOf, stops, truth, typeName,
} from '../python/values.js'

type Pipeline = Extract<PyValue, {kind: 'pipeline'}>
/** Records why a figure is estimated; `mayRaise` when, if it holds, loading the pipelines fails. */
type Note = (reason: string, mayRaise?: boolean) => void

/** Kedro's node.name: the given name or one derived from the function and datasets, after the namespace. */
export function qualifiedName(node: KedroNode): string {
  const base = node.name ?? `${node.func}([${(node.inputs ?? ['?']).join(';')}]) -> [${(node.outputs ?? ['?']).join(';')}]`
  return node.namespace ? `${node.namespace}.${base}` : base
}

/** Kedro's Node._unique_key: (name, inputs, outputs). Nodes with equal keys are one node in a pipeline's set. */
function nodeKey(node: KedroNode): string {
  return JSON.stringify([qualifiedName(node), node.inputs, node.outputs])
}

function pipelineOf(nodes: Iterable<KedroNode>): Pipeline {
  const map = new Map<string, KedroNode>()
  for (const node of nodes) map.set(nodeKey(node), node)
  return {kind: 'pipeline', nodes: map}
}

/** What Node() and Pipeline() check that changed between releases (kedro/pipeline/node.py of each release). */
export interface NodeRules {
  /** 0.19.0 on: every tag must be a valid name too. */
  tagsChecked: boolean
  /** 0.19.4 on: a node's inputs and outputs are compared without their transcoding (`x@pandas` is `x`). */
  transcodedSelfLoops: boolean
}

export function nodeRulesFor(kedroVersion: string): NodeRules {
  return {tagsChecked: compareVersions(kedroVersion, '0.19.0') >= 0, transcodedSelfLoops: compareVersions(kedroVersion, '0.19.4') >= 0}
}

/** Node's name and tag check, `re.match(r"[\w\.-]+$", name)`: Python's \w is any letter or digit in Unicode, and `$` lets a final newline through. */
const VALID_NODE_NAME = /^[\p{L}\p{N}_.-]+\n?$/u

/** transcoding.py's _strip_transcoding: `name@pandas` is `name`. */
function stripTranscoding(name: string): string {
  return name.split('@')[0]
}

function isKnown(node: KedroNode): node is KedroNode & {inputs: string[]; outputs: string[]} {
  return node.inputs !== null && node.outputs !== null
}

/** _validate_transcoded_inputs_outputs: a dataset used both with a transcoding (`x@pandas`) and without (`x`). */
function transcodingMix(nodes: (KedroNode & {inputs: string[]; outputs: string[]})[]): null | PyValue {
  const names = new Set(nodes.flatMap((node) => [...node.inputs, ...node.outputs]))
  const invalid = [...new Set([...names].map((name) => stripTranscoding(name)).filter((base) => names.has(base) && [...names].some((name) => name !== base && stripTranscoding(name) === base)))]
  return invalid.length > 0 ? raises(`ValueError: The following datasets are used with transcoding, but were referenced without the separator: ${invalid.sort().join(', ')}`) : null
}

/**
 * Pipeline() sorts its nodes topologically as it is built: nodes that depend on each other in a circle are
 * CircularDependencyError. Kahn's algorithm, without recursion, so that a long generated chain cannot exhaust the stack.
 */
function circularDependency(nodes: (KedroNode & {inputs: string[]; outputs: string[]})[]): null | PyValue {
  const consumers = new Map<string, number[]>()
  for (const [index, node] of nodes.entries()) {
    for (const input of node.inputs) {
      const list = consumers.get(stripTranscoding(input))
      if (list) list.push(index)
      else consumers.set(stripTranscoding(input), [index])
    }
  }

  // A node reading its own output through a transcoding: toposort (before 0.19.4) drops such a self-dependency, and
  // from 0.19.4 on Node() refuses the node first.
  const children = nodes.map((node, index) => [...new Set(node.outputs.flatMap((output) => consumers.get(stripTranscoding(output)) ?? []))].filter((child) => child !== index))
  const parents = new Array<number>(nodes.length).fill(0)
  for (const list of children) for (const child of list) parents[child]++
  const ready = parents.flatMap((count, index) => (count === 0 ? [index] : []))
  let sorted = 0
  while (ready.length > 0) {
    sorted++
    for (const child of children[ready.pop()!]) if (--parents[child] === 0) ready.push(child)
  }

  return sorted < nodes.length ? raises('CircularDependencyError: Circular dependencies exist among the pipeline\'s nodes') : null
}

/**
 * What Pipeline() checks of its nodes (_validate_duplicate_nodes, _validate_unique_outputs): the exception Python
 * raises, or null. Nodes whose datasets are not known are left out of the checks.
 */
function checkNodes(nodes: KedroNode[], checkNames: boolean): null | PyValue {
  const known = nodes.filter((node) => isKnown(node))
  if (checkNames) {
    const seen = new Set<string>()
    const repeated = new Set<string>()
    for (const node of known) {
      const name = qualifiedName(node)
      if (seen.has(name)) repeated.add(name)
      seen.add(name)
    }

    if (repeated.size > 0) return raises(`ValueError: Pipeline nodes must have unique names (${[...repeated].sort().join(', ')} appear more than once)`)
  }

  const mixed = transcodingMix(known)
  if (mixed) return mixed
  const cycle = circularDependency(known)
  if (cycle) return cycle
  const produced = new Map<string, number>()
  for (const node of known) for (const output of node.outputs) produced.set(stripTranscoding(output), (produced.get(stripTranscoding(output)) ?? 0) + 1)
  const twice = [...produced].filter(([, count]) => count > 1).map(([name]) => name).sort()
  if (twice.length > 0) return raises(`OutputNotUniqueError: Output(s) ${JSON.stringify(twice)} are returned by more than one nodes`)
  return null
}

/** `a + b` on pipelines: Pipeline(set(a.nodes + b.nodes)); `0 + p` is p (Pipeline.__radd__, for sum()). */
export function addPipelines(left: PyValue, right: PyValue): null | PyValue {
  if (left.kind === 'number' && left.value === 0 && !left.float && right.kind === 'pipeline') return right
  if (left.kind !== 'pipeline' || right.kind !== 'pipeline') return null
  const nodes = new Map(left.nodes)
  for (const [key, node] of right.nodes) nodes.set(key, node)
  return checkNodes([...nodes.values()], true) ?? {kind: 'pipeline', nodes}
}

/** `a - b` on pipelines: Pipeline(set(a.nodes) - set(b.nodes)). */
export function subtractPipelines(left: PyValue, right: PyValue): null | PyValue {
  if (left.kind !== 'pipeline' || right.kind !== 'pipeline') return null
  return {kind: 'pipeline', nodes: new Map([...left.nodes].filter(([key]) => !right.nodes.has(key)))}
}

// Pipeline + Pipeline and Pipeline - Pipeline for the evaluator: defined as soon as pipeline values can exist.
defineClassOperators({add: addPipelines, subtract: subtractPipelines})

function datasetNames(value: PyValue | undefined, note: Note): null | string[] {
  if (!value || value.kind === 'none') return []
  if (value.kind === 'str') return [value.value]
  if (value.kind === 'list' && value.items.every((item) => item.kind === 'str')) return value.items.map((item) => (item as {value: string}).value)
  if (value.kind === 'dict' && value.entries.every(([, item]) => item.kind === 'str')) return value.entries.map(([, item]) => (item as {value: string}).value)
  note(`a node's datasets: ${value.kind === 'unknown' ? reasonOf(value) : `given as ${typeName(value)}`}`)
  return null
}

/** What Node.__init__ raises for its name, tags and datasets (every release checks the name), or null. */
function nodeFailure(node: KedroNode, rules: NodeRules): null | PyValue {
  if (node.name !== null && !VALID_NODE_NAME.test(node.name)) {
    return raises(`ValueError: '${node.name}' is not a valid node name. It must contain only letters, digits, hyphens, underscores and/or fullstops.`)
  }

  const badTag = rules.tagsChecked ? node.tags?.find((tag) => !VALID_NODE_NAME.test(tag)) : undefined
  if (badTag !== undefined) return raises(`ValueError: '${badTag}' is not a valid node tag. It must contain only letters, digits, hyphens, underscores and/or fullstops.`)
  if (node.outputs && new Set(node.outputs).size < node.outputs.length) return raises(`ValueError: Failed to create node ${qualifiedName(node)} due to duplicate output(s)`)
  const plain = (name: string) => (rules.transcodedSelfLoops ? stripTranscoding(name) : name)
  const outputs = new Set(node.outputs?.map((name) => plain(name)))
  const common = node.inputs?.map((name) => plain(name)).filter((name) => outputs.has(name)) ?? []
  return common.length > 0 ? raises(`ValueError: Failed to create node ${qualifiedName(node)}. A node cannot have the same inputs and outputs: ${common.join(', ')}`) : null
}

/** What a node() call leaves unsure: a function that nothing binds, a name or namespace that is not a string. */
function noteNodeDoubts(func: PyValue | undefined, name: PyValue | undefined, namespace: PyValue | undefined, note: Note): void {
  // A function named but bound nowhere: Python raises NameError there, and the registry with it (kedro then sends
  // only "CLI command"), unless something this reading does not follow binds it.
  if (func?.kind === 'unknown' && func.unbound) note(`a node's func: ${reasonOf(func)}: unless something binds it as the module runs, Python raises NameError and loading the pipelines fails`, true)
  for (const [what, value] of [['name', name], ['namespace', namespace]] as const) {
    if (value && value.kind !== 'str' && value.kind !== 'none') note(`a node's ${what}: ${value.kind === 'unknown' ? reasonOf(value) : 'not a string'}`)
  }
}

/**
 * node(func, inputs, outputs, *, name, tags, ...) as the release declares it (its other parameters, such as 1.5.0's
 * preview_fn, change nothing counted here); the function is read as source text only.
 */
function makeNode(call: string, signature: PySignature, args: PyValue[], keywords: Map<string, PyValue>, texts: ArgumentTexts, note: Note, rules: NodeRules): PyValue {
  const refused = signatureError(call, signature, args.length, [...keywords.keys()])
  if (refused) return raises(refused)
  const parameter = (index: number, keyword: string) => args[index] ?? keywords.get(keyword)
  const funcText = texts.keywords.get('func') ?? texts.positional[0]
  if (funcText === undefined || parameter(1, 'inputs') === undefined || parameter(2, 'outputs') === undefined) {
    return raises(`TypeError: ${call}() missing a required argument (func, inputs or outputs)`)
  }

  const name = keywords.get('name')
  const namespace = keywords.get('namespace')
  noteNodeDoubts(args[0] ?? keywords.get('func'), name, namespace, note)
  const node: KedroNode = {
    // Kedro names an unnamed node after its function's __name__: `nodes.split` is `split`.
    func: funcText.split('.').at(-1)!.trim(),
    inputs: datasetNames(parameter(1, 'inputs'), note),
    name: name?.kind === 'str' ? name.value : null,
    namespace: namespace?.kind === 'str' ? namespace.value : null,
    outputs: datasetNames(parameter(2, 'outputs'), note),
    tags: tagsOf(keywords.get('tags')),
  }
  return nodeFailure(node, rules) ?? {kind: 'node', node}
}

/** A `tags=` argument: a string or a list of strings; null when it cannot be read (filtering by tags is then unsure). */
function tagsOf(value: PyValue | undefined): null | string[] {
  if (value === undefined || value.kind === 'none') return []
  if (value.kind === 'str') return [value.value]
  return value.kind === 'list' && value.items.every((item) => item.kind === 'str') ? value.items.map((item) => (item as {value: string}).value) : null
}

/** _get_dataset_names_mapping / _get_param_names_mapping: str or set kept as is, dict renamed. */
function mappingOf(value: PyValue | undefined, note: Note, parameters: boolean): Map<string, string> {
  const mapping = new Map<string, string>()
  const normal = (name: string) => (!parameters || name === 'parameters' || name.startsWith('params:') ? name : `params:${name}`)
  const add = (from: string, to: string) => mapping.set(normal(from), from === 'parameters' && parameters ? from : normal(to))
  if (!value || value.kind === 'none') return mapping
  if (value.kind === 'str') {
    add(value.value, value.value)
  } else if (value.kind === 'list' && value.items.every((item) => item.kind === 'str')) {
    for (const item of value.items) add((item as {value: string}).value, (item as {value: string}).value)
  } else if (value.kind === 'dict' && value.entries.every(([key, item]) => key.kind === 'str' && item.kind === 'str')) {
    for (const [key, item] of value.entries) add((key as {value: string}).value, (item as {value: string}).value)
  } else {
    note(value.kind === 'unknown' ? reasonOf(value) : 'a pipeline() mapping that is not a literal')
  }

  return mapping
}

/** Pipeline._rename: a mapped name, `parameters` as is, a mapped transcoding base, then the namespace prefix. */
function renameDataset(name: string, mapping: Map<string, string>, namespace: null | string, prefix: boolean): string {
  if (mapping.has(name)) return mapping.get(name)!
  if (name === 'parameters') return name
  const [base, suffix] = name.split('@')
  if (suffix !== undefined && mapping.has(base)) return `${mapping.get(base)}@${suffix}`
  if (!prefix || !namespace) return name
  if (name.startsWith('params:')) return `params:${namespace}.${name.slice('params:'.length)}`
  return `${namespace}.${name}`
}

/** _validate_datasets_exist and _validate_inputs_outputs: the PipelineError Kedro raises, or null. */
function checkMapping(nodes: KedroNode[], inputs: Map<string, string>, outputs: Map<string, string>, parameters: Map<string, string>): null | PyValue {
  if (!nodes.every((node) => isKnown(node))) return null
  const allInputs = nodes.flatMap((node) => node.inputs)
  const allOutputs = nodes.flatMap((node) => node.outputs)
  const existing = new Set([...allInputs, ...allOutputs].map((name) => stripTranscoding(name)))
  const wanted = [...[...inputs.keys(), ...outputs.keys()].map((name) => stripTranscoding(name)), ...parameters.keys()]
  const missing = [...new Set(wanted.filter((name) => !existing.has(name)))].sort()
  if (missing.length > 0) return raises(`PipelineError: Failed to map datasets and/or parameters onto the nodes provided: ${missing.join(', ')}`)
  const mappedInputs = [...inputs.keys()].map((name) => stripTranscoding(name))
  if (mappedInputs.some((name) => name === 'parameters' || name.startsWith('params:'))) {
    return raises("PipelineError: Parameters should be specified in the 'parameters' argument")
  }

  const produced = new Set(allOutputs.map((name) => stripTranscoding(name)))
  const consumed = new Set(allInputs.map((name) => stripTranscoding(name)))
  const free = new Set([...consumed].filter((name) => !produced.has(name)))
  if (!mappedInputs.every((name) => free.has(name))) return raises('PipelineError: Inputs must not be outputs from another node in the same pipeline')
  if ([...outputs.keys()].some((name) => free.has(stripTranscoding(name)))) return raises('PipelineError: All outputs must be generated by some node within the pipeline')
  return null
}

/** The nodes of Pipeline()'s first argument (a pipeline, or a list of nodes and pipelines), or the pipeline it makes. */
function nodesGiven(call: string, signature: PySignature, args: PyValue[], keywords: Map<string, PyValue>, note: Note): KedroNode[] | PyValue {
  // The first parameter is `pipe` (Kedro 0.18/0.19's pipeline()) or `nodes`.
  const given = args[0] ?? keywords.get(signature.positional[0])
  if (given === undefined) return raises(`TypeError: ${call}() missing 1 required positional argument: '${signature.positional[0]}'`)
  if (given.kind === 'none') return raises("ValueError: 'nodes' argument of 'Pipeline' is None")
  if (given.kind === 'unknown') {
    // Nothing of it is known: an empty pipeline, marked estimated, whatever the other arguments say.
    note(reasonOf(given))
    return pipelineOf([])
  }

  if (given.kind !== 'pipeline' && given.kind !== 'list') return raises(`TypeError: '${typeName(given)}' object is not iterable`)
  const nodes: KedroNode[] = []
  for (const part of given.kind === 'pipeline' ? [given] : given.items) {
    if (part.kind === 'node') nodes.push(part.node)
    else if (part.kind === 'pipeline') nodes.push(...part.nodes.values())
    else if (part.kind === 'unknown') note(reasonOf(part))
    else return raises(`AttributeError: '${typeName(part)}' object has no attribute 'nodes'`)
  }

  return nodes
}

/** Pipeline(..., tags=...): every node gets the pipeline's tags too (unknown tags make every node's unknown). */
function withTags(nodes: KedroNode[], tagsValue: PyValue | undefined): KedroNode[] {
  const extraTags = tagsOf(tagsValue)
  if (extraTags !== null && extraTags.length === 0) return nodes
  return nodes.map((node) => ({...node, tags: extraTags === null || node.tags === null ? null : [...new Set([...node.tags, ...extraTags])]}))
}

/** The namespace Pipeline() puts its nodes in, or null; one that is not a string is noted. */
function namespaceOf(value: PyValue | undefined, note: Note): null | string {
  if (value && !stops(value) && value.kind !== 'str' && value.kind !== 'none') note('a pipeline namespace that is not a string')
  if (value?.kind === 'unknown') note(reasonOf(value))
  return value?.kind === 'str' && value.value !== '' ? value.value : null
}

/**
 * Pipeline(nodes, *, inputs, outputs, parameters, tags, namespace, prefix_datasets_with_namespace), and pipeline()
 * (`pipe=`). Parts that cannot be read are left out with a note, so the count is a lower bound marked estimated.
 */
function makePipeline(call: string, signature: PySignature, args: PyValue[], keywords: Map<string, PyValue>, {note, rules}: {note: Note; rules: NodeRules}): PyValue {
  const refused = signatureError(call, signature, args.length, [...keywords.keys()])
  if (refused) return raises(refused)
  const given = nodesGiven(call, signature, args, keywords, note)
  if (!Array.isArray(given)) return given
  const failure = checkNodes(given, true)
  if (failure) return failure
  const nodes = withTags(given, keywords.get('tags'))
  const namespace = namespaceOf(keywords.get('namespace'), note)
  const inputs = mappingOf(keywords.get('inputs'), note, false)
  const outputs = mappingOf(keywords.get('outputs'), note, false)
  const parameters = mappingOf(keywords.get('parameters'), note, true)
  if (!namespace && inputs.size === 0 && outputs.size === 0 && parameters.size === 0) return pipelineOf(nodes)
  const mappingFailure = checkMapping(nodes, inputs, outputs, parameters)
  if (mappingFailure) return mappingFailure
  const prefixValue = keywords.get('prefix_datasets_with_namespace')
  const prefix = prefixValue === undefined ? true : truth(prefixValue)
  if (prefix === null) note('prefix_datasets_with_namespace is not a literal')
  const mapping = new Map([...inputs, ...outputs, ...parameters])
  const rename = (names: null | string[]) => names?.map((name) => renameDataset(name, mapping, namespace, prefix ?? true)) ?? null
  const mapped = nodes.map((node) => ({
    ...node,
    inputs: rename(node.inputs),
    namespace: namespace ? (node.namespace ? `${namespace}.${node.namespace}` : namespace) : node.namespace,
    outputs: rename(node.outputs),
  }))
  // Kedro copies each node with its new names (Node._copy), and Node.__init__ checks the copy again.
  for (const node of mapped) {
    const failure = nodeFailure(node, rules)
    if (failure) return failure
  }

  return checkNodes(mapped, true) ?? pipelineOf(mapped)
}

/** The callables kedro.pipeline exports in a release, by name, with its signatures; `note` receives why a figure becomes estimated. */
export function kedroPipelineFunctions(note: Note, api: KedroPipelineApi, rules: NodeRules): Map<string, FunctionValue> {
  const functions = new Map<string, FunctionValue>()
  for (const name of ['node', 'Node'] as const) {
    const signature = api[name]
    if (signature) functions.set(name, functionValue((args, keywords, texts) => makeNode(name, signature, args, keywords, texts, note, rules), 'func'))
  }

  for (const name of ['pipeline', 'Pipeline'] as const) {
    const signature = api[name]
    if (signature) functions.set(name, functionValue((args, keywords) => makePipeline(name, signature, args, keywords, {note, rules})))
  }

  return functions
}

/** A registry value that is a pipeline: its nodes; otherwise why not. */
export function pipelineNodes(value: PyValue): Map<string, KedroNode> | string {
  if (value.kind === 'pipeline') return value.nodes
  if (value.kind === 'unknown' || value.kind === 'raises') return reasonOf(value)
  return `not a pipeline (${typeName(value)})`
}

/** The modules of kedro.pipeline this tool models, by module: name -> value. */
export function kedroModules(functions: Map<string, PyValue>): Map<string, Map<string, PyValue>> {
  const pick = (...names: string[]) => new Map(names.map((name) => [name, functions.get(name)!]))
  return new Map([
    ['kedro.pipeline.node', pick('node', 'Node')],
    ['kedro.pipeline.pipeline', pick('pipeline', 'Pipeline')],
    ['kedro.pipeline.modular_pipeline', pick('pipeline')],
  ])
}
