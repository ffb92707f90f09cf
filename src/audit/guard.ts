/**
 * `telemetry guard`, the pre-commit check: a consent decision is personal, so no `.telemetry` may be committed, and
 * every Kedro project of the repository keeps it out of git with an ignore rule. Fast enough for every commit: git
 * is asked once per project, nothing is previewed.
 */
import path from 'node:path'

import {TELEMETRY_FILE_NAME} from '../consent/telemetry-file.js'
import {InputError} from '../errors.js'
import {gitFactsOfTree, inspectRepository} from '../git/repository.js'
import type {PolicyChoice} from '../policy/policy.js'
import {discoverGovernedProjects} from './discovery.js'

export interface GuardOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** The files about to be committed (pre-commit passes the staged ones its `files` pattern matches). */
  files: string[]
  policy?: PolicyChoice
}

export interface GuardReport {
  /** 1 when a .telemetry is about to be committed or a project does not ignore it. */
  exitCode: 0 | 1
  projects: {
    /** git ignores the project's .telemetry; null when git cannot say (no repository, a refusal). */
    ignored: boolean | null
    /** Why it is not ignored, or why git could not say; null when it is ignored. */
    problem: null | string
    root: string
  }[]
  /** Every .telemetry among the files. */
  staged: string[]
}

export async function guardCommit(options: GuardOptions): Promise<GuardReport> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const staged = options.files.filter((file) => path.basename(file) === TELEMETRY_FILE_NAME)
  let roots: string[] = []
  try {
    roots = [...(await discoverGovernedProjects([cwd], options.policy ?? 'find', cwd)).keys()]
  } catch (error) {
    // A repository with no Kedro project (or only excluded ones) has nothing to guard.
    if (!(error instanceof InputError && error.code === 'NO_PROJECT')) throw error
  }

  const projects: GuardReport['projects'] = []
  // A few git processes per repository, as the audit asks, rather than a few per project: a commit in a monorepo waits.
  const answered = await gitFactsOfTree(roots, env, {file: TELEMETRY_FILE_NAME})
  for (const root of roots) {
    const {context, facts, factsError} = answered.get(root) ?? await inspectRepository(root, env, {file: TELEMETRY_FILE_NAME})
    if (context.refusal) projects.push({ignored: null, problem: `${context.refusal.message}; ${context.refusal.remedy}`, root})
    else if (!context.repository || !facts) projects.push({ignored: null, problem: factsError ?? 'not in a git repository', root})
    else if (facts.ignored) projects.push({ignored: true, problem: null, root})
    else projects.push({ignored: false, problem: `no ignore rule covers ${TELEMETRY_FILE_NAME}: run \`telemetry opt-out\` (it adds one), or add a "${TELEMETRY_FILE_NAME}" line to .gitignore`, root})
  }

  const exitCode = staged.length > 0 || projects.some((project) => project.ignored === false) ? 1 : 0
  return {exitCode, projects, staged}
}
