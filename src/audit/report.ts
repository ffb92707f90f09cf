/** What an audit reports: its own module, so that the summary, which reads it, does not import the audit runner. */
import type {CheckResult, CheckStatus} from './checks/index.js'

export interface ProjectAudit {
  checks: CheckResult[]
  /** Set when the project could not be audited at all; the other projects still are. */
  error: null | string
  /** The team policy applied to the project (its levels replace the defaults), or null. */
  policy: null | string
  root: string
}

export interface AuditReport {
  exitCode: 0 | 1
  /** Every team policy applied, once each. */
  policies: string[]
  projects: ProjectAudit[]
  strict: boolean
  summary: Record<CheckStatus | 'errors' | 'projects', number>
}
