/** Finding the Kedro projects an audit checks: every project at or below a folder, skipping what git ignores. */
import path from 'node:path'

import {listDirectorySync, MAX_WALK_ENTRIES} from '../checkout/files.js'
import {openRepository} from '../git/repository.js'
import {isKedroProject} from '../project/root.js'

const SKIPPED_DIRECTORIES = new Set(['.git', '.venv', 'node_modules', 'venv', '__pycache__'])

/** Paths git ignores below `directory` (directories end with a slash), relative to the repository root. */
async function ignoredPaths(directory: string): Promise<{ignored: Set<string>; root: null | string}> {
  const context = await openRepository(directory)
  if (!context.repository) return {ignored: new Set(), root: null}
  const output = await context.git.raw(['-C', context.root, 'ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z']).catch(() => '')
  return {ignored: new Set(output.split('\0').filter(Boolean)), root: context.root}
}

/** Every Kedro project at or below `start`, skipping what git ignores and node_modules, .venv, .git. */
export async function discoverProjects(start: string): Promise<string[]> {
  const {ignored, root} = await ignoredPaths(start)
  const isIgnored = (directory: string) => {
    if (!root) return false
    const relative = `${path.relative(root, directory).split(path.sep).join('/')}/`
    return relative !== '/' && [...ignored].some((entry) => entry.endsWith('/') && relative.startsWith(entry))
  }

  const found: string[] = []
  let seen = 0
  const walk = async (directory: string): Promise<void> => {
    if (await isKedroProject(directory)) found.push(directory)
    const listing = listDirectorySync(directory, start)
    // Symlinked folders are not entered: a tree is walked once, inside itself, whatever links it holds.
    for (const entry of listing.ok ? listing.entries : []) {
      if (entry.kind !== 'directory' || entry.symlink || SKIPPED_DIRECTORIES.has(entry.name)) continue
      if (++seen > MAX_WALK_ENTRIES) return
      const child = path.join(directory, entry.name)
      if (!isIgnored(child)) await walk(child)
    }
  }

  await walk(start)
  return found
}
