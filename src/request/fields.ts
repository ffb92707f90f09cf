/**
 * Every field kedro-telemetry puts in a request, once: its key, the releases that send it, how it is computed, its
 * place in the body, where kedro-telemetry computes it, what it is for people, what the notice says of it, and
 * whether the leak scan skips it. The docs' field table (docs/preview.md), the notice (notice/notice.ts), the leak
 * scan (audit/leaks.ts) and the statistics' sources read it; a release that adds a field is a timeline entry
 * (src/releases/releases.ts) and one entry here.
 */
import {hashedProjectId, kedroHash} from '../identity/hash.js'
import {type MaskingRules, NEWEST_KNOWN, type TelemetryRelease, telemetryReleasesWith} from '../releases/releases.js'
import type {Derivation} from './sheet.js'

/** What the notice says of a field for one release: an example input, what the collector receives for it, a note. */
export interface NoticeText {
  input: string
  note: string
  sent: string
  /** When it differs from the field's derivation in this release (a user id hashed before the uuid era). */
  treatment?: Derivation
}

export interface BodyField {
  derivation: Derivation
  /** What it is, for people (the docs' field table). */
  description: string
  /** The body path; `<...>` marks a family of keys (`properties.dataset_type_count.<class>`). */
  key: string
  /** The leak scan skips it: a hash, or the interpreter's own version string, never user input. */
  leakScanExempt?: true
  /** What the notice says of it, per release; null: not in the notice (nothing about the user or the project). */
  notice: ((release: TelemetryRelease) => NoticeText) | null
  /** Which releases send it, as a behaviour of the release (null: every release). */
  sentBy: ((release: TelemetryRelease) => boolean) | null
  /** Where kedro-telemetry computes it (kedro_telemetry/...), and, for a statistic, what of the project it reads. */
  source: string
  /** For a statistic: the project files it is counted from. */
  countedFrom?: 'catalog' | 'pipelines'
}

// The notice's example project and user.
const UUID = '0d5c2f6e8a3b4c1d9e7f123456789abc'
const PROJECT_ID = '3c6ada3277824c7585adb3b159d06167'
const PACKAGE = 'spaceflights'
const USER = 'alice'
const short = (hash: string) => `"${hash.slice(0, 16)}... (128 hex digits)"`
const text = (input: string, sent: string, note: string, treatment?: Derivation): NoticeText => ({input, note, sent, ...(treatment ? {treatment} : {})})
const always = (input: string, sent: string, note: string) => () => text(input, sent, note)

/** How a release's masking treats what is typed after `kedro` (see masking/masking.ts). */
function maskingNote(rules: MaskingRules): string {
  if (rules === 'vocabulary') return 'every word that is not a command or option name is masked, so a value that happens to be such a name (run, create, ...) is sent'
  if (rules === 'walk') return 'the command and its option names are kept, every value is masked'
  const starters = rules === 'walk-passthrough-starters' ? ' except an official starter name after --starter' : ''
  return `option names are kept, every value is masked${starters}; but values after a leading --help, -h, --version or -v are sent as typed`
}

/** The user id of the release's era: the uuid in telemetry.toml, or a hash of the login (or, for `identity` before 0.2.2, host) name. */
function userId(release: TelemetryRelease, field: 'identity' | 'username'): NoticeText {
  if (release.identity === 'uuid') {
    return field === 'username'
      ? text(`telemetry.toml uuid = "${UUID}"`, `"${UUID}"`, 'the user uuid kedro keeps in telemetry.toml (created on the first send); "" when unreadable')
      : text(`telemetry.toml uuid = "${UUID}"`, `"${UUID}"`, 'the same user uuid again; "missing_user_identity" when unreadable')
  }

  if (release.identity === 'hostname-hash') {
    return field === 'identity'
      ? text('host name "alice-laptop"', short(kedroHash('alice-laptop')), 'SHA-512 of the computer name', 'hashed')
      : text(`login "${USER}"`, short(kedroHash(USER)), 'SHA-512 of os.getlogin(); "anonymous" where it fails (no terminal, as in CI)', 'hashed')
  }

  return text(`login "${USER}"`, short(kedroHash(USER)), 'SHA-512 of getpass.getuser()', 'hashed')
}

const TOOLS_WRITTEN = "['Linting', 'Testing']"

