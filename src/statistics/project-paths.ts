/** The look at files that the project's code gets through pathlib and os.path (src/python/paths.ts): inside the project only. */
import {entryKindSync, isInside, realPathOr} from '../checkout/files.js'
import type {PathScene} from '../python/paths.js'

export function projectPathScene(projectRoot: string, workingDirectory: string): PathScene {
  return {
    kindOf(file) {
      if (!isInside(projectRoot, realPathOr(file))) return null
      const kind = entryKindSync(file, projectRoot)
      if (kind === 'outside' || kind === 'unreadable') return null
      return kind === 'directory' || kind === 'file' || kind === 'missing' ? kind : 'other'
    },
    realPath: realPathOr, workingDirectory,
  }
}
