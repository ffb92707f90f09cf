/** appdirs 1.4, which kedro uses to place its files, as it computes a folder on each platform. */
import {homedir} from 'node:os'
import path from 'node:path'

export interface Platform {
  env: NodeJS.ProcessEnv
  /** Python's `sys.platform` naming: linux, darwin, win32. */
  platform: NodeJS.Platform
  /** Where a relative config dir resolves (the Python process's working directory). */
  workingDirectory: string
}

/**
 * `user_config_dir(appname)` (appauthor defaults to appname on Windows). On Linux
 * `os.getenv('XDG_CONFIG_HOME', '~/.config')`: a set but empty XDG_CONFIG_HOME yields the relative path `appname`,
 * resolved against the working directory.
 */
export function userConfigDir(appName: string, {env, platform, workingDirectory}: Platform): string {
  const home = env.HOME || env.USERPROFILE || homedir()
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', appName)
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local')
    return path.win32.join(local, appName, appName)
  }

  const base = env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config')
  return path.resolve(workingDirectory, base, appName)
}
