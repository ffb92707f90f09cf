/** The audit as a table: one row per check per project, coloured by status, and a summary line. */
import path from 'node:path'

import type {AuditReport, ProjectAudit} from '../audit/audit.js'
import {policiesLine, summaryLine} from '../audit/summary.js'
import {renderTable, type Style} from './style.js'

/** A check's finding: its summary, where the evidence is (unless it passed), and the fix under a failure or warning. */
function finding(check: ProjectAudit['checks'][number], base: string, style: Style): string {
  const first = check.evidence[0]
  // Evidence about the folder the audit ran in (the project itself: no decision anywhere) needs no location.
  const shown = first?.file ? path.relative(base, first.file) : ''
  const where = shown ? `${shown}${first.line ? `:${first.line}` : ''}: ` : ''
  const evidence = first && check.status !== 'pass' ? ` (${where}${first.message})` : ''
  const fix = (check.status === 'fail' || check.status === 'warn') && check.remedy ? `\n${style.chalk.bold('fix:')} ${check.remedy}` : ''
  return `${check.summary}${evidence}${fix}`
}

/**
 * `onlyFailures` leaves out the checks that passed or were skipped; the summary line still counts every check. Under
 * each failing or warning check, the one command or edit that fixes it.
 */
export function renderAudit(report: AuditReport, style: Style, base: string, onlyFailures = false): string {
  const {chalk} = style
  const paint = {fail: chalk.red, pass: chalk.green, skip: chalk.dim, warn: chalk.yellow}
  const rows: string[][] = []
  for (const project of report.projects) {
    const name = path.relative(base, project.root) || '.'
    if (project.error) rows.push([name, '-', chalk.red('error'), project.error])
    const shown = project.checks.filter((check) => !onlyFailures || check.status === 'fail' || check.status === 'warn')
    for (const check of shown) rows.push([name, `${check.id} ${check.name}`, paint[check.status](check.status), finding(check, base, style)])
  }

  const verdict = report.exitCode === 0 ? chalk.green.bold('PASSED') : chalk.red.bold('FAILED')
  const policies = policiesLine(report, base)
  return `${renderTable(style, rows, ['project', 'check', 'status', 'finding'])}\n${verdict}: ${summaryLine(report)}${policies ? `\n${policies}` : ''}`
}
