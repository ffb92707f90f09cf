/** The properties of the "Kedro Project Statistics" event, read statically from the project's files. */
import path from 'node:path'

import {boundaryFor, entryKindSync, readTextSafeSync} from '../checkout/files.js'
import type {PyJson} from '../python/json-dumps.js'
import {compareVersions} from '../python/pep440.js'
import {STDLIB_MODULES} from '../python/stdlib.js'
import type {KedroRelease, TelemetryRelease} from '../releases/releases.js'
import {type CatalogEntry, type CatalogOptions, type CatalogReading, isArchive, isRemote, readCatalog} from './catalog.js'
import {type Interpolation, runtimeParamsOf} from './config-loader.js'
import {datasetConstructor, submoduleExporting} from './dataset-constructor.js'
import {DATASET_PACKAGES, type ModuleMap, readModuleMap, resolveDatasetType, typeCountKey} from './dataset-types.js'
import {installedIn, KEDRO_DEPENDENCIES, missingImport, thirdPartyImports} from './importable.js'
import type {RunFilters} from './pipeline-filter.js'
import {kedroHasModule, kedroModuleNames, signatureError} from './pipeline-api.js'
import {type PipelineReading, ProjectEvaluator, projectLayout, readPipelines} from './pipelines.js'
import {type ProjectSettings, readSettings} from './settings.js'

/** Validator classes from these packages are counted by name; any other (a project's own) as `custom`. */
const PUBLIC_VALIDATOR_LIBRARIES = new Set(['great_expectations', 'kedro', 'kedro_datasets', 'pandera', 'pydantic'])

export interface StatisticsOptions {
  /** The configuration folder given to the command (`--conf-source`), absolute; else settings.py's, else conf. */
  confSource: null | string
  /** The run environment given (--env, else KEDRO_ENV); else settings.py's default_run_env, else local. */
  env: null | string
  /** The Kedro release that runs the command, as the preview settled it. */
  kedroRelease: KedroRelease
  packageName: null | string
  projectRoot: string
  /** The pipelines the command asks for (`run --pipeline(s)`, `catalog ... -p`): Kedro 1.5.0 loads only those. */
  requested: null | string[]
  /** sys.version of the Python that runs kedro, when known (some syntax depends on it). */
  pythonVersion?: null | string
  /** The command is `kedro run`: the pipelines it runs must be registered and hold nodes. */
  runs?: boolean
  /** The command looks the requested pipelines up before the catalog (0.18/0.19's `catalog create`): they must be registered. */
  looksUp?: boolean
  /** The dataset names `kedro run --load-versions` gives versions for. */
  loadVersions?: string[]
  /** kedro run's filters (--tags, --nodes, --from-nodes...), applied to the pipelines it runs. */
  filters?: RunFilters
  /** `kedro run --params`, as given (`a=1,b.c=x`). */
  runtimeParams?: string[]
  /** The environment kedro runs in (for `${oc.env:...}` in credentials). */
  environment?: NodeJS.ProcessEnv
  /** The working directory kedro runs in: what a relative conf_source in the project's own code means. */
  workingDirectory?: string
  /** site-packages folders of the environment kedro itself is installed in (what pipeline modules import), if read. */
  kedroSitePackages?: string[]
  /** site-packages folders of the project's environment, to read the installed kedro-datasets. */
  sitePackages: string[]
  sourceDir: string
  /** The kedro-telemetry release that sends, as the preview settled it. */
  telemetryRelease: TelemetryRelease
}

export interface StatisticsReading {
  /** Requested pipelines that are not registered: kedro run fails before building the catalog. */
  missingPipelines: string[]
  /** Why kedro run's filters raise or select no node (it fails before the catalog), or null. */
  filterFails: null | string
  /** How many nodes the pipelines kedro run runs hold together (0: it fails before the catalog), when known. */
  selectedNodes: null | number
  /** Why importing pipeline_registry.py fails: kedro run fails before building the catalog. */
  registryFails: null | string
  /** Why Kedro fails to create the catalog (the configuration, the credentials, the parameters), or null. */
  catalogFails: null | string
  /** Why kedro-telemetry's statistics hook raises (a dataset class it cannot import), or null. */
  hookFails: null | string
  /** Kedro 0.18: the logging configuration the session applies as it is created (see CatalogReading), or null. */
  sessionLogging: CatalogReading['sessionLogging']
  /** Why settings.py may put the configuration elsewhere than where it was read, or null. */
  settingsUnread: null | string
  /** Why whether the hook gets as far as sending is not known here (a class whose import depends on the environment). */
  hookUnsure: null | string
  /** Reasons the figures may be off, per property name. */
  estimated: Record<string, string[]>
  /** The run environment the catalog was read for. */
  env: string
  /** The files the figures were read from, relative to the project root. */
  files: {catalog: string[]; pipelines: string[]}
  properties: Record<string, PyJson>
  warnings: string[]
}

