/** Human-readable output of opt-in, opt-out and revoke. */
import {plainReason} from './plain-reason.js'
import type {ChangeResult, ConsentPlan} from '../consent/change.js'
import {erasureStatement} from '../consent/erasure.js'
import type {MachineWideFile, MachineWideUndoResult} from '../consent/machine-wide.js'
import {displayPath, homePath} from './paths.js'
import {renderTable, type Style} from './style.js'

const VERB = {'opt-in': 'Opted in', 'opt-out': 'Opted out', revoke: 'Consent revoked'} as const

export function renderChange(result: ChangeResult, style: Style): string {
  const {chalk} = style
  const lines: string[] = []
  const {file, git} = result
  if (file) {
    const shown = displayPath(file.path ?? '.telemetry')
    const state = file.changed ? `${shown} now says consent: ${result.consent}` : `${shown} already said consent: ${result.consent} (unchanged)`
    lines.push(`${chalk.bold(VERB[result.action])}: ${state}`)
    if (file.fixedMisread) lines.push(chalk.yellow(`Fixed: it said consent: ${file.fixedMisread}, which kedro does not read as a yes or no`))
    if (file.backup) lines.push(chalk.yellow(`The old file could not be edited (${file.forcedOver}); it was saved as ${file.backup}`))
  } else if (!result.machineWide) {
    lines.push(`${chalk.bold(VERB[result.action])}: not in a Kedro project, so no .telemetry was written`)
  }

  if (result.machineWide) {
    const appended = result.machineWide.filter((entry) => entry.action === 'append')
    const present = result.machineWide.filter((entry) => entry.action === 'present')
    if (appended.length > 0) lines.push(`${chalk.bold('Opted out machine-wide')}: DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1 added to ${appended.map((entry) => shownFile(entry)).join(', ')}`)
    if (present.length > 0) lines.push(`Already set in ${present.map((entry) => homePath(entry.file)).join(', ')} (unchanged)`)
    lines.push('New shells have it; for this one run: export DO_NOT_TRACK=1 KEDRO_DISABLE_TELEMETRY=1')
  }

  const ignore = git.gitignore
  // A skipped check (no git, --no-gitignore) is quiet here; --json says why.
  const ignoreFile = ignore.file === null ? '.gitignore' : displayPath(ignore.file)
  if (ignore.action === 'append') lines.push(`Added .telemetry to ${ignoreFile}, so git ignores it: commit ${ignoreFile}, so that the rule holds for everyone who clones`)
  else if (ignore.action === 'already-ignored') lines.push(`git already ignores .telemetry${ignore.file ? ` (${ignoreFile})` : ''}`)
  if (git.untracked) lines.push('Ran `git rm --cached .telemetry`: commit that removal so the file leaves the repository')

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

  const verdict = result.after.willSend ? chalk.yellow('will send') : chalk.green('will not send')
  const when = result.ci
    ? (result.ci.githubEnv ? 'in the later steps of this job' : 'once the export lines are evaluated')
    : (result.machineWide ? 'in new shells of this user' : 'from here')
  lines.push(`kedro-telemetry now ${verdict} ${when}: ${plainReason(result.after)}`)
  const override = result.history.record.policyOverride
  if (override) lines.push(chalk.yellow(`Against the team policy (${displayPath(override.file)}:${override.line}): "${override.reason}", recorded with the decision`))
  lines.push(chalk.dim(`Recorded in ${homePath(result.history.file)} (notice ${result.noticeVersion})`))
  for (const warning of result.warnings) lines.push(chalk.yellow(`Warning: ${warning}`))
  return lines.join('\n')
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
