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
import {type AccessCheck, checkWrite, commitWrites, type Write} from '../fs/transaction.js'
import {scanStartupFile, type UnclearLine} from './shell-startup.js'

/** The same variables `opt-out --ci` sets for a CI job. */
const VARIABLES = Object.entries(OPT_OUT_VARIABLES)

type Syntax = 'fish' | 'posix'

/** What the startup files say: the lines that leave a variable exported, and those this tool cannot follow. */
export interface MachineWideReading {
  lines: OptOutLine[]
  unclear: UnclearOptOutLine[]
}

/** A line of a startup file that names a variable where this tool cannot tell what the shell does with it. */
export interface UnclearOptOutLine extends UnclearLine {
  file: string
}

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

const VARIABLE_NAMES = VARIABLES.map(([variable]) => variable)

/** The lines that leave a variable exported with a non-empty value (which declines), as a shell runs the file. */
export function optOutLines(text: string, syntax: Syntax, file: string): OptOutLine[] {
  return scanStartupFile(text, syntax, VARIABLE_NAMES).exported.map((line) => ({file, ...line}))
}

function readStartupFile(file: string): null | string {
  const read = readTextSafeSync(file, {within: null})
  if (read.ok) return read.text
  if (read.kind === 'missing') return null
  throw new InputError(`${file}: ${read.reason}: nothing was changed`, {code: 'UNREADABLE', hint: 'fix or move that file, or set DO_NOT_TRACK=1 in your shell\'s startup file yourself'})
}

/**
 * What the startup files say now, for status: in every file a shell may read, the lines that leave a variable
 * exported (`lines`), and those that name one where this tool cannot tell what the shell does (`unclear`).
 */
export function machineWideOptOut(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): MachineWideReading {
  if (platform === 'win32' || !env.HOME || !path.isAbsolute(env.HOME)) return {lines: [], unclear: []}
  const scans = knownStartupFiles(env).flatMap(({file, syntax}) => {
    const read = readTextSafeSync(file, {within: null})
    return read.ok ? [{file, scan: scanStartupFile(read.text, syntax, VARIABLE_NAMES)}] : []
  })
  return {
    lines: scans.flatMap(({file, scan}) => scan.exported.map((line) => ({file, ...line}))),
    unclear: scans.flatMap(({file, scan}) => scan.unclear.map((line) => ({file, ...line}))),
  }
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
    const scan = text === null ? null : scanStartupFile(text, syntax, VARIABLE_NAMES)
    const present = scan ? scan.exported.map((line) => ({file, ...line})) : []
    // Two names for one file (~/.profile linked to ~/.bashrc) get the block once.
    const missing = targets.has(target) ? [] : VARIABLES.filter(([variable]) => !present.some((line) => line.variable === variable))
    targets.add(target)
    const assignments = missing.map(([variable, value]) => (syntax === 'fish' ? `set -gx ${variable} ${value}` : `export ${variable}=${value}`))
    const lines = missing.length === 0 ? [] : [MARK, ...assignments]
    if (lines.length > 0 && scan?.endProblem) {
      throw new InputError(`${file}: lines added at its end would never run: ${scan.endProblem}: nothing was changed`, {
        code: 'STARTUP_FILE_ENDS_EARLY', hint: `add \`${assignments[0]}\` where that file always runs, or fix it, and try again`,
      })
    }

    const entry: MachineWideFile = {action: missing.length === 0 ? 'present' : 'append', file, lines, present, readBy, target}
    return {entry, text: text ?? ''}
  })
  const files = planned.map(({entry}) => entry)
  const writes = planned.filter(({entry}) => entry.action === 'append').map(({entry, text}): Write => {
    // One newline before the block in a file that has content: a blank line, or the end of an unterminated last line.
    // Exactly one, so that --undo knows what to take away with the block.
    const separator = text === '' ? '' : '\n'
    return {content: `${separator}${entry.lines.join('\n')}\n`, file: entry.target, kind: 'append'}
  })
  return {files, writes}
}

