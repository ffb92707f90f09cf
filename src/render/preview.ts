/** The readable sheet of `telemetry preview`: never repeats a value that masking removed. */
import path from 'node:path'

import type {PyJson} from '../python/json-dumps.js'
import type {PreviewResult} from '../request/request.js'

import {currentHome, displayPath, homePath} from './paths.js'
import {plainReason} from './plain-reason.js'
import type {Style, Verbatim} from './style.js'

function show(value: PyJson): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The body's fields as the sheet names them: top-level keys, and `properties.<key>` for each property. */
function fieldsOf(body: {[key: string]: PyJson}): string[] {
  return Object.entries(body).flatMap(([key, value]) => (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)
    ? Object.keys(value).map((property) => `properties.${property}`)
    : [key]))
}

/** The versions, the project and the verdict: the head of every view but --body. */
function renderVerdict(result: PreviewResult, style: Style, explain: boolean): string[] {
  const {chalk} = style
  const parts: string[] = []
  const {context} = result
  const versions = `${chalk.bold('Kedro')} ${context.kedroVersion}, ${chalk.bold('kedro-telemetry')} ${context.telemetryVersion}`
  const project = context.projectRoot ? `Project: ${displayPath(context.projectRoot)}` : 'Not in a Kedro project'
  if (explain) {
    // Where each version comes from, and which release's structures and masking rules apply.
    parts.push(`${versions}\n` +
      chalk.dim(`  Kedro: ${context.kedroVersionSource}; commands of ${context.kedroStructureVersion}\n`) +
      chalk.dim(`  kedro-telemetry: ${context.telemetryVersionSource}; ${context.maskingRules} masking`) + `\n${project}`)
  } else {
    // Where the versions come from is in --explain; an assumed one is said among the estimated values.
    const assumed = [context.kedroVersionSource, context.telemetryVersionSource].some((source) => source.startsWith('assumed: '))
    parts.push(`${versions}${assumed ? chalk.dim(' (assumed)') : ''}\n${project}`)
  }

  // By default the reason in the words status uses; --explain gives kedro's own and the rule that decided.
  const why = explain ? `${result.consent.reason} (decided by ${result.decidedBy})` : plainReason(result.consent)
  if (!result.consent.willSend) {
    parts.push(chalk.green.bold(`NOTHING WOULD BE SENT: ${why}`))
    if (!result.ignoredConsent && result.requests.length === 0) {
      parts.push('Use --ignore-consent to see the request anyway.')
    }
  } else if (result.wouldSend) {
    parts.push((result.consent.implicit ? chalk.red.bold : chalk.yellow.bold)(`WOULD BE SENT: ${why}`))
  } else {
    // Consent allows it, but nothing goes out (kedro stops first, say): the warnings below say why.
    parts.push(chalk.green.bold(`NOTHING WOULD BE SENT, though consent allows it (${why}): see the warnings below`))
  }

  if (result.ignoredConsent) parts.push(chalk.yellow.bold('--ignore-consent: what would be sent with consent; NOT sent'))
  return parts
}

/** The heading over a request's body: exactly as sent, or exact but for the estimated values. */
function bodyHeading(result: PreviewResult, body: {[key: string]: PyJson}, style: Style): string {
  // "Exactly as sent" only when it is: otherwise the bytes around the estimated values are exact, and it says so.
  const estimatedHere = fieldsOf(body).filter((field) => result.estimated.includes(field))
  return estimatedHere.length === 0
    ? `${style.chalk.bold('Body, exactly as sent')} (Python json.dumps):`
    : `${style.chalk.bold('Body as it would be sent')} (Python json.dumps), exact but for ${estimatedHere.length} estimated value${estimatedHere.length === 1 ? '' : 's'}:`
}

/** The warnings, the leak and the count of exact fields: the foot of both views. */
function renderFoot(result: PreviewResult, style: Style, explain: boolean): string[] {
  const {chalk} = style
  const parts: string[] = []
  const where = explain ? 'shown in red above' : 'in the body\'s "command"'
  if (result.leaked.length > 0) parts.push(chalk.red.bold(`Leak: ${result.leaked.length} token(s) after a leading help/version flag are sent unmasked (${where})`))
  // A path of the user's home reads as ~/..., as everywhere else in the sheet.
  const home = currentHome()
  for (const warning of result.warnings) parts.push(chalk.yellow(`Warning: ${home ? warning.replaceAll(`${home}${path.sep}`, `~${path.sep}`) : warning}`))
  return parts
}

/**
 * The default view, for a person: the verdict, each request's event and body on one line (a terminal wraps it;
 * copying keeps it whole), then each estimated value with its reason. Where every field comes from is --explain.
 */
