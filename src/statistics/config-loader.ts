/**
 * Kedro's OmegaConfigLoader (kedro/config/omegaconf_config.py), read statically: for a key (catalog, parameters,
 * credentials, globals), the files of the base and run environment folders that match the key's glob patterns
 * (hidden ones skipped), each folder merged and resolved as OmegaConf.to_container(resolve=True) does, `_` keys
 * dropped, then the run environment merged over base. Where Kedro raises (a missing folder, a file that does not
 * parse, a key in two files, an interpolation that cannot resolve) the key's `failure` says so; what this tool cannot
 * follow (a custom resolver, a nested interpolation) is `estimated`, with the reason.
 */
import path from 'node:path'

import {entryKindSync, readTextSafeSync, walkFilesSync} from '../checkout/files.js'
import {compareVersions} from '../python/pep440.js'
import {safeLoad} from '../python/pyyaml.js'

export type Config = Record<string, unknown>

/** OmegaConfigLoader's default config_patterns; CONFIG_LOADER_ARGS["config_patterns"] updates them per key. */
const DEFAULT_CONFIG_PATTERNS: Readonly<Record<string, readonly string[]>> = {
  catalog: ['catalog*', 'catalog*/**', '**/catalog*'],
  credentials: ['credentials*', 'credentials*/**', '**/credentials*'],
  globals: ['globals.yml'],
  // Kedro 0.18's loaders: KedroSession.create applies it (kedro/framework/session/session.py, _setup_logging).
  logging: ['logging*', 'logging*/**', '**/logging*'],
  parameters: ['parameters*', 'parameters*/**', '**/parameters*'],
}

/** OmegaConf's own resolvers (oc.env aside, which Kedro clears and allows in credentials only). */
const OMEGACONF_RESOLVERS = new Set(['oc.create', 'oc.decode', 'oc.deprecated', 'oc.dict.keys', 'oc.dict.values', 'oc.select'])

/**
 * How `${...}` in the configuration is read: as OmegaConfigLoader resolves it; left as written (Kedro 0.18's default
 * ConfigLoader, which reads no globals either); or not followed (another loader class: TemplatedConfigLoader, a
 * project's own), which makes a configuration holding `${` estimated.
 */
export type Interpolation = 'literal' | 'not-followed' | 'omegaconf'

interface LoaderSettings {
  baseEnv: string
  /** The run environment is the base one, and the loader returns its config before it checks any file was read. */
  sameEnvironmentReturnsEarly: boolean
  interpolation: Interpolation
  /** The configuration folder (CONF_SOURCE, or --conf-source), absolute. */
  confRoot: string
  /** Names of CONFIG_LOADER_ARGS["custom_resolvers"]: their values are not followed. */
  customResolvers: string[]
  /** The environment kedro runs in, for `${oc.env:...}` in credentials. */
  environment: NodeJS.ProcessEnv
  /** CONFIG_LOADER_ARGS["merge_strategy"]: `soft` merges an environment's entries into base's; default destructive. */
  mergeStrategy: Record<string, string>
  /** CONFIG_LOADER_ARGS["config_patterns"], over the defaults. */
  patterns: Record<string, string[]>
  runEnv: string
  /** `kedro run --params`, nested on dots. */
  runtimeParams: Config
  /** Nothing outside this folder is read. */
  within: string
}

interface LoadedConfig {
  config: Config
  estimated: string[]
  /** Python's exception where Kedro raises loading this key, or null. */
  failure: null | string
  /** The files read, relative to the configuration folder. */
  files: string[]
  /** MissingConfigException: a folder that is not there, or no file for the key. Some callers catch it. */
  missing: null | string
  /** What Kedro logs about it without failing (an environment overriding base keys is not among them). */
  warnings: string[]
}

