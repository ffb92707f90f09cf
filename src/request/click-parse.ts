/**
 * What click does with a kedro command line before the command runs, for the release's own command definitions
 * (src/releases/kedro-cli/): the options and arguments it accepts, the values it converts, and the callbacks kedro
 * attaches to them (what each does is ported from the release's source, and checked against what it did with probe
 * values in tests). A line click rejects, or a callback that raises, ends the command before it does anything: only
 * "CLI command" is sent. Pure: reads only the files a parameter type checks (`click.Path(exists=True)`).
 */
import path from 'node:path'

import {entryKindSync, readTextSafeSync} from '../checkout/files.js'
import {compareVersions} from '../python/pep440.js'
import type {CliCommand} from '../masking/masking.js'
import {safeLoad} from '../python/pyyaml.js'
import {Document, isMap, isScalar, isSeq, visit, type YAMLMap} from 'yaml'
import {isMapping, paramsItem} from '../statistics/config-loader.js'
import type {CliParam} from '../masking/structures.js'

export type ClickOutcome =
  /** The command runs with these values (each parameter's name: the values given, in order). */
  | {estimated: null | string; kind: 'runs'; values: Map<CliParam, string[]>}
  /** click, or a callback, stops the line: `exit` 2 for a usage error, 1 for an error raised by a callback. */
  | {exit: 1 | 2; kind: 'rejected'; reason: string}
  /** --help: click prints the help and exits 0; the command does not run. */
  | {kind: 'help'}

export type Verdict = {estimated?: string; kind: 'ok'} | {exit: 1 | 2; kind: 'rejected'; reason: string}

type Rejection = Extract<Verdict, {kind: 'rejected'}>
const ok: Verdict = {kind: 'ok'}
const usage = (reason: string): Rejection => ({exit: 2, kind: 'rejected', reason})
const error = (reason: string): Rejection => ({exit: 1, kind: 'rejected', reason})
const atLeast = (version: string, since: string) => compareVersions(version, since) >= 0

/** kedro.framework.cli.utils.split_string: comma-separated, stripped, empty items dropped. */
export function splitString(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean)
}

/**
 * `--params`: 0.18.0 to 0.18.4 take `key:value` only; 0.18.5 to 0.18.14 `key:value` or `key=value` (a colon before
 * any `=` becomes one); 0.19.0 on `key=value` only. A missing separator or an empty key is click's usage error; a key
 * or value OmegaConf cannot read is an error of the callback (exit 1), which this tool does not decide: estimated.
 */
function splitParams(value: string, kedroVersion: string): Verdict {
  const colonOnly = !atLeast(kedroVersion, '0.18.5')
  let estimated: string | undefined
  for (const raw of splitString(value)) {
    const {item, separator} = paramsItem(raw, kedroVersion)
    const at = item.indexOf(separator)
    if (at === -1) return usage(`--params: item ${JSON.stringify(raw)} has no "${separator}" between a key and a value, which Kedro ${kedroVersion} requires`)
    if (item.slice(0, at).trim() === '') return usage('--params: a parameter key is empty')
    if (!colonOnly && !/^[\w.-]+$/.test(item.slice(0, at).trim())) estimated ??= `--params key ${JSON.stringify(item.slice(0, at).trim())}: whether OmegaConf reads it is not known here`
  }

  return estimated ? {estimated, kind: 'ok'} : ok
}

/** `--load-versions dataset:version,...`: each item needs a colon; from 1.3.0 the version must be a safe path component. */
function splitLoadVersions(value: string, kedroVersion: string): Verdict {
  if (!value) return ok
  for (const raw of value.split(',')) {
    const item = raw.trim()
    const at = item.indexOf(':')
    if (at === -1) return error(`--load-versions: ${JSON.stringify(item)} is not of the form dataset_name:version (KedroCliError)`)
    const version = item.slice(at + 1)
    if (atLeast(kedroVersion, '1.3.0') && (!version || version.includes('/') || version.includes('\\') || version === '.' || version === '..')) {
      return error(`--load-versions: the version ${JSON.stringify(version)} is not a single path component (KedroCliError)`)
    }
  }

  return ok
}