/**
 * `len(catalog.datasets.__dict__)`, which kedro-telemetry up to 0.3.1 sent: the datasets, `parameters`, and a
 * `params:<path>` entry for every key of the parameters, nested ones included (KedroContext._get_feed_dict), each
 * under its attribute name (`_sub_nonword_chars`: every run of non-word characters becomes `__`), so names that
 * come out the same count once.
 */
export function datasetsAttributeCount(datasetNames: string[], parameters: Record<string, unknown>): number {
  const names = [...datasetNames, 'parameters']
  const addPaths = (prefix: string, value: unknown) => {
    names.push(`params:${prefix}`)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, nested] of Object.entries(value)) addPaths(`${prefix}.${key}`, nested)
    }
  }

  for (const [key, value] of Object.entries(parameters)) addPaths(key, value)
  return new Set(names.map((name) => name.replaceAll(/[^\p{L}\p{N}_]+/gu, '__'))).size
}

/** The dataset packages installed in `sitePackages`: each one's class map and its folder. */
async function installedDatasetPackages(sitePackages: string[], projectRoot: string): Promise<{folders: Map<string, string>; maps: Map<string, ModuleMap>}> {
  const maps = new Map<string, ModuleMap>()
  const folders = new Map<string, string>()
  for (const directory of sitePackages) {
    for (const name of DATASET_PACKAGES) {
      if (maps.has(name)) continue
      const folder = `${directory}/${name}`
      const map = await readModuleMap(folder, projectRoot)
      if (map.size === 0) continue
      maps.set(name, map)
      folders.set(name, folder)
    }
  }

  return {folders, maps}
}

/**
 * A dataset class of the project's own package (`<package>.datasets.MyDataset`): its module imported as Python does
 * (with the project modules it imports, third-party imports checked against kedro's environment), and the class
 * bound there. What fails is a missing package (or the module's own exception); not followed, why; null otherwise.
 */
function projectClassImport(className: string, options: StatisticsOptions): null | {failure: string} | {unknown: string[]} {
  const {packageName} = options
  if (!packageName || !className.startsWith(`${packageName}.`)) return null
  const parts = className.split('.')
  const evaluator = new ProjectEvaluator(
    projectLayout(options.projectRoot, options.sourceDir, packageName), options.kedroRelease, null, options.pythonVersion ?? null,
    options.kedroSitePackages?.length ? options.kedroSitePackages : null,
  )
  const record = evaluator.importModule(parts.slice(0, -1).join('.'))
  if (record.failure) return {failure: `importing its module raises ${record.failure}`}
  const lacking = evaluator.unsureImports.flatMap(([, packages]) => packages)
  if (lacking.length > 0) return {unknown: [...new Set(lacking)]}
  return record.complete && !record.scope.has(parts.at(-1)!) ? {failure: `its module does not define ${parts.at(-1)}`} : null
}

/**
 * Whether the installed class's own module imports: the third-party packages it needs at import time (pyspark for
 * spark.SparkDataset) must be installed too, or Kedro raises DatasetError. `folders` are where kedro's interpreter
 * imports from, or null when they are not known: then which packages it needs is said, not whether they are there.
 */
function classDependencies(
  className: string, packages: Map<string, string>, folders: null | string[], projectRoot: string,
): null | {missing: string} | {unknown: string[]} {
  const [packageName, subpackage, module] = className.split('.')
  const folder = packages.get(packageName)
  if (!folder || !module) return null
  const read = readTextSafeSync(path.join(folder, subpackage, `${module}.py`), {within: boundaryFor(folder, projectRoot)})
  if (!read.ok) return null
  if (folders) {
    const missing = missingImport(read.text, folders, new Set(DATASET_PACKAGES))
    return missing ? {missing} : null
  }

  const needed = thirdPartyImports(read.text, new Set(DATASET_PACKAGES))
  return needed.length > 0 ? {unknown: needed} : null
}

type ResolvedEntry = {entry: CatalogEntry; resolved: ReturnType<typeof resolveDatasetType>}

