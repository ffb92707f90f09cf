/**
 * The pipelines a Kedro project registers, read statically: pipeline_registry.py's register_pipelines(), with
 * find_pipelines() as the Kedro release implements it, and each create_pipeline() built from node(...) and
 * pipeline(...) calls. Project modules are imported as Python imports them (parent packages first, each once, an
 * import that fails failing the module that makes it), so that a syntax error anywhere on the way is seen where
 * Kedro sees it. What cannot be followed makes the figures estimated, with the reasons.
 */
import path from 'node:path'

import type {SyntaxNode} from '@lezer/common'

import {kedroConfigMembers, kedroSettingsValue, type LoaderScene} from './user-config-loader.js'
import {pathModules} from '../python/paths.js'
import {projectPathScene} from './project-paths.js'
import {entryKindSync, listDirectorySync, readTextSafeSync} from '../checkout/files.js'
import {kedro, type KedroRelease, NEWEST_KNOWN} from '../releases/releases.js'
import {kedroModules, kedroPipelineFunctions, nodeRulesFor, pipelineNodes} from './kedro-pipeline.js'
import {kedroImportFailure, pipelineApiFor} from './pipeline-api.js'
import {STDLIB_MODULES} from '../python/stdlib.js'
import {installedImport, installedIn, KEDRO_DEPENDENCIES, resolveRelativeImport} from './importable.js'
import type {KedroPipelineApi} from '../masking/structures.js'
import {
  analysePython, callWithoutArguments, childrenOf, EvaluationGuard, functionValue, importsOf, locator, PYTHON_MODULES, type PyValue, raises, runStatement,
  type Scope, stops, unknown,
} from '../python/evaluator.js'
import {pythonRelease} from '../python/syntax.js'
import {type KedroNode, iterate, reasonOf, str, truth, typeName} from '../python/values.js'
import {filterPipeline, type RunFilters} from './pipeline-filter.js'
import {type PipelineReading, type ProjectLayout, projectLayout} from './pipeline-reading.js'

export {type PipelineReading, type ProjectLayout, projectLayout} from './pipeline-reading.js'

/** A project module as far as importing it got. */
interface ModuleRecord {
  /** Some top-level statement could not be followed: a name it would bind may be missing here. */
  complete: boolean
  /** Why importing it raises (Python's exception), or null. */
  failure: null | string
  /** It is being imported: a circular import sees it as far as it got. */
  loading: boolean
  name: string
  scope: Scope
}

/** A folder without `__init__.py`: Python imports it as a namespace package, with no code to read. */
const NAMESPACE_PACKAGE = Symbol('namespace package')
/** The file Python imports for a module, a namespace package, or null when there is none. */
type ModuleFile = null | string | typeof NAMESPACE_PACKAGE

/**
 * Evaluates the project's modules as Python imports them, synchronously, each module once, under one evaluation
 * budget for the whole reading (recursion and huge modules end in Unknown, never a crash).
 */
export class ProjectEvaluator {
  private readonly notes: string[] = []
  readonly mayRaise: string[] = []
  /** Third-party packages each module imports, when no environment was read to say whether they are installed. */
  private readonly mayLack = new Map<string, string[]>()
  readonly files: string[] = []
  /** Where each module read stopped with an exception (the offset of the statement that raised): nothing after it ran. */
  readonly stoppedAt = new Map<string, number>()
  /** What Kedro itself warns about and works around (a pipeline package that fails to import). */
  readonly warnings: string[] = []
  private readonly guard = new EvaluationGuard()
  private readonly api: KedroPipelineApi
  /** The module whose imports are being bound, to name it in a note. */
  private importing: null | string = null
  private readonly apiEstimated: null | string
  private readonly kedroFunctions: Map<string, PyValue>
  private readonly moduleFiles = new Map<string, ModuleFile>()
  private readonly modules = new Map<string, ModuleRecord>()
  /** pathlib and os, where kedro's working directory is known. */
  private readonly pathModules: Map<string, Map<string, PyValue>>
  private readonly python: [number, number] | null

