/**
 * The pipelines a Kedro project registers, read statically: pipeline_registry.py's register_pipelines(), with
 * find_pipelines() as Kedro implements it, and each create_pipeline() built from node(...) and pipeline(...) calls.
 * Node identity follows Kedro (name or function, inputs, outputs), so a node reached twice counts once and a
 * namespaced copy counts again. What cannot be followed makes the figures estimated, with the reasons.
 */
import path from 'node:path'

import {entryKindSync, listDirectorySync, readTextSafeSync} from '../checkout/files.js'
import {appendAll} from '../collections.js'

import {
  analysePython, callWithoutArguments, childrenOf, type Deferred, EvaluationGuard, functionsOf, importsOf, type KedroNode, lookup, type PyValue,
  runBody, runStatement, type Scope, unknown,
} from './python.js'

export interface PipelineReading {
  /** Why the figures may differ from what kedro computes; empty when they are exact. */
  estimated: string[]
  /** The Python files read, relative to the project root, in the order they were read. */
  files: string[]
  /** Why importing the registry fails (a syntax error), so that `kedro run` stops before it builds the catalog. */
  registryFails: null | string
  /** Requested pipelines that are not registered: kedro run fails before it builds the catalog. */
  missing: string[]
  /** What Kedro warns about while it loads the pipelines (a package that fails to import and is left out). */
  warnings: string[]
  numberOfNodes: null | number
  numberOfPipelines: null | number
  /** Node count per registered pipeline. */
  pipelines: Record<string, number>
}

type Pipeline = Extract<PyValue, {kind: 'pipeline'}>

export function nodeKey(node: KedroNode): string {
  return JSON.stringify([node.namespace, node.name ?? node.func, node.inputs, node.outputs])
}

function pipelineOf(nodes: KedroNode[]): Pipeline {
  return {kind: 'pipeline', nodes: new Map(nodes.map((node) => [nodeKey(node), node]))}
}

function datasetNames(value: PyValue | undefined, why: string[]): null | string[] {
  if (!value || value.kind === 'none') return []
  if (value.kind === 'str') return [value.value]
  if (value.kind === 'list' && value.items.every((item) => item.kind === 'str')) return value.items.map((item) => (item as {value: string}).value)
  if (value.kind === 'dict' && value.entries.every(([, item]) => item.kind === 'str')) return value.entries.map(([, item]) => (item as {value: string}).value)
  why.push(value.kind === 'unknown' ? value.reason : `node inputs or outputs given as ${value.kind}`)
  return null
}

/** The mapping argument of pipeline(): str, list/set (kept as is) or dict (renamed). */
function mappingOf(value: PyValue | undefined, why: string[]): Map<string, string> {
  const mapping = new Map<string, string>()
  if (!value || value.kind === 'none') return mapping
  if (value.kind === 'str') {
    mapping.set(value.value, value.value)
  } else if (value.kind === 'list') {
    for (const item of value.items) if (item.kind === 'str') mapping.set(item.value, item.value)
  } else if (value.kind === 'dict') {
    for (const [key, item] of value.entries) if (key.kind === 'str' && item.kind === 'str') mapping.set(key.value, item.value)
  } else {
    why.push(value.kind === 'unknown' ? value.reason : 'a pipeline() mapping that is not a literal')
  }

  return mapping
}

function renameDataset(name: string, mapping: Map<string, string>, namespace: null | string): string {
  if (mapping.has(name)) return mapping.get(name)!
  if (!namespace || name === 'parameters') return name
  if (name.startsWith('params:')) return `params:${namespace}.${name.slice('params:'.length)}`
  return `${namespace}.${name}`
}

interface ProjectLayout {
  packageDirectory: string
  packageName: string
  projectRoot: string
  sourceDirectory: string
}

/**
 * Evaluates the project's modules as Python imports them, synchronously (files are read as the evaluation reaches
 * them, so that an imported name can be resolved when it is first used), each module once.
 */
