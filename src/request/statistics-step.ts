/**
 * The statistics a command that builds the catalog sends, read from the project's files, or why kedro fails before
 * it builds the catalog (then only "CLI command" is sent).
 */
import path from 'node:path'

import {appendAll} from '../collections.js'
import {isRemote} from '../statistics/catalog.js'
import {telemetryReleasesWith} from '../releases/releases.js'
import {readStatistics, type StatisticsOptions, type StatisticsReading} from '../statistics/statistics.js'
import {splitString} from './click-parse.js'
import {type MaskedCommand, optionValues} from './command.js'
import {bodyField} from './fields.js'
import type {RunFilters} from '../statistics/pipeline-filter.js'
import {importFolders, type PreviewContext} from './context.js'
import {checkLoggingConfig, loggingChecking} from './logging-config.js'
import type {PyJson} from '../python/json-dumps.js'
import type {PreviewSheet} from './sheet.js'

/** Files named in a field's origin: all of a few, else the first ones and how many more. */
function fileList(files: string[]): string {
  return files.length <= 4 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`
}

type StatisticsOutcome =
  /** kedro fails before the statistics are sent: before it builds the catalog, or in kedro-telemetry's hook. */
  | {failure: string; kind: 'fails'; stage: 'before-catalog' | 'in-hook'; unsure?: null | string}
  /** `unsure`: why the event itself may be another (the hook may not get as far as sending), or null. */
  | {kind: 'statistics'; properties: Record<string, PyJson>; unsure: null | string}

/**
 * kedro run's filters as click gives them: node names split at commas outside brackets, the others at commas, each
 * item trimmed and empty ones dropped; 0.18's repeatable --tag and --node are split at every comma and kept as they
 * are (kedro/framework/cli/project.py, _get_values_as_tuple), so `--tag ""` asks for a tag named "".
 */
/**
 * kedro's split_node_names callback (kedro/framework/cli/utils.py, the same from 0.18 to 1.5): commas inside square
 * brackets do not split, and a comma with nothing before it is kept as text (`,,` is the one name `,`).
 */
export function splitNodeNames(value: string): string[] {
  const result: string[] = []
  let argument = ''
  let depth = 0
  for (const char of `${value},`) {
    if (char === '[') depth++
    else if (char === ']') depth--
    if (char === ',' && depth === 0 && argument) {
      result.push(argument.trim())
      argument = ''
    } else {
      argument += char
    }
  }

  return result
}

function runFilters(values: Map<string, string[]>): RunFilters {
  const split = (opt: string) => (values.get(opt) ?? []).flatMap((value) => splitString(value))
  const names = (opt: string) => (values.get(opt) ?? []).flatMap((value) => splitNodeNames(value))
  const raw = (opt: string) => (values.get(opt) ?? []).flatMap((value) => value.split(','))
  return {
    fromInputs: split('--from-inputs'), fromNodes: names('--from-nodes'), namespaces: [...split('--namespace'), ...names('--namespaces')],
    nodeNames: [...raw('--node'), ...names('--nodes')], tags: [...raw('--tag'), ...split('--tags')], toNodes: names('--to-nodes'), toOutputs: split('--to-outputs'),
  }
}

/**
 * The values of the options `names` as click gives them to the command (`-pds` is `-p ds`, `-e=x` is `=x`, a
 * single-valued option given twice keeps the last); a plugin command's, whose options only the structure knows, as typed.
 */
function givenValues(command: MaskedCommand, args: string[], names: string[]): string[] {
  return command.values.size > 0 ? names.flatMap((name) => command.values.get(name) ?? []) : optionValues(args, names)
}

/** What `kedro run`, `catalog describe-datasets` and `resolve-patterns` ask for: the pipelines, filters and versions. */
function commandSelection(command: MaskedCommand, args: string[]): Pick<StatisticsOptions, 'filters' | 'loadVersions' | 'looksUp' | 'requested' | 'runs' | 'runtimeParams'> {
  const {commandPath} = command
  const runs = commandPath[0] === 'run'
  // The pipelines the command asks for (Kedro 1.5.0 loads only those): run's, and catalog describe-datasets' and
  // resolve-patterns' -p (kedro/framework/cli/catalog.py calls pipelines.set_requested).
  const filters = runs || (commandPath[0] === 'catalog' && ['describe-datasets', 'resolve-patterns'].includes(commandPath[1] ?? ''))
  const given = (names: string[]) => givenValues(command, args, names)
  // Kedro 0.18/0.19's `catalog create` looks its --pipeline up (pipelines.get) before it touches the catalog, and
  // stops with KedroCliError when it is not registered (kedro/framework/cli/catalog.py, create_catalog).
  const creates = commandPath[0] === 'catalog' && commandPath[1] === 'create'
  // run's --pipeline and create's are one name, as typed (no callback); --pipelines and the other catalog commands' -p
  // go through split_string.
  const requested = creates ? given(['--pipeline']) : !filters ? [] : (runs
    ? [...given(['--pipeline']).filter(Boolean), ...given(['--pipelines']).flatMap((value) => splitString(value))]
    : given(['--pipeline']).flatMap((value) => splitString(value)))
  if (!runs) return {looksUp: creates, requested: requested.length > 0 ? requested : null, runs, runtimeParams: []}
  // 0.18's repeatable --load-version takes one dataset:version each (never split at commas); --load-versions a list.
  const loadVersions = [...given(['--load-version']), ...given(['--load-versions']).flatMap((value) => value.split(','))]
  return {
    filters: runFilters(command.values), loadVersions: loadVersions.map((item) => item.trim().split(':')[0]).filter(Boolean),
    requested: requested.length > 0 ? requested : null, runs, runtimeParams: given(['--params']),
  }
}

/**
 * The run environment: --env, else the command's own default (Kedro 0.19's `catalog create`: base; kedro-airflow's
 * `create`: local, its DEFAULT_RUN_ENV), else KEDRO_ENV, else settings.py's (null).
 */
function runEnvironment(context: PreviewContext, command: MaskedCommand): null | string {
  const [group, subcommand] = command.commandPath
  const commandDefault = group === 'catalog' ? context.kedroRelease.catalogCommands[subcommand] : (group === 'airflow' && subcommand === 'create' ? 'local' : null)
  return givenValues(command, context.args, ['--env', '-e']).at(-1) ?? commandDefault ?? context.env.KEDRO_ENV ?? null
}

/**
 * Kedro 0.18's KedroSession.create applies the project's logging configuration (conf/<env>/logging*) before anything
 * else of the session: one the loader or dictConfig refuses stops the command before the catalog. Returns that
 * failure, or why whether dictConfig accepts it is not known, or null.
 */
function sessionLoggingVerdict(context: PreviewContext, reading: StatisticsReading): Extract<StatisticsOutcome, {kind: 'fails'}> | null | string {
  const logging = reading.sessionLogging
  if (!logging) return null
  const where = `KedroSession.create applies the project's logging configuration (logging* in the ${reading.env} and base environments)`
  const fails = (why: string) => ({failure: `${where}: ${why}`, kind: 'fails' as const, stage: 'before-catalog' as const})
  const verdict = 'failure' in logging ? null : checkLoggingConfig(logging.config, loggingChecking(context))
  const refused = 'failure' in logging ? `loading it raises ${logging.failure}` : (verdict?.kind === 'fails' ? `logging.config.dictConfig refuses it (${verdict.reason})` : null)
  // Where settings.py is not followed, the configuration may be elsewhere: a refusal is then only likely.
  if (refused) return reading.settingsUnread ? `${where}: ${refused}, with the configuration where this tool looked (${reading.settingsUnread})` : fails(refused)
  return verdict?.kind === 'accepted' && verdict.estimated ? `${where}: whether dictConfig accepts it is not known: ${verdict.estimated}` : null
}

