/** Finding the Kedro projects an audit checks: every project at or below a folder, skipping what git ignores. */
import path from 'node:path'

import {listDirectorySync, MAX_WALK_ENTRIES, rawTreeHoldsSync} from '../checkout/files.js'
import {InputError} from '../errors.js'
import {openRepository} from '../git/repository.js'
import {isExcluded} from '../policy/exclude.js'
import {policyReader} from '../policy/load.js'
import type {Policy, PolicyChoice} from '../policy/policy.js'
import {isKedroProject} from '../project/root.js'
import {resolveWorkingDirectory} from '../project/working-directory.js'

const SKIPPED_DIRECTORIES = new Set(['.git', '.venv', 'node_modules', 'venv', '__pycache__'])

/** Paths git ignores below `directory` (directories end with a slash), relative to the repository root. */
async function ignoredPaths(directory: string): Promise<{ignored: Set<string>; root: null | string}> {
  const context = await openRepository(directory)
  if (!context.repository) return {ignored: new Set(), root: null}
  const output = await context.git.raw(['-C', context.root, 'ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z']).catch(() => '')
  return {ignored: new Set(output.split('\0').filter(Boolean)), root: context.root}
}

/**
 * A folder whose name is not valid UTF-8 cannot be named by this tool's paths: a Kedro project inside it could be
 * neither audited nor skipped silently (an audit would say PASSED without it), so finding one stops the command.
 */
function refuseUndecodable(parent: string, shown: string, raw: Buffer): void {
  const folder = Buffer.concat([Buffer.from(`${parent}${path.sep}`), raw])
  if (!rawTreeHoldsSync(folder, 'pyproject.toml', '[tool.kedro]', SKIPPED_DIRECTORIES)) return
  throw new InputError(`a Kedro project lies in ${path.join(parent, shown)}, whose name is not valid UTF-8: it cannot be checked, and is not skipped`, {
    code: 'UNDECODABLE_NAME', hint: 'rename that folder to a UTF-8 name (its bytes are shown as \\xNN) and run again',
  })
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
      if (entry.kind === 'undecodable' && !entry.symlink) refuseUndecodable(directory, entry.name, entry.raw!)
      if (entry.kind !== 'directory' || entry.symlink || SKIPPED_DIRECTORIES.has(entry.name)) continue
      if (++seen > MAX_WALK_ENTRIES) return
      const child = path.join(directory, entry.name)
      if (!isIgnored(child)) await walk(child)
    }
  }

  await walk(start)
  return found
}

/**
 * The Kedro projects at or below `paths` (the working directory when none) with the team policy that governs each,
 * less those a policy excludes. Every policy is read, and validated, before this returns: an invalid one throws.
 */
export async function discoverGovernedProjects(
  paths: string[], choice: PolicyChoice, cwd: string, env: NodeJS.ProcessEnv = process.env,
): Promise<Map<string, null | Policy>> {
  const starts = await Promise.all((paths.length > 0 ? paths : ['.']).map((input) => resolveWorkingDirectory(input, cwd)))
  const found = [...new Set((await Promise.all(starts.map((start) => discoverProjects(start)))).flat())]
  if (found.length === 0) {
    throw new InputError(`no Kedro project found in ${starts.join(', ')}`, {code: 'NO_PROJECT', hint: 'a Kedro project has a pyproject.toml with a [tool.kedro] table'})
  }

  const readPolicy = policyReader(choice, cwd, env)
  const governed = new Map<string, null | Policy>()
  for (const root of found) {
    const policy = await readPolicy(root)
    if (!isExcluded(policy, root)) governed.set(root, policy)
  }

  if (governed.size === 0) {
    throw new InputError(`every Kedro project found in ${starts.join(', ')} is excluded by its team policy`, {code: 'NO_PROJECT', hint: 'see the policy\'s exclude list, or pass --no-policy'})
  }

  return governed
}