class ProjectEvaluator {
  readonly estimated: string[] = []
  readonly files: string[] = []
  /** What Kedro itself warns about and works around (a pipeline package that fails to import). */
  readonly warnings: string[] = []
  private readonly modules = new Map<string, Scope>()
  /** Modules whose source Python cannot compile: module name -> which file, and near which line. */
  private readonly syntaxErrors = new Map<string, string>()
  /** Modules this tool cannot follow (unreadable, or beyond its parser): module name -> why. */
  private readonly unfollowable = new Map<string, string>()
  /** One budget for the whole reading: recursion and huge modules end in Unknown, never a crash. */
  private readonly guard = new EvaluationGuard()
  /** The modules used while `importing` runs. */
  private touched: null | Set<string> = null

  constructor(private readonly layout: ProjectLayout) {}

  private note(reason: string): void {
    if (!this.estimated.includes(reason)) this.estimated.push(reason)
  }

  private builtins(): Map<string, PyValue> {
    const node: PyValue = {
      call: (args, keywords, texts) => {
        const why: string[] = []
        const name = keywords.get('name')
        const namespace = keywords.get('namespace')
        const kedroNode: KedroNode = {
          // Kedro names an unnamed node after its function's __name__: `nodes.split` is `split`.
          func: (texts.keywords.get('func') ?? texts.positional[0] ?? '?').split('.').at(-1)!.trim(),
          inputs: datasetNames(keywords.get('inputs') ?? args[1], why),
          name: name?.kind === 'str' ? name.value : null,
          namespace: namespace?.kind === 'str' ? namespace.value : null,
          outputs: datasetNames(keywords.get('outputs') ?? args[2], why),
        }
        for (const reason of why) this.note(`a node's datasets: ${reason}`)
        return pipelineOf([kedroNode])
      },
      textOnlyParameter: 'func',
      kind: 'function',
    }
    const pipeline: PyValue = {
      call: (args, keywords) => {
        const why: string[] = []
        const parts = args[0]?.kind === 'list' ? args[0].items : [args[0]]
        const nodes: KedroNode[] = []
        for (const part of parts) {
          if (part?.kind === 'pipeline') appendAll(nodes, part.nodes.values())
          else this.note(part?.kind === 'unknown' ? part.reason : 'pipeline() of something that is not a node or pipeline')
        }

        const namespaceValue = keywords.get('namespace')
        const namespace = namespaceValue?.kind === 'str' ? namespaceValue.value : null
        const mapping = new Map([
          ...mappingOf(keywords.get('inputs'), why), ...mappingOf(keywords.get('outputs'), why), ...mappingOf(keywords.get('parameters'), why),
        ])
        for (const reason of why) this.note(reason)
        if (!namespace && mapping.size === 0) return pipelineOf(nodes)
        return pipelineOf(nodes.map((item) => ({
          ...item,
          inputs: item.inputs?.map((name) => renameDataset(name, mapping, namespace)) ?? null,
          name: namespace && item.name ? `${namespace}.${item.name}` : item.name,
          namespace: namespace ? (item.namespace ? `${namespace}.${item.namespace}` : namespace) : item.namespace,
          outputs: item.outputs?.map((name) => renameDataset(name, mapping, namespace)) ?? null,
        })))
      },
      kind: 'function',
    }
    const sum: PyValue = {
      call: (args) => {
        const items = args[0]?.kind === 'list' ? args[0].items : null
        if (!items) return unknown('sum() of something not followed statically')
        const nodes: KedroNode[] = []
        for (const item of items) {
          if (item.kind === 'pipeline') appendAll(nodes, item.nodes.values())
          else return unknown(item.kind === 'unknown' ? item.reason : 'sum() of something that is not a pipeline')
        }

        return pipelineOf(nodes)
      },
      kind: 'function',
    }
    return new Map<string, PyValue>([['node', node], ['Pipeline', pipeline], ['pipeline', pipeline], ['sum', sum]])
  }

