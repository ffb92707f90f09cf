/** A team policy's exclusions: the folders the audit and enforce skip. */
import path from 'node:path'

import picomatch from 'picomatch'

import type {Policy} from './policy.js'

/** The project at `root` lies in a folder the policy excludes (a pattern matches the folder or one above it). */
export function isExcluded(policy: null | Policy, root: string): boolean {
  if (policy === null || policy.exclude.length === 0) return false
  const relative = path.relative(policy.folder, root).split(path.sep).join('/')
  if (relative === '' || relative.startsWith('..')) return false
  const matches = picomatch(policy.exclude, {dot: true})
  const parts = relative.split('/')
  return parts.some((_, index) => matches(parts.slice(0, index + 1).join('/')))
}
