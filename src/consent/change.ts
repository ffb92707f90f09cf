/**
 * Giving, refusing and withdrawing consent for a project. Two steps, so that nothing is written unless everything can
 * be: `planConsentChange` reads and checks every file involved and throws an InputError (exit 2) on anything it must
 * refuse; `applyConsentChange` then takes the project's lock, plans again (the files may have changed since, e.g.
 * while a prompt waited), and makes every write as one transaction (src/fs/transaction.ts): the history line, the
 * files, and git's index, all or nothing.
 */
import {createHash} from 'node:crypto'
import path from 'node:path'

import {boundaryFor, readFileSafeSync} from '../checkout/files.js'
import {kedroDetectsCi, wideDetectsCi} from '../ci/detect.js'
import {type CiPersistence, OPT_OUT_VARIABLES, planOptOutPersistence} from '../ci/persist.js'
import {InputError} from '../errors.js'
import {displayPath} from '../fs/display-path.js'
import {withLock} from '../fs/lock.js'
import {type AccessCheck, checkWrite, commitWrites, removeStaleTempFiles, type Step, type Write} from '../fs/transaction.js'
import {type GitignorePlan, ignoreRule, planGitignore, readGitignore, untrackStep} from '../git/gitignore.js'
import {type GitContext, type IgnoreRule, inspectRepository, type RepositoryInspection} from '../git/repository.js'
import {hashedProjectId} from '../identity/hash.js'
import {removeProjectIdTable, removeUserIdFromToml} from '../identity/revoke-edits.js'
import {kedroUserIdPath, readUserId} from '../identity/user-id.js'
import {type ConsentAction, type ConsentHow, type DecisionRecord, decisionWrite, HISTORY_SCHEMA_VERSION, historyDirectory, historyFile} from '../history/history.js'
import {buildNotice, type Notice} from '../notice/notice.js'
import {type LoadedProject, loadProject} from '../project/project.js'
import type {PyprojectInfo} from '../project/pyproject.js'
import {findStackTools, stackCiVariables} from '../stack/stack.js'
import {STACK_TOOLS} from '../stack/tools.js'
import {PYPROJECT} from '../project/root.js'
import {LATEST_KNOWN_TELEMETRY_VERSION, type ProjectVersions} from '../project/versions.js'
import {resolveWorkingDirectory} from '../project/working-directory.js'
import {telemetryRulesFor} from '../releases/releases.js'
import {optInAgainstPolicy, type PolicyOverride} from '../policy/consent-gate.js'
import {policyReader} from '../policy/load.js'
import {type ConsentEdit, editConsent, MAX_EDITABLE_BYTES} from './edit.js'
import {type MachineWideFile, planMachineWideOptOut} from './machine-wide.js'
import {type ConsentDecision, resolveConsent} from './rules.js'
import {readTelemetryFile, TELEMETRY_FILE_NAME} from './telemetry-file.js'

export interface ChangeOptions {
  /** Access check, replaceable in tests (root may write anywhere). */
  access?: AccessCheck
  action: ConsentAction
  /** opt-out --ci: also make the decision hold for the rest of a CI job; allowed outside a project. */
  ci?: boolean
  /** With `ci`: also switch off the other tools of the data stack the project brings in (all known ones outside a project). */
  stack?: boolean
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Overwrite a .telemetry that cannot be edited, after saving a backup. */
  force?: boolean
  /** opt-out --global: also set the opt-out variables in the user's shell startup files; allowed outside a project. */
  global?: boolean
  /** Append .telemetry to .gitignore when git does not ignore it (default true). */
  gitignore?: boolean
  how: ConsentHow
  /** revoke: keep the user uuid in telemetry.toml. */
  keepIdentity?: boolean
  noticeShown?: boolean
  /** opt-in where the team policy forbids it: why (recorded in the history); without it, such an opt-in is refused. */
  overridePolicy?: string
  /** Git's answers about the project's .telemetry, already asked for many projects at once (`enforce --dry-run`). */
  repository?: RepositoryInspection
  /** The project kedro would use at `path`, when the caller has loaded it (enforce). */
  project?: LoadedProject
  path?: string
  platform?: NodeJS.Platform
  /** revoke: also remove [tool.kedro_telemetry] from pyproject.toml. */
  removeProjectId?: boolean
  toolVersion: string
  /** Take .telemetry out of git's index when it is tracked. */
  untrack?: boolean
}