/** fsspec's glob: `*` and `?` within one path segment, `[...]` classes, `**` any number of segments. */
export function globPattern(pattern: string): RegExp {
  const segments = pattern.split('/')
  let source = ''
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]*/)*'
      continue
    }

    source += segment.replaceAll(/\[!?[^\]]*\]|[*?]|[^*?[]+/g, (part) => {
      if (part === '*') return '[^/]*'
      if (part === '?') return '[^/]'
      if (part.startsWith('[')) return part.startsWith('[!') ? `[^${part.slice(2)}` : part
      return part.replaceAll(/[$()+.\\^{|}]/g, String.raw`\$&`)
    })
    if (!last) source += '/'
  }

  return new RegExp(`^${source}$`)
}

const EXTENSIONS = new Set(['.json', '.yaml', '.yml'])

/**
 * What Kedro 0.18's anyconfig-based loaders (ConfigLoader, TemplatedConfigLoader) also read (kedro/config/common.py,
 * SUPPORTED_EXTENSIONS); OmegaConfigLoader skips them. Their anyconfig backends are not followed here.
 */
const ANYCONFIG_ONLY_EXTENSIONS = new Set(['.ini', '.pickle', '.properties', '.xml'])

/**
 * How many nodes one key's configuration may take to walk. YAML aliases share one object under many keys, so a
 * few hundred bytes can stand for billions of nodes (an "alias bomb"): past this, the reading is estimated.
 */
const MAX_WALKED_NODES = 200_000

/** Keys of a parameters file for the duplicate check: every leaf, dotted (_get_all_keys). */
function allKeys(config: Config, budget: {left: number}, parent = ''): string[] {
  return Object.entries(config).flatMap(([key, value]) => {
    if (--budget.left < 0) throw new Unresolvable(`more than ${MAX_WALKED_NODES} keys (YAML aliases repeated): not walked`, false)
    const full = parent ? `${parent}.${key}` : key
    return value && typeof value === 'object' && !Array.isArray(value) ? allKeys(value as Config, budget, full) : [full]
  })
}

/** Whether any string below `value` holds `${`; shared (aliased) objects are looked at once. */
function hasInterpolation(value: unknown, memo: WeakMap<object, boolean>): boolean {
  if (typeof value === 'string') return value.includes('${')
  if (!value || typeof value !== 'object') return false
  const known = memo.get(value)
  if (known !== undefined) return known
  memo.set(value, false)
  const found = Object.values(value).some((item) => hasInterpolation(item, memo))
  memo.set(value, found)
  return found
}

