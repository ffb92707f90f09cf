/**
 * The user id kedro-telemetry sends: `uuid` in the `[telemetry]` table of `telemetry.toml` in appdirs'
 * `user_config_dir("kedro")`.
 */
import path from 'node:path'
import {parse as parseToml} from 'smol-toml'

import {boundaryFor, readTextSafeSync} from '../checkout/files.js'
import {type Platform, userConfigDir} from '../python/appdirs.js'
import {uuidHex} from '../python/uuid.js'

export type {Platform} from '../python/appdirs.js'

const USER_ID_FILE = 'telemetry.toml'


/** Where kedro keeps its files: appdirs' `user_config_dir("kedro")`. */
export function kedroConfigDir(platform: Platform): string {
  return userConfigDir('kedro', platform)
}

export function kedroUserIdPath(platform: Platform): string {
  const dir = kedroConfigDir(platform)
  return platform.platform === 'win32' ? path.win32.join(dir, USER_ID_FILE) : path.posix.join(dir, USER_ID_FILE)
}

/** Python's `uuid.UUID(text).hex`, or null where Python raises (kedro then sends an empty id). */
export const normaliseUuid = uuidHex

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
