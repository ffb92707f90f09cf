/**
 * What differs between kedro-telemetry releases, and between Kedro releases, as data: each behaviour with the release
 * that started it, read from each release's source (kedro-org/kedro-plugins and kedro-org/kedro tags) and checked
 * against requests the real code sent. Everything else asks by behaviour (`telemetry(version).masking`), never by
 * comparing version literals, so a new release is an edit here, plus its CLI structure.
 */
import {KEDRO_PROJECT_KEYS} from '../masking/project-keys.js'
import {NEWEST_KNOWN} from './newest.js'
import {compareVersions, isValidVersion} from '../python/pep440.js'

/** A behaviour as it changed: `[first release, value]`, oldest first; a release takes the last entry not after it. */
type Timeline<T> = readonly (readonly [since: string, value: T])[]

function valueAt<T>(timeline: Timeline<T>, version: string): T {
  let value = timeline[0][1]
  for (const [since, next] of timeline) if (compareVersions(version, since) >= 0) value = next
  return value
}

/** How kedro-telemetry masks the command line (its masking.py, per release; docs/preview.md describes each). */
export type MaskingRules =
  /** 0.1.4 to 0.3.1: a flat vocabulary of every name in the CLI structure. */
  | 'vocabulary'
  /** 0.3.2 to 0.6.0: a walk of the structure, without the leading --help pass-through or the unknown-command mask. */
  | 'walk'
  /** 0.6.1 to 0.6.5: the walk with the pass-through and the single mask for an unknown command. */
  | 'walk-passthrough'
  /** 0.7.0 on: as above, and an official starter's name is kept after --starter/-s. */
  | 'walk-passthrough-starters'

const TELEMETRY_TIMELINES = {
  /** Who is the user: a hash of the host name (0.1.x), a hash of the login name, then a uuid in telemetry.toml. */
  identity: [['0.0.0', 'hostname-hash'], ['0.2.2', 'login-hash'], ['0.4.0', 'uuid']] as Timeline<'hostname-hash' | 'login-hash' | 'uuid'>,
  /**
   * The project: hashes of [tool.kedro] package_name and project_name (read through Kedro's ProjectMetadata), a hash
   * of the package name alone, then the project id in pyproject.toml.
   */
  projectIdentity: [['0.0.0', 'metadata-hashes'], ['0.2.3', 'package-name-hash'], ['0.5.0', 'project-id']] as Timeline<'metadata-hashes' | 'package-name-hash' | 'project-id'>,
  /** `project_version`: the project's own (ProjectMetadata.project_version), then the Kedro version (0.2.3). */
  projectVersion: [['0.0.0', 'project-metadata'], ['0.2.3', 'kedro']] as Timeline<'kedro' | 'project-metadata'>,
  /**
   * The body's layout. Before 0.2.2: `identity` second and always there, `command` right after `username`, and
   * `username` "anonymous" when os.getlogin() fails. From 0.2.2: `identity` last and left out when empty, `command`
   * after the project properties.
   */
  bodyLayout: [['0.0.0', 'identity-second'], ['0.2.2', 'identity-last']] as Timeline<'identity-last' | 'identity-second'>,
  /** Before 0.6.0 kedro-telemetry asks first (opt-in); from 0.6.0 it sends unless told not to. */
  consentModel: [['0.0.0', 'opt-in'], ['0.6.0', 'opt-out']] as Timeline<'opt-in' | 'opt-out'>,
  githubOwnerRule: [['0.0.0', false], ['0.6.5', true]] as Timeline<boolean>,
  masking: [['0.0.0', 'vocabulary'], ['0.3.2', 'walk'], ['0.6.1', 'walk-passthrough'], ['0.7.0', 'walk-passthrough-starters']] as Timeline<MaskingRules>,
  /** Events per command: a "Command run" and a "CLI command" plus separate statistics, then one request. */
  events: [['0.0.0', 'several'], ['0.6.0', 'one']] as Timeline<'one' | 'several'>,
  /** Project statistics are sent (0.2.2 and 0.2.3 even without consent). */
  sendsStatistics: [['0.0.0', false], ['0.2.2', true]] as Timeline<boolean>,
  statisticsIgnoreConsent: [['0.0.0', false], ['0.2.2', true], ['0.2.4', false]] as Timeline<boolean>,
  /** Up to 0.3.1 the count was `len(catalog.datasets.__dict__)`: the `parameters` and `params:` entries included. */
  countsParameters: [['0.0.0', true], ['0.3.2', false]] as Timeline<boolean>,
  /** is_ci_env, and [tool.kedro] example_pipeline (sent as written). */
  sendsCiAndExample: [['0.0.0', false], ['0.3.2', true]] as Timeline<boolean>,
  /**
   * [tool.kedro] tools: not sent; sent as written (0.3.1); Python's `", ".join(raw)`, which joins a TOML string
   * character by character (0.3.2); 0.8.0's `_format_tools`.
   */
  tools: [['0.0.0', 'none'], ['0.3.1', 'raw'], ['0.3.2', 'join'], ['0.8.0', 'format']] as Timeline<'format' | 'join' | 'none' | 'raw'>,
  /** Dataset classes per type (Kedro 1.x only): none, a nested `dataset_types` object, then flat keys. */
  datasetTypes: [['0.0.0', 'none'], ['0.7.0', 'nested'], ['0.8.0', 'flat']] as Timeline<'flat' | 'nested' | 'none'>,
  /** The implicit-consent notice is printed whenever it sends (0.6.x), then only when consent is implicit. */
  notice: [['0.0.0', 'never'], ['0.6.0', 'when-sending'], ['0.8.0', 'when-implicit']] as Timeline<'never' | 'when-implicit' | 'when-sending'>,
  /**
   * 0.9.0: `number_of_validated_datasets` and `validator_type_count.<library>` when the catalog declares validators
   * (kedro_telemetry/collectors/validators.py).
   */
  validatorStatistics: [['0.0.0', false], ['0.9.0', true]] as Timeline<boolean>,
  /** 0.9.0: kedro_telemetry.api.send_telemetry_event, which other plugins (kedro-skills) call with events of their own. */
  pluginEvents: [['0.0.0', false], ['0.9.0', true]] as Timeline<boolean>,
  /**
   * Whether the order of the statistics keys is read from the release's plugin.py. 0.9.0 moved the statistics into
   * collectors and its plugin.py is not in a public source: 0.8.0's order is assumed, the validator keys last.
   */
  statisticsOrderKnown: [['0.0.0', true], ['0.9.0', false]] as Timeline<boolean>,
} as const