export interface ConsentPlan {
  ci: CiPersistence | null
  consent: boolean
  edit: ConsentEdit | null
  /** Set when --force replaces a file that could not be edited: why. */
  forcedOver: null | string
  gitignore: GitignorePlan | null
  /** The identifiers the collector holds (revoke prints them before deleting). */
  identifiers: {
    hashedProjectId: null | string; projectId: null | string; userId: null | string
    /** Why there is no user id although telemetry.toml exists (unreadable, not TOML, a malformed uuid), else null. */
    userIdProblem: null | string
    userIdPath: string
  }
  /** opt-out --global: each shell startup file, and the lines it gets. */
  machineWide: MachineWideFile[] | null
  notice: Notice
  options: ChangeOptions
  /** An opt-in made against the team policy, with the reason given. */
  policyOverride: null | PolicyOverride
  projectIdRemoval: boolean
  projectRoot: null | string
  repository: null | RepositoryInspection
  telemetryFile: null | string
  userIdRemoval: boolean
  versions: ProjectVersions
  /** Every file write the change makes but the history line (added when it is applied), checked already. */
  writes: Write[]
}

/**
 * An opt-in writes `consent: true`, which must never reach a commit: where there is a repository but git cannot say
 * whether .telemetry is ignored, or the .gitignore guard cannot be written, nothing is changed. (An opt-out goes
 * ahead and says the guard was skipped: a committed `consent: false` imposes less.)
 */
function refuseUnguardedOptIn(repository: RepositoryInspection): void {
  const {context, facts, factsError} = repository
  const why = context.refusal ? `${context.refusal.message}; ${context.refusal.remedy}` : (context.repository && !facts ? `git could not say whether .telemetry is ignored (${factsError ?? 'no answer'})` : null)
  if (why === null) return
  throw new InputError(`opt-in would write consent: true without the .gitignore guard: ${why}: nothing was changed`, {
    code: 'GUARD_UNAVAILABLE', hint: 'fix that first, or pass --no-gitignore and keep .telemetry out of git yourself',
  })
}

const NOT_A_PROJECT_HINT = 'kedro reads .telemetry only at a project root; in CI use `telemetry opt-out --ci`, or set DO_NOT_TRACK=1 (or KEDRO_DISABLE_TELEMETRY=1)'
const FORCE_HINT = 'look at the file, or pass --force to save a backup of it and write a new one'

/** The .telemetry edit: symlinks, folders and other non-files are refused whatever the flags; --force replaces the rest. */
function planTelemetryFile(file: string, projectRoot: string, consent: boolean, force: boolean): {edit: ConsentEdit; forcedOver: null | string} {
  const read = readFileSafeSync(file, {maxBytes: MAX_EDITABLE_BYTES, within: projectRoot})
  let edit: ReturnType<typeof editConsent>
  if (read.ok) edit = editConsent(read.bytes, consent)
  else if (read.kind === 'missing') edit = editConsent(null, consent)
  else if (read.kind === 'too-large') edit = {code: 'TOO_LARGE', ok: false, reason: `it is over ${MAX_EDITABLE_BYTES} bytes; a consent file is a line or two`}
  // A symlink, a folder or a FIFO: the transaction's check refuses it with the reason.
  else return {edit: {changed: true, fixedMisread: null, ok: true, previousConsent: null, previousRaw: null, text: `consent: ${consent}\n`}, forcedOver: null}
  if (edit.ok) return {edit, forcedOver: null}
  if (!force) throw new InputError(`${path.relative(projectRoot, file) || file} was not changed: ${edit.reason}`, {code: edit.code, hint: FORCE_HINT})
  return {
    edit: {changed: true, fixedMisread: null, ok: true, previousConsent: null, previousRaw: null, text: `consent: ${consent}\n`},
    forcedOver: edit.reason,
  }
}

