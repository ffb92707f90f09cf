/**
 * `telemetry audit` as a library call: find the Kedro projects under some paths (discovery.ts), run the checks on
 * each (checks/, a bounded pool of projects at a time, git asked once per repository), and summarise (summary.ts).
 * Plain data: render/ turns it into a table, JSON, Markdown, JUnit or SARIF.
 */
import path from 'node:path'

import {machineWideOptOut, type MachineWideReading} from '../consent/machine-wide.js'
import {InputError, isSystemError} from '../errors.js'
import {gitFactsOfTree, inspectRepository, type RepositoryInspection} from '../git/repository.js'
import {historyFile, type HistoryReading, readHistory} from '../history/history.js'
import {applyLevels} from '../policy/levels.js'
import {loadProjectAt, type ProjectAt} from '../project/project.js'
import {policyReader} from '../policy/load.js'
import type {Policy, PolicyChoice} from '../policy/policy.js'
import {inspectStatus, REPOSITORY_QUESTIONS} from '../status/status.js'
import {readCiFiles} from './ci-files.js'
import {telemetryFileEvidence} from './checks/evidence.js'
import {runChecks} from './checks/index.js'
import type {AuditReport, ProjectAudit} from './report.js'
import {discoverGovernedProjects} from './discovery.js'
import {summarise} from './summary.js'

export {discoverProjects} from './discovery.js'

export interface AuditOptions {
  /** Implicit consent (data sent without a decision) is a warning instead of a failure. */
  allowImplicitConsent?: boolean
  /** kedro commands (as typed after `kedro`) whose payload to check, in addition to those found in the project. */
  commands?: string[]
  /** How many projects are audited at once. */
  concurrency?: number
  /** Where relative paths start (default: the process's working directory). */
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** The git facts of a project root (default: asked of git, a few processes per repository). */
  inspectRepository?: (root: string) => Promise<RepositoryInspection>
  /** Called after each project, for progress display. */
  onProject?: (done: number, total: number) => void
  paths: string[]
  /** Where the history is (default: this process's platform). */
  platform?: NodeJS.Platform
  /** The team policy to apply (default: each project's own, found from it). */
  policy?: PolicyChoice
  strict?: boolean
}

export type {AuditReport, ProjectAudit} from './report.js'

/** A git failure while answering about a project is the project's problem (its repository), not a bug of ours. */
function gitFailuresAsInput(inspect: (root: string) => Promise<RepositoryInspection>): (root: string) => Promise<RepositoryInspection> {
  return async (root) => {
    try {
      return await inspect(root)
    } catch (error) {
      throw new InputError((error as Error).message.split('\n')[0], {code: 'GIT_FAILED', hint: 'check the repository with git status'})
    }
  }
}

/**
 * Runs every check on one project root. A project that cannot be read (an input or I/O error, a git failure) is a
 * result of its own; a bug propagates with its stack.
 */
export interface ProjectAuditOptions {
  /** Implicit consent (data sent without a decision) is a warning instead of a failure. */
  allowImplicitConsent?: boolean
  commands?: string[]; env?: NodeJS.ProcessEnv; history?: HistoryReading
  /** Git facts answered for many projects at once (see `audit`); else git is asked for this project alone. */
  inspectRepository?: (root: string) => Promise<RepositoryInspection>
  /** The user's startup-file opt-out lines, read once for an audit (else by status, for this project). */
  machineWide?: MachineWideReading
  platform?: NodeJS.Platform
  /** The team policy of the project, read once for an audit (else found from the project). */
  policy?: null | Policy
  /** The project as loaded at `root`, when the caller has loaded it (enforce); else loaded here, once for every check. */
  project?: ProjectAt
}

export async function auditProject(root: string, options: ProjectAuditOptions = {}): Promise<ProjectAudit> {
  const env = options.env ?? process.env
  let policy: null | Policy = null
  try {
    policy = options.policy === undefined ? await policyReader('find', root, env)(root) : options.policy
    return await checkProject(root, policy, env, options)
  } catch (error) {
    if (!(error instanceof InputError) && !isSystemError(error)) throw error
    return {checks: [], error: (error as Error).message.split('\n')[0], policy: policy?.file ?? null, root}
  }
}

/** The checks of one project under its policy (see auditProject, which turns input errors into a result). */
async function checkProject(root: string, policy: null | Policy, env: NodeJS.ProcessEnv, options: ProjectAuditOptions): Promise<ProjectAudit> {
  // One read of the history serves every project of an audit; a single project reads it here.
  const history = options.history ?? await readHistory(historyFile(env, options.platform ?? process.platform))
  const inspect = gitFailuresAsInput(options.inspectRepository ?? ((project) => inspectRepository(project, env, REPOSITORY_QUESTIONS)))
  const project = options.project ?? await loadProjectAt(root, process.cwd(), env)
  const status = await inspectStatus({
    env, inspectRepository: inspect, machineWide: options.machineWide, path: root, platform: options.platform, project: project.project,
    readPolicy: async () => policy,
  })
  const policyFile = policy?.file ?? null
  if (!status.project.root) return {checks: [], error: 'not a Kedro project (no pyproject.toml with [tool.kedro])', policy: policyFile, root}
  const ci = await readCiFiles(status.project.root, status.git.root)
  const checks = await runChecks({
    allowImplicitConsent: options.allowImplicitConsent ?? false, ci, commands: options.commands ?? [], env, history, project, root: status.project.root, status,
    telemetryFile: telemetryFileEvidence(status),
  })
  return {checks: policy ? applyLevels(checks, policy, path.relative(root, policy.file)) : checks, error: null, policy: policyFile, root}
}

async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>, onDone: () => void): Promise<R[]> {
  const results: R[] = Array.from({length: items.length})
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
      onDone()
    }
  }

  await Promise.all(Array.from({length: Math.min(size, items.length)}, worker))
  return results
}

export async function audit(options: AuditOptions): Promise<AuditReport> {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const cwd = options.cwd ?? process.cwd()
  const policies = await discoverGovernedProjects(options.paths, options.policy ?? 'find', cwd, env)
  const roots = [...policies.keys()]

  let done = 0
  // Unreadable here: each project tries again and reports the error as its own result, as before.
  const history = await readHistory(historyFile(env, platform)).catch(() => undefined)
  const answered = options.inspectRepository ? new Map<string, RepositoryInspection>() : await gitFactsOfTree(roots, env, REPOSITORY_QUESTIONS)
  const inspect = options.inspectRepository ?? ((root: string) => Promise.resolve(answered.get(root) ?? inspectRepository(root, env, REPOSITORY_QUESTIONS)))
  // Facts of the machine, not of a project: read once.
  const machineWide = machineWideOptOut(env, platform)
  const projects = await pool(roots, options.concurrency ?? 4, (root) => auditProject(root, {
    allowImplicitConsent: options.allowImplicitConsent, commands: options.commands, env, history, inspectRepository: inspect, machineWide, platform,
    policy: policies.get(root) ?? null,
  }), () => options.onProject?.(++done, roots.length))
  return summarise(projects, Boolean(options.strict))
}
