/**
 * Where a project's team policy is: the nearest .kedro-consent.yml at or above the project, up to the top of the git
 * repository that holds it (a policy is committed: one above the repository, in a folder someone else may control,
 * is never picked up). Outside a repository, only the project's own folder counts.
 */
import {lstat} from 'node:fs/promises'
import path from 'node:path'

import {nearestGitFolder} from '../git/repository.js'

export const POLICY_FILE_NAME = '.kedro-consent.yml'

/** The policy file that governs `directory`, or null. A symlinked policy counts (the reader decides where it may lead). */
export async function findPolicyFile(directory: string): Promise<null | string> {
  const top = await nearestGitFolder(directory) ?? directory
  for (let current = directory; ; current = path.dirname(current)) {
    const candidate = path.join(current, POLICY_FILE_NAME)
    if (await lstat(candidate).then(() => true, () => false)) return candidate
    if (current === top || path.dirname(current) === current) return null
  }
}
