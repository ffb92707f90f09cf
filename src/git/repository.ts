/**
 * Git facts about one file of a project, from the real `git` through simple-git: is it ignored (and by which rule),
 * tracked, and ever committed. "No git" and "not a repository" are answers, not crashes.
 */
import {lstat} from 'node:fs/promises'
import path from 'node:path'
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
    git.raw(['rev-list', ...HISTORY, '--count', '--', file]),
  ])
  const commits = Number(count) > 0 ? await listCommits(git, file) : []
  return factsOf(parseCheckIgnore(ignoreOutput), tracked, commits)
}

/**
 * The history searched for a file: every ref, and every commit that changed it, even on a branch whose change a
 * merge later discarded (its content is in the repository all the same). Merges themselves are left out: a file
 * enters history through an ordinary commit.
 */
const HISTORY = ['--all', '--full-history', '--no-merges']
const COMMIT_FORMAT = '--format=%H%x09%cI%x09%s'

function factsOf(ignoredBy: IgnoreRule | null, tracked: boolean, commits: CommitRef[]): GitFileFacts {
  return {commits, everCommitted: commits.length > 0, ignored: ignoredBy !== null && !ignoredBy.pattern.startsWith('!'), ignoredBy, tracked}
}

function commitRef(line: string): CommitRef {
  const [hash, date, ...subject] = line.split('\t')
  return {date, hash, subject: subject.join('\t')}
}

async function listCommits(git: SimpleGit, file: string): Promise<CommitRef[]> {
  const log = await git.raw(['log', ...HISTORY, `--max-count=${MAX_LISTED_COMMITS}`, COMMIT_FORMAT, '--', file])
  return log.split('\n').filter(Boolean).map((line) => commitRef(line))
}

/** Paths per git process in a batch: well within any command-line length limit. */
const BATCH_SIZE = 200

function inBatches<T>(items: T[]): T[][] {
  const batches: T[][] = []
  for (let i = 0; i < items.length; i += BATCH_SIZE) batches.push(items.slice(i, i + BATCH_SIZE))
  return batches
}

/** A path taken literally by git, whatever glob characters its folders' names hold. */
const literal = (file: string) => `:(literal)${file}`

/**
 * The nearest folder at or above `directory` that holds a `.git` (a repository's top level, a nested repository's or
 * a submodule's), or null.
 */
export async function nearestGitFolder(directory: string): Promise<null | string> {
  for (let current = directory; ; current = path.dirname(current)) {
    if (await lstat(path.join(current, '.git')).then(() => true, () => false)) return current
    if (path.dirname(current) === current) return null
  }
}

/** `git check-ignore -v -n` prints one line per path given, in order. */
async function ignoreRules(git: SimpleGit, files: string[]): Promise<(IgnoreRule | null)[]> {
  const rules: (IgnoreRule | null)[] = []
  for (const batch of inBatches(files)) {
    const lines = (await git.raw(['check-ignore', '-v', '-n', '--no-index', '--', ...batch])).split('\n').filter(Boolean)
    if (lines.length !== batch.length) throw new Error(`git check-ignore answered ${lines.length} of ${batch.length} paths`)
    rules.push(...lines.map((line) => parseCheckIgnore(line)))
  }

  return rules
}

async function trackedFiles(git: SimpleGit, files: string[]): Promise<Set<string>> {
  const tracked = new Set<string>()
  for (const batch of inBatches(files)) {
    for (const file of (await git.raw(['ls-files', '-z', '--', ...batch.map((item) => literal(item))])).split('\0')) if (file) tracked.add(file)
  }

  return tracked
}

