/** What reading a project's pipelines gives, and where its package is (src/statistics/pipelines.ts reads them). */
import path from 'node:path'

export interface PipelineReading {
  /** Why the figures may differ from what kedro computes; empty when they are exact. */
  estimated: string[]
  /** The Python files read, relative to the project root, in the order they were read. */
  files: string[]
  /** Why loading the registry raises (a syntax error, an exception), so that kedro stops before the catalog. */
  registryFails: null | string
  /** Why loading the registry may raise (so that only "CLI command" is sent): each is also in `estimated`. */
  mayRaise: string[]
  /** Requested pipelines that are not registered: kedro run fails before it builds the catalog. */
  missing: string[]
  /** What Kedro warns about while it loads the pipelines (a package that fails to import and is left out). */
  warnings: string[]
  numberOfNodes: null | number
  numberOfPipelines: null | number
  /** Node count per registered pipeline. */
  pipelines: Record<string, number>
  /** With `mustExist` (kedro run): how many nodes the pipelines it runs hold together, when known. */
  selectedNodes: null | number
  /** Why kedro run's filters (--tags, --nodes, --from-nodes...) raise, or select no node: it fails before the catalog. */
  filterFails: null | string
}

export interface ProjectLayout {
  packageDirectory: string
  packageName: string
  projectRoot: string
  sourceDirectory: string
}

/** Where a project's package is: `<root>/<source_dir>/<package as folders>`. */
export function projectLayout(projectRoot: string, sourceDir: string, packageName: string): ProjectLayout {
  const sourceDirectory = path.join(projectRoot, sourceDir)
  return {packageDirectory: path.join(sourceDirectory, ...packageName.split('.')), packageName, projectRoot, sourceDirectory}
}
