/** A Kedro project as kedro-telemetry would see it from a working directory: its root, pyproject.toml and versions. */
import {type PyprojectInfo, readPyproject} from './pyproject.js'
import {findProjectRoot} from './root.js'
import {detectVersions, type ProjectVersions} from './versions.js'

export interface LoadedProject {
  pyproject: null | PyprojectInfo
  /** The project root, or null outside a project. */
  root: null | string
  versions: ProjectVersions
}

export async function loadProject(workingDirectory: string, env: NodeJS.ProcessEnv): Promise<LoadedProject> {
  const root = await findProjectRoot(workingDirectory)
  const pyproject = root ? await readPyproject(root) : null
  const versions = await detectVersions({
    env, kedroInitVersion: pyproject?.kedroInitVersion ?? pyproject?.kedroProjectVersion ?? null, projectRoot: root,
    pyprojectDependencies: pyproject?.dependencies ?? [],
  })
  return {pyproject, root, versions}
}
