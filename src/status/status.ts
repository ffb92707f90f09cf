/**
 * `telemetry status` as a library call: everything kedro-telemetry would decide and use for a kedro command run in
 * one directory, with the evidence for each answer. No oclif, no terminal: a plain, JSON-ready report.
 */
import path from 'node:path'
import {parse as parseToml} from 'smol-toml'

import {kedroDetectsCi, wideDetectsCi} from '../ci/detect.js'
import {machineWideOptOut, type MachineWideReading} from '../consent/machine-wide.js'
import {resolveConsent} from '../consent/rules.js'
import {readTelemetryFile, TELEMETRY_FILE_NAME} from '../consent/telemetry-file.js'
import {type GitContext, inspectRepository, type RepositoryInspection} from '../git/repository.js'
import {hashedProjectId} from '../identity/hash.js'
import {kedroUserIdPath, readUserId} from '../identity/user-id.js'
import {type LoadedProject, loadProject, type ProjectAt} from '../project/project.js'
import {type PyprojectInfo, pyprojectFields} from '../project/pyproject.js'
import {PYPROJECT} from '../project/root.js'
import {resolveWorkingDirectory} from '../project/working-directory.js'
import {projectKedroSees, telemetryRulesFor} from '../releases/releases.js'
import {findPolicyFile} from '../policy/find.js'
import {policyReader} from '../policy/load.js'
import type {Policy, PolicyChoice} from '../policy/policy.js'
import {inspectStack} from '../stack/stack.js'
import {adviseFor} from './advice.js'
import type {StatusReport} from './report.js'


const SCOPE = ['Kedro CLI', 'Kedro-Viz CLI', 'Kedro-Viz UI'] as const

export interface StatusOptions {
  env?: NodeJS.ProcessEnv
  /**
   * The git facts of the project root (default: asked of git for this project alone); an audit answers them for many
   * projects at once.
   */
  inspectRepository?: (root: string) => Promise<RepositoryInspection>
  /** The user's startup-file opt-out lines (default: read now); an audit reads them once for every project. */
  machineWide?: MachineWideReading
  /** Where a kedro command would run; relative paths resolve against `cwd`. */
  path?: string
  /** The project kedro would use at `path`, when the caller has loaded it (enforce: once for status, change and audit). */
  project?: LoadedProject
  cwd?: string
  platform?: NodeJS.Platform
  /** The team policy to check the project against (default: the one found from the project, if any). */
  policy?: PolicyChoice
  /** Reads the policy for a folder (default: loadPolicy); an audit reads each policy file once for all its projects. */
  readPolicy?: (directory: string) => Promise<null | Policy>
}

export type {StatusReport} from './report.js'

/** What status asks git about a project: its .telemetry, and pyproject.toml as committed. */
export const REPOSITORY_QUESTIONS = {file: TELEMETRY_FILE_NAME, headFile: PYPROJECT}

/** Where kedro would look, what it would find there, and the git answers for it: what the report is made from. */
interface StatusFacts {
  env: NodeJS.ProcessEnv
  /** The project's .telemetry as kedro-telemetry reads it, or null outside a project. */
  file: Awaited<ReturnType<typeof readTelemetryFile>> | null
  platform: NodeJS.Platform
  project: LoadedProject
  /** Why a project found above the working directory is not kedro's, or null. */
  projectNote: null | string
  repository: null | RepositoryInspection
  /** The project kedro would use, or null. */
  root: null | string
  /** The kedro-telemetry version whose rules apply (the latest known for one that is not a version). */
  telemetryVersion: null | string
  warnings: string[]
  workingDirectory: string
}

/** pyproject.toml at HEAD only tells whether a project id is committed: without one, git is not asked for it. */
function questionsFor(pyproject: null | PyprojectInfo): {file: string; headFile?: string} {
  return pyproject?.projectId == null ? {file: REPOSITORY_QUESTIONS.file} : REPOSITORY_QUESTIONS
}

/** The kedro-telemetry version whose rules apply (see telemetryRulesFor), with its estimate among the warnings. */
function rulesVersion(version: null | string, warnings: string[]): null | string {
  const {estimated, release} = telemetryRulesFor(version)
  if (estimated) warnings.push(estimated)
  return release?.version ?? null
}

