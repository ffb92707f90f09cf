/**
 * `telemetry audit` as a library call: find the Kedro projects under some paths, run the checks on each, and
 * summarise. Plain data: the reporters turn it into a table, JSON, Markdown, JUnit or SARIF.
 */
import path from 'node:path'

import {isInside, listDirectorySync, MAX_WALK_ENTRIES, readTextSafeSync} from '../checkout/files.js'

import {InputError} from '../errors.js'
import {byCodeUnits} from '../fs/order.js'
import {inspectRepository, inspectRepositoryBatch, nearestGitFolder, openRepository, type RepositoryInspection} from '../git/repository.js'
import {historyFile, type HistoryReading, readHistory} from '../history/history.js'
import {buildNotice} from '../notice/notice.js'
import {isKedroProject} from '../project/root.js'
import {LATEST_KNOWN_TELEMETRY_VERSION} from '../project/versions.js'
import {telemetry} from '../releases/releases.js'
import {resolveWorkingDirectory} from '../project/working-directory.js'
import {buildTelemetryRequests} from '../request/request.js'
import {inspectStatus, REPOSITORY_QUESTIONS, type StatusReport} from '../status/status.js'
import {isValidVersion} from '../versions.js'
import {type CheckResult, type CheckStatus, type Evidence, failing, result} from './checks.js'
import {type CiFile, readCiFiles, readDocumentedInvocations} from './ci-files.js'
import {findLeaks} from './leaks.js'

export interface AuditOptions {
  /** kedro commands (as typed after `kedro`) whose payload to check, in addition to those found in the project. */
  commands?: string[]
  /** How many projects are audited at once. */
  concurrency?: number
  env?: NodeJS.ProcessEnv
  /** The git facts of a project root (default: asked of git, a few processes per repository). */
  inspectRepository?: (root: string) => Promise<RepositoryInspection>
  /** Called after each project, for progress display. */
  onProject?: (done: number, total: number) => void
  paths: string[]
  strict?: boolean
  /** Implicit consent (data sent without a decision) is a warning instead of a failure. */
  allowImplicitConsent?: boolean
}

export interface ProjectAudit {
  checks: CheckResult[]
  /** Set when the project could not be audited at all; the other projects still are. */
  error: null | string
  root: string
}

export interface AuditReport {
  exitCode: 0 | 1
  projects: ProjectAudit[]
  strict: boolean
  summary: Record<CheckStatus | 'errors' | 'projects', number>
}

const SKIPPED_DIRECTORIES = new Set(['.git', '.venv', 'node_modules', 'venv', '__pycache__'])

/** Paths git ignores below `directory` (directories end with a slash), relative to the repository root. */
async function ignoredPaths(directory: string): Promise<{ignored: Set<string>; root: null | string}> {
  const context = await openRepository(directory)
  if (!context.repository) return {ignored: new Set(), root: null}
  const output = await context.git.raw(['-C', context.root, 'ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z']).catch(() => '')
  return {ignored: new Set(output.split('\0').filter(Boolean)), root: context.root}
}

/** Every Kedro project at or below `start`, skipping what git ignores and node_modules, .venv, .git. */
export async function discoverProjects(start: string): Promise<string[]> {
  const {ignored, root} = await ignoredPaths(start)
  const isIgnored = (directory: string) => {
    if (!root) return false
    const relative = `${path.relative(root, directory).split(path.sep).join('/')}/`
    return relative !== '/' && [...ignored].some((entry) => entry.endsWith('/') && relative.startsWith(entry))
  }

  const found: string[] = []
  let seen = 0
  const walk = async (directory: string): Promise<void> => {
    if (await isKedroProject(directory)) found.push(directory)
    const listing = listDirectorySync(directory, start)
    // Symlinked folders are not entered: a tree is walked once, inside itself, whatever links it holds.
    for (const entry of listing.ok ? listing.entries : []) {
      if (entry.kind !== 'directory' || entry.symlink || SKIPPED_DIRECTORIES.has(entry.name)) continue
      if (++seen > MAX_WALK_ENTRIES) return
      const child = path.join(directory, entry.name)
      if (!isIgnored(child)) await walk(child)
    }
  }

  await walk(start)
  return found
}