export function isMapping(value: unknown): value is Config {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** OmegaConf.merge of mappings: nested mappings merged, anything else replaced. */
function deepMerge(base: Config, over: Config): Config {
  const merged: Config = {...base}
  for (const [key, value] of Object.entries(over)) merged[key] = isMapping(merged[key]) && isMapping(value) ? deepMerge(merged[key], value) : value
  return merged
}

/** Raised while resolving: `certain` when OmegaConf raises too, else this tool cannot follow it. */
class Unresolvable extends Error {
  constructor(message: string, readonly certain: boolean) {
    super(message)
  }
}

/** `a.b.c` in a nested mapping; undefined when a step is missing. */
function select(root: unknown, dotted: string): unknown {
  let current: unknown = root
  for (const part of dotted.split('.')) {
    if (!isMapping(current) || !Object.hasOwn(current, part)) return undefined
    current = current[part]
  }

  return current
}

/** A resolver's arguments: split on top-level commas (not those inside a nested `${...}`), quotes removed. */
function resolverArguments(text: string): {quoted: boolean; text: string}[] {
  const args: {quoted: boolean; text: string}[] = []
  let current = ''
  let quoted = false
  let quote: null | string = null
  let depth = 0
  const push = () => args.push({quoted, text: current.trim()})
  for (const [index, char] of [...text].entries()) {
    if (depth > 0 || (char === '$' && text[index + 1] === '{')) {
      // A nested interpolation is kept whole, as written.
      if (char === '{') depth++
      else if (char === '}') depth--
      current += char
    } else if (quote) {
      if (char === quote) quote = null
      else current += char
    } else if (char === '"' || char === "'") {
      quote = char
      quoted = true
    } else if (char === ',') {
      push()
      current = ''
      quoted = false
    } else {
      current += char
    }
  }

  push()
  return args
}

/** An unquoted resolver argument as OmegaConf's grammar types it: int, float, bool, null, else str. */
function typedArgument(text: string): unknown {
  if (/^[+-]?(?:0|[1-9](?:_?\d)*)$/.test(text)) return Number(text.replaceAll('_', ''))
  if (/^[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return Number(text)
  if (/^(?:true|false)$/i.test(text)) return text.toLowerCase() === 'true'
  if (/^null$/i.test(text)) return null
  return text
}

/** Where the `${` at `start` closes, counting nested `${...}`; -1 when it does not. */
function closingBrace(text: string, start: number): number {
  let depth = 0
  for (let index = start; index < text.length; index++) {
    if (text[index] === '{') depth++
    else if (text[index] === '}' && --depth === 0) return index
  }

  return -1
}

/** `${...}` as a whole argument: its inside; null for an argument that is not one interpolation. */
function wholeInterpolation(argument: string): null | string {
  return argument.startsWith('${') && closingBrace(argument, 1) === argument.length - 1 ? argument.slice(2, -1) : null
}

/** Python's str() of a YAML scalar, for string interpolation. */
function pythonText(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  throw new Unresolvable('a mapping or list interpolated into a string', false)
}

const MAX_RESOLUTION_DEPTH = 50

/** Resolves every interpolation of one folder's merged config, as OmegaConf.to_container(resolve=True) does. */
class Resolver {
  private readonly interpolated = new WeakMap<object, boolean>()
  private walked = 0

  constructor(
    private readonly root: Config,
    private readonly key: string,
    private readonly settings: LoaderSettings,
    private readonly globals: () => Config,
  ) {}

  resolveTree(value: unknown, at: string[], depth = 0): unknown {
    if (depth > MAX_RESOLUTION_DEPTH) throw new Unresolvable(`interpolations more than ${MAX_RESOLUTION_DEPTH} deep (a cycle?)`, false)
    // A subtree without interpolations stays as it is (shared, if YAML aliases share it).
    if (!hasInterpolation(value, this.interpolated)) return value
    if (++this.walked > MAX_WALKED_NODES) throw new Unresolvable(`more than ${MAX_WALKED_NODES} values to resolve (YAML aliases repeated): not followed`, false)
    if (typeof value === 'string') return this.resolveString(value, at, depth)
    if (Array.isArray(value)) return value.map((item, index) => this.resolveTree(item, [...at, String(index)], depth))
    if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolveTree(item, [...at, key], depth)]))
    return value
  }

  private resolveString(text: string, at: string[], depth: number): unknown {
    if (!text.includes('${')) return text
    const parts: unknown[] = []
    let literal = ''
    let index = 0
    while (index < text.length) {
      if (text.startsWith(String.raw`\${`, index)) {
        literal += '${'
        index += 3
        continue
      }

      if (!text.startsWith('${', index)) {
        literal += text[index++]
        continue
      }

      const close = closingBrace(text, index + 1)
      const inner = close === -1 ? null : text.slice(index + 2, close)
      // Nested only as a resolver's whole argument (`${runtime_params:x, ${globals:y}}`), where OmegaConf resolves it first.
      if (inner === null || (inner.includes('{') && !/^[A-Za-z_][\w.]*:/.test(inner))) throw new Unresolvable(`a nested interpolation in "${text}"`, false)
      if (literal) parts.push(literal)
      literal = ''
      parts.push(this.interpolation(inner.trim(), at, depth))
      index = close + 1
    }

    if (literal) parts.push(literal)
    return parts.length === 1 && text.trim().startsWith('${') && text.trim().endsWith('}') ? parts[0] : parts.map((part) => pythonText(part)).join('')
  }

  private interpolation(inner: string, at: string[], depth: number): unknown {
    const call = /^([A-Za-z_][\w.]*):(.*)$/s.exec(inner)
    if (!call) return this.reference(inner, at, depth)
    const [, name, rawArguments] = call
    const [{text: variable}, ...written] = resolverArguments(rawArguments)
    const defaults = written.map((argument) => argument.text)
    if (variable.includes('${') || defaults.some((argument) => argument.includes('${') && wholeInterpolation(argument) === null)) {
      throw new Unresolvable(`a nested interpolation in "\${${inner}}"`, false)
    }

    // OmegaConf resolves a nested interpolation among the arguments before it calls the resolver, used or not.
    const resolved = defaults.map((argument) => {
      const nested = wholeInterpolation(argument)
      return nested === null ? undefined : this.interpolation(nested.trim(), at, depth + 1)
    })
    const fallback = (missing: string): unknown => {
      if (defaults.length === 1 && resolved[0] !== undefined) return resolved[0]
      if (defaults.length === 1 && !written[0].quoted) return typedArgument(defaults[0])
      if (resolved.some((value) => value !== undefined)) throw new Unresolvable(`a resolver default of several arguments, one of them an interpolation, in "\${${inner}}"`, false)
      if (defaults.length > 0) return defaults.join(',')
      throw new Unresolvable(missing, true)
    }

    if (name === 'globals') {
      if (variable.startsWith('_')) throw new Unresolvable("InterpolationResolutionError: Keys starting with '_' are not supported for globals.", true)
      const found = select(this.globals(), variable)
      return found === undefined ? fallback(`InterpolationResolutionError: Globals key '${variable}' not found and no default value provided.`) : found
    }

    if (name === 'runtime_params') {
      if (this.key === 'globals') throw new Unresolvable('UnsupportedInterpolationType: The `runtime_params:` resolver is not supported for globals.', true)
      const found = select(this.settings.runtimeParams, variable)
      return found === undefined ? fallback(`InterpolationResolutionError: Runtime parameter '${variable}' not found and no default value provided.`) : found
    }

    if (name === 'oc.env') {
      if (this.key !== 'credentials') throw new Unresolvable(`UnsupportedInterpolationType: Unsupported interpolation type oc.env (in ${this.key}; Kedro allows it in credentials only)`, true)
      const found = this.settings.environment[variable]
      return found === undefined ? fallback(`InterpolationResolutionError: Environment variable '${variable}' not found`) : found
    }

    if (this.settings.customResolvers.includes(name)) throw new Unresolvable(`the custom resolver ${name} in \${${inner}} is not followed`, false)
    if (OMEGACONF_RESOLVERS.has(name)) throw new Unresolvable(`OmegaConf's resolver ${name} in \${${inner}} is not followed`, false)
    throw new Unresolvable(`UnsupportedInterpolationType: Unsupported interpolation type ${name}`, true)
  }

  /** `${a.b}` from the root, `${.b}` from the value's own mapping, `${..b}` one up. */
  private reference(inner: string, at: string[], depth: number): unknown {
    const dots = /^\.*/.exec(inner)![0].length
    const dotted = inner.slice(dots)
    if (!/^[\w-]+(?:\.[\w-]+)*$/.test(dotted)) throw new Unresolvable(`the interpolation \${${inner}} is not followed`, false)
    const base = dots === 0 ? [] : at.slice(0, Math.max(0, at.length - dots))
    const target = [...base, ...dotted.split('.')]
    const found = select(this.root, target.join('.'))
    if (found === undefined) throw new Unresolvable(`InterpolationKeyError: Interpolation key '${inner}' not found`, true)
    return this.resolveTree(found, target, depth + 1)
  }
}

