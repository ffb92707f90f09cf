/**
 * kedro-telemetry's masking of the kedro command line, per release (src/releases/releases.ts, read from each tag's
 * masking.py):
 * - "vocabulary" (0.1.4 to 0.3.1): any token that is a name anywhere in the command structure, or `-h`, `--version`,
 *   is kept; an option token is split at every `=`.
 * - "walk" (0.3.2 to 0.6.0): the command path and the option names of the command reached are kept, every value
 *   masked; the walk starts at the root, whose options are KedroCLI's own (`--version`, `-V`, `--help`).
 * - "walk-passthrough" (0.6.1 to 0.6.5): a leading --help/--version/-h/-v/"" returns the arguments unchanged (so
 *   values after it leak), and an unknown command becomes a single mask.
 * - "walk-passthrough-starters" (0.7.0 on): as above, and an official starter given to --starter/-s is kept.
 */
import {type MaskingRules, NEWEST_KNOWN, telemetry} from '../releases/releases.js'
import {compareVersions} from '../python/pep440.js'
import {DERIVED_STRUCTURES} from './derived-structures.js'
import {type CliParam, type CliStructure, KEDRO_COMMANDS, KEDRO_RELEASES, PLUGIN_GROUPS_DATA, PLUGIN_RELEASES} from './structures.js'

export type {MaskingRules} from '../releases/releases.js'

export const MASK = '*****'
/** KedroCLI's own options, the same in every stored release (checked against the data files in tests). */
export const KEDRO_TOP_LEVEL_OPTIONS = ['--version', '-V', '--help']
/** Starter aliases kedro-telemetry sends unmasked after --starter / -s (0.7.0 on). */
export const STARTERS = new Set(['astro-airflow-iris', 'databricks-iris', 'spaceflights-pandas', 'spaceflights-pyspark'])
const STARTER_OPTIONS = new Set(['--starter', '-s'])
const LEADING_PASSTHROUGH = new Set(['', '--help', '--version', '-h', '-v'])
/**
 * The command groups a plugin release adds, from its own source (src/releases/kedro-cli/plugins/): that release's, or
 * (a release not stored, or a version not known) the nearest stored one not newer, with why that is estimated.
 */
export function pluginGroupsFor(
  distribution: string, version: null | string,
): {estimated: null | string; groups: Record<string, CliStructure>; version: string} {
  const releases = PLUGIN_RELEASES[distribution] ?? {}
  const stored = Object.keys(releases).sort(compareVersions)
  const own = version !== null && Object.hasOwn(releases, version)
  const chosen = own ? version : (version === null ? stored.at(-1)! : stored.filter((known) => compareVersions(known, version) <= 0).at(-1) ?? stored[0])
  const groups = Object.fromEntries(Object.entries(releases[chosen]).map(([group, index]) => [group, PLUGIN_GROUPS_DATA[index]]))
  const estimated = own ? null : `${distribution} ${version ?? '(version not known)'}'s commands are not stored: those of ${distribution} ${chosen} are used`
  return {estimated, groups, version: chosen}
}

/** Plugins whose commands join the structure when installed: distribution name -> command group. */
export const PLUGIN_GROUPS: Record<string, string> = {'kedro-airflow': 'airflow', 'kedro-docker': 'docker', 'kedro-viz': 'viz'}

/** Where kedro-telemetry itself raises (a TypeError in `in None`): the kedro command would fail in the hook. */
export class MaskingError extends Error {
  /** The argument name of the command structure that the offending token follows. */
  readonly argumentName: string
  readonly code = 'KEDRO_TELEMETRY_RAISES'
  readonly token: string

  constructor(token: string, argumentName: string) {
    super(`kedro-telemetry raises a TypeError on ${JSON.stringify(token)}: it follows ${JSON.stringify(argumentName)}, an argument name in the command structure`)
    this.name = 'MaskingError'
    this.argumentName = argumentName
    this.token = token
  }
}

export function maskingRulesFor(telemetryVersion: string): MaskingRules {
  return telemetry(telemetryVersion).masking
}

export interface ChosenStructure {
  /** The chosen release's commands (global and project ones, plugins aside), for click's parsing. */
  commands: Record<string, CliCommand>
  /** Why the structure may differ from the project's Kedro, or null when it is the right one. */
  estimated: null | string
  /** The Kedro version whose command structure is used. */
  kedroStructureVersion: string
  /** Command group -> why its commands may differ (an installed plugin release whose commands are not stored). */
  pluginEstimates: Record<string, string>
  plugins: string[]
  structure: CliStructure
  /** Commands (space-separated paths) whose options the structure does not know (a derived structure's additions). */
  unknownOptions: string[]
}

/** A command of a release, its sub-commands resolved. */
export interface CliCommand {
  commands?: Record<string, CliCommand>
  extraArgs?: true
  params: CliParam[]
}

const resolved = new Map<number, CliCommand>()

