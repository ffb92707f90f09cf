/**
 * A capture beside the preview: the requests kedro-telemetry made against the ones `telemetry preview` builds for
 * the same command line and environment, field by field, the timestamp aside (it is the time of sending). Each
 * difference says whether the preview had marked that field estimated: an unmarked one is a preview bug.
 */
import {InputError} from '../errors.js'
import type {LoadedProject} from '../project/project.js'
import type {PythonProbe} from '../request/python-probe.js'
import {buildTelemetryRequests, type PreviewResult} from '../request/request.js'
import type {CapturedRequest} from './request.js'

export interface FieldDifference {
  /** What kedro-telemetry sent (absent: it sent no such field). */
  captured?: unknown
  /** The body path (`properties.python_version`), `events`, `headers`, or `order` for the key order. */
  field: string
  /** What the preview said (absent: it had no such field). */
  preview?: unknown
  /** The preview had marked it estimated, with the reason it gave; null when it presented it as exact. */
  previewEstimated: null | string
}

export interface Comparison {
  differences: FieldDifference[]
  /** Why there is no comparison (the preview could not be built), else null. */
  note: null | string
  /** The requests the preview expected, as many as it says would be sent. */
  previewRequests: number
  verdict: 'differs' | 'exact' | 'unavailable'
}

type Body = {properties?: Record<string, unknown>} & Record<string, unknown>

function parse(text: string): Body | null {
  try {
    const value = JSON.parse(text) as unknown
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Body : null
  } catch {
    return null
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** How the preview marked a field: the reason it gave for an estimate, else null. */
function estimateOf(preview: PreviewResult, field: string): null | string {
  if (!preview.estimated.includes(field) && !preview.estimated.includes('event')) return null
  const origin = preview.origins.find((candidate) => candidate.field === field && candidate.estimated) ?? preview.origins.find((candidate) => candidate.field === 'event' && candidate.estimated)
  return origin?.estimated ?? 'marked estimated'
}

/** The values that differ, top-level and in the properties, the timestamp aside. */
function valueDifferences(built: Body, sent: Body, preview: PreviewResult): FieldDifference[] {
  const differences: FieldDifference[] = []
  const note = (field: string, a: unknown, b: unknown) => differences.push({
    ...(a === undefined ? {} : {preview: a}), ...(b === undefined ? {} : {captured: b}), field, previewEstimated: estimateOf(preview, field),
  })
  for (const key of new Set([...Object.keys(built), ...Object.keys(sent)])) {
    if (key !== 'timestamp' && key !== 'properties' && !same(built[key], sent[key])) note(key, built[key], sent[key])
  }

  const builtProperties = built.properties ?? {}
  const sentProperties = sent.properties ?? {}
  for (const key of new Set([...Object.keys(builtProperties), ...Object.keys(sentProperties)])) {
    if (!same(builtProperties[key], sentProperties[key])) note(`properties.${key}`, builtProperties[key], sentProperties[key])
  }

  return differences
}

/** The same values laid out otherwise: another key order, or other bytes (spacing, escapes); null when none. */
function layoutDifference(built: Body, sent: Body, texts: {built: string; sent: string}, preview: PreviewResult): FieldDifference | null {
  const order = (body: Body) => [...Object.keys(body), ...Object.keys(body.properties ?? {}).map((key) => `properties.${key}`)]
  if (!same(order(built), order(sent))) {
    // kedro merges several catalog files in an order that varies between runs; the preview says so in a warning.
    const varies = preview.warnings.find((warning) => warning.includes('in an order that varies between runs')) ?? null
    return {captured: order(sent), field: 'order', preview: order(built), previewEstimated: varies}
  }

  const blank = (text: string, body: Body) => text.replace(JSON.stringify(body.timestamp), '"…"')
  return blank(texts.built, built) === blank(texts.sent, sent) ? null : {captured: texts.sent, field: 'body', preview: texts.built, previewEstimated: null}
}

/** The fields of one request that differ, the timestamp aside, then its layout, then its headers. */
function bodyDifferences(captured: CapturedRequest, expected: PreviewResult['requests'][number], preview: PreviewResult): FieldDifference[] {
  const sent = parse(captured.body)
  const built = parse(expected.bodyText)
  if (!sent || !built) return [{captured: captured.body, field: 'body', preview: expected.bodyText, previewEstimated: null}]
  const differences = valueDifferences(built, sent, preview)
  const layout = differences.length === 0 ? layoutDifference(built, sent, {built: expected.bodyText, sent: captured.body}, preview) : null
  if (layout) differences.push(layout)
  const headers = captured.headers.map(([name, value]) => `${name}: ${value}`)
  const expectedHeaders = Object.entries(expected.wireHeaders).map(([name, value]) => `${name}: ${value}`)
  if (!same(headers, expectedHeaders)) {
    differences.push({captured: headers, field: 'headers', preview: expectedHeaders, previewEstimated: expected.wireHeadersEstimated})
  }

  return differences
}

export async function compareWithPreview(
  requests: CapturedRequest[],
  options: {
    args: string[]; env: NodeJS.ProcessEnv; project: {loaded: LoadedProject; workingDirectory: string}; python?: Promise<PythonProbe>
    /** Run the project's own interpreter (default): the capture has run the project's code already. */
    trustProjectPython?: boolean
  },
): Promise<Comparison> {
  let preview: PreviewResult
  try {
    preview = await buildTelemetryRequests({
      args: options.args, env: options.env, loaded: {project: options.project.loaded, workingDirectory: options.project.workingDirectory},
      probePython: true, python: options.python, trustProjectPython: options.trustProjectPython ?? true,
    })
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    return {differences: [], note: `the preview could not be built: ${error.message}`, previewRequests: 0, verdict: 'unavailable'}
  }

  const expected = preview.wouldSend ? preview.requests : []
  const differences: FieldDifference[] = []
  if (!same(expected.map((request) => request.event), requests.map((request) => request.event))) {
    differences.push({
      captured: requests.map((request) => request.event), field: 'events', preview: expected.map((request) => request.event),
      previewEstimated: estimateOf(preview, 'event'),
    })
  } else {
    for (const [index, request] of requests.entries()) differences.push(...bodyDifferences(request, expected[index], preview))
  }

  return {differences, note: null, previewRequests: expected.length, verdict: differences.length === 0 ? 'exact' : 'differs'}
}
