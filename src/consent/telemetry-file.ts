/**
 * What kedro-telemetry reads from a project's `.telemetry`: it opens the file as UTF-8, runs `yaml.safe_load`, and
 * takes `consent` only when the document is a mapping whose `consent` is a boolean. Anything else is "no decision";
 * a read or parse error is not caught by kedro, so the kedro command itself fails.
 */
import path from 'node:path'

import {entryKindSync, lstatOrNullSync, readFileSafeSync} from '../checkout/files.js'

export const TELEMETRY_FILE_NAME = '.telemetry'
/** Larger files are not parsed here (kedro would still read them); a consent file is a line or two. */
const MAX_INSPECTED_BYTES = 1024 * 1024

type TelemetryFileKind = 'directory' | 'file' | 'missing' | 'other'

export interface TelemetryFileReading {
  /** kedro's decision from the file: a boolean, or null for no decision. */
  consent: boolean | null
  /** Why this tool cannot tell what kedro reads from the file (not read, or too large to follow), else null. */
  estimated: null | string
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

/** `.telemetry` at a project root (a real path), read through the checkout's one door. */
export async function readTelemetryFile(projectRoot: string): Promise<TelemetryFileReading> {
  const filePath = path.join(projectRoot, TELEMETRY_FILE_NAME)
  const reading: TelemetryFileReading = {
    consent: null, estimated: null, exists: false, kedroWouldFail: false, kind: 'missing', meant: null, path: filePath,
    problem: null, rawConsent: null, symlink: false, valid: false,
  }
  const link = lstatOrNullSync(filePath)
  if (!link) return reading
  reading.symlink = link.isSymbolicLink()
  const kind = entryKindSync(filePath, projectRoot)
  if (kind === 'missing') return {...reading, problem: 'a symlink to nothing: kedro treats it as missing'}
  reading.exists = true
  switch (kind) {
    case 'outside': {
      const why = 'it is a symlink to a file outside the project, which this tool does not read (kedro would read it)'
      return {...reading, estimated: why, kind: 'file', problem: why}
    }

    case 'directory': { return {...reading, kedroWouldFail: true, kind: 'directory', problem: 'a directory: kedro fails opening it'} }
    case 'other': { return {...reading, kedroWouldFail: true, kind: 'other', problem: 'not a regular file (a FIFO, socket or device): kedro hangs or fails reading it'} }
    case 'unreadable': { return {...reading, kedroWouldFail: true, kind: 'file', problem: 'unreadable: kedro fails opening it'} }
    default: { break }
  }

  reading.kind = 'file'
  const read = readFileSafeSync(filePath, {maxBytes: MAX_INSPECTED_BYTES, within: projectRoot})
  if (!read.ok) {
    if (read.kind === 'too-large') return {...reading, estimated: `${read.reason}; kedro would still parse it`, problem: 'too large to inspect; kedro would still parse it'}
    return {...reading, kedroWouldFail: read.kind !== 'missing', problem: read.reason}
  }

  // The interpreter (and its YAML parser) loads only when there is a file to read.
  const {interpretTelemetryBytes} = await import('./interpret.js')
  return {...reading, ...interpretTelemetryBytes(read.bytes)}
}
