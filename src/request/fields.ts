/**
 * Every field kedro-telemetry puts in a request, once: its key, the releases that send it, how it is computed, its
 * place in the body, where kedro-telemetry computes it, what it is for people, and whether the leak scan skips it.
 * The docs' field table (docs/preview.md), the leak scan (audit/leaks.ts) and the statistics' sources read it; a
 * release that adds a field is a timeline entry (src/releases/releases.ts) and one entry here.
 */
import type {TelemetryRelease} from '../releases/releases.js'
import type {Derivation} from './sheet.js'

export interface BodyField {
  derivation: Derivation
  /** What it is, for people (the docs' field table). */
  description: string
  /** The body path; `<...>` marks a family of keys (`properties.dataset_type_count.<class>`). */
  key: string
  /** The leak scan skips it: a hash, or the interpreter's own version string, never user input. */
  leakScanExempt?: true
  /** Which releases send it, as a behaviour of the release (null: every release of the opt-out era). */
  sentBy: ((release: TelemetryRelease) => boolean) | null
  /** Where kedro-telemetry computes it (kedro_telemetry/...), and, for a statistic, what of the project it reads. */
  source: string
  /** For a statistic: the project files it is counted from. */
  countedFrom?: 'catalog' | 'pipelines'
}

/** In the order kedro-telemetry 0.6.0 and later put them in the body. */
export const BODY_FIELDS: readonly BodyField[] = [
  {derivation: 'raw', description: 'Heap\'s application id, `2388822444`, or `$HEAP_APPID_DEV`', key: 'app_id', sentBy: null, source: 'plugin.py _send_heap_event'},
  {derivation: 'derived', description: '`Kedro Project Statistics` or `CLI command`', key: 'event', sentBy: null, source: 'plugin.py KedroTelemetryHook'},
  {derivation: 'raw', description: 'the time of sending (here: of the preview), local time with a literal `Z`', key: 'timestamp', sentBy: null, source: 'plugin.py _send_heap_event'},
  {
    derivation: 'raw', description: 'the user uuid from `telemetry.toml`; a placeholder, estimated, when kedro would create it on the first send; `""` when the file is unreadable',
    key: 'properties.username', leakScanExempt: true, sentBy: null, source: 'plugin.py _get_or_create_uuid',
  },
  {
    derivation: 'hashed', description: '`sha512(project_id + package_name)`, unsalted, from `pyproject.toml`; `null` outside a project; estimated when kedro would first append a project id to `pyproject.toml`',
    key: 'properties.project_id', leakScanExempt: true, sentBy: (release) => release.projectIdentity === 'project-id', source: 'plugin.py _get_project_properties',
  },
  {
    derivation: 'hashed', description: 'kedro-telemetry before 0.5.0: `sha512(package_name)` (`undefined` without one from 0.2.3)', key: 'properties.package_name', leakScanExempt: true,
    sentBy: (release) => release.projectIdentity !== 'project-id', source: 'plugin.py _get_project_properties (before 0.2.2: _format_user_cli_data)',
  },
  {
    derivation: 'hashed', description: 'kedro-telemetry before 0.2.3: `sha512(project_name)` of `[tool.kedro]`', key: 'properties.project_name', leakScanExempt: true,
    sentBy: (release) => release.projectIdentity === 'metadata-hashes', source: 'plugin.py _get_project_properties (before 0.2.2: _format_user_cli_data)',
  },
  {
    derivation: 'raw', description: 'the Kedro version; before kedro-telemetry 0.2.3 the project\'s own (`[tool.kedro] project_version`)', key: 'properties.project_version', sentBy: null,
    source: 'plugin.py _get_project_properties',
  },
  {derivation: 'raw', description: 'the kedro-telemetry version', key: 'properties.telemetry_version', sentBy: null, source: 'plugin.py _get_project_properties'},
  {
    derivation: 'raw', description: 'the full `sys.version`, build date and compiler included', key: 'properties.python_version', leakScanExempt: true, sentBy: null,
    source: 'plugin.py _get_project_properties',
  },
  {derivation: 'raw', description: '`sys.platform` (`linux`, `darwin`, `win32`)', key: 'properties.os', sentBy: null, source: 'plugin.py _get_project_properties'},
  {
    derivation: 'derived', description: 'kedro\'s CI rule (`CI=true` or a known CI variable)', key: 'properties.is_ci_env', sentBy: (release) => release.sendsCiAndExample,
    source: 'plugin.py _is_known_ci_env',
  },
  {
    derivation: 'raw', description: 'from `[tool.kedro]` in `pyproject.toml`, as each release formats it', key: 'properties.tools', sentBy: (release) => release.tools !== 'none',
    source: 'plugin.py _add_tool_properties',
  },
  {derivation: 'raw', description: 'from `[tool.kedro]` in `pyproject.toml`, as written', key: 'properties.example_pipeline', sentBy: (release) => release.sendsCiAndExample, source: 'plugin.py _add_tool_properties'},
  {
    derivation: 'masked', description: '`kedro` and the masked arguments: command and option names kept, values as `*****`', key: 'properties.command', sentBy: null,
    source: 'plugin.py before_command_run, masking.py _mask_kedro_cli',
  },
  {derivation: 'masked', description: 'the first masked token', key: 'properties.main_command', sentBy: null, source: 'plugin.py before_command_run'},
  {
    countedFrom: 'catalog', derivation: 'count', description: 'catalog entries, parameters excluded', key: 'properties.number_of_datasets', sentBy: (release) => release.sendsStatistics,
    source: 'plugin.py _format_project_statistics_data (0.9.0: collectors/datasets.py)',
  },
  {
    countedFrom: 'pipelines', derivation: 'count', description: 'nodes of `__default__`; `null` when it is missing or falsy', key: 'properties.number_of_nodes',
    sentBy: (release) => release.sendsStatistics, source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'pipelines', derivation: 'count', description: 'registered pipelines, `__default__` included', key: 'properties.number_of_pipelines',
    sentBy: (release) => release.sendsStatistics, source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'catalog', derivation: 'count', description: 'kedro-telemetry 0.7.x: the dataset classes as one nested object (which the collector rejected); empty with Kedro 0.19',
    key: 'properties.dataset_types', sentBy: (release) => release.datasetTypes === 'nested', source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'catalog', derivation: 'count',
    description: 'per dataset class (Kedro 1.x, kedro-telemetry 0.8.0+), `custom` outside Kedro\'s own packages; the class module comes from the installed kedro-datasets, else every release\'s own layout',
    key: 'properties.dataset_type_count.<class>', sentBy: (release) => release.datasetTypes === 'flat', source: 'plugin.py _format_project_statistics_data',
  },
  {
    countedFrom: 'catalog', derivation: 'count', description: 'kedro-telemetry 0.9.0 with Kedro 1.6+, only when the catalog declares validators: how many',
    key: 'properties.number_of_validated_datasets', sentBy: (release) => release.validatorStatistics, source: 'collectors/validators.py',
  },
  {
    countedFrom: 'catalog', derivation: 'count',
    description: 'per validator library (`pandera`, `pydantic`, `great_expectations`, `kedro`, `kedro_datasets`; a project\'s own as `custom`)',
    key: 'properties.validator_type_count.<library>', sentBy: (release) => release.validatorStatistics, source: 'collectors/validators.py',
  },
  {derivation: 'raw', description: 'the user uuid again, or `missing_user_identity`', key: 'identity', leakScanExempt: true, sentBy: null, source: 'plugin.py _send_heap_event'},
]

/** The registry entry of a body path, family keys included (`properties.dataset_type_count.kedro_datasets...`). */
export function bodyField(path: string): BodyField | undefined {
  return BODY_FIELDS.find((field) => field.key === path || (field.key.endsWith('.<class>') || field.key.endsWith('.<library>')
    ? path.startsWith(field.key.slice(0, field.key.lastIndexOf('.') + 1))
    : false))
}
