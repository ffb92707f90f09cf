/**
 * Finds the Kedro project a kedro command would use. Kedro's `_is_project` checks that `pyproject.toml` is a file
 * whose text contains the literal `[tool.kedro]` (it does not parse TOML), and from Kedro 0.19 on
 * `_find_kedro_project` walks up from the working directory; before 0.19 only the working directory counts.
 */
import {readFile, realpath, stat} from 'node:fs/promises'
import path from 'node:path'

export const PYPROJECT = 'pyproject.toml'
const KEDRO_MARKER = '[tool.kedro]'

export async function isKedroProject(directory: string): Promise<boolean> {
  const file = path.join(directory, PYPROJECT)
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return false
  try {
    return (await readFile(file, 'utf8')).includes(KEDRO_MARKER)
  } catch {
    return false
  }
}

/**
 * The project root for a kedro command run in `workingDirectory`, or null. `walkUp` is false for Kedro before 0.19.
 * The path is resolved first, as Python's `Path.cwd()` is the physical directory.
 */
export async function findProjectRoot(workingDirectory: string, options: {walkUp?: boolean} = {}): Promise<null | string> {
  let current = await realpath(workingDirectory)
  for (;;) {
    if (await isKedroProject(current)) return current
    const parent = path.dirname(current)
    if (options.walkUp === false || parent === current) return null
    current = parent
  }
}
