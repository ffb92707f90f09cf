/**
 * The machine-wide opt-out: DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1 set in the user's shell startup files, so
 * every shell started afterwards (and every kedro run from one, in any project) declines. kedro-telemetry honours
 * either variable from 0.6.0 (see src/consent/rules.ts); DO_NOT_TRACK is the cross-tool convention
 * (consoledonottrack.com), KEDRO_DISABLE_TELEMETRY covers releases that read only it. A file that already sets both is
 * left alone, so running it twice changes nothing.
 */
import path from 'node:path'

import {entryKindSync, readTextSafeSync, realPathOr} from '../checkout/files.js'
import {OPT_OUT_VARIABLES} from '../ci/persist.js'
import {InputError} from '../errors.js'
import type {Write} from '../fs/transaction.js'

/** The same variables `opt-out --ci` sets for a CI job. */
const VARIABLES = Object.entries(OPT_OUT_VARIABLES)

type Syntax = 'fish' | 'posix'

/** A startup file: the path the shell reads, the syntax of an assignment in it, and who reads it. */
interface StartupFile {
  file: string
  readBy: string
  syntax: Syntax
}

/** A line of a startup file that sets one of the variables to a non-empty value (which declines). */
export interface OptOutLine {
  file: string
  /** 1-based. */
  line: number
  text: string
  variable: string
}

export interface MachineWideFile {
  action: 'append' | 'present'
  /** The path the shell reads. */
  file: string
  /** The lines appended; empty when the file sets both variables already. */
  lines: string[]
  /** Lines already there that set a variable. */
  present: OptOutLine[]
  readBy: string
  /** Where the lines are written: the file, or the file a symlinked one points to (dotfile managers link them). */
  target: string
}

interface MachineWidePlan {
  files: MachineWideFile[]
  writes: Write[]
}

const MARK = '# Added by `telemetry opt-out --global` (kedro-consent): kedro-telemetry sends nothing from this user\'s shells.'

function homeOf(env: NodeJS.ProcessEnv): string {
  const home = env.HOME
  if (!home || !path.isAbsolute(home)) {
    throw new InputError('HOME is not set to an absolute path, so the shell startup files cannot be found: nothing was changed', {code: 'NO_HOME', hint: 'set HOME, or export DO_NOT_TRACK=1 in your shell\'s startup file yourself'})
  }

  return home
}

function fishConfig(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config')
  return path.join(xdg, 'fish')
}

/** Every startup file a shell of this user may read, whether it exists or not (status looks in all of them). */
function knownStartupFiles(env: NodeJS.ProcessEnv): StartupFile[] {
  const home = homeOf(env)
  const zdot = env.ZDOTDIR && path.isAbsolute(env.ZDOTDIR) ? env.ZDOTDIR : home
  const fish = fishConfig(env, home)
  return [
    {file: path.join(home, '.bashrc'), readBy: 'bash (interactive shells)', syntax: 'posix'},
    {file: path.join(home, '.bash_profile'), readBy: 'bash (login shells)', syntax: 'posix'},
    {file: path.join(home, '.bash_login'), readBy: 'bash (login shells, without .bash_profile)', syntax: 'posix'},
    {file: path.join(home, '.profile'), readBy: 'sh, dash, ksh and bash login shells, and many desktop sessions', syntax: 'posix'},
    {file: path.join(zdot, '.zshenv'), readBy: 'zsh (every shell, scripts included)', syntax: 'posix'},
    {file: path.join(zdot, '.zshrc'), readBy: 'zsh (interactive shells)', syntax: 'posix'},
    {file: path.join(fish, 'conf.d', 'kedro-consent.fish'), readBy: 'fish (every shell)', syntax: 'fish'},
    {file: path.join(fish, 'config.fish'), readBy: 'fish (every shell)', syntax: 'fish'},
  ]
}

/**
 * The files `opt-out --global` writes: for bash (the login shell, or a ~/.bashrc that exists) ~/.bashrc and the login
 * file bash reads; for zsh ~/.zshenv (read by every zsh); for fish a conf.d file of our own; and ~/.profile always,
 * for sh-like login shells and the desktop sessions that read it.
 */