  /**
   * Runs `evaluate` and says which module it used has a syntax error, if any: importing that module raises, so
   * Python would not get to the value. (Only the modules the evaluation reads are checked: see `bindProjectImport`.)
   */
  private importing(evaluate: () => PyValue): {failure: null | string; value: PyValue} {
    const outer = this.touched
    const touched = new Set<string>()
    this.touched = touched
    try {
      const value = evaluate()
      const failed = [...touched].find((name) => this.syntaxErrors.has(name))
      // A failure is the caller's to handle (find_pipelines catches it); an enclosing import sees the rest.
      if (outer && !failed) for (const name of touched) outer.add(name)
      return {failure: failed ? this.syntaxErrors.get(failed)! : null, value}
    } finally {
      this.touched = outer
    }
  }

  /**
   * find_pipelines(): __default__ from <pkg>/pipeline.py, and one entry per folder of <pkg>/pipelines/. A module
   * that fails to import is left out with a warning, as Kedro does.
   */
  private findPipelines(): PyValue {
    const entries: [PyValue, PyValue][] = []
    const defaultModule = path.join(this.layout.packageDirectory, 'pipeline.py')
    let defaultPipeline: PyValue = pipelineOf([])
    if (this.isFile(defaultModule)) {
      const {failure, value} = this.importing(() => this.callCreatePipeline(`${this.layout.packageName}.pipeline`))
      if (failure) this.warnings.push(`${failure}: kedro's find_pipelines() warns and uses an empty __default__`)
      else defaultPipeline = value
    }

    entries.push([{kind: 'str', value: '__default__'}, defaultPipeline])
    const folder = path.join(this.layout.packageDirectory, 'pipelines')
    const listing = listDirectorySync(folder, this.layout.projectRoot)
    if (!listing.ok && entryKindSync(folder, this.layout.projectRoot) !== 'missing') this.note(`pipelines/: ${listing.reason}`)
    const names = listing.ok ? listing.entries.filter((entry) => entry.kind === 'directory').map((entry) => entry.name) : []
    for (const name of names) {
      if (name === '__pycache__' || name.startsWith('.')) continue
      const {failure, value} = this.importing(() => this.callCreatePipeline(`${this.layout.packageName}.pipelines.${name}`))
      if (failure) {
        this.warnings.push(`${failure}: kedro's find_pipelines() warns and leaves pipelines/${name} out`)
        continue
      }

      if (value.kind === 'none') continue // Kedro skips a package without create_pipeline, with a warning.
      entries.push([{kind: 'str', value: name}, value])
    }

    return {entries, kind: 'dict'}
  }

  private callCreatePipeline(moduleName: string): PyValue {
    const create = lookup(this.module(moduleName), 'create_pipeline')
    if (!create) return this.unfollowable.has(moduleName) ? unknown(this.unfollowable.get(moduleName)!) : {kind: 'none'}
    return create.kind === 'function' ? callWithoutArguments(create) : create
  }

  private isFile(file: string): boolean {
    return entryKindSync(file, this.layout.projectRoot) === 'file'
  }

  private moduleFile(moduleName: string): null | string {
    const base = path.join(this.layout.sourceDirectory, ...moduleName.split('.'))
    if (this.isFile(`${base}.py`)) return `${base}.py`
    if (this.isFile(path.join(base, '__init__.py'))) return path.join(base, '__init__.py')
    return null
  }

  /**
   * A project module's top-level functions and names, read once. Registered before it is read, so that a circular
   * import finds it (still empty) instead of reading it again.
   */
  module(moduleName: string): Scope {
    this.touched?.add(moduleName)
    let members = this.modules.get(moduleName)
    if (!members) {
      members = new Map()
      this.modules.set(moduleName, members)
      this.loadModule(moduleName, members)
    }

    return members
  }

