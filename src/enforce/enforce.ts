/**
 * `telemetry enforce`: brings every project of a tree into line with its team policy in one step, on this machine.
 * What can be done safely is done: an opt-out where the policy requires one (or a decision, where it requires an
 * explicit one and there is none; opting in is never done for anyone), and the .gitignore guard everywhere. What
 * needs a person (a CI configuration, a version, a committed file) is listed from the audit under the policy.
 * `dryRun` plans the same changes and writes nothing.
 */
import path from 'node:path'

import {auditProject, type ProjectAudit} from '../audit/audit.js'
import {discoverGovernedProjects} from '../audit/discovery.js'
import {CHECKS, type EnforcedChange} from '../audit/checks/index.js'
import {applyConsentChange, planConsentChange} from '../consent/change.js'
import {TELEMETRY_FILE_NAME} from '../consent/telemetry-file.js'
import {InputError, isSystemError} from '../errors.js'
import {displayPath} from '../fs/display-path.js'
import {commitWrites} from '../fs/transaction.js'
import {planGitignore, readGitignore} from '../git/gitignore.js'
import {gitFactsOfTree, inspectRepository, type RepositoryInspection} from '../git/repository.js'
import {historyFile, type HistoryReading, readHistory} from '../history/history.js'
import {loadProjectAt, type ProjectAt} from '../project/project.js'
import {inspectStatus, REPOSITORY_QUESTIONS, type StatusReport} from '../status/status.js'
import {machineWideOptOut, type MachineWideReading} from '../consent/machine-wide.js'
import type {Policy, PolicyChoice} from '../policy/policy.js'
import {shellWord} from '../shell.js'

export interface EnforceOptions {
  cwd?: string
  /** Plan and list the changes; write nothing. */
  dryRun?: boolean
  env?: NodeJS.ProcessEnv
  /** Called after each project, for progress display. */
  onProject?: (done: number, total: number) => void
  paths: string[]
  platform?: NodeJS.Platform
  /** The team policy to enforce (default: each project's own, found from it). */
  policy?: PolicyChoice
  toolVersion: string
}

export interface EnforceChange {
  /** What changes: the consent decision in .telemetry, or the .gitignore guard. */
  kind: EnforcedChange
  file: string
  summary: string
}

export interface ProjectEnforcement {
  /** Changes made (or, in a dry run, that would be made). */
  changes: EnforceChange[]
  /** Set when the project could not be brought into line; the others still are. */
  error: null | string
  /** What still does not meet the policy and needs a person: a failing check of the audit under the policy. */
  manual: {id: string; remedy: null | string; summary: string}[]
  /** The policy enforced, or null when none governs the project (nothing is changed then). */
  policy: null | string
  root: string
}

export interface EnforceReport {
  dryRun: boolean
  /** 1 when a project still does not meet its policy (or would not, after a dry run's changes), or failed. */
  exitCode: 0 | 1
  policies: string[]
  projects: ProjectEnforcement[]
  summary: {changed: number; errors: number; manual: number; projects: number; ungoverned: number}
}

/** The checks a kind of change makes hold, as each check's definition says: a dry run does not leave them to a person. */
function checksFixedBy(kind: EnforceChange['kind']): string[] {
  return CHECKS.filter((check) => check.fixedBy?.includes(kind)).map((check) => check.id)
}

/** The consent change the policy asks of this project, or null: an opt-out, never an opt-in. */
function consentNeeded(policy: Policy, status: StatusReport): null | string {
  const {file} = status
  if (policy.consent === 'opted-out' && !(file.valid && file.consent === false)) {
    return file.valid ? `consent: ${file.rawConsent} becomes consent: false (the policy requires opted out)` : 'consent: false written (the policy requires opted out)'
  }

  if (policy.consent === 'explicit' && !file.valid) return 'consent: false written (the policy requires an explicit decision; none was made)'
  return null
}

/**
 * What is read once for the whole tree: git's answers (a few processes per repository), the history and the startup
 * files. A change alters some of them: a project that changed, or one below a folder whose .gitignore changed, is
 * asked again (`stale`), and so is the history for a project that changed; enforce never touches the startup files.
 */
interface SharedReadings {
  history: HistoryReading
  inspect: (root: string) => Promise<RepositoryInspection>
  machineWide: MachineWideReading
  /** The project folders whose .telemetry or .gitignore this run has changed. */
  changed: string[]
}

async function sharedReadings(roots: string[], options: EnforceOptions): Promise<SharedReadings> {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const answered = await gitFactsOfTree(roots, env, REPOSITORY_QUESTIONS)
  return {
    changed: [],
    history: await readHistory(historyFile(env, platform)),
    inspect: async (root) => answered.get(root) ?? inspectRepository(root, env, REPOSITORY_QUESTIONS),
    machineWide: machineWideOptOut(env, platform),
  }
}

/** Whether a change made in this run may have altered git's answers about `root` (its folder, or one above it). */
function stale(root: string, shared: SharedReadings): boolean {
  return shared.changed.some((folder) => root === folder || root.startsWith(`${folder}${path.sep}`))
}

