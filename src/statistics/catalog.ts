/**
 * The dataset names Kedro's catalog holds before a run, and whether Kedro gets as far as creating it: the catalog
 * configuration as OmegaConfigLoader loads it (config-loader.ts), then what KedroContext._get_catalog and
 * DataCatalog.from_config check (credentials named by an entry, entries that are not mappings, factory patterns).
 * Factory patterns (names with `{`) are not datasets until resolved, so they are not counted.
 */
import path from 'node:path'

import {entryKindSync, isInside, realPathOr} from '../checkout/files.js'
import {appendAll} from '../collections.js'
import {type Config, ConfigLoader, type Interpolation} from './config-loader.js'

export interface CatalogEntry {
  /** The entry's keys, `type` aside: what Kedro passes its class's constructor, give or take versioning. */
  arguments: string[]
  /** The `filepath` as written, when it is a string. */
  filepath: null | string
  name: string
  /** The `type` as written, or null when it is missing or not a plain string. */
  type: null | string
  /** The class path of the entry's `validator:` (Kedro 1.6+), or null without one. */
  validator: null | string
  /** `versioned:` is true as Python reads it: Kedro then passes the constructor a `version`. */
  versioned: boolean
}

export interface CatalogReading {
  entries: CatalogEntry[]
  /** Why the figures may be off; empty when they are exact. */
  estimated: string[]
  /** Why Kedro fails to create the catalog (Python's exception), or null. */
  failure: null | string
  files: string[]
  /** The parameters as KedroContext.params has them ({} when there are none), runtime parameters merged in. */
  parameters: Config
  /**
   * Kedro 0.18: the logging configuration KedroSession.create applies before the context exists: what the loader
   * returns, or what it raises; null when the release does not (or there is none: MissingConfigException is caught).
   */
  sessionLogging: null | {config: Config} | {failure: string}
  warnings: string[]
}

/** Whether a catalog name is a dataset factory pattern (CatalogConfigResolver.is_pattern). */
function isPattern(name: string): boolean {
  return name.includes('{')
}

/** Whether `name` matches a dataset factory pattern (Kedro's `parse`: each `{placeholder}` stands for at least one character). */
function matchesPattern(names: string[], name: string): boolean {
  return names.filter((pattern) => isPattern(pattern)).some((pattern) => {
    const regex = pattern.split(/\{[^}]*\}/).map((part) => part.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)).join('(.+?)')
    return new RegExp(`^${regex}$`, 's').test(name)
  })
}

/** How many characters of a pattern are not placeholders (CatalogConfigResolver._pattern_specificity). */
function specificity(pattern: string): number {
  return pattern.replaceAll(/\{.*?\}/g, '').length
}

/** Every `credentials: name` in an entry, at any depth (catalog_config_resolver._resolve_credentials). */
function credentialNames(config: unknown, seen = new WeakSet<object>()): string[] {
  // YAML aliases may share one mapping many times over: each is looked at once.
  if (!config || typeof config !== 'object' || seen.has(config)) return []
  seen.add(config)
  return Object.entries(config as Record<string, unknown>).flatMap(([key, value]) => {
    if (key === 'credentials' && typeof value === 'string') return [value]
    return value && typeof value === 'object' && !Array.isArray(value) ? credentialNames(value, seen) : []
  })
}

/** The `{placeholder}`s in the strings of a pattern's configuration (shared objects looked at once). */
function placeholdersIn(config: unknown, seen = new WeakSet<object>()): string[] {
  if (typeof config === 'string') return config.match(/\{.*?\}/g) ?? []
  if (!config || typeof config !== 'object' || seen.has(config)) return []
  seen.add(config)
  return Object.values(config).flatMap((value) => placeholdersIn(value, seen))
}

const VALIDATOR_KEYS = new Set(['class', 'enabled', 'on', 'options', 'severity', 'skip_load_after_save'])

