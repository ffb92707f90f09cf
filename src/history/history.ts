/**
 * The record of consent decisions made on this machine: JSON Lines in the user data directory, never in a project.
 * One line per decision, written with a single append so that concurrent writers do not interleave; a corrupt line
 * is skipped with a warning when read.
 */
import {homedir} from 'node:os'
import path from 'node:path'

import {readTextSafeSync} from '../checkout/files.js'
import {InputError} from '../errors.js'
import type {Write} from '../fs/transaction.js'
import type {PolicyOverride} from '../policy/consent-gate.js'
import type {VersionSource} from '../project/versions.js'

/** The version of a history line's format (history-record.schema.json). */
export const HISTORY_SCHEMA_VERSION = 1

export type ConsentAction = 'opt-in' | 'opt-out' | 'revoke'
/** How the decision was given: answering the prompt, the --yes flag, `--ci` in a pipeline, a plain command, or `telemetry enforce`. */
export type ConsentHow = '--yes' | 'ci' | 'command' | 'enforce' | 'prompt'

export interface DecisionRecord {
  action: ConsentAction
  consent: boolean
  /** The .telemetry value that kedro misread before this decision fixed it, if any. */
  fixedMisread: null | string
  how: ConsentHow
  /** A CI environment was detected (kedro's rule or ci-info) when the decision was made. */
  inCi: boolean
  /** opt-out --global: the shell startup files that now set the opt-out variables. */
  machineWide?: string[]
  /** The version of the notice for the applicable kedro-telemetry version (0.9.0r1; a hash of its text before notices were numbered). */
  noticeVersion: string
  /** The notice was displayed before the decision (the opt-in prompt). */
  noticeShown: boolean
  /** An opt-in made against the team policy: its file, the rule's line, the rule and the reason given. */
  policyOverride?: PolicyOverride
  previousConsent: boolean | null
  projectRoot: null | string
  /** Revoke only: the user uuid was deleted / the project id table was removed. */
  removed?: {projectId: boolean; userId: boolean}
  schema: typeof HISTORY_SCHEMA_VERSION
  telemetryVersion: null | string
  telemetryVersionSource: VersionSource
  /** UTC, ISO 8601. */
  time: string
  toolVersion: string
}

/** `$XDG_DATA_HOME/kedro-consent` on Linux (else ~/.local/share), the platform's equivalent elsewhere. */
export function historyDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = env.HOME || env.USERPROFILE || homedir()
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'kedro-consent')
  if (platform === 'win32') return path.win32.join(env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local'), 'kedro-consent')
  // The XDG spec: an empty or relative XDG_DATA_HOME is ignored.
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.posix.join(home, '.local', 'share')
  return path.posix.join(xdg, 'kedro-consent')
}

export function historyFile(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return path.join(historyDirectory(env, platform), 'history.jsonl')
}

/** The history line of a decision, as a write for the transaction that makes the change (see fs/transaction.ts). */
export function decisionWrite(file: string, record: DecisionRecord): Write {
  return {content: `${JSON.stringify(record)}\n`, file, kind: 'append'}
}

/** A history far larger than any real one (a line is about 400 bytes) is not read whole. */
const MAX_HISTORY_BYTES = 64 * 1024 * 1024

export interface HistoryReading {
  file: string
  records: DecisionRecord[]
  /** Lines that could not be read as a decision, with why. */
  skipped: {line: number; reason: string}[]
}

const REQUIRED: (keyof DecisionRecord)[] = ['action', 'consent', 'how', 'noticeVersion', 'projectRoot', 'schema', 'time', 'toolVersion']

export async function readHistory(file: string): Promise<HistoryReading> {
  const read = readTextSafeSync(file, {maxBytes: MAX_HISTORY_BYTES, within: null})
  if (!read.ok && read.kind !== 'missing') {
    throw new InputError(`the history ${read.reason}`, {code: 'HISTORY_UNREADABLE', hint: `move ${file} aside (a new history starts with the next decision)`})
  }

  const text = read.ok ? read.text : ''
  const records: DecisionRecord[] = []
  const skipped: HistoryReading['skipped'] = []
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue
    try {
      const record = JSON.parse(line) as DecisionRecord
      const missing = REQUIRED.filter((key) => !(key in record))
      if (missing.length > 0) skipped.push({line: index + 1, reason: `missing ${missing.join(', ')}`})
      else records.push(record)
    } catch {
      skipped.push({line: index + 1, reason: 'not valid JSON'})
    }
  }

  return {file, records, skipped}
}