  /** The project's source folder, which kedro puts first on sys.path (one array, so that its reads are cached). */
  private readonly sourceFolders: string[]

  constructor(
    private readonly layout: ProjectLayout,
    private readonly kedro: KedroRelease,
    /** The pipelines a command asks for, which Kedro 1.5.0+ passes to find_pipelines(); null for all. */
    private readonly requested: null | string[],
    pythonVersion: null | string,
    /** The site-packages folders of the environment kedro runs in, or null when none was read. */
    private readonly sitePackages: null | string[] = null,
    /** Where kedro runs and with what environment: what a loader the project's code creates reads; null when not known. */
    private readonly scene: LoaderScene | null = null,
  ) {
    const {api, estimated} = pipelineApiFor(kedro.version)
    this.api = api
    this.apiEstimated = estimated
    this.kedroFunctions = kedroPipelineFunctions((reason, mayRaise) => this.note(reason, mayRaise), api, nodeRulesFor(kedro.version))
    this.python = pythonRelease(pythonVersion)
    this.sourceFolders = [layout.sourceDirectory]
    this.pathModules = pathModules(scene && projectPathScene(scene.projectRoot, scene.workingDirectory), process.platform)
  }

  /** `mayRaise`: if what is unsure holds, Python raises there and loading the registry fails. */
  note(reason: string, mayRaise = false): void {
    if (mayRaise && !this.mayRaise.includes(reason)) this.mayRaise.push(reason)
    if (!this.notes.includes(reason)) this.notes.push(reason)
  }

  /** Each module's third-party imports that an environment not read may lack. */
  get unsureImports(): [string, string[]][] {
    return [...this.mayLack]
  }

  /** Why the figures are estimated: the notes, and the packages the environment may lack, said once for all. */
  get estimated(): string[] {
    if (this.mayLack.size === 0) return this.notes
    const imports = [...this.mayLack].map(([module, packages]) => `${module} imports ${packages.join(', ')}`).join('; ')
    return [...this.notes, `${imports}, which the environment (not read) may lack: a module that fails to import is left out, or raises`]
  }

  private isFile(file: string): boolean {
    return entryKindSync(file, this.layout.projectRoot) === 'file'
  }

  private isDirectory(file: string): boolean {
    return entryKindSync(file, this.layout.projectRoot) === 'directory'
  }

  /** The file Python imports for a project module: `name.py`, or `name/__init__.py`; a bare folder is a namespace package. */
  private moduleFile(moduleName: string): ModuleFile {
    // Asked again for each import of the module: each answer costs a few lstat calls.
    const known = this.moduleFiles.get(moduleName)
    if (known !== undefined) return known
    const base = path.join(this.layout.sourceDirectory, ...moduleName.split('.'))
    let file: ModuleFile = null
    if (this.isFile(path.join(base, '__init__.py'))) file = path.join(base, '__init__.py')
    else if (this.isFile(`${base}.py`)) file = `${base}.py`
    else if (this.isDirectory(base)) file = NAMESPACE_PACKAGE
    this.moduleFiles.set(moduleName, file)
    return file
  }

  private exists(moduleName: string): boolean {
    return this.moduleFile(moduleName) !== null
  }

  /**
   * `import a.b.c`: a, a.b, then a.b.c, each run once; registered before it runs, so that a circular import finds it
   * as far as it got (as Python does). A failure anywhere on the way is the import's failure.
   */
  importModule(moduleName: string): ModuleRecord {
    const parts = moduleName.split('.')
    let record: ModuleRecord | undefined
    for (let length = 1; length <= parts.length; length++) {
      const name = parts.slice(0, length).join('.')
      record = this.modules.get(name)
      if (!record) {
        record = {complete: true, failure: null, loading: true, name, scope: new Map()}
        this.modules.set(name, record)
        this.runModule(record)
        record.loading = false
      }

      if (record.failure) return {...record, failure: record.failure}
    }

    return record!
  }