/** A TOML removal (revoke) as a write, or null when there is nothing to remove; unreadable files are refused. */
function planTomlRemoval(file: string, within: null | string, edit: typeof removeUserIdFromToml, what: string, hint: string): null | Write {
  const read = readFileSafeSync(file, {within})
  if (!read.ok && read.kind === 'missing') return null
  if (!read.ok) throw new InputError(`${read.reason}: nothing was changed`, {code: 'UNREADABLE', hint})
  const result = edit(read.bytes)
  if (!result.ok) throw new InputError(`${displayPath(file)}: cannot remove ${what}: ${result.reason}`, {code: 'UNEDITABLE', hint})
  return result.changed ? {content: result.bytes, file, kind: 'replace'} : null
}

/** The variables that switch off the stack tools a CI job's project brings in; every known tool's outside a project. */
async function stackVariablesFor(projectRoot: null | string, pyproject: null | PyprojectInfo, versions: ProjectVersions): Promise<Record<string, string>> {
  if (!projectRoot) return stackCiVariables(STACK_TOOLS)
  const present = await findStackTools(projectRoot, pyproject?.dependencies ?? [], versions.installed, null)
  return stackCiVariables(present.map((found) => found.tool))
}

/** Where the change applies: the working directory and the project kedro would use there. */
interface ChangeTarget {
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  project: LoadedProject
  workingDirectory: string
}

async function changeTarget(options: ChangeOptions): Promise<ChangeTarget> {
  if (options.action === 'opt-in' && options.how !== 'prompt' && options.how !== '--yes') {
    throw new InputError('opt-in needs an explicit yes', {code: 'CONSENT_NEEDS_YES', hint: 'answer the prompt in a terminal, or pass --yes'})
  }

  const env = options.env ?? process.env
  const workingDirectory = await resolveWorkingDirectory(options.path ?? '.', options.cwd ?? process.cwd())
  const project = options.project ?? await loadProject(workingDirectory, env)
  if (!project.root && !options.ci && !options.global) {
    throw new InputError(`${workingDirectory} is not in a Kedro project (no pyproject.toml with [tool.kedro] here or above)`, {code: 'NOT_A_PROJECT', hint: NOT_A_PROJECT_HINT})
  }

  return {env, platform: options.platform ?? process.platform, project, workingDirectory}
}

/** The project's own writes: .telemetry (and its backup with --force), and the .gitignore guard. */
async function planProjectWrites(options: ChangeOptions, {env, project: {root}}: ChangeTarget, writes: Write[]): Promise<Pick<ConsentPlan, 'edit' | 'forcedOver' | 'gitignore' | 'repository' | 'telemetryFile'>> {
  if (!root) return {edit: null, forcedOver: null, gitignore: null, repository: null, telemetryFile: null}
  const consent = options.action === 'opt-in'
  const telemetryFile = path.join(root, TELEMETRY_FILE_NAME)
  // Refused even when it already says the right thing: a symlink or a folder named .telemetry is not ours to keep.
  await checkWrite({content: '', file: telemetryFile, kind: 'replace'}, options.access)
  const {edit, forcedOver} = planTelemetryFile(telemetryFile, root, consent, Boolean(options.force))
  if (forcedOver) writes.push({file: `${telemetryFile}.bak`, from: telemetryFile, kind: 'backup'})
  if (edit.changed) writes.push({content: edit.text, file: telemetryFile, kind: 'replace'})
  const repository = options.repository ?? await inspectRepository(root, env, {file: TELEMETRY_FILE_NAME})
  if (consent && options.gitignore !== false) refuseUnguardedOptIn(repository)
  if (!repository.context.repository || !repository.facts || options.gitignore === false) return {edit, forcedOver, gitignore: null, repository, telemetryFile}
  const current = readGitignore(root)
  const gitignore = planGitignore({
    current: current.bytes, file: current.file, ignored: repository.facts.ignored, name: TELEMETRY_FILE_NAME, rule: repository.facts.ignoredBy,
  })
  if (gitignore.action === 'append') writes.push({content: gitignore.bytes, file: gitignore.file, kind: 'replace'})
  return {edit, forcedOver, gitignore, repository, telemetryFile}
}

