/**
 * Giving, refusing and withdrawing consent for a project. Two steps, so that nothing is written unless everything can
 * be: `planConsentChange` reads and checks every file involved and throws an InputError (exit 2) on anything it must
 * refuse; `applyConsentChange` then writes, atomically, and records the decision in the history.
 */
import {constants} from 'node:fs'
import {access, lstat, readFile} from 'node:fs/promises'
import path from 'node:path'

import {kedroDetectsCi, wideDetectsCi} from '../ci/detect.js'
import {type CiPersistence, OPT_OUT_VARIABLES, persistOptOut} from '../ci/persist.js'
import {InputError} from '../errors.js'
import {backupFile, removeStaleTempFiles, writeFileAtomic} from '../fs/atomic-write.js'
import {applyGitignore, type GitignorePlan, ignoreRule, planGitignore, readGitignore, untrack} from '../git/gitignore.js'
import {type GitContext, inspectRepository, type RepositoryInspection} from '../git/repository.js'
import {hashedProjectId} from '../identity/hash.js'
import {removeProjectIdTable, removeUserIdFromToml} from '../identity/revoke-edits.js'
import {kedroUserIdPath, readUserId} from '../identity/user-id.js'
import {appendDecision, type ConsentAction, type ConsentHow, type DecisionRecord, historyFile} from '../history/history.js'
import {buildNotice, type Notice} from '../notice/notice.js'
import {loadProject} from '../project/project.js'
import {PYPROJECT} from '../project/root.js'
import {LATEST_KNOWN_TELEMETRY_VERSION, type ProjectVersions} from '../project/versions.js'
import {resolveWorkingDirectory} from '../project/working-directory.js'
import {isValidVersion} from '../versions.js'
import {type ConsentEdit, editConsent} from './edit.js'
import {type ConsentDecision, resolveConsent} from './rules.js'
import {readTelemetryFile, TELEMETRY_FILE_NAME} from './telemetry-file.js'

export interface ChangeOptions {
  /** Access check, replaceable in tests (root may write anywhere). */
  access?: (file: string, mode: number) => Promise<void>
  action: ConsentAction
  /** opt-out --ci: also make the decision hold for the rest of a CI job; allowed outside a project. */
  ci?: boolean
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Overwrite a .telemetry that cannot be edited, after saving .telemetry.bak. */
  force?: boolean
  /** Append .telemetry to .gitignore when git does not ignore it (default true). */
  gitignore?: boolean
  how: ConsentHow
  /** revoke: keep the user uuid in telemetry.toml. */
  keepIdentity?: boolean
  noticeShown?: boolean
  path?: string
  platform?: NodeJS.Platform
  /** revoke: also remove [tool.kedro_telemetry] from pyproject.toml. */
  removeProjectId?: boolean
  toolVersion: string
  /** Run `git rm --cached .telemetry` when it is tracked. */
  untrack?: boolean
}

interface FileWrite {
  /** Bytes before the change, or null when the file does not exist yet. */
  before: null | string
  file: string
  text: string
}

export interface ConsentPlan {
  consent: boolean
  edit: ConsentEdit | null
  /** The identifiers the collector holds (revoke prints them before deleting). */
  identifiers: {hashedProjectId: null | string; projectId: null | string; userId: null | string; userIdPath: string}
  notice: Notice
  options: ChangeOptions
  projectRoot: null | string
  projectIdRemoval: FileWrite | null
  repository: null | RepositoryInspection
  telemetryFile: null | string
  /** Set when --force replaces a file that could not be edited: why. */
  forcedOver: null | string
  gitignore: GitignorePlan | null
  userIdRemoval: FileWrite | null
  versions: ProjectVersions
}

const NOT_A_PROJECT_HINT = 'kedro reads .telemetry only at a project root; in CI use `telemetry opt-out --ci`, or set DO_NOT_TRACK=1 (or KEDRO_DISABLE_TELEMETRY=1)'

