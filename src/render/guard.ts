/** `telemetry guard`: what would be committed that must not be, and the projects that do not ignore .telemetry. */
import type {GuardReport} from '../audit/guard.js'
import {displayPath} from './paths.js'
import type {Style} from './style.js'

export function renderGuard(report: GuardReport, style: Style): string {
  const {chalk} = style
  const lines: string[] = []
  for (const file of report.staged) {
    lines.push(`${chalk.red('refused')}: ${file} is about to be committed: a consent decision is personal. Unstage it with \`git rm --cached ${file}\`.`)
  }

  for (const project of report.projects) {
    if (project.ignored === false) lines.push(`${chalk.red('not ignored')}: ${displayPath(project.root)}: ${project.problem}`)
    else if (project.ignored === null) lines.push(`${chalk.yellow('unknown')}: ${displayPath(project.root)}: ${project.problem}`)
  }

  const guarded = report.projects.filter((project) => project.ignored).length
  lines.push(`${report.exitCode === 0 ? chalk.green('ok') : chalk.red('FAILED')}: ${report.staged.length} .telemetry staged; ${guarded} of ${report.projects.length} project(s) ignore .telemetry`)
  return lines.join('\n')
}