/** Whether importing every dataset class succeeds: the first that fails (DatasetError), or why that is not known. */
function importVerdict(
  resolvedTypes: ResolvedEntry[], packages: Map<string, string>, options: StatisticsOptions, eagerCatalog: boolean,
): {failure: null | string; unsure: null | string} {
  const when = eagerCatalog ? 'Kedro imports each dataset class as it builds the catalog' : 'kedro-telemetry imports each dataset class'
  const notFound = resolvedTypes.find(({resolved}) => resolved.notFound)
  if (notFound) return {failure: `DatasetError: ${notFound.entry.type} (catalog entry ${notFound.entry.name}): ${notFound.resolved.notFound}`, unsure: null}
  const absent = resolvedTypes.find(({resolved}) => resolved.absent || resolved.inNoRelease)
  if (absent) {
    const where = absent.resolved.inNoRelease ? 'any kedro-datasets release' : 'the installed kedro-datasets'
    return {failure: `DatasetError: ${absent.entry.type} (catalog entry ${absent.entry.name}) is not in ${where}`, unsure: absent.resolved.inNoRelease ? `${when}: ${absent.resolved.inNoRelease}` : null}
  }

  const notInstalled = resolvedTypes.find(({resolved}) => resolved.notInstalled)
  if (notInstalled) return {failure: null, unsure: `${when}; whether ${notInstalled.entry.type} (entry ${notInstalled.entry.name}) imports depends on the installed kedro-datasets, not read here`}
  return dependencyVerdict(resolvedTypes, packages, options, when)
}

/**
 * The package fsspec needs for a protocol, where it is not fsspec itself (fsspec/registry.py, known_implementations):
 * a kedro-datasets class builds its filesystem as it is created, and fsspec raises ImportError without it.
 */
const FSSPEC_PROTOCOL_PACKAGES: Readonly<Record<string, string>> = {
  abfs: 'adlfs', adl: 'adlfs', az: 'adlfs', dropbox: 'dropboxdrivefs', gcs: 'gcsfs', gdrive: 'gdrivefs', gs: 'gcsfs', http: 'aiohttp', https: 'aiohttp',
  oci: 'ocifs', oss: 'ossfs', s3: 's3fs', s3a: 's3fs', sftp: 'paramiko', ssh: 'paramiko', webdav: 'webdav4',
}

/**
 * Kedro before 1.0 creates every dataset as it builds the catalog: a kedro-datasets class (Spark's aside, which
 * reaches storage its own way) whose filepath names a protocol fsspec needs another package for fails without it.
 */
function protocolVerdict(resolvedTypes: ResolvedEntry[], options: StatisticsOptions, when: string): {failure: null | string; unsure: null | string} {
  for (const {entry, resolved} of resolvedTypes) {
    const protocol = /^([a-z][\d+.a-z-]*):\/\//i.exec(entry.filepath ?? '')?.[1].toLowerCase()
    const needed = protocol && Object.hasOwn(FSSPEC_PROTOCOL_PACKAGES, protocol) ? FSSPEC_PROTOCOL_PACKAGES[protocol] : null
    const fromDatasets = resolved.className?.startsWith('kedro_datasets.') && !resolved.className.startsWith('kedro_datasets.spark.')
    if (!needed || !fromDatasets) continue
    const folders = options.kedroSitePackages?.length ? options.kedroSitePackages : null
    if (!folders) return {failure: null, unsure: `${when}; entry ${entry.name} reads ${protocol}:// paths, which need ${needed}, and kedro's environment (not read) may lack it`}
    if (!installedIn(needed, folders)) return {failure: `DatasetError: ${entry.type} (catalog entry ${entry.name}): fsspec needs ${needed} for ${protocol}:// paths, which is not installed`, unsure: null}
  }

  return {failure: null, unsure: null}
}

/**
 * The keywords Kedro passes a dataset's constructor (kedro/io/core.py, parse_dataset_definition): the entry's keys but
 * `type`, `version` (dropped) and `versioned` (a `version` instead when true); Kedro 0.18 also takes `layer` off.
 */
function constructorKeywords(entry: CatalogEntry, kedroVersion: string): string[] {
  const dropped = new Set(['type', 'version', 'versioned', ...(compareVersions(kedroVersion, '0.19.0') < 0 ? ['layer'] : [])])
  return [...entry.arguments.filter((key) => !dropped.has(key)), ...(entry.versioned ? ['version'] : [])]
}

/** The installed kedro package's folder in kedro's environment (for kedro.io's own datasets), when it is read. */
function installedKedro(options: StatisticsOptions): string | undefined {
  return options.kedroSitePackages?.map((folder) => path.join(folder, 'kedro')).find((folder) => entryKindSync(path.join(folder, 'io'), boundaryFor(folder, options.projectRoot)) === 'directory')
}

/** A kedro.io name no module path was found for (Kedro 0.18's `MemoryDataSet`): its class, as kedro/io/__init__.py imports it. */
function kedroIoConstructor(name: string, options: StatisticsOptions): ReturnType<typeof datasetConstructor> {
  const folder = installedKedro(options)
  if (!folder) return null
  const within = boundaryFor(folder, options.projectRoot)
  const init = readTextSafeSync(path.join(folder, 'io', '__init__.py'), {within})
  const module = init.ok ? submoduleExporting(init.text, name) : null
  const read = module ? readTextSafeSync(path.join(folder, 'io', `${module}.py`), {within}) : null
  return read?.ok ? datasetConstructor(read.text, name) : null
}