async function checkWritable(file: string, exists: boolean, canAccess: NonNullable<ChangeOptions['access']>): Promise<void> {
  try {
    await canAccess(path.dirname(file), constants.W_OK | constants.X_OK)
    if (exists) await canAccess(file, constants.W_OK)
  } catch {
    throw new InputError(`${file} is not writable`, {code: 'NOT_WRITABLE', hint: 'fix its permissions (or its folder\'s), or run as its owner'})
  }
}

/** Checks the .telemetry path and computes its new content; refuses symlinks, directories and unreadable files. */
async function planTelemetryFile(file: string, consent: boolean, options: ChangeOptions): Promise<{edit: ConsentEdit; forcedOver: null | string}> {
  const info = await lstat(file).catch(() => null)
  if (info?.isSymbolicLink()) {
    throw new InputError(`${file} is a symbolic link: not changed`, {code: 'SYMLINK', hint: 'replace the link with a plain file, or change the file it points to yourself'})
  }

  if (info?.isDirectory()) throw new InputError(`${file} is a directory: not changed`, {code: 'DIRECTORY', hint: 'remove or rename that directory (kedro fails on it too)'})
  if (info && !info.isFile()) throw new InputError(`${file} is not a regular file: not changed`, {code: 'NOT_A_FILE', hint: 'remove it, then run this again'})
  await checkWritable(file, Boolean(info), options.access ?? access)
  const bytes = info ? await readFile(file) : null
  const edit = editConsent(bytes, consent)
  if (edit.ok) return {edit, forcedOver: null}
  if (!options.force) {
    throw new InputError(`${file} was not changed: ${edit.reason}`, {code: edit.code, hint: 'look at the file, or pass --force to save it as .telemetry.bak and write a new one'})
  }

  return {
    edit: {changed: true, fixedMisread: null, ok: true, previousConsent: null, previousRaw: null, text: `consent: ${consent}\n`},
    forcedOver: edit.reason,
  }
}

async function planTomlRemoval(file: string, edit: (text: string) => ReturnType<typeof removeUserIdFromToml>, what: string, hint: string): Promise<FileWrite | null> {
  const before = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw new InputError(`${file} cannot be read (${error.code})`, {code: 'UNREADABLE', hint})
  })
  if (before === null) return null
  const result = edit(before)
  if (!result.ok) throw new InputError(`${file}: cannot remove ${what}: ${result.reason}`, {code: 'UNEDITABLE', hint})
  return result.changed ? {before, file, text: result.text} : null
}