  private runModule(record: ModuleRecord): void {
    const file = this.moduleFile(record.name)
    if (file === NAMESPACE_PACKAGE) return
    if (file === null) {
      record.failure = `ModuleNotFoundError: No module named '${record.name}'`
      return
    }

    const shown = path.relative(this.layout.projectRoot, file).split(path.sep).join('/')
    const read = readTextSafeSync(file, {within: this.layout.projectRoot})
    if (!read.ok) {
      record.complete = false
      this.note(`${shown}: ${read.reason}`)
      return
    }

    const source = read.text
    this.files.push(shown)
    const {syntax, tree} = analysePython(source, this.python)
    if (syntax.kind === 'error') {
      // Python compiles the whole module before running any of it: nothing in it is bound.
      record.failure = `${shown} has a syntax error (${syntax.message}, near line ${lineAt(source, syntax.offset)})`
      this.stoppedAt.set(shown, -1)
      return
    }

    if (syntax.kind === 'beyond-parser' || !tree) {
      record.complete = false
      this.note(syntax.kind === 'beyond-parser' ? `${shown} holds ${syntax.reason} (near line ${lineAt(source, syntax.offset)})` : `${shown} cannot be parsed`)
      return
    }

    if (syntax.kind === 'version-dependent') this.note(`${shown} holds ${syntax.reason} (near line ${lineAt(source, syntax.offset)}): it is read as compiling`)
    const isPackage = file.endsWith('__init__.py')
    // What Python binds in every module before it runs: its name and, imported from the source folder, its file.
    record.scope.set('__name__', str(record.name))
    record.scope.set('__file__', str(file))
    const context = {
      bindImports: (statement: SyntaxNode, scope: Scope) => this.bindImports(statement, scope, record.name, isPackage, source),
      guard: this.guard, locate: locator(shown, source), scope: record.scope, source, where: shown,
    }
    for (const statement of childrenOf(tree.topNode)) {
      const completion = runStatement(statement, context)
      if (completion?.kind !== 'return') continue
      if (completion.value.kind === 'raises') {
        // An import that fails names the module where it failed; anything else is this module's own exception.
        record.failure = statement.name === 'ImportStatement' ? completion.value.error : `${shown}: ${completion.value.error}`
        this.stoppedAt.set(shown, statement.from)
        return
      }

      // A top-level statement not followed (a try, a loop): the module goes on; what it binds stays unknown.
      if (completion.value.kind === 'unknown') record.complete = false
    }
  }

  /** What one import statement binds in `scope`; the exception it raises, or null. */
  private bindImports(statement: SyntaxNode, scope: Scope, current: string, isPackage: boolean, source: string): null | PyValue {
    this.importing = current
    for (const [local, {module, name}] of importsOf(statement, source)) {
      const absolute = module.startsWith('.') ? resolveRelativeImport(current, module, isPackage) : module
      const failure = this.bindImport(scope, local, absolute, name)
      if (failure) return failure
    }

    return null
  }

  private bindImport(scope: Scope, local: string, module: string, name: null | string): null | PyValue {
    const {packageName} = this.layout
    if (module === packageName || module.startsWith(`${packageName}.`)) return this.bindProjectImport(scope, local, module, name)
    if (module === 'kedro.pipeline') return this.bindKedroPipelineImport(scope, local, name)

    const project = module === 'kedro.framework.project' ? this.kedroProjectMember(name) : undefined
    if (project) {
      scope.set(local, project)
      return null
    }

    const missing = kedroImportFailure(this.kedro.version, module, name)
    if (missing) return missing
    const members = this.libraryMembers(module)
    if (members && name === null) scope.set(local, {kind: 'module', members, name: module})
    else if (members && name !== '*') scope.set(local, members.get(name!) ?? unknown(`${module}.${name} is not followed statically`))
    // Anything else (a third-party package, typing) binds nothing: a name used from it is Unknown. Whether it imports
    // at all depends on the environment: a pipeline module whose import fails is left out (or raises).
    return this.thirdPartyImport(module, name)
  }