function command(index: number): CliCommand {
  let found = resolved.get(index)
  if (!found) {
    const data = KEDRO_COMMANDS[index]
    found = {...data, commands: data.commands && Object.fromEntries(Object.entries(data.commands).map(([name, sub]) => [name, command(sub)]))}
    resolved.set(index, found)
  }

  return found
}

/** The masking structure of a command: kedro-telemetry's _get_cli_structure (every param's opts; sub-commands nested). */
function structureOfCommand(cli: CliCommand): CliStructure {
  const structure: CliStructure = {}
  for (const [name, sub] of Object.entries(cli.commands ?? {})) structure[name] = structureOfCommand(sub)
  for (const param of cli.params) for (const opt of param.opts) if (!Object.hasOwn(structure, opt)) structure[opt] = null
  return structure
}

/**
 * Kedro's global commands (its `cli` and `create_cli` groups, and kedro-viz's `kedro.global_commands` entry point):
 * outside a project KedroCLI has only these, so anything else is an unknown command there.
 */
const GLOBAL_COMMANDS = new Set(['info', 'new', 'starter', 'viz'])

/** The Kedro releases whose command-line interface is stored, oldest first. */
export const KEDRO_CLI_RELEASES = Object.keys(KEDRO_RELEASES).sort(compareVersions)

/** The release segment of a version (1.3.1.post1 -> 1.3.1), the key its data is stored under. */
function releaseOf(version: string): string {
  return /^\d+(?:\.\d+)*/.exec(version)?.[0].split('.').concat('0', '0').slice(0, 3).join('.') ?? version
}

/**
 * Adds each installed plugin's command groups to `structure`: its own release's (a bare list of names: the newest
 * stored releases), with why a release not stored is estimated.
 */
function addPluginGroups(
  structure: CliStructure, installedPlugins: Record<string, null | string> | string[],
): {pluginEstimates: Record<string, string>; plugins: string[]} {
  const installed: Record<string, null | string> = Array.isArray(installedPlugins)
    ? Object.fromEntries(installedPlugins.map((name) => [name, null]))
    : installedPlugins
  const plugins: string[] = []
  const pluginEstimates: Record<string, string> = {}
  for (const [name, version] of Object.entries(installed)) {
    if (!PLUGIN_GROUPS[name]) continue
    const {estimated: unsure, groups} = pluginGroupsFor(name, version)
    for (const [group, groupStructure] of Object.entries(groups)) {
      structure[group] = groupStructure
      plugins.push(group)
      if (unsure && version !== null) pluginEstimates[group] = unsure
    }
  }

  return {pluginEstimates, plugins}
}

/**
 * The command-line interface of `kedroVersion`: its own, from its source, when stored (a post release shares its
 * release's); else the nearest stored release not newer, marked estimated, with the derived additions of releases
 * without public source. Installed plugins are added; outside a project (`inProject` false) only the global commands.
 */
export function structureFor(kedroVersion: string, installedPlugins: Record<string, null | string> | string[] = [], inProject = true): ChosenStructure {
  const release = releaseOf(kedroVersion)
  const own = Object.hasOwn(KEDRO_RELEASES, release) && !/(?:a|b|rc|dev)\d*$/i.test(kedroVersion)
  const notNewer = KEDRO_CLI_RELEASES.filter((version) => compareVersions(version, kedroVersion) <= 0)
  const derivedFrom = Object.keys(DERIVED_STRUCTURES).sort(compareVersions).filter((version) => compareVersions(version, kedroVersion) <= 0).at(-1)
  const stored = own ? release : notNewer.at(-1) ?? KEDRO_CLI_RELEASES[0]
  const derived = !own && derivedFrom && compareVersions(derivedFrom, stored) > 0 ? DERIVED_STRUCTURES[derivedFrom] : undefined
  const base = Object.fromEntries(Object.entries(KEDRO_RELEASES[derived?.from ?? stored]).map(([name, index]) => [name, command(index)]))
  let estimated: null | string = null
  if (derived) estimated = derived.estimated
  else if (notNewer.length === 0) estimated = `Kedro ${kedroVersion} is older than the oldest command-line interface stored (${stored})`
  else if (!own) estimated = `Kedro ${kedroVersion}'s command-line interface is not stored: ${stored}'s is used`
  const chosen = derived ? derivedFrom! : stored
  const structure: CliStructure = derived
    ? derived.changes(Object.fromEntries(Object.entries(base).map(([name, cli]) => [name, structureOfCommand(cli)])))
    : Object.fromEntries(Object.entries(base).map(([name, cli]) => [name, structureOfCommand(cli)]))
  const {pluginEstimates, plugins} = addPluginGroups(structure, installedPlugins)
  const commands = {...base}
  if (!inProject) {
    for (const name of Object.keys(structure)) if (!GLOBAL_COMMANDS.has(name)) delete structure[name]
    for (const name of Object.keys(commands)) if (!GLOBAL_COMMANDS.has(name)) delete commands[name]
  }

  return {commands, estimated, kedroStructureVersion: chosen, pluginEstimates, plugins, structure, unknownOptions: derived?.unknownOptions ?? []}
}

