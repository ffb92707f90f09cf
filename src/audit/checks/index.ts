/** The audit's checks, in id order: each file holds one check's definition beside its code. */
import type {Check, CheckContext, CheckDefinition, CheckResult} from './check.js'
import {ciOptOut} from './ci-opt-out.js'
import {consentExplicit} from './consent-explicit.js'
import {consentFileIgnored} from './consent-file-ignored.js'
import {consentFileNotCommitted} from './consent-file-not-committed.js'
import {consentFileValid} from './consent-file-valid.js'
import {consentRecorded} from './consent-recorded.js'
import {identifiers} from './identifiers.js'
import {payloadNoLeak} from './payload-no-leak.js'
import {policyMet} from './policy-met.js'
import {stackTelemetry} from './stack-telemetry.js'
import {telemetryVersion} from './telemetry-version.js'

const ALL: Check[] = [
  consentExplicit, consentFileValid, consentFileIgnored, consentFileNotCommitted, ciOptOut, payloadNoLeak, identifiers, telemetryVersion, consentRecorded,
  policyMet, stackTelemetry,
]

/** Every check's definition (the SARIF rules, docs/audit-checks.md). */
export const CHECKS: CheckDefinition[] = ALL.map((check) => check.definition)

/** Runs every check on one project, one after another, in id order. */
export async function runChecks(context: CheckContext): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const check of ALL) results.push(await check.run(context))
  return results
}

export {type Check, type CheckContext, type CheckDefinition, type CheckResult, type CheckStatus, type EnforcedChange, type Evidence, failing, result} from './check.js'
