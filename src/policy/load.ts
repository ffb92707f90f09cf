/** The policy a command applies: found from the project (the default), the file the user named, or none. */
import path from 'node:path'

import {realPathOr} from '../checkout/files.js'
import {findPolicyFile} from './find.js'
import type {Policy, PolicyChoice} from './policy.js'

/**
 * A reader of the policy that governs a folder under `choice`: each policy file is read once, however many projects
 * it governs. The reader (YAML, ajv) loads only when there is a policy to read, so a project without one pays nothing.
 */
export function policyReader(choice: PolicyChoice, cwd: string, env: NodeJS.ProcessEnv = process.env): (directory: string) => Promise<null | Policy> {
  const read = new Map<string, Promise<Policy>>()
  return async (directory) => {
    if (choice === 'none') return null
    const found = choice === 'find' ? await findPolicyFile(directory, env) : null
    const file = found ? found.file : path.resolve(cwd, (choice as {file: string}).file)
    if (file === null) return null
    if (!read.has(file)) {
      // A found policy is the repository's data: a symlink may not lead out of it. A named one is the user's choice.
      const within = found ? realPathOr(found.top) : null
      read.set(file, import('./read.js').then(({readPolicy}) => readPolicy(file, within)))
    }

    return read.get(file)!
  }
}
