/**
 * Counts the files a piece of code opens (every read in src/ goes through fs.openSync, see src/checkout/files.ts):
 * for the tests that say how often a command reads a file.
 */
import fs, {type PathLike} from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'

/** Runs `work` and returns what it returned with every path it opened, in order. */
export async function withOpenedFiles<T>(work: () => Promise<T>): Promise<{opened: string[]; result: T}> {
  const opened: string[] = []
  const {openSync} = fs
  const counting = (file: PathLike, ...rest: unknown[]) => {
    opened.push(String(file))
    return (openSync as (...args: unknown[]) => number)(file, ...rest)
  }

  fs.openSync = counting
  // ES modules' named imports of node:fs follow the change only when told.
  syncBuiltinESMExports()
  try {
    return {opened, result: await work()}
  } finally {
    fs.openSync = openSync
    syncBuiltinESMExports()
  }
}