/**
 * Kedro before 1.0 creates every dataset as it builds the catalog: a keyword the installed class's constructor does
 * not take (or a required one left out) raises TypeError, which Kedro gives as DatasetError. Classes whose
 * constructor is not read here (not installed, defined elsewhere) are left to the other checks.
 */
function constructorVerdict(resolvedTypes: ResolvedEntry[], packages: Map<string, string>, options: StatisticsOptions): null | string {
  // Each class is read once, however many entries use it.
  const signatures = new Map<string, ReturnType<typeof datasetConstructor>>()
  const signatureOf = (className: string) => {
    const ioName = /^(?:kedro\.io\.)?(\w+)$/.exec(className)?.[1]
    if (ioName) return kedroIoConstructor(ioName, options)
    const [packageName, subpackage, module, name] = className.split('.')
    const folder = packageName === 'kedro' ? installedKedro(options) : packages.get(packageName)
    if (!folder || !name) return null
    const within = boundaryFor(folder, options.projectRoot)
    const read = [`${module}.py`, `${module}/__init__.py`].map((file) => readTextSafeSync(path.join(folder, subpackage, file), {within})).find((result) => result.ok)
    return read?.ok ? datasetConstructor(read.text, name) : null
  }

  for (const {entry, resolved} of resolvedTypes) {
    if (!resolved.className) continue
    if (!signatures.has(resolved.className)) signatures.set(resolved.className, signatureOf(resolved.className))
    const signature = signatures.get(resolved.className)
    const className = resolved.className.split('.').at(-1)!
    const error = signature && signatureError(`${className}.__init__`, signature, 0, constructorKeywords(entry, options.kedroRelease.version))
    if (error) return `DatasetError: ${error} (catalog entry ${entry.name}; Kedro creates each dataset as it builds the catalog)`
  }

  return null
}

/**
 * A configuration folder fsspec reaches over a protocol (`s3://bucket/conf`): OmegaConfigLoader builds that
 * filesystem as it is created, which fails without the protocol's package; with it, whether kedro reaches the
 * storage (network, credentials) is not known here.
 */
function remoteConfigurationVerdict(confRoot: string, options: StatisticsOptions, interpolation: Interpolation): {failure: null | string; unsure: null | string} {
  const protocol = isRemote(confRoot) ? confRoot.slice(0, confRoot.indexOf(':')).toLowerCase() : null
  if (!protocol && isArchive(confRoot)) {
    return {failure: null, unsure: `the configuration is an archive (${confRoot}): whether kedro can read it (fsspec's archive filesystems, the folders inside) is not followed here`}
  }

  if (!protocol) return {failure: null, unsure: null}
  const needed = Object.hasOwn(FSSPEC_PROTOCOL_PACKAGES, protocol) ? FSSPEC_PROTOCOL_PACKAGES[protocol] : null
  const folders = options.kedroSitePackages?.length ? options.kedroSitePackages : null
  if (needed && folders && interpolation === 'omegaconf' && !installedIn(needed, folders)) {
    return {failure: `ImportError: fsspec needs ${needed} for the configuration at ${confRoot}, which is not installed`, unsure: null}
  }

  return {failure: null, unsure: `the configuration is at ${confRoot}: whether kedro can read it there (its package, the network, credentials) is not known here`}
}

/** A `kedro.<module>.<Name>` type: a module the release does not have, or a kedro.io name it lacks, raises DatasetError. */
function kedroClass(className: string, kedroVersion: string): null | {invalid: string} {
  const module = className.slice(0, className.lastIndexOf('.'))
  const name = className.slice(className.lastIndexOf('.') + 1)
  if (kedroHasModule(kedroVersion, module) === false) return {invalid: `Kedro ${kedroVersion} has no module ${module}`}
  const names = module === 'kedro.io' ? kedroModuleNames(kedroVersion, module) : null
  return names && !names.includes(name) ? {invalid: `Kedro ${kedroVersion}'s kedro.io has no ${name}`} : null
}

/**
 * A class of another package (a plugin's, `kedro_mlflow.io.artifacts.MlflowArtifactDataSet`): Kedro imports its
 * module, which fails where kedro's environment lacks the package. Where it has it, or is not read, whether the class
 * is there is not known. Null for Kedro's, the dataset packages', the project's and the standard library's names.
 */