export async function planConsentChange(options: ChangeOptions): Promise<ConsentPlan> {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const consent = options.action === 'opt-in'
  if (options.action === 'opt-in' && options.how !== 'prompt' && options.how !== '--yes') {
    throw new InputError('opt-in needs an explicit yes', {code: 'CONSENT_NEEDS_YES', hint: 'answer the prompt in a terminal, or pass --yes'})
  }

  const workingDirectory = await resolveWorkingDirectory(options.path ?? '.', options.cwd ?? process.cwd())
  const {pyproject, root: projectRoot, versions} = await loadProject(workingDirectory, env)
  if (!projectRoot && !options.ci) {
    throw new InputError(`${workingDirectory} is not in a Kedro project (no pyproject.toml with [tool.kedro] here or above)`, {code: 'NOT_A_PROJECT', hint: NOT_A_PROJECT_HINT})
  }

  const noticeFor = versions.telemetry.version && isValidVersion(versions.telemetry.version) ? versions.telemetry.version : LATEST_KNOWN_TELEMETRY_VERSION
  const telemetryFile = projectRoot ? path.join(projectRoot, TELEMETRY_FILE_NAME) : null
  const {edit, forcedOver} = telemetryFile ? await planTelemetryFile(telemetryFile, consent, options) : {edit: null, forcedOver: null}

  const repository = projectRoot ? await inspectRepository(projectRoot, env, {file: TELEMETRY_FILE_NAME}) : null
  let gitignore: GitignorePlan | null = null
  if (projectRoot && repository?.context.repository && repository.facts && options.gitignore !== false) {
    const current = await readGitignore(projectRoot)
    gitignore = planGitignore({currentText: current.text, file: current.file, ignored: repository.facts.ignored, name: TELEMETRY_FILE_NAME, rule: repository.facts.ignoredBy})
  }

  const userIdPath = kedroUserIdPath({env, platform, workingDirectory})
  const user = await readUserId(userIdPath, projectRoot)
  const revoking = options.action === 'revoke'
  const userIdRemoval = revoking && !options.keepIdentity
    ? await planTomlRemoval(userIdPath, removeUserIdFromToml, 'the user id', 'pass --keep-identity to leave telemetry.toml alone')
    : null
  const projectIdRemoval = revoking && options.removeProjectId && projectRoot
    ? await planTomlRemoval(path.join(projectRoot, PYPROJECT), removeProjectIdTable, '[tool.kedro_telemetry]', 'remove the table by hand, or leave out --project-id')
    : null
  if (projectIdRemoval) await checkWritable(projectIdRemoval.file, true, options.access ?? access)
  if (userIdRemoval) await checkWritable(userIdRemoval.file, true, options.access ?? access)

  const projectId = pyproject?.projectId ?? null
  return {
    consent,
    edit,
    forcedOver,
    gitignore,
    identifiers: {
      hashedProjectId: projectId === null ? null : hashedProjectId(projectId, pyproject?.packageName ?? null),
      projectId,
      userId: user.userId,
      userIdPath,
    },
    notice: buildNotice(noticeFor),
    options,
    projectIdRemoval,
    projectRoot,
    repository,
    telemetryFile,
    userIdRemoval,
    versions,
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
  noticeVersion: string
  projectRoot: null | string
  revoke: null | {projectIdRemoved: boolean; userIdRemoved: boolean; userIdPath: string}
  warnings: string[]
}

function skippedGitignore(reason: string): ChangeResult['git']['gitignore'] {
  return {action: 'skipped', file: null, ignoredNow: null, reason}
}

async function applyGit(plan: ConsentPlan, warnings: string[]): Promise<ChangeResult['git']> {
  const {options, repository} = plan
  const context: GitContext | undefined = repository?.context
  const none = {tracked: false, untrackCommand: null, untracked: false}
  if (!plan.projectRoot) return {...none, gitignore: skippedGitignore('not in a Kedro project: no .telemetry was written')}
  if (context?.refusal) {
    warnings.push(`the .gitignore guard was skipped: ${context.refusal.message}; ${context.refusal.remedy}`)
    return {...none, gitignore: skippedGitignore(context.refusal.message)}
  }

  if (!context?.repository) {
    const why = context && !context.available ? context.error ?? 'git is not installed' : 'not a git repository'
    return {...none, gitignore: skippedGitignore(why)}
  }

  const tracked = repository?.facts?.tracked ?? false
  let untracked = false
  if (tracked && options.untrack) {
    await untrack(context.git, TELEMETRY_FILE_NAME)
    untracked = true
  } else if (tracked) {
    warnings.push('.telemetry is tracked by git: run `git rm --cached .telemetry` (or pass --untrack) and commit, so the decision stays personal')
  }

  const untrackCommand = tracked && !untracked ? 'git rm --cached .telemetry' : null
  if (options.gitignore === false) return {gitignore: skippedGitignore('--no-gitignore'), tracked, untrackCommand, untracked}
  if (!plan.gitignore) return {gitignore: skippedGitignore(repository?.factsError ?? 'git gave no answer'), tracked, untrackCommand, untracked}
  await applyGitignore(plan.gitignore)
  const rule = await ignoreRule(context.git, TELEMETRY_FILE_NAME)
  const ignoredNow = rule !== null && !rule.pattern.startsWith('!')
  if (plan.gitignore.action === 'listed-but-overridden') {
    warnings.push(`.gitignore lists .telemetry, but ${rule ? `${rule.source}:${rule.line} (${rule.pattern})` : 'a later rule'} un-ignores it: fix that rule`)
  } else if (!ignoredNow) {
    warnings.push('git still does not ignore .telemetry after the .gitignore change: check your ignore rules')
  }

  const file = plan.gitignore.action === 'already-ignored' ? rule?.source ?? null : plan.gitignore.file
  return {gitignore: {action: plan.gitignore.action, file, ignoredNow, reason: null}, tracked, untrackCommand, untracked}
}

export async function applyConsentChange(plan: ConsentPlan): Promise<ChangeResult> {
  const {options} = plan
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const warnings: string[] = []

  let backup: null | string = null
  if (plan.telemetryFile && plan.edit) {
    await removeStaleTempFiles(plan.telemetryFile)
    if (plan.forcedOver) backup = await backupFile(plan.telemetryFile)
    if (plan.edit.changed) await writeFileAtomic(plan.telemetryFile, plan.edit.text)
  }

  const git = await applyGit(plan, warnings)
  for (const removal of [plan.userIdRemoval, plan.projectIdRemoval]) {
    if (removal) await writeFileAtomic(removal.file, removal.text)
  }

  const ci = options.ci ? await persistOptOut(env) : null
  const file = plan.projectRoot ? await readTelemetryFile(plan.projectRoot) : null
  // With --ci the decision that matters is the one later steps of the job make, with the variables set.
  const afterEnv = ci ? {...env, ...OPT_OUT_VARIABLES} : env
  const after = resolveConsent({env: afterEnv, file, projectRoot: plan.projectRoot, telemetryVersion: plan.versions.telemetry.version})
  const record: DecisionRecord = {
    action: options.action,
    consent: plan.consent,
    fixedMisread: plan.edit?.fixedMisread ?? null,
    how: options.how,
    inCi: kedroDetectsCi(env).detected || wideDetectsCi(env).detected,
    noticeShown: options.noticeShown ?? false,
    noticeVersion: plan.notice.version,
    previousConsent: plan.edit?.previousConsent ?? null,
    projectRoot: plan.projectRoot,
    ...(options.action === 'revoke' ? {removed: {projectId: plan.projectIdRemoval !== null, userId: plan.userIdRemoval !== null}} : {}),
    schema: 1,
    telemetryVersion: plan.versions.telemetry.version,
    telemetryVersionSource: plan.versions.telemetry.source,
    time: new Date().toISOString(),
    toolVersion: options.toolVersion,
  }
  const history = historyFile(env, platform)
  await appendDecision(history, record)

  return {
    action: options.action,
    after: {decidedBy: after.decidedBy, explicit: after.explicit, reason: after.reason, willSend: after.willSend},
    ci,
    consent: plan.consent,
    file: plan.telemetryFile && plan.edit
      ? {
        backup, changed: plan.edit.changed, fixedMisread: plan.edit.fixedMisread, forcedOver: plan.forcedOver,
        path: plan.telemetryFile, previousConsent: plan.edit.previousConsent,
      }
      : null,
    git,
    history: {file: history, record},
    how: options.how,
    identifiers: plan.identifiers,
    noticeVersion: plan.notice.version,
    projectRoot: plan.projectRoot,
    revoke: options.action === 'revoke'
      ? {projectIdRemoved: plan.projectIdRemoval !== null, userIdPath: plan.identifiers.userIdPath, userIdRemoved: plan.userIdRemoval !== null}
      : null,
    warnings,
  }
}

/** Plan and apply in one call, for scripts that need no prompt in between. */
export async function changeConsent(options: ChangeOptions): Promise<ChangeResult> {
  return applyConsentChange(await planConsentChange(options))
}

