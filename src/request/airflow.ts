/**
 * kedro-airflow's `airflow create` (kedro_airflow/plugin.py, 0.9.0 on), the one plugin command that can build the
 * project's catalog: it reads `context.catalog` when it groups nodes by the memory datasets between them, and each
 * read creates the catalog again, so kedro-telemetry sends the statistics once per pipeline converted. Only its
 * option names are stored with the plugin's structure; which of them are flags, and the checks click makes before
 * the command runs, are read here from its source.
 */
import path from 'node:path'

import {entryKindSync} from '../checkout/files.js'
import {compareVersions} from '../python/pep440.js'
import {runCallback} from './click-parse.js'

export type AirflowCreate =
  /** click (or the command's first check) stops the line: nothing is built. */
  | {kind: 'rejected'; reason: string}
  /** It runs without reading the catalog: "CLI command". */
  | {kind: 'no-catalog'}
  /** It reads the catalog; `estimated` says what is not followed before it gets there. */
  | {estimated: string; kind: 'catalog'}

/** The options of create that take no value: `--all` and `--help`, and 0.9.x's `-g/--group-in-memory` (0.10.0 made it `--group-by CHOICE`). */
function flagsOf(version: string): Set<string> {
  return new Set(compareVersions(version, '0.10.0') < 0 ? ['--all', '--help', '-g', '--group-in-memory'] : ['--all', '--help'])
}

interface Parsed {
  flags: Set<string>
  values: Map<string, string[]>
}

/** The option names click knows for the command, and which of them take no value. */
interface Options {
  flags: ReadonlySet<string>
  names: ReadonlySet<string>
}

/** A `--name`, `--name=value` or `--name value` option at tokens[index]: the index of its last token, or why click refuses it. */
function longOption(tokens: string[], index: number, options: Options, parsed: Parsed): number | string {
  const token = tokens[index]
  const equals = token.indexOf('=')
  const [name, inline] = equals === -1 ? [token, undefined] : [token.slice(0, equals), token.slice(equals + 1)]
  if (!options.names.has(name)) return `No such option: ${name}`
  if (options.flags.has(name)) {
    if (inline !== undefined) return `Option '${name}' does not take a value`
    parsed.flags.add(name)
    return index
  }

  const value = inline ?? tokens[index + 1]
  if (value === undefined) return `Option '${name}' requires an argument`
  parsed.values.set(name, [...parsed.values.get(name) ?? [], value])
  return inline === undefined ? index + 1 : index
}

/** A cluster of short options (`-g`, `-gmemory`, `-ep`): flags, then at most one that takes the rest (or the next token) as its value. */
function shortOptions(tokens: string[], index: number, options: Options, parsed: Parsed): number | string {
  const token = tokens[index]
  for (let at = 1; at < token.length; at++) {
    const name = `-${token[at]}`
    if (!options.names.has(name)) return `No such option: ${name}`
    if (options.flags.has(name)) {
      parsed.flags.add(name)
      continue
    }

    const attached = at + 1 < token.length
    const value = attached ? token.slice(at + 1) : tokens[index + 1]
    if (value === undefined) return `Option '${name}' requires an argument`
    parsed.values.set(name, [...parsed.values.get(name) ?? [], value])
    return attached ? index : index + 1
  }

  return index
}

/** click's parsing of `create`'s options (it takes no argument): the values and flags given, or why click refuses. */
function parseOptions(tokens: string[], options: Options): Parsed | string {
  const parsed: Parsed = {flags: new Set(), values: new Map()}
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]
    if (token === '--' || token === '-' || !token.startsWith('-')) return 'Got unexpected extra argument'
    const last = token.startsWith('--') ? longOption(tokens, index, options, parsed) : shortOptions(tokens, index, options, parsed)
    if (typeof last === 'string') return last
    index = last
  }

  return parsed
}

const lastOf = (parsed: Parsed, names: string[]) => names.flatMap((name) => parsed.values.get(name) ?? []).at(-1)

/**
 * The pipelines create converts without --all: those given with -p/--pipeline(s), else `__default__`. 0.11.0 takes
 * one value and splits it at commas (split_string: `-p ""` names none); before, the option is repeated.
 */
function pipelineNames(parsed: Parsed, version: string): string[] {
  const given = ['-p', '--pipeline', '--pipelines'].flatMap((name) => parsed.values.get(name) ?? [])
  if (given.length === 0) return ['__default__']
  if (compareVersions(version, '0.11.0') < 0) return given
  return given.at(-1)!.split(',').map((name) => name.trim()).filter(Boolean)
}

interface Setting {
  kedroVersion: string
  /** The option names stored for the release. */
  options: ReadonlySet<string>
  version: string
  workingDirectory: string
}

/** What click's types and callbacks, and create's first check, refuse in the options given; null when none does. */
function refusal(parsed: Parsed, setting: Setting): null | string {
  if (parsed.flags.has('--help')) return '--help prints the command\'s help instead of running it'
  const jinja = lastOf(parsed, ['-j', '--jinja-file'])
  if (jinja !== undefined && entryKindSync(path.resolve(setting.workingDirectory, jinja), null) !== 'file') return '-j/--jinja-file: the file does not exist'
  // --params goes through Kedro's own _split_params, as run's does.
  for (const value of parsed.values.get('--params') ?? []) {
    const verdict = runCallback('_split_params', value, setting.kedroVersion, setting.workingDirectory)
    if (verdict.kind === 'rejected') return verdict.reason
  }

  const grouping = lastOf(parsed, ['-g', '--group-by'])
  if (grouping !== undefined && !['memory', 'namespace'].includes(grouping.toLowerCase())) return `-g/--group-by: ${JSON.stringify(grouping)} is not one of memory, namespace`
  // --all with pipelines named (other than __default__ alone) is refused before the session is created.
  if (parsed.flags.has('--all') && pipelineNames(parsed, setting.version).join('\n') !== '__default__') return 'The `--all` and `--pipelines` option are mutually exclusive (click.BadParameter)'
  return null
}

/** What `kedro airflow create TOKENS` does with kedro-airflow `setting.version`. */
export function airflowCreate(tokens: string[], setting: Setting): AirflowCreate {
  const {version} = setting
  if (compareVersions(version, '0.9.0') < 0) return {kind: 'no-catalog'}
  const parsed = parseOptions(tokens, {flags: flagsOf(version), names: setting.options})
  if (typeof parsed === 'string') return {kind: 'rejected', reason: parsed}
  const refused = refusal(parsed, setting)
  if (refused) return {kind: 'rejected', reason: refused}
  const memory = compareVersions(version, '0.10.0') < 0
    ? parsed.flags.has('-g') || parsed.flags.has('--group-in-memory')
    : lastOf(parsed, ['-g', '--group-by'])?.toLowerCase() === 'memory'
  const converted = parsed.flags.has('--all') ? null : new Set(pipelineNames(parsed, version))
  // Nothing to convert (`-p ""` on 0.11.0): the catalog is never read.
  if (!memory || converted?.size === 0) return {kind: 'no-catalog'}
  const several = converted === null || converted.size > 1
  return {
    estimated: `kedro-airflow ${version}'s create groups nodes by their memory datasets, which builds the catalog (kedro_airflow/plugin.py): what it does first (its airflow configuration, the pipelines it converts, each of which must be registered${several ? '; one statistics event is sent per pipeline converted' : ''}) is not followed here`,
    kind: 'catalog',
  }
}
