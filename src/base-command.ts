/**
 * The one base for every command: `--json`, colour and TTY handling, and the mapping of errors to exit codes
 * (0 ok, 1 a check failed, 2 usage or input error).
 */
import {Command} from '@oclif/core/command'
import {CLIError} from '@oclif/core/errors'

import {EXIT_USAGE, InputError} from './errors.js'
import type {Style} from './render/style.js'

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  /**
   * Renders a result for people. The renderer (chalk, cli-table3) is loaded only here, so `--json` never pays for it;
   * colour and tables only on a TTY without NO_COLOR.
   */
  protected async render<T>(result: T, renderer: (result: T, style: Style) => string): Promise<void> {
    const {terminalStyle} = await import('./render/style.js')
    this.log(renderer(result, terminalStyle(process.stdout, process.env)))
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
    if (error instanceof CLIError && error.oclif?.exit === undefined) process.exitCode = EXIT_USAGE
    return super.catch(error)
  }

}
