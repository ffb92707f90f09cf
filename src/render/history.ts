/** `telemetry history`: the decisions recorded on this machine. */
import type {HistoryReading} from '../history/history.js'
import {renderTable, type Style} from './style.js'

export function renderHistory(reading: HistoryReading, style: Style): string {
  if (reading.records.length === 0) return `No consent decisions recorded yet (${reading.file}).`
  const rows = reading.records.map((record) => [
    record.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    record.action,
    String(record.consent),
    record.projectRoot ?? '(no project: environment only)',
    record.how,
    record.noticeVersion,
    `${record.toolVersion} / ${record.telemetryVersion ?? 'not installed'}`,
  ])
  return `${renderTable(style, rows, ['time (UTC)', 'action', 'consent', 'project', 'how', 'notice', 'tool / kedro-telemetry'])}\n${style.chalk.dim(reading.file)}`
}
