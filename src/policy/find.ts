/**
 * Where a project's team policy is: the nearest .kedro-consent.yml at or above the project, up to the top of the git
 * repository that holds it, when git itself confirms that repository and trusts it (a folder owned by another user
 * is refused unless safe.directory allows it). Without such a repository only the project's own folder counts: a
 * policy in a folder someone else controls (a shared folder, anything with an entry named `.git` that git does not
 * accept) never governs a project. Such a policy is reported as ignored, with the reason.
 */
import {lstat} from 'node:fs/promises'
import path from 'node:path'

import {nearestGitFolder, openRepository} from '../git/repository.js'

export const POLICY_FILE_NAME = '.kedro-consent.yml'

/** A policy file at or above a project that may not govern it, and why. */
export interface IgnoredPolicy {
  file: string
  reason: string
}

export interface PolicyLocation {
  /** The policy file that governs the folder, or null. */
  file: null | string
  /** Policy files above the folder within the nearest `.git` that git does not confirm or trust. */
  ignored: IgnoredPolicy[]
  /** The folder a found policy may not lead out of: the trusted repository's top level, or the folder itself. */
  top: string
}

/** Whether git accepts `folder` as the top level of a repository it trusts; why not, otherwise. Asked once per folder. */
const trustAnswers = new Map<string, Promise<null | string>>()

function untrustedBecause(folder: string, env: NodeJS.ProcessEnv): Promise<null | string> {
  // The answer depends on the user's git configuration (safe.directory), found through these variables.
  const key = [folder, env.HOME, env.XDG_CONFIG_HOME, env.GIT_CONFIG_GLOBAL, env.GIT_CONFIG_NOSYSTEM].join('\0')
  if (!trustAnswers.has(key)) {
    trustAnswers.set(key, openRepository(folder, env).then((context) => {
      if (context.repository && context.root === folder) return null
      if (context.refusal) return context.refusal.message
      return `${path.join(folder, '.git')} is not a git repository that git accepts${context.error ? ` (${context.error})` : ''}`
    }))
  }

  return trustAnswers.get(key)!
}

const exists = (file: string) => lstat(file).then(() => true, () => false)

/** The policy file that governs `directory`, and those found above it that may not. A symlinked policy counts (the reader decides where it may lead). */
export async function findPolicyFile(directory: string, env: NodeJS.ProcessEnv = process.env): Promise<PolicyLocation> {
  const gitFolder = await nearestGitFolder(directory)
  // Up to the nearest `.git` entry, as far as a repository could reach; nearest first.
  const candidates: string[] = []
  const last = gitFolder ?? directory
  for (let current = directory; ; current = path.dirname(current)) {
    const candidate = path.join(current, POLICY_FILE_NAME)
    if (await exists(candidate)) candidates.push(candidate)
    if (current === last || path.dirname(current) === current) break
  }

  // Git is asked whether it trusts the repository only when there is a policy file that answer concerns.
  if (candidates.length === 0) return {file: null, ignored: [], top: directory}
  const distrust = gitFolder === null ? null : await untrustedBecause(gitFolder, env)
  const top = gitFolder !== null && distrust === null ? gitFolder : directory
  // Only what lies within `top` may govern.
  const outside = (candidate: string) => path.relative(top, path.dirname(candidate)).startsWith('..')
  const ignored = candidates.filter((candidate) => outside(candidate)).map((candidate) => ({file: candidate, reason: `it is outside the project's folder and ${distrust}`}))
  return {file: candidates.find((candidate) => !outside(candidate)) ?? null, ignored, top}
}