  private loadModule(moduleName: string, members: Scope): void {
    const file = this.moduleFile(moduleName)
    if (!file) return
    const shown = path.relative(this.layout.projectRoot, file).split(path.sep).join('/')
    const read = readTextSafeSync(file, {within: this.layout.projectRoot})
    if (!read.ok) {
      this.unfollowable.set(moduleName, `${shown}: ${read.reason}`)
      this.note(`${shown}: ${read.reason}`)
      return
    }

    const {text: source} = read
    this.files.push(shown)
    const {syntax, tree} = analysePython(source)
    if (syntax.kind === 'error') {
      // Python compiles the whole module before running any of it: nothing in it is bound.
      this.syntaxErrors.set(moduleName, `${shown} has a syntax error (${syntax.message}, near line ${lineAt(source, syntax.offset)})`)
      return
    }

    if (syntax.kind === 'beyond-parser' || !tree) {
      const why = syntax.kind === 'beyond-parser' ? `${shown} holds ${syntax.reason} (near line ${lineAt(source, syntax.offset)})` : `${shown} cannot be parsed`
      this.unfollowable.set(moduleName, why)
      this.note(why)
      return
    }

    const scope: Scope = new Map()
    const isPackage = file.endsWith('__init__.py')
    for (const [local, {module, name}] of importsOf(tree, source)) {
      const absolute = module.startsWith('.') ? resolveRelative(moduleName, module, isPackage) : module
      if (absolute === 'kedro.pipeline' || absolute === 'kedro.pipeline.modular_pipeline' || absolute.startsWith('kedro.pipeline.')) {
        const builtin = this.builtins().get(name ?? '')
        if (builtin) scope.set(local, builtin)
      } else if (absolute === 'kedro.framework.project' && name === 'find_pipelines') {
        scope.set(local, {call: () => this.findPipelines(), kind: 'function'})
      } else if (absolute === this.layout.packageName || absolute.startsWith(`${this.layout.packageName}.`)) {
        this.bindProjectImport(scope, local, absolute, name)
      }
    }

    scope.set('sum', this.builtins().get('sum')!)
    // Top-level statements in order: functions and simple assignments bind names (e.g. a base pipeline reused below).
    const functions = functionsOf(tree, source)
    for (const statement of childrenOf(tree.topNode)) {
      if (statement.name === 'AssignStatement') runStatement(statement, {guard: this.guard, scope, source})

      const definition = statement.name === 'DecoratedStatement' ? childrenOf(statement).find((child) => child.name === 'FunctionDefinition') : statement
      const nameNode = definition?.name === 'FunctionDefinition' ? childrenOf(definition).find((child) => child.name === 'VariableName') : undefined
      const name = nameNode ? source.slice(nameNode.from, nameNode.to) : undefined
      const body = name ? functions.get(name) : undefined
      if (name && body) {
        let running = false
        const value: PyValue = {
          call: () => {
            // Python would recurse until RecursionError, unless a condition this tool does not evaluate stops it.
            if (running) return unknown(`${name}() in ${shown} calls itself (recursion), which is not followed statically`)
            running = true
            try {
              return runBody(body, {guard: this.guard, scope: new Map(scope), source})
            } finally {
              running = false
            }
          },
          kind: 'function',
        }
        scope.set(name, value)
        members.set(name, value)
      }
    }

    for (const [name, value] of scope) if (!members.has(name)) members.set(name, value)
  }

  private bindProjectImport(scope: Scope, local: string, module: string, name: null | string): void {
    if (name === null) return
    // `from pkg.pipelines import data_processing as dp` imports a module; `from .pipeline import create_pipeline` a name.
    const submodule = `${module}.${name}`
    if (this.moduleFile(submodule)) {
      for (const [member, value] of this.module(submodule)) scope.set(`${local}.${member}`, value)
      return
    }

    let value: PyValue | undefined
    let resolving = false
    const deferred: Deferred = {
      kind: 'deferred',
      resolve: () => {
        if (value) return value
        if (resolving) return unknown(`${name} is imported in a cycle from ${module}`)
        resolving = true
        value = lookup(this.module(module), name)
          ?? unknown(this.unfollowable.get(module) ?? `${name} is not bound in ${module} by a simple assignment, import or def`)
        return value
      },
    }
    scope.set(local, deferred)
  }