  /** `from kedro.framework.project import find_pipelines` (or `settings`), as modelled here; undefined for another name. */
  private kedroProjectMember(name: null | string): PyValue | undefined {
    if (name === 'find_pipelines') return functionValue((args, keywords) => this.findPipelines(args, keywords))
    return name === 'settings' ? kedroSettingsValue(this.scene) : undefined
  }

  /** The members of a module of Kedro's or the standard library's that are modelled here, by name. */
  private libraryMembers(module: string): Map<string, PyValue> | undefined {
    if (module === 'kedro.config') return kedroConfigMembers(this.kedro, this.scene, this.python)
    return kedroModules(this.kedroFunctions).get(module) ?? this.pathModules.get(module) ?? PYTHON_MODULES.get(module)
  }

  /** `kedro.pipeline`: what the release exports; a project whose Kedro's signatures are borrowed says so. */
  private bindKedroPipelineImport(scope: Scope, local: string, name: null | string): null | PyValue {
    if (this.apiEstimated) this.note(this.apiEstimated)
    const members = new Map(this.api.exports.map((member) => [member, this.kedroFunctions.get(member) ?? unknown(`kedro.pipeline.${member} is not followed statically`)]))
    if (name === null) scope.set(local, {kind: 'module', members, name: 'kedro.pipeline'})
    else if (name === '*') for (const [member, value] of members) scope.set(member, value)
    else if (members.has(name)) scope.set(local, members.get(name)!)
    else return raises(`ImportError: cannot import name '${name}' from 'kedro.pipeline' (Kedro ${this.kedro.version})`)
    return null
  }

  /** A module neither the standard library, Kedro (and what it depends on) nor the project provides. */
  private thirdPartyImport(module: string, name: null | string): null | PyValue {
    const top = module.split('.')[0]
    if (STDLIB_MODULES.has(top) || KEDRO_DEPENDENCIES.has(top) || top === this.layout.packageName.split('.')[0]) return null
    // bootstrap_project puts the source folder first on sys.path: a module beside the package (src/utils.py) wins.
    if (installedIn(top, this.sourceFolders)) return installedImport(module, name, this.sourceFolders, this.layout.projectRoot)
    if (this.sitePackages === null) {
      const importing = this.importing ?? 'a module'
      const packages = this.mayLack.get(importing) ?? []
      if (!packages.includes(top)) this.mayLack.set(importing, [...packages, top])
      return null
    }

    if (!installedIn(top, this.sitePackages)) return raises(`ModuleNotFoundError: No module named '${top}'`)
    return installedImport(module, name, this.sitePackages, this.layout.projectRoot)
  }

  /** `from pkg.x import y` (a name, else the submodule pkg.x.y), `import pkg.x as y`, `from pkg.x import *`. */
  private bindProjectImport(scope: Scope, local: string, module: string, name: null | string): null | PyValue {
    const record = this.importModule(module)
    if (record.failure) return raises(record.failure)
    const moduleValue = (of: ModuleRecord): PyValue => ({kind: 'module', members: of.scope, name: of.name})
    if (name === null) {
      scope.set(local, moduleValue(record))
      return null
    }

    if (name === '*') {
      for (const [member, value] of record.scope) if (!member.startsWith('_')) scope.set(member, value)
      if (!record.complete) this.note(`from ${module} import *: ${module} is not followed completely`)
      return null
    }

    const bound = record.scope.get(name)
    if (bound) {
      scope.set(local, bound)
      return null
    }

    const submodule = `${module}.${name}`
    if (this.exists(submodule)) {
      const child = this.importModule(submodule)
      if (child.failure) return raises(child.failure)
      scope.set(local, moduleValue(child))
      return null
    }

    if (!record.complete) {
      scope.set(local, unknown(`${name} is not bound in ${module} as far as it is followed`))
      return null
    }

    const partial = record.loading ? ` from partially initialized module '${module}' (most likely due to a circular import)` : ` from '${module}'`
    return raises(`ImportError: cannot import name '${name}'${partial}`)
  }

