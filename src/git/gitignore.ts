/**
 * Keeps `.telemetry` out of git: appends a `.telemetry` line to the project's `.gitignore` when git says the file is
 * not ignored (keeping the file's bytes and line endings, never duplicating the line), and untracks it on request.
 */
import path from 'node:path'
import type {SimpleGit} from 'simple-git'

import {lstatOrNullSync, readFileSafeSync} from '../checkout/files.js'
import {InputError} from '../errors.js'
import type {Step} from '../fs/transaction.js'
import {type IgnoreRule, ignoreRulesOf} from './repository.js'

export type GitignorePlan =
  | {action: 'already-ignored'; rule: IgnoreRule | null}
  | {action: 'append'; bytes: Buffer; file: string}
  | {action: 'listed-but-overridden'; file: string; rule: IgnoreRule | null}

const LISTED = /^\/?\.telemetry\s*$/

/** What to do so that `name` is ignored, given git's current verdict. Pure: reads nothing itself. */
export function planGitignore(options: {
  current: Buffer | null
  file: string
  ignored: boolean
  name: string
  rule: IgnoreRule | null
}): GitignorePlan {
  const {current, file, ignored, name, rule} = options
  if (ignored) return {action: 'already-ignored', rule}
  const bytes = current ?? Buffer.alloc(0)
  // Matching on a lenient decoding; the bytes themselves are kept as they are.
  const text = bytes.toString('utf8')
  // Listed already, yet not ignored: a later rule (e.g. `!.telemetry`) wins. Appending would duplicate the line.
  if (text.split(/\r?\n/).some((line) => LISTED.test(line))) return {action: 'listed-but-overridden', file, rule}
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const separator = text === '' || text.endsWith('\n') ? '' : eol
  return {action: 'append', bytes: Buffer.concat([bytes, Buffer.from(`${separator}${name}${eol}`)]), file}
}

/**
 * The project's .gitignore as bytes (null when there is none). One that is a symlink, a folder, a FIFO or too large
 * is refused: the guard would have to write through it or could not read it.
 */
export function readGitignore(projectRoot: string): {bytes: Buffer | null; file: string} {
  const file = path.join(projectRoot, '.gitignore')
  const hint = 'make it a plain file, or pass --no-gitignore and keep .telemetry out of git yourself'
  const info = lstatOrNullSync(file)
  if (info?.isSymbolicLink()) throw new InputError(`${file} is a symbolic link: not written through: nothing was changed`, {code: 'SYMLINK', hint})
  if (!info) return {bytes: null, file}
  const read = readFileSafeSync(file, {within: projectRoot})
  if (!read.ok) throw new InputError(`${read.reason}: nothing was changed`, {code: 'NOT_A_FILE', hint})
  return {bytes: read.bytes, file}
}

/** git's verdict for one path, after a change. */
export async function ignoreRule(git: SimpleGit, file: string): Promise<IgnoreRule | null> {
  const [rule] = await ignoreRulesOf(git, [file])
  return rule
}

/**
 * Removes the file from the index only, as a step that can be undone: it stays on disk (the user commits the
 * removal). `update-index --force-remove` rather than `rm --cached`, which hashes the working file first and so runs
 * the repository's clean filters; the hooks a changed index would trigger are switched off for every git invocation.
 */
export async function untrackStep(git: SimpleGit, file: string): Promise<Step> {
  // `<mode> <object> <stage>\t<path>`: what puts the entry back if a later write fails.
  const entry = /^(\d+) ([\da-f]+) 0\t/.exec(await git.raw(['ls-files', '-s', '--', file]))
  return {
    run: async () => {
      await git.raw(['update-index', '--force-remove', '--', file])
    },
    undo: async () => {
      if (entry) await git.raw(['update-index', '--add', '--cacheinfo', `${entry[1]},${entry[2]},${file}`]).catch(() => {})
    },
  }
}
