/** Human-readable output of opt-in, opt-out and revoke. */
import {plainReason} from './plain-reason.js'
import type {ChangeResult, ConsentPlan} from '../consent/change.js'
import {erasureStatement} from '../consent/erasure.js'
import type {MachineWideFile, MachineWideUndoResult} from '../consent/machine-wide.js'
import {displayPath, homePath} from './paths.js'
import {renderTable, type Style} from './style.js'

const VERB = {'opt-in': 'Opted in', 'opt-out': 'Opted out', revoke: 'Consent revoked'} as const

/** What happened to .telemetry (or why none was written). */
function fileLines(result: ChangeResult, style: Style): string[] {
  const {chalk} = style
  const {file} = result
  if (!file) return result.machineWide ? [] : [`${chalk.bold(VERB[result.action])}: not in a Kedro project, so no .telemetry was written`]
  const shown = displayPath(file.path ?? '.telemetry')
  const state = file.changed ? `${shown} now says consent: ${result.consent}` : `${shown} already said consent: ${result.consent} (unchanged)`
  return [
    `${chalk.bold(VERB[result.action])}: ${state}`,
    ...(file.fixedMisread ? [chalk.yellow(`Fixed: it said consent: ${file.fixedMisread}, which kedro does not read as a yes or no`)] : []),
    ...(file.backup ? [chalk.yellow(`The old file could not be edited (${file.forcedOver}); it was saved as ${file.backup}`)] : []),
  ]
}

/** opt-out --global: the shell startup files changed, or already setting the variables. */
function machineWideLines({machineWide}: ChangeResult, style: Style): string[] {
  if (!machineWide) return []
  const appended = machineWide.filter((entry) => entry.action === 'append')
  const present = machineWide.filter((entry) => entry.action === 'present')
  return [
    ...(appended.length > 0 ? [`${style.chalk.bold('Opted out machine-wide')}: DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1 added to ${appended.map((entry) => shownFile(entry)).join(', ')}`] : []),
    ...(present.length > 0 ? [`Already set in ${present.map((entry) => homePath(entry.file)).join(', ')} (unchanged)`] : []),
    'New shells have it; for this one run: export DO_NOT_TRACK=1 KEDRO_DISABLE_TELEMETRY=1',
  ]
}

/** The .gitignore guard and an untracked .telemetry. A skipped check (no git, --no-gitignore) is quiet here; --json says why. */
function gitLines({git}: ChangeResult): string[] {
  const ignore = git.gitignore
  const ignoreFile = ignore.file === null ? '.gitignore' : displayPath(ignore.file)
  const lines: string[] = []
  if (ignore.action === 'append') lines.push(`Added .telemetry to ${ignoreFile}, so git ignores it: commit ${ignoreFile}, so that the rule holds for everyone who clones`)
  else if (ignore.action === 'already-ignored') lines.push(`git already ignores .telemetry${ignore.file ? ` (${ignoreFile})` : ''}`)
  if (git.untracked) lines.push('Ran `git rm --cached .telemetry`: commit that removal so the file leaves the repository')
  return lines
}

/** revoke's deletions, and opt-out --ci's $GITHUB_ENV. */
function identityAndCiLines(result: ChangeResult): string[] {
  const lines: string[] = []
  if (result.revoke) {
    const userIdFile = homePath(result.revoke.userIdPath)
    lines.push(result.revoke.userIdRemoved ? `Deleted the user id from ${userIdFile}` : `User id in ${userIdFile}: ${result.identifiers.userId ? 'kept' : 'none to delete'}`)
    if (result.revoke.projectIdRemoved) lines.push('Removed [tool.kedro_telemetry] from pyproject.toml (commit the change; kedro adds a new one only if it sends again)')
  }

  if (result.ci?.githubEnv) {
    lines.push(result.ci.appended?.length
      ? `Appended ${result.ci.appended.join(', ')} to $GITHUB_ENV: later steps of this job run with telemetry off`
      : '$GITHUB_ENV already sets DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1')
  }

  return lines
}

