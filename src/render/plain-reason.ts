/** Why kedro-telemetry sends or not, in plain words; the rule's name and kedro's own terms are for --verbose. */
import type {ConsentDecision} from '../consent/rules.js'

export function plainReason(consent: Pick<ConsentDecision, 'decidedBy' | 'reason' | 'willSend'> & {kedroWouldFail?: boolean}): string {
  if (consent.kedroWouldFail) return consent.reason
  switch (consent.decidedBy) {
    case 'DO_NOT_TRACK':
    case 'KEDRO_DISABLE_TELEMETRY': {
      return `${consent.decidedBy} is set in this environment, so kedro sends nothing`
    }

    case 'telemetry-file': {
      return `your .telemetry file says ${consent.willSend ? 'yes' : 'no'}`
    }

    case 'default': {
      return consent.willSend ? 'nothing here says no, and kedro sends unless told not to' : consent.reason
    }

    default: {
      return consent.reason
    }
  }
}
