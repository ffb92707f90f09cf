/**
 * Makes an opt-out hold for the rest of a CI job, where a fresh checkout has no `.telemetry`: on GitHub Actions by
 * appending the variables to $GITHUB_ENV, elsewhere by giving `export` lines for the shell to eval. $GITHUB_ENV is
 * read as the runner reads it (actions/runner SetEnvFileCommand): `NAME=value` lines and `NAME<<DELIMITER` blocks.
 */
import path from 'node:path'

import {entryKindSync, readTextSafeSync} from '../checkout/files.js'
import {InputError} from '../errors.js'
import type {Write} from '../fs/transaction.js'

export const OPT_OUT_VARIABLES = {DO_NOT_TRACK: '1', KEDRO_DISABLE_TELEMETRY: '1'} as const

export interface CiPersistence {
  /** Lines appended to $GITHUB_ENV (empty when they were set there already), or null when it is not set. */
  appended: null | string[]
  /** `export` lines for `eval`, when there is no $GITHUB_ENV. */
  exports: string[]
  githubEnv: null | string
}

interface GithubEnvReading {
  /** What each variable is set to by the file, the last setting winning. */
  values: Map<string, string>
  /** A `NAME<<DELIMITER` block the file leaves open (the runner fails the step on it), or null. */
  unterminated: null | string
  /** A line the runner rejects ("Invalid environment variable format"), or null. */
  invalid: null | string
}

/** Reads a GITHUB_ENV file as the runner does: lines end at LF (at CRLF too on Windows runners). */
export function parseGithubEnv(text: string, platform: NodeJS.Platform = process.platform): GithubEnvReading {
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  const line = (index: number) => (platform === 'win32' ? lines[index].replace(/\r$/, '') : lines[index])
  const reading: GithubEnvReading = {invalid: null, unterminated: null, values: new Map()}
  for (let index = 0; index < lines.length; index++) {
    const current = line(index)
    if (current === '') continue
    const equals = current.indexOf('=')
    const heredoc = current.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      reading.values.set(current.slice(0, equals), current.slice(equals + 1))
    } else if (heredoc >= 0) {
      const [name, delimiter] = [current.slice(0, heredoc), current.slice(heredoc + 2)]
      if (!name || !delimiter) return {...reading, invalid: current}
      const body: string[] = []
      for (index++; index < lines.length && line(index) !== delimiter; index++) body.push(lines[index])
      if (index >= lines.length) return {...reading, unterminated: `${name}<<${delimiter}`}
      reading.values.set(name, body.join('\n'))
    } else {
      return {...reading, invalid: current}
    }
  }

  return reading
}

function refuse(message: string, hint: string, code = 'GITHUB_ENV'): InputError {
  return new InputError(`${message}: nothing was changed`, {code, hint})
}

/**
 * What `--ci` does: the lines to append to $GITHUB_ENV (as a write for the transaction), or the export lines.
 * Refuses a GITHUB_ENV that is relative, not a regular file, or that the runner would reject.
 */
export function planOptOutPersistence(
  env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, stackVariables: Record<string, string> = {},
): {persistence: CiPersistence; write: null | Write} {
  const lines = Object.entries({...OPT_OUT_VARIABLES, ...stackVariables}).map(([name, value]) => `${name}=${value}`)
  const githubEnv = env.GITHUB_ENV || null
  if (!githubEnv) return {persistence: {appended: null, exports: lines.map((line) => `export ${line}`), githubEnv: null}, write: null}
  const hint = 'GITHUB_ENV is set by the GitHub Actions runner to a file of its own: run this in a workflow step, or unset GITHUB_ENV to get export lines'
  if (!path.isAbsolute(githubEnv)) throw refuse(`GITHUB_ENV is a relative path (${githubEnv})`, hint)
  if (entryKindSync(path.dirname(githubEnv), null) !== 'directory') throw refuse(`GITHUB_ENV (${githubEnv}) is in a folder that does not exist`, hint)
  const read = readTextSafeSync(githubEnv, {within: null})
  if (!read.ok && read.kind !== 'missing') throw refuse(`GITHUB_ENV: ${read.reason}`, hint)
  const current = read.ok ? read.text : ''
  const parsed = parseGithubEnv(current, platform)
  if (parsed.unterminated) {
    throw refuse(`GITHUB_ENV ends inside a ${parsed.unterminated} block: lines appended would become part of its value`, 'close the block in the step that wrote it, then run this again')
  }

  if (parsed.invalid) throw refuse(`GITHUB_ENV holds a line the runner rejects (${JSON.stringify(parsed.invalid.slice(0, 40))})`, 'fix the step that wrote it, then run this again')
  // kedro declines on any non-empty value: its variables set that way already are not set again. Another tool's
  // variable is set again unless it already has our value (a later line wins in $GITHUB_ENV).
  const missing = lines.filter((line) => {
    const [name, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]
    const current = parsed.values.get(name)
    return name in OPT_OUT_VARIABLES ? !current : current !== value
  })
  const separator = current === '' || current.endsWith('\n') ? '' : '\n'
  return {
    persistence: {appended: missing, exports: [], githubEnv},
    write: missing.length > 0 ? {content: `${separator}${missing.join('\n')}\n`, file: githubEnv, kind: 'append'} : null,
  }
}
