/**
 * What every audit check is: its definition (id, name, what it verifies, the remedy) beside the code that runs it, and
 * what a check is given about one project.
 */
import type {HistoryReading} from '../../history/history.js'
import type {StatusReport} from '../../status/status.js'
import type {CiFile} from '../ci-files.js'
import type {ProjectAt} from '../../project/project.js'

export type CheckStatus = 'fail' | 'pass' | 'skip' | 'warn'

/** The changes `telemetry enforce` makes: the consent decision in .telemetry, and the .gitignore guard. */
export type EnforcedChange = 'consent' | 'gitignore'

export interface CheckDefinition {
  /** What the check verifies, in full (SARIF fullDescription). */
  description: string
  /** The enforce changes that make the check hold: a dry run does not list its failure as left for a person. */
  fixedBy?: EnforcedChange[]
  /** How to fix a failure, with the `telemetry` command where there is one (SARIF help). */
  help: string
  id: string
  name: string
  /** The status when the check does not hold: fail, or warn (turned into fail by --strict). */
  severity: 'fail' | 'warn'
  title: string
}

export interface Evidence {
  /** Absolute path of the file the evidence is in, when there is one. */
  file?: string
  line?: number
  message: string
}

export interface CheckResult {
  evidence: Evidence[]
  id: string
  name: string
  /** The remedy, when the check does not pass. */
  remedy: null | string
  status: CheckStatus
  summary: string
  title: string
}

/** What a check is given about one project. */
export interface CheckContext {
  /** Implicit consent (data sent without a decision) is a warning instead of a failure. */
  allowImplicitConsent: boolean
  ci: CiFile[]
  /** kedro commands given on the command line, in addition to those found in the project. */
  commands: string[]
  env: NodeJS.ProcessEnv
  history: HistoryReading
  /** The project root. */
  root: string
  /** The project as loaded at its root, once for every check (TEL006 builds its requests from it). */
  project: ProjectAt
  status: StatusReport
  /** The project's .telemetry, at its `consent:` line: where TEL001, TEL002 and TEL004 point (read once). */
  telemetryFile: Evidence
}

export interface Check {
  definition: CheckDefinition
  run: (context: CheckContext) => CheckResult | Promise<CheckResult>
}

/** A result of `check` with its status; a failing one carries the check's remedy, or `remedy` when given. */
export function result(check: CheckDefinition, status: CheckStatus, summary: string, evidence: Evidence[] = [], remedy?: string): CheckResult {
  return {evidence, id: check.id, name: check.name, remedy: status === 'pass' || status === 'skip' ? null : remedy ?? check.help, status, summary, title: check.title}
}

/** The status of `check` when it does not hold. */
export function failing(check: CheckDefinition): CheckStatus {
  return check.severity
}