const KEDRO_TIMELINES = {
  /** Where the project is looked for: the working directory only, then walking up from it (0.19). */
  projectDiscovery: [['0.0.0', 'working-directory'], ['0.19.0', 'walk-up']] as Timeline<'walk-up' | 'working-directory'>,
  /** Which `kedro_init_version` Kedro runs (kedro/framework/startup.py): the same major.minor, then the same major. */
  compatibility: [['0.0.0', 'major-minor'], ['1.1.1', 'major']] as Timeline<'major' | 'major-minor'>,
  /** Which [tool.kedro] key names the release a project was made with: project_version, either (0.18.5), kedro_init_version (0.19). */
  initVersionKey: [['0.0.0', 'project_version'], ['0.18.5', 'either'], ['0.19.0', 'kedro_init_version']] as Timeline<'either' | 'kedro_init_version' | 'project_version'>,
  /**
   * Where Kedro reads the logging configuration at start-up (kedro/framework/project/__init__.py): KEDRO_LOGGING_CONFIG
   * only, then conf/logging.yml in the working directory (0.19.6), then conf/logging.yml or .yaml (1.3.0).
   */
  loggingFiles: [['0.0.0', []], ['0.19.6', ['logging.yml']], ['1.3.0', ['logging.yml', 'logging.yaml']]] as Timeline<readonly string[]>,
  /**
   * KedroSession.create loads the config loader's `logging` key (logging*, in the base and run environments) and
   * applies it with dictConfig before the context exists (kedro/framework/session/session.py, _setup_logging); gone
   * in 0.19.0.
   */
  sessionLogging: [['0.0.0', true], ['0.19.0', false]] as Timeline<boolean>,
  /** 1.4.0 refuses a `()` factory in the logging configuration and checks each `class` is a logging class. */
  loggingFactoriesRefused: [['0.0.0', false], ['1.4.0', true]] as Timeline<boolean>,
  /** kedro.logging.RichHandler exists (0.18.9). */
  kedroRichHandler: [['0.0.0', false], ['0.18.9', true]] as Timeline<boolean>,
  /** The catalog lists its datasets with `list()`, then `keys()` (with `get_type`, so dataset types are counted). */
  catalogApi: [['0.0.0', 'list'], ['1.0.0', 'keys']] as Timeline<'keys' | 'list'>,
  /** `--pipeline(s)` makes find_pipelines() load only the pipelines asked for (1.5.0). */
  loadsRequestedPipelinesOnly: [['0.0.0', false], ['1.5.0', true]] as Timeline<boolean>,
  /** find_pipelines(raise_errors=True) raises KeyError for a pipelines/ package without create_pipeline (1.3.0). */
  findPipelinesRequiresCreate: [['0.0.0', false], ['1.3.0', true]] as Timeline<boolean>,
  /**
   * The `kedro catalog` subcommands that create the catalog through the project context, so that kedro-telemetry's
   * after_catalog_created hook sends the statistics, each with the environment it defaults to (null: the usual one).
   * 0.19.3's `catalog resolve` builds a DataCatalog of its own (no hook); 1.0.0 renamed the commands.
   */
  catalogCommands: [
    ['0.0.0', {create: 'base', list: null, rank: null, resolve: null}],
    ['0.19.3', {create: 'base', list: null, rank: null}],
    ['1.0.0', {'describe-datasets': null, 'list-patterns': null, 'resolve-patterns': null}],
    ['1.6.0', {'describe-datasets': null, 'list-patterns': null, 'resolve-patterns': null, validate: null}],
  ] as Timeline<Readonly<Record<string, null | string>>>,
  /**
   * Catalog subcommands whose source is not public (Kedro 1.6.0's `catalog validate`): taken to create the catalog
   * through the context, as every other one does, and marked estimated.
   */
  catalogCommandsUnread: [['0.0.0', []], ['1.6.0', ['validate']]] as Timeline<readonly string[]>,
  /** Kedro 0.19.7 made kedro-telemetry a dependency of kedro itself. */
  bundlesTelemetry: [['0.0.0', false], ['0.19.7', true]] as Timeline<boolean>,
  /** Catalog entries may declare `validator:` (1.6.0). */
  validators: [['0.0.0', false], ['1.6.0', true]] as Timeline<boolean>,
  /**
   * The first Python version `import kedro` refuses (kedro/__init__.py): a KedroPythonVersionWarning, made an error
   * when no warning option is set, so kedro dies before any hook. None before 0.18.12.
   */
  refusedPython: [['0.0.0', null], ['0.18.12', '3.11'], ['0.18.13', '3.12'], ['0.19.4', '3.13'], ['0.19.10', '3.14'], ['1.4.0', '3.15']] as Timeline<null | string>,
  /** The release's source is public (kedro-org/kedro tags); 1.6.0 and 1.7.0 are not, so their facts are carried over. */
  sourcePublic: [['0.0.0', true], ['1.6.0', false]] as Timeline<boolean>,
} as const

