/**
 * The CLI entry point. The build bundles this file (oclif core, the commands and their dependencies) into one module,
 * dist/cli.js, because resolving and loading hundreds of small files is most of a command's start-up time.
 */
import Status from './commands/status.js'

export {execute} from '@oclif/core/execute'

/** oclif's explicit command discovery: command id -> class. */
export const COMMANDS = {
  status: Status,
}
