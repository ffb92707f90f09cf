/** TEL008: kedro-telemetry has no known consent problem. */
import {telemetryReleasesWith, telemetryRulesFor} from '../../releases/releases.js'
import {type Check, type CheckDefinition, result} from './check.js'

const definition: CheckDefinition = {
  description: `The installed kedro-telemetry has no known consent problem: ${telemetryReleasesWith('statisticsIgnoreConsent', true)} sent project statistics without consent; in releases ${telemetryReleasesWith('consentModel', 'opt-in')} the consent prompt blocks non-interactive runs; ${telemetryReleasesWith('datasetTypes', 'nested')} sent nested statistics that the collector rejected.`,
  help: 'Upgrade kedro-telemetry (pip install -U kedro-telemetry), and decide with `telemetry opt-out` or `telemetry opt-in`.',
  id: 'TEL008', name: 'telemetry-version', severity: 'warn', title: 'kedro-telemetry has no known consent problem',
}

export const telemetryVersion: Check = {
  definition,
  run({status}) {
    const {telemetryVersion: version, telemetryVersionDetail: detail, telemetryVersionSource: source} = status.project
    if (source === 'not-installed') return result(definition, 'pass', 'kedro-telemetry is not installed: nothing is sent')
    const {estimated, release} = telemetryRulesFor(version)
    if (source === 'assumed' || !release || estimated) return result(definition, 'skip', `the installed version is unknown (${detail})`)
    const evidence = [{message: `kedro-telemetry ${version} (${source}: ${detail})`}]
    if (release.statisticsIgnoreConsent) return result(definition, 'fail', `${version} sends project statistics without consent`, evidence)
    if (release.consentModel === 'opt-in') return result(definition, 'warn', `${version} blocks non-interactive runs at its consent prompt`, evidence)
    if (release.datasetTypes === 'nested') return result(definition, 'warn', `${version} sends nested statistics that the collector rejects`, evidence)
    return result(definition, 'pass', `${version} has no known consent problem`, evidence)
  },
}
