/** The notice: what kedro-telemetry collects in one version. */
import type {Notice, Treatment} from '../notice/notice.js'
import {displayPath} from './paths.js'
import {renderTable, type Style} from './style.js'

const TREATMENT_LABEL: Record<Treatment, string> = {
  count: 'counted', derived: 'derived', hashed: 'hashed (SHA-512)', masked: 'masked (values become *****)', raw: 'as they are',
}

export function renderNotice(notice: Notice, style: Style): string {
  const {chalk} = style
  const rows = notice.fields.map((field) => [field.name, field.treatment, field.example.input, field.example.sent, field.note])
  return [
    chalk.bold(`What kedro-telemetry ${notice.telemetryVersions} collects (${notice.model} model; notice ${notice.version})`),
    `Sent to: ${notice.endpoint}`,
    ...notice.events.map((event) => `Events: ${event}`),
    renderTable(style, rows, ['field', 'sent', 'example input', 'the collector receives', 'note']),
    chalk.bold('Never sent:'),
    ...notice.neverSees.map((item) => `  - ${item}`),
    chalk.bold('Seen anyway:'),
    ...notice.seesAnyway.map((item) => `  - ${item}`),
    ...notice.estimated.map((item) => chalk.yellow(`Estimated: ${item}`)),
  ].join('\n')
}

/**
 * The consent screen of `opt-in`: the same notice, one line per kind of field, so that it fits a terminal screen
 * before the question. `telemetry notice` has every field with an example.
 */
export function renderConsentScreen({notice, projectRoot}: {notice: Notice; projectRoot: null | string}, style: Style): string {
  const {chalk} = style
  const byTreatment = new Map<Treatment, string[]>()
  for (const field of notice.fields) byTreatment.set(field.treatment, [...(byTreatment.get(field.treatment) ?? []), field.name])
  return [
    chalk.bold(`What kedro-telemetry ${notice.telemetryVersions} sends (notice ${notice.version})`),
    `To: ${notice.endpoint}`,
    `When: ${notice.events[0]}`,
    chalk.bold('Fields:'),
    ...[...byTreatment].map(([treatment, names]) => `  ${TREATMENT_LABEL[treatment]}: ${names.join(', ')}`),
    `${chalk.bold('Never sent:')} ${notice.neverSees.join('; ')}`,
    `${chalk.bold('Seen anyway:')} ${notice.seesAnyway.join('; ')}`,
    ...notice.estimated.map((item) => chalk.yellow(`Estimated: ${item}`)),
    chalk.dim('Every field with an example: telemetry notice. Undo at any time: telemetry opt-out.'),
    ...(projectRoot === null ? [] : [`${chalk.bold('Project:')} ${displayPath(projectRoot)}`]),
  ].join('\n')
}
