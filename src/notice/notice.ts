/**
 * What kedro-telemetry collects, per version: each field with an example input and what the collector receives
 * (raw, masked, hashed, or a count), what it never sees, and that it sees the sender's IP address. Each notice has
 * an explicit version (NOTICE_VERSIONS) that every recorded consent decision quotes.
 */
import {createHash} from 'node:crypto'

import {telemetry, type TelemetryRelease, telemetryEra} from '../releases/releases.js'
import {BODY_FIELDS} from '../request/fields.js'
import type {Derivation} from '../request/sheet.js'

/** What the collector receives: the field's derivation (raw, masked, hashed, a count, derived). */
export type Treatment = Derivation

export interface NoticeField {
  /** What the collector receives for the example. */
  example: {input: string; sent: string}
  name: string
  note: string
  treatment: Treatment
}

export interface Notice {
  endpoint: string
  events: string[]
  fields: NoticeField[]
  /** Parts of this notice that are inferred rather than read from that version's source, with why. */
  estimated: string[]
  model: 'opt-in' | 'opt-out'
  neverSees: string[]
  seesAnyway: string[]
  /** The version range this notice describes. */
  telemetryVersions: string
  /** Content hash (first 12 hex digits of SHA-256) of everything above. */
  version: string
}

/**
 * The fields the release sends, in the registry's order (src/request/fields.ts), each with what the notice says of it:
 * the registry is the one account of what a request holds.
 */
function noticeFields(release: TelemetryRelease): NoticeField[] {
  return BODY_FIELDS.flatMap((entry) => {
    if (!entry.notice || !(entry.sentBy?.(release) ?? true)) return []
    const {input, note, sent, treatment} = entry.notice(release)
    return [{example: {input, sent}, name: entry.key.replace(/^properties\./, ''), note, treatment: treatment ?? entry.derivation}]
  })
}

/** The notice for one kedro-telemetry version. */
export function buildNotice(telemetryVersion: string): Notice {
  const release = telemetry(telemetryVersion)
  const optOut = release.consentModel === 'opt-out'
  const statistics = release.sendsStatistics
    ? ', and "Kedro Project Statistics" when a catalog is built' + (release.statisticsIgnoreConsent ? ' (this version sends the statistics even without consent)' : '')
    : ''
  const events = optOut
    ? [
      'a kedro command sends one request: "Kedro Project Statistics" when it builds a catalog (e.g. kedro run), otherwise "CLI command"',
      'except kedro ipython, and each notebook kernel kedro jupyter starts: they build the catalog in a process of their own, which sends "Kedro Project Statistics", and kedro sends "CLI command" as well',
    ]
    : [`"Command run: <main_command>" and "CLI command" for every kedro command${statistics}`]
  const content: Omit<Notice, 'version'> = {
    endpoint: 'POST https://heapanalytics.com/api/track (Heap, app id 2388822444 unless HEAP_APPID_DEV is set)',
    estimated: [],
    events,
    fields: noticeFields(release),
    model: optOut ? 'opt-out' : 'opt-in',
    neverSees: [
      'dataset, pipeline and node names, and parameter values',
      'the contents of your data, configuration or code',
      release.masking === 'vocabulary'
        ? 'file paths and option values typed on the command line (masked), unless a value is itself a command or option name'
        : 'file paths and option values typed on the command line (masked), except after a leading --help, -h, --version or -v',
      'credentials',
    ],
    seesAnyway: [
      'your IP address: the collector sees where each request comes from, whatever the body holds',
      'when you work: each request carries a timestamp',
    ],
    telemetryVersions: telemetryEra(telemetryVersion),
  }
  return {...content, version: noticeVersionOf(content)}
}

/**
 * The version of each notice, by the releases it describes: the first of them and a revision, bumped when what the
 * notice says changes, so that decisions made under the old text no longer count as recorded under the current one
 * (TEL009). `content` pins the text: a test fails when it changes, until the change is judged here (a new revision,
 * or a wording fix whose new hash is recorded under the same revision). `earlier` lists the versions tool releases
 * before these numbers recorded for the same notice (a hash of its text), still accepted as this revision.
 */
export const NOTICE_VERSIONS: Record<string, {content: string; earlier: string[]; version: string}> = {
  '0.1.4 to 0.2.1': {content: '10118507afdf', earlier: [], version: '0.1.4r2'},
  '0.2.2': {content: '21201c46a1bf', earlier: [], version: '0.2.2r2'},
  '0.2.3': {content: '1178a732519c', earlier: ['0c718e90d730'], version: '0.2.3r1'},
  '0.2.4 to 0.3.0': {content: 'dec0673474f7', earlier: ['8f31e7303106'], version: '0.2.4r1'},
  '0.3.1': {content: '931fbf145fc9', earlier: ['e941f7c8750c'], version: '0.3.1r1'},
  '0.3.2': {content: '5b24ceb638bb', earlier: [], version: '0.3.2r2'},
  '0.4.0': {content: 'd0febb0f9e95', earlier: [], version: '0.4.0r2'},
  '0.5.0': {content: 'dcd785b71a23', earlier: [], version: '0.5.0r2'},
  '0.6.0': {content: '89942d46c806', earlier: [], version: '0.6.0r2'},
  '0.6.1 to 0.6.4': {content: '99c890c2cae1', earlier: [], version: '0.6.1r2'},
  '0.6.5': {content: '68c6a6fb89da', earlier: [], version: '0.6.5r2'},
  '0.7.0': {content: 'be9d374a37aa', earlier: [], version: '0.7.0r2'},
  '0.8.0': {content: '9acca163f077', earlier: ['564798873931'], version: '0.8.0r1'},
  '0.9.0 and later': {content: '08b4d1d4a562', earlier: ['2c1ab975d8a2'], version: '0.9.0r1'},
}

/** A hash of a notice's text: what NOTICE_VERSIONS pins. */
export function noticeContentHash(content: Omit<Notice, 'version'>): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12)
}

function noticeVersionOf(content: Omit<Notice, 'version'>): string {
  const entry = NOTICE_VERSIONS[content.telemetryVersions]
  // A notice without an entry is a release added to the table without its notice being versioned: a bug.
  if (!entry) throw new Error(`no version for the notice of kedro-telemetry ${content.telemetryVersions}: add it to NOTICE_VERSIONS`)
  return entry.version
}

/** Whether a recorded notice version is the current notice of its releases (or the hash an earlier tool recorded for it). */
export function isCurrentNotice(recorded: string, notice: Notice): boolean {
  return recorded === notice.version || (NOTICE_VERSIONS[notice.telemetryVersions]?.earlier.includes(recorded) ?? false)
}