  /**
   * find_pipelines(raise_errors=False[, pipelines_to_find]) as the release implements it: __default__ from
   * <pkg>/pipeline.py, one entry per folder of <pkg>/pipelines/; a package that fails to import is left out with a
   * warning (or raises, with raise_errors); from 1.5.0 only the requested pipelines are imported.
   */
  /** find_pipelines()'s arguments as the release takes them: whether it raises, and which pipelines it loads (null: all). */
  private findPipelinesArguments(args: PyValue[], keywords: Map<string, PyValue>): PyValue | {filter: null | string[]; raiseErrors: boolean} {
    const raiseValue = args[0] ?? keywords.get('raise_errors')
    const raiseErrors = raiseValue ? truth(raiseValue) : false
    if (raiseErrors === null) return unknown(`find_pipelines(raise_errors=...) with a ${typeName(raiseValue)}`)
    const filterValue = args[1] ?? keywords.get('pipelines_to_find')
    if (!this.kedro.loadsRequestedPipelinesOnly) {
      return filterValue ? raises("TypeError: find_pipelines() got an unexpected argument 'pipelines_to_find'") : {filter: null, raiseErrors}
    }

    if (this.requested) return {filter: this.requested, raiseErrors}
    if (!filterValue || filterValue.kind === 'none') return {filter: null, raiseErrors}
    const items = iterate(filterValue)
    if (!Array.isArray(items)) return items
    if (!items.every((item) => item.kind === 'str')) return unknown('find_pipelines(pipelines_to_find=...) with names not known')
    return {filter: items.map((item) => (item as {value: string}).value), raiseErrors}
  }

  /** `__default__` from the package's own pipeline.py (Kedro's find_pipelines), or an empty one. */
  private defaultPipeline(failed: (module: string, why: string, leftOut: string) => null | PyValue): PyValue {
    const moduleName = `${this.layout.packageName}.pipeline`
    if (!this.exists(moduleName)) return {kind: 'pipeline', nodes: new Map()}
    const record = this.importModule(moduleName)
    if (record.failure) return failed(moduleName, record.failure, 'uses an empty __default__') ?? {kind: 'pipeline', nodes: new Map()}
    const created = this.createPipeline(record)
    return created.kind === 'raises' || created.kind === 'pipeline' || created.kind === 'unknown' ? created : {kind: 'pipeline', nodes: new Map()}
  }

  private findPipelines(args: PyValue[], keywords: Map<string, PyValue>): PyValue {
    const parsed = this.findPipelinesArguments(args, keywords)
    if ('kind' in parsed) return parsed
    const {filter, raiseErrors} = parsed
    const loadAll = filter === null || filter.includes('__default__')
    const requested = loadAll ? null : new Set(filter)
    const entries: [PyValue, PyValue][] = []
    const failed = (moduleName: string, why: string, leftOut: string): null | PyValue => {
      if (raiseErrors) return raises(`ImportError: An error occurred while importing the '${moduleName}' module (${why})`)
      this.warnings.push(`${why}: kedro's find_pipelines() warns and ${leftOut}`)
      return null
    }

    if (loadAll) {
      const defaultPipeline = this.defaultPipeline(failed)
      if (defaultPipeline.kind === 'raises') return defaultPipeline
      entries.push([{kind: 'str', value: '__default__'}, defaultPipeline])
    }

    return this.pipelinePackages(requested, entries, failed, raiseErrors)
  }

