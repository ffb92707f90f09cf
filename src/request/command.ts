/**
 * The command line as kedro-telemetry sends it (masked per release), and what the command is, as the steps after
 * need it: its path (`catalog describe-datasets`), whether click rejects it, and the options it was given.
 */
import {commandProperties, MASK, MaskingError, maskWithStructure, passesThrough, PLUGIN_GROUPS} from '../masking/masking.js'
import type {PreviewContext} from './context.js'
import type {PreviewSheet} from './sheet.js'

export interface MaskedCommand {
  command: string
  /** The command path as typed, e.g. ['catalog', 'describe-datasets']. */
  commandPath: string[]
  /** Tokens a leading --help/--version/-h/-v lets through unmasked. */
  leaked: string[]
  mainCommand: string
  /** click rejects the line (an option the command does not have) or prints help: the command does not run. */
  runs: boolean
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
  // Every era's masking is read from its release's masking.py: only a release newer than the newest known is a guess.
  sheet.origin('properties.command', 'masked', 'the command line', `${masks} value${masks === 1 ? '' : 's'} replaced by *****`, telemetryRelease.estimated)
  sheet.origin('properties.main_command', 'masked', 'the command line', 'the first masked token', telemetryRelease.estimated)

  const commandPath = masked.filter((token, index) => token === args[index] && !token.startsWith('-'))
  const [first] = args
  if (first !== undefined && !first.startsWith('-') && commandPath.length === 0 && leaked.length === 0) {
    // Not repeated when it is the user's own word: it is masked in the request, and previews get pasted into tickets.
    const plugin = Object.entries(PLUGIN_GROUPS).find(([, group]) => group === first)?.[0]
    sheet.warn(plugin
      ? `kedro ${first} needs ${plugin}, which is not installed here: kedro fails with "No such command", and kedro-telemetry masks the command`
      : 'the first argument is not a kedro command here (neither built in nor added by an installed plugin): kedro fails with "No such command", and kedro-telemetry masks it')
  }

  // click rejects an option the command does not have before the command runs; --help prints and exits.
  let options: null | Record<string, unknown> = structure.structure
  for (const name of commandPath) options = (options?.[name] ?? null) as null | Record<string, unknown>
  const unknownOption = args.slice(commandPath.length).some((token) => {
    const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token
    return token.startsWith('-') && token !== '-' && !(options && Object.hasOwn(options, name))
  })
  return {command, commandPath, leaked, mainCommand, runs: !args.includes('--help') && !unknownOption}
}