function otherPackageClass(className: string, options: StatisticsOptions): null | {invalid: string} | {missing: string} | {unknown: string[]} | {unread: string} {
  const top = className.split('.')[0]
  if (top === 'kedro') return kedroClass(className, options.kedroRelease.version)
  const own = [...DATASET_PACKAGES, options.packageName?.split('.')[0]]
  if (!className.includes('.') || own.includes(top)) return null
  // Neither the standard library nor what Kedro is built on (nor kedro-telemetry) holds a subclass of Kedro's
  // AbstractDataset, which parse_dataset_definition requires of whatever it loads.
  if (STDLIB_MODULES.has(top) || KEDRO_DEPENDENCIES.has(top)) return {invalid: `${top} holds no Kedro dataset class (one must extend AbstractDataset)`}
  const folders = options.kedroSitePackages?.length ? options.kedroSitePackages : null
  if (!folders) return {unknown: [top]}
  return installedIn(top, folders) ? {unread: `${className} comes from ${top}, installed where kedro runs but not read here`} : {missing: top}
}

/** Whether one dataset's class imports where kedro runs: why it fails, or why that is not known, or null. */
function classVerdict({entry, resolved}: ResolvedEntry, packages: Map<string, string>, options: StatisticsOptions, when: string): null | {failure: string} | {unsure: string} {
  if (!resolved.className) return null
  const own = projectClassImport(resolved.className, options)
  const subject = `${entry.type} (catalog entry ${entry.name})`
  if (own && 'failure' in own) return {failure: `DatasetError: ${subject}: ${own.failure}`}
  const needs = own ?? classDependencies(resolved.className, packages, options.kedroSitePackages ?? null, options.projectRoot) ?? otherPackageClass(resolved.className, options)
  if (!needs) return null
  if ('missing' in needs) return {failure: `DatasetError: ${subject} needs ${needs.missing}, which is not installed`}
  if ('invalid' in needs) return {failure: `DatasetError: ${subject}: ${needs.invalid}`}
  if ('unread' in needs) return {unsure: `${when}; ${needs.unread}`}
  return {unsure: `${when}; ${entry.type} (entry ${entry.name}) needs ${needs.unknown.join(', ')}, which kedro's environment (not read) may lack`}
}

/** Whether each class's own module imports (a project's module, an installed kedro-datasets one): the first that fails. */
function dependencyVerdict(
  resolvedTypes: ResolvedEntry[], packages: Map<string, string>, options: StatisticsOptions, when: string,
): {failure: null | string; unsure: null | string} {
  let mayLack: null | string = null
  for (const resolvedEntry of resolvedTypes) {
    const verdict = classVerdict(resolvedEntry, packages, options, when)
    if (verdict && 'failure' in verdict) return {failure: verdict.failure, unsure: null}
    if (verdict) mayLack ??= verdict.unsure
  }

  return {failure: null, unsure: mayLack}
}

/** What every collector adds to: the properties, and the reasons a figure may be off (per property) and warnings. */
class Collected {
  readonly estimated: Record<string, string[]> = {}
  readonly properties: Record<string, PyJson> = {}
  readonly warnings: string[] = []

  note(field: string, reason: string): void {
    this.estimated[field] ??= []
    if (!this.estimated[field].includes(reason)) this.estimated[field].push(reason)
  }
}

/** What the collectors read: the project's settings, catalog and pipelines, and the two releases' behaviour. */
interface ProjectReading {
  /** The base environment's folder under the configuration folder; "" for the whole folder. */
  baseEnv: string
  catalog: CatalogReading
  confRoot: string
  datasets: CatalogEntry[]
  /** Kedro creates every dataset as it builds the catalog (before 1.0, unless settings.py chooses a lazy catalog). */
  eagerCatalog: boolean
  env: string
  kedroRelease: KedroRelease
  pipelines: Omit<PipelineReading, 'pipelines'>
  settings: null | ProjectSettings
  telemetryRelease: TelemetryRelease
}

const NO_PACKAGE: Omit<PipelineReading, 'pipelines'> = {
  estimated: ['no package_name in [tool.kedro]'], files: [], filterFails: null, mayRaise: [], missing: [], numberOfNodes: null, numberOfPipelines: null,
  registryFails: null, selectedNodes: null, warnings: [],
}

/** settings.py's CONF_SOURCE as Kedro's settings give it: "conf" unless set; null when it is set to what is not followed. */
function confSourceSetting(settings: null | ProjectSettings): null | string {
  if (settings?.confSource) return settings.confSource
  return settings?.estimated.some((reason) => reason.includes('CONF_SOURCE')) ? null : 'conf'
}

