/** The audit's checks: stable ids, what each verifies, and how to fix it. */
import {telemetryReleasesWith} from '../releases/releases.js'

export type CheckStatus = 'fail' | 'pass' | 'skip' | 'warn'

export interface CheckDefinition {
  /** What the check verifies, in full (SARIF fullDescription). */
  description: string
  /** How to fix a failure, with the `telemetry` command where there is one (SARIF help). */
  help: string
  id: string
  name: string
  /** The status when the check does not hold: fail, or warn (turned into fail by --strict). */
  severity: 'fail' | 'warn'
  title: string
}

export const CHECKS: CheckDefinition[] = [
  {
    description: `A valid, explicit consent decision exists in the project's .telemetry. Without one, kedro-telemetry ${telemetryReleasesWith('consentModel', 'opt-out')} sends usage data by default (implicit consent), and older versions block on a prompt. Data sent by implicit consent fails the check (--allow-implicit-consent makes it a warning); no decision while nothing is sent (an environment opt-out) warns.`,
    help: 'Run `telemetry opt-out` (or `telemetry opt-in`) in the project.',
    id: 'TEL001', name: 'consent-explicit', severity: 'warn', title: 'An explicit consent decision exists',
  },
  {
    description: '.telemetry parses as kedro-telemetry reads it (PyYAML safe_load) and says what the user meant: a value such as consent: "false", n or 0 is not a boolean for PyYAML and means implicit consent; a YAML error makes every kedro command fail.',
    help: 'Run `telemetry opt-out` to rewrite the value (or `telemetry opt-out --force` when the file does not parse).',
    id: 'TEL002', name: 'consent-file-valid', severity: 'fail', title: '.telemetry is read as intended',
  },
  {
    description: '.telemetry is ignored by a git rule, so a personal consent decision never lands in the repository.',
    help: 'Run `telemetry opt-out` or `telemetry opt-in` (both add .telemetry to .gitignore), or add a `.telemetry` line to .gitignore.',
    id: 'TEL003', name: 'consent-file-ignored', severity: 'fail', title: '.telemetry is gitignored',
  },
  {
    description: '.telemetry is not tracked now and was never committed on any branch: a committed decision is imposed on everyone who clones the repository, and stays in its history.',
    help: 'Run `telemetry opt-out --untrack` (git rm --cached .telemetry) and commit; removing it from history needs a history rewrite.',
    id: 'TEL004', name: 'consent-file-not-committed', severity: 'fail', title: '.telemetry was never committed',
  },
  {
    description: 'Every CI configuration that runs kedro also disables telemetry before it (DO_NOT_TRACK, KEDRO_DISABLE_TELEMETRY, or `telemetry opt-out --ci`): a fresh CI checkout has no .telemetry, so kedro sends usage data from CI by default.',
    help: 'Add a step that runs `telemetry opt-out --ci` before kedro, or set DO_NOT_TRACK=1 in the job\'s environment.',
    id: 'TEL005', name: 'ci-opt-out', severity: 'warn', title: 'CI disables telemetry before running kedro',
  },
  {
    description: 'For each kedro command checked, no value in the request kedro-telemetry would send matches the user name, home directory, host name, an absolute path, an email address, an environment variable\'s value or a credential pattern, and nothing is sent unmasked after a leading --help.',
    help: 'Do not put values after a leading --help/--version; see what a command sends with `telemetry preview KEDRO_ARGS...`; opt out with `telemetry opt-out`.',
    id: 'TEL006', name: 'payload-no-leak', severity: 'fail', title: 'The request leaks nothing personal',
  },
  {
    description: 'Where data is sent, the user id and the project id are pseudonymous, not anonymous: the user id is a persistent uuid, and the project id is an unsalted SHA-512 of a value committed in pyproject.toml, so anyone with the repository can recompute it. Skipped when nothing is sent.',
    help: 'Run `telemetry revoke` to delete the user id (and `--project-id` to remove the project id from pyproject.toml).',
    id: 'TEL007', name: 'identifiers', severity: 'warn', title: 'Identifiers are pseudonymous',
  },
  {
    description: `The installed kedro-telemetry has no known consent problem: ${telemetryReleasesWith('statisticsIgnoreConsent', true)} sent project statistics without consent; in releases ${telemetryReleasesWith('consentModel', 'opt-in')} the consent prompt blocks non-interactive runs; ${telemetryReleasesWith('datasetTypes', 'nested')} sent nested statistics that the collector rejected.`,
    help: 'Upgrade kedro-telemetry (pip install -U kedro-telemetry), and decide with `telemetry opt-out` or `telemetry opt-in`.',
    id: 'TEL008', name: 'telemetry-version', severity: 'warn', title: 'kedro-telemetry has no known consent problem',
  },
  {
    description: 'The current decision in .telemetry has a record in `telemetry history` on this machine, made under the notice for the applicable kedro-telemetry version.',
    help: 'Run `telemetry opt-out` or `telemetry opt-in` to record the decision.',
    id: 'TEL009', name: 'consent-recorded', severity: 'warn', title: 'The decision is recorded',
  },
]

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

export function definition(id: string): CheckDefinition {
  return CHECKS.find((check) => check.id === id)!
}

/** A result for check `id` with its status; a failing one carries the check's remedy, or `remedy` when given. */
export function result(id: string, status: CheckStatus, summary: string, evidence: Evidence[] = [], remedy?: string): CheckResult {
  const check = definition(id)
  return {evidence, id, name: check.name, remedy: status === 'pass' || status === 'skip' ? null : remedy ?? check.help, status, summary, title: check.title}
}

export function failing(id: string): CheckStatus {
  return definition(id).severity
}
