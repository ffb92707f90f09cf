/**
 * What `telemetry status` reports about a project: its own module, so that the advice and the policy's evaluation,
 * which read it, do not import the status builder that uses them.
 */
import type {GitFileFacts, GitRefusal} from '../git/repository.js'
import type {MachineWideReading} from '../consent/machine-wide.js'
import type {ConsentDecision} from '../consent/rules.js'
import type {TelemetryFileReading} from '../consent/telemetry-file.js'
import type {PolicyEvaluation} from '../policy/policy.js'
import type {IgnoredPolicy} from '../policy/find.js'
import type {VersionSource} from '../project/versions.js'
import type {StackFinding} from '../stack/stack.js'

export interface StatusReport {
  advice: string
  ci: {
    kedroDetects: boolean
    kedroMatchedBy: null | string
    note: string
    wideDetects: boolean
    wideVendor: null | string
  }
  consent: ConsentDecision
  file: {
    consent: boolean | null
    estimated: null | string
    exists: boolean
    kedroWouldFail: boolean
    kind: TelemetryFileReading['kind'] | null
    meant: boolean | null
    path: null | string
    problem: null | string
    rawConsent: null | string
    symlink: boolean
    valid: boolean
  }
  git: {
    available: boolean
    /** Why git was not asked, or refused, about a repository that is there (dubious ownership, an unsafe file). */
    refusal: GitRefusal | null
    commits: GitFileFacts['commits']
    error: null | string
    everCommitted: boolean | null
    ignored: boolean | null
    ignoredBy: GitFileFacts['ignoredBy']
    note: null | string
    repository: boolean | null
    root: null | string
    tracked: boolean | null
  }
  identity: {
    hashedProjectId: null | string
    projectId: null | string
    projectIdCommitted: boolean | null
    projectIdNote: string
    pyprojectPath: null | string
    userId: null | string
    userIdExists: boolean
    userIdNote: null | string
    userIdPath: string
  }
  /**
   * The machine-wide opt-out (`opt-out --global`): lines of the user's shell startup files that leave the variables
   * exported, as a shell runs them, and those that name one where this tool cannot tell what the shell does.
   */
  machineWide: MachineWideReading & {
    /** The variables are set in this environment: the startup files were read by the shell that started us. */
    activeHere: boolean
  }
  path: string
  /** Team policy files above the project that may not govern it (outside any repository git trusts), and why. */
  ignoredPolicies: IgnoredPolicy[]
  /** Whether the project meets the team policy that governs it; null without one. */
  policy: null | PolicyEvaluation
  project: {
    isKedroProject: boolean
    kedroVersion: null | string
    kedroVersionDetail: string
    kedroVersionSource: VersionSource
    note: null | string
    packageName: null | string
    pythonEnvironment: null | {prefix: string; source: string}
    root: null | string
    telemetryVersion: null | string
    telemetryVersionDetail: string
    telemetryVersionSource: VersionSource
  }
  scope: string[]
  /** Other tools of the data stack the project brings in that send usage data by default, and whether each would here. */
  stack: StackFinding[]
  warnings: string[]
}
