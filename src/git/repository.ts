/**
 * Git facts about one file of a project, from the real `git` through simple-git: is it ignored (and by which rule),
 * tracked, and ever committed. "No git" and "not a repository" are answers, not crashes.
 */
import {simpleGit, type SimpleGit} from 'simple-git'

export interface IgnoreRule {
  line: number
  /** The pattern as written; a `!` pattern matched means the file is explicitly NOT ignored. */
  pattern: string
  source: string
}

export interface CommitRef {
  date: string
  hash: string
  subject: string
}

export interface GitFileFacts {
  /** At least one commit in any ref touched the path (added, changed or deleted). */
  everCommitted: boolean
  commits: CommitRef[]
  ignored: boolean
  ignoredBy: IgnoreRule | null
  tracked: boolean
}

export type GitContext =
  | {available: false; error: string; repository: false; root: null}
  | {available: true; error: null | string; repository: false; root: null}
  | {available: true; error: null; git: SimpleGit; repository: true; root: string}

/** How many commits to list as evidence; `everCommitted` looks at all of them. */
const MAX_LISTED_COMMITS = 20

export async function openRepository(directory: string, env: NodeJS.ProcessEnv = process.env): Promise<GitContext> {
  const git = simpleGit({baseDir: directory, trimmed: true}).env({...env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C'})
  try {
    const root = await git.revparse(['--show-toplevel'])
    return {available: true, error: null, git, repository: true, root}
  } catch (error) {
    const message = (error as Error).message
    if (/ENOENT/.test(message)) return {available: false, error: 'git is not installed (no `git` on PATH)', repository: false, root: null}
    if (/not a git repository/i.test(message)) return {available: true, error: null, repository: false, root: null}
    return {available: true, error: message.trim().split('\n')[0], repository: false, root: null}
  }
}

export function parseCheckIgnore(output: string): IgnoreRule | null {
  const line = output.split('\n').find(Boolean)
  if (!line) return null
  const [rule] = line.split('\t')
  const match = /^(.*?):(\d+):(.*)$/.exec(rule)
  return match ? {line: Number(match[2]), pattern: match[3], source: match[1]} : null
}

/** Facts about `file` (relative to the repository context's working directory). */
export async function inspectFile(git: SimpleGit, file: string): Promise<GitFileFacts> {
  // --no-index reports the rule even for a tracked file, where git would otherwise say nothing.
  const ignoredBy = parseCheckIgnore(await git.raw(['check-ignore', '-v', '--no-index', '--', file]))
  const tracked = (await git.raw(['ls-files', '--', file])).length > 0
  const log = await git.raw(['log', '--all', '--format=%H%x09%cI%x09%s', '--', file])
  const commits = log.split('\n').filter(Boolean).map((line) => {
    const [hash, date, ...subject] = line.split('\t')
    return {date, hash, subject: subject.join('\t')}
  })
  return {
    commits: commits.slice(0, MAX_LISTED_COMMITS),
    everCommitted: commits.length > 0,
    ignored: ignoredBy !== null && !ignoredBy.pattern.startsWith('!'),
    ignoredBy,
    tracked,
  }
}

/** The file's content at HEAD, or null when HEAD has no such file (or no commits). */
export async function contentAtHead(git: SimpleGit, file: string): Promise<null | string> {
  try {
    return await git.show([`HEAD:./${file}`])
  } catch {
    return null
  }
}