export class ConfigLoader {
  private readonly cache = new Map<string, LoadedConfig>()
  private readonly walks = new Map<string, ReturnType<typeof walkFilesSync>>()

  constructor(readonly settings: LoaderSettings) {}

  /** Kedro 0.18's loaders (ConfigLoader, TemplatedConfigLoader, a project's own) read files with anyconfig. */
  private get anyconfig(): boolean {
    return this.settings.interpolation !== 'omegaconf'
  }

  /**
   * A file kedro/config/common.py's _load_config_file refuses: certain with the default ConfigLoader; with another
   * loader class, which may read files its own way, estimated.
   */
  private refuse(loaded: LoadedConfig, reason: string): void {
    if (this.settings.interpolation === 'literal') loaded.failure = reason
    else loaded.estimated.push(`${reason}, if the loader class reads it as ConfigLoader does`)
  }

  private patterns(key: string): string[] {
    return [...this.settings.patterns[key] ?? DEFAULT_CONFIG_PATTERNS[key] ?? []]
  }

  /** The globals, as the loader's constructor reads them: a MissingConfigException gives none. */
  private globals(): Config {
    const globals = this.get('globals')
    return globals.failure || globals.missing ? {} : globals.config
  }

  /** A folder's YAML and JSON files, hidden ones skipped as OmegaConfigLoader does; walked once for every key. */
  private configFiles(directory: string): ReturnType<typeof walkFilesSync> {
    let walk = this.walks.get(directory)
    if (!walk) {
      walk = walkFilesSync(directory, {
        descend: (_relative, name) => !name.startsWith('.'), keep: (_relative, name) => !name.startsWith('.') && (EXTENSIONS.has(path.extname(name)) || ANYCONFIG_ONLY_EXTENSIONS.has(path.extname(name))), within: this.settings.within,
      })
      this.walks.set(directory, walk)
    }

    return walk
  }