/** What kedro-telemetry now decides, where, and what was recorded. */
function afterLines(result: ChangeResult, style: Style): string[] {
  const {chalk} = style
  const verdict = result.after.willSend ? chalk.yellow('will send') : chalk.green('will not send')
  let when = result.machineWide ? 'in new shells of this user' : 'from here'
  if (result.ci) when = result.ci.githubEnv ? 'in the later steps of this job' : 'once the export lines are evaluated'
  const override = result.history.record.policyOverride
  return [
    `kedro-telemetry now ${verdict} ${when}: ${plainReason(result.after)}`,
    ...(override ? [chalk.yellow(`Against the team policy (${displayPath(override.file)}:${override.line}): "${override.reason}", recorded with the decision`)] : []),
    chalk.dim(`Recorded in ${homePath(result.history.file)} (notice ${result.noticeVersion})`),
    ...result.warnings.map((warning) => chalk.yellow(`Warning: ${warning}`)),
  ]
}

export function renderChange(result: ChangeResult, style: Style): string {
  return [
    ...fileLines(result, style), ...machineWideLines(result, style), ...gitLines(result), ...identityAndCiLines(result), ...afterLines(result, style),
  ].join('\n')
}

/** After what revoke did: what it cannot do (erase what was sent), and whom to ask. */
export function renderErasure(plan: ConsentPlan, style: Style): string {
  return style.chalk.dim(erasureStatement(plan.identifiers))
}

/** What revoke shows before it deletes anything: the identifiers, to quote in an erasure request. */
export function renderIdentifiers(plan: ConsentPlan, style: Style): string {
  const {identifiers} = plan
  const rows = [
    ['user id', identifiers.userId ?? (identifiers.userIdProblem ? `not read from ${homePath(identifiers.userIdPath)}: ${identifiers.userIdProblem}` : 'none on this machine')],
    ['project id (raw)', identifiers.projectId ?? 'none'],
    ['project id as sent', identifiers.hashedProjectId ?? 'none'],
  ]
  return `${style.chalk.bold('Identifiers the collector may hold')}\n${renderTable(style, rows)}`
}

/** The export lines of `opt-out --ci` outside GitHub Actions, alone on stdout so that `eval "$(...)"` works. */
export function renderExports(result: ChangeResult): string {
  return result.ci?.exports.join('\n') ?? ''
}

function shownFile(entry: MachineWideFile): string {
  return entry.target === entry.file ? homePath(entry.file) : `${homePath(entry.file)} (-> ${homePath(entry.target)})`
}

/** What opt-out --global is about to add, and where, before it asks. */
export function renderMachineWidePlan(files: MachineWideFile[], style: Style): string {
  const {chalk} = style
  const appended = files.filter((entry) => entry.action === 'append')
  if (appended.length === 0) return `Every startup file sets the variables already: ${files.map((entry) => homePath(entry.file)).join(', ')}`
  return [
    chalk.bold('opt-out --global adds these lines at the end of your shell startup files:'),
    ...appended.map((entry) => `  ${shownFile(entry)}: read by ${entry.readBy}`),
    ...appended[0].lines.map((line) => chalk.dim(`    ${line}`)),
    'Every shell started afterwards has them, so kedro sends nothing from any project here.',
  ].join('\n')
}

/** `opt-out --global --undo`: what was taken away from each startup file, and what was left. */
export function renderMachineWideUndo(result: MachineWideUndoResult, style: Style): string {
  const {chalk} = style
  const removed = result.files.filter((entry) => entry.action === 'removed')
  const changed = result.files.filter((entry) => entry.action === 'changed')
  const lines = removed.length > 0
    ? [`${chalk.bold('Machine-wide opt-out undone')}: the lines \`telemetry opt-out --global\` added were removed from ${removed.map((entry) => homePath(entry.file)).join(', ')}, each file as it was before`]
    : ['No startup file holds the lines `telemetry opt-out --global` adds: nothing was removed']
  for (const entry of changed) lines.push(chalk.yellow(`Left as it is: ${homePath(entry.file)} has the mark line but not the lines written after it (changed by hand): remove them yourself`))
  if (removed.length > 0) lines.push('New shells no longer get DO_NOT_TRACK or KEDRO_DISABLE_TELEMETRY from these files; `telemetry status` shows what decides now')
  return lines.join('\n')
}