/** The commits (newest first, at most MAX_LISTED_COMMITS) that changed each file, from one log per batch. */
async function commitsByFile(git: SimpleGit, files: string[]): Promise<Map<string, CommitRef[]>> {
  const commits = new Map<string, CommitRef[]>()
  for (const batch of inBatches(files)) {
    // -z: each commit's header line, then the changed files among those asked for, NUL-separated.
    const output = await git.raw(['log', ...HISTORY, `${COMMIT_FORMAT}%x00`, '--name-only', '-z', '--', ...batch.map((item) => literal(item))])
    let current: CommitRef | null = null
    for (const token of output.split('\0')) {
      const text = token.replace(/^\n/, '')
      if (/^[\da-f]{40,64}\t/.test(text)) {
        current = commitRef(text)
      } else if (text && current) {
        const list = commits.get(text) ?? []
        if (list.length < MAX_LISTED_COMMITS) list.push(current)
        commits.set(text, list)
      }
    }
  }

  return commits
}

/**
 * Each file's text at HEAD, from `git grep` of every line (a missing or empty file is absent); the few files grep
 * calls binary are read one by one.
 */
async function contentsAtHead(git: SimpleGit, files: string[]): Promise<Map<string, string>> {
  const lines = new Map<string, string[]>()
  const binary: string[] = []
  for (const batch of inBatches(files)) {
    const output = await git.raw(['grep', '-z', '-n', '-e', '', 'HEAD', '--', ...batch.map((item) => literal(item))]).catch(() => '')
    // Records are `HEAD:<path>\0<line number>\0<line>\n`.
    for (let at = 0; at < output.length;) {
      const pathEnd = output.indexOf('\0', at)
      const lineEnd = output.indexOf('\n', at)
      if (pathEnd === -1 || (lineEnd !== -1 && lineEnd < pathEnd)) {
        const line = output.slice(at, lineEnd === -1 ? output.length : lineEnd)
        const match = /^Binary file HEAD:(.*) matches$/.exec(line)
        if (match) binary.push(match[1])
        at = lineEnd === -1 ? output.length : lineEnd + 1
        continue
      }

      const numberEnd = output.indexOf('\0', pathEnd + 1)
      const end = output.indexOf('\n', numberEnd + 1)
      const file = output.slice(at, pathEnd).replace(/^HEAD:/, '')
      const list = lines.get(file) ?? []
      list.push(output.slice(numberEnd + 1, end === -1 ? output.length : end))
      lines.set(file, list)
      at = end === -1 ? output.length : end + 1
    }
  }

  const contents = new Map([...lines].map(([file, text]) => [file, text.join('\n')]))
  for (const file of binary) {
    const text = await contentAtHead(git, file)
    if (text !== null) contents.set(file, text)
  }

  return contents
}

/**
 * What `inspectRepository` answers, for each of many directories of the repository at `root` (an audit of a tree
 * of projects), from a few git processes in all instead of five per directory. Directories in another repository
 * (a nested one, a submodule) are left out of the answer, and so are all of them if git fails: ask them one by one.
 */
export async function inspectRepositoryBatch(
  root: string,
  directories: string[],
  env: NodeJS.ProcessEnv,
  options: {file: string; headFile?: string},
): Promise<Map<string, RepositoryInspection>> {
  const git = createGit(root, env)
  const members = (await Promise.all(directories.map(async (directory) => (await nearestGitFolder(directory) === root ? directory : null))))
    .filter((directory) => directory !== null)
  const relative = (directory: string, name: string) => path.posix.join(path.relative(root, directory).split(path.sep).join('/'), name)
  const files = members.map((directory) => relative(directory, options.file))
  try {
    const [rules, tracked, commits, heads] = await Promise.all([
      ignoreRules(git, files), trackedFiles(git, files), commitsByFile(git, files),
      options.headFile ? contentsAtHead(git, members.map((directory) => relative(directory, options.headFile!))) : Promise.resolve(new Map<string, string>()),
    ])
    const context: GitContext = {available: true, error: null, git, repository: true, root}
    return new Map(members.map((directory, index) => [directory, {
      context,
      facts: factsOf(rules[index], tracked.has(files[index]), commits.get(files[index]) ?? []),
      factsError: null,
      headContent: options.headFile ? heads.get(relative(directory, options.headFile)) ?? null : null,
    }]))
  } catch {
    return new Map()
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
