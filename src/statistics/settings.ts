/**
 * What a project's settings.py changes about where Kedro reads configuration: CONF_SOURCE (the folder, relative to
 * the project root) and CONFIG_LOADER_ARGS' base_env and default_run_env. Read statically with the Python evaluator;
 * a value it cannot follow is reported rather than guessed.
 */
import type {SyntaxNode} from '@lezer/common'
import path from 'node:path'

import {readTextSafeSync} from '../checkout/files.js'
import {analysePython, childrenOf, EvaluationGuard, type PyValue, runStatement, type Scope} from '../python/evaluator.js'
import {importsOf} from '../python/statements.js'
import {str, unknown} from '../python/values.js'
import {pathModules} from '../python/paths.js'
import {projectPathScene} from './project-paths.js'

export interface ProjectSettings {
  baseEnv: null | string
  confSource: null | string
  /** CONFIG_LOADER_CLASS as written (its last dotted name: `OmegaConfigLoader`, `TemplatedConfigLoader`...), or null. */
  configLoaderClass: null | string
  /** DATA_CATALOG_CLASS's class name, when settings.py sets it. */
  dataCatalogClass: null | string
  /** CONFIG_LOADER_ARGS["config_patterns"]: glob patterns per configuration key, over the defaults. */
  configPatterns: Record<string, string[]>
  /** The names of CONFIG_LOADER_ARGS["custom_resolvers"]. */
  customResolvers: string[]
  defaultRunEnv: null | string
  /** DISABLE_HOOKS_FOR_PLUGINS: the distributions whose project hooks Kedro does not register; null when not followed. */
  disabledHookPlugins: null | string[]
  /** CONFIG_LOADER_ARGS["merge_strategy"]: `soft` or `destructive` per key. */
  mergeStrategy: Record<string, string>
  /**
   * settings.py sets CONFIG_LOADER_ARGS: it replaces Kedro's default (`base_env` "base", `default_run_env` "local")
   * whole, so an environment it leaves out is the loader's own default.
   */
  setsLoaderArgs: boolean
  /** Why the figures that depend on these settings may be off. */
  estimated: string[]
}

function stringOf(value: PyValue | undefined, name: string, estimated: string[]): null | string {
  if (value === undefined) return null
  if (value.kind === 'str') return value.value
  estimated.push(`settings.py sets ${name} to something this tool does not follow`)
  return null
}

function stringsOf(value: PyValue): null | string[] {
  return value.kind === 'list' && value.items.every((item) => item.kind === 'str') ? value.items.map((item) => (item as {value: string}).value) : null
}

/** A dict of CONFIG_LOADER_ARGS whose values `read` understands; what it cannot read is reported. */
function mappingOf<T>(value: PyValue | undefined, name: string, estimated: string[], read: (value: PyValue) => null | T): Record<string, T> {
  const mapping: Record<string, T> = {}
  if (value === undefined) return mapping
  if (value.kind !== 'dict') {
    estimated.push(`settings.py sets ${name} to something this tool does not follow`)
    return mapping
  }

  for (const [key, item] of value.entries) {
    const understood = read(item)
    if (key.kind === 'str' && understood !== null) mapping[key.value] = understood
    else estimated.push(`settings.py sets ${name} to something this tool does not follow`)
  }

  return mapping
}

/** CONFIG_LOADER_ARGS: the environments, patterns, merge strategies and resolver names it sets. */
function readLoaderArgs(loaderArgs: PyValue | undefined, settings: ProjectSettings): void {
  if (loaderArgs === undefined) return
  settings.setsLoaderArgs = true
  if (loaderArgs.kind !== 'dict') {
    settings.estimated.push('settings.py sets CONFIG_LOADER_ARGS to something this tool does not follow')
    return
  }

  const entry = (key: string) => loaderArgs.entries.find(([name]) => name.kind === 'str' && name.value === key)?.[1]
  settings.baseEnv = stringOf(entry('base_env'), 'base_env', settings.estimated)
  settings.defaultRunEnv = stringOf(entry('default_run_env'), 'default_run_env', settings.estimated)
  settings.configPatterns = mappingOf(entry('config_patterns'), 'config_patterns', settings.estimated, (value) => stringsOf(value))
  settings.mergeStrategy = mappingOf(entry('merge_strategy'), 'merge_strategy', settings.estimated, (value) => (value.kind === 'str' ? value.value : null))
  const resolvers = entry('custom_resolvers')
  if (resolvers?.kind === 'dict') {
    settings.customResolvers = resolvers.entries.flatMap(([key]) => (key.kind === 'str' ? [key.value] : []))
  } else if (resolvers !== undefined) {
    settings.estimated.push('settings.py sets custom_resolvers to something this tool does not follow')
  }
}

