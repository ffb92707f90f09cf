/**
 * Where this tool keeps files that may be deleted at any time (what an interpreter reported, compiled code): the
 * platform's user cache folder, never the checkout.
 */
import {homedir} from 'node:os'
import path from 'node:path'

/** The folder for files that may be deleted at any time: the platform's user cache folder. */
export function cacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = env.HOME || env.USERPROFILE || homedir()
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Caches', 'kedro-consent')
  if (platform === 'win32') return path.win32.join(env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local'), 'kedro-consent', 'Cache')
  // The XDG spec: an empty or relative XDG_CACHE_HOME is ignored.
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.posix.join(home, '.cache')
  return path.posix.join(xdg, 'kedro-consent')
}