/** Where kedro would run, and the project it would use there: as the caller loaded it, or read now. */
async function locate(options: StatusOptions, env: NodeJS.ProcessEnv): Promise<ProjectAt> {
  const workingDirectory = await resolveWorkingDirectory(options.path ?? '.', options.cwd ?? process.cwd())
  return {project: options.project ?? await loadProject(workingDirectory, env), workingDirectory}
}

async function gatherStatus(options: StatusOptions): Promise<StatusFacts> {
  const env = options.env ?? process.env
  const {project, workingDirectory} = await locate(options, env)
  const warnings: string[] = []
  const {pyproject, versions} = project
  // git runs in child processes: start it now so it overlaps the file reads below.
  const inspect = options.inspectRepository ?? ((directory: string) => inspectRepository(directory, env, questionsFor(pyproject)))
  const repositoryPending = project.root ? inspect(project.root) : null
  if (pyproject?.error) warnings.push(`${pyproject.path} is not valid TOML (${pyproject.error}): kedro would fail to start`)
  const {note: projectNote, root} = projectKedroSees(versions.kedro.version, project.root, workingDirectory)
  const telemetryVersion = rulesVersion(versions.telemetry.version, warnings)
  const file = root ? await readTelemetryFile(root) : null
  const repository = root ? await repositoryPending : null
  return {env, file, platform: options.platform ?? process.platform, project, projectNote, repository, root, telemetryVersion, warnings, workingDirectory}
}

/** No project, no file: what the report says of .telemetry then. */
const NO_FILE: StatusReport['file'] = {
  consent: null, estimated: null, exists: false, kedroWouldFail: false, kind: null, meant: null, path: null, problem: null, rawConsent: null,
  symlink: false, valid: false,
}

function fileSection(file: StatusFacts['file']): StatusReport['file'] {
  if (!file) return NO_FILE
  const {consent, estimated, exists, kedroWouldFail, kind, meant, path: filePath, problem, rawConsent, symlink, valid} = file
  return {consent, estimated, exists, kedroWouldFail, kind, meant, path: filePath, problem, rawConsent, symlink, valid}
}

function projectSection({project: {pyproject, versions}, projectNote, root}: StatusFacts): StatusReport['project'] {
  const {environment, kedro: kedroVersion, telemetry: telemetryVersion} = versions
  return {
    isKedroProject: root !== null, kedroVersion: kedroVersion.version, kedroVersionDetail: kedroVersion.detail, kedroVersionSource: kedroVersion.source,
    note: projectNote, packageName: root ? pyproject?.packageName ?? null : null,
    pythonEnvironment: environment && {prefix: environment.prefix, source: environment.source}, root,
    telemetryVersion: telemetryVersion.version, telemetryVersionDetail: telemetryVersion.detail, telemetryVersionSource: telemetryVersion.source,
  }
}

function ciSection(env: NodeJS.ProcessEnv): StatusReport['ci'] {
  const kedroCi = kedroDetectsCi(env)
  const wideCi = wideDetectsCi(env)
  return {
    kedroDetects: kedroCi.detected, kedroMatchedBy: kedroCi.matchedBy,
    note: 'Being in CI only sets is_ci_env in the payload; it never stops kedro-telemetry from sending.',
    wideDetects: wideCi.detected, wideVendor: wideCi.vendor,
  }
}

/** The team policy that governs the project (and any found that may not), evaluated against the report. */
async function policySection(report: StatusReport, facts: StatusFacts, options: StatusOptions): Promise<Pick<StatusReport, 'ignoredPolicies' | 'policy'>> {
  const {env, root, workingDirectory} = facts
  const choice = options.policy ?? 'find'
  const readPolicy = options.readPolicy ?? policyReader(choice, options.cwd ?? process.cwd(), env)
  const policy = await readPolicy(root ?? workingDirectory)
  // A policy above the project that may not govern it is named, so that nobody believes it applies.
  const ignoredPolicies = !options.readPolicy && choice === 'find' ? (await findPolicyFile(root ?? workingDirectory, env)).ignored : []
  // The evaluation (and its PEP 440 library) loads only for a project that has a policy.
  return {ignoredPolicies, policy: policy && (await import('../policy/evaluate.js')).evaluatePolicy(policy, {...report, ignoredPolicies})}
}

