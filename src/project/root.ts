/**
 * Finds the Kedro project a kedro command would use. Kedro's `_is_project` checks that `pyproject.toml` is a file
 * whose text contains the literal `[tool.kedro]` (it does not parse TOML), and from Kedro 0.19 on
 * `_find_kedro_project` walks up from the working directory; before 0.19 only the working directory counts.
 */
import {realpath} from 'node:fs/promises'
import path from 'node:path'

import {readTextSafeSync} from '../checkout/files.js'

export const PYPROJECT = 'pyproject.toml'
const KEDRO_MARKER = '[tool.kedro]'

/**
 * `directory` holds a pyproject.toml with `[tool.kedro]` in its text. The file is read as checkout data: one that is
 * not a regular file, leads outside the directory or is over the size limit does not make a project here.
 */
export async function isKedroProject(directory: string): Promise<boolean> {
  const read = readTextSafeSync(path.join(directory, PYPROJECT), {within: directory})
  return read.ok && read.text.includes(KEDRO_MARKER)
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
