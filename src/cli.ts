/**
 * The CLI entry point. The build bundles this file (oclif core, the commands and their dependencies) into one module,
 * dist/cli.js, because resolving and loading hundreds of small files is most of a command's start-up time.
 */
import Audit from './commands/audit.js'
import History from './commands/history.js'
import NoticeCommand from './commands/notice.js'
import OptIn from './commands/opt-in.js'
import OptOut from './commands/opt-out.js'
import Revoke from './commands/revoke.js'
import Preview from './commands/preview.js'
import Status from './commands/status.js'

import {delimitPreviewArgv as delimit, type FlagShapes} from './commands/preview-argv.js'
export {execute} from '@oclif/core/execute'

/** Marks off the kedro arguments of `telemetry preview ...` (see commands/preview-argv.ts). */
export function delimitPreviewArgv(argv: string[]): string[] {
  return delimit(argv, Preview.flags as unknown as FlagShapes)
}

/** oclif's explicit command discovery: command id -> class. */
export const COMMANDS = {
  audit: Audit,
  history: History,
  notice: NoticeCommand,
  'opt-in': OptIn,
  'opt-out': OptOut,
  preview: Preview,
  revoke: Revoke,
  status: Status,
}
