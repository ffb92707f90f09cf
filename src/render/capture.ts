/** `telemetry capture` for people: what ran, each request caught (the body verbatim), the comparison, kedro's end. */
import type {CaptureResult} from '../capture/capture.js'
import type {FieldDifference} from '../capture/compare.js'
import {shellWord} from '../shell.js'
import {displayPath} from './paths.js'
import type {Rendered, Style} from './style.js'

function shown(value: unknown): string {
  if (value === undefined) return '(none)'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

function difference(item: FieldDifference, style: Style): string {
  const mark = item.previewEstimated === null ? style.chalk.red('the preview presented it as exact') : style.chalk.dim(`the preview said estimated: ${item.previewEstimated}`)
  return `  ${item.field}\n    preview:  ${shown(item.preview)}\n    captured: ${shown(item.captured)}\n    ${mark}`
}

function caughtLine({requests, warnings}: CaptureResult, {chalk}: Style): string {
  if (warnings.length > 0) return chalk.red.bold('Nothing was caught.')
  if (requests.length === 0) return chalk.green.bold('kedro-telemetry made no request.')
  return chalk.bold(`kedro-telemetry made ${requests.length} request${requests.length === 1 ? '' : 's'}, caught and answered here: NOTHING WAS SENT.`)
}

/** One comparison for people: exact, not available (why), or each difference with the preview's own mark. */
function comparisonLines(comparison: CaptureResult['comparison'], style: Style): Rendered {
  const {chalk} = style
  if (comparison.verdict === 'exact') return [chalk.green(`telemetry preview was exact: the same ${comparison.previewRequests === 1 ? 'request' : 'requests'}, byte for byte, but the timestamp.`)]
  if (comparison.verdict === 'unavailable') return [chalk.yellow(`No comparison with telemetry preview: ${comparison.note}`)]
  return [
    chalk.yellow.bold(`telemetry preview differed in ${comparison.differences.length} place${comparison.differences.length === 1 ? '' : 's'}:`),
    comparison.differences.map((item) => difference(item, style)).join('\n'),
  ]
}

export function renderCapture(result: CaptureResult, style: Style): Rendered {
  const {chalk} = style
  const {command, comparison, kedro, requests} = result
  const ran = ['kedro', ...command.args].map((word) => shellWord(word)).join(' ')
  const nodes = command.runNodes ? 'nodes ran' : 'no node ran: the runner was replaced (--run-nodes runs them)'
  const parts: Rendered = [`Ran ${ran} in ${displayPath(command.workingDirectory)} with ${displayPath(command.executable)}; ${nodes}.`]
  for (const warning of result.warnings) parts.push(chalk.red.bold(`Warning: ${warning}`))
  parts.push(caughtLine(result, style))
  for (const [index, request] of requests.entries()) {
    parts.push(`${index + 1}. ${request.method} ${request.url}  ${chalk.bold(request.event ?? '(not JSON)')}`, {verbatim: request.body})
  }

  for (const blocked of result.blocked) parts.push(chalk.yellow(`A connection to ${blocked.host} by another transport was refused before it started (not captured).`))
  if (result.changed.length > 0) {
    const files = result.changed.length > 3 ? `${result.changed.slice(0, 3).join(', ')} and ${result.changed.length - 3} more` : result.changed.join(', ')
    parts.push(chalk.yellow(`kedro changed ${files} as it ran: the preview reads the project as it is now, and kedro-telemetry read it before, so they may differ for that reason alone.`))
  }
  parts.push(...comparisonLines(comparison, style))
  // Where `telemetry preview` (its own look at the interpreter) would say otherwise than the capture's interpreter did.
  const {standalone} = result
  if (JSON.stringify(standalone) !== JSON.stringify(comparison)) {
    parts.push(chalk.yellow('As telemetry preview builds it here (it asks the interpreter itself, and runs none the project controls):'), ...comparisonLines(standalone, style))
  }

  const how = kedro.signal ? `was stopped by ${kedro.signal}` : `exited ${kedro.exitCode}`
  parts.push(`kedro ${how}${kedro.lastLine ? `; its last line: ${kedro.lastLine}` : ''}`)
  return parts
}