/** `--conf-source` (0.19.12 on): a local path must exist; a URL other than file:// is taken as it is. */
function validateConfSource(value: string, cwd: string): Verdict {
  if (!value || (value.includes('://') && !value.startsWith('file://'))) return ok
  const local = value.startsWith('file://') ? value : path.resolve(cwd, value)
  return value.startsWith('file://') || entryKindSync(local, null) === 'missing' ? usage(`--conf-source: the path ${JSON.stringify(value)} does not exist`) : ok
}

/** `--load-version dataset:version` (0.18, one value per option, never split at commas): the value needs a colon. */
function reformatLoadVersion(value: string): Verdict {
  return value.trim().includes(':') ? ok : error(`--load-version: ${JSON.stringify(value.trim())} is not of the form dataset_name:version (KedroCliError)`)
}

/** click's name for a parameter: the one it was declared with, else its first long option as a Python name. */
function paramName(param: CliParam): string {
  return param.name ?? (param.opts.find((opt) => opt.startsWith('--')) ?? param.opts[0]).replace(/^-+/, '').replaceAll('-', '_').toLowerCase()
}

/**
 * `run --config FILE` (kedro/framework/cli/utils.py, _config_file_callback) reads the file's `run` section: a file
 * that does not parse, or has no such section, raises (exit 1); from 0.19.0 the section must be a mapping of run's
 * own parameter names (KedroCliError otherwise). Its values become the options' defaults (configDefaults below).
 */
function configFileCallback(value: string, kedroVersion: string, cwd: string, command: CliCommand | undefined): Verdict {
  const validates = atLeast(kedroVersion, '0.19.0')
  const read = configSection(value, validates, cwd)
  if (!('section' in read)) return read
  const names = new Set((command?.params ?? []).filter((param) => !param.argument).map((param) => paramName(param)))
  const unknown = validates && command ? Object.keys(read.section).find((key) => key === 'config' || key === 'help' || !names.has(key)) : undefined
  if (unknown !== undefined) return error(`--config: Key \`${unknown}\` in provided configuration is not valid (KedroCliError)`)
  return ok
}

interface ConfigSection {
  /** The `run` mapping's node, where each value's own text is read. */
  node: YAMLMap
  section: Record<string, unknown>
  text: string
}

/** The first key repeated in any mapping of `document`, which OmegaConf's loader refuses; null when none is. */
function duplicateKey(document: Document | null): null | string {
  let found: null | string = null
  visit(document ?? new Document(), {
    Map(_, map) {
      const keys = map.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : null)).filter((key) => key !== null)
      found = keys.find((key, index) => keys.indexOf(key) !== index) ?? null
      return found === null ? undefined : visit.BREAK
    },
  })
  return found
}

const notApplied = (why: string): Verdict => ({estimated: `--config: ${why}`, kind: 'ok'})

/** A --config file as the release loads it: anyconfig (0.18, by extension) or OmegaConf.load (0.19.0 on). */
function loadConfigFile(value: string, validates: boolean, cwd: string): Verdict | {document: Document | null; loaded: unknown; text: string} {
  // Kedro 0.18 reads it with anyconfig, by its extension: only YAML is read here.
  if (!validates && !/\.ya?ml$/i.test(value)) return notApplied(`${value} is read with anyconfig, which is not followed here`)
  // The file is the user's own, named on the command line, not the checkout's.
  const read = readTextSafeSync(path.resolve(cwd, value), {within: null})
  if (!read.ok) return notApplied(`${value} cannot be read here (${read.reason})`)
  const parsed = safeLoad(read.text)
  if (!parsed.ok) return parsed.undecidable ? notApplied(`${value}: ${parsed.error}`) : error(`--config: ${value} does not parse (${parsed.error})`)
  // OmegaConf's loader is PyYAML's SafeLoader, but a key repeated in a mapping raises.
  const repeated = validates ? duplicateKey(parsed.document) : null
  if (repeated !== null) return error(`--config: ${value} repeats the key ${JSON.stringify(repeated)} (OmegaConf: found duplicate key)`)
  return {document: parsed.document, loaded: parsed.value ?? {}, text: read.text}
}