/** The project's pipelines as this command selects them (none without a package name). */
function readProjectPipelines(options: StatisticsOptions, settings: null | ProjectSettings): Omit<PipelineReading, 'pipelines'> {
  if (!options.packageName) return NO_PACKAGE
  return readPipelines({
    filters: options.filters, kedroRelease: options.kedroRelease, mustExist: options.runs || options.looksUp, sitePackages: options.kedroSitePackages,
    packageName: options.packageName, projectRoot: options.projectRoot,
    pythonVersion: options.pythonVersion, requested: options.requested, sourceDir: options.sourceDir,
    scene: options.workingDirectory
      ? {confSource: confSourceSetting(settings), environment: options.environment ?? {}, workingDirectory: options.workingDirectory}
      : undefined,
  })
}

/**
 * How the release's configuration loader reads `${...}`: Kedro 0.18's default is ConfigLoader (no interpolation, no
 * globals; kedro/framework/project/__init__.py), 0.19's OmegaConfigLoader; another CONFIG_LOADER_CLASS is not followed.
 */
function interpolationOf(kedroVersion: string, loaderClass: null | string): Interpolation {
  const chosen = loaderClass ?? (compareVersions(kedroVersion, '0.19.0') < 0 ? 'ConfigLoader' : 'OmegaConfigLoader')
  if (chosen === 'OmegaConfigLoader') return 'omegaconf'
  return chosen === 'ConfigLoader' ? 'literal' : 'not-followed'
}

/** What settings.py and the command line change about how the configuration is loaded. */
function catalogOptions(options: StatisticsOptions, settings: null | ProjectSettings, kedroRelease: KedroRelease): CatalogOptions {
  const interpolation = interpolationOf(options.kedroRelease.version, settings?.configLoaderClass ?? null)
  return {
    customResolvers: settings?.customResolvers, environment: options.environment, interpolation,
    // kedro/config/omegaconf_config.py from 0.19.9: `if run_env == self.base_env: return config`, before the check.
    sameEnvironmentReturnsEarly: interpolation === 'omegaconf' && compareVersions(kedroRelease.version, '0.19.9') >= 0,
    loadVersions: options.loadVersions, mergeStrategy: settings?.mergeStrategy, patterns: settings?.configPatterns,
    runtimeParams: runtimeParamsOf(options.runtimeParams ?? [], options.kedroRelease.version), sessionLogging: kedroRelease.sessionLogging,
    validators: kedroRelease.validators,
  }
}

/**
 * The base and default run environments: settings.py's CONFIG_LOADER_ARGS, else Kedro's default for it ("base",
 * "local"). A CONFIG_LOADER_ARGS that leaves one out gets the loader's own default: "" from 0.19.0's
 * OmegaConfigLoader (`base_env or ""`: the whole configuration folder, every environment in it), "base"/"local"
 * before (kedro/config/*.py of each release).
 */
function loaderEnvironments(settings: null | ProjectSettings, kedroRelease: KedroRelease): {baseEnv: string; defaultRunEnv: string} {
  const emptyDefaults = Boolean(settings?.setsLoaderArgs) && compareVersions(kedroRelease.version, '0.19.0') >= 0
  return {baseEnv: settings?.baseEnv ?? (emptyDefaults ? '' : 'base'), defaultRunEnv: settings?.defaultRunEnv ?? (emptyDefaults ? '' : 'local')}
}

/** Reads what the statistics are made of, as Kedro would load it for this command. */
function readProject(options: StatisticsOptions): ProjectReading {
  const {kedroRelease} = options
  const settings = options.packageName ? readSettings(options.projectRoot, options.sourceDir, options.packageName, options.workingDirectory) : null
  const {baseEnv, defaultRunEnv} = loaderEnvironments(settings, kedroRelease)
  const env = options.env ?? defaultRunEnv
  const declared = settings?.confSource ?? 'conf'
  const confRoot = options.confSource ?? (isRemote(declared) ? declared : path.resolve(options.projectRoot, declared))
  // A folder the user names with --conf-source is theirs to read; one the checkout names stays inside the project.
  const catalog = readCatalog(confRoot, env, baseEnv, options.confSource ?? options.projectRoot, catalogOptions(options, settings, kedroRelease))
  const pipelines = readProjectPipelines(options, settings)
  const datasets = catalog.entries.filter((entry) => !entry.name.startsWith('parameters') && !entry.name.startsWith('params:'))
  // From 0.19.10, a KedroDataCatalog chosen in settings.py creates each dataset only as it is used (_LazyDataset).
  const lazy = settings?.dataCatalogClass === 'KedroDataCatalog' && compareVersions(kedroRelease.version, '0.19.10') >= 0
  const eagerCatalog = kedroRelease.catalogApi === 'list' && !lazy
  return {baseEnv, catalog, confRoot, datasets, eagerCatalog, env, kedroRelease, pipelines, settings, telemetryRelease: options.telemetryRelease}
}

