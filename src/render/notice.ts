/** The notice: what kedro-telemetry collects in one version. */
import type {Notice} from '../notice/notice.js'
import {renderTable, type Style} from './style.js'

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