function consentLine(file: string, projectRoot: string): number | undefined {
  const read = readTextSafeSync(file, {within: projectRoot})
  const index = read.ok ? read.text.split(/\r\n?|\n/).findIndex((line) => /^\s*["']?consent["']?\s*:/.test(line)) : -1
  return index === -1 ? undefined : index + 1
}

async function checkConsent(status: StatusReport, allowImplicitConsent: boolean): Promise<CheckResult[]> {
  const {consent, file, git} = status
  const line = file.exists && file.path ? consentLine(file.path, status.project.root!) : undefined
  const where: Evidence = {file: file.path ?? undefined, line, message: file.path ?? '.telemetry'}
  const results: CheckResult[] = []
  // Data sent although nobody said yes is the main finding of a privacy checklist: it fails unless the audit is told
  // to accept implicit consent. Without a decision but with nothing sent (an environment opt-out), it warns.
  const sendsImplicitly = consent.willSend && consent.implicit
  const undecided = sendsImplicitly && !allowImplicitConsent ? 'fail' : 'warn'
  // The finding points at the .telemetry that holds the decision, or at the project folder when there is none.
  const decisionWhere: Evidence = file.exists ? where : {file: status.project.root ?? undefined, message: 'no .telemetry in the project'}
  results.push(file.valid
    ? result('TEL001', 'pass', `.telemetry says consent: ${file.rawConsent}`, [{...where, message: `consent: ${file.rawConsent}`}])
    : result('TEL001', undecided, consent.promptPending
      ? 'No consent decision exists: kedro-telemetry would prompt, and a run without a terminal would hang.'
      : (sendsImplicitly ? 'No consent decision exists, and kedro sends usage data by implicit consent.' : `No consent decision exists in the project; nothing is sent from here (${consent.decidedBy}).`),
    [{...decisionWhere, message: consent.reason}]))

  if (!file.exists) results.push(result('TEL002', 'skip', 'no .telemetry file'))
  else if (file.valid) results.push(result('TEL002', 'pass', 'kedro reads a boolean consent'))
  else results.push(result('TEL002', 'fail', file.kedroWouldFail ? 'kedro fails reading .telemetry' : 'kedro does not read a decision from .telemetry', [{...where, message: file.problem ?? 'not a valid decision'}]))

  if (git.refusal) {
    // A repository is there but git could not be asked: the facts are unknown, which an audit must not pass.
    const remedy = `${git.refusal.remedy[0].toUpperCase()}${git.refusal.remedy.slice(1)}.`
    for (const id of ['TEL003', 'TEL004']) results.push(result(id, 'fail', `unknown: ${git.refusal.message}`, [], remedy))
  } else if (!git.repository) {
    const why = git.note ?? 'not a git repository'
    results.push(result('TEL003', 'skip', why), result('TEL004', 'skip', why))
  } else {
    results.push(git.ignored
      ? result('TEL003', 'pass', `ignored by ${git.ignoredBy?.source}:${git.ignoredBy?.line}`, git.ignoredBy ? [{file: path.resolve(git.root!, git.ignoredBy.source), line: git.ignoredBy.line, message: git.ignoredBy.pattern}] : [])
      : result('TEL003', 'fail', '.telemetry is not gitignored', git.ignoredBy ? [{file: path.resolve(git.root!, git.ignoredBy.source), line: git.ignoredBy.line, message: `un-ignored by ${git.ignoredBy.pattern}`}] : [{file: path.join(status.project.root!, '.gitignore'), message: 'no rule ignores .telemetry'}]))
    const commits = git.commits.map((commit) => ({message: `${commit.hash.slice(0, 12)} ${commit.date} ${commit.subject}`}))
    results.push(git.tracked || git.everCommitted
      ? result('TEL004', 'fail', git.tracked ? '.telemetry is tracked by git' : `.telemetry was committed in ${git.commits.length} commit(s)`, [{...where, message: git.tracked ? 'tracked now' : 'in history'}, ...commits])
      : result('TEL004', 'pass', 'never committed'))
  }

  return results
}

/**
 * Whether a kedro step runs in this project: kedro finds its project by walking up from where it runs, so the step's
 * folder must lie in the project, with no other Kedro project between them.
 */
async function runsIn(root: string, base: string, directory: null | string): Promise<boolean> {
  const folder = path.resolve(base, directory ?? '.')
  if (!isInside(root, folder)) return false
  for (let current = folder; current !== root; current = path.dirname(current)) if (await isKedroProject(current)) return false
  return true
}

async function checkCi(files: CiFile[], root: string): Promise<CheckResult> {
  if (files.length === 0) return result('TEL005', 'skip', 'no CI configuration found')
  const unprotected: Evidence[] = []
  let runs = 0
  for (const file of files) {
    for (const invocation of file.invocations) {
      // A step that runs another project of the repository is that project's finding, not this one's.
      if (!await runsIn(root, file.base, invocation.directory)) continue
      runs++
      if (!file.optOutLines.some((line) => line < invocation.line)) {
        unprotected.push({file: invocation.file, line: invocation.line, message: `${file.system} runs kedro ${invocation.args[0] ?? ''} without disabling telemetry first`.trimEnd()})
      }
    }
  }

  if (runs === 0) return result('TEL005', 'pass', `${files.length} CI file(s), none runs kedro in this project`)
  return unprotected.length === 0
    ? result('TEL005', 'pass', `every kedro step (${runs}) comes after an opt-out`)
    : result('TEL005', failing('TEL005'), `${unprotected.length} of ${runs} kedro step(s) in CI run with telemetry on`, unprotected)
}

async function checkPayloads(root: string, ci: CiFile[], commands: string[], env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const documented = await readDocumentedInvocations(root)
  const seen = new Map<string, Evidence | undefined>()
  for (const command of commands) seen.set(command, undefined)
  for (const invocation of [...ci.flatMap((file) => file.invocations), ...documented]) {
    const key = invocation.args.join(' ')
    if (!seen.has(key)) seen.set(key, {file: invocation.file, line: invocation.line, message: `kedro ${invocation.args[0] ?? ''}`})
  }

  if (seen.size === 0) return result('TEL006', 'skip', 'no kedro command given (--command) or found in CI files, the Makefile or the README')
  const findings: Evidence[] = []
  for (const [command, origin] of seen) {
    const args = command ? command.split(/\s+/) : []
    const preview = await buildTelemetryRequests({args, env, ignoreConsent: true, probePython: false, project: root})
    const at = origin ? {file: origin.file, line: origin.line} : {}
    if (preview.leaked.length > 0) findings.push({...at, message: `${preview.leaked.length} token(s) after a leading ${args[0]} are sent unmasked`})
    for (const request of preview.requests) {
      for (const leak of findLeaks(request.body, env)) findings.push({...at, message: `${leak.field} would contain ${leak.kind} (${request.event})`})
    }
  }

  return findings.length === 0
    ? result('TEL006', 'pass', `${seen.size} command(s) checked, nothing personal in the request`)
    : result('TEL006', 'fail', `${findings.length} leak(s) in ${seen.size} command(s)`, findings)
}

function checkIdentifiers(status: StatusReport): CheckResult {
  const {consent, identity} = status
  // Identifiers matter where they are sent: with nothing sent from here, they stay on this machine (0.2.2-0.2.3 sent
  // their statistics, identity included, even without consent).
  const version = status.project.telemetryVersion
  const sendsAnyway = version !== null && isValidVersion(version) && telemetry(version).statisticsIgnoreConsent
  if (!consent.willSend && !sendsAnyway) return result('TEL007', 'skip', `nothing is sent from here (${consent.decidedBy}), so no identifier leaves this machine`)
  const evidence: Evidence[] = []
  if (identity.projectId) evidence.push({file: identity.pyprojectPath ?? undefined, message: identity.projectIdNote})
  if (identity.userId) evidence.push({file: identity.userIdPath, message: 'a persistent user uuid, sent with every request'})
  return evidence.length === 0
    ? result('TEL007', 'pass', 'no identifiers exist yet')
    : result('TEL007', failing('TEL007'), `pseudonymous, not anonymous: ${[
      identity.projectId ? 'the project id is an unsalted SHA-512 of a value in pyproject.toml' : '',
      identity.userId ? 'the user id is a persistent uuid' : '',
    ].filter(Boolean).join('; ')}`, evidence)
}

function checkVersion(status: StatusReport): CheckResult {
  const {telemetryVersion: version, telemetryVersionDetail: detail, telemetryVersionSource: source} = status.project
  if (source === 'not-installed') return result('TEL008', 'pass', 'kedro-telemetry is not installed: nothing is sent')
  if (source === 'assumed' || !version || !isValidVersion(version)) return result('TEL008', 'skip', `the installed version is unknown (${detail})`)
  const evidence = [{message: `kedro-telemetry ${version} (${source}: ${detail})`}]
  const release = telemetry(version)
  if (release.statisticsIgnoreConsent) return result('TEL008', 'fail', `${version} sends project statistics without consent`, evidence)
  if (release.consentModel === 'opt-in') return result('TEL008', 'warn', `${version} blocks non-interactive runs at its consent prompt`, evidence)
  if (release.datasetTypes === 'nested') return result('TEL008', 'warn', `${version} sends nested statistics that the collector rejects`, evidence)
  return result('TEL008', 'pass', `${version} has no known consent problem`, evidence)
}

function checkRecorded(status: StatusReport, history: HistoryReading): CheckResult {
  if (!status.file.valid) return result('TEL009', failing('TEL009'), 'no explicit decision to have recorded')
  const version = status.project.telemetryVersion && isValidVersion(status.project.telemetryVersion) ? status.project.telemetryVersion : LATEST_KNOWN_TELEMETRY_VERSION
  const notice = buildNotice(version).version
  const latest = history.records.filter((record) => record.projectRoot === status.project.root).at(-1)
  if (!latest) return result('TEL009', failing('TEL009'), 'the decision in .telemetry has no record in this machine\'s history')
  if (latest.consent !== status.file.consent) return result('TEL009', failing('TEL009'), `the last recorded decision (${latest.action}, ${latest.time}) differs from .telemetry`)
  if (latest.noticeVersion !== notice) return result('TEL009', failing('TEL009'), `recorded under notice ${latest.noticeVersion}, the current one is ${notice}`)
  return result('TEL009', 'pass', `recorded ${latest.time} (${latest.action}, ${latest.how}, notice ${notice})`)
}

/** Runs every check on one project root. */
export async function auditProject(root: string, options: {
  /** Implicit consent (data sent without a decision) is a warning instead of a failure. */
  allowImplicitConsent?: boolean
  commands?: string[]; env?: NodeJS.ProcessEnv; history?: HistoryReading
  /** Git facts answered for many projects at once (see `audit`); else git is asked for this project alone. */
  inspectRepository?: (root: string) => Promise<RepositoryInspection>
} = {}): Promise<ProjectAudit> {
  const env = options.env ?? process.env
  try {
    // One read of the history serves every project of an audit; a single project reads it here.
    const history = options.history ?? await readHistory(historyFile(env, process.platform))
    const status = await inspectStatus({env, inspectRepository: options.inspectRepository, path: root})
    if (!status.project.root) return {checks: [], error: 'not a Kedro project (no pyproject.toml with [tool.kedro])', root}
    const ci = await readCiFiles(status.project.root, status.git.root)
    const checks = [
      ...await checkConsent(status, options.allowImplicitConsent ?? false),
      await checkCi(ci, status.project.root),
      await checkPayloads(status.project.root, ci, options.commands ?? [], env),
      checkIdentifiers(status),
      checkVersion(status),
      checkRecorded(status, history),
    ].sort((a, b) => byCodeUnits(a.id, b.id))
    return {checks, error: null, root}
  } catch (error) {
    return {checks: [], error: (error as Error).message.split('\n')[0], root}
  }
}

/**
 * The git facts of every project, a few git processes per repository: projects are grouped by the repository that
 * holds them (a folder of many repositories too), each group's top level confirmed by git itself.
 */
async function gitFactsOfTree(roots: string[], env: NodeJS.ProcessEnv): Promise<Map<string, RepositoryInspection>> {
  const groups = new Map<string, string[]>()
  for (const root of roots) {
    const folder = await nearestGitFolder(root)
    if (folder) groups.set(folder, [...groups.get(folder) ?? [], root])
  }

  const answered = new Map<string, RepositoryInspection>()
  for (const [folder, members] of groups) {
    const context = await openRepository(folder, env)
    if (!context.repository || context.root !== folder) continue
    for (const [root, inspection] of await inspectRepositoryBatch(folder, members, env, REPOSITORY_QUESTIONS)) answered.set(root, inspection)
  }

  return answered
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
  const starts = await Promise.all((options.paths.length > 0 ? options.paths : ['.']).map((input) => resolveWorkingDirectory(input, process.cwd())))
  const roots = [...new Set((await Promise.all(starts.map((start) => discoverProjects(start)))).flat())]
  if (roots.length === 0) {
    throw new InputError(`no Kedro project found in ${starts.join(', ')}`, {code: 'NO_PROJECT', hint: 'a Kedro project has a pyproject.toml with a [tool.kedro] table'})
  }

  let done = 0
  // Unreadable here: each project tries again and reports the error as its own result, as before.
  const history = await readHistory(historyFile(env, process.platform)).catch(() => undefined)
  const answered = options.inspectRepository ? new Map<string, RepositoryInspection>() : await gitFactsOfTree(roots, env)
  const inspect = options.inspectRepository ?? ((root: string) => Promise.resolve(answered.get(root) ?? inspectRepository(root, env, REPOSITORY_QUESTIONS)))
  const projects = await pool(roots, options.concurrency ?? 4, (root) => auditProject(root, {allowImplicitConsent: options.allowImplicitConsent, commands: options.commands, env, history, inspectRepository: inspect}), () => options.onProject?.(++done, roots.length))
  if (options.strict) {
    for (const project of projects) for (const check of project.checks) if (check.status === 'warn') check.status = 'fail'
  }

  const summary: AuditReport['summary'] = {errors: 0, fail: 0, pass: 0, projects: projects.length, skip: 0, warn: 0}
  for (const project of projects) {
    if (project.error) summary.errors++
    for (const check of project.checks) summary[check.status]++
  }

  return {exitCode: summary.fail > 0 || summary.errors > 0 ? 1 : 0, projects, strict: Boolean(options.strict), summary}
}

