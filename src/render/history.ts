/** `telemetry history`: the decisions recorded on this machine. */
import type {HistoryReading} from '../history/history.js'
import {displayPath, homePath} from './paths.js'
import {renderTable, type Style} from './style.js'

export function renderHistory(reading: HistoryReading, style: Style): string {
  if (reading.records.length === 0) return `No consent decisions recorded yet (${homePath(reading.file)}).`
  const rows = reading.records.map((record) => [
    record.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    record.action,
    String(record.consent),
    [record.projectRoot && displayPath(record.projectRoot), record.machineWide && 'machine-wide'].filter(Boolean).join(', ') || '(no project: environment only)',
    record.policyOverride ? `${record.how}, against the team policy: ${record.policyOverride.reason}` : record.how,
    record.noticeVersion,
    `${record.toolVersion} / ${record.telemetryVersion ?? 'not installed'}`,
  ])
  return `${renderTable(style, rows, ['time (UTC)', 'action', 'consent', 'project', 'how', 'notice', 'tool / kedro-telemetry'])}\n${style.chalk.dim(homePath(reading.file))}`
}