  /** find_pipelines() over pipelines/: each package's pipeline added to `entries`, or what stops it. */
  private pipelinePackages(
    requested: null | Set<string>, entries: [PyValue, PyValue][], failed: (module: string, why: string, leftOut: string) => null | PyValue, raiseErrors: boolean,
  ): PyValue {
    const {packageName} = this.layout
    const folder = path.join(this.layout.packageDirectory, 'pipelines')
    const listing = listDirectorySync(folder, this.layout.projectRoot)
    if (!listing.ok) {
      if (entryKindSync(folder, this.layout.projectRoot) !== 'missing') this.note(`pipelines/: ${listing.reason}`)
      else if (requested) return failed(`${packageName}.pipelines`, `Pipeline(s) not found: ${[...requested].sort().join(', ')}`, 'returns no pipelines') ?? {entries: [], kind: 'dict'}
      return {entries, kind: 'dict'}
    }

    const seen = new Set<string>()
    // iterdir() order is the file system's; the dict's order does not change what is sent.
    for (const entry of listing.entries) {
      if (!isPipelinePackage(entry, requested)) continue
      seen.add(entry.name)
      const stop = this.addPackagePipeline(entry.name, entries, failed, raiseErrors)
      if (stop) return stop
    }

    // The names are not repeated: masking hides them in the request, and previews get pasted into tickets.
    const unseen = requested ? [...requested].filter((name) => !seen.has(name)) : []
    const missing = unseen.length > 0
      ? failed(`${packageName}.pipelines`, `${unseen.length} requested pipeline${unseen.length === 1 ? ' has' : 's have'} no package in pipelines/`, 'returns nothing for it')
      : null
    return missing ?? {entries, kind: 'dict'}
  }

  /** pipelines/<name>: its create_pipeline()'s pipeline added to `entries`, or what stops find_pipelines(). */
  private addPackagePipeline(
    name: string, entries: [PyValue, PyValue][], failed: (module: string, why: string, leftOut: string) => null | PyValue, raiseErrors: boolean,
  ): null | PyValue {
    const moduleName = `${this.layout.packageName}.pipelines.${name}`
    const record = this.importModule(moduleName)
    if (record.failure) return failed(moduleName, record.failure, `leaves pipelines/${name} out`)
    const created = this.createPipeline(record)
    if (created.kind === 'raises') return created
    if (created.kind === 'pipeline' || created.kind === 'unknown') entries.push([{kind: 'str', value: name}, created])
    else if (raiseErrors && this.kedro.findPipelinesRequiresCreate) return raises(`KeyError: "Pipeline '${name}' not found"`)
    return null
  }

  /** Kedro's _create_pipeline: the module's create_pipeline() when it returns a Pipeline, else None (with a warning). */
  private createPipeline(record: ModuleRecord): PyValue {
    const create = record.scope.get('create_pipeline')
    if (!create) {
      if (!record.complete) return unknown(`${record.name}: create_pipeline is not bound as far as the module is followed`)
      this.warnings.push(`${record.name} does not expose create_pipeline(): kedro's find_pipelines() warns and leaves it out`)
      return {kind: 'none'}
    }

    if (create.kind !== 'function') return stops(create) ? create : raises(`TypeError: '${typeName(create)}' object is not callable`)
    const created = callWithoutArguments(create)
    if (stops(created) || created.kind === 'pipeline') return created
    this.warnings.push(`${record.name}.create_pipeline() returns a ${typeName(created)}: kedro's find_pipelines() warns and leaves it out`)
    return {kind: 'none'}
  }

  /** register_pipelines() of <pkg>.pipeline_registry: its value, or the exception loading it raises. */
  registry(): PyValue {
    const record = this.importModule(`${this.layout.packageName}.pipeline_registry`)
    if (record.failure) return raises(record.failure)
    const register = record.scope.get('register_pipelines')
    if (!register) {
      return record.complete ? raises("AttributeError: module 'pipeline_registry' has no attribute 'register_pipelines'") : unknown('register_pipelines is not bound as far as pipeline_registry.py is followed')
    }

    if (register.kind !== 'function') return stops(register) ? register : raises(`TypeError: '${typeName(register)}' object is not callable`)
    return callWithoutArguments(register)
  }
}

function lineAt(source: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (source.charCodeAt(i) === 10) line++
  return line
}

