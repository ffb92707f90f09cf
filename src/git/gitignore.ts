/**
 * Keeps `.telemetry` out of git: appends a `.telemetry` line to the project's `.gitignore` when git says the file is
 * not ignored (keeping the file's line endings, never duplicating the line), and untracks it on request.
 */
import {readFile, realpath} from 'node:fs/promises'
import path from 'node:path'
import type {SimpleGit} from 'simple-git'

import {writeFileAtomic} from '../fs/atomic-write.js'
import {type IgnoreRule, ignoreRulesOf} from './repository.js'

export type GitignorePlan =
  | {action: 'already-ignored'; rule: IgnoreRule | null}
  | {action: 'append'; file: string; text: string}
  | {action: 'listed-but-overridden'; file: string; rule: IgnoreRule | null}

const LISTED = /^\/?\.telemetry\s*$/

/** What to do so that `name` is ignored, given git's current verdict. Pure: reads nothing itself. */
export function planGitignore(options: {
  currentText: null | string
  file: string
  ignored: boolean
  name: string
  rule: IgnoreRule | null
}): GitignorePlan {
  const {currentText, file, ignored, name, rule} = options
  if (ignored) return {action: 'already-ignored', rule}
  const text = currentText ?? ''
  // Listed already, yet not ignored: a later rule (e.g. `!.telemetry`) wins. Appending would duplicate the line.
  if (text.split(/\r?\n/).some((line) => LISTED.test(line))) return {action: 'listed-but-overridden', file, rule}
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const separator = text === '' || text.endsWith('\n') ? '' : eol
  return {action: 'append', file, text: `${text}${separator}${name}${eol}`}
}

export async function readGitignore(projectRoot: string): Promise<{file: string; text: null | string}> {
  const file = path.join(projectRoot, '.gitignore')
  // A symlinked .gitignore is edited where it points, not replaced by a file.
  const target = await realpath(file).catch(() => file)
  return {file: target, text: await readFile(target, 'utf8').catch(() => null)}
}

export async function applyGitignore(plan: GitignorePlan): Promise<void> {
  if (plan.action === 'append') await writeFileAtomic(plan.file, plan.text)
}

/** git's verdict for one path, after a change. */
export async function ignoreRule(git: SimpleGit, file: string): Promise<IgnoreRule | null> {
  const [rule] = await ignoreRulesOf(git, [file])
  return rule
}

/**
 * Removes the file from the index only: it stays on disk (the user commits the removal). `update-index
 * --force-remove` rather than `rm --cached`, which hashes the working file first and so runs the repository's clean
 * filters; the hooks a changed index would trigger are switched off for every git invocation.
 */
export async function untrack(git: SimpleGit, file: string): Promise<void> {
  await git.raw(['update-index', '--force-remove', '--', file])
}
