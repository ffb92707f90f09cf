/** `telemetry enforce`: per project, what changed (or would), and what still needs a person. */
import type {EnforceReport} from '../enforce/enforce.js'
import {displayPath} from './paths.js'
import type {Style} from './style.js'

function projectLines(project: EnforceReport['projects'][number], dryRun: boolean, {chalk}: Style): string[] {
  const lines = [chalk.bold(displayPath(project.root))]
  if (project.error) lines.push(`  ${chalk.red('error')}: ${project.error}`)
  else if (project.policy === null) lines.push(chalk.dim('  no team policy governs it: left alone'))
  for (const change of project.changes) lines.push(`  ${dryRun ? 'would change' : chalk.green('changed')} ${displayPath(change.file)}: ${change.summary}`)
  if (project.policy !== null && !project.error && project.changes.length === 0) lines.push(chalk.dim('  nothing to change'))
  for (const step of project.manual) lines.push(`  ${chalk.yellow('needs a person')}: ${step.id}: ${step.summary}${step.remedy ? `; to fix: ${step.remedy}` : ''}`)
  return lines
}

function summaryLine({dryRun, summary}: EnforceReport): string {
  const verb = dryRun ? 'would change' : 'changed'
  return `${summary.projects} project(s): ${summary.changed} ${verb}, ${summary.manual} need a person` +
    (summary.ungoverned > 0 ? `, ${summary.ungoverned} without a policy` : '') + (summary.errors > 0 ? `, ${summary.errors} failed` : '') +
    (dryRun ? ' (dry run: nothing was written)' : '')
}

export function renderEnforce(report: EnforceReport, style: Style): string {
  const lines = report.projects.flatMap((project) => projectLines(project, report.dryRun, style))
  lines.push('', summaryLine(report))
  if (report.policies.length > 0) lines.push(`Team ${report.policies.length === 1 ? 'policy' : 'policies'}: ${report.policies.map((file) => displayPath(file)).join(', ')}`)
  return lines.join('\n')
}