  /** register_pipelines(), or why importing the registry fails. */
  registry(): {failure: null | string; value: PyValue} {
    return this.importing(() => {
      const registryModule = `${this.layout.packageName}.pipeline_registry`
      const register = lookup(this.module(registryModule), 'register_pipelines')
      if (!register || register.kind !== 'function') return unknown(this.unfollowable.get(registryModule) ?? 'no register_pipelines() in pipeline_registry.py')
      return callWithoutArguments(register)
    })
  }
}

function resolveRelative(current: string, relative: string, isPackage: boolean): string {
  const dots = /^\.+/.exec(relative)![0].length
  const base = current.split('.')
  const parent = base.slice(0, base.length - (isPackage ? dots - 1 : dots))
  const rest = relative.slice(dots)
  return rest ? [...parent, rest].join('.') : parent.join('.')
}

function lineAt(source: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (source.charCodeAt(i) === 10) line++
  return line
}

/**
 * Registered pipelines and the node count of __default__. `requested` are the pipelines `kedro run` asks for: any
 * that is not registered is reported in `missing`; from Kedro 1.5.0 on, only those pipelines are loaded, with
 * __default__ as their sum.
 */
export async function readPipelines(options: {
  /** Kedro 1.5.0+: `--pipeline(s)` makes find_pipelines() load only those (see releases.ts). */
  loadsRequestedOnly?: boolean; packageName: string; projectRoot: string; requested?: string[]; sourceDir?: string
}): Promise<PipelineReading> {
  const sourceDirectory = path.join(options.projectRoot, options.sourceDir ?? 'src')
  const layout = {
    packageDirectory: path.join(sourceDirectory, ...options.packageName.split('.')), packageName: options.packageName,
    projectRoot: options.projectRoot, sourceDirectory,
  }
  const evaluator = new ProjectEvaluator(layout)
  const {failure, value: registry} = evaluator.registry()
  if (failure || registry.kind !== 'dict') {
    const why = failure ?? (registry.kind === 'unknown' ? registry.reason : 'register_pipelines() does not return a dict literal')
    return {
      estimated: [why], files: evaluator.files, missing: [], numberOfNodes: null, numberOfPipelines: null, pipelines: {},
      registryFails: failure, warnings: evaluator.warnings,
    }
  }

  let entries = registry.entries.flatMap(([key, value]) => (key.kind === 'str' ? [[key.value, value] as const] : []))
  if (entries.length !== registry.entries.length) evaluator.estimated.push('a pipeline name that is not a string literal')
  const missing = (options.requested ?? []).filter((name) => !entries.some(([registered]) => registered === name))
  if (options.requested && options.loadsRequestedOnly) {
    const picked = entries.filter(([name]) => options.requested!.includes(name) && name !== '__default__')
    const nodes = picked.flatMap(([, value]) => (value.kind === 'pipeline' ? [...value.nodes.values()] : []))
    entries = [...picked, ['__default__', pipelineOf(nodes)]]
  }

  const pipelines: Record<string, number> = {}
  for (const [name, value] of entries) {
    if (value.kind === 'pipeline') pipelines[name] = value.nodes.size
    else evaluator.estimated.push(`pipeline ${name}: ${value.kind === 'unknown' ? value.reason : `not a pipeline (${value.kind})`}`)
  }

  const defaultPipeline = entries.find(([name]) => name === '__default__')?.[1]
  return {
    estimated: evaluator.estimated,
    files: evaluator.files,
    missing,
    registryFails: null,
    warnings: evaluator.warnings,
    numberOfNodes: defaultPipeline?.kind === 'pipeline' ? defaultPipeline.nodes.size : null,
    numberOfPipelines: entries.length,
    pipelines,
  }
}
