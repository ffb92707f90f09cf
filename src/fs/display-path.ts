/** Paths as a person reads them on screen: short, relative where that is shorter. JSON keeps them absolute. */
import {homedir} from 'node:os'
import path from 'node:path'

/** The home folder as the library computes paths from it: $HOME, else the system's. */
export function currentHome(): string {
  return process.env.HOME || homedir()
}

/** `~/...` for a path under the home folder (as a user's own files are known), else the path as given. */
export function homePath(absolute: string, home = currentHome()): string {
  if (home && home !== path.sep && (absolute === home || absolute.startsWith(home + path.sep))) return `~${absolute.slice(home.length)}`
  return absolute
}

/** `.` or a path relative to `cwd` when the path is inside it, else as homePath shows it. */
export function displayPath(absolute: string, cwd = process.cwd(), home = currentHome()): string {
  const relative = path.relative(cwd, absolute)
  if (relative === '') return '.'
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative
  return homePath(absolute, home)
}
