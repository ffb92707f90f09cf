/**
 * Makes an opt-out hold for the rest of a CI job, where a fresh checkout has no `.telemetry`: on GitHub Actions by
 * appending the variables to $GITHUB_ENV, elsewhere by giving `export` lines for the shell to eval.
 */
import {appendFile, readFile} from 'node:fs/promises'

export const OPT_OUT_VARIABLES = {DO_NOT_TRACK: '1', KEDRO_DISABLE_TELEMETRY: '1'} as const

export interface CiPersistence {
  /** Lines appended to $GITHUB_ENV (empty when they were there already), or null when it is not set. */
  appended: null | string[]
  /** `export` lines for `eval`, when there is no $GITHUB_ENV. */
  exports: string[]
  githubEnv: null | string
}

export async function persistOptOut(env: NodeJS.ProcessEnv): Promise<CiPersistence> {
  const lines = Object.entries(OPT_OUT_VARIABLES).map(([name, value]) => `${name}=${value}`)
  const githubEnv = env.GITHUB_ENV || null
  if (!githubEnv) return {appended: null, exports: lines.map((line) => `export ${line}`), githubEnv: null}
  const current = await readFile(githubEnv, 'utf8').catch(() => '')
  const present = new Set(current.split(/\r?\n/))
  const missing = lines.filter((line) => !present.has(line))
  if (missing.length > 0) {
    const separator = current === '' || current.endsWith('\n') ? '' : '\n'
    await appendFile(githubEnv, `${separator}${missing.join('\n')}\n`)
  }

  return {appended: missing, exports: [], githubEnv}
}