/** The `run` section of a --config file, or what reading it gives instead. */
function configSection(value: string, validates: boolean, cwd: string): ConfigSection | Verdict {
  const file = loadConfigFile(value, validates, cwd)
  if ('kind' in file) return file
  const {document, loaded, text} = file
  if (!isMapping(loaded) || !Object.hasOwn(loaded, 'run')) return error(`--config: ${value} has no run section (KeyError: 'run')`)
  const {run} = loaded
  const node = document?.get('run', true)
  if (isMapping(run) && isMap(node)) return {node, section: run, text}
  if (isMapping(run)) return notApplied(`the run section of ${value} is built from merged keys, which are not applied here`)
  // 0.18 updates click's default map with it: None raises, a list of pairs might not.
  return validates || run === null ? error(`--config: the run section of ${value} is not a mapping`) : notApplied(`the run section of ${value} is not a mapping`)
}

/** The value node of `key` in a mapping: the last one, as PyYAML keeps the last of a repeated key. */
function valueNode(map: YAMLMap, key: string): unknown {
  return map.items.findLast((pair) => isScalar(pair.key) && String(pair.key.value) === key)?.value
}

// OmegaConf's loader reads these plain scalars as floats where PyYAML keeps a string (omegaconf/_utils.py).
const OMEGACONF_FLOAT = /^(?:[-+]?\d[\d_]*\.[\d_]*(?:[eE][-+]?\d+)?|[-+]?\d[\d_]*[eE][-+]?\d+|\.[\d_]+(?:[eE][-+]\d+)?|[-+]?\d[\d_]*(?::[0-5]?\d)+\.[\d_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/

/**
 * What click's STRING type makes of a value read from the file (`str(value)`), or null where this tool cannot be
 * sure: a float (Python prints those its own way), a date, or a plain scalar OmegaConf reads as a float.
 */
function pythonText(node: unknown, value: unknown, source: string, omegaconf: boolean): null | string {
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (!isScalar(node) || !node.range) return null
  const text = source.slice(node.range[0], node.range[1])
  if (typeof value === 'number') return /^[-+]?(?:0|[1-9]\d*)$/.test(text) ? String(value) : null
  if (typeof value !== 'string') return null
  return omegaconf && node.type === 'PLAIN' && OMEGACONF_FLOAT.test(text) ? null : value
}

// click's BOOL type: the words it takes, lower-cased and stripped.
const CLICK_TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes'])
const CLICK_FALSE = new Set(['0', 'f', 'false', 'n', 'no', 'off'])

type DefaultInputs = Rejection | {inputs: string[]} | {unsure: string}

/** A flag's value from the default map, as click's BOOL type reads it. */
function flagInput(name: string, value: unknown): DefaultInputs {
  const word = typeof value === 'string' ? value.trim().toLowerCase() : null
  if (typeof value === 'boolean') return {inputs: [String(value)]}
  if (word && (CLICK_TRUE.has(word) || CLICK_FALSE.has(word))) return {inputs: [String(CLICK_TRUE.has(word))]}
  // Any other word is refused by every click release; an empty one, or another type, is read differently by some.
  if (word) return usage(`--config: ${name}: ${JSON.stringify(value)} is not a valid boolean`)
  return {unsure: `${name} is not a boolean click reads the same way in every release`}
}

/** The values click gives `param` from a default-map entry: its inputs, a rejection, or why this tool cannot tell. */
function defaultInputs(param: CliParam, node: unknown, value: unknown, source: string, omegaconf: boolean): DefaultInputs {
  const name = paramName(param)
  if (param.flag) return flagInput(name, value)
  if (param.multiple) {
    if (typeof value === 'string') return usage(`--config: ${name}: Value must be an iterable.`)
    if (!Array.isArray(value) || !isSeq(node)) return {unsure: `${name} is neither a list nor a string`}
    const items = value.map((item, index) => pythonText(node.items[index], item, source, omegaconf))
    return items.every((item) => item !== null) ? {inputs: items} : {unsure: `${name} holds values whose text is not known here`}
  }

  if (param.callback === '_split_params' && isMapping(value)) return {unsure: `${name} is given as a mapping, which kedro takes as it is`}
  const text = pythonText(node, value, source, omegaconf)
  return text === null ? {unsure: `the text click makes of ${name}'s value is not known here`} : {inputs: [text]}
}

/**
 * The options `run --config FILE` sets: click looks each option not on the command line up in the default map the
 * callback filled (kedro's options have no envvar), converts it and passes it to the option's callback, as it does a
 * typed value. A key that names no option is never looked up (0.18; from 0.19 the callback refuses it).
 */
function configDefaults(command: CliCommand, given: Map<CliParam, string[]>, kedroVersion: string, cwd: string): Rejection | {estimates: string[]; values: Map<CliParam, string[]>} {
  const values = new Map<CliParam, string[]>()
  const estimates: string[] = []
  const configParam = command.params.find((param) => param.callback === '_config_file_callback')
  const file = configParam && given.get(configParam)?.at(-1)
  const read = file ? configSection(file, atLeast(kedroVersion, '0.19.0'), cwd) : null
  if (!read || !('section' in read)) return {estimates, values}
  for (const [key, value] of Object.entries(read.section)) {
    const param = command.params.find((candidate) => !candidate.argument && paramName(candidate) === key)
    // click's lookup_default: None is no default.
    if (!param || given.has(param) || value === null || value === undefined) continue
    const found = defaultInputs(param, valueNode(read.node, key), value, read.text, atLeast(kedroVersion, '0.19.0'))
    if ('kind' in found) return found
    if ('unsure' in found) estimates.push(`--config: ${found.unsure}`)
    else values.set(param, found.inputs)
  }

  return {estimates, values}
}

/** The callbacks of kedro's commands, by name: what each does with a value. Unknown ones are estimated. */
export function runCallback(name: string, value: string, kedroVersion: string, cwd: string, command?: CliCommand): Verdict {
  switch (name) {
    case '_split_params': {
      return splitParams(value, kedroVersion)
    }

    case '_split_load_versions': {
      return splitLoadVersions(value, kedroVersion)
    }

    case 'validate_conf_source': {
      return validateConfSource(value, cwd)
    }

    case '_reformat_load_versions': {
      return reformatLoadVersion(value)
    }

    case '_config_file_callback': {
      return configFileCallback(value, kedroVersion, cwd, command)
    }

    // Splitting, deprecation warnings and flags: they never fail.
    case '_deprecate_options':
    case 'namespace_deprecation_warning':
    case 'split_node_names':
    case 'split_string': {
      return ok
    }

    default: {
      return {estimated: `the option's callback ${name} is not modelled here`, kind: 'ok'}
    }
  }
}

/** A value click converts: choices, numbers, booleans, and paths that must exist (relative to the working directory). */
function convert(param: CliParam, value: string, cwd: string): Verdict {
  const name = param.opts[0]
  if (param.choices && !param.choices.includes(value)) return usage(`${name}: ${JSON.stringify(value)} is not one of ${param.choices.join(', ')}`)
  const problem = typeProblem(param, value) ?? pathProblem(param, value, cwd)
  return problem ? usage(`${name}: ${JSON.stringify(value)} ${problem}`) : ok
}

/** What click's INT, FLOAT and BOOL types say of a value they refuse, or null. */
function typeProblem(param: CliParam, value: string): null | string {
  if (param.type === 'integer' && !/^\s*[+-]?\d+\s*$/.test(value)) return 'is not a valid integer'
  if (param.type === 'float' && Number.isNaN(Number(value))) return 'is not a valid float'
  if (param.type === 'boolean' && !param.flag && !/^(?:1|0|true|false|t|f|yes|no|y|n|on|off)$/i.test(value.trim())) return 'is not a valid boolean'
  return null
}

/** What click's File and Path(exists=True) types say of a path that is missing or of the wrong kind, or null. */
function pathProblem(param: CliParam, value: string, cwd: string): null | string {
  if ((param.type !== 'file' && !param.path?.exists) || value === '-') return null
  const kind = entryKindSync(path.resolve(cwd, value), null)
  if (kind === 'missing') return 'does not exist'
  if (param.path && ((kind === 'file' && !param.path.fileOkay) || (kind === 'directory' && !param.path.dirOkay))) return `is a ${kind}`
  return null
}

/** An option name click registers as short: a single dash and one character (`-p`); `-lv` and `--env` are long. */
const isShort = (opt: string) => opt.length === 2 && opt[0] === '-' && opt[1] !== '-'

/** The parameter an option name names: by its opts, or by a flag's secondary opts (`--no-browser`). */
function optionNamed(command: CliCommand, name: string, short: boolean): CliParam | undefined {
  return command.params.find((param) => !param.argument && [...param.opts, ...param.secondaryOpts ?? []].some((opt) => opt === name && isShort(opt) === short))
}

interface Parsed {
  /** Positional tokens, in order. */
  positionals: string[]
  values: Map<CliParam, string[]>
}

/**
 * click's OptionParser over the tokens after the command path: a token is first tried as a long option (split at its
 * first `=`), then, unless it starts with `--`, as a cluster of short ones (`-pds` is `-p ds`, `-p=x` gives `=x`).
 */
class OptionParser {
  private next = 0
  private readonly positionals: string[] = []
  private readonly values = new Map<CliParam, string[]>()

  constructor(private readonly command: CliCommand, private readonly tokens: string[]) {}

  parse(): Parsed | Verdict {
    for (; this.next < this.tokens.length; this.next++) {
      const token = this.tokens[this.next]
      if (token === '--') {
        this.positionals.push(...this.tokens.slice(this.next + 1))
        break
      }

      if (!token.startsWith('-') || token === '-') {
        this.positionals.push(token)
        continue
      }

      const failed = this.option(token)
      if (failed) return failed
    }

    return {positionals: this.positionals, values: this.values}
  }

  private give(param: CliParam, value: string): void {
    this.values.set(param, [...this.values.get(param) ?? [], value])
  }

  /** The value(s) an option takes: the text attached to it, else the next token(s). */
  private take(param: CliParam, name: string, attached: string | undefined): null | Verdict {
    const count = param.nargs && param.nargs > 1 ? param.nargs : 1
    const taken = attached === undefined ? this.tokens.slice(this.next + 1, this.next + 1 + count) : [attached]
    if (taken.length < count) return usage(`option ${name} requires ${count === 1 ? 'an argument' : `${count} arguments`}`)
    if (attached === undefined) this.next += count
    for (const value of taken) this.give(param, value)
    return null
  }

  private option(token: string): null | Verdict {
    const equals = token.indexOf('=')
    const longName = equals === -1 ? token : token.slice(0, equals)
    const long = optionNamed(this.command, longName, false)
    if (long) return this.longOption(long, longName, equals === -1 ? undefined : token.slice(equals + 1))
    if (token.startsWith('--')) return usage(`no such option: ${longName}`)
    return this.shortCluster(token)
  }

  private longOption(param: CliParam, name: string, attached: string | undefined): null | Verdict {
    if (!param.flag) return this.take(param, name, attached)
    if (attached !== undefined) return usage(`option ${name} does not take a value`)
    this.give(param, param.secondaryOpts?.includes(name) ? 'false' : 'true')
    return null
  }

  /** `-pds`: flags until an option that takes a value, which takes the rest of the token (or the next one). */
  private shortCluster(token: string): null | Verdict {
    for (let at = 1; at < token.length; at++) {
      const name = `-${token[at]}`
      const short = optionNamed(this.command, name, true)
      if (!short) return usage(`no such option: ${name}`)
      if (!short.flag) return this.take(short, name, at + 1 < token.length ? token.slice(at + 1) : undefined)
      this.give(short, 'true')
    }

    return null
  }
}

function parseTokens(command: CliCommand, tokens: string[]): Parsed | Verdict {
  return new OptionParser(command, tokens).parse()
}

/** Arguments take the positionals in order; what is left over is click's "unexpected extra argument". */
function assignArguments(command: CliCommand, positionals: string[], values: Map<CliParam, string[]>): null | Rejection {
  let next = 0
  for (const argument of command.params.filter((param) => param.argument)) {
    const wanted = argument.nargs === -1 ? positionals.length - next : (argument.nargs ?? 1)
    const taken = positionals.slice(next, next + wanted)
    next += taken.length
    if (taken.length > 0) values.set(argument, taken)
    else if (argument.required) return usage(`missing argument ${argument.opts[0].toUpperCase()}`)
  }

  return next < positionals.length && !command.extraArgs ? usage(`got unexpected extra argument${positionals.length - next > 1 ? 's' : ''}`) : null
}

/** One parameter's values converted and handed to its callback, in order: the first refused stops the command. */
function checkInputs(command: CliCommand, param: CliParam, inputs: string[], kedroVersion: string, cwd: string, estimates: string[]): null | Rejection {
  for (const value of inputs) {
    const converted = param.flag ? ok : convert(param, value, cwd)
    if (converted.kind === 'rejected') return converted
    const called = param.callback ? runCallback(param.callback, value, kedroVersion, cwd, command) : ok
    if (called.kind === 'rejected') return called
    if (called.estimated) estimates.push(called.estimated)
  }

  return null
}

/** Each parameter's values, converted and handed to its callback: a required one missing, or a value refused, stops it. */
function processValues(command: CliCommand, values: Map<CliParam, string[]>, kedroVersion: string, cwd: string): {estimates: string[]; kind: 'ok'} | Rejection {
  const estimates: string[] = []
  for (const param of command.params) {
    const given = values.get(param)
    if (!given && param.required && !param.argument) return usage(`missing option ${param.opts[0]}`)
    // A single-valued option keeps the last value given; each value is converted, then the callback sees it.
    const inputs = !given ? [] : (param.multiple || param.argument ? given : [given.at(-1)!])
    const refused = checkInputs(command, param, inputs, kedroVersion, cwd, estimates)
    if (refused) return refused
  }

  return {estimates, kind: 'ok'}
}

/**
 * What click does with `tokens` (the command line after the command path) for `command`, in Kedro `kedroVersion`,
 * run from `cwd`: runs (with the values given), or rejected (with why and the exit code), or help.
 */
export function clickParse(command: CliCommand, tokens: string[], kedroVersion: string, cwd: string): ClickOutcome {
  // --help is eager: it acts wherever it stands, before any other check (unless after `--`).
  const beforeDashes = tokens.includes('--') ? tokens.slice(0, tokens.indexOf('--')) : tokens
  if (beforeDashes.includes('--help') && command.params.some((param) => param.opts.includes('--help'))) return {kind: 'help'}
  const parsed = parseTokens(command, tokens)
  if ('kind' in parsed) return parsed.kind === 'rejected' ? parsed : {estimated: null, kind: 'runs', values: new Map()}
  const extra = assignArguments(command, parsed.positionals, parsed.values)
  if (extra?.kind === 'rejected') return extra
  const processed = processValues(command, parsed.values, kedroVersion, cwd)
  if (processed.kind === 'rejected') return processed
  // What the command receives: a single-valued option's last value only (click drops the ones before it).
  const values = new Map([...parsed.values].map(([param, given]) => [param, param.multiple || param.argument ? given : [given.at(-1)!]]))
  // Then the options left out take the --config file's values, which go through the same checks.
  const defaults = configDefaults(command, values, kedroVersion, cwd)
  if ('kind' in defaults) return defaults
  const estimates = [...processed.estimates, ...defaults.estimates]
  for (const [param, inputs] of defaults.values) {
    const refused = checkInputs(command, param, inputs, kedroVersion, cwd, estimates)
    if (refused) return refused
    values.set(param, inputs)
  }

  return {estimated: estimates.length > 0 ? estimates.join('; ') : null, kind: 'runs', values}
}
