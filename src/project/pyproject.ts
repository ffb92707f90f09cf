/** The parts of a Kedro project's `pyproject.toml` that kedro-telemetry reads or sends. */
import path from 'node:path'
import {parse as parseToml} from 'smol-toml'

import {readTextSafeSync} from '../checkout/files.js'
import {PYPROJECT} from './root.js'

export interface PyprojectInfo {
  /** `[tool.kedro] example_pipeline`, sent as is. */
  examplePipeline: unknown
  /** `[project] dependencies` and every optional-dependencies list, as written. */
  dependencies: string[]
  /** Parse error, when the file is not valid TOML (kedro-telemetry would then fail too). */
  error: null | string
  kedroInitVersion: null | string
  /** Every key of [tool.kedro], in order. */
  kedroKeys: string[]
  /** Kedro 0.18's name for kedro_init_version ([tool.kedro] project_version). */
  kedroProjectVersion: null | string
  packageName: null | string
  path: string
  /** `[tool.kedro] project_name`: Kedro refuses a project without one. */
  projectName: null | string
  /** `[tool.kedro_telemetry] project_id`, null when the table or key is missing. */
  projectId: null | string
  /** `[tool.kedro] source_dir`: where the package lives (default src). */
  sourceDir: string
  /** `[tool.kedro] tools`, as written. */
  tools: unknown
}

type Table = Record<string, unknown>

function table(value: unknown): Table | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : null
}

function stringOrNull(value: unknown): null | string {
  return typeof value === 'string' ? value : null
}

export async function readPyproject(projectRoot: string): Promise<PyprojectInfo> {
  const file = path.join(projectRoot, PYPROJECT)
  const info: PyprojectInfo = {
    dependencies: [], error: null, examplePipeline: undefined, kedroInitVersion: null, kedroKeys: [], kedroProjectVersion: null, packageName: null, path: file,
    projectId: null, projectName: null, sourceDir: 'src', tools: undefined,
  }
  const read = readTextSafeSync(file, {within: projectRoot})
  if (!read.ok) return {...info, error: read.reason}
  let data: Table
  try {
    data = parseToml(read.text)
  } catch (error) {
    return {...info, error: (error as Error).message.split('\n')[0]}
  }

  return {...info, ...pyprojectFields(data)}
}

/** [project] dependencies and every optional-dependencies list, as the strings they hold. */
function dependenciesOf(project: null | Table): string[] {
  const optional = table(project?.['optional-dependencies']) ?? {}
  return [project?.dependencies, ...Object.values(optional)]
    .flatMap((list): unknown[] => (Array.isArray(list) ? list : []))
    .filter((item): item is string => typeof item === 'string')
}

export function pyprojectFields(data: Table): Omit<PyprojectInfo, 'error' | 'path'> {
  const tool = table(data.tool)
  const kedro = table(tool?.kedro)
  const telemetry = table(tool?.kedro_telemetry)
  return {
    dependencies: dependenciesOf(table(data.project)),
    examplePipeline: kedro?.example_pipeline,
    kedroInitVersion: stringOrNull(kedro?.kedro_init_version),
    kedroKeys: kedro ? Object.keys(kedro) : [],
    kedroProjectVersion: stringOrNull(kedro?.project_version),
    packageName: stringOrNull(kedro?.package_name),
    projectId: telemetry && 'project_id' in telemetry ? String(telemetry.project_id) : null,
    projectName: stringOrNull(kedro?.project_name),
    sourceDir: stringOrNull(kedro?.source_dir) ?? 'src',
    tools: kedro?.tools,
  }
}