export function renderPreview(result: PreviewResult, style: Style): Array<string | Verbatim> {
  const {chalk} = style
  const blocks: Array<string | Verbatim> = [renderVerdict(result, style, false).join('\n\n')]
  for (const request of result.requests) {
    blocks.push(`\n${chalk.bold(`${request.method} ${request.url}`)} (event "${request.event}")\n${bodyHeading(result, request.body, style)}`, {verbatim: request.bodyText})
  }

  const originOf = new Map(result.origins.map((origin) => [origin.field, origin]))
  const fields = [...new Set(result.requests.flatMap((request) => fieldsOf(request.body)))]
  // In the body's order, then what concerns the body as a whole (the order of its keys).
  const estimated = [...fields.filter((field) => result.estimated.includes(field)), ...result.estimated.filter((field) => !fields.includes(field))]
    .map((field) => originOf.get(field)).filter((origin) => origin?.estimated)
  const tail: string[] = []
  if (fields.length > 0) {
    const exact = fields.filter((field) => !result.estimated.includes(field)).length
    tail.push(estimated.length === 0 ? chalk.green(`${exact} of ${fields.length} fields exact`) : chalk.yellow(`${exact} of ${fields.length} fields exact; estimated:`))
  }

  // Fields estimated for one reason share its line.
  const byReason = new Map<string, string[]>()
  for (const origin of estimated) {
    // Named as in the body (a property by its key), what concerns the body as a whole by what it is.
    const name = fields.includes(origin!.field) ? origin!.field.replace(/^properties\./, '') : (origin!.note || origin!.field)
    byReason.set(origin!.estimated!, [...(byReason.get(origin!.estimated!) ?? []), name])
  }

  for (const [reason, names] of byReason) tail.push(`  ${chalk.yellow(`${names.join(', ')}: ${reason}`)}`)
  const foot = renderFoot(result, style, false)
  if (result.requests.length > 0) foot.push(chalk.dim('Where each field comes from: --explain. Only the body: --body.'))
  blocks.push(`\n${[...tail, ...foot].join('\n')}`)
  return blocks
}

/** `--body`: each request's body alone, exactly as kedro-telemetry would send it, one line each. */
export function renderPreviewBody(result: PreviewResult): Array<string | Verbatim> {
  return result.requests.map((request) => ({verbatim: request.bodyText}))
}

type Origins = Map<string, PreviewResult['origins'][number]>

/** The request line, its headers, and what the requests library adds on the wire. */
function requestHead(request: PreviewResult['requests'][number], {chalk}: Style): string[] {
  // What the requests library adds is listed apart: kedro-telemetry does not choose it.
  const added = Object.entries(request.wireHeaders).filter(([name]) => !Object.hasOwn(request.headers, name))
  return [
    `${chalk.bold(`${request.method} ${request.url}`)}  (event "${request.event}")\n${Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}`,
    chalk.dim(`added on the wire by requests: ${added.map(([k, v]) => `${k}: ${v}`).join('; ')}`)
      + (request.wireHeadersEstimated ? `\n${chalk.yellow(`    estimated: ${request.wireHeadersEstimated}`)}` : ''),
  ]
}

/** One field per line, its derivation indented below: long values (a 128-digit hash) stay whole at any width. */
function fieldLines(result: PreviewResult, body: Record<string, PyJson>, originOf: Origins, {chalk}: Style): string[] {
  const lines: string[] = []
  const add = (field: string, value: PyJson) => {
    const origin = originOf.get(field)
    const leaked = field === 'properties.command' && result.leaked.length > 0
    lines.push(`${chalk.bold(field)} = ${leaked ? chalk.red(show(value)) : show(value)}`)
    // A source that is a file of the user's (telemetry.toml, the interpreter) is shown under ~.
    if (origin) lines.push(chalk.dim(`    ${origin.derivation}, from ${path.isAbsolute(origin.source) ? homePath(origin.source) : origin.source}${origin.note ? `: ${origin.note}` : ''}`))
    if (origin?.estimated) lines.push(chalk.yellow(`    estimated: ${origin.estimated}`))
  }

  for (const [key, value] of Object.entries(body)) {
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [property, item] of Object.entries(value)) add(`properties.${property}`, item)
    } else {
      add(key, value)
    }
  }

  return lines
}

/** How many fields are exact, and the estimates about the body as a whole (the order of its keys), with their reason. */
function estimateLines(result: PreviewResult, originOf: Origins, {chalk}: Style): string[] {
  const lines: string[] = []
  if (result.requests.length > 0) {
    const fields = [...new Set(result.requests.flatMap((request) => fieldsOf(request.body)))]
    const estimated = fields.filter((field) => result.estimated.includes(field))
    const summary = `${fields.length - estimated.length} of ${fields.length} fields exact`
    lines.push(estimated.length === 0 ? chalk.green(summary) : chalk.yellow(`${summary}; estimated: ${estimated.join(', ')}`))
  }

  const notInBody = result.estimated.filter((field) => !result.requests.some((request) => fieldsOf(request.body).includes(field)))
  for (const field of notInBody) {
    const origin = originOf.get(field)
    lines.push(chalk.yellow(`Also estimated: ${origin?.note || field}${origin?.estimated ? `: ${origin.estimated}` : ''}`))
  }

  return lines
}

/** `--explain`: the field-by-field sheet: every value, where it comes from and how, and why any is estimated. */
export function renderPreviewExplained(result: PreviewResult, style: Style): Array<string | Verbatim> {
  const parts = renderVerdict(result, style, true)
  const blocks: Array<string | Verbatim> = []
  const originOf: Origins = new Map(result.origins.map((origin) => [origin.field, origin]))
  for (const request of result.requests) {
    parts.push(...requestHead(request, style), fieldLines(result, request.body, originOf, style).join('\n'))
    blocks.push(parts.join('\n\n'), `\n${bodyHeading(result, request.body, style)}`, {verbatim: request.bodyText})
    parts.length = 0
  }

  parts.push(...renderFoot(result, style, true), ...estimateLines(result, originOf, style))
  blocks.push(`${blocks.length > 0 ? '\n' : ''}${parts.join('\n\n')}`)
  return blocks
}