/** Why kedro stops before the statistics go out, from what the project reading found; null when it gets there. */
function failureOf(reading: StatisticsReading): null | Extract<StatisticsOutcome, {kind: 'fails'}> {
  if (reading.registryFails) return {failure: `${reading.registryFails}: loading the pipeline registry fails`, kind: 'fails', stage: 'before-catalog'}
  if (reading.missingPipelines.length > 0) {
    // The names are not repeated: masking hides them in the request, and previews get pasted into tickets.
    const count = reading.missingPipelines.length
    return {failure: `${count} requested pipeline${count === 1 ? ' is' : 's are'} not registered`, kind: 'fails', stage: 'before-catalog', unsure: reading.estimated.number_of_pipelines?.join('; ') ?? null}
  }

  // Kedro's Pipeline.filter() refuses a selection without nodes before the catalog is built.
  if (reading.selectedNodes === 0) return {failure: 'the pipeline kedro run would run has no nodes', kind: 'fails', stage: 'before-catalog'}
  // Read from pipelines that may not all import where kedro runs: the likely answer, marked estimated.
  if (reading.filterFails) return {failure: `kedro run's filters: ${reading.filterFails}`, kind: 'fails', stage: 'before-catalog', unsure: reading.estimated.number_of_nodes?.join('; ') ?? null}
  if (reading.catalogFails) return {failure: `creating the catalog raises ${reading.catalogFails}`, kind: 'fails', stage: 'before-catalog', unsure: reading.hookUnsure}
  if (reading.hookFails) return {failure: `kedro-telemetry's statistics hook raises ${reading.hookFails}`, kind: 'fails', stage: 'in-hook', unsure: reading.hookUnsure}
  return null
}