/** number_of_datasets, number_of_nodes and number_of_pipelines, with why each may be off. */
function collectCounts(project: ProjectReading, collected: Collected): void {
  const {catalog, datasets, pipelines, settings, telemetryRelease} = project
  for (const reason of settings?.estimated ?? []) collected.note('number_of_datasets', reason)
  for (const reason of catalog.estimated) collected.note('number_of_datasets', reason)
  if (catalog.failure && settings?.estimated.length) collected.note('number_of_datasets', `with the configuration where this tool looked, creating the catalog raises ${catalog.failure}`)
  for (const reason of pipelines.estimated) {
    collected.note('number_of_nodes', reason)
    collected.note('number_of_pipelines', reason)
  }

  collected.warnings.push(...catalog.warnings, ...pipelines.warnings)
  const names = datasets.map((entry) => entry.name)
  collected.properties.number_of_datasets = telemetryRelease.countsParameters ? datasetsAttributeCount(names, catalog.parameters) : names.length
  collected.properties.number_of_nodes = pipelines.numberOfNodes
  collected.properties.number_of_pipelines = pipelines.numberOfPipelines
}

/**
 * The dataset classes: every one is imported before the statistics go out (Kedro 0.19 instantiates each dataset as
 * it builds the catalog; kedro-telemetry's hook asks Kedro 1.x's catalog.get_type()). One the installed
 * kedro-datasets lacks raises (a failure); one whose import depends on an environment not read here leaves the event
 * unsure. Counted only where the catalog has keys() and get_type() (Kedro 1.x): 0.7.0 sends a nested `dataset_types`
 * object (empty with Kedro 0.19), 0.8.0 one `dataset_type_count.<class>` property per class.
 */
/** Each dataset's class as Kedro resolves its `type` in this release (kedro.io's names are the release's own). */
function resolveTypes(datasets: CatalogEntry[], maps: Map<string, ModuleMap>, kedroVersion: string): ResolvedEntry[] {
  const kedroIo = kedroModuleNames(kedroVersion, 'kedro.io') ?? null
  return datasets.map((entry) => ({entry, resolved: resolveDatasetType(entry.type, maps, kedroIo)}))
}

/** What importing and (before 1.0) creating the datasets raises before the statistics go out, or why that is unsure. */
function creationVerdict(
  resolvedTypes: ResolvedEntry[], packages: Map<string, string>, options: StatisticsOptions, {eagerCatalog, telemetryRelease}: ProjectReading,
): {failure: null | string; unsure: null | string} {
  // A lazy catalog (Kedro 1.x): only a kedro-telemetry that counts the types (get_type) imports the classes.
  const imports = eagerCatalog || telemetryRelease.datasetTypes !== 'none'
  const imported = imports ? importVerdict(resolvedTypes, packages, options, eagerCatalog) : {failure: null, unsure: null}
  const eager = eagerCatalog && !imported.failure ? protocolVerdict(resolvedTypes, options, 'Kedro creates each dataset as it builds the catalog') : null
  const constructed = eagerCatalog && !imported.failure && !eager?.failure ? constructorVerdict(resolvedTypes, packages, options) : null
  return {failure: imported.failure ?? eager?.failure ?? constructed, unsure: [imported.unsure, eager?.unsure].filter(Boolean).join('; ') || null}
}

async function collectDatasetTypes(
  project: ProjectReading, options: StatisticsOptions, collected: Collected,
): Promise<{failure: null | string; unsure: null | string}> {
  const {catalog, datasets, kedroRelease, telemetryRelease} = project
  if (telemetryRelease.datasetTypes === 'nested' && kedroRelease.catalogApi === 'list') collected.properties.dataset_types = {}
  const installed = await installedDatasetPackages(options.sitePackages, options.projectRoot)
  const resolvedTypes = resolveTypes(datasets, installed.maps, options.kedroRelease.version)
  const {failure, unsure: unsureWhy} = creationVerdict(resolvedTypes, installed.folders, options, project)
  if (telemetryRelease.datasetTypes === 'none' || kedroRelease.catalogApi !== 'keys') return {failure, unsure: unsureWhy}
  const counts: Record<string, number> = {}
  for (const {resolved} of resolvedTypes) {
    const key = typeCountKey(resolved.className ?? '')
    if (resolved.estimated) collected.note(`dataset_type_count.${key}`, resolved.estimated)
    counts[key] = (counts[key] ?? 0) + 1
  }

  // Files of different environments merge in a fixed order (base, then the run environment); only within a folder
  // does it vary. A base environment of "" is the whole configuration folder, every file of it read in one pass.
  const folders = catalog.files.map((file) => (project.baseEnv === '' ? '' : file.split('/')[0]))
  if (new Set(folders).size < folders.length && Object.keys(counts).length > 1) {
    // OmegaConfigLoader collects a folder's files in a Python set, so their merge order varies between runs.
    collected.warnings.push(`kedro merges ${catalog.files.length} catalog files in an order that varies between runs, so the dataset_type_count properties may come in another order`)
    // 0.7.0 sends them as one object: its bytes then depend on that order.
    if (telemetryRelease.datasetTypes !== 'flat') collected.note('dataset_types', `its keys come in the order kedro merges ${catalog.files.length} catalog files, which varies between runs`)
  }

  if (telemetryRelease.datasetTypes === 'flat') {
    for (const [key, count] of Object.entries(counts)) collected.properties[`dataset_type_count.${key}`] = count
  } else {
    collected.properties.dataset_types = counts
  }

  return {failure, unsure: unsureWhy}
}