/** Each registered pipeline's nodes, where they are known; what is not known is noted where kedro run needs it. */
function registeredNodes(
  entries: (readonly [string, PyValue])[], selected: string[], evaluator: ProjectEvaluator,
): {nodeMaps: Map<string, Map<string, KedroNode>>; pipelines: Record<string, number>} {
  const pipelines: Record<string, number> = {}
  const nodeMaps = new Map<string, Map<string, KedroNode>>()
  for (const [name, value] of entries) {
    const nodes = pipelineNodes(value)
    if (typeof nodes !== 'string') {
      pipelines[name] = nodes.size
      nodeMaps.set(name, nodes)
    } else if (selected.includes(name) || (name === '__default__' && truth(value) !== false)) {
      // Only __default__'s nodes are sent, and only the pipelines run looks up matter to it.
      evaluator.note(`pipeline ${name}: ${nodes}`)
    }
  }

  return {nodeMaps, pipelines}
}

/** Why kedro run's filters raise or leave no node in the pipelines it runs, or null (noted when not known). */
function filterFailure(selected: string[], nodeMaps: Map<string, Map<string, KedroNode>>, filters: RunFilters, evaluator: ProjectEvaluator): null | string {
  const chosen = new Map(selected.flatMap((name) => [...nodeMaps.get(name) ?? []]))
  const filtered = filterPipeline([...chosen.values()], filters)
  if (filtered.kind === 'raises') return filtered.error
  if (filtered.kind === 'empty') return 'ValueError: Pipeline contains no nodes after applying all provided filters'
  if (filtered.kind === 'unknown') evaluator.note(`whether kedro run's filters select any node is not known: ${filtered.reason}`)
  return null
}

/** A folder of pipelines/ that find_pipelines() imports (and, with a filter, one it asks for). */
function isPipelinePackage(entry: {kind: string; name: string}, requested: null | Set<string>): boolean {
  return entry.kind === 'directory' && entry.name !== '__pycache__' && !entry.name.startsWith('.') && (!requested || requested.has(entry.name))
}

export type ReadPipelinesOptions = {
  /** The Kedro release whose find_pipelines() and exports apply (default: the newest known). */
  kedroRelease?: KedroRelease; mustExist?: boolean; packageName: string; projectRoot: string
  /** sys.version (or `3.12`) of the Python that runs kedro, when known: some syntax depends on it. */
  pythonVersion?: null | string
  /** `filters`: kedro run's, applied to the pipelines it runs. */
  filters?: RunFilters; requested?: null | string[]; sourceDir?: string
  /** The site-packages folders of the environment kedro runs in; absent or empty when none was read. */
  sitePackages?: string[]
  /** The working directory kedro runs in and its environment, for a configuration loader the project's code creates. */
  scene?: Omit<LoaderScene, 'projectRoot'>
}

/** A reading that stops before the pipelines: `why` is an estimate, `fails` what kedro raises. */
function stoppedReading(evaluator: null | ProjectEvaluator, why: string, fails: null | string, {stopsKedro = false} = {}): PipelineReading {
  const estimated = evaluator?.estimated ?? []
  // What breaks kedro's use of the pipelines (no package, no dict) may stop it before the statistics: the event is unsure.
  const mayRaise = [...stopsKedro ? [why] : [], ...evaluator?.mayRaise ?? []]
  return {
    estimated: fails ? estimated : [why, ...estimated], files: evaluator?.files ?? [], mayRaise, missing: [], numberOfNodes: null, numberOfPipelines: null,
    pipelines: {}, registryFails: fails, selectedNodes: null, warnings: evaluator?.warnings ?? [], filterFails: null,
  }
}

/** The pipelines kedro run looks up (`__default__` without --pipeline), how many nodes they hold, and the filters' failure. */
function runSelection(entries: (readonly [string, PyValue])[], options: ReadPipelinesOptions, evaluator: ProjectEvaluator) {
  // kedro run looks up each pipeline it runs and refuses an empty selection.
  const selected = options.mustExist ? (options.requested ?? ['__default__']) : []
  const {nodeMaps, pipelines} = registeredNodes(entries, selected, evaluator)
  const missing = selected.filter((name) => !entries.some(([registered]) => registered === name))
  const union = new Set(selected.flatMap((name) => [...nodeMaps.get(name)?.keys() ?? []]))
  const selectedNodes = options.mustExist && missing.length === 0 && selected.every((name) => nodeMaps.has(name)) ? union.size : null
  const filterFails = selectedNodes !== null && selectedNodes > 0 && options.filters ? filterFailure(selected, nodeMaps, options.filters, evaluator) : null
  return {filterFails, missing, pipelines, selectedNodes}
}