/** What is wrong with a long-form validator declaration's values (its keys known), or null. */
function validatorValuesProblem(config: Record<string, unknown>): null | string {
  if (typeof config.class !== 'string' || config.class === '') return "'class' must be a non-empty class path string"
  const modes = config.on === undefined ? ['load', 'save'] : (Array.isArray(config.on) ? config.on : [config.on])
  if (modes.length === 0 || !modes.every((mode) => mode === 'load' || mode === 'save')) return "'on' must be a non-empty subset of ['load', 'save']"
  if (config.severity !== undefined && config.severity !== 'error' && config.severity !== 'warn') return "'severity' must be one of ['error', 'warn']"
  if (config.options !== undefined && (!config.options || typeof config.options !== 'object' || Array.isArray(config.options))) return "'options' must be a dictionary"
  const flag = ['enabled', 'skip_load_after_save'].find((name) => config[name] !== undefined && typeof config[name] !== 'boolean')
  return flag ? `'${flag}' must be a boolean` : null
}

/**
 * A `validator:` declaration as Kedro 1.6's ValidatorSpec.from_dataset_config reads it: its class path, or the
 * ValidationConfigurationError it raises. YAML reads an unquoted `on` key as true, which Kedro maps back.
 */
function validatorClass(name: string, declaration: unknown): {classPath: string} | {error: string} {
  const invalid = (why: string) => ({error: `ValidationConfigurationError: Invalid validator declaration for dataset '${name}': ${why}`})
  if (typeof declaration === 'string') return {classPath: declaration}
  if (Array.isArray(declaration)) return invalid('list form is reserved for future use')
  if (!declaration || typeof declaration !== 'object') return invalid('expected a class path string or a dictionary')
  const config = {...declaration as Record<string, unknown>}
  if (Object.hasOwn(config, 'true')) {
    if (Object.hasOwn(config, 'on')) return invalid("both an unquoted 'on' key and a quoted \"on\" key are present")
    config.on = config.true
    delete config.true
  }

  const unknown = Object.keys(config).filter((key) => !VALIDATOR_KEYS.has(key)).sort()
  if (unknown.length > 0) return invalid(`unknown key(s) ${unknown.join(', ')}`)
  const problem = validatorValuesProblem(config)
  return problem ? invalid(problem) : {classPath: config.class as string}
}

type Entries = Record<string, unknown>

function shapeFailure(config: Entries): null | string {
  const bad = Object.entries(config).find(([, entry]) => !entry || typeof entry !== 'object' || Array.isArray(entry))
  if (bad) return `DatasetError: Catalog entry '${bad[0]}' is not a valid dataset configuration`
  // Every release checks each dataset's config for a `type` as it builds the catalog (kedro/io: parse_dataset_definition,
  // 1.x DataCatalog._validate_dataset_config); a factory pattern's only when it is resolved.
  const untyped = Object.entries(config).find(([name, entry]) => !isPattern(name) && !Object.hasOwn(entry as object, 'type'))
  return untyped ? `DatasetError: An exception occurred when parsing config for dataset '${untyped[0]}': 'type' is missing from dataset catalog configuration` : null
}

function patternFailure(config: Entries): null | string {
  const catchAll = Object.keys(config).filter((name) => isPattern(name) && specificity(name) === 0)
  if (catchAll.length > 1) return `DatasetError: Multiple catch-all patterns found in the catalog: ${catchAll.join(', ')}`
  for (const [name, entry] of Object.entries(config)) {
    if (!isPattern(name)) continue
    const placeholders = new Set(name.match(/\{.*?\}/g) ?? [])
    const unknown = placeholdersIn(entry).filter((placeholder) => !placeholders.has(placeholder))
    if (unknown.length > 0) return `DatasetError: Incorrect dataset configuration provided. Keys used in the configuration ${unknown.join(', ')} should present in the dataset pattern name ${name}`
  }

  return null
}

/** Every entry's credentials are looked up as the catalog is built, a factory pattern's first (used or not). */
function credentialFailure(config: Entries, credentials: Entries): null | string {
  const ordered = [...Object.entries(config).filter(([name]) => isPattern(name)), ...Object.entries(config).filter(([name]) => !isPattern(name))]
  for (const [name, entry] of ordered) {
    const missing = credentialNames(entry).find((credential) => !Object.hasOwn(credentials, credential))
    if (missing !== undefined) return `KeyError: Unable to find credentials '${missing}' (catalog ${isPattern(name) ? 'pattern' : 'entry'} ${name})`
  }

  return null
}

