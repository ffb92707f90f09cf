/**
 * kedro-airflow's `airflow create` (kedro_airflow/plugin.py, 0.9.0 on), the one plugin command that can build the
 * project's catalog: it reads `context.catalog` when it groups nodes by the memory datasets between them, and each
 * read creates the catalog again, so kedro-telemetry sends the statistics once per pipeline converted. Only its
 * option names are stored with the plugin's structure; its parameters (which options are flags, repeated, checked)
 * are declared here from its source and parsed as click does, by the parser kedro's own commands use.
 */
import type {CliCommand} from '../masking/masking.js'
import type {CliParam} from '../masking/structures.js'
import {compareVersions} from '../python/pep440.js'
import {clickParse, splitString} from './click-parse.js'

export type AirflowCreate =
  /** click (or the command's first check) stops the line: nothing is built. */
  | {kind: 'rejected'; reason: string}
  /** It runs without reading the catalog: "CLI command". */
  | {kind: 'no-catalog'}
  /** It reads the catalog; `estimated` says what is not followed before it gets there. */
  | {estimated: string; kind: 'catalog'}

/**
 * create's parameters in kedro-airflow `version`: -p repeated before 0.11.0 (then one value split at commas),
 * -g a flag (`--group-in-memory`) before 0.10.0 (then `--group-by CHOICE`, whose case-insensitive choice is checked
 * below), the template a file that must exist. Options the stored structure lacks are left out.
 */
function createCommand(version: string, stored: ReadonlySet<string>): CliCommand {
  const before = (release: string) => compareVersions(version, release) < 0
  const params: CliParam[] = [
    before('0.11.0') ? {multiple: true, opts: ['-p', '--pipeline', '--pipelines'], type: 'text'} : {callback: 'split_string', opts: ['-p', '--pipelines'], type: 'text'},
    {flag: true, opts: ['--all'], type: 'boolean'},
    {opts: ['-e', '--env'], type: 'text'},
    {opts: ['-t', '--target-dir'], type: 'text'},
    {opts: ['-j', '--jinja-file'], path: {dirOkay: false, exists: true, fileOkay: true}, type: 'file'},
    before('0.10.0') ? {flag: true, opts: ['-g', '--group-in-memory'], type: 'boolean'} : {opts: ['-g', '--group-by'], type: 'text'},
    {callback: 'split_string', opts: ['--tags'], type: 'text'},
    {callback: '_split_params', opts: ['--params'], type: 'text'},
    {opts: ['--conf-source'], type: 'text'},
    {flag: true, opts: ['--help'], type: 'boolean'},
  ]
  return {params: params.map((param) => ({...param, opts: param.opts.filter((opt) => stored.has(opt))})).filter((param) => param.opts.length > 0)}
}

interface Setting {
  kedroVersion: string
  /** The option names stored for the release. */
  options: ReadonlySet<string>
  version: string
  workingDirectory: string
}

/** The values click gave the parameter with option `opt`, or none. */
type Given = (opt: string) => string[]

/**
 * What create does with the options click let through: refuses a grouping that is not a choice (0.10.0 on) or --all
 * with pipelines named (other than __default__ alone, before the session is created), or the pipelines it converts
 * (null: all) and whether it groups by memory.
 */
function createPlan(given: Given, version: string): {convert: null | string[]; memory: boolean} | string {
  const byChoice = compareVersions(version, '0.10.0') >= 0
  const grouping = byChoice ? given('-g').at(-1)?.toLowerCase() : undefined
  if (grouping !== undefined && !['memory', 'namespace'].includes(grouping)) return `-g/--group-by: ${JSON.stringify(given('-g').at(-1))} is not one of memory, namespace`
  // Without --all: the pipelines named, else __default__ (split_string from 0.11.0: `-p ""` names none).
  const named = given('-p')
  const splits = compareVersions(version, '0.11.0') >= 0
  const pipelines = named.length === 0 ? ['__default__'] : (splits ? splitString(named.at(-1)!) : named)
  const convertsAll = given('--all').length > 0
  if (convertsAll && pipelines.join('\n') !== '__default__') return 'The `--all` and `--pipelines` option are mutually exclusive (click.BadParameter)'
  return {convert: convertsAll ? null : pipelines, memory: byChoice ? grouping === 'memory' : given('-g').length > 0}
}

/** What `kedro airflow create TOKENS` does with kedro-airflow `setting.version`. */
export function airflowCreate(tokens: string[], setting: Setting): AirflowCreate {
  const {version} = setting
  if (compareVersions(version, '0.9.0') < 0) return {kind: 'no-catalog'}
  const outcome = clickParse(createCommand(version, setting.options), tokens, setting.kedroVersion, setting.workingDirectory)
  if (outcome.kind === 'help') return {kind: 'rejected', reason: '--help prints the command\'s help instead of running it'}
  if (outcome.kind === 'rejected') return {kind: 'rejected', reason: outcome.reason}
  const plan = createPlan((opt) => [...outcome.values].find(([param]) => param.opts.includes(opt))?.[1] ?? [], version)
  if (typeof plan === 'string') return {kind: 'rejected', reason: plan}
  // Nothing to convert (`-p ""` on 0.11.0): the catalog is never read.
  if (!plan.memory || plan.convert?.length === 0) return {kind: 'no-catalog'}
  const several = plan.convert === null || new Set(plan.convert).size > 1
  return {
    estimated: `kedro-airflow ${version}'s create groups nodes by their memory datasets, which builds the catalog (kedro_airflow/plugin.py): what it does first (its airflow configuration, the pipelines it converts, each of which must be registered${several ? '; one statistics event is sent per pipeline converted' : ''}) is not followed here`,
    kind: 'catalog',
  }
}
