/** The audit as a table: one row per check per project, coloured by status, and a summary line. */
import path from 'node:path'

import type {AuditReport} from '../audit/audit.js'
import {policiesLine, summaryLine} from '../audit/summary.js'
import {renderTable, type Style} from './style.js'

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
    for (const check of project.checks) {
      if (onlyFailures && (check.status === 'pass' || check.status === 'skip')) continue
      const first = check.evidence[0]
      // Evidence about the project folder itself (no decision anywhere) needs no location.
      const where = first?.file ? path.relative(base, first.file) : ''
      const evidence = first ? ` (${where ? `${where}${first.line ? `:${first.line}` : ''}: ` : ''}${first.message})` : ''
      const fix = (check.status === 'fail' || check.status === 'warn') && check.remedy ? `\n${chalk.bold('fix:')} ${check.remedy}` : ''
      rows.push([name, `${check.id} ${check.name}`, paint[check.status](check.status), `${check.summary}${check.status === 'pass' ? '' : evidence}${fix}`])
    }
  }

  const verdict = report.exitCode === 0 ? chalk.green.bold('PASSED') : chalk.red.bold('FAILED')
  const policies = policiesLine(report, base)
  return `${renderTable(style, rows, ['project', 'check', 'status', 'finding'])}\n${verdict}: ${summaryLine(report)}${policies ? `\n${policies}` : ''}`
}
