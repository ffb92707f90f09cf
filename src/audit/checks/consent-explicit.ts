/** TEL001: an explicit consent decision exists. */
import {telemetryReleasesWith} from '../../releases/releases.js'
import {type Check, type CheckDefinition, type Evidence, result} from './check.js'

const definition: CheckDefinition = {
  description: `A valid, explicit consent decision exists in the project's .telemetry. Without one, kedro-telemetry ${telemetryReleasesWith('consentModel', 'opt-out')} sends usage data by default (implicit consent), and older versions block on a prompt. Data sent by implicit consent fails the check (--allow-implicit-consent makes it a warning); no decision while nothing is sent (an environment opt-out) warns.`,
  help: 'Run `telemetry opt-out` (or `telemetry opt-in`) in the project.',
  fixedBy: ['consent'],
  id: 'TEL001', name: 'consent-explicit', severity: 'warn', title: 'An explicit consent decision exists',
}

export const consentExplicit: Check = {
  definition,
  run({allowImplicitConsent, status, telemetryFile: where}) {
    const {consent, file} = status
    if (file.valid) return result(definition, 'pass', `.telemetry says consent: ${file.rawConsent}`, [{...where, message: `consent: ${file.rawConsent}`}])
    // Data sent although nobody said yes is the main finding of a privacy checklist: it fails unless the audit is
    // told to accept implicit consent. Without a decision but with nothing sent (an environment opt-out), it warns.
    const sendsImplicitly = consent.willSend && consent.implicit
    const undecided = sendsImplicitly && !allowImplicitConsent ? 'fail' : 'warn'
    // The finding points at the .telemetry that holds the decision, or at the project folder when there is none.
    const decisionWhere: Evidence = file.exists ? where : {file: status.project.root ?? undefined, message: 'no .telemetry in the project'}
    const summary = consent.promptPending
      ? 'No consent decision exists: kedro-telemetry would prompt; a run without a terminal aborts the question (leaving .telemetry empty) or waits at it.'
      : (sendsImplicitly ? 'No consent decision exists, so kedro sends usage data by default (implicit consent: nobody said yes).' : `No consent decision exists in the project; nothing is sent from here (${consent.decidedBy}).`)
    // Where data goes out by default for want of any .telemetry, the summary says why already: the evidence only says so.
    return result(definition, undecided, summary, [sendsImplicitly && !file.exists ? decisionWhere : {...decisionWhere, message: consent.reason}])
  },
}