function lookup(current: CliStructure | null, token: string, after: string): boolean {
  // Python's `token in None` raises; a key mapping to null is an argument name.
  if (current === null) throw new MaskingError(token, after)
  return Object.hasOwn(current, token)
}

function walkCommand(args: string[], root: CliStructure): {current: CliStructure | null; kept: string[]; last: string} {
  const kept: string[] = []
  let current: CliStructure | null = root
  let last = 'kedro'
  while (kept.length < args.length && !args[kept.length].startsWith('-') && lookup(current, args[kept.length], last)) {
    last = args[kept.length]
    current = current![last]
    kept.push(last)
  }

  return {current, kept, last}
}

/**
 * Whether kedro-telemetry returns these arguments as they are (a leading --help, --version, -h, -v or ""), so that
 * every token after the first is sent unmasked: from 0.6.1 on.
 */
export function passesThrough(args: string[], rules: MaskingRules): boolean {
  return (rules === 'walk-passthrough' || rules === 'walk-passthrough-starters') && args.length > 0 && LEADING_PASSTHROUGH.has(args[0])
}

/** The walk: the command path, then option names kept and values masked, with each era's additions (see above). */
function maskCommand(args: string[], structure: CliStructure, rules: Exclude<MaskingRules, 'vocabulary'>): string[] {
  const starters = rules === 'walk-passthrough-starters'
  const starterValue = (option: null | string, value: string) => starters && option !== null && STARTER_OPTIONS.has(option) && STARTERS.has(value)
  let root: CliStructure
  if (rules === 'walk') {
    // The walk of cli_struct["kedro"]: the root holds the commands and KedroCLI's own options (--version, -V, --help
    // in every release: topLevelOptions in src/releases/kedro-cli/), so `kedro --version` is sent as it is.
    root = {...Object.fromEntries(KEDRO_TOP_LEVEL_OPTIONS.map((option) => [option, null])), ...structure}
  } else {
    if (args.length === 0 || LEADING_PASSTHROUGH.has(args[0])) return [...args]
    if (!Object.hasOwn(structure, args[0])) return [MASK]
    root = {[args[0]]: structure[args[0]]}
  }

  const {current, kept, last} = walkCommand(args, root)
  const output = [...kept]
  let previous: null | string = null
  for (const token of args.slice(kept.length)) {
    if (token.startsWith('-')) {
      const equals = token.indexOf('=')
      if (equals === -1) {
        const known = lookup(current, token, last)
        output.push(known ? token : MASK)
        previous = known ? token : null
      } else {
        const [left, value] = [token.slice(0, equals), token.slice(equals + 1)]
        const known = lookup(current, left, last)
        if (known) output.push(left)
        previous = known ? left : null
        // The left side counts for the starter exception whether or not the command knows it.
        output.push(starterValue(left, value) ? value : MASK)
      }
    } else {
      output.push(starterValue(previous, token) ? token : MASK)
      previous = null
    }
  }

  return output
}

function vocabularyOf(structure: CliStructure, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(structure)) {
    into.add(key)
    if (value) vocabularyOf(value, into)
  }

  return into
}

/**
 * The first masking.py: a vocabulary of every name in the structure (which held no group options, so not -V) plus
 * its root key `kedro` and `-h`, `--version`; an option token is split at every `=`, and empty parts are dropped.
 */
function maskVocabulary(args: string[], structure: CliStructure): string[] {
  const vocabulary = vocabularyOf(structure, new Set(['kedro', '-h', '--version']))
  const output: string[] = []
  for (const token of args) {
    const parts = token.startsWith('-') ? token.split('=') : [token]
    for (const part of parts) if (part) output.push(vocabulary.has(part) ? part : MASK)
  }

  return output
}

/** Masks with an explicit structure and rule set (see maskKedroArgs for the usual entry point). */
export function maskWithStructure(args: string[], chosen: Pick<ChosenStructure, 'structure'>, rules: MaskingRules): string[] {
  return rules === 'vocabulary' ? maskVocabulary(args, chosen.structure) : maskCommand(args, chosen.structure, rules)
}

/**
 * The masked token list kedro-telemetry sends for `kedro <args>`, for a Kedro and kedro-telemetry version (default:
 * the newest known). Throws MaskingError where kedro-telemetry would raise.
 */
export function maskKedroArgs(args: string[], options: {inProject?: boolean; kedroVersion: string; plugins?: string[]; telemetryVersion?: string}): string[] {
  const chosen = structureFor(options.kedroVersion, options.plugins, options.inProject)
  return maskWithStructure(args, chosen, maskingRulesFor(options.telemetryVersion ?? NEWEST_KNOWN.kedroTelemetry))
}

/** The `command` and `main_command` properties built from the masked tokens. */
export function commandProperties(masked: string[]): {command: string; main_command: string} {
  return {command: masked.length > 0 ? `kedro ${masked.join(' ')}` : 'kedro', main_command: masked[0] ?? 'kedro'}
}