/** Kedro 1.6+ reads each explicit entry's validator as it adds the entry. */
function validatorFailure(config: Entries): null | string {
  for (const [name, entry] of Object.entries(config)) {
    if (isPattern(name) || !Object.hasOwn(entry as object, 'validator')) continue
    const spec = validatorClass(name, (entry as Entries).validator)
    if ('error' in spec) return spec.error
  }

  return null
}

/** What DataCatalog.from_config raises on these entries and credentials (Kedro 0.19 and 1.x alike), or null. */
function catalogFailure(config: Entries, credentials: Entries, validators: boolean): null | string {
  return shapeFailure(config) ?? patternFailure(config) ?? credentialFailure(config, credentials) ?? (validators ? validatorFailure(config) : null)
}

/** A configuration archive, which OmegaConfigLoader reads through fsspec's tar or zip filesystem (by mimetypes.guess_type). */
export function isArchive(location: string): boolean {
  return /\.(?:zip|tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$/i.test(location)
}

/** A URL such as s3://bucket/conf, which Kedro reads through fsspec and this tool does not. */
export function isRemote(location: string): boolean {
  return /^[a-z][\d+.a-z-]*:\/\//i.test(location)
}

/** What settings.py's CONFIG_LOADER_ARGS and the command line change about how the configuration is loaded. */
export interface CatalogOptions {
  customResolvers?: string[]
  /** How `${...}` is read (default: as OmegaConfigLoader resolves it). */
  interpolation?: Interpolation
  /** The dataset names `kedro run --load-versions` gives versions for: each must be in the catalog or match a pattern. */
  loadVersions?: string[]
  /** Kedro 1.6+: entries may declare `validator:`, which Kedro reads (and may refuse) when it creates the catalog. */
  validators?: boolean
  environment?: NodeJS.ProcessEnv
  mergeStrategy?: Record<string, string>
  patterns?: Record<string, string[]>
  runtimeParams?: Config
  /** OmegaConfigLoader from 0.19.9 returns a key's config when the run environment is the base one before it checks that any file was read. */
  sameEnvironmentReturnsEarly?: boolean
  /** Kedro 0.18's KedroSession.create loads the `logging` key and applies it. */
  sessionLogging?: boolean
}

/**
 * Why the configuration folder is not read (remote, an archive, outside the boundary), or what Kedro raises for it
 * (there is none: its base environment is the first folder the loader looks for); null when it is read.
 */
function unreadFolder(confRoot: string, within: string, baseEnv: string): null | {estimated: string} | {failure: string} {
  if (isRemote(confRoot) || isArchive(confRoot)) return {estimated: `the configuration is ${isRemote(confRoot) ? 'remote' : 'an archive'} (${confRoot}), which this tool does not read`}
  if (!isInside(within, confRoot)) return {estimated: `the configuration folder ${confRoot} is outside the project: not read`}
  const kind = entryKindSync(confRoot, within)
  if (kind === 'directory') return null
  if (kind === 'missing' || kind === 'file') return {failure: `MissingConfigException: Given configuration path either does not exist or is not a valid directory: ${path.join(confRoot, baseEnv)}`}
  return {estimated: `the configuration folder ${confRoot} ${kind === 'outside' ? 'leads outside the project' : 'cannot be read'}: not read`}
}

/** Python's truth of a YAML value: false, None, zero, and empty strings and containers are false. */
function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  return typeof value === 'object' ? Object.keys(value).length > 0 : true
}

/** The catalog's entries (factory patterns left out), with their types and validators as written. */
function entriesOf(config: Record<string, unknown>, validators: boolean, estimated: string[]): CatalogEntry[] {
  const entries: CatalogEntry[] = []
  for (const [name, value] of Object.entries(config)) {
    if (isPattern(name)) continue
    const type = (value as Record<string, unknown>).type
    if (typeof type === 'string' && type.includes('${')) estimated.push(`${name}: its type ${type} uses an interpolation this tool does not resolve`)
    const declared = validators && Object.hasOwn(value as object, 'validator') ? validatorClass(name, (value as Record<string, unknown>).validator) : null
    const entry = value as Record<string, unknown>
    entries.push({
      arguments: Object.keys(entry).filter((key) => key !== 'type'),
      filepath: typeof entry.filepath === 'string' ? entry.filepath : null,
      name, type: typeof type === 'string' && !type.includes('${') ? type : null, validator: declared && 'classPath' in declared ? declared.classPath : null,
      versioned: pythonTruthy(entry.versioned),
    })
  }

  return entries
}