/** What reading stops at when register_pipelines() gives no dict: its exception, or why the figures are unsure. */
function registryStopped(registry: PyValue, evaluator: ProjectEvaluator): PipelineReading {
  // None: kedro's pipelines then hold None, and counting them raises (seen with the real 0.18.14 to 1.5.0).
  const error = registry.kind === 'raises' ? registry.error : (registry.kind === 'none' ? 'TypeError: register_pipelines() returned None, not a dict of pipelines' : null)
  if (error) return stoppedReading(evaluator, error, error)
  // Not followed: whether it raises, and which pipelines it registers (kedro run fails on one it lacks), is not known.
  const why = registry.kind === 'unknown' ? reasonOf(registry) : `register_pipelines() returns a ${typeName(registry)}, not a dict`
  return stoppedReading(evaluator, why, null, {stopsKedro: true})
}

/** The evaluator of the project's modules as kedro runs them for this command. */
function evaluatorFor(layout: ProjectLayout, options: ReadPipelinesOptions, sitePackages: null | string[]): ProjectEvaluator {
  const scene = options.scene ? {...options.scene, projectRoot: options.projectRoot} : null
  const release = options.kedroRelease ?? kedro(NEWEST_KNOWN.kedro)
  return new ProjectEvaluator(layout, release, options.requested ?? null, options.pythonVersion ?? null, sitePackages, scene)
}

/**
 * Registered pipelines and the node count of __default__. `requested` are the pipelines a command asks for: Kedro
 * 1.5.0+ loads only those through find_pipelines(); `mustExist` (kedro run) lists those that are not registered in
 * `missing`, as kedro run fails on them before it builds the catalog.
 */
export function readPipelines(options: ReadPipelinesOptions): PipelineReading {
  const layout = projectLayout(options.projectRoot, options.sourceDir ?? 'src', options.packageName)
  const sitePackages = options.sitePackages?.length ? options.sitePackages : null
  if (entryKindSync(layout.packageDirectory, options.projectRoot) !== 'directory') {
    // Without its package folder the project's modules come from kedro's environment, if anywhere.
    const shown = path.relative(options.projectRoot, layout.packageDirectory).split(path.sep).join('/')
    const top = options.packageName.split('.')[0]
    if (sitePackages && !installedIn(top, sitePackages)) return stoppedReading(null, '', `ModuleNotFoundError: No module named '${top}' (there is no ${shown}, nor is it installed)`)
    return stoppedReading(null, `there is no package folder ${shown}, so kedro cannot import the project's pipelines`, null, {stopsKedro: true})
  }

  const evaluator = evaluatorFor(layout, options, sitePackages)
  const registry = evaluator.registry()
  if (registry.kind !== 'dict') return registryStopped(registry, evaluator)

  const entries = registry.entries.flatMap(([key, value]) => (key.kind === 'str' ? [[key.value, value] as const] : []))
  if (entries.length !== registry.entries.length) evaluator.note('a pipeline name that is not a string')
  // kedro-telemetry sends `len(default.nodes) if default else None`: None for a missing or falsy __default__ (0 from sum()).
  const defaultPipeline = entries.find(([name]) => name === '__default__')?.[1]
  // Read before the notes: following the selected pipelines adds to them.
  const selection = runSelection(entries, options, evaluator)
  return {
    ...selection, estimated: evaluator.estimated, files: evaluator.files, mayRaise: evaluator.mayRaise, registryFails: null, warnings: evaluator.warnings,
    numberOfNodes: defaultPipeline?.kind === 'pipeline' ? defaultPipeline.nodes.size : null, numberOfPipelines: entries.length,
  }
}