export function startupFilesToWrite(env: NodeJS.ProcessEnv): StartupFile[] {
  const known = new Map(knownStartupFiles(env).map((entry) => [path.basename(entry.file), entry]))
  const exists = (name: string) => entryKindSync(known.get(name)!.file, null) === 'file'
  const shell = path.basename(env.SHELL ?? '')
  const chosen: string[] = []
  if (shell === 'bash' || exists('.bashrc')) {
    chosen.push('.bashrc')
    const login = ['.bash_profile', '.bash_login'].find((name) => exists(name))
    if (login) chosen.push(login)
  }

  if (shell === 'zsh' || exists('.zshrc') || exists('.zshenv')) chosen.push('.zshenv')
  if (shell === 'fish' || entryKindSync(fishConfig(env, homeOf(env)), null) === 'directory') chosen.push('kedro-consent.fish')
  chosen.push('.profile')
  return chosen.map((name) => known.get(name)!)
}

const POSIX_ASSIGNMENT = /^\s*(?:export\s+)?(DO_NOT_TRACK|KEDRO_DISABLE_TELEMETRY)=(\S*)/
const FISH_ASSIGNMENT = /^\s*set\s+((?:-\S+\s+)+)(DO_NOT_TRACK|KEDRO_DISABLE_TELEMETRY)\s+(\S+)/

/** The lines that set a variable to a non-empty value (`X=`, `X=""` and `X=''` set it empty, which does not decline). */
export function optOutLines(text: string, syntax: Syntax, file: string): OptOutLine[] {
  const found: OptOutLine[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    let variable: string | undefined
    let value = ''
    if (syntax === 'posix') {
      const match = POSIX_ASSIGNMENT.exec(line)
      if (match) [, variable, value] = match
    } else {
      const match = FISH_ASSIGNMENT.exec(line)
      // Only an exported variable reaches kedro: -x, -gx, --export.
      if (match && /(?:^|\s)(?:-[a-wyzA-Z]*x[a-zA-Z]*|--export)(?:\s|$)/.test(match[1])) [, , variable, value] = match
    }

    if (variable && !['', '""', "''"].includes(value.replace(/;$/, ''))) found.push({file, line: index + 1, text: line.trim(), variable})
  })
  return found
}

function readStartupFile(file: string): null | string {
  const read = readTextSafeSync(file, {within: null})
  if (read.ok) return read.text
  if (read.kind === 'missing') return null
  throw new InputError(`${file}: ${read.reason}: nothing was changed`, {code: 'UNREADABLE', hint: 'fix or move that file, or set DO_NOT_TRACK=1 in your shell\'s startup file yourself'})
}

/** What the startup files say now, for status: every line that sets a variable, in every file a shell may read. */
export function machineWideOptOutLines(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): OptOutLine[] {
  if (platform === 'win32' || !env.HOME || !path.isAbsolute(env.HOME)) return []
  return knownStartupFiles(env).flatMap(({file, syntax}) => {
    const read = readTextSafeSync(file, {within: null})
    return read.ok ? optOutLines(read.text, syntax, file) : []
  })
}

/** The lines to append to each startup file, and the writes that do it (appends: the file keeps its inode and mode). */
export function planMachineWideOptOut(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): MachineWidePlan {
  if (platform === 'win32') {
    throw new InputError('opt-out --global writes shell startup files (bash, zsh, fish, sh), which Windows does not use: nothing was changed', {
      code: 'UNSUPPORTED_PLATFORM', hint: 'set it for your Windows user instead: setx DO_NOT_TRACK 1 (new terminals then have it)',
    })
  }

  const targets = new Set<string>()
  const planned = startupFilesToWrite(env).map(({file, readBy, syntax}) => {
    // Read where it is written: a symlinked file's target (the text is the same as through the link).
    const target = realPathOr(file)
    const text = readStartupFile(target)
    const present = text === null ? [] : optOutLines(text, syntax, file)
    // Two names for one file (~/.profile linked to ~/.bashrc) get the block once.
    const missing = targets.has(target) ? [] : VARIABLES.filter(([variable]) => !present.some((line) => line.variable === variable))
    targets.add(target)
    const assignments = missing.map(([variable, value]) => (syntax === 'fish' ? `set -gx ${variable} ${value}` : `export ${variable}=${value}`))
    const lines = missing.length === 0 ? [] : [MARK, ...assignments]
    const entry: MachineWideFile = {action: missing.length === 0 ? 'present' : 'append', file, lines, present, readBy, target}
    return {entry, text: text ?? ''}
  })
  const files = planned.map(({entry}) => entry)
  const writes = planned.filter(({entry}) => entry.action === 'append').map(({entry, text}): Write => {
    // A blank line before the block in a file that has content, and never glued to an unterminated last line.
    const separator = text === '' ? '' : (text.endsWith('\n') ? '\n' : '\n\n')
    return {content: `${separator}${entry.lines.join('\n')}\n`, file: entry.target, kind: 'append'}
  })
  return {files, writes}
}
