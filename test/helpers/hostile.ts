/**
 * A sandbox for attacks: a project (the hostile checkout), a HOME with files an attacker would love to overwrite, a
 * folder of "elsewhere" files, and canary programs that leave a marker when anything runs them. Every CLI run gets a
 * watchdog (a hang detector, not a speed test) and a memory cap, and the network guard.
 */
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {BIN, type CliResult, cleanEnv, tempDir} from './sandbox.js'

export interface HostileSandbox {
  /** Files of the user's that no command may change: ~/.bashrc and a secret elsewhere. */
  elsewhere: string
  home: string
  /** Where canaries leave their markers. */
  markers: string
  project: string
  root: string
}

export function hostileSandbox(): HostileSandbox {
  const root = tempDir('kc-hostile-')
  const sandbox = {
    elsewhere: path.join(root, 'elsewhere'), home: path.join(root, 'home'), markers: path.join(root, 'markers'),
    project: path.join(root, 'project'), root,
  }
  for (const directory of [sandbox.elsewhere, sandbox.home, sandbox.markers, sandbox.project]) mkdirSync(directory, {recursive: true})
  writeFileSync(path.join(sandbox.home, '.bashrc'), '# the user\'s own shell start-up\nexport PATH="$HOME/bin:$PATH"\n')
  writeFileSync(path.join(sandbox.elsewhere, 'secret.txt'), 'not for the checkout\n')
  return sandbox
}

/**
 * A program that, when run, leaves a marker named `name` (with the environment it saw) and fails. Its path is
 * returned, for an attack to point at.
 */
export function canary(sandbox: HostileSandbox, name: string, at = path.join(sandbox.root, 'canaries', name)): string {
  mkdirSync(path.dirname(at), {recursive: true})
  writeFileSync(at, `#!/bin/sh\nenv > '${path.join(sandbox.markers, name)}'\nexit 1\n`)
  chmodSync(at, 0o755)
  return at
}

/** The canaries that ran. */
export function markers(sandbox: HostileSandbox): string[] {
  return readdirSync(sandbox.markers).sort()
}

/** Every file and link below `directory` (but those below `skip` and the tool's own cache) with a digest of its content or target. */
export function fingerprint(directory: string, skip: string[] = []): Record<string, string> {
  const prints: Record<string, string> = {}
  const walk = (current: string) => {
    if (skip.some((skipped) => current === skipped || current.startsWith(`${skipped}${path.sep}`))) return
    // The tool's own cache in the user's cache folder (compiled code, interpreter answers): any command may write it,
    // at a place the environment names, never the checkout.
    if (current.endsWith(`${path.sep}.cache${path.sep}kedro-consent`)) return
    const info = lstatSync(current)
    if (info.isSymbolicLink()) prints[current] = `link ${readlinkSync(current)}`
    else if (info.isDirectory()) for (const entry of readdirSync(current)) walk(path.join(current, entry))
    else if (info.isFile()) prints[current] = `${info.mode.toString(8)} ${createHash('sha256').update(readFileSync(current)).digest('hex')}`
    else prints[current] = `special ${info.mode.toString(8)}`
  }

  if (existsSync(directory)) walk(directory)
  return prints
}

/** Generous: a hang detector. Every command here normally ends in well under a second. */
export const WATCHDOG_MS = 30_000
/** A command that needs more memory than this to read a checkout is a bug. */
export const MEMORY_CAP_MB = 256

export interface WatchedRun extends CliResult {
  /** The watchdog stopped it. */
  hung: boolean
}

/** Runs the CLI under the watchdog and the memory cap, with HOME in the sandbox and the given environment. */
export function runWatched(
  sandbox: HostileSandbox, args: string[], options: {cwd?: string; env?: Record<string, string | undefined>; input?: string} = {},
): WatchedRun {
  const env = cleanEnv({HOME: sandbox.home, XDG_CONFIG_HOME: undefined, XDG_DATA_HOME: undefined, ...options.env})
  env.NODE_OPTIONS = `${env.NODE_OPTIONS} --max-old-space-size=${MEMORY_CAP_MB}`
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? sandbox.project, encoding: 'utf8', env, input: options.input ?? '', killSignal: 'SIGKILL', timeout: WATCHDOG_MS,
  })
  return {code: result.status, hung: result.signal === 'SIGKILL', stderr: result.stderr, stdout: result.stdout}
}
