/** Human-readable output of opt-in, opt-out and revoke. */
import type {ChangeResult, ConsentPlan} from '../consent/change.js'
import {erasureStatement} from '../consent/erasure.js'
import {renderTable, type Style} from './style.js'

const VERB = {'opt-in': 'Opted in', 'opt-out': 'Opted out', revoke: 'Consent revoked'} as const

export function renderChange(result: ChangeResult, style: Style): string {
  const {chalk} = style
  const lines: string[] = []
  const {file, git} = result
  if (file) {
    const state = file.changed ? `${file.path} now says consent: ${result.consent}` : `${file.path} already said consent: ${result.consent} (unchanged)`
    lines.push(`${chalk.bold(VERB[result.action])}: ${state}`)
    if (file.fixedMisread) lines.push(chalk.yellow(`Fixed: it said consent: ${file.fixedMisread}, which kedro does not read as a yes or no`))
    if (file.backup) lines.push(chalk.yellow(`The old file could not be edited (${file.forcedOver}); it was saved as ${file.backup}`))
  } else {
    lines.push(`${chalk.bold(VERB[result.action])}: not in a Kedro project, so no .telemetry was written`)
  }

  const ignore = git.gitignore
  // A skipped check (no git, --no-gitignore) is quiet here; --json says why.
  if (ignore.action === 'append') lines.push(`Added .telemetry to ${ignore.file}, so git ignores it: commit ${ignore.file}, so that the rule holds for everyone who clones`)
  else if (ignore.action === 'already-ignored') lines.push(`git already ignores .telemetry${ignore.file ? ` (${ignore.file})` : ''}`)
  if (git.untracked) lines.push('Ran `git rm --cached .telemetry`: commit that removal so the file leaves the repository')

  if (result.revoke) {
    lines.push(result.revoke.userIdRemoved ? `Deleted the user id from ${result.revoke.userIdPath}` : `User id in ${result.revoke.userIdPath}: ${result.identifiers.userId ? 'kept' : 'none to delete'}`)
    if (result.revoke.projectIdRemoved) lines.push('Removed [tool.kedro_telemetry] from pyproject.toml (commit the change; kedro adds a new one only if it sends again)')
  }

  if (result.ci?.githubEnv) {
    lines.push(result.ci.appended?.length
      ? `Appended ${result.ci.appended.join(', ')} to $GITHUB_ENV: later steps of this job run with telemetry off`
      : '$GITHUB_ENV already sets DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1')
  }

  const verdict = result.after.willSend ? chalk.yellow('will send') : chalk.green('will not send')
  const when = result.ci ? (result.ci.githubEnv ? 'in the later steps of this job' : 'once the export lines are evaluated') : 'from here'
  lines.push(`kedro-telemetry now ${verdict} ${when} (decided by ${result.after.decidedBy})`)
  lines.push(chalk.dim(`Recorded in ${result.history.file} (notice ${result.noticeVersion})`))
  for (const warning of result.warnings) lines.push(chalk.yellow(`Warning: ${warning}`))
  return lines.join('\n')
}

/** What revoke shows before it deletes anything. */
export function renderIdentifiers(plan: ConsentPlan, style: Style): string {
  const {identifiers} = plan
  const rows = [
    ['user id', identifiers.userId ?? 'none on this machine'],
    ['project id (raw)', identifiers.projectId ?? 'none'],
    ['project id as sent', identifiers.hashedProjectId ?? 'none'],
  ]
  return `${style.chalk.bold('Identifiers the collector may hold')}\n${renderTable(style, rows)}\n${erasureStatement(identifiers)}`
}

/** The export lines of `opt-out --ci` outside GitHub Actions, alone on stdout so that `eval "$(...)"` works. */
export function renderExports(result: ChangeResult): string {
  return result.ci?.exports.join('\n') ?? ''
}
