/**
 * Kedro's configuration loaders as a project's own code creates them: a pipeline that reads its parameters with
 * `OmegaConfigLoader(conf_source="conf")["parameters"]` (or Kedro 0.18's `ConfigLoader(...)["parameters"]`) to decide
 * which nodes it builds. The instance and what `loader[key]` loads are read with the loader this tool reads Kedro's
 * own configuration with (config-loader.ts), with that class's defaults in that release. `conf_source` is relative to
 * the working directory kedro runs in, as Python opens it; nothing outside the project is read. What is not modelled
 * (`.get()`, which depends on the Python version for a UserDict, TemplatedConfigLoader, runtime_params) is Unknown.
 */
import path from 'node:path'

import {isInside, realPathOr} from '../checkout/files.js'
import {compareVersions} from '../python/pep440.js'
import {firstStop, functionValue, NONE, type PyValue, raises, str, unknown} from '../python/values.js'
import type {KedroRelease} from '../releases/releases.js'
import {ConfigLoader, type Interpolation, isMapping} from './config-loader.js'
import {isArchive, isRemote} from './catalog.js'

/** Where kedro runs: what a relative conf_source means, the project that bounds what is read, and kedro's environment. */
export interface LoaderScene {
  /** settings.py's CONF_SOURCE as kedro's `settings.CONF_SOURCE` gives it ("conf" by default), or null when not followed. */
  confSource: null | string
  environment: NodeJS.ProcessEnv
  projectRoot: string
  workingDirectory: string
}

/** `from kedro.framework.project import settings`: the project's settings as Kedro gives them (CONF_SOURCE only here). */
export function kedroSettingsValue(scene: LoaderScene | null): PyValue {
  const confSource = scene?.confSource
  return {
    className: '_ProjectSettings', getItem: () => raises("TypeError: '_ProjectSettings' object is not subscriptable"), kind: 'object',
    members: new Map([['CONF_SOURCE', typeof confSource === 'string' ? str(confSource) : unknown('settings.CONF_SOURCE: settings.py sets it to something this tool does not follow')]]),
  }
}

interface LoaderClass {
  /** The keys `loader[key]` loads without config_patterns (others raise KeyError). */
  keys: string[]
  name: string
  interpolation: Interpolation
  /** Positional parameters, then keyword-only ones (each release's __init__). */
  positional: string[]
  keywordOnly: string[]
  /** base_env and default_run_env when not given (None gives these too for OmegaConfigLoader: `base_env or ""`). */
  defaults: {baseEnv: string; defaultRunEnv: string}
}

const OMEGACONF: Omit<LoaderClass, 'keywordOnly'> = {
  defaults: {baseEnv: '', defaultRunEnv: ''}, interpolation: 'omegaconf', keys: ['catalog', 'parameters', 'credentials', 'globals'], name: 'OmegaConfigLoader',
  positional: ['conf_source', 'env', 'runtime_params'],
}

/** Kedro 0.18.4 to 0.18.14's ConfigLoader, whose __getitem__ loads a key (kedro/config/config.py). */
const CONFIG_LOADER: LoaderClass = {
  defaults: {baseEnv: 'base', defaultRunEnv: 'local'}, interpolation: 'literal', keys: ['catalog', 'parameters', 'credentials', 'logging'], keywordOnly: ['base_env', 'default_run_env'],
  name: 'ConfigLoader', positional: ['conf_source', 'env', 'runtime_params', 'config_patterns'],
}

/** The configuration as OmegaConf.to_container or PyYAML gives it to Python. */
export function configValue(value: unknown): PyValue {
  if (value === null || value === undefined) return NONE
  if (typeof value === 'boolean') return {kind: 'bool', value}
  if (typeof value === 'number') return {float: !Number.isInteger(value), kind: 'number', value}
  if (typeof value === 'string') return str(value)
  if (Array.isArray(value)) return {items: value.map((item) => configValue(item)), kind: 'list'}
  if (isMapping(value)) {
    // A key YAML reads as a number, a boolean or null is not a str in Python: not told apart here.
    if (Object.keys(value).some((key) => /^(?:[-+]?\d[\d_]*(?:\.\d*)?|true|false|True|False|TRUE|FALSE|null|Null|NULL|~|yes|no|on|off)$/.test(key))) {
      return unknown('a configuration mapping with a key YAML may read as a number or a boolean')
    }

    return {entries: Object.entries(value).map(([key, item]) => [str(key), configValue(item)]), kind: 'dict'}
  }

  return unknown('a configuration value of a type this tool does not follow (a date)')
}

const asString = (value: PyValue | undefined): null | string | undefined => (value === undefined || value.kind === 'none' ? null : (value.kind === 'str' ? value.value : undefined))

