/** The directory a kedro command would run in, as given by the user: resolved, and checked to be a readable directory. */
import {constants} from 'node:fs'
import {access, realpath, stat} from 'node:fs/promises'
import path from 'node:path'

import {InputError} from '../errors.js'

/** Resolves and checks the directory a kedro command would run in; bad input is an InputError (exit 2). */
export async function resolveWorkingDirectory(input: string, cwd: string): Promise<string> {
  const absolute = path.resolve(cwd, input)
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => error)
  if (info instanceof Error) {
    if (info.code === 'ENOENT') throw new InputError(`${input}: no such directory`, {code: 'ENOENT', hint: 'pass an existing directory: the Kedro project, or a folder inside it where you run kedro'})
    throw new InputError(`${input}: cannot be read (${info.code})`, {code: info.code, hint: 'check the path and its permissions'})
  }

  if (!info.isDirectory()) {
    throw new InputError(`${input}: is a file, not a directory`, {code: 'ENOTDIR', hint: 'pass the directory that holds pyproject.toml, not a file in it'})
  }

  await checkReadable(absolute, input)
  return realpath(absolute)
}

/** Separate so that tests can give it an access function that refuses (root can read everything). */
export async function checkReadable(
  directory: string,
  shownAs: string,
  canAccess: (file: string, mode: number) => Promise<void> = access,
): Promise<void> {
  try {
    await canAccess(directory, constants.R_OK | constants.X_OK)
  } catch (error) {
    throw new InputError(`${shownAs}: directory is not readable (${(error as NodeJS.ErrnoException).code})`, {
      code: 'EACCES', hint: 'run as a user who can read the project, or fix its permissions',
    })
  }
}
