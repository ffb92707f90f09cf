/**
 * The user site-packages folder as site.py computes it (CPython Lib/site.py: _getuserbase, _get_path,
 * check_enableusersite). `pip install --user`, and pip itself when site-packages is not writable, install there; kedro,
 * run through site, imports from it before the interpreter's own site-packages (after a virtualenv's own ones). The
 * interpreter probe runs with -I -S, which leaves it out, so it is computed here from the user's environment.
 */
import {homedir, userInfo} from 'node:os'
import path from 'node:path'

/** What the interpreter says about itself that the folder's name depends on. */
export interface UserSiteLayout {
  /** sys.abiflags (a `t` marks a free-threaded build: python3.13t). */
  abiflags: string
  /** sys._framework: a macOS framework build keeps user packages under ~/Library. */
  framework: string
  /** `X.Y` of sys.version_info. */
  minor: string
  /** sys.winver (Windows: 3.13, or 3.13t). */
  winver: string
}

/** os.path.expanduser for a path starting `~` + separator, as the interpreter started with this environment expands it. */
function expandUser(file: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (!file.startsWith('~')) return file
  if (platform === 'win32') {
    // ntpath.expanduser: USERPROFILE, else HOMEDRIVE + HOMEPATH; without either the path stays as it is.
    if (env.USERPROFILE !== undefined) return env.USERPROFILE + file.slice(1)
    if (env.HOMEPATH === undefined) return file
    return path.win32.join(env.HOMEDRIVE ?? '', env.HOMEPATH) + file.slice(1)
  }

  // posixpath.expanduser: HOME when set (even empty), else the password database; a trailing / is dropped.
  let userHome: string
  if (env.HOME === undefined) {
    try {
      userHome = userInfo().homedir
    } catch {
      userHome = homedir()
    }
  } else userHome = env.HOME

  return `${userHome.replace(/\/+$/, '')}${file.slice(1)}` || '/'
}

/**
 * Whether site.py adds the user site: not under PYTHONNOUSERSITE (any non-empty value sets sys.flags.no_user_site),
 * and in a virtualenv only when it includes the system site-packages. `venv` is null outside one.
 */
export function userSiteEnabled(env: NodeJS.ProcessEnv, venv: null | {systemSitePackages: boolean}): boolean {
  if (env.PYTHONNOUSERSITE) return false
  return venv === null || venv.systemSitePackages
}

/** The user site-packages folder for this interpreter and environment (whether or not it exists). */
export function userSitePackages(layout: UserSiteLayout, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const paths = platform === 'win32' ? path.win32 : path.posix
  const expand = (...parts: string[]) => expandUser(paths.join(...parts), env, platform)
  const framework = platform === 'darwin' && layout.framework !== ''
  let base: string
  if (env.PYTHONUSERBASE) base = env.PYTHONUSERBASE
  else if (platform === 'win32') base = expand(env.APPDATA || '~', 'Python')
  else if (framework) base = expand('~', 'Library', layout.framework, layout.minor)
  else base = expand('~', '.local')
  if (platform === 'win32') return `${base}\\Python${layout.winver.replaceAll('.', '')}\\site-packages`
  if (framework) return `${base}/lib/python/site-packages`
  return `${base}/lib/python${layout.minor}${layout.abiflags.includes('t') ? 't' : ''}/site-packages`
}
