/**
 * What kedro-telemetry collects, per version: each field with an example input and what the collector receives
 * (raw, masked, hashed, or a count), what it never sees, and that it sees the sender's IP address. Each notice has
 * an explicit version (NOTICE_VERSIONS) that every recorded consent decision quotes.
 */
import {createHash} from 'node:crypto'

import {hashedProjectId, kedroHash} from '../identity/hash.js'
import {type MaskingRules, NEWEST_KNOWN, telemetry, type TelemetryRelease, telemetryEra, telemetryReleasesWith} from '../releases/releases.js'

export type Treatment = 'count' | 'derived' | 'hashed' | 'masked' | 'raw'

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

const UUID = '0d5c2f6e8a3b4c1d9e7f123456789abc'
const PROJECT_ID = '3c6ada3277824c7585adb3b159d06167'
const PACKAGE = 'spaceflights'
const short = (hash: string) => `${hash.slice(0, 16)}... (128 hex digits)`

function field(name: string, treatment: Treatment, input: string, sent: string, note: string): NoticeField {
  return {example: {input, sent}, name, note, treatment}
}

const COMMON_TAIL = [
  field('project_version', 'raw', `Kedro ${NEWEST_KNOWN.kedro} installed`, `"${NEWEST_KNOWN.kedro}"`, 'the installed Kedro version'),
  field('telemetry_version', 'raw', 'kedro-telemetry installed', `"${NEWEST_KNOWN.kedroTelemetry}"`, 'the installed kedro-telemetry version'),
  field('python_version', 'raw', 'the interpreter running kedro', '"3.11.7 (main, May  9 2026, 07:35:25) [GCC 12.2.0]"', 'the full sys.version, build date and compiler included'),
  field('os', 'raw', 'Linux', '"linux"', 'sys.platform'),
]

/** How this version's masking treats what is typed after `kedro` (see masking/masking.ts). */
function maskingNote(rules: MaskingRules): string {
  if (rules === 'vocabulary') return 'every word that is not a command or option name is masked, so a value that happens to be such a name (run, create, ...) is sent'
  if (rules === 'walk') return 'the command and its option names are kept, every value is masked'
  const starters = rules === 'walk-passthrough-starters' ? ' except an official starter name after --starter' : ''
  return `option names are kept, every value is masked${starters}; but values after a leading --help, -h, --version or -v are sent as typed`
}

function commandFields(release: TelemetryRelease): NoticeField[] {
  return [
    field('command', 'masked', 'kedro run --pipeline=data_science --params=lr=0.1', '"kedro run --pipeline ***** --params *****"', maskingNote(release.masking)),
    field('main_command', 'masked', 'kedro run --pipeline=data_science', '"run"', 'the first token of the masked command'),
  ]
}

const STATISTICS = [
  field('number_of_datasets', 'count', 'a catalog with 7 datasets and parameters', '7', 'catalog entries, parameters excluded'),
  field('number_of_nodes', 'count', 'a __default__ pipeline of 12 nodes', '12', 'nodes of the default pipeline'),
  field('number_of_pipelines', 'count', '__default__, data_processing, data_science', '3', 'registered pipelines'),
]