/**
 * What kedro_telemetry/plugin.py imports at module level beyond the standard library and what kedro itself needs
 * (click, PyYAML), read from each release's source. Kedro loads the plugin with its CLI hooks as it starts
 * (pluggy's load_setuptools_entrypoints, uncaught), so a module missing there stops kedro before any command.
 * `before311`: imported only on Python before 3.11 (`import tomli as tomllib`). 0.9.0's source is not public.
 */
const PLUGIN_IMPORTS: Timeline<{before311: readonly string[]; modules: readonly string[]}> = [
  ['0.0.0', {before311: [], modules: ['requests']}],
  ['0.3.1', {before311: [], modules: ['requests', 'toml']}],
  ['0.4.0', {before311: [], modules: ['appdirs', 'requests', 'toml']}],
  ['0.6.4', {before311: ['tomli'], modules: ['appdirs', 'requests', 'tomli_w']}],
]

/** The third-party modules kedro-telemetry `version` imports as kedro loads it, on Python `minor` (X.Y) when known. */
export function telemetryPluginImports(version: string, minor: null | string): {modules: string[]; sourcePublic: boolean} {
  const {before311, modules} = valueAt(PLUGIN_IMPORTS, version)
  const old = minor !== null && compareVersions(minor, '3.11') < 0
  return {modules: [...modules, ...(old ? before311 : [])], sourcePublic: compareVersions(version, '0.8.0') <= 0}
}

