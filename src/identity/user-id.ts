/**
 * The user id kedro-telemetry sends: `uuid` in the `[telemetry]` table of `telemetry.toml` in appdirs'
 * `user_config_dir("kedro")`.
 */
import {homedir} from 'node:os'
import path from 'node:path'
import {parse as parseToml} from 'smol-toml'

import {boundaryFor, readTextSafeSync} from '../checkout/files.js'

export const USER_ID_FILE = 'telemetry.toml'

export interface Platform {
  env: NodeJS.ProcessEnv
  /** Python's `sys.platform` naming: linux, darwin, win32. */
  platform: NodeJS.Platform
  /** Where a relative config dir resolves (kedro's working directory). */
  workingDirectory: string
}

/**
 * appdirs 1.4 `user_config_dir("kedro")`. On Linux `os.getenv('XDG_CONFIG_HOME', '~/.config')`: a set but empty
 * XDG_CONFIG_HOME yields the relative path `kedro`, resolved against the working directory.
 */
export function kedroConfigDir({env, platform, workingDirectory}: Platform): string {
  const home = env.HOME || env.USERPROFILE || homedir()
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'kedro')
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local')
    return path.win32.join(local, 'kedro', 'kedro')
  }

  const base = env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config')
  return path.resolve(workingDirectory, base, 'kedro')
}

export function kedroUserIdPath(platform: Platform): string {
  const dir = kedroConfigDir(platform)
  return platform.platform === 'win32' ? path.win32.join(dir, USER_ID_FILE) : path.posix.join(dir, USER_ID_FILE)
}

/** Python's `uuid.UUID(text).hex`, or null where Python raises (kedro then sends an empty id). */
export function normaliseUuid(value: unknown): null | string {
  if (typeof value !== 'string') return null
  const hex = value.replaceAll('urn:', '').replaceAll('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replaceAll('-', '')
  return /^[\dA-Fa-f]{32}$/.test(hex) ? hex.toLowerCase() : null
}

export interface UserIdReading {
  exists: boolean
  /** What kedro does with the file on its next send: use its uuid, create a new one, or send an empty id. */
  onSend: 'creates' | 'empty' | 'uses'
  path: string
  problem: null | string
  /** The id kedro sends (32 lowercase hex), or null when there is none yet or it is unreadable. */
  userId: null | string
}

/**
 * Reads kedro's user id file. `projectRoot`: an empty XDG_CONFIG_HOME puts the file under the working directory,
 * where it is checkout data and read as such.
 */
export async function readUserId(filePath: string, projectRoot: null | string = null): Promise<UserIdReading> {
  const read = readTextSafeSync(filePath, {within: boundaryFor(filePath, projectRoot)})
  if (!read.ok) {
    return read.kind === 'missing'
      ? {exists: false, onSend: 'creates', path: filePath, problem: 'no file yet: kedro creates one with a new uuid on its first send', userId: null}
      : {exists: true, onSend: 'empty', path: filePath, problem: `${read.reason}: kedro would send an empty id`, userId: null}
  }

  const {text} = read

  let data: Record<string, unknown>
  try {
    data = parseToml(text)
  } catch {
    return {exists: true, onSend: 'empty', path: filePath, problem: 'not valid TOML: kedro would send an empty id', userId: null}
  }

  const table = data.telemetry as Record<string, unknown> | undefined
  if (!table || typeof table !== 'object' || !('uuid' in table)) {
    return {exists: true, onSend: 'creates', path: filePath, problem: 'no [telemetry] uuid: kedro replaces the whole file with a new uuid on its first send', userId: null}
  }

  const userId = normaliseUuid(table.uuid)
  return userId
    ? {exists: true, onSend: 'uses', path: filePath, problem: null, userId}
    : {exists: true, onSend: 'empty', path: filePath, problem: 'the uuid is malformed: kedro would send an empty id', userId: null}
}