/** The classes settings.py may set, and Kedro's own for each: another is the project's, whose behaviour is not read. */
const KEDRO_CLASSES: Record<string, string[]> = {
  CONFIG_LOADER_CLASS: ['ConfigLoader', 'OmegaConfigLoader', 'TemplatedConfigLoader'],
  CONTEXT_CLASS: ['KedroContext'],
  DATA_CATALOG_CLASS: ['DataCatalog', 'KedroDataCatalog', 'SharedMemoryDataCatalog'],
}

/** CONFIG_LOADER_CLASS, CONTEXT_CLASS, DATA_CATALOG_CLASS: imported from Kedro or the project, read from the name. */
function readClassSetting(statement: SyntaxNode, source: string, settings: ProjectSettings): void {
  const [target, , value] = childrenOf(statement)
  if (!target || !value) return
  const name = source.slice(target.from, target.to)
  const className = source.slice(value.from, value.to).split('.').at(-1)!.trim()
  if (name === 'CONFIG_LOADER_CLASS') settings.configLoaderClass = className
  if (name === 'DATA_CATALOG_CLASS') settings.dataCatalogClass = className
  if (Object.hasOwn(KEDRO_CLASSES, name) && !KEDRO_CLASSES[name].includes(className)) {
    settings.estimated.push(`settings.py sets ${name} to ${className}, a class of the project's own, which may build the configuration or the catalog its own way`)
  }
}

/** The statements that bind a name without running anything: a def, a decorated def, a class. */
const DEFINITIONS = new Set(['ClassDefinition', 'DecoratedStatement', 'FunctionDefinition'])

/**
 * What an import statement in settings.py binds: pathlib's and os's modelled members where the folder kedro runs in is
 * known (settings.py may compute CONF_SOURCE with them), else Unknown.
 */
function bindSettingsImport(statement: SyntaxNode, source: string, scope: Scope, modules: Map<string, Map<string, PyValue>>): void {
  for (const [local, {module, name}] of importsOf(statement, source)) {
    const members = modules.get(module)
    const top = local.split('.')[0]
    if (!members || name === '*') {
      scope.set(top, unknown(`${local} is imported, not followed here`))
      continue
    }

    // `import os.path` binds os too.
    const topMembers = modules.get(top)
    if (top !== local && topMembers) scope.set(top, {kind: 'module', members: topMembers, name: top})
    scope.set(local, name === null ? {kind: 'module', members, name: module} : (members.get(name) ?? unknown(`${module}.${name} is not followed here`)))
  }
}

export function readSettings(projectRoot: string, sourceDir: string, packageName: string, workingDirectory?: string): ProjectSettings {
  const settings: ProjectSettings = {
    baseEnv: null, confSource: null, configLoaderClass: null, configPatterns: {}, dataCatalogClass: null, customResolvers: [], defaultRunEnv: null, disabledHookPlugins: [], estimated: [], mergeStrategy: {}, setsLoaderArgs: false,
  }
  const read = readTextSafeSync(path.join(projectRoot, sourceDir, ...packageName.split('.'), 'settings.py'), {within: projectRoot})
  if (!read.ok) {
    // No settings.py: Kedro's defaults. One that exists but cannot be read here may move the configuration.
    if (read.kind !== 'missing') {
      settings.estimated.push(`${read.reason}, so where it puts the configuration is not known`)
      settings.disabledHookPlugins = null
    }

    return settings
  }

  const source = read.text

  const scope: Scope = new Map()
  const {syntax, tree} = analysePython(source)
  if (syntax.kind !== 'ok' || !tree) {
    settings.estimated.push(`settings.py ${syntax.kind === 'error' ? `has a syntax error (${syntax.message})` : `holds ${syntax.kind === 'beyond-parser' ? syntax.reason : 'code this tool cannot parse'}`}, so where it puts the configuration is not known`)
    settings.disabledHookPlugins = null
    return settings
  }

  const context = {guard: new EvaluationGuard(), scope, source}
  const file = path.join(projectRoot, sourceDir, ...packageName.split('.'), 'settings.py')
  scope.set('__file__', str(file))
  scope.set('__name__', str(`${packageName}.settings`))
  const modules = workingDirectory ? pathModules(projectPathScene(projectRoot, workingDirectory), process.platform) : new Map<string, Map<string, PyValue>>()
  for (const statement of childrenOf(tree.topNode)) {
    // Functions and classes are bound (a custom resolver's function, say); what is imported is bound, not followed.
    if (statement.name === 'ImportStatement') bindSettingsImport(statement, source, scope, modules)

    if (DEFINITIONS.has(statement.name)) runStatement(statement, context)
    if (statement.name !== 'AssignStatement') continue
    runStatement(statement, context)
    readClassSetting(statement, source, settings)
  }

  settings.confSource = stringOf(scope.get('CONF_SOURCE'), 'CONF_SOURCE', settings.estimated)
  const disabled = scope.get('DISABLE_HOOKS_FOR_PLUGINS')
  settings.disabledHookPlugins = disabled === undefined ? [] : (disabled.kind === 'str' ? [...disabled.value] : stringsOf(disabled))
  readLoaderArgs(scope.get('CONFIG_LOADER_ARGS'), settings)
  return settings
}
