/**
 * The content of a `.telemetry` file as kedro-telemetry reads it: decoded as UTF-8 (strictly), newlines translated
 * as Python's text mode does, then `yaml.safe_load`; a decision only from a mapping whose `consent` is a boolean.
 */
import type {Document} from 'yaml'

import {safeLoad, shortRepr} from '../python/pyyaml.js'
import type {TelemetryFileReading} from './telemetry-file.js'

const LIKELY_MEANT: Record<string, boolean> = {
  '0': false, '1': true, f: false, false: false, n: false, no: false, off: false, on: true, t: true, true: true,
  y: true, yes: true,
}

export type Interpretation = Pick<
  TelemetryFileReading, 'consent' | 'estimated' | 'kedroWouldFail' | 'meant' | 'problem' | 'rawConsent' | 'valid'
>

/** Interprets the bytes of a `.telemetry` file as kedro-telemetry does. */
export function interpretTelemetryBytes(bytes: Uint8Array): Interpretation {
  const none: Interpretation = {consent: null, estimated: null, kedroWouldFail: false, meant: null, problem: null, rawConsent: null, valid: false}
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    return {...none, kedroWouldFail: true, problem: 'not UTF-8 text: kedro fails decoding it'}
  }

  // Python's text mode turns CRLF and CR into LF before PyYAML sees the text.
  const loaded = safeLoad(text.replaceAll(/\r\n?/g, '\n'))
  if (!loaded.ok && loaded.undecidable) {
    const why = `this tool cannot tell what PyYAML reads from it: ${loaded.error}`
    return {...none, estimated: why, problem: why}
  }

  if (!loaded.ok) return {...none, kedroWouldFail: true, problem: `YAML error: ${loaded.error}`}
  const {document, value} = loaded
  const noDecision = shapeProblem(value)
  if (noDecision) return {...none, problem: noDecision}
  const consent = (value as Record<string, unknown>).consent
  const rawConsent = document ? sourceOfConsent(document, text) : null
  if (typeof consent === 'boolean') return {...none, consent, rawConsent, valid: true}
  const meant = typeof consent === 'string' || typeof consent === 'number' ? LIKELY_MEANT[String(consent).trim().toLowerCase()] ?? null : null
  const shown = rawConsent ?? shortRepr(consent)
  return {
    ...none,
    meant,
    problem: `consent is ${describePythonType(consent)} (${shown}), not a boolean: kedro ignores it`,
    rawConsent,
  }
}

/** Why a loaded value holds no decision at all (empty, not a mapping, no `consent` key), or null. */
function shapeProblem(value: unknown): null | string {
  if (value === null || value === undefined) return 'empty: no decision'
  if (typeof value !== 'object' || Array.isArray(value)) return `not a mapping (${Array.isArray(value) ? 'a list' : 'a single value'}): no decision`
  if (Object.hasOwn(value, 'consent')) return null
  const nearMiss = Object.keys(value).find((key) => key.trim().toLowerCase() === 'consent')
  return nearMiss ? `no "consent" key (found ${JSON.stringify(nearMiss)}; keys are case-sensitive)` : 'no "consent" key: no decision'
}

function sourceOfConsent(document: Document, text: string): null | string {
  const node = document.get('consent', true) as undefined | {range?: [number, number, number]}
  return node?.range ? text.slice(node.range[0], node.range[1]).trim() : null
}

function describePythonType(value: unknown): string {
  if (value === null) return 'None'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an int' : 'a float'
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'a date'
  return 'a mapping'
}