  get(key: string): LoadedConfig {
    // Kedro 0.18's ConfigLoader has no globals: nothing to read, nothing to fail.
    if (key === 'globals' && this.settings.interpolation !== 'omegaconf') return {config: {}, estimated: [], failure: null, files: [], missing: null, warnings: []}
    let loaded = this.cache.get(key)
    if (!loaded) {
      loaded = this.load(key)
      this.cache.set(key, loaded)
    }

    return loaded
  }

  private load(key: string): LoadedConfig {
    const loaded: LoadedConfig = {config: {}, estimated: [], failure: null, files: [], missing: null, warnings: []}
    const {baseEnv, runEnv} = this.settings
    const base = this.loadFolder(baseEnv, key, loaded)
    if (loaded.failure || loaded.missing) return loaded
    let config = base
    if (runEnv !== baseEnv) {
      const environment = this.loadFolder(runEnv, key, loaded)
      if (loaded.failure || loaded.missing) return loaded
      config = this.settings.mergeStrategy[key] === 'soft' ? deepMerge(base, environment) : {...base, ...environment}
    }

    // With a folder or file this tool did not read, "no files" is not known.
    const returnsEarly = runEnv === baseEnv && this.settings.sameEnvironmentReturnsEarly
    if (loaded.files.length === 0 && key !== 'globals' && loaded.estimated.length === 0 && !returnsEarly) {
      loaded.missing = `MissingConfigException: No files of YAML or JSON format found in ${baseEnv} or ${runEnv} matching the glob pattern(s): ${JSON.stringify(this.patterns(key))}`
    }

    loaded.config = config
    return loaded
  }

  /**
   * One configuration file as the loader class parses it. OmegaConf.load reads JSON with its YAML loader too (an empty
   * file is an empty mapping), and skips the other extensions; anyconfig reads YAML with PyYAML (an empty file is an
   * empty mapping too), `.json` with Python's json module, and the other extensions with backends not followed here.
   */
  private parseFile(shown: string, text: string, loaded: LoadedConfig): 'skipped' | ReturnType<typeof safeLoad> {
    const extension = path.extname(shown)
    const {anyconfig} = this
    if (ANYCONFIG_ONLY_EXTENSIONS.has(extension)) {
      if (anyconfig) loaded.estimated.push(`${shown}: Kedro 0.18's config loaders read ${extension} files with anyconfig, which is not followed here`)
      return 'skipped'
    }

    if (anyconfig && extension === '.json') {
      try {
        return {document: null, error: null, ok: true, value: JSON.parse(text) as unknown}
      } catch {
        // Python's json also reads NaN and Infinity, which JSON.parse refuses; otherwise both refuse the same text.
        if (/NaN|Infinity/.test(text)) {
          loaded.estimated.push(`${shown}: Kedro 0.18's config loaders read .json files with Python's json module, which reads NaN and Infinity too`)
          return 'skipped'
        }

        this.refuse(loaded, `JSONDecodeError: ${shown} is not JSON that Python's json module reads`)
        return 'skipped'
      }
    }

    return safeLoad(text.replaceAll(/\r\n?/g, '\n'))
  }