/** revoke: the user id out of telemetry.toml (unless --keep-identity), and with --project-id the project's id. */
function planRemovals(options: ChangeOptions, userIdPath: string, root: null | string, writes: Write[]): {projectIdRemoval: boolean; userIdRemoval: boolean} {
  if (options.action !== 'revoke') return {projectIdRemoval: false, userIdRemoval: false}
  // An empty XDG_CONFIG_HOME puts telemetry.toml under the working directory: checkout data then.
  const userId = options.keepIdentity
    ? null
    : planTomlRemoval(userIdPath, boundaryFor(userIdPath, root), removeUserIdFromToml, 'the user id', 'pass --keep-identity to leave telemetry.toml alone')
  const projectId = options.removeProjectId && root
    ? planTomlRemoval(path.join(root, PYPROJECT), root, removeProjectIdTable, '[tool.kedro_telemetry]', 'remove the table by hand, or leave out --project-id')
    : null
  for (const removal of [userId, projectId]) if (removal) writes.push(removal)
  return {projectIdRemoval: projectId !== null, userIdRemoval: userId !== null}
}

/** --ci (the job's later steps) and --global (the shell startup files): the opt-out beyond this project. */
async function planBeyondProject(options: ChangeOptions, {env, platform, project}: ChangeTarget, writes: Write[]): Promise<Pick<ConsentPlan, 'ci' | 'machineWide'>> {
  const variables = options.ci && options.stack ? await stackVariablesFor(project.root, project.pyproject, project.versions) : {}
  const ci = options.ci ? planOptOutPersistence(env, platform, variables) : null
  if (ci?.write) writes.push(ci.write)
  const machineWide = options.global ? planMachineWideOptOut(env, platform) : null
  if (machineWide) writes.push(...machineWide.writes)
  return {ci: ci?.persistence ?? null, machineWide: machineWide?.files ?? null}
}

export async function planConsentChange(options: ChangeOptions): Promise<ConsentPlan> {
  const target = await changeTarget(options)
  const {env, platform, project: {pyproject, root: projectRoot, versions}, workingDirectory} = target
  const consent = options.action === 'opt-in'
  // The team policy that governs the project decides whether opting in is allowed here, before anything else is read.
  const policyOverride = consent ? optInAgainstPolicy(await policyReader('find', workingDirectory, env)(projectRoot ?? workingDirectory), env, options.overridePolicy) : null
  const noticeFor = telemetryRulesFor(versions.telemetry.version).release?.version ?? LATEST_KNOWN_TELEMETRY_VERSION
  const writes: Write[] = []
  const projectWrites = await planProjectWrites(options, target, writes)
  const userIdPath = kedroUserIdPath({env, platform, workingDirectory})
  const user = await readUserId(userIdPath, projectRoot)
  const removals = planRemovals(options, userIdPath, projectRoot, writes)
  const beyond = await planBeyondProject(options, target, writes)
  // Every refusal before anything is written, and before any prompt: the history file too.
  for (const write of [...writes, {content: '', file: historyFile(env, platform), kind: 'append'} as const]) await checkWrite(write, options.access)

  const projectId = pyproject?.projectId ?? null
  return {
    ...beyond, ...projectWrites, ...removals,
    consent,
    identifiers: {
      hashedProjectId: projectId === null ? null : hashedProjectId(projectId, pyproject?.packageName ?? null),
      projectId,
      userId: user.userId,
      userIdPath,
      userIdProblem: user.exists && user.userId === null ? user.problem : null,
    },
    notice: buildNotice(noticeFor),
    // The change is planned again under the project's lock (applyConsentChange): .telemetry, git and the files it
    // writes are read afresh there, the project found here is not looked up again.
    options: {...options, project: target.project},
    policyOverride,
    projectRoot,
    versions,
    writes,
  }
}

export interface ChangeResult {
  action: ConsentAction
  /** The decision kedro-telemetry now makes here; with --ci, in the job's later steps (the variables set). */
  after: Pick<ConsentDecision, 'decidedBy' | 'explicit' | 'reason' | 'willSend'>
  ci: CiPersistence | null
  consent: boolean
  file: {
    backup: null | string
    changed: boolean
    fixedMisread: null | string
    forcedOver: null | string
    path: null | string
    previousConsent: boolean | null
  } | null
  git: {
    gitignore: {action: GitignorePlan['action'] | 'skipped'; file: null | string; ignoredNow: boolean | null; reason: null | string}
    /** `.telemetry` was tracked; untracked says whether --untrack removed it from the index. */
    tracked: boolean
    untracked: boolean
    untrackCommand: null | string
  }
  history: {file: string; record: DecisionRecord}
  how: ConsentHow
  identifiers: ConsentPlan['identifiers']
  /** opt-out --global: each shell startup file, appended to or already setting the variables. */
  machineWide: MachineWideFile[] | null
  noticeVersion: string
  projectRoot: null | string
  revoke: null | {projectIdRemoved: boolean; userIdRemoved: boolean; userIdPath: string}
  warnings: string[]
}