function currentFields(release: TelemetryRelease): NoticeField[] {
  const fields = [
    field('identity', 'raw', `telemetry.toml uuid = "${UUID}"`, `"${UUID}"`, 'the user uuid kedro keeps in telemetry.toml (created on the first send); "missing_user_identity" when unreadable'),
    field('username', 'raw', `telemetry.toml uuid = "${UUID}"`, `"${UUID}"`, 'the same user uuid again'),
    field('project_id', 'hashed', `project_id = "${PROJECT_ID}", package_name = "${PACKAGE}"`, `"${short(hashedProjectId(PROJECT_ID, PACKAGE))}"`, 'unsalted SHA-512 of project_id + package_name: pyproject.toml is usually committed, so anyone with the repository can recompute it; kedro adds a project_id to pyproject.toml when there is none'),
    ...COMMON_TAIL,
    field('is_ci_env', 'derived', 'CI=true in the environment', 'true', 'whether kedro thinks it runs in CI; it does not stop sending'),
    field('tools', 'raw', 'tools = "[\'Linting\', \'Testing\']" in pyproject.toml', '"Linting, Testing"', 'from [tool.kedro]'),
    field('example_pipeline', 'raw', 'example_pipeline = "True" in pyproject.toml', '"True"', 'from [tool.kedro]'),
    ...commandFields(release),
    field('timestamp', 'raw', 'the local clock', '"2026-11-27T21:30:00.123456Z"', 'local time, although it ends in Z'),
    ...STATISTICS,
  ]
  if (release.datasetTypes === 'flat') {
    fields.push(field('dataset_type_count.<class>', 'count', '3 pandas.CSVDataset entries (Kedro 1.x)', '"dataset_type_count.kedro_datasets.pandas.csv_dataset.CSVDataset": 3', 'one property per dataset class; classes outside kedro_datasets and kedro.io count as "custom"'))
  } else if (release.datasetTypes === 'nested') {
    fields.push(field('dataset_types', 'count', '3 pandas.CSVDataset entries (Kedro 1.x)', '{"kedro_datasets.pandas.csv_dataset.CSVDataset": 3}', `a nested object, which the collector rejected (flat keys in ${telemetryReleasesWith('datasetTypes', 'flat')}); an empty one with Kedro 0.19`))
  }

  if (release.validatorStatistics) {
    fields.push(
      field('number_of_validated_datasets', 'count', '2 catalog entries with a validator: key (Kedro 1.6+)', '2', 'only when the catalog declares validators'),
      field('validator_type_count.<library>', 'count', 'a pandera and a project-defined validator', '"validator_type_count.pandera": 1, "validator_type_count.custom": 1', 'pandera, pydantic, great_expectations, kedro and kedro_datasets by name; any other (a project\'s own) as "custom"'),
    )
  }

  return fields
}

function olderFields(release: TelemetryRelease): {estimated: string[]; fields: NoticeField[]} {
  const user = 'alice'
  const userHash = short(kedroHash(user))
  // Before 0.2.3 the project's names and version come from Kedro's ProjectMetadata ([tool.kedro]).
  const fromMetadata = [
    field('package_name', 'hashed', `package_name = "${PACKAGE}"`, `"${short(kedroHash(PACKAGE))}"`, 'SHA-512 of the package name'),
    field('project_name', 'hashed', 'project_name = "Spaceflights"', `"${short(kedroHash('Spaceflights'))}"`, 'SHA-512 of the project name'),
  ]
  const version = release.projectVersion === 'project-metadata'
    ? [field('project_version', 'raw', 'project_version = "0.18.14" in [tool.kedro]', '"0.18.14"', 'the project\'s own version (kedro_init_version from Kedro 0.18.5 when project_version is absent)'), ...COMMON_TAIL.slice(1)]
    : COMMON_TAIL
  if (release.identity === 'hostname-hash') {
    return {
      estimated: [],
      fields: [
        field('identity', 'hashed', 'host name "alice-laptop"', `"${short(kedroHash('alice-laptop'))}"`, 'SHA-512 of the computer name'),
        field('username', 'hashed', `login "${user}"`, `"${userHash}"`, 'SHA-512 of os.getlogin(); "anonymous" where it fails (no terminal, as in CI)'),
        ...commandFields(release).filter((entry) => entry.name === 'command'),
        ...fromMetadata,
        ...version,
        ...commandFields(release).filter((entry) => entry.name !== 'command'),
      ],
    }
  }

  const identity = release.identity === 'uuid'
    ? field('identity', 'raw', `telemetry.toml uuid = "${UUID}"`, `"${UUID}"`, 'the user uuid, created on the first send')
    : field('identity', 'hashed', `login "${user}"`, `"${userHash}"`, 'SHA-512 of getpass.getuser()')
  const project = {
    'metadata-hashes': fromMetadata,
    'package-name-hash': [field('package_name', 'hashed', `package_name = "${PACKAGE}"`, `"${short(kedroHash(PACKAGE))}"`, 'SHA-512 of the package name ("undefined" when there is none)')],
    'project-id': [field('project_id', 'hashed', `project_id = "${PROJECT_ID}", package_name = "${PACKAGE}"`, `"${short(hashedProjectId(PROJECT_ID, PACKAGE))}"`, 'unsalted SHA-512 of project_id + package_name; kedro adds a project_id to pyproject.toml when there is none')],
  }[release.projectIdentity]
  // Read from each release's plugin.py: tools as written in 0.3.1, joined from 0.3.2; is_ci_env from 0.3.2.
  const written = "['Linting', 'Testing']"
  const tools = {format: '"Linting, Testing"', join: JSON.stringify([...written].join(', ')), none: '', raw: JSON.stringify(written)}[release.tools]
  return {
    estimated: [],
    fields: [
      identity,
      {...identity, name: 'username'},
      ...project,
      ...version,
      ...(release.sendsCiAndExample ? [field('is_ci_env', 'derived', 'CI=true in the environment', 'true', 'whether kedro thinks it runs in CI')] : []),
      ...(release.tools === 'none' ? [] : [field('tools', 'raw', 'tools = "[\'Linting\', \'Testing\']" in pyproject.toml', tools, release.tools === 'join' ? 'Python ", ".join() of the string: its characters, joined' : 'as written in [tool.kedro]')]),
      ...commandFields(release),
      ...(!release.countsParameters ? STATISTICS : [
        field('number_of_datasets', 'count', 'a catalog with 7 datasets and 3 parameters', '11', 'every catalog entry: parameters, and a params: entry per parameter, included'),
        ...STATISTICS.slice(1),
      ]),
    ],
  }
}

