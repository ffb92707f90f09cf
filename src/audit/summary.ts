/** The audit's verdict: --strict applied, the counts, the exit code, and the one-line summary. */
import type {AuditReport, ProjectAudit} from './audit.js'

/** The report of `projects`: with `strict`, warnings become failures; exit 1 when a check failed or a project could not be audited. */
export function summarise(projects: ProjectAudit[], strict: boolean): AuditReport {
  if (strict) {
    for (const project of projects) for (const check of project.checks) if (check.status === 'warn') check.status = 'fail'
  }

  const summary: AuditReport['summary'] = {errors: 0, fail: 0, pass: 0, projects: projects.length, skip: 0, warn: 0}
  for (const project of projects) {
    if (project.error) summary.errors++
    for (const check of project.checks) summary[check.status]++
  }

  return {exitCode: summary.fail > 0 || summary.errors > 0 ? 1 : 0, projects, strict, summary}
}

export function summaryLine(report: AuditReport): string {
  const {summary} = report
  return `${summary.projects} project(s): ${summary.pass} passed, ${summary.fail} failed, ${summary.warn} warned, ${summary.skip} skipped` +
    (summary.errors > 0 ? `, ${summary.errors} could not be audited` : '') + (report.strict ? ' (--strict: warnings fail)' : '')
}