/** kedro-telemetry 0.9.0 on Kedro 1.6+ (collectors/validators.py): the validators, public libraries by name, any other as `custom`. */
function collectValidators(project: ProjectReading, collected: Collected): void {
  const {catalog, kedroRelease, telemetryRelease} = project
  const validated = telemetryRelease.validatorStatistics && kedroRelease.validators ? catalog.entries.filter((entry) => entry.validator !== null) : []
  if (validated.length === 0) return
  collected.properties.number_of_validated_datasets = validated.length
  for (const entry of validated) {
    const library = entry.validator!.split('.')[0]
    const key = `validator_type_count.${PUBLIC_VALIDATOR_LIBRARIES.has(library) ? library : 'custom'}`
    collected.properties[key] = ((collected.properties[key] as number | undefined) ?? 0) + 1
  }
}

/**
 * kedro run's filters on pipelines this tool does not follow completely: whether they select any node (Kedro refuses
 * an empty selection before the catalog) is not known.
 */
function unfollowedFilters(filters: RunFilters | undefined, pipelines: Pick<PipelineReading, 'estimated' | 'filterFails' | 'selectedNodes'>): null | string {
  const given = Object.entries(filters ?? {}).filter(([, values]) => (values as string[]).length > 0).map(([name]) => name)
  if (given.length === 0 || pipelines.filterFails || (pipelines.selectedNodes !== null && pipelines.estimated.length === 0)) return null
  return `kedro run's filters (${given.join(', ')}) apply to pipelines this tool does not follow completely: whether they select any node is not known`
}

/** Where settings.py is not followed, a catalog failure with the configuration read here makes the event a guess. */
function unreadSettingsFailure(settings: null | ProjectSettings, failure: null | string): null | string {
  return settings?.estimated.length && failure ? `${settings.estimated.join('; ')}: with the configuration where this tool looked, creating the catalog raises ${failure}` : null
}

/** The statistics the release sends for this project, in its order, read by each collector in turn. */
export async function readStatistics(options: StatisticsOptions): Promise<StatisticsReading> {
  const project = readProject(options)
  const collected = new Collected()
  collectCounts(project, collected)
  const types = await collectDatasetTypes(project, options, collected)
  collectValidators(project, collected)
  const {catalog, confRoot, env, kedroRelease, pipelines, settings} = project
  const remote = remoteConfigurationVerdict(confRoot, options, interpolationOf(kedroRelease.version, settings?.configLoaderClass ?? null))
  return {
    env, estimated: collected.estimated,
    files: {catalog: catalog.files.map((file) => path.relative(options.projectRoot, path.join(confRoot, file)).split(path.sep).join('/')), pipelines: pipelines.files},
    // Where settings.py cannot be read, the configuration may be elsewhere: a failure is then only an estimate.
    catalogFails: settings?.estimated.length ? null : remote.failure ?? catalog.failure ?? (project.eagerCatalog ? types.failure : null),
    filterFails: pipelines.filterFails,
    hookFails: project.eagerCatalog ? null : types.failure,
    // Anything that may make loading the pipelines raise may leave only "CLI command" to be sent; so may a catalog
    // that fails with the configuration where this tool looked, when settings.py may put it elsewhere.
    hookUnsure: [
      remote.unsure, types.unsure, ...pipelines.mayRaise, unreadSettingsFailure(settings, catalog.failure), unfollowedFilters(options.filters, pipelines),
    ].filter(Boolean).join('; ') || null,
    missingPipelines: pipelines.missing, properties: collected.properties, registryFails: pipelines.registryFails,
    sessionLogging: catalog.sessionLogging, settingsUnread: settings?.estimated.length ? settings.estimated.join('; ') : null,
    selectedNodes: options.runs && pipelines.estimated.length === 0 ? pipelines.selectedNodes : null, warnings: collected.warnings,
  }
}