/** The notice for one kedro-telemetry version. */
export function buildNotice(telemetryVersion: string): Notice {
  const release = telemetry(telemetryVersion)
  const optOut = release.consentModel === 'opt-out'
  const {estimated, fields} = optOut ? {estimated: [], fields: currentFields(release)} : olderFields(release)
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
    estimated,
    events,
    fields,
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
  '0.1.4 to 0.2.1': {content: 'b89ab6ce09b0', earlier: [], version: '0.1.4r2'},
  '0.2.2': {content: 'de89e0feafa8', earlier: [], version: '0.2.2r2'},
  '0.2.3': {content: '0c718e90d730', earlier: ['0c718e90d730'], version: '0.2.3r1'},
  '0.2.4 to 0.3.0': {content: '8f31e7303106', earlier: ['8f31e7303106'], version: '0.2.4r1'},
  '0.3.1': {content: 'e941f7c8750c', earlier: ['e941f7c8750c'], version: '0.3.1r1'},
  '0.3.2': {content: 'c593980e1261', earlier: ['c593980e1261'], version: '0.3.2r1'},
  '0.4.0': {content: '298cff65a73d', earlier: ['298cff65a73d'], version: '0.4.0r1'},
  '0.5.0': {content: 'c6e4177f971d', earlier: ['c6e4177f971d'], version: '0.5.0r1'},
  '0.6.0': {content: '7cdd01bf0a70', earlier: ['7cdd01bf0a70'], version: '0.6.0r1'},
  '0.6.1 to 0.6.4': {content: '02d413c6ae69', earlier: ['02d413c6ae69'], version: '0.6.1r1'},
  '0.6.5': {content: '17aaf3282b33', earlier: ['17aaf3282b33'], version: '0.6.5r1'},
  '0.7.0': {content: '4f62804eceeb', earlier: ['4f62804eceeb'], version: '0.7.0r1'},
  '0.8.0': {content: '564798873931', earlier: ['564798873931'], version: '0.8.0r1'},
  '0.9.0 and later': {content: '2c1ab975d8a2', earlier: ['2c1ab975d8a2'], version: '0.9.0r1'},
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