/** kedro run --load-versions names a dataset that is neither in the catalog nor matched by a pattern. */
function loadVersionsFailure(config: Entries, loadVersions: string[]): null | string {
  const unversioned = loadVersions.filter((name) => !Object.hasOwn(config, name) && !matchesPattern(Object.keys(config), name))
  return unversioned.length > 0 ? `DatasetNotFoundError: 'load_versions' keys [${unversioned.sort().join(', ')}] are not found in the catalog` : null
}

function configLoaderFor(where: {baseEnv: string; confRoot: string; runEnv: string; within: string}, options: CatalogOptions): ConfigLoader {
  return new ConfigLoader({
    ...where, customResolvers: options.customResolvers ?? [], environment: options.environment ?? {}, interpolation: options.interpolation ?? 'omegaconf',
    mergeStrategy: options.mergeStrategy ?? {},
    patterns: options.patterns ?? {}, runtimeParams: options.runtimeParams ?? {}, sameEnvironmentReturnsEarly: options.sameEnvironmentReturnsEarly ?? false,
  })
}

/** What creating the catalog raises once the catalog file loaded: the credentials, from_config, --load-versions. */
function catalogCreationFailure(config: Entries, credentials: {config: Entries; failure: null | string; missing: null | string}, options: CatalogOptions): null | string {
  return credentials.failure
    ?? catalogFailure(config, credentials.missing ? {} : credentials.config, Boolean(options.validators))
    ?? loadVersionsFailure(config, options.loadVersions ?? [])
}

/** The logging configuration Kedro 0.18's session applies: none where the loader finds no file (it catches that). */
function sessionLoggingOf(loaded: ReturnType<ConfigLoader['get']>): CatalogReading['sessionLogging'] {
  if (loaded.failure) return {failure: loaded.failure}
  return loaded.missing ? null : {config: loaded.config}
}

/**
 * The catalog of the configuration folder `confRoot` for the run environment `env`, over `baseEnv`, as
 * KedroContext._get_catalog builds it: the catalog, the credentials, DataCatalog.from_config, then the parameters. Where
 * Kedro raises on the way, `failure` says so (the catalog is not created, so no statistics are sent). `files` are
 * relative to `confRoot`. Nothing outside `boundary` (the project, or the folder the user named) is read.
 */
export function readCatalog(confRoot: string, env = 'local', baseEnv = 'base', boundary = confRoot, options: CatalogOptions = {}): CatalogReading {
  const reading: CatalogReading = {entries: [], estimated: [], failure: null, files: [], parameters: {}, sessionLogging: null, warnings: []}
  const within = realPathOr(boundary)
  const unread = unreadFolder(confRoot, within, baseEnv)
  if (unread) return 'failure' in unread ? {...reading, failure: unread.failure} : {...reading, estimated: [unread.estimated]}
  const loader = configLoaderFor({baseEnv, confRoot, runEnv: env, within}, options)
  const fail = (why: string): CatalogReading => ({...reading, failure: why})
  const load = (key: string) => {
    const loaded = loader.get(key)
    appendAll(reading.estimated, loaded.estimated)
    return loaded
  }

  if (options.sessionLogging) reading.sessionLogging = sessionLoggingOf(load('logging'))
  // The loader reads the globals when it is created; only their MissingConfigException is caught.
  const globals = load('globals')
  if (globals.failure) return fail(globals.failure)
  const catalog = load('catalog')
  appendAll(reading.files, catalog.files)
  const unloaded = catalog.failure ?? catalog.missing
  if (unloaded) return fail(unloaded)
  const failure = catalogCreationFailure(catalog.config, load('credentials'), options)
  if (failure) return fail(failure)
  // KedroContext.params catches MissingConfigException only.
  const parameters = load('parameters')
  if (parameters.failure) return fail(parameters.failure)
  if (!parameters.missing) reading.parameters = parameters.config
  reading.entries = entriesOf(catalog.config, Boolean(options.validators), reading.estimated)
  return reading
}
