import {lstatSync} from 'node:fs'
import path from 'node:path'

import {TELEMETRY_FILE_NAME} from '../consent/telemetry-file.js'

/**
 * Splits guard's command line into file names and options. pre-commit appends the staged names without `--`, so a
 * name may look like an option (`-x/.telemetry`, `--policy=x/.telemetry`): whatever names an existing path or a
 * .telemetry is a file, as is everything after `--`; only the rest is parsed as options.
 */
export function splitGuardArguments(argv: string[], cwd: string): {files: string[]; options: string[]} {
  const files: string[] = []
  const options: string[] = []
  const isFile = (token: string) => path.basename(token) === TELEMETRY_FILE_NAME || lstatSync(path.resolve(cwd, token), {throwIfNoEntry: false}) !== undefined
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--') {
      files.push(...argv.slice(i + 1))
      break
    }

    if (!token.startsWith('-') || isFile(token)) {
      files.push(token)
    } else {
      options.push(token)
      // The value of --policy, given apart, is the policy file, not a file to check.
      if (token === '--policy' && i + 1 < argv.length) options.push(argv[++i])
    }
  }

  return {files, options}
}
