/** `telemetry guard`: what would be committed that must not be, and the projects that do not ignore .telemetry. */
import type {GuardReport} from '../audit/guard.js'
import {shellWord} from '../shell.js'
import {displayPath} from './paths.js'
import type {Style} from './style.js'

export function renderGuard(report: GuardReport, style: Style): string {
  const {chalk} = style
  const lines: string[] = []
  for (const file of report.staged) {
    lines.push(`${chalk.red('refused')}: ${file} is about to be committed: a consent decision is personal. Unstage it with \`git rm --cached -- ${shellWord(file)}\`.`)
  }

  for (const project of report.projects) {
    if (project.ignored === false) lines.push(`${chalk.red('not ignored')}: ${displayPath(project.root)}: ${project.problem}`)
    else if (project.ignored === null) lines.push(`${chalk.yellow('unknown')}: ${displayPath(project.root)}: ${project.problem}`)
  }

  for (const index of report.indexes) {
    if (index.problem) lines.push(`${chalk.yellow('unknown')}: what ${displayPath(index.repository)} stages was not read: ${index.problem}`)
  }

  const guarded = report.projects.filter((project) => project.ignored).length
  const unread = report.indexes.some((index) => index.problem !== null)
  // "ok" only when every index and every project was checked: an unknown is not a pass.
  const unchecked = unread || report.projects.some((project) => project.ignored === null)
  const verdict = report.exitCode === 1 ? chalk.red('FAILED') : (unchecked ? chalk.yellow('not all checked') : chalk.green('ok'))
  lines.push(`${verdict}: ${report.staged.length} .telemetry staged${unread ? ' (in the indexes read)' : ''}; ${guarded} of ${report.projects.length} project(s) ignore .telemetry`)
  return lines.join('\n')
}
