/** A Kedro project as kedro-telemetry would see it from a working directory: its root, pyproject.toml and versions. */
import {type PyprojectInfo, readPyproject} from './pyproject.js'
import {findProjectRoot} from './root.js'
import {detectVersions, type ProjectVersions} from './versions.js'
import {resolveWorkingDirectory} from './working-directory.js'

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

/** A project as loaded from where kedro would run, with that directory as resolved (real path). */
export interface ProjectAt {
  project: LoadedProject
  workingDirectory: string
}

/**
 * The project kedro would use when run in `directory` (relative to `cwd`). A command that needs the project for
 * several things (enforce: the status, the change and the audit, TEL006 too) loads it here once and hands it on.
 */
export async function loadProjectAt(directory: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ProjectAt> {
  const workingDirectory = await resolveWorkingDirectory(directory, cwd)
  return {project: await loadProject(workingDirectory, env), workingDirectory}
}