  /** One environment folder for `key`: its files merged and resolved, `_` keys dropped (except for parameters). */
  private loadFolder(folder: string, key: string, loaded: LoadedConfig): Config {
    const {confRoot, within} = this.settings
    const directory = path.join(confRoot, folder)
    const kind = entryKindSync(directory, within)
    if (kind !== 'directory') {
      if (kind === 'missing' || kind === 'file') loaded.missing = `MissingConfigException: Given configuration path either does not exist or is not a valid directory: ${folder}`
      else loaded.estimated.push(`${folder}: ${kind === 'outside' ? 'it leads outside the project' : 'it cannot be read'}, so it is not read`)
      return {}
    }

    const patterns = this.patterns(key).map((pattern) => globPattern(pattern))
    const walk = this.configFiles(directory)
    for (const problem of walk.problems) loaded.estimated.push(`${folder}: ${problem}`)
    const perFile: [string, Config][] = []
    for (const relative of walk.files.filter((file) => patterns.some((pattern) => pattern.test(file)))) {
      const shown = folder ? `${folder}/${relative}` : relative
      const read = readTextSafeSync(path.join(directory, relative), {within})
      if (!read.ok) {
        loaded.estimated.push(`${shown}: ${read.reason}`)
        continue
      }

      const parsed = this.parseFile(shown, read.text, loaded)
      if (loaded.failure) return {}
      if (parsed === 'skipped') continue
      if (!parsed.ok) {
        if (parsed.undecidable) loaded.estimated.push(`${shown}: ${parsed.error}`)
        else loaded.failure = `ParserError: Invalid YAML or JSON file ${shown} (${parsed.error})`
        if (loaded.failure) return {}
        continue
      }

      // anyconfig turns an empty YAML document into {}, but not JSON's null; then kedro calls .items() on what it got.
      if (this.anyconfig && !isMapping(parsed.value) && !(parsed.value == null && path.extname(shown) !== '.json')) {
        this.refuse(loaded, `BadConfigException: Couldn't load config file: ${shown} (it holds no mapping)`)
        if (loaded.failure) return {}
        continue
      }

      loaded.files.push(shown)
      if (parsed.value === null || parsed.value === undefined) continue
      if (!isMapping(parsed.value)) {
        loaded.estimated.push(`${shown} holds a ${Array.isArray(parsed.value) ? 'list' : 'scalar'}, not a mapping: how OmegaConf merges it is not followed`)
        continue
      }

      perFile.push([shown, parsed.value])
    }

    let duplicate: null | string
    try {
      duplicate = this.duplicateKeys(key, perFile)
    } catch (error) {
      if (!(error instanceof Unresolvable)) throw error
      loaded.estimated.push(`${folder}/ ${key}: ${error.message}`)
      duplicate = null
    }

    if (duplicate) {
      loaded.failure = duplicate
      return {}
    }

    let merged: Config = {}
    for (const [, config] of perFile) merged = deepMerge(merged, config)
    if (key === 'parameters') merged = deepMerge(merged, this.settings.runtimeParams)
    const unresolved = this.unresolvedInterpolation(folder, key, merged, loaded)
    if (unresolved) return unresolved
    try {
      const resolved = new Resolver(merged, key, this.settings, () => this.globals()).resolveTree(merged, []) as Config
      return key === 'parameters' ? resolved : Object.fromEntries(Object.entries(resolved).filter(([name]) => !name.startsWith('_')))
    } catch (error) {
      if (!(error instanceof Unresolvable)) throw error
      if (error.certain) loaded.failure = `${error.message} (in ${folder}/, ${key})`
      else loaded.estimated.push(`${folder}/ ${key}: ${error.message}`)
      return Object.fromEntries(Object.entries(merged).filter(([name]) => key === 'parameters' || !name.startsWith('_')))
    }
  }