/** What `revoke` reports: the change, and the erasure request to send the collector, naming the identifiers. */
export type RevokeResult = ChangeResult & {erasure: string}

function skippedGitignore(reason: string): ChangeResult['git']['gitignore'] {
  return {action: 'skipped', file: null, ignoredNow: null, reason}
}

/** Why git is not asked for this change (no project, a refused or missing repository), or null when it is. */
function gitUnasked(plan: ConsentPlan, warnings: string[]): null | string {
  const context: GitContext | undefined = plan.repository?.context
  if (!plan.projectRoot) return 'not in a Kedro project: no .telemetry was written'
  if (context?.refusal) {
    warnings.push(`the .gitignore guard was skipped: ${context.refusal.message}; ${context.refusal.remedy}`)
    return context.refusal.message
  }

  if (!context?.repository) return context && !context.available ? context.error ?? 'git is not installed' : 'not a git repository'
  return null
}

/** What git has to do, and what to say about it, before anything is written. */
async function gitSteps(plan: ConsentPlan, warnings: string[]): Promise<{step: Step | undefined; tracked: boolean; untracked: boolean; why: null | string}> {
  const why = gitUnasked(plan, warnings)
  const context = plan.repository?.context
  if (why !== null || !context?.repository) return {step: undefined, tracked: false, untracked: false, why}
  const tracked = plan.repository?.facts?.tracked ?? false
  if (tracked && plan.options.untrack) return {step: await untrackStep(context.git, TELEMETRY_FILE_NAME), tracked, untracked: true, why: null}
  if (tracked) warnings.push('.telemetry is tracked by git: run `git rm --cached .telemetry` (or pass --untrack) and commit, so the decision stays personal')
  return {step: undefined, tracked, untracked: false, why: null}
}

function historyRecord(plan: ConsentPlan, env: NodeJS.ProcessEnv): DecisionRecord {
  const {options} = plan
  return {
    action: options.action,
    consent: plan.consent,
    fixedMisread: plan.edit?.fixedMisread ?? null,
    how: options.how,
    inCi: kedroDetectsCi(env).detected || wideDetectsCi(env).detected,
    ...(plan.machineWide ? {machineWide: plan.machineWide.map((entry) => entry.file)} : {}),
    noticeShown: options.noticeShown ?? false,
    noticeVersion: plan.notice.version,
    ...(plan.policyOverride ? {policyOverride: plan.policyOverride} : {}),
    previousConsent: plan.edit?.previousConsent ?? null,
    projectRoot: plan.projectRoot,
    ...(options.action === 'revoke' ? {removed: {projectId: plan.projectIdRemoval, userId: plan.userIdRemoval}} : {}),
    schema: HISTORY_SCHEMA_VERSION,
    telemetryVersion: plan.versions.telemetry.version,
    telemetryVersionSource: plan.versions.telemetry.source,
    time: new Date().toISOString(),
    toolVersion: options.toolVersion,
  }
}

/** The lock serialising consent changes of one project (or of CI jobs outside one), in the user's data folder. */
function lockFile(plan: ConsentPlan, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const key = createHash('sha256').update(plan.projectRoot ?? 'outside a project').digest('hex').slice(0, 24)
  return path.join(historyDirectory(env, platform), 'locks', `${key}.lock`)
}

