/** TEL009: the decision is recorded. */
import {buildNotice, isCurrentNotice} from '../../notice/notice.js'
import {LATEST_KNOWN_TELEMETRY_VERSION} from '../../project/versions.js'
import {telemetryRulesFor} from '../../releases/releases.js'
import {type Check, type CheckDefinition, failing, result} from './check.js'

const definition: CheckDefinition = {
  description: 'The current decision in .telemetry has a record in `telemetry history` on this machine, made under the notice for the applicable kedro-telemetry version.',
  help: 'Run `telemetry opt-out` or `telemetry opt-in` to record the decision.',
  fixedBy: ['consent'],
  id: 'TEL009', name: 'consent-recorded', severity: 'warn', title: 'The decision is recorded',
}

export const consentRecorded: Check = {
  definition,
  run({history, status}) {
    if (!status.file.valid) return result(definition, failing(definition), 'no explicit decision to have recorded')
    const version = telemetryRulesFor(status.project.telemetryVersion).release?.version ?? LATEST_KNOWN_TELEMETRY_VERSION
    const notice = buildNotice(version)
    const latest = history.records.filter((record) => record.projectRoot === status.project.root).at(-1)
    if (!latest) return result(definition, failing(definition), 'the decision in .telemetry has no record in this machine\'s history')
    if (latest.consent !== status.file.consent) return result(definition, failing(definition), `the last recorded decision (${latest.action}, ${latest.time}) differs from .telemetry`)
    if (!isCurrentNotice(latest.noticeVersion, notice)) return result(definition, failing(definition), `recorded under notice ${latest.noticeVersion}, the current one is ${notice.version}`)
    return result(definition, 'pass', `recorded ${latest.time} (${latest.action}, ${latest.how}, notice ${notice.version})`)
  },
}
