/** TEL007: identifiers are pseudonymous. */
import {telemetryRulesFor} from '../../releases/releases.js'
import {type Check, type CheckDefinition, type Evidence, failing, result} from './check.js'

const definition: CheckDefinition = {
  description: 'Where data is sent, the user id and the project id are pseudonymous, not anonymous: the user id is a persistent uuid, and the project id is an unsalted SHA-512 of a value committed in pyproject.toml, so anyone with the repository can recompute it. Skipped when nothing is sent.',
  help: 'Run `telemetry revoke` to delete the user id (and `--project-id` to remove the project id from pyproject.toml).',
  id: 'TEL007', name: 'identifiers', severity: 'warn', title: 'Identifiers are pseudonymous',
}

export const identifiers: Check = {
  definition,
  run({status}) {
    const {consent, identity} = status
    // Identifiers matter where they are sent: with nothing sent from here, they stay on this machine (0.2.2-0.2.3
    // sent their statistics, identity included, even without consent).
    const sendsAnyway = telemetryRulesFor(status.project.telemetryVersion).release?.statisticsIgnoreConsent ?? false
    if (!consent.willSend && !sendsAnyway) return result(definition, 'skip', `nothing is sent from here (${consent.decidedBy}), so no identifier leaves this machine`)
    const evidence: Evidence[] = []
    if (identity.projectId) evidence.push({file: identity.pyprojectPath ?? undefined, message: identity.projectIdNote})
    if (identity.userId) evidence.push({file: identity.userIdPath, message: 'a persistent user uuid, sent with every request'})
    return evidence.length === 0
      ? result(definition, 'pass', 'no identifiers exist yet')
      : result(definition, failing(definition), `pseudonymous, not anonymous: ${[
        identity.projectId ? 'the project id is an unsalted SHA-512 of a value in pyproject.toml' : '',
        identity.userId ? 'the user id is a persistent uuid' : '',
      ].filter(Boolean).join('; ')}`, evidence)
  },
}