  /**
   * Without OmegaConfigLoader, the merged folder as it stands (`_` keys dropped), said estimated where another loader
   * class would resolve a `${` this tool does not follow; null when OmegaConf's resolution applies.
   */
  private unresolvedInterpolation(folder: string, key: string, merged: Config, loaded: LoadedConfig): Config | null {
    const {interpolation} = this.settings
    if (interpolation === 'omegaconf') return null
    if (interpolation === 'not-followed' && JSON.stringify(merged).includes('${')) {
      loaded.estimated.push(`${folder}/ ${key}: the project's CONFIG_LOADER_CLASS resolves \${...} its own way, which is not followed here`)
    }

    // Kedro 0.18's ConfigLoader drops `_` keys from every file, parameters included.
    return Object.fromEntries(Object.entries(merged).filter(([name]) => (key === 'parameters' && interpolation !== 'literal') || !name.startsWith('_')))
  }

  /** _check_duplicates: a key (for parameters, a nested one) in two files of one folder raises ValueError. */
  private duplicateKeys(key: string, perFile: [string, Config][]): null | string {
    const budget = {left: MAX_WALKED_NODES}
    // OmegaConfigLoader compares parameters' nested keys; Kedro 0.18's ConfigLoader each file's top-level keys.
    const nested = key === 'parameters' && this.settings.interpolation !== 'literal'
    const keysOf = perFile.map(([file, config]) => [file, new Set(nested ? allKeys(config, budget) : Object.keys(config))] as const)
    const found: string[] = []
    for (const [index, [first, keys]] of keysOf.entries()) {
      for (const [second, others] of keysOf.slice(index + 1)) {
        const overlap = [...keys].filter((name) => others.has(name) && !name.startsWith('_')).sort()
        if (overlap.length > 0) found.push(`${first} and ${second}: ${overlap.join(', ')}`)
      }
    }

    return found.length > 0 ? `ValueError: Duplicate keys found in ${found.join('; ')}` : null
  }
}

/**
 * One `--params` item with the separator the release reads between key and value: `:` (0.18.0 to 0.18.4), else `=`
 * after 0.18.5 to 0.18.14 turned a colon before any `=` into one.
 */
export function paramsItem(raw: string, kedroVersion: string): {item: string; separator: ':' | '='} {
  if (compareVersions(kedroVersion, '0.18.5') < 0) return {item: raw, separator: ':'}
  if (compareVersions(kedroVersion, '0.19.0') >= 0) return {item: raw, separator: '='}
  const equals = raw.indexOf('=')
  const colon = raw.indexOf(':')
  return {item: equals !== -1 && colon !== -1 && equals < colon ? raw : raw.replace(':', '='), separator: '='}
}

/**
 * `kedro run --params a=1,b.c=x` (`a:1` before Kedro 0.19): the values as a nested mapping (numbers converted, as
 * Kedro's CLI does), each item read with the separator of `kedroVersion`.
 */
export function runtimeParamsOf(values: string[], kedroVersion: string): Config {
  const params: Config = {}
  for (const value of values) {
    for (const written of value.split(',')) {
      const {item, separator: mark} = paramsItem(written, kedroVersion)
      const separator = item.indexOf(mark)
      if (separator <= 0) continue
      const keys = item.slice(0, separator).trim().split('.')
      const raw = item.slice(separator + 1).trim()
      const number = Number(raw)
      let node = params
      for (const part of keys.slice(0, -1)) {
        if (!isMapping(node[part])) node[part] = {}
        node = node[part] as Config
      }

      node[keys.at(-1)!] = raw !== '' && Number.isFinite(number) ? number : raw
    }
  }

  return params
}
