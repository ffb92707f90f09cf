/** `telemetry enforce`: per project, what changed (or would), and what still needs a person. */
import type {EnforceReport} from '../enforce/enforce.js'
import {displayPath} from './paths.js'
import type {Style} from './style.js'

export function renderEnforce(report: EnforceReport, style: Style): string {
  const {chalk} = style
  const lines: string[] = []
  for (const project of report.projects) {
    lines.push(chalk.bold(displayPath(project.root)))
    if (project.error) lines.push(`  ${chalk.red('error')}: ${project.error}`)
    else if (project.policy === null) lines.push(chalk.dim('  no team policy governs it: left alone'))
    for (const change of project.changes) lines.push(`  ${report.dryRun ? 'would change' : chalk.green('changed')} ${displayPath(change.file)}: ${change.summary}`)
    if (project.policy !== null && !project.error && project.changes.length === 0) lines.push(chalk.dim('  nothing to change'))
    for (const step of project.manual) lines.push(`  ${chalk.yellow('needs a person')}: ${step.id}: ${step.summary}${step.remedy ? `; to fix: ${step.remedy}` : ''}`)
  }

  const {summary} = report
  const verb = report.dryRun ? 'would change' : 'changed'
  lines.push('', `${summary.projects} project(s): ${summary.changed} ${verb}, ${summary.manual} need a person` +
    (summary.ungoverned > 0 ? `, ${summary.ungoverned} without a policy` : '') + (summary.errors > 0 ? `, ${summary.errors} failed` : '') +
    (report.dryRun ? ' (dry run: nothing was written)' : ''))
  if (report.policies.length > 0) lines.push(`Team ${report.policies.length === 1 ? 'policy' : 'policies'}: ${report.policies.map((file) => displayPath(file)).join(', ')}`)
  return lines.join('\n')
}
