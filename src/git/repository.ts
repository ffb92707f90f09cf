/**
 * Git facts about one file of a project, from the real `git` through simple-git: is it ignored (and by which rule),
 * tracked, and ever committed. "No git" and "not a repository" are answers, not crashes.
 */
import {randomBytes} from 'node:crypto'
import {lstat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {simpleGit, type SimpleGit} from 'simple-git'

import {entryKindSync} from '../checkout/files.js'
import {appendAll} from '../collections.js'
import {shellWord} from '../shell.js'
import {gitPreflight, MAX_GIT_TEXT_BYTES} from './preflight.js'

export interface IgnoreRule {
  line: number
  /** The pattern as written; a `!` pattern matched means the file is explicitly NOT ignored. */
  pattern: string
  /** The file holding the rule: relative to the repository root, or absolute (a global excludes file). */
  source: string
}

interface CommitRef {
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

/** Why git was not asked, or refused to answer, about a repository that is there: with what to do about it. */
export interface GitRefusal {
  kind: 'dubious-ownership' | 'no-answer' | 'unsafe-file'
  message: string
  remedy: string
}

export type GitContext =
  | {available: false; error: string; refusal: null; repository: false; root: null}
  | {available: true; error: null | string; refusal: GitRefusal | null; repository: false; root: null}
  | {available: true; error: null; git: SimpleGit; refusal: null; repository: true; root: string}

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

/** A hooks folder that does not exist: no hook can run, whatever any config says. */
const NO_HOOKS = path.join(tmpdir(), `kedro-consent-no-hooks-${randomBytes(8).toString('hex')}`)

/**
 * Set on every git invocation, over any config level (system, the user's, the repository's and what it includes):
 * nothing git could run for the commands used here (fsmonitor, hooks, a pager, signature checks through gpg), and
 * output as these parsers read it (paths unquoted, no colour, no columns, no renames followed, no mailmap).
 */
const GIT_OVERRIDES = [
  'core.fsmonitor=false', `core.hooksPath=${NO_HOOKS}`, 'core.pager=cat', 'core.quotePath=false', 'core.untrackedCache=false',
  'color.ui=never', 'grep.column=false', 'grep.fullName=false', 'log.follow=false', 'log.mailmap=false', 'log.showSignature=false',
  'submodule.recurse=false',
]

/** A git process silent for this long is killed (a FIFO or a huge file that slipped past the preflight). */
const GIT_WATCHDOG_MS = 30_000

/**
 * The one builder of git invocations. The overrides need simple-git's unsafe switches because they name those
 * settings: they only ever switch programs off. GIT_CONFIG_GLOBAL/SYSTEM come from the user's own environment.
 * completion: resolve on `close` only; the default also starts a 50 ms timer on every `exit`, which keeps the
 * process alive after the work is done.
 */
function createGit(directory: string, env: NodeJS.ProcessEnv): SimpleGit {
  return simpleGit({
    baseDir: directory, completion: {onClose: true, onExit: false}, config: GIT_OVERRIDES,
    // git exits 1 for "no match" (check-ignore, grep); a warning beside that (a symlinked .gitignore it will not
    // follow) is an answer, not a failure. An error or fatal line still is one (ls-files --error-unmatch).
    errors: (error, result) => (error && result.exitCode === 1 && !/^(?:error|fatal):/m.test(Buffer.concat(result.stdErr).toString('utf8')) ? undefined : error),
    timeout: {block: GIT_WATCHDOG_MS}, trimmed: false,
    unsafe: {allowUnsafeConfigPaths: true, allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true, allowUnsafePager: true},
  }).env(gitEnvironment(env))
}

function refused(refusal: GitRefusal): GitContext {
  return {available: true, error: refusal.message, refusal, repository: false, root: null}
}

/** What a failed git invocation says about the repository: dubious ownership and a silent git are answers too. */
function refusalOf(error: unknown): GitRefusal | null {
  const message = (error as Error).message ?? String(error)
  const dubious = /detected dubious ownership in repository at '(.*)'/.exec(message)
  if (dubious) {
    return {
      kind: 'dubious-ownership',
      message: `git refuses the repository at ${dubious[1]}: it is owned by another user (dubious ownership)`,
      remedy: `if you trust it, run \`git config --global --add safe.directory ${shellWord(dubious[1])}\` and try again`,
    }
  }

  if (/block timeout reached/.test(message)) {
    return {kind: 'no-answer', message: `git gave no answer within ${GIT_WATCHDOG_MS / 1000} s and was stopped`, remedy: 'look for a FIFO or a very large file in the repository\'s .git folder or ignore files'}
  }

  return null
}

function contextFromRevParse(git: SimpleGit, outcome: PromiseSettledResult<string>): GitContext {
  if (outcome.status === 'fulfilled') return {available: true, error: null, git, refusal: null, repository: true, root: outcome.value}
  const message = (outcome.reason as Error).message
  if (/ENOENT/.test(message)) return {available: false, error: 'git is not installed (no `git` on PATH)', refusal: null, repository: false, root: null}
  const refusal = refusalOf(outcome.reason)
  if (refusal) return refused(refusal)
  if (/not a git repository/i.test(message)) return {available: true, error: null, refusal: null, repository: false, root: null}
  return {available: true, error: message.trim().split('\n')[0], refusal: null, repository: false, root: null}
}

/**
 * The preflight for `directories` of the repository nearest to them (see preflight.ts), as a refused context, or
 * null when git may be asked.
 */
async function preflightContext(directories: string[], env: NodeJS.ProcessEnv): Promise<GitContext | null> {
  const workTree = directories.length > 0 ? await nearestGitFolder(directories[0]) : null
  if (!workTree) return null
  const problem = gitPreflight(workTree, directories, env)
  return problem === null
    ? null
    : refused({kind: 'unsafe-file', message: `git was not asked: ${problem}`, remedy: 'replace it with a regular file (git blocks on a FIFO and reads a huge file whole)'})
}

export async function openRepository(directory: string, env: NodeJS.ProcessEnv = process.env): Promise<GitContext> {
  const preflight = await preflightContext([directory], env)
  if (preflight) return preflight
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
  const preflight = await preflightContext([directory], env)
  if (preflight) return {context: preflight, facts: null, factsError: null, headContent: null}
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

const C_ESCAPES: Record<string, number> = {'"': 0x22, '\\': 0x5C, a: 0x07, b: 0x08, f: 0x0C, n: 0x0A, r: 0x0D, t: 0x09, v: 0x0B}

/**
 * A path as git prints it: with core.quotePath=false only a name holding a double quote, a backslash or a control
 * character is quoted, C-style, with octal escapes for the bytes of UTF-8. Returns the name and where it ends.
 */
function unquoteGitPath(text: string): {end: number; name: string} {
  if (!text.startsWith('"')) return {end: text.length, name: text}
  const bytes: number[] = []
  let i = 1
  for (; i < text.length && text[i] !== '"'; i++) {
    if (text[i] !== '\\') {
      bytes.push(...Buffer.from(text[i]))
    } else if (/[0-7]{3}/.test(text.slice(i + 1, i + 4))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8))
      i += 3
    } else {
      bytes.push(C_ESCAPES[text[i + 1]] ?? text.codePointAt(i + 1)!)
      i++
    }
  }

  return {end: i + 1, name: Buffer.from(bytes).toString('utf8')}
}

/**
 * Parses one line of `git check-ignore -v -n` output, `<source>:<line>:<pattern><TAB><path>`, or `::<TAB><path>`
 * when no rule matches. The path field is split off at the last tab (a quoted path has no raw tab); a source that
 * is not quoted may still hold a colon, so the split is the first `:<digits>:` after which `exists` holds.
 */
export function parseCheckIgnore(line: string, exists: (source: string) => boolean = () => true): IgnoreRule | null {
  const head = line.slice(0, Math.max(0, line.lastIndexOf('\t')))
  if (head === '' || head === '::') return null
  if (head.startsWith('"')) {
    const {end, name} = unquoteGitPath(head)
    const rest = /^:(\d+):(.*)$/s.exec(head.slice(end))
    return rest ? {line: Number(rest[1]), pattern: rest[2], source: name} : null
  }

  const splits = [...head.matchAll(/:(\d+):/g)]
  const split = splits.find((match) => exists(head.slice(0, match.index))) ?? splits[0]
  return split ? {line: Number(split[1]), pattern: head.slice(split.index + split[0].length), source: head.slice(0, split.index)} : null
}

/** `git check-ignore` for some paths: one rule (or none) per path, in order. */
export async function ignoreRulesOf(git: SimpleGit, files: string[]): Promise<(IgnoreRule | null)[]> {
  const lines = (await git.raw(['check-ignore', '-v', '-n', '--no-index', '--', ...files])).split('\n').filter(Boolean)
  if (lines.length !== files.length) throw new Error(`git check-ignore answered ${lines.length} of ${files.length} paths`)
  // Only a source whose name holds `:<digits>:` needs the file system to tell where it ends; it is relative to the
  // repository's top level, or absolute (a global excludes file).
  const ambiguous = lines.some((line) => !line.startsWith('"') && (line.match(/:\d+:/g)?.length ?? 0) > 1)
  const root = ambiguous ? await git.revparse(['--show-toplevel']) : ''
  return lines.map((line) => parseCheckIgnore(line, (source) => entryKindSync(path.resolve(root, source), null) === 'file'))
}

/**
 * Facts about `file` (relative to the repository context's working directory). Every query is phrased so that git
 * prints something (simple-git waits an extra 50 ms after a silent process).
 */
export async function inspectFile(git: SimpleGit, file: string): Promise<GitFileFacts> {
  const [[rule], tracked, count] = await Promise.all([
    // --no-index reports the rule even for a tracked file; -n prints (empty) fields when none matches.
    ignoreRulesOf(git, [file]),
    git.raw(['ls-files', '--error-unmatch', '--', file]).then(() => true, (error: unknown) => {
      if (refusalOf(error)) throw error
      return false
    }),
    git.raw(['rev-list', ...HISTORY, '--count', '--', file]),
  ])
  const commits = Number(count) > 0 ? await listCommits(git, file) : []
  return factsOf(rule, tracked, commits)
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

async function ignoreRules(git: SimpleGit, files: string[]): Promise<(IgnoreRule | null)[]> {
  const rules: (IgnoreRule | null)[] = []
  for (const batch of inBatches(files)) appendAll(rules, await ignoreRulesOf(git, batch))
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
  for (const all of inBatches(files)) {
    // Only files of a sane size at HEAD are read: `<mode> <type> <object> <size>\t<path>` per entry.
    const listing = await git.raw(['ls-tree', '-l', '-z', 'HEAD', '--', ...all.map((item) => literal(item))]).catch(() => '')
    const sized = new Set(listing.split('\0').flatMap((entry) => {
      const match = /^\d+ blob \w+ +(\d+)\t(.*)$/s.exec(entry)
      return match && Number(match[1]) <= MAX_GIT_TEXT_BYTES ? [match[2]] : []
    }))
    const batch = all.filter((file) => sized.has(file))
    if (batch.length === 0) continue
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
  const members = (await Promise.all(directories.map(async (directory) => (await nearestGitFolder(directory) === root ? directory : null))))
    .filter((directory) => directory !== null)
  // A repository the preflight refuses is answered for each project alone, where the refusal is reported.
  if (gitPreflight(root, members, env) !== null) return new Map()
  const git = createGit(root, env)
  const relative = (directory: string, name: string) => path.posix.join(path.relative(root, directory).split(path.sep).join('/'), name)
  const files = members.map((directory) => relative(directory, options.file))
  try {
    const [rules, tracked, commits, heads] = await Promise.all([
      ignoreRules(git, files), trackedFiles(git, files), commitsByFile(git, files),
      options.headFile ? contentsAtHead(git, members.map((directory) => relative(directory, options.headFile!))) : Promise.resolve(new Map<string, string>()),
    ])
    const context: GitContext = {available: true, error: null, git, refusal: null, repository: true, root}
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

/**
 * The files the next commit would add or change (the index against HEAD, or against nothing before the first commit),
 * as absolute paths. Deletions are left out: removing a file from the repository is never refused.
 */
export async function stagedFiles(context: Extract<GitContext, {repository: true}>, env: NodeJS.ProcessEnv): Promise<string[]> {
  // In a hook of `git commit -a` or `git commit PATHS`, git names the index being committed in GIT_INDEX_FILE.
  const index = env.GIT_INDEX_FILE ? {GIT_INDEX_FILE: path.resolve(env.GIT_INDEX_FILE)} : {}
  const git = createGit(context.root, env).env({...gitEnvironment(env), ...index})
  const output = await git.raw(['diff', '--cached', '--name-only', '--no-renames', '--diff-filter=ACMRT', '-z'])
  return output.split('\0').filter(Boolean).map((file) => path.join(context.root, file))
}

/** The file's content at HEAD, or null when HEAD has no such file (or no commits), or it is over the size limit. */
export async function contentAtHead(git: SimpleGit, file: string): Promise<null | string> {
  try {
    // cat-file, not show: it never runs a textconv filter, and its size is known before the content is read.
    if (Number(await git.raw(['cat-file', '-s', `HEAD:./${file}`])) > MAX_GIT_TEXT_BYTES) return null
    return await git.raw(['cat-file', 'blob', `HEAD:./${file}`])
  } catch {
    return null
  }
}

/**
 * The git facts of many projects, a few git processes per repository: projects are grouped by the repository that
 * holds them (a folder of many repositories too), each group's top level confirmed by git itself.
 */
export async function gitFactsOfTree(
  roots: string[], env: NodeJS.ProcessEnv, questions: {file: string; headFile?: string},
): Promise<Map<string, RepositoryInspection>> {
  const groups = new Map<string, string[]>()
  for (const root of roots) {
    const folder = await nearestGitFolder(root)
    if (folder) groups.set(folder, [...groups.get(folder) ?? [], root])
  }

  const answered = new Map<string, RepositoryInspection>()
  for (const [folder, members] of groups) {
    const context = await openRepository(folder, env)
    if (!context.repository || context.root !== folder) continue
    for (const [root, inspection] of await inspectRepositoryBatch(folder, members, env, questions)) answered.set(root, inspection)
  }

  return answered
}