/** kedro-telemetry's releases (its tags in kedro-org/kedro-plugins), oldest first. */
export const TELEMETRY_RELEASES = [
  '0.1.4', '0.2.0', '0.2.1', '0.2.2', '0.2.3', '0.2.4', '0.2.5', '0.3.0', '0.3.1', '0.3.2', '0.4.0', '0.5.0', '0.6.0', '0.6.1',
  '0.6.2', '0.6.3', '0.6.4', '0.6.5', '0.7.0', '0.8.0', '0.9.0',
] as const

/**
 * The releases that behave exactly as `version` does (no timeline changes between them), as "0.6.1 to 0.6.4", or
 * "0.8.0 and later" for the newest.
 */
export function telemetryEra(version: string): string {
  const changes = [...new Set(Object.values(TELEMETRY_TIMELINES).flatMap((timeline) => timeline.map(([since]) => since)))].sort(compareVersions)
  const start = changes.filter((since) => compareVersions(since, version) <= 0).at(-1) ?? changes[0]
  const next = changes.find((since) => compareVersions(since, version) > 0)
  const members = TELEMETRY_RELEASES.filter((release) => compareVersions(release, start) >= 0 && (!next || compareVersions(release, next) < 0))
  if (members.length === 0 || members.at(-1) === TELEMETRY_RELEASES.at(-1)) return `${members[0] ?? start} and later`
  return members.length === 1 ? members[0] : `${members[0]} to ${members.at(-1)}`
}

/**
 * The kedro-telemetry releases in which `behaviour` has `value`, for people: "0.2.2 to 0.2.3", "0.6.0 and later",
 * "up to 0.5.0" or one release. (Each behaviour's releases are contiguous.)
 */
export function telemetryReleasesWith<K extends keyof typeof TELEMETRY_TIMELINES>(behaviour: K, value: (typeof TELEMETRY_TIMELINES)[K][number][1]): string {
  const timeline: Timeline<unknown> = TELEMETRY_TIMELINES[behaviour]
  const members = TELEMETRY_RELEASES.filter((release) => valueAt(timeline, release) === value)
  if (members.length === 0) return 'no release'
  const [first, last] = [members[0], members.at(-1)!]
  if (last === TELEMETRY_RELEASES.at(-1) && first !== TELEMETRY_RELEASES[0]) return `${first} and later`
  if (first === TELEMETRY_RELEASES[0] && last !== TELEMETRY_RELEASES.at(-1)) return `up to ${last}`
  return first === last ? first : `${first} to ${last}`
}

/** The newest releases whose behaviour is known; a newer version gets these rules, marked estimated. */
export {NEWEST_KNOWN} from './newest.js'

export type TelemetryRelease = {[K in keyof typeof TELEMETRY_TIMELINES]: (typeof TELEMETRY_TIMELINES)[K][number][1]} & {
  /** Why these rules may not be that release's: a version newer than any known one. */
  estimated: null | string
  version: string
}

export type KedroRelease = {[K in keyof typeof KEDRO_TIMELINES]: (typeof KEDRO_TIMELINES)[K][number][1]} & {
  estimated: null | string
  version: string
}

function newer(version: string, newest: string, what: string): null | string {
  return compareVersions(version, newest) > 0 ? `${what} ${version} is newer than the newest release this tool knows (${newest}): its rules are taken to be ${newest}'s` : null
}

function release<T extends Record<string, Timeline<unknown>>>(timelines: T, version: string): {[K in keyof T]: T[K][number][1]} {
  return Object.fromEntries(Object.entries(timelines).map(([name, timeline]) => [name, valueAt(timeline, version)])) as {[K in keyof T]: T[K][number][1]}
}

/** What kedro-telemetry `version` does. */
export function telemetry(version: string): TelemetryRelease {
  return {...release(TELEMETRY_TIMELINES, version), estimated: newer(version, NEWEST_KNOWN.kedroTelemetry, 'kedro-telemetry'), version}
}

/**
 * The kedro-telemetry release whose rules apply to a version as detected: its own; the newest known for a text that
 * is not a version (estimated, with the reason); none without a version. Status, the audit's checks, the notice and
 * the consent change all settle "the" release here.
 */
