/** The audit's verdict: --strict applied, the counts, the exit code, and the one-line summary. */
import path from 'node:path'

import type {AuditReport, ProjectAudit} from './report.js'

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

  const policies = [...new Set(projects.map((project) => project.policy).filter((policy) => policy !== null))]
  return {exitCode: summary.fail > 0 || summary.errors > 0 ? 1 : 0, policies, projects, strict, summary}
}

export function summaryLine(report: AuditReport): string {
  const {summary} = report
  return `${summary.projects} project(s): ${summary.pass} passed, ${summary.fail} failed, ${summary.warn} warned, ${summary.skip} skipped` +
    (summary.errors > 0 ? `, ${summary.errors} could not be audited` : '') + (report.strict ? ' (--strict: warnings fail)' : '')
}

/** The team policies applied, relative to `base`, or null when none was. */
export function policiesLine(report: AuditReport, base: string): null | string {
  if (report.policies.length === 0) return null
  return `Team ${report.policies.length === 1 ? 'policy' : 'policies'}: ${report.policies.map((file) => path.relative(base, file) || file).join(', ')}`
}
