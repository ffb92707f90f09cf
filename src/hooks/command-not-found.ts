/**
 * oclif's command_not_found hook: an unknown command ends like every other usage error, in one line and a hint with
 * the closest command, instead of @oclif/plugin-not-found's question, which waits for an answer on a terminal and
 * says nothing useful in a pipe. The exit code stays oclif's 127 (no such command), as the README documents.
 */
import type {Hook} from '@oclif/core'

import {InputError} from '../errors.js'
import {errorReport, errorText} from '../render/error.js'
import {unknownCommand} from '../usage-error.js'

const EXIT_NO_SUCH_COMMAND = 127

const hook: Hook<'command_not_found'> = async function (options) {
  const known = options.config.commands.filter((command) => !command.hidden).flatMap((command) => [command.id, ...command.aliases])
  const {hint, message} = unknownCommand(options.id, known)
  const error = new InputError(message, {code: 'UNKNOWN_COMMAND', hint})
  if (options.argv?.includes('--json')) process.stdout.write(`${JSON.stringify(errorReport(error), null, 2)}\n`)
  else process.stderr.write(`${errorText(error, process.stderr, process.env)}\n`)
  this.exit(EXIT_NO_SUCH_COMMAND)
}

export default hook