/** Where each statistic is counted from, and why it may be off. */
function recordOrigins(context: PreviewContext, sheet: PreviewSheet, command: MaskedCommand, reading: StatisticsReading): void {
  const {telemetry} = context
  const {commandPath} = command
  // `kedro run --config FILE` takes further options (env, pipelines, conf source) from the file: one not applied here
  // may change any statistic.
  const fromConfigFile = commandPath[0] === 'run' && command.uncertain?.includes('--config: ')
    ? ['kedro run --config sets an option from a file that this preview cannot apply exactly']
    : []
  for (const key of Object.keys(reading.properties)) {
    const reasons = [...reading.estimated[key] ?? [], ...fromConfigFile]
    // Where each statistic is counted from is the registry's (the validator counts come from the catalog).
    const fromCatalog = bodyField(`properties.${key}`)?.countedFrom !== 'pipelines'
    const files = fromCatalog ? reading.files.catalog : reading.files.pipelines
    const source = files.length === 0 ? (fromCatalog ? `no catalog file for the ${reading.env} environment` : 'no pipeline file') : fileList(files)
    sheet.origin(`properties.${key}`, 'count', source, '', reasons.length > 0 ? reasons.join('; ') : null)
  }

  if (!context.telemetryRelease.statisticsOrderKnown) {
    sheet.origin('properties', 'derived', `kedro-telemetry ${telemetry.version}`, 'the order of the statistics keys',
      `kedro-telemetry ${telemetry.version}'s plugin.py is not public; that of releases ${telemetryReleasesWith('statisticsOrderKnown', true)} is assumed, the validator keys last`)
  }
}

/** The folders Python imports from: what the interpreter said, else the environment's site-packages. */
function sitePackagesOf({project, python}: PreviewContext): string[] {
  return python.facts?.importPath ?? project.versions.environment?.sitePackages ?? python.facts?.sitePackages ?? []
}

/** --conf-source as kedro takes it; a remote source (s3://...) is passed as it is, for the catalog reader to report. */
function confSourceOf({args, workingDirectory}: PreviewContext, command: MaskedCommand): null | string {
  const confSource = givenValues(command, args, ['--conf-source']).at(-1)
  if (confSource === undefined) return null
  return isRemote(confSource) ? confSource : path.resolve(workingDirectory, confSource)
}

export async function projectStatistics(context: PreviewContext, sheet: PreviewSheet, command: MaskedCommand): Promise<StatisticsOutcome> {
  const {args, env, kedroRelease, kedroPython, project: {pyproject, root}, telemetryRelease} = context
  const reading = await readStatistics({
    ...commandSelection(command, args),
    confSource: confSourceOf(context, command),
    env: runEnvironment(context, command), environment: env, kedroRelease, kedroSitePackages: importFolders(context),
    packageName: pyproject?.packageName ?? null, projectRoot: root!, pythonVersion: kedroPython.version,
    sitePackages: sitePackagesOf(context), sourceDir: pyproject?.sourceDir ?? 'src', telemetryRelease, workingDirectory: context.workingDirectory,
  })
  appendAll(sheet.warnings, reading.warnings)
  // The registry is loaded when the catalog is created (kedro-telemetry's hook asks for __default__), if not before.
  const logging = sessionLoggingVerdict(context, reading)
  if (logging && typeof logging !== 'string') return logging
  const failure = failureOf(reading)
  if (failure) return failure

  recordOrigins(context, sheet, command, reading)
  const unsure = [logging, reading.hookUnsure].filter(Boolean).join('; ') || null
  return {kind: 'statistics', properties: reading.properties, unsure}
}
