/**
 * What kedro-telemetry reads from a project's `.telemetry`: it opens the file as UTF-8, runs `yaml.safe_load`, and
 * takes `consent` only when the document is a mapping whose `consent` is a boolean. Anything else is "no decision";
 * a read or parse error is not caught by kedro, so the kedro command itself fails.
 */
import {lstat, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

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

  // The interpreter (and its YAML parser) loads only when there is a file to read.
  const {interpretTelemetryBytes} = await import('./interpret.js')
  return {...reading, ...interpretTelemetryBytes(bytes)}
}
