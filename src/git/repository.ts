/**
 * Git facts about one file of a project, from the real `git` through simple-git: is it ignored (and by which rule),
 * tracked, and ever committed. "No git" and "not a repository" are answers, not crashes.
 */
import {simpleGit, type SimpleGit} from 'simple-git'

export interface IgnoreRule {
  line: number
  /** The pattern as written; a `!` pattern matched means the file is explicitly NOT ignored. */
  pattern: string
  /** The file holding the rule: relative to the repository root, or absolute (a global excludes file). */
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

/** How many commits to list as evidence (newest first); `everCommitted` counts all of them. */
const MAX_LISTED_COMMITS = 20

/**
 * What git may see of the environment: enough to find itself and the user's global ignore rules (HOME,
 * XDG_CONFIG_HOME, GIT_CONFIG_*), nothing that redirects it to another repository (GIT_DIR, GIT_WORK_TREE) or that
 * simple-git refuses (EDITOR, pagers).
 */
const GIT_ENV_ALLOWED = ['PATH', 'HOME', 'XDG_CONFIG_HOME', 'USERPROFILE', 'SYSTEMROOT', 'TMPDIR', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_SYSTEM']

function gitEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const allowed = Object.fromEntries(GIT_ENV_ALLOWED.filter((name) => env[name] !== undefined).map((name) => [name, env[name] as string]))
  return {...allowed, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C'}
}

function createGit(directory: string, env: NodeJS.ProcessEnv): SimpleGit {
  // GIT_CONFIG_GLOBAL/SYSTEM come from the user's own environment and decide which global ignore rules apply; the
  // commands run here are fixed and read-only, so simple-git's guard against injected config paths is lifted.
  // completion: resolve on `close` only; the default also starts a 50 ms timer on every `exit`, which keeps the
  // process alive after the work is done.
  // core.fsmonitor=false: a repository's own config could name a program that git runs when it reads the index
  // (ls-files); these queries never need one, and the repository may not be trusted. simple-git refuses any
  // fsmonitor setting unless allowed; this one only switches it off.
  return simpleGit({
    baseDir: directory, completion: {onClose: true, onExit: false}, config: ['core.fsmonitor=false'], trimmed: true,
    unsafe: {allowUnsafeConfigPaths: true, allowUnsafeFsMonitor: true},
  }).env(gitEnvironment(env))
}

function contextFromRevParse(git: SimpleGit, outcome: PromiseSettledResult<string>): GitContext {
  if (outcome.status === 'fulfilled') return {available: true, error: null, git, repository: true, root: outcome.value}
  const message = (outcome.reason as Error).message
  if (/ENOENT/.test(message)) return {available: false, error: 'git is not installed (no `git` on PATH)', repository: false, root: null}
  if (/not a git repository/i.test(message)) return {available: true, error: null, repository: false, root: null}
  return {available: true, error: message.trim().split('\n')[0], repository: false, root: null}
}

export async function openRepository(directory: string, env: NodeJS.ProcessEnv = process.env): Promise<GitContext> {
  const git = createGit(directory, env)
  const [outcome] = await Promise.allSettled([git.revparse(['--show-toplevel'])])
  return contextFromRevParse(git, outcome)
}

export interface RepositoryInspection {
  context: GitContext
  /** Facts about the file, or null outside a repository or when git failed. */
  facts: GitFileFacts | null
  /** Why the facts are missing in a repository (a git error), else null. */
  factsError: null | string
  /** Content of `headFile` at HEAD, or null. */
  headContent: null | string
}

/**
 * Everything about one repository in a single round of concurrent git processes: whether it is one, the facts
 * about `file`, and `headFile` at HEAD. Outside a repository the other answers are dropped.
 */
export async function inspectRepository(
  directory: string,
  env: NodeJS.ProcessEnv,
  options: {file: string; headFile?: string},
): Promise<RepositoryInspection> {
  const git = createGit(directory, env)
  const [revParse, facts, head] = await Promise.allSettled([
    git.revparse(['--show-toplevel']),
    inspectFile(git, options.file),
    options.headFile ? contentAtHead(git, options.headFile) : Promise.resolve(null),
  ])
  const context = contextFromRevParse(git, revParse)
  if (!context.repository) return {context, facts: null, factsError: null, headContent: null}
  return {
    context,
    facts: facts.status === 'fulfilled' ? facts.value : null,
    factsError: facts.status === 'rejected' ? (facts.reason as Error).message.trim().split('\n')[0] : null,
    headContent: head.status === 'fulfilled' ? head.value : null,
  }
}

/** Parses `git check-ignore -v [-n]` output; a non-matching line (`::<TAB>path`) is no rule. */
export function parseCheckIgnore(output: string): IgnoreRule | null {
  const line = output.split('\n').find(Boolean)
  if (!line) return null
  const [rule] = line.split('\t')
  const match = /^(.+?):(\d+):(.*)$/.exec(rule)
  return match ? {line: Number(match[2]), pattern: match[3], source: match[1]} : null
}

/**
 * Facts about `file` (relative to the repository context's working directory). Every query is phrased so that git
 * prints something (simple-git waits an extra 50 ms after a silent process).
 */
export async function inspectFile(git: SimpleGit, file: string): Promise<GitFileFacts> {
  const [ignoreOutput, tracked, count] = await Promise.all([
    // --no-index reports the rule even for a tracked file; -n prints a line (with empty fields) when none matches.
    git.raw(['check-ignore', '-v', '-n', '--no-index', '--', file]),
    git.raw(['ls-files', '--error-unmatch', '--', file]).then(() => true, () => false),
    git.raw(['rev-list', '--all', '--count', '--', file]),
  ])
  const ignoredBy = parseCheckIgnore(ignoreOutput)
  const commits = Number(count) > 0 ? await listCommits(git, file) : []
  return {
    commits,
    everCommitted: Number(count) > 0,
    ignored: ignoredBy !== null && !ignoredBy.pattern.startsWith('!'),
    ignoredBy,
    tracked,
  }
}

async function listCommits(git: SimpleGit, file: string): Promise<CommitRef[]> {
  const log = await git.raw(['log', '--all', `--max-count=${MAX_LISTED_COMMITS}`, '--format=%H%x09%cI%x09%s', '--', file])
  return log.split('\n').filter(Boolean).map((line) => {
    const [hash, date, ...subject] = line.split('\t')
    return {date, hash, subject: subject.join('\t')}
  })
}

/** The file's content at HEAD, or null when HEAD has no such file (or no commits). */
export async function contentAtHead(git: SimpleGit, file: string): Promise<null | string> {
  try {
    return await git.show([`HEAD:./${file}`])
  } catch {
    return null
  }
}