/** A startup file as `opt-out --global --undo` leaves it: the block removed, none there, or one changed by hand. */
export interface MachineWideUndoFile {
  action: 'changed' | 'none' | 'removed'
  file: string
  /** The lines taken away (the mark and the assignments), or those found after a mark that no longer match. */
  lines: string[]
  target: string
}

export interface MachineWideUndoPlan {
  files: MachineWideUndoFile[]
  writes: Write[]
}

/** The assignment lines `opt-out --global` writes in a file of this syntax. */
function assignmentLines(syntax: Syntax): string[] {
  return VARIABLES.map(([variable, value]) => (syntax === 'fish' ? `set -gx ${variable} ${value}` : `export ${variable}=${value}`))
}

/**
 * The blocks `opt-out --global` appended to a file: the mark line, then one or more of its assignment lines, each
 * ending in a newline. Each block's span includes the one newline written before it (none at the start of a file),
 * so that removing the spans gives back the file as it was.
 */
function addedBlocks(text: string, syntax: Syntax): {changed: string[]; spans: [number, number, string[]][]} {
  const ours = new Set(assignmentLines(syntax))
  const spans: [number, number, string[]][] = []
  const changed: string[] = []
  for (let at = text.indexOf(MARK); at !== -1; at = text.indexOf(MARK, at + 1)) {
    if (at > 0 && text[at - 1] !== '\n') continue
    let end = at + MARK.length
    const lines = [MARK]
    if (text[end] !== '\n') {
      changed.push(MARK)
      continue
    }

    end++
    for (;;) {
      const next = text.indexOf('\n', end)
      const line = next === -1 ? null : text.slice(end, next)
      if (line === null || !ours.has(line) || lines.includes(line)) break
      lines.push(line)
      end = next + 1
    }

    if (lines.length === 1) changed.push(MARK, text.slice(end, text.indexOf('\n', end) === -1 ? undefined : text.indexOf('\n', end)))
    else spans.push([at > 0 ? at - 1 : 0, end, lines])
  }

  return {changed, spans}
}

/** `opt-out --global --undo`: every block it added, in every startup file a shell may read, taken away exactly. */
export function planMachineWideUndo(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): MachineWideUndoPlan {
  if (platform === 'win32') return {files: [], writes: []}
  const seen = new Set<string>()
  const files: MachineWideUndoFile[] = []
  const writes: Write[] = []
  for (const {file, syntax} of knownStartupFiles(env)) {
    const target = realPathOr(file)
    if (seen.has(target)) continue
    seen.add(target)
    const text = readStartupFile(target)
    if (text === null) continue
    const {changed, spans} = addedBlocks(text, syntax)
    if (changed.length > 0) {
      files.push({action: 'changed', file, lines: changed, target})
    } else if (spans.length === 0) {
      files.push({action: 'none', file, lines: [], target})
    } else {
      let kept = ''
      let from = 0
      for (const [start, end] of spans) {
        kept += text.slice(from, start)
        from = end
      }

      kept += text.slice(from)
      files.push({action: 'removed', file, lines: spans.flatMap(([, , lines]) => lines), target})
      writes.push({content: kept, file: target, kind: 'replace'})
    }
  }

  return {files, writes}
}

export interface MachineWideUndoResult {
  action: 'undo-global'
  /** Each startup file that exists: the block removed, none there, or a block changed by hand (left as it is). */
  files: MachineWideUndoFile[]
}

/** Removes the blocks, all files or none (a refusal changes nothing). */
export async function undoMachineWideOptOut(plan: MachineWideUndoPlan, access?: AccessCheck): Promise<MachineWideUndoResult> {
  for (const write of plan.writes) await checkWrite(write, access)
  await commitWrites(plan.writes, {access})
  return {action: 'undo-global', files: plan.files}
}
