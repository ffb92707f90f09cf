/**
 * `telemetry guard`, the pre-commit check: a consent decision is personal, so no `.telemetry` may be committed, and
 * every Kedro project of the repository keeps it out of git with an ignore rule. What is about to be committed is read
 * from git's index itself, whatever files are named: a person runs `telemetry guard` with none. Fast enough for every
 * commit: git is asked a few times per repository, nothing is previewed.
 */
import path from 'node:path'

import {TELEMETRY_FILE_NAME} from '../consent/telemetry-file.js'
import {InputError} from '../errors.js'
import {gitFactsOfTree, inspectRepository, nearestGitFolder, openRepository, type RepositoryInspection, stagedFiles} from '../git/repository.js'
import type {PolicyChoice} from '../policy/policy.js'
import {discoverGovernedProjects} from './discovery.js'

export interface GuardOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Files named on the command line (pre-commit passes the staged ones its `files` pattern matches); may be empty. */
  files?: string[]
  policy?: PolicyChoice
}

export interface GuardReport {
  /** 1 when a .telemetry is about to be committed or a project does not ignore it. */
  exitCode: 0 | 1
  /** The index of each repository concerned (the working directory's and each project's): read, or why not. */
  indexes: {
    /** Why the index could not be read (git refuses the repository, git is missing); null when it was read. */
    problem: null | string
    repository: string
  }[]
  projects: {
    /** git ignores the project's .telemetry; null when git cannot say (no repository, a refusal). */
    ignored: boolean | null
    /** Why it is not ignored, or why git could not say; null when it is ignored. */
    problem: null | string
    root: string
  }[]
  /** Every .telemetry staged in an index or named among the files, relative to the working directory. */
  staged: string[]
}

/** The staged files of every repository holding `directories`, and which indexes could not be read. */
async function readIndexes(directories: string[], env: NodeJS.ProcessEnv): Promise<{indexes: GuardReport['indexes']; staged: string[]}> {
  const folders = new Set<string>()
  for (const directory of directories) {
    const folder = await nearestGitFolder(directory)
    if (folder) folders.add(folder)
  }

  const indexes: GuardReport['indexes'] = []
  const staged: string[] = []
  for (const folder of folders) {
    const context = await openRepository(folder, env)
    if (!context.repository) {
      indexes.push({problem: context.refusal ? `${context.refusal.message}; ${context.refusal.remedy}` : context.error ?? 'not a git repository', repository: folder})
      continue
    }

    try {
      staged.push(...await stagedFiles(context, env))
      indexes.push({problem: null, repository: context.root})
    } catch (error) {
      indexes.push({problem: `git could not list the staged files: ${(error as Error).message.trim().split('\n')[0]}`, repository: context.root})
    }
  }

  return {indexes: indexes.filter((entry, index) => indexes.findIndex((other) => other.repository === entry.repository) === index), staged}
}

/** Whether git ignores the project's .telemetry, or why that is not known. */
function guardedProject(root: string, {context, facts, factsError}: RepositoryInspection): GuardReport['projects'][number] {
  if (context.refusal) return {ignored: null, problem: `${context.refusal.message}; ${context.refusal.remedy}`, root}
  if (!context.repository || !facts) return {ignored: null, problem: factsError ?? 'not in a git repository', root}
  if (facts.ignored) return {ignored: true, problem: null, root}
  return {ignored: false, problem: `no ignore rule covers ${TELEMETRY_FILE_NAME}: run \`telemetry opt-out\` (it adds one), or add a "${TELEMETRY_FILE_NAME}" line to .gitignore`, root}
}

export async function guardCommit(options: GuardOptions): Promise<GuardReport> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  let roots: string[] = []
  try {
    roots = [...(await discoverGovernedProjects([cwd], options.policy ?? 'find', cwd, env)).keys()]
  } catch (error) {
    // A repository with no Kedro project (or only excluded ones) has nothing to guard.
    if (!(error instanceof InputError && error.code === 'NO_PROJECT')) throw error
  }

  const index = await readIndexes([cwd, ...roots], env)
  const named = (options.files ?? []).map((file) => path.resolve(cwd, file))
  const staged = [...new Set([...index.staged, ...named])]
    .filter((file) => path.basename(file) === TELEMETRY_FILE_NAME)
    .map((file) => path.relative(cwd, file) || file)

  const projects: GuardReport['projects'] = []
  // A few git processes per repository, as the audit asks, rather than a few per project: a commit in a monorepo waits.
  const answered = await gitFactsOfTree(roots, env, {file: TELEMETRY_FILE_NAME})
  for (const root of roots) projects.push(guardedProject(root, answered.get(root) ?? await inspectRepository(root, env, {file: TELEMETRY_FILE_NAME})))

  const exitCode = staged.length > 0 || projects.some((project) => project.ignored === false) ? 1 : 0
  return {exitCode, indexes: index.indexes, projects, staged}
}
