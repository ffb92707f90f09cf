/**
 * The one base for every command: `--json`, colour and TTY handling, and the mapping of errors to exit codes
 * (0 ok, 1 a check failed, 2 usage or input error).
 */
import * as Args from '@oclif/core/args'
import {Command} from '@oclif/core/command'
import {CLIError} from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'

import {ux} from '@oclif/core/ux'

import {asInputError, type ErrorReport, EXIT_USAGE, InputError} from './errors.js'
import {ciInert} from './render/escape.js'
import {usageError} from './usage-error.js'
import type {PolicyChoice} from './policy/policy.js'
import type {Rendered, Style} from './render/style.js'

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  /**
   * Renders a result for people. The renderer (chalk, cli-table3) is loaded only here, so `--json` never pays for it;
   * colour and tables only on a TTY without NO_COLOR.
   */
  protected async render<T>(result: T, renderer: (result: T, style: Style) => Rendered, stream: 'stderr' | 'stdout' = 'stdout'): Promise<void> {
    const [{fitToWidth, terminalStyle}, {neutralise}] = await Promise.all([import('./render/style.js'), import('./render/escape.js')])
    const style = terminalStyle(stream === 'stdout' ? process.stdout : process.stderr, process.env)
    // Text from a checkout reaches the terminal only as printable characters: no escape sequence, no forged line.
    const rendered = renderer(neutralise(result), style)
    // On a terminal every line fits its width (the terminal's own wrapping ignores words and indentation); piped
    // output keeps whole lines for grep and logs.
    const text = (typeof rendered === 'string' ? [rendered] : rendered)
      .map((part) => (typeof part === 'string' ? (style.tables ? fitToWidth(part, style.width) : part) : part.verbatim))
      .join('\n')
    if (stream === 'stdout') this.log(text)
    else this.logToStderr(text)
  }

  /** Every line to stdout passes ciInert: text from a checkout never speaks to a CI runner. */
  log(message = '', ...args: unknown[]): void {
    super.log(ciInert(message), ...args)
  }

  logJson(json: unknown): void {
    ux.stdout(ciInert(JSON.stringify(json, null, 2), 'json'))
  }

  logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(ciInert(message), ...args)
  }

  /**
   * For a command that takes no arguments. It is declared non-strict: with space-separated topics, oclif would
   * otherwise read `history extra` as a command `history:extra` and say that is not found.
   */
  protected rejectArguments(argv: unknown[]): void {
    if (argv.length > 0) {
      throw new InputError(`telemetry ${this.id} takes no arguments (${argv.length} given)`, {code: 'UNEXPECTED_ARGUMENT', hint: `see \`telemetry ${this.id} --help\``})
    }
  }

  /**
   * oclif's own errors (an unknown flag, a missing value) in `--json` mode: the documented error shape
   * (schemas/error.schema.json), not oclif's whole error object.
   */
  protected toErrorJson(error: unknown): ErrorReport {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return {error: {code: 'USAGE', hint: `see \`${['telemetry', this.id, '--help'].filter(Boolean).join(' ')}\``, message}}
  }

  /** oclif's parse error as one line and a hint ("did you mean --ci?"), not the error followed by the whole usage. */
  private parseErrorAsInput(error: CLIError & {flags?: unknown}): InputError {
    const known = Object.entries({...this.ctor.baseFlags, ...this.ctor.flags})
      .flatMap(([name, flag]) => [name, ...(flag.aliases ?? [])])
    if (this.ctor.enableJsonFlag) known.push('json')
    const unknown = Array.isArray(error.flags) ? error.flags.map(String) : []
    return usageError(error.message, this.id ?? '', unknown, known)
  }

  /** An input error as JSON (with --json) or as one line, its details and a hint on stderr. */
  private async reportInputError(error: InputError): Promise<void> {
    const {errorReport, errorText} = await import('./render/error.js')
    if (this.jsonEnabled()) this.logJson(errorReport(error))
    else this.logToStderr(errorText(error, process.stderr, process.env))
  }

  async catch(error: Error & {oclif?: {exit?: number}}): Promise<unknown> {
    // oclif's own errors (an unknown flag, a missing value) and exits keep oclif's handling; everything else, I/O
    // errors and bugs included, ends in one line, a hint and exit 2 (exit 1 means a check failed).
    if (!(error instanceof CLIError) && error.oclif?.exit === undefined) {
      // DEBUG (as oclif reads it) shows where an unexpected error came from; the user sees one line either way.
      if (process.env.DEBUG && !(error instanceof InputError)) process.stderr.write(`${error.stack ?? String(error)}\n`)
      error = asInputError(error)
    }
    if (isParseError(error)) error = this.parseErrorAsInput(error)
    if (error instanceof InputError) {
      await this.reportInputError(error)
      process.exitCode = EXIT_USAGE
      return
    }

    // @oclif/core 4 exits 1 for `--json` errors whatever exit the error asks for (oclif/core#1423).
    if (this.jsonEnabled() && error.oclif?.exit !== undefined) process.exitCode = error.oclif.exit
    if (error instanceof CLIError && error.oclif?.exit === undefined) process.exitCode = EXIT_USAGE
    return super.catch(error)
  }

}

/** Flags shared by the commands that write `.telemetry`. */
export const consentWriteFlags = {
  force: Flags.boolean({description: 'overwrite a .telemetry that cannot be edited (not YAML, not a mapping, binary, huge), after saving it as .telemetry.bak'}),
  gitignore: Flags.boolean({allowNo: true, default: true, description: 'append .telemetry to the project\'s .gitignore when git does not ignore it (--no-gitignore skips this)'}),
  untrack: Flags.boolean({description: '`git rm --cached .telemetry` when git tracks .telemetry (you commit the removal)'}),
}

/** Flags of the commands that apply the team policy (.kedro-consent.yml). */
export const policyFlags = {
  'no-policy': Flags.boolean({description: 'apply no team policy, even where one is found', exclusive: ['policy']}),
  policy: Flags.string({description: 'the team policy file to apply (default: the nearest .kedro-consent.yml at or above the project, within its git repository)', helpValue: 'FILE'}),
}

/** The policy the flags choose. */
export function policyChoice(flags: {'no-policy'?: boolean; policy?: string}): PolicyChoice {
  if (flags['no-policy']) return 'none'
  return flags.policy === undefined ? 'find' : {file: flags.policy}
}

export const pathArg = {
  path: Args.string({default: '.', description: 'directory where kedro runs (the project or below it)'}),
}

/** A help paragraph written over several source lines: line breaks become spaces, so oclif can wrap it. */
export function paragraph(strings: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw({raw: strings}, ...values).replaceAll(/\s*\n\s*/g, ' ').trim()
}

/** oclif's parse errors (CLIParseError is not exported) carry the parse they failed in. */
function isParseError(error: unknown): error is CLIError & {flags?: unknown} {
  return error instanceof CLIError && 'parse' in error
}
