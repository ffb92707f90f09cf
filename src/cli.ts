/**
 * The CLI entry point. The build bundles this file (oclif core, the commands and their dependencies) into one module,
 * dist/cli.js, because resolving and loading hundreds of small files is most of a command's start-up time.
 */
import {execute} from '@oclif/core/execute'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import Audit from './commands/audit.js'
import Capture from './commands/capture.js'
import Enforce from './commands/enforce.js'
import Guard from './commands/guard.js'
import History from './commands/history.js'
import NoticeCommand from './commands/notice.js'
import OptIn from './commands/opt-in.js'
import OptOut from './commands/opt-out.js'
import Revoke from './commands/revoke.js'
import Preview from './commands/preview.js'
import Status from './commands/status.js'

import {delimitPreviewArgv as delimit} from './commands/preview-argv.js'

/** Marks off the kedro arguments of `telemetry preview ...` (see commands/preview-argv.ts). */
export function delimitPreviewArgv(argv: string[]): string[] {
  return delimit(argv, {capture: Capture.flags, preview: Preview.flags})
}

/** oclif's explicit command discovery: command id -> class. */
export const COMMANDS = {
  audit: Audit,
  capture: Capture,
  enforce: Enforce,
  guard: Guard,
  history: History,
  notice: NoticeCommand,
  'opt-in': OptIn,
  'opt-out': OptOut,
  preview: Preview,
  revoke: Revoke,
  status: Status,
}

/**
 * The package.json oclif should load for `argv`. The plugins (help, not-found, autocomplete) only add the `help` and
 * `autocomplete` commands and the "did you mean" of an unknown command, so when argv starts with one of our own
 * commands they are left out of the configuration instead of being looked up and loaded on every run.
 */
export function packageJsonFor<T extends {oclif: {plugins?: string[]}}>(argv: string[], packageJson: T): T {
  const ours = Object.hasOwn(COMMANDS, argv[0] ?? '') || Object.values(COMMANDS).some((command) => (command as {aliases?: string[]}).aliases?.includes(argv[0] ?? ''))
  return ours ? {...packageJson, oclif: {...packageJson.oclif, plugins: []}} : packageJson
}

/**
 * Runs the CLI installed at `root` (the package folder) with the command line `argv`. `commandsTarget` loads the
 * command classes from another module than package.json names (the tests' sources, the coverage build).
 */
export async function main(argv: string[], root: string, commandsTarget?: string): Promise<unknown> {
  const args = delimitPreviewArgv(argv)
  // The package's own package.json: oclif reads the rest of it; here only its plugin list matters.
  const packageJson = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    name: string; oclif: {commands: {identifier: string; strategy: 'explicit'; target: string}; plugins?: string[]}; version: string
  }
  const pjson = commandsTarget
    ? {...packageJson, oclif: {...packageJson.oclif, commands: {...packageJson.oclif.commands, target: commandsTarget}}}
    : packageJson
  return execute({args, loadOptions: {pjson: packageJsonFor(args, pjson), root}})
}