export async function inspectStatus(options: StatusOptions = {}): Promise<StatusReport> {
  const facts = await gatherStatus(options)
  const {env, file, platform, project: {pyproject, versions}, repository, root, telemetryVersion, workingDirectory} = facts
  const consent = resolveConsent({env, file, projectRoot: root, telemetryVersion})
  const git = gitFacts(repository)
  const identity = await inspectIdentity({
    env, headPyproject: repository?.headContent ?? null, platform, pyproject: root ? pyproject : null, repository: repository?.context ?? null, root,
    workingDirectory,
  })
  const stack = root
    ? await inspectStack({
      env, installed: versions.installed, installedWhere: versions.environment && `${versions.environment.source} (${versions.environment.prefix})`,
      kedroWillSend: consent.willSend, projectRoot: root, pyprojectDependencies: pyproject?.dependencies ?? [],
    })
    : []
  const report: StatusReport = {
    // In this order in --json.
    advice: '', ci: ciSection(env), consent, file: fileSection(file), git: git.facts, identity: identity.facts,
    machineWide: {activeHere: Boolean(env.DO_NOT_TRACK || env.KEDRO_DISABLE_TELEMETRY), ...options.machineWide ?? machineWideOptOut(env, platform)},
    path: workingDirectory, ignoredPolicies: [], policy: null, project: projectSection(facts), scope: [...SCOPE], stack,
    warnings: [...facts.warnings, ...git.warnings],
  }
  Object.assign(report, await policySection(report, facts, options))
  report.advice = adviseFor(report)
  return report
}

function gitFacts(inspection: null | RepositoryInspection): {facts: StatusReport['git']; warnings: string[]} {
  const empty: StatusReport['git'] = {
    available: true, commits: [], error: null, everCommitted: null, ignored: null, ignoredBy: null, note: null,
    refusal: null, repository: null, root: null, tracked: null,
  }
  if (!inspection) return {facts: {...empty, note: 'not a Kedro project: kedro reads no .telemetry here'}, warnings: []}
  const {context, facts, factsError} = inspection
  if (context.refusal) {
    // A repository is there, but git was not asked (or refused): what git would say is unknown, not "no".
    const facts = {...empty, error: context.error, note: context.refusal.message, refusal: context.refusal, repository: null}
    return {facts, warnings: [context.refusal.message]}
  }

  if (!context.repository) {
    const note = context.available ? (context.error ?? 'not a git repository') : context.error
    return {facts: {...empty, available: context.available, error: context.error, note, repository: false}, warnings: []}
  }

  if (!facts) {
    return {facts: {...empty, error: factsError, note: `git failed: ${factsError}`, repository: true, root: context.root}, warnings: [`git failed: ${factsError}`]}
  }

  return {facts: {...empty, ...facts, repository: true, root: context.root}, warnings: []}
}

async function inspectIdentity(options: {
  env: NodeJS.ProcessEnv
  /** pyproject.toml as committed at HEAD, when the project is in a repository. */
  headPyproject: null | string
  platform: NodeJS.Platform
  pyproject: null | PyprojectInfo
  repository: GitContext | null
  root: null | string
  workingDirectory: string
}): Promise<{facts: StatusReport['identity']}> {
  const {env, headPyproject, platform, pyproject, repository, root, workingDirectory} = options
  const userIdPath = kedroUserIdPath({env, platform, workingDirectory})
  const user = await readUserId(userIdPath, root)
  const projectId = pyproject?.projectId ?? null
  let projectIdCommitted: boolean | null = null
  if (projectId !== null && repository?.repository) {
    projectIdCommitted = headPyproject !== null && committedProjectId(headPyproject) === projectId
  }

  let projectIdNote: string
  if (!root) projectIdNote = 'not a Kedro project: no project id is sent'
  else if (projectId === null) projectIdNote = 'no [tool.kedro_telemetry] project_id yet: on its first send kedro appends one to pyproject.toml, a file usually committed'
  else if (projectIdCommitted) projectIdNote = 'committed in pyproject.toml: anyone with the repository can recompute the hash that is sent'
  else projectIdNote = 'in pyproject.toml (not committed at HEAD); once committed, anyone with the repository can recompute the sent hash'

  return {
    facts: {
      hashedProjectId: projectId === null ? null : hashedProjectId(projectId, pyproject?.packageName ?? null),
      projectId,
      projectIdCommitted,
      projectIdNote,
      pyprojectPath: root ? path.join(root, PYPROJECT) : null,
      userId: user.userId,
      userIdExists: user.exists,
      userIdNote: user.problem,
      userIdPath,
    },
  }
}

function committedProjectId(text: string): null | string {
  try {
    return pyprojectFields(parseToml(text)).projectId
  } catch {
    return null
  }
}
