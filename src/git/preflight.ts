/**
 * Git opens the text files of a repository with a plain open() and reads them whole: a FIFO named by `include.path`,
 * or as `.gitignore` or `info/exclude`, blocks it for ever, and a huge included file grows it by gigabytes (both seen
 * with git 2.39). Before git is asked anything, the files it would read as text for the questions asked here are
 * checked with the checkout's rules: each must be absent, or a regular file of a sane size. Anything else is a
 * refusal, with the file named, and git is not run.
 */
import {homedir} from 'node:os'
import path from 'node:path'

import {entryKindSync, readTextSafeSync} from '../checkout/files.js'

/** Larger git text files (config, ignore rules) are not handed to git; real ones are a few kilobytes. */
export const MAX_GIT_TEXT_BYTES = 1024 * 1024
/** Git follows at most 10 levels of include.path. */
const MAX_INCLUDE_DEPTH = 10

/** One text file git would read: absent is fine; anything else must be a regular file of a sane size. */
function textFileProblem(file: string): null | string {
  const read = readTextSafeSync(file, {maxBytes: MAX_GIT_TEXT_BYTES, within: null})
  return read.ok || read.kind === 'missing' ? null : read.reason.replace(path.basename(file), file)
}

/** Unquotes a git config value: double quotes, backslash escapes, and an inline comment outside quotes. */
function configValue(raw: string): string {
  let value = ''
  let quoted = false
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]
    if (char === '"') quoted = !quoted
    else if (char === '\\' && i + 1 < raw.length) value += {b: '\b', n: '\n', t: '\t'}[raw[++i]] ?? raw[i]
    else if (!quoted && (char === '#' || char === ';')) break
    else value += char
  }

  return value.trim()
}

/** The `path` values of `[include]` and `[includeIf "..."]` sections, in order. */
export function includePaths(text: string): string[] {
  const paths: string[] = []
  let inInclude = false
  // A line ending in a backslash continues on the next one.
  for (const line of text.replaceAll(/\\\r?\n/g, '').split(/\r?\n/)) {
    const section = /^\s*\[\s*([\w.-]+)(?:\s+"(?:[^"\\]|\\.)*")?\s*\]/.exec(line)
    if (section) inInclude = /^include(?:if)?$/i.test(section[1])
    const body = section ? line.slice(section[0].length) : line
    const entry = /^\s*([\w-]+)\s*=(.*)$/.exec(body)
    if (inInclude && entry && entry[1].toLowerCase() === 'path') paths.push(configValue(entry[2]))
  }

  return paths
}

function expandInclude(value: string, includingFile: string, env: NodeJS.ProcessEnv): string {
  if (value.startsWith('~/')) return path.join(env.HOME || homedir(), value.slice(2))
  return path.resolve(path.dirname(includingFile), value)
}

/** Why a config file or one it includes (at any depth) must not be handed to git, or null. */
function configProblem(file: string, env: NodeJS.ProcessEnv, depth = 0): null | string {
  if (depth > MAX_INCLUDE_DEPTH) return null
  const problem = textFileProblem(file)
  if (problem) return problem
  const read = readTextSafeSync(file, {maxBytes: MAX_GIT_TEXT_BYTES, within: null})
  if (!read.ok) return null
  for (const include of includePaths(read.text)) {
    if (!include) continue
    const problemInside = configProblem(expandInclude(include, file, env), env, depth + 1)
    if (problemInside) return `${file} includes ${include}: ${problemInside}`
  }

  return null
}

/** The git directory of a work tree root holding `.git` (a folder, or a file `gitdir: ...` for a worktree or submodule). */
function gitDirectoryOf(workTree: string): null | string {
  const dotGit = path.join(workTree, '.git')
  const kind = entryKindSync(dotGit, null)
  if (kind === 'directory') return dotGit
  if (kind !== 'file') return null
  const read = readTextSafeSync(dotGit, {maxBytes: 4096, within: null})
  const pointer = read.ok ? /^gitdir:\s*(.+?)\s*$/m.exec(read.text)?.[1] : undefined
  return pointer ? path.resolve(workTree, pointer) : null
}

/**
 * Why git must not be asked about `directories` in the repository whose top level is `workTree`, or null. Checked:
 * the repository's config (and a worktree's common config) with every file they include, info/exclude, and each
 * .gitignore from the top level down to each directory.
 */
export function gitPreflight(workTree: string, directories: string[], env: NodeJS.ProcessEnv): null | string {
  const dotGit = path.join(workTree, '.git')
  if (!['directory', 'file', 'missing'].includes(entryKindSync(dotGit, null))) return `${dotGit} is not a folder or a file`
  const gitDirectory = gitDirectoryOf(workTree)
  const checked = new Set<string>()
  const once = (file: string, check: (file: string) => null | string): null | string => {
    if (checked.has(file)) return null
    checked.add(file)
    return check(file)
  }

  const gitDirectories = gitDirectory ? [gitDirectory] : []
  const common = gitDirectory ? readTextSafeSync(path.join(gitDirectory, 'commondir'), {maxBytes: 4096, within: null}) : null
  if (common?.ok) gitDirectories.push(path.resolve(gitDirectory!, common.text.trim()))
  for (const directory of gitDirectories) {
    const problem = once(path.join(directory, 'config'), (file) => configProblem(file, env))
      ?? once(path.join(directory, 'info', 'exclude'), textFileProblem)
    if (problem) return problem
  }

  for (const directory of directories) {
    const relative = path.relative(workTree, directory)
    const parts = relative === '' ? [] : relative.split(path.sep)
    for (let depth = 0; depth <= parts.length; depth++) {
      const problem = once(path.join(workTree, ...parts.slice(0, depth), '.gitignore'), textFileProblem)
      if (problem) return problem
    }
  }

  return null
}
