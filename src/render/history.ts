/** `telemetry history`: the decisions recorded on this machine. */
import type {HistoryReading} from '../history/history.js'
import {displayPath, homePath} from './paths.js'
import {renderTable, type Style} from './style.js'

export function renderHistory(reading: HistoryReading, style: Style): string {
  if (reading.records.length === 0) return `No consent decisions recorded yet (${homePath(reading.file)}).`
  const entries = reading.records.map((record) => ({
    consent: String(record.consent),
    how: record.policyOverride ? `${record.how}, against the team policy: ${record.policyOverride.reason}` : record.how,
    project: [record.projectRoot && displayPath(record.projectRoot), record.machineWide && 'machine-wide'].filter(Boolean).join(', ') || '(no project: environment only)',
    record,
    time: record.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    versions: `${record.toolVersion} / ${record.telemetryVersion ?? 'not installed'}`,
  }))
  const file = style.chalk.dim(homePath(reading.file))
  if (style.tables) {
    // On a terminal an entry is two lines (three when wrapped), where a table of seven columns would become a list
    // of seven lines at 80 columns.
    const lines = entries.flatMap((entry) => [
      `${style.chalk.bold(entry.time)}  ${entry.record.action}  consent: ${entry.consent}  ${entry.project}`,
      style.chalk.dim(`  how: ${entry.how}; notice ${entry.record.noticeVersion}; kedro-consent / kedro-telemetry ${entry.versions}`),
    ])
    return `${lines.join('\n')}\n${file}`
  }

  const rows = entries.map((entry) => [entry.time, entry.record.action, entry.consent, entry.project, entry.how, entry.record.noticeVersion, entry.versions])
  return `${renderTable(style, rows, ['time (UTC)', 'action', 'consent', 'project', 'how', 'notice', 'tool / kedro-telemetry'])}\n${file}`
}
