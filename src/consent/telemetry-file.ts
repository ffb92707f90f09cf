/**
 * What kedro-telemetry reads from a project's `.telemetry`: it opens the file as UTF-8, runs `yaml.safe_load`, and
 * takes `consent` only when the document is a mapping whose `consent` is a boolean. Anything else is "no decision";
 * a read or parse error is not caught by kedro, so the kedro command itself fails.
 */
import {lstat, readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {isMap, isScalar} from 'yaml'

import {safeLoad} from './pyyaml.js'

export const TELEMETRY_FILE_NAME = '.telemetry'
/** Larger files are not parsed here (kedro would still read them); a consent file is a line or two. */
export const MAX_INSPECTED_BYTES = 1024 * 1024

export type TelemetryFileKind = 'directory' | 'file' | 'missing' | 'other'

export interface TelemetryFileReading {
  /** kedro's decision from the file: a boolean, or null for no decision. */
  consent: boolean | null
  /** Python's Path.exists(): follows symlinks, true for directories too. */
  exists: boolean
  /** Reading or parsing raises in kedro-telemetry, so the kedro command fails. */
  kedroWouldFail: boolean
  kind: TelemetryFileKind
  /** The boolean the user most likely meant when kedro does not read one (`"false"`, `n`, `0`), else null. */
  meant: boolean | null
  path: string
  /** Why the file gives no decision, or fails; null when it is valid or missing. */
  problem: null | string
  /** The consent value exactly as written in the file, when there is one. */
  rawConsent: null | string
  symlink: boolean
  /** The file gives kedro a decision. */
  valid: boolean
}

const LIKELY_MEANT: Record<string, boolean> = {
  '0': false, '1': true, f: false, false: false, n: false, no: false, off: false, on: true, t: true, true: true,
  y: true, yes: true,
}

export async function readTelemetryFile(projectRoot: string): Promise<TelemetryFileReading> {
  const filePath = path.join(projectRoot, TELEMETRY_FILE_NAME)
  const reading: TelemetryFileReading = {
    consent: null, exists: false, kedroWouldFail: false, kind: 'missing', meant: null, path: filePath, problem: null,
    rawConsent: null, symlink: false, valid: false,
  }
  const link = await lstat(filePath).catch(() => null)
  if (!link) return reading
  reading.symlink = link.isSymbolicLink()
  const target = await stat(filePath).catch(() => null)
  if (!target) {
    reading.problem = 'a symlink to nothing: kedro treats it as missing'
    return reading
  }

  reading.exists = true
  if (target.isDirectory()) {
    return {...reading, kedroWouldFail: true, kind: 'directory', problem: 'a directory: kedro fails opening it'}
  }

  if (!target.isFile()) {
    return {...reading, kedroWouldFail: true, kind: 'other', problem: 'not a regular file: kedro fails reading it'}
  }

  reading.kind = 'file'
  if (target.size > MAX_INSPECTED_BYTES) {
    reading.problem = `too large to inspect (${target.size} bytes); kedro would still parse it`
    return reading
  }

  let bytes: Buffer
  try {
    bytes = await readFile(filePath)
  } catch (error) {
    return {...reading, kedroWouldFail: true, problem: `unreadable: ${(error as NodeJS.ErrnoException).code}`}
  }

  return {...reading, ...interpretTelemetryBytes(bytes)}
}

type Interpretation = Pick<
  TelemetryFileReading, 'consent' | 'kedroWouldFail' | 'meant' | 'problem' | 'rawConsent' | 'valid'
>

/** Interprets the bytes of a `.telemetry` file as kedro-telemetry does. */
export function interpretTelemetryBytes(bytes: Uint8Array): Interpretation {
  const none: Interpretation = {consent: null, kedroWouldFail: false, meant: null, problem: null, rawConsent: null, valid: false}
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    return {...none, kedroWouldFail: true, problem: 'not UTF-8 text: kedro fails decoding it'}
  }

  // Python's text mode turns CRLF and CR into LF before PyYAML sees the text.
  const loaded = safeLoad(text.replaceAll(/\r\n?/g, '\n'))
  if (!loaded.ok) return {...none, kedroWouldFail: true, problem: `YAML error: ${loaded.error}`}
  const {document, value} = loaded
  if (value === null || value === undefined) return {...none, problem: 'empty: no decision'}
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {...none, problem: `not a mapping (${Array.isArray(value) ? 'a list' : 'a single value'}): no decision`}
  }

  const mapping = value as Record<string, unknown>
  if (!Object.hasOwn(mapping, 'consent')) {
    const nearMiss = Object.keys(mapping).find((key) => key.trim().toLowerCase() === 'consent')
    return {
      ...none,
      problem: nearMiss ? `no "consent" key (found ${JSON.stringify(nearMiss)}; keys are case-sensitive)` : 'no "consent" key: no decision',
    }
  }

  const consent = mapping.consent
  const rawConsent = document && isMap(document.contents) ? sourceOfConsent(document, text) : null
  if (typeof consent === 'boolean') return {...none, consent, rawConsent, valid: true}
  const meant = typeof consent === 'string' || typeof consent === 'number' ? LIKELY_MEANT[String(consent).trim().toLowerCase()] ?? null : null
  const shown = rawConsent ?? JSON.stringify(consent)
  return {
    ...none,
    meant,
    problem: `consent is ${describePythonType(consent)} (${shown}), not a boolean: kedro ignores it`,
    rawConsent,
  }
}

function sourceOfConsent(document: NonNullable<ReturnType<typeof safeLoad>['document']>, text: string): null | string {
  const node = document.get('consent', true)
  if (isScalar(node) && node.range) return text.slice(node.range[0], node.range[1]).trim()
  if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
    return text.slice(node.range[0], node.range[1]).trim()
  }

  return null
}

function describePythonType(value: unknown): string {
  if (value === null) return 'None'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an int' : 'a float'
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'a date'
  return 'a mapping'
}
