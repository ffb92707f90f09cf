/**
 * The command line as kedro-telemetry sends it (masked per release), and what the command is, as the steps after
 * need it: its path (`catalog describe-datasets`), whether click rejects it, and the options it was given.
 */
import {type CliCommand, commandProperties, MASK, MaskingError, maskWithStructure, passesThrough, PLUGIN_GROUPS} from '../masking/masking.js'
import {clickParse} from './click-parse.js'
import {pluginCommandDoubt} from './plugins.js'
import {projectCliDoubts} from './project-cli.js'
import type {PreviewContext} from './context.js'
import type {PreviewSheet} from './sheet.js'

export interface MaskedCommand {
  command: string
  /** The command path as typed, e.g. ['catalog', 'describe-datasets']. */
  commandPath: string[]
  /** Tokens a leading --help/--version/-h/-v lets through unmasked. */
  leaked: string[]
  mainCommand: string
  /** Why click (or an option's callback) stops the line before the command runs, or null. */
  rejected: null | string
  /** click rejects the line or prints help: the command does not run. */
  runs: boolean
  /** What click's parsing leaves unsure (an option read from a file, a callback not modelled), or null. */
  uncertain: null | string
  /** The values click gives each option of the command, by its first opt (`--pipeline`), when it runs. */
  values: Map<string, string[]>
}

/** The values given to any of `names` (`--env x`, `--env=x`, `-e x`), in order. */
export function optionValues(args: string[], names: string[]): string[] {
  const values: string[] = []
  for (let i = 0; i < args.length; i++) {
    const equals = args[i].indexOf('=')
    const [name, inline] = equals === -1 ? [args[i], undefined] : [args[i].slice(0, equals), args[i].slice(equals + 1)]
    if (!names.includes(name)) continue
    const value = inline ?? args[i + 1]
    if (value !== undefined) values.push(value)
  }

  return values
}

/**
 * The masked command, or null where kedro-telemetry itself raises (a token after an argument name): the kedro
 * command then fails in its hook and nothing is sent.
 */
export function maskedCommand(context: PreviewContext, sheet: PreviewSheet): MaskedCommand | null {
  const {args, structure, telemetryRelease} = context
  let masked: string[]
  try {
    masked = maskWithStructure(args, structure, telemetryRelease.masking)
  } catch (error) {
    if (!(error instanceof MaskingError)) throw error
    // The offending token itself is not repeated: it is the user's, and previews get pasted into tickets.
    sheet.warn(`kedro-telemetry raises a TypeError: a token follows ${JSON.stringify(error.argumentName)}, an argument name in the command structure; the kedro command fails in kedro-telemetry's hook, and nothing is sent`)
    return null
  }

  const leaked = args.length > 1 && passesThrough(args, telemetryRelease.masking) ? args.slice(1) : []
  if (leaked.length > 0) sheet.warn(`a leading ${JSON.stringify(args[0])} makes kedro-telemetry send every following token unmasked`)
  const {command, main_command: mainCommand} = commandProperties(masked)
  const masks = masked.filter((token) => token === MASK).length
  // Every era's masking is read from its release's masking.py, and every Kedro release's commands from its source: a
  // release newer than the newest known, a Kedro release whose commands are borrowed, or a plugin release whose are,
  // makes what the masking keeps a guess.
  const otherPlugin = pluginCommandDoubt(context)
  const unsure = telemetryRelease.estimated ?? structure.estimated ?? context.pluginEstimates[args[0] ?? ''] ?? projectCliDoubts(context).command ?? otherPlugin
  sheet.origin('properties.command', 'masked', 'the command line', `${masks} value${masks === 1 ? '' : 's'} replaced by *****`, unsure)
  sheet.origin('properties.main_command', 'masked', 'the command line', 'the first masked token', unsure)

  const commandPath = masked.filter((token, index) => token === args[index] && !token.startsWith('-'))
  if (commandPath.length === 0 && leaked.length === 0 && !otherPlugin) warnNoSuchCommand(args[0], sheet)
  return {command, commandPath, leaked, mainCommand, ...clickVerdict(context, commandPath)}
}

/** The warning for a first argument that names no command here (masked, so kedro fails with "No such command"). */
function warnNoSuchCommand(first: string | undefined, sheet: PreviewSheet): void {
  if (first === undefined || first.startsWith('-')) return
  // Not repeated when it is the user's own word: it is masked in the request, and previews get pasted into tickets.
  const plugin = Object.entries(PLUGIN_GROUPS).find(([, group]) => group === first)?.[0]
  sheet.warn(plugin
    ? `kedro ${first} needs ${plugin}, which is not installed here: kedro fails with "No such command", and kedro-telemetry masks the command`
    : 'the first argument is not a kedro command here (neither built in nor added by an installed plugin): kedro fails with "No such command", and kedro-telemetry masks it')
}

/**
 * A plugin's command (only its structure is known), a group, or a command whose options are not known: an option
 * the structure lacks is taken to be rejected, as before.
 */
function verdictFromStructure({args, structure}: PreviewContext, commandPath: string[]): ReturnType<typeof clickVerdict> {
  let options: null | Record<string, unknown> = structure.structure
  for (const name of commandPath) options = (options?.[name] ?? null) as null | Record<string, unknown>
  const unknownOption = args.slice(commandPath.length).some((token) => {
    const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token
    return token.startsWith('-') && token !== '-' && !(options && Object.hasOwn(options, name))
  })
  const runs = !args.includes('--help') && !unknownOption
  return {rejected: runs ? null : 'the command line has an option the command does not know: click rejects it before the command runs', runs, uncertain: null, values: new Map()}
}

/** What click makes of the line for the command at `commandPath`, from the release's own command definitions. */
function clickVerdict(context: PreviewContext, commandPath: string[]): Pick<MaskedCommand, 'rejected' | 'runs' | 'uncertain' | 'values'> {
  const {args, structure} = context
  let leaf: CliCommand | undefined = commandPath.length > 0 ? structure.commands[commandPath[0]] : undefined
  for (const name of commandPath.slice(1)) leaf = leaf?.commands?.[name]
  if (!leaf || leaf.commands || structure.unknownOptions.includes(commandPath.join(' '))) return verdictFromStructure(context, commandPath)
  const outcome = clickParse(leaf, args.slice(commandPath.length), structure.kedroStructureVersion, context.workingDirectory)
  if (outcome.kind === 'help') return {rejected: '--help prints the command\'s help instead of running it', runs: false, uncertain: null, values: new Map()}
  if (outcome.kind === 'rejected') {
    const how = outcome.exit === 2 ? 'click rejects it before the command runs (exit 2)' : 'the option\'s callback raises before the command runs (exit 1)'
    return {rejected: `${outcome.reason}: ${how}`, runs: false, uncertain: null, values: new Map()}
  }

  const values = new Map([...outcome.values].map(([param, given]) => [param.opts[0], given]))
  return {rejected: null, runs: true, uncertain: outcome.estimated, values}
}