/** The changes the policy asks of a project (consent written, .telemetry gitignored), made unless a dry run. */
async function makeChanges(
  root: string, policy: Policy, status: StatusReport, options: EnforceOptions, known: {project: ProjectAt; repository: RepositoryInspection | undefined},
): Promise<EnforceChange[]> {
  const env = options.env ?? process.env
  const changes: EnforceChange[] = []
  const optOut = consentNeeded(policy, status)
  if (optOut) {
    const plan = await planConsentChange({
      action: 'opt-out', env, how: 'enforce', path: root, platform: options.platform, project: known.project.project, repository: known.repository,
      toolVersion: options.toolVersion,
    })
    if (plan.edit?.changed && plan.telemetryFile) changes.push({file: plan.telemetryFile, kind: 'consent', summary: optOut})
    if (plan.gitignore?.action === 'append') changes.push({file: plan.gitignore.file, kind: 'gitignore', summary: `${TELEMETRY_FILE_NAME} added to .gitignore`})
    if (!options.dryRun) await applyConsentChange(plan)
    return changes
  }

  if (!status.git.repository || status.git.ignored !== false) return changes
  const current = readGitignore(root)
  const guard = planGitignore({current: current.bytes, file: current.file, ignored: false, name: TELEMETRY_FILE_NAME, rule: status.git.ignoredBy})
  if (guard.action !== 'append') return changes
  changes.push({file: guard.file, kind: 'gitignore', summary: `${TELEMETRY_FILE_NAME} added to .gitignore`})
  if (!options.dryRun) await commitWrites([{content: guard.bytes, file: guard.file, kind: 'replace'}])
  return changes
}

/** The checks a dry run's planned changes make hold (TEL010 too, when only its consent rule fails): not left to a person. */
function fixedByPlan(changes: EnforceChange[], status: StatusReport): Set<string> {
  const planned = new Set(changes.flatMap((change) => checksFixedBy(change.kind)))
  const unmet = (status.policy?.rules ?? []).filter((rule) => !rule.met)
  if (planned.has('TEL001') && unmet.every((rule) => rule.rule === 'consent')) planned.add('TEL010')
  return planned
}

/**
 * What is left: the audit's verdict under the policy, after the changes (or, in a dry run, before them). For a
 * project just changed, git and the history are asked again, and the project is marked for those below it.
 */
async function auditAfterChanges(
  root: string, policy: Policy, changes: EnforceChange[],
  context: {env: NodeJS.ProcessEnv; inspect: SharedReadings['inspect'] | undefined; options: EnforceOptions; platform: NodeJS.Platform; project: ProjectAt},
  shared: SharedReadings,
): Promise<ProjectAudit> {
  const {env, inspect, options, platform, project} = context
  const changed = !options.dryRun && changes.length > 0
  if (changed) shared.changed.push(root)
  const history = changed ? await readHistory(historyFile(env, platform)) : shared.history
  return auditProject(root, {env, history, inspectRepository: changed ? undefined : inspect, machineWide: shared.machineWide, platform, policy, project})
}

/** Refusals to edit a .telemetry (src/consent/edit.ts): opt-out's --force, not enforce, may replace such a file. */
const EDIT_REFUSALS = new Set(['BINARY', 'NOT_MAPPING', 'TOO_LARGE', 'UNEDITABLE', 'UNPARSABLE'])

/** Why a project could not be brought into line, and what fixes it, in one line. */
function projectError(error: Error, root: string): string {
  const message = error.message.split('\n')[0]
  if (!(error instanceof InputError)) return message
  if (EDIT_REFUSALS.has(error.code)) {
    return `${message}; to fix: look at the file, or run \`telemetry opt-out --force ${shellWord(displayPath(root))}\` to keep a backup of it and write consent: false`
  }

  return error.hint ? `${message}; to fix: ${error.hint}` : message
}

async function enforceProject(root: string, policy: null | Policy, options: EnforceOptions, shared: SharedReadings): Promise<ProjectEnforcement> {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const base = {changes: [] as EnforceChange[], error: null, manual: [] as ProjectEnforcement['manual'], policy: policy?.file ?? null, root}
  if (!policy) return base
  try {
    const inspect = stale(root, shared) ? undefined : shared.inspect
    const repository = inspect && await inspect(root)
    // Read once for the status, the change and the audit: neither an opt-out nor the .gitignore guard touches it.
    const project = await loadProjectAt(root, options.cwd ?? process.cwd(), env)
    const status = await inspectStatus({
      env, inspectRepository: inspect, machineWide: shared.machineWide, path: root, platform, project: project.project, readPolicy: async () => policy,
    })
    base.changes = await makeChanges(root, policy, status, {...options, env, platform}, {project, repository})
    const audit = await auditAfterChanges(root, policy, base.changes, {env, inspect, options, platform, project}, shared)
    if (audit.error) return {...base, error: audit.error}
    const planned = options.dryRun ? fixedByPlan(base.changes, status) : new Set<string>()
    const manual = audit.checks
      .filter((check) => check.status === 'fail' && !planned.has(check.id))
      .map((check) => ({id: check.id, remedy: check.remedy, summary: check.summary}))
    return {...base, manual}
  } catch (error) {
    if (!(error instanceof InputError) && !isSystemError(error)) throw error
    return {...base, error: projectError(error, root)}
  }
}

export async function enforcePolicy(options: EnforceOptions): Promise<EnforceReport> {
  const governed = await discoverGovernedProjects(options.paths, options.policy ?? 'find', options.cwd ?? process.cwd(), options.env)
  const projects: ProjectEnforcement[] = []
  const shared = await sharedReadings([...governed.keys()], options)
  // One project at a time: each change takes the project's lock and appends to the one history file.
  for (const [root, policy] of governed) {
    projects.push(await enforceProject(root, policy, options, shared))
    options.onProject?.(projects.length, governed.size)
  }

  const summary = {
    changed: projects.filter((project) => project.changes.length > 0).length,
    errors: projects.filter((project) => project.error).length,
    manual: projects.filter((project) => project.manual.length > 0).length,
    projects: projects.length,
    ungoverned: projects.filter((project) => project.policy === null).length,
  }
  const policies = [...new Set(projects.map((project) => project.policy).filter((policy) => policy !== null))]
  return {dryRun: Boolean(options.dryRun), exitCode: summary.manual > 0 || summary.errors > 0 ? 1 : 0, policies, projects, summary}
}
