/** The readable sheet of `telemetry preview`: never repeats a value that masking removed. */
import path from 'node:path'

import type {PyJson} from '../python/json-dumps.js'
import type {PreviewResult} from '../request/request.js'

import {displayPath, homePath} from './paths.js'
import {foldExact, type Style} from './style.js'

function show(value: PyJson): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The body's fields as the sheet names them: top-level keys, and `properties.<key>` for each property. */
function fieldsOf(body: {[key: string]: PyJson}): string[] {
  return Object.entries(body).flatMap(([key, value]) => (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)
    ? Object.keys(value).map((property) => `properties.${property}`)
    : [key]))
}

export function renderPreview(result: PreviewResult, style: Style): string {
  const {chalk} = style
  const parts: string[] = []
  const {context} = result
  // The versions first, on a line of their own; where they come from below it.
  parts.push(`${chalk.bold('Kedro')} ${context.kedroVersion}, ${chalk.bold('kedro-telemetry')} ${context.telemetryVersion}\n` +
    chalk.dim(`  Kedro: ${context.kedroVersionSource}; commands of ${context.kedroStructureVersion}\n`) +
    chalk.dim(`  kedro-telemetry: ${context.telemetryVersionSource}; ${context.maskingRules} masking`) +
    (context.projectRoot ? `\nProject: ${displayPath(context.projectRoot)}` : '\nNot in a Kedro project'))
  if (!result.consent.willSend) {
    parts.push(chalk.green.bold(`NOTHING WOULD BE SENT: ${result.consent.reason} (decided by ${result.decidedBy})`))
    if (!result.ignoredConsent && result.requests.length === 0) {
      parts.push('Use --ignore-consent to see the request anyway.')
    }
  } else if (result.consent.implicit) {
    parts.push(chalk.red.bold('WOULD BE SENT, with implicit consent: nobody said yes'))
  } else {
    parts.push(chalk.yellow.bold(`WOULD BE SENT (decided by ${result.decidedBy})`))
  }

  if (result.ignoredConsent) parts.push(chalk.yellow.bold('--ignore-consent: the request below is NOT sent; it shows what would be sent with consent'))
  if (!result.wouldSend && result.consent.willSend) parts.push(chalk.red.bold('NOTHING WOULD BE SENT (see the warnings for why)'))

  const originOf = new Map(result.origins.map((origin) => [origin.field, origin]))
  for (const request of result.requests) {
    parts.push(`${chalk.bold(`${request.method} ${request.url}`)}  (event "${request.event}")\n${Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}`)
    // What the requests library adds is listed apart: kedro-telemetry does not choose it.
    const added = Object.entries(request.wireHeaders).filter(([name]) => !Object.hasOwn(request.headers, name))
    parts.push(chalk.dim(`added on the wire by requests: ${added.map(([k, v]) => `${k}: ${v}`).join('; ')}`)
      + (request.wireHeadersEstimated ? `\n${chalk.yellow(`    estimated: ${request.wireHeadersEstimated}`)}` : ''))
    // One field per line, its derivation indented below: long values (a 128-digit hash) stay whole at any width.
    const lines: string[] = []
    const add = (field: string, value: PyJson) => {
      const origin = originOf.get(field)
      const leaked = field === 'properties.command' && result.leaked.length > 0
      lines.push(`${chalk.bold(field)} = ${leaked ? chalk.red(show(value)) : show(value)}`)
      // A source that is a file of the user's (telemetry.toml, the interpreter) is shown under ~.
      if (origin) lines.push(chalk.dim(`    ${origin.derivation}, from ${path.isAbsolute(origin.source) ? homePath(origin.source) : origin.source}${origin.note ? `: ${origin.note}` : ''}`))
      if (origin?.estimated) lines.push(chalk.yellow(`    estimated: ${origin.estimated}`))
    }

    for (const [key, value] of Object.entries(request.body)) {
      if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [property, item] of Object.entries(value)) add(`properties.${property}`, item)
      } else {
        add(key, value)
      }
    }

    parts.push(lines.join('\n'))
    // "Exactly as sent" only when it is: otherwise the bytes around the estimated values are exact, and it says so.
    const estimatedHere = fieldsOf(request.body).filter((field) => result.estimated.includes(field))
    // On a terminal the body is cut at its width with nothing added, so the lines read in order are its bytes.
    const body = style.tables ? `${foldExact(request.bodyText, style.width)}\n${chalk.dim(`(cut every ${style.width} characters to fit; nothing added. --json or a pipe gives it on one line)`)}` : request.bodyText
    parts.push(estimatedHere.length === 0
      ? `${chalk.bold('Body, exactly as sent')} (Python json.dumps):\n${body}`
      : `${chalk.bold('Body as it would be sent')} (Python json.dumps), exact but for ${estimatedHere.length} estimated value${estimatedHere.length === 1 ? '' : 's'}:\n${body}`)
  }

  if (result.leaked.length > 0) parts.push(chalk.red.bold(`Leak: ${result.leaked.length} token(s) after a leading help/version flag are sent unmasked (shown in red above)`))
  for (const warning of result.warnings) parts.push(chalk.yellow(`Warning: ${warning}`))
  if (result.requests.length > 0) {
    const fields = [...new Set(result.requests.flatMap((request) => fieldsOf(request.body)))]
    const estimated = fields.filter((field) => result.estimated.includes(field))
    const summary = `${fields.length - estimated.length} of ${fields.length} fields exact`
    parts.push(estimated.length === 0 ? chalk.green(summary) : chalk.yellow(`${summary}; estimated: ${estimated.join(', ')}`))
  }

  const notInBody = result.estimated.filter((field) => !result.requests.some((request) => fieldsOf(request.body).includes(field)))
  // Estimates about the body as a whole (the order of its keys) rather than a field: said with their reason.
  for (const field of notInBody) {
    const origin = originOf.get(field)
    parts.push(chalk.yellow(`Also estimated: ${origin?.note || field}${origin?.estimated ? `: ${origin.estimated}` : ''}`))
  }
  return parts.join('\n\n')
}
