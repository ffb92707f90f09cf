/**
 * The one base for every command: `--json`, colour and TTY handling, and the mapping of errors to exit codes
 * (0 ok, 1 a check failed, 2 usage or input error).
 */
import {Command, Errors} from '@oclif/core'

import {EXIT_USAGE, InputError} from './errors.js'
import {type Style, terminalStyle} from './render/style.js'

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  /** How stdout looks: colour and tables only on a TTY without NO_COLOR. */
  protected get style(): Style {
    return terminalStyle(process.stdout, process.env)
  }

  async catch(error: Error & {oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof InputError) {
      if (this.jsonEnabled()) {
        this.logJson({error: {code: error.code, hint: error.hint ?? null, message: error.message}})
      } else {
        this.logToStderr(`Error: ${error.message}`)
        if (error.hint) this.logToStderr(`Hint: ${error.hint}`)
      }

      process.exitCode = EXIT_USAGE
      return
    }

    // @oclif/core 4 exits 1 for `--json` errors whatever exit the error asks for (oclif/core#1423).
    if (this.jsonEnabled() && error.oclif?.exit !== undefined) process.exitCode = error.oclif.exit
    if (error instanceof Errors.CLIError && error.oclif?.exit === undefined) process.exitCode = EXIT_USAGE
    return super.catch(error)
  }

}