export function telemetryRulesFor(version: null | string): {estimated: null | string; release: null | TelemetryRelease} {
  if (version === null) return {estimated: null, release: null}
  if (isValidVersion(version)) return {estimated: null, release: telemetry(version)}
  const newest = NEWEST_KNOWN.kedroTelemetry
  return {estimated: `kedro-telemetry version "${version}" is not a valid version; estimated with the rules of ${newest}`, release: telemetry(newest)}
}

/** What Kedro `version` does. */
export function kedro(version: string): KedroRelease {
  return {...release(KEDRO_TIMELINES, version), estimated: newer(version, NEWEST_KNOWN.kedro, 'Kedro'), version}
}

/**
 * The project Kedro `kedroVersion` sees from `workingDirectory`, given the one found walking up: before 0.19 it
 * looks in the working directory only (an unknown version is taken to walk up). `note` says why it sees none.
 */
export function projectKedroSees(kedroVersion: null | string, found: null | string, workingDirectory: string): {note: null | string; root: null | string} {
  const walksUp = !kedroVersion || !isValidVersion(kedroVersion) || kedro(kedroVersion).projectDiscovery === 'walk-up'
  if (!found || found === workingDirectory || walksUp) return {note: null, root: found}
  return {note: `Kedro ${kedroVersion} looks for the project in the working directory only, so it does not see ${found}`, root: null}
}

/**
 * Why Kedro `kedroVersion` refuses the project (its startup check, kedro/framework/startup.py), or null when it runs
 * it: a missing mandatory key, or a kedro_init_version of another release line. Nothing is sent then: kedro stops
 * before any hook.
 */
export function refusesProject(
  kedroVersion: string,
  metadata: {
    kedroInitVersion: null | string; kedroKeys?: string[]; kedroProjectVersion?: null | string; packageName: null | string; projectName: null | string
  },
): null | string {

  const key = kedro(kedroVersion).initVersionKey
  // Kedro 0.18.5 to 0.18.14 take either key, project_version first.
  const initVersion = key === 'project_version' ? metadata.kedroProjectVersion ?? null
    : (key === 'either' ? metadata.kedroProjectVersion ?? metadata.kedroInitVersion : metadata.kedroInitVersion)
  const keyName = key === 'either' ? 'kedro_init_version (or project_version)' : key
  const missing = Object.entries({[keyName]: initVersion, package_name: metadata.packageName, project_name: metadata.projectName})
    .filter(([, value]) => value === null || value === undefined).map(([name]) => name)
  if (missing.length > 0) return `[tool.kedro] in pyproject.toml lacks ${missing.join(', ')}: Kedro ${kedroVersion} refuses to start`
  // Then ProjectMetadata(**keys) refuses a key it does not take.
  const accepted = projectKeysOf(kedroVersion)
  const unexpected = (metadata.kedroKeys ?? []).filter((key) => accepted && !accepted.includes(key))
  if (unexpected.length > 0) {
    return `[tool.kedro] in pyproject.toml has ${unexpected.join(', ')}, which Kedro ${kedroVersion} does not accept ("Found unexpected keys"): it refuses to start`
  }
  if (initVersion === null || initVersion === undefined) return null
  if (!isValidVersion(initVersion)) return `kedro_init_version "${initVersion}" is not a version: Kedro refuses the project`
  const parts = (text: string, count: number) => text.split('.').slice(0, count).join('.')
  const rule = kedro(kedroVersion).compatibility
  const count = rule === 'major' ? 1 : 2
  return parts(initVersion, count) === parts(kedroVersion, count)
    ? null
    : `Kedro ${kedroVersion} runs only projects created with Kedro ${parts(kedroVersion, count)}.x, and this one says kedro_init_version ${initVersion}: it refuses the project before any hook runs`
}

/** The [tool.kedro] keys Kedro `version` accepts (its own data, else the nearest stored release's), or null when none is stored. */
function projectKeysOf(version: string): null | string[] {
  const stored = Object.keys(KEDRO_PROJECT_KEYS).sort(compareVersions)
  const release = /^\d+\.\d+\.\d+/.exec(version)?.[0] ?? version
  const chosen = Object.hasOwn(KEDRO_PROJECT_KEYS, release) ? release : stored.filter((known) => compareVersions(known, version) <= 0).at(-1)
  return chosen ? KEDRO_PROJECT_KEYS[chosen] : null
}