/** A dict of str to list of str (config_patterns), a dict of str to str (merge_strategy), or undefined when not. */
function stringMap<T>(value: PyValue | undefined, item: (value: PyValue) => T | undefined): Record<string, T> | null | undefined {
  if (value === undefined || value.kind === 'none') return null
  if (value.kind !== 'dict') return undefined
  const result: Record<string, T> = {}
  for (const [key, entry] of value.entries) {
    const converted = item(entry)
    if (key.kind !== 'str' || converted === undefined) return undefined
    result[key.value] = converted
  }

  return result
}

const stringList = (value: PyValue): string[] | undefined => (value.kind === 'list' && value.items.every((item) => item.kind === 'str')
  ? value.items.flatMap((item) => (item.kind === 'str' ? [item.value] : []))
  : undefined)

/** The arguments by parameter name, or why the call is not followed. */
function bindArguments(loader: LoaderClass, args: PyValue[], keywords: Map<string, PyValue>): Map<string, PyValue> | PyValue {
  const given = new Map<string, PyValue>()
  if (args.length > loader.positional.length) return unknown(`${loader.name}() with ${args.length} positional arguments is not followed`)
  for (const [index, value] of args.entries()) given.set(loader.positional[index], value)
  for (const [name, value] of keywords) {
    if (given.has(name) || (!loader.positional.includes(name) && !loader.keywordOnly.includes(name))) return unknown(`${loader.name}(${name}=...) is not followed`)
    given.set(name, value)
  }

  return firstStop(given.values()) ?? given
}

/** The readers made for each scene (one evaluation of a project), by their settings. */
const READERS = new WeakMap<LoaderScene, Map<string, ConfigLoader>>()

interface LoaderArguments {
  baseEnv: string
  confSource: string
  customResolvers: string[]
  mergeStrategy: Record<string, string>
  patterns: Record<string, string[]>
  runEnv: string
}

const isNone = (value: PyValue | undefined) => value === undefined || value.kind === 'none'

/** runtime_params (none or empty), custom_resolvers (a dict, whose names are kept), ignore_hidden (True), None environments. */
function otherArgumentsFollowed(loader: LoaderClass, bound: Map<string, PyValue>): boolean {
  const runtime = bound.get('runtime_params')
  const resolvers = bound.get('custom_resolvers')
  const hidden = bound.get('ignore_hidden')
  const emptyRuntime = isNone(runtime) || (runtime?.kind === 'dict' && runtime.entries.length === 0)
  const hiddenIgnored = hidden === undefined || (hidden.kind === 'bool' && hidden.value)
  // Kedro 0.18's ConfigLoader keeps a None base_env (Path / None raises); OmegaConfigLoader takes `base_env or ""`.
  const environments = loader.interpolation !== 'literal' || ['base_env', 'default_run_env'].every((name) => bound.get(name)?.kind !== 'none')
  return emptyRuntime && (isNone(resolvers) || resolvers?.kind === 'dict') && hiddenIgnored && environments
}

/** The arguments this tool follows, as the release's __init__ takes them; null for any other. */
function readArguments(loader: LoaderClass, bound: Map<string, PyValue>): LoaderArguments | null {
  const confSource = asString(bound.get('conf_source'))
  const [env, baseEnv, defaultRunEnv] = ['env', 'base_env', 'default_run_env'].map((name) => asString(bound.get(name)))
  const patterns = stringMap(bound.get('config_patterns'), stringList)
  const mergeStrategy = stringMap(bound.get('merge_strategy'), (value) => (value.kind === 'str' ? value.value : undefined))
  const resolvers = bound.get('custom_resolvers')
  const given = [confSource, env, baseEnv, defaultRunEnv, patterns, mergeStrategy]
  if (!confSource || given.includes(undefined) || !otherArgumentsFollowed(loader, bound)) return null
  return {
    baseEnv: baseEnv || loader.defaults.baseEnv, confSource,
    customResolvers: resolvers?.kind === 'dict' ? resolvers.entries.map(([key]) => (key.kind === 'str' ? key.value : '')) : [],
    mergeStrategy: mergeStrategy ?? {}, patterns: patterns ?? {}, runEnv: env || defaultRunEnv || loader.defaults.defaultRunEnv,
  }
}

/** What `instance[key]` gives: the configuration, what Kedro raises, or why it is not followed. */
function itemOf(loader: LoaderClass, reader: ConfigLoader, keys: Set<string>, key: PyValue): PyValue {
  if (key.kind !== 'str') return unknown(`${loader.name}[<${key.kind}>] is not followed`)
  if (!keys.has(key.value)) return raises(`KeyError: '${key.value}'`)
  const loaded = reader.get(key.value)
  if (loaded.failure) return raises(loaded.failure)
  // Kedro 0.18's ConfigLoader raises ValueError for a folder that is not there (kedro/config/common.py).
  if (loaded.missing) return raises(loader.interpolation === 'literal' ? loaded.missing.replace(/^MissingConfigException(?=: Given configuration path)/, 'ValueError') : loaded.missing)
  if (loaded.estimated.length > 0) return unknown(`${loader.name}["${key.value}"]: ${loaded.estimated.join('; ')}`)
  return configValue(loaded.config)
}

