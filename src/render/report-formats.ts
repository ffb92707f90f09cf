/**
 * The audit's report formats, one entry each: its name, what it is for, the file name ending the Action gives it, the
 * syntax its text is escaped in, and its renderer, loaded only when a report is written in it. The command's flags
 * and usage, the docs (scripts/docs.js) and the GitHub Action (action/report-formats.json, generated) read this list:
 * a new format is an entry here and its renderer's file.
 */
import path from 'node:path'

import type {AuditReport} from '../audit/audit.js'
import {InputError} from '../errors.js'
import type {Style} from './style.js'

/** `base` is the folder paths are shown relative to; `style` is the terminal's (or a file's, for --output). */
export interface AuditReportOptions {
  base: string
  /** The table only: leave out the checks that passed or were skipped. */
  onlyFailures?: boolean
  style: Style
  toolVersion: string
}

export type ReportRenderer = (report: AuditReport, options: AuditReportOptions) => string

export interface ReportFormat {
  description: string
  /** How the Action names a report file in this format: telemetry-audit.<extension>. */
  extension: string
  /** The syntax of its text, for escaping what a CI runner would read as a command (see ciInert). */
  flavour: 'json' | 'markdown' | 'text' | 'xml'
  name: string
  renderer: () => Promise<ReportRenderer>
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

export const REPORT_FORMATS = [
  {
    description: 'for people: on a terminal a boxed table coloured by status, plain columns otherwise, with the fix under each failing check',
    extension: 'txt', flavour: 'text', name: 'table',
    // Text from a checkout reaches the terminal only as printable characters.
    renderer: async () => {
      const [{renderAudit}, {neutralise}] = await Promise.all([import('./audit.js'), import('./escape.js')])
      return (report, options) => `${renderAudit(neutralise(report), options.style, options.base, options.onlyFailures)}\n`
    },
  },
  {
    description: 'the whole report (schemas/audit.schema.json); `--json` is the same', extension: 'json', flavour: 'json', name: 'json',
    renderer: async () => (report) => json(report),
  },
  {
    description: 'a summary and a table per project, with each remedy: a pull request comment or a job summary', extension: 'md', flavour: 'markdown', name: 'markdown',
    renderer: async () => {
      const {toMarkdown} = await import('./audit-formats.js')
      return (report, options) => `${toMarkdown(report, options.base)}\n`
    },
  },
  {
    description: 'JUnit XML, a test suite per project and a test case per check, for CI test reports', extension: 'xml', flavour: 'xml', name: 'junit',
    renderer: async () => {
      const {toJunit} = await import('./audit-formats.js')
      return (report, options) => toJunit(report, options.base)
    },
  },
  {
    description: 'SARIF 2.1.0, for GitHub code scanning', extension: 'sarif', flavour: 'json', name: 'sarif',
    renderer: async () => {
      const {toSarif} = await import('./audit-formats.js')
      return (report, options) => json(toSarif(report, options.base, options.toolVersion))
    },
  },
  {
    description: 'GitLab Code Quality, for merge requests (artifacts:reports:codequality)', extension: 'codequality.json', flavour: 'json', name: 'codequality',
    renderer: async () => {
      const {toCodeQuality} = await import('./audit-formats.js')
      return (report, options) => json(toCodeQuality(report, options.base))
    },
  },
] as const satisfies readonly ReportFormat[]

export type AuditFormat = (typeof REPORT_FORMATS)[number]['name']

export const AUDIT_FORMATS: AuditFormat[] = REPORT_FORMATS.map((format) => format.name)

export function reportFormat(name: AuditFormat): ReportFormat {
  return REPORT_FORMATS.find((format) => format.name === name)!
}

/** The report in `format`, its renderer loaded on first use. */
export async function formatAuditReport(report: AuditReport, format: AuditFormat, options: AuditReportOptions): Promise<string> {
  return (await reportFormat(format).renderer())(report, options)
}

/**
 * `--report FORMAT=FILE` values as targets; a wrong one, or a file named twice (by two --report or with --output),
 * is an InputError (exit 2) before anything runs.
 */
export function reportTargets(values: string[], output?: string): {file: string; format: AuditFormat}[] {
  const targets = values.map((value) => {
    const equals = value.indexOf('=')
    const format = value.slice(0, Math.max(0, equals)) as AuditFormat
    const file = value.slice(equals + 1)
    if (equals < 1 || !AUDIT_FORMATS.includes(format) || file === '') {
      throw new InputError(`--report ${value}: expected FORMAT=FILE, FORMAT one of ${AUDIT_FORMATS.join(', ')}`, {
        code: 'BAD_REPORT', hint: 'for example --report sarif=telemetry.sarif --report junit=telemetry.xml',
      })
    }

    return {file, format}
  })
  const named = [...targets.map((target) => target.file), ...(output === undefined ? [] : [output])].map((file) => path.resolve(file))
  const twice = named.find((file, index) => named.indexOf(file) !== index)
  if (twice !== undefined) {
    throw new InputError(`${twice} is named twice (by --report or --output): one file holds one report`, {code: 'BAD_REPORT', hint: 'give each report a file of its own'})
  }

  return targets
}