/** In the order kedro-telemetry 0.6.0 and later put them in the body (older releases: docs/preview.md). */
export const BODY_FIELDS: readonly BodyField[] = [
  {derivation: 'raw', description: 'Heap\'s application id, `2388822444`, or `$HEAP_APPID_DEV`', key: 'app_id', notice: null, sentBy: null, source: 'plugin.py _send_heap_event'},
  {derivation: 'derived', description: '`Kedro Project Statistics` or `CLI command`', key: 'event', notice: null, sentBy: null, source: 'plugin.py KedroTelemetryHook'},
  {derivation: 'raw', description: 'the time of sending (here: of the preview), local time with a literal `Z`', key: 'timestamp', notice: always('the local clock', '"2026-11-27T21:30:00.123456Z"', 'local time, although it ends in Z'), sentBy: null, source: 'plugin.py _send_heap_event'},
  {
    derivation: 'raw', description: 'the user uuid from `telemetry.toml`; a placeholder, estimated, when kedro would create it on the first send; `""` when the file is unreadable',
    key: 'properties.username', leakScanExempt: true, notice: (release) => userId(release, 'username'), sentBy: null, source: 'plugin.py _get_or_create_uuid',
  },
  {
    derivation: 'hashed', description: '`sha512(project_id + package_name)`, unsalted, from `pyproject.toml`; `null` outside a project; estimated when kedro would first append a project id to `pyproject.toml`',
    key: 'properties.project_id', leakScanExempt: true, notice: always(`project_id = "${PROJECT_ID}", package_name = "${PACKAGE}"`, short(hashedProjectId(PROJECT_ID, PACKAGE)), 'unsalted SHA-512 of project_id + package_name: pyproject.toml is usually committed, so anyone with the repository can recompute it; kedro adds a project_id to pyproject.toml when there is none'), sentBy: (release) => release.projectIdentity === 'project-id', source: 'plugin.py _get_project_properties',
  },
  {
    derivation: 'hashed', description: 'kedro-telemetry before 0.5.0: `sha512(package_name)` (`undefined` without one from 0.2.3)', key: 'properties.package_name', leakScanExempt: true,
    notice: (release) => text(`package_name = "${PACKAGE}"`, short(kedroHash(PACKAGE)), release.projectIdentity === 'metadata-hashes' ? 'SHA-512 of the package name' : 'SHA-512 of the package name ("undefined" when there is none)'), sentBy: (release) => release.projectIdentity !== 'project-id', source: 'plugin.py _get_project_properties (before 0.2.2: _format_user_cli_data)',
  },
  {
    derivation: 'hashed', description: 'kedro-telemetry before 0.2.3: `sha512(project_name)` of `[tool.kedro]`', key: 'properties.project_name', leakScanExempt: true,
    notice: always('project_name = "Spaceflights"', short(kedroHash('Spaceflights')), 'SHA-512 of the project name'), sentBy: (release) => release.projectIdentity === 'metadata-hashes', source: 'plugin.py _get_project_properties (before 0.2.2: _format_user_cli_data)',
  },
  {
    derivation: 'raw', description: 'the Kedro version; before kedro-telemetry 0.2.3 the project\'s own (`[tool.kedro] project_version`)', key: 'properties.project_version', notice: (release) => (release.projectVersion === 'project-metadata' ? text('project_version = "0.18.14" in [tool.kedro]', '"0.18.14"', 'the project\'s own version (kedro_init_version from Kedro 0.18.5 when project_version is absent)') : text(`Kedro ${NEWEST_KNOWN.kedro} installed`, `"${NEWEST_KNOWN.kedro}"`, 'the installed Kedro version')), sentBy: null,
    source: 'plugin.py _get_project_properties',
  },
  {derivation: 'raw', description: 'the kedro-telemetry version', key: 'properties.telemetry_version', notice: always('kedro-telemetry installed', `"${NEWEST_KNOWN.kedroTelemetry}"`, 'the installed kedro-telemetry version'), sentBy: null, source: 'plugin.py _get_project_properties'},
  {
    derivation: 'raw', description: 'the full `sys.version`, build date and compiler included', key: 'properties.python_version', leakScanExempt: true, notice: always('the interpreter running kedro', '"3.11.7 (main, May  9 2026, 07:35:25) [GCC 12.2.0]"', 'the full sys.version, build date and compiler included'), sentBy: null,
    source: 'plugin.py _get_project_properties',
  },
  {derivation: 'raw', description: '`sys.platform` (`linux`, `darwin`, `win32`)', key: 'properties.os', notice: always('Linux', '"linux"', 'sys.platform'), sentBy: null, source: 'plugin.py _get_project_properties'},
  {
    derivation: 'derived', description: 'kedro\'s CI rule (`CI=true` or a known CI variable)', key: 'properties.is_ci_env', notice: always('CI=true in the environment', 'true', 'whether kedro thinks it runs in CI; it does not stop sending'), sentBy: (release) => release.sendsCiAndExample,
    source: 'plugin.py _is_known_ci_env',
  },
  {
    derivation: 'raw', description: 'from `[tool.kedro]` in `pyproject.toml`, as each release formats it', key: 'properties.tools', notice: (release) => text(`tools = "${TOOLS_WRITTEN}" in pyproject.toml`, {format: '"Linting, Testing"', join: JSON.stringify([...TOOLS_WRITTEN].join(', ')), none: '', raw: JSON.stringify(TOOLS_WRITTEN)}[release.tools], release.tools === 'join' ? 'Python ", ".join() of the string: its characters, joined' : 'from [tool.kedro]'), sentBy: (release) => release.tools !== 'none',
    source: 'plugin.py _add_tool_properties',
  },
  {derivation: 'raw', description: 'from `[tool.kedro]` in `pyproject.toml`, as written', key: 'properties.example_pipeline', notice: always('example_pipeline = "True" in pyproject.toml', '"True"', 'from [tool.kedro]'), sentBy: (release) => release.sendsCiAndExample, source: 'plugin.py _add_tool_properties'},
  {
    derivation: 'masked', description: '`kedro` and the masked arguments: command and option names kept, values as `*****`', key: 'properties.command', notice: (release) => text('kedro run --pipeline=data_science --params=lr=0.1', '"kedro run --pipeline ***** --params *****"', maskingNote(release.masking)), sentBy: null,
    source: 'plugin.py before_command_run, masking.py _mask_kedro_cli',
  },
  {derivation: 'masked', description: 'the first masked token', key: 'properties.main_command', notice: always('kedro run --pipeline=data_science', '"run"', 'the first token of the masked command'), sentBy: null, source: 'plugin.py before_command_run'},
  {
    countedFrom: 'catalog', derivation: 'count', description: 'catalog entries, parameters excluded', key: 'properties.number_of_datasets', notice: (release) => (release.countsParameters ? text('a catalog with 7 datasets and 3 parameters', '11', 'every catalog entry: parameters, and a params: entry per parameter, included') : text('a catalog with 7 datasets and parameters', '7', 'catalog entries, parameters excluded')), sentBy: (release) => release.sendsStatistics,
    source: 'plugin.py _format_project_statistics_data (0.9.0: collectors/datasets.py)',
  },
  {
    countedFrom: 'pipelines', derivation: 'count', description: 'nodes of `__default__`; `null` when it is missing or falsy', key: 'properties.number_of_nodes',
    notice: always('a __default__ pipeline of 12 nodes', '12', 'nodes of the default pipeline'), sentBy: (release) => release.sendsStatistics, source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'pipelines', derivation: 'count', description: 'registered pipelines, `__default__` included', key: 'properties.number_of_pipelines',
    notice: always('__default__, data_processing, data_science', '3', 'registered pipelines'), sentBy: (release) => release.sendsStatistics, source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'catalog', derivation: 'count', description: 'kedro-telemetry 0.7.x: the dataset classes as one nested object (which the collector rejected); empty with Kedro 0.19',
    key: 'properties.dataset_types', notice: always('3 pandas.CSVDataset entries (Kedro 1.x)', '{"kedro_datasets.pandas.csv_dataset.CSVDataset": 3}', `a nested object, which the collector rejected (flat keys in ${telemetryReleasesWith('datasetTypes', 'flat')}); an empty one with Kedro 0.19`), sentBy: (release) => release.datasetTypes === 'nested', source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'catalog', derivation: 'count',
    description: 'per dataset class (Kedro 1.x, kedro-telemetry 0.8.0+), `custom` outside Kedro\'s own packages; the class module comes from the installed kedro-datasets, else every release\'s own layout',
    key: 'properties.dataset_type_count.<class>', notice: always('3 pandas.CSVDataset entries (Kedro 1.x)', '"dataset_type_count.kedro_datasets.pandas.csv_dataset.CSVDataset": 3', 'one property per dataset class; classes outside kedro_datasets and kedro.io count as "custom"'), sentBy: (release) => release.datasetTypes === 'flat', source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'catalog', derivation: 'count', description: 'kedro-telemetry 0.9.0 with Kedro 1.6+, only when the catalog declares validators: how many',
    key: 'properties.number_of_validated_datasets', notice: always('2 catalog entries with a validator: key (Kedro 1.6+)', '2', 'only when the catalog declares validators'), sentBy: (release) => release.validatorStatistics, source: 'collectors/validators.py',
  },
  {
    countedFrom: 'catalog', derivation: 'count',
    description: 'per validator library (`pandera`, `pydantic`, `great_expectations`, `kedro`, `kedro_datasets`; a project\'s own as `custom`)',
    key: 'properties.validator_type_count.<library>', notice: always('a pandera and a project-defined validator', '"validator_type_count.pandera": 1, "validator_type_count.custom": 1', 'pandera, pydantic, great_expectations, kedro and kedro_datasets by name; any other (a project\'s own) as "custom"'), sentBy: (release) => release.validatorStatistics, source: 'collectors/validators.py',
  },
  {derivation: 'raw', description: 'the user uuid again, or `missing_user_identity`', key: 'identity', leakScanExempt: true, notice: (release) => userId(release, 'identity'), sentBy: null, source: 'plugin.py _send_heap_event'},
]

/** The registry entry of a body path, family keys included (`properties.dataset_type_count.kedro_datasets...`). */
export function bodyField(path: string): BodyField | undefined {
  return BODY_FIELDS.find((field) => field.key === path || (field.key.endsWith('.<class>') || field.key.endsWith('.<library>')
    ? path.startsWith(field.key.slice(0, field.key.lastIndexOf('.') + 1))
    : false))
}