/** `loader = LoaderClass(...)`: the instance, or why it is not followed. */
function construct(
  loader: LoaderClass, release: KedroRelease, scene: LoaderScene, call: {args: PyValue[]; keywords: Map<string, PyValue>; python: [number, number] | null},
): PyValue {
  const {args, keywords, python} = call
  const bound = bindArguments(loader, args, keywords)
  if (!(bound instanceof Map)) return bound
  const given = readArguments(loader, bound)
  if (!given) return unknown(`${loader.name}() with these arguments is not followed statically`)
  const {confSource} = given
  if (isRemote(confSource) || isArchive(confSource)) return unknown(`${loader.name}(conf_source=${JSON.stringify(confSource)}): a remote or archived configuration is not read`)
  const confRoot = path.resolve(scene.workingDirectory, confSource)
  const within = realPathOr(scene.projectRoot)
  if (!isInside(within, realPathOr(confRoot))) return unknown(`${loader.name}(conf_source=${JSON.stringify(confSource)}) is outside the project: not read`)
  const settings = {
    baseEnv: given.baseEnv, confRoot, customResolvers: given.customResolvers, environment: scene.environment, interpolation: loader.interpolation,
    mergeStrategy: given.mergeStrategy, patterns: given.patterns, runEnv: given.runEnv, runtimeParams: {},
    sameEnvironmentReturnsEarly: loader.interpolation === 'omegaconf' && compareVersions(release.version, '0.19.9') >= 0, within,
  }
  // One reader per set of arguments: a loop that makes the same loader again reads the folder once.
  const readers = READERS.get(scene) ?? new Map<string, ConfigLoader>()
  READERS.set(scene, readers)
  const identity = JSON.stringify({...settings, environment: null})
  const reader = readers.get(identity) ?? new ConfigLoader(settings)
  readers.set(identity, reader)
  // OmegaConfigLoader reads its globals as it is made; only their MissingConfigException is caught.
  if (loader.interpolation === 'omegaconf') {
    const globals = reader.get('globals')
    if (globals.failure) return raises(globals.failure)
    if (globals.estimated.length > 0) return unknown(`${loader.name}(): ${globals.estimated.join('; ')}`)
  }

  const keys = new Set([...loader.keys, ...Object.keys(given.patterns)])
  const getItem = (key: PyValue) => itemOf(loader, reader, keys, key)
  const members = new Map<string, PyValue>(loader.interpolation === 'omegaconf' ? [['get', userDictGet(loader.name, getItem, python)]] : [])
  return {className: loader.name, getItem, kind: 'object', members}
}

/**
 * `loader.get(key, default=None)` of a UserDict whose __getitem__ loads: Mapping.get before Python 3.12 (the item, or
 * the default on a KeyError); from 3.12 UserDict's own get, which asks `key in self.data` first, so a loader (whose
 * data is empty) gives the default. Unknown when the Python is not known.
 */
function userDictGet(name: string, getItem: (key: PyValue) => PyValue, python: [number, number] | null): PyValue {
  return functionValue(([key, fallback], keywords) => {
    const otherwise = fallback ?? keywords.get('default') ?? NONE
    if (!key || keywords.size > (keywords.has('default') ? 1 : 0)) return unknown(`${name}.get() with these arguments is not followed`)
    if (!python) return unknown(`${name}.get(): a UserDict's get differs from Python 3.12 on, and the Python that runs kedro is not known`)
    if (python[0] > 3 || (python[0] === 3 && python[1] >= 12)) return otherwise
    const item = getItem(key)
    return item.kind === 'raises' && item.error.startsWith('KeyError') ? otherwise : item
  })
}

/** What `kedro.config` gives a project's code in this release: its loader classes, where they are modelled. */
export function kedroConfigMembers(release: KedroRelease, scene: LoaderScene | null, python: [number, number] | null = null): Map<string, PyValue> {
  const members = new Map<string, PyValue>()
  const classOf = (loader: LoaderClass): PyValue => (scene
    ? functionValue((args, keywords) => construct(loader, release, scene, {args, keywords, python}))
    : unknown(`${loader.name}: where kedro runs is not known here`))
  const version = release.version
  if (compareVersions(version, '0.19.0') >= 0) {
    const keywordOnly = ['config_patterns', 'base_env', 'default_run_env', 'custom_resolvers', 'merge_strategy', ...(compareVersions(version, '1.1.0') >= 0 ? ['ignore_hidden'] : [])]
    members.set('OmegaConfigLoader', classOf({...OMEGACONF, keywordOnly}))
  } else if (compareVersions(version, '0.18.4') >= 0) {
    members.set('ConfigLoader', classOf(CONFIG_LOADER))
  }

  return members
}