/** The writes, under the project's lock and planned afresh there, so that the file always equals the last record. */
async function commitChange(plan: ConsentPlan, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<ChangeResult> {
  const warnings: string[] = []
  const history = historyFile(env, platform)
  const record = historyRecord(plan, env)
  const git = await gitSteps(plan, warnings)
  // What a killed writer left beside .telemetry goes even when this change leaves the file as it is.
  if (plan.telemetryFile) await removeStaleTempFiles(plan.telemetryFile)
  // The history line first among the writes: a change that is applied is never missing from it.
  const {backups} = await commitWrites([decisionWrite(history, record), ...plan.writes], {access: plan.options.access, before: git.step})
  const gitResult = await gitignoreResult(plan, git, warnings)
  const file = plan.projectRoot ? await readTelemetryFile(plan.projectRoot) : null
  // With --ci (--global) the decision that matters is the one later steps of the job (new shells) make, with the variables set.
  const afterEnv = plan.ci || plan.machineWide ? {...env, ...OPT_OUT_VARIABLES} : env
  const after = resolveConsent({env: afterEnv, file, projectRoot: plan.projectRoot, telemetryVersion: plan.versions.telemetry.version})
  return {
    action: plan.options.action,
    after: {decidedBy: after.decidedBy, explicit: after.explicit, reason: after.reason, willSend: after.willSend},
    ci: plan.ci,
    consent: plan.consent,
    file: plan.telemetryFile && plan.edit
      ? {
        backup: backups.get(plan.telemetryFile) ?? null, changed: plan.edit.changed, fixedMisread: plan.edit.fixedMisread, forcedOver: plan.forcedOver,
        path: plan.telemetryFile, previousConsent: plan.edit.previousConsent,
      }
      : null,
    git: gitResult,
    history: {file: history, record},
    how: plan.options.how,
    identifiers: plan.identifiers,
    machineWide: plan.machineWide,
    noticeVersion: plan.notice.version,
    projectRoot: plan.projectRoot,
    revoke: plan.options.action === 'revoke'
      ? {projectIdRemoved: plan.projectIdRemoval, userIdPath: plan.identifiers.userIdPath, userIdRemoved: plan.userIdRemoval}
      : null,
    warnings,
  }
}

/** Why the .gitignore step is skipped, or null when it runs. */
function gitignoreSkipped(plan: ConsentPlan, why: null | string): null | string {
  if (why) return why
  if (plan.options.gitignore === false) return '--no-gitignore'
  if (!plan.gitignore || !plan.repository?.context.repository) return plan.repository?.factsError ?? 'git gave no answer'
  return null
}

async function gitignoreResult(plan: ConsentPlan, git: Awaited<ReturnType<typeof gitSteps>>, warnings: string[]): Promise<ChangeResult['git']> {
  const untrackCommand = git.tracked && !git.untracked ? 'git rm --cached .telemetry' : null
  const base = {tracked: git.tracked, untrackCommand, untracked: git.untracked}
  const skipped = gitignoreSkipped(plan, git.why)
  const context = plan.repository?.context
  if (skipped !== null || !plan.gitignore || !context?.repository) return {...base, gitignore: skippedGitignore(skipped ?? 'git gave no answer')}
  const rule = await ignoreRule(context.git, TELEMETRY_FILE_NAME)
  const ignoredNow = rule !== null && !rule.pattern.startsWith('!')
  const problem = gitignoreProblem(plan.gitignore.action, rule, ignoredNow)
  if (problem) warnings.push(problem)
  const file = plan.gitignore.action === 'already-ignored' ? rule?.source ?? null : plan.gitignore.file
  return {...base, gitignore: {action: plan.gitignore.action, file, ignoredNow, reason: null}}
}

/** What is still wrong with the ignore rules after the .gitignore step, or null. */
function gitignoreProblem(action: string, rule: IgnoreRule | null, ignoredNow: boolean): null | string {
  if (action === 'listed-but-overridden') return `.gitignore lists .telemetry, but ${rule ? `${rule.source}:${rule.line} (${rule.pattern})` : 'a later rule'} un-ignores it: fix that rule`
  return ignoredNow ? null : 'git still does not ignore .telemetry after the .gitignore change: check your ignore rules'
}

export async function applyConsentChange(plan: ConsentPlan): Promise<ChangeResult> {
  const env = plan.options.env ?? process.env
  const platform = plan.options.platform ?? process.platform
  return withLock(lockFile(plan, env, platform), async () => commitChange(await planConsentChange(plan.options), env, platform))
}

/** Plan and apply in one call, for scripts that need no prompt in between. */
export async function changeConsent(options: ChangeOptions): Promise<ChangeResult> {
  return applyConsentChange(await planConsentChange(options))
}
