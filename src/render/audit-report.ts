/** The audit report in the format asked for: the table for people, JSON, Markdown, JUnit XML or SARIF. */
import type {AuditReport} from '../audit/audit.js'
import type {AuditFormat} from './audit-format-names.js'
import {renderAudit} from './audit.js'
import {toCodeQuality, toJunit, toMarkdown, toSarif} from './audit-formats.js'
import {neutralise} from './escape.js'
import type {Style} from './style.js'

/** `base` is the folder paths are shown relative to; `style` is the terminal's (or a file's, for --output). */
export interface AuditReportOptions {
  base: string
  /** The table only: leave out the checks that passed or were skipped. */
  onlyFailures?: boolean
  style: Style
  toolVersion: string
}

export function formatAuditReport(report: AuditReport, format: AuditFormat, options: AuditReportOptions): string {
  switch (format) {
    case 'codequality': {
      return `${JSON.stringify(toCodeQuality(report, options.base), null, 2)}\n`
    }

    case 'json': {
      return `${JSON.stringify(report, null, 2)}\n`
    }

    case 'junit': {
      return toJunit(report, options.base)
    }

    case 'markdown': {
      return `${toMarkdown(report, options.base)}\n`
    }

    case 'sarif': {
      return `${JSON.stringify(toSarif(report, options.base, options.toolVersion), null, 2)}\n`
    }

    case 'table': {
      // Text from a checkout reaches the terminal only as printable characters.
      return `${renderAudit(neutralise(report), options.style, options.base, options.onlyFailures)}\n`
    }
  }
}
