/**
 * The project's Python environment, read from disk without running Python: every distribution's name and version
 * from `site-packages/*.dist-info/METADATA` (or `*.egg-info/PKG-INFO`).
 */
import {boundaryFor, entryKindSync, isInside, listDirectorySync, readTextSafeSync, realPathOr} from '../checkout/files.js'
import path from 'node:path'
import {STACK_PACKAGES} from '../stack/tools.js'
import {kedroScriptInterpreter} from '../checkout/interpreter.js'
import {userSiteEnabled, userSitePackages} from '../python/user-site.js'

export type EnvironmentSource = '.venv' | 'CONDA_PREFIX' | 'kedro on PATH' | 'venv' | 'VIRTUAL_ENV'

export interface PythonEnvironment {
  /** The installed distributions this tool reads (KEDRO_DISTRIBUTIONS) by normalised name (PEP 503: lower case, `-_.` as `-`). */
  distributions: Map<string, {location: string; name: string; version: string}>
  /** Every folder a distribution may be in was read (none that a `.pth` file names was left out). */
  distributionsComplete: boolean
  prefix: string
  /** The folders its interpreter imports distributions from, in order: its own, and the user site where site.py adds it. */
  sitePackages: string[]
  source: EnvironmentSource
  /** pyvenv.cfg says include-system-site-packages = true: the base interpreter's packages import too (not read here). */
  systemSitePackages: boolean
}

export function normaliseDistributionName(name: string): string {
  return name.toLowerCase().replaceAll(/[-_.]+/g, '-')
}

function isDirectory(candidate: string, within: null | string): boolean {
  return entryKindSync(candidate, within) === 'directory'
}

/** Candidate environments, most specific first: the active one, then the project's own. */
function candidatePrefixes(projectRoot: null | string, env: NodeJS.ProcessEnv): [EnvironmentSource, string][] {
  const candidates: [EnvironmentSource, string][] = []
  if (env.VIRTUAL_ENV) candidates.push(['VIRTUAL_ENV', env.VIRTUAL_ENV])
  if (projectRoot) {
    candidates.push(['.venv', path.join(projectRoot, '.venv')], ['venv', path.join(projectRoot, 'venv')])
  }

  if (env.CONDA_PREFIX) candidates.push(['CONDA_PREFIX', env.CONDA_PREFIX])
  return candidates
}

function findSitePackages(prefix: string, within: null | string): string[] {
  const found: string[] = []
  // Windows venvs use Lib/site-packages; POSIX ones lib/pythonX.Y/site-packages (lib64 is a symlink to lib).
  const windows = path.join(prefix, 'Lib', 'site-packages')
  if (isDirectory(windows, within)) found.push(windows)
  const lib = listDirectorySync(path.join(prefix, 'lib'), within)
  for (const entry of (lib.ok ? lib.entries : []).filter((item) => /^python\d/.test(item.name))) {
    const candidate = path.join(prefix, 'lib', entry.name, 'site-packages')
    if (isDirectory(candidate, within)) found.push(candidate)
  }

  return found
}

/** Reads `Name:` and `Version:` from a core metadata file (RFC 822 style headers). */
export function parseCoreMetadata(text: string): null | {name: string; version: string} {
  const headers = text.split(/\r?\n\r?\n/, 1)[0]
  const name = /^Name:[ \t]*(.+?)[ \t]*$/m.exec(headers)?.[1]
  const version = /^Version:[ \t]*(.+?)[ \t]*$/m.exec(headers)?.[1]
  return name && version ? {name, version} : null
}

/**
 * The distributions this tool ever looks at; their metadata is all that is read from an environment: Kedro's, and
 * the HTTP stack whose headers go on the wire with kedro-telemetry's request (requests, and what urllib3 offers to
 * decompress).
 */
export const KEDRO_DISTRIBUTIONS = new Set([
  'brotli', 'brotlicffi', 'kedro', 'kedro-airflow', 'kedro-datasets', 'kedro-docker', 'kedro-skills', 'kedro-telemetry', 'kedro-viz', 'requests',
  'urllib3', 'zstandard',
])

/** Kedro's distributions and the data-stack tools that send usage data (stack/tools.ts): the only metadata read. */
function isReadDistribution(name: string): boolean {
  return KEDRO_DISTRIBUTIONS.has(name) || STACK_PACKAGES.has(name)
}

/** Kedro's distributions in some site-packages folders; `projectRoot` bounds what is read of an environment in it. */
export function readDistributions(sitePackages: string[], projectRoot: null | string): PythonEnvironment['distributions'] {
  const distributions: PythonEnvironment['distributions'] = new Map()
  for (const directory of sitePackages) {
    const within = boundaryFor(directory, projectRoot)
    const listing = listDirectorySync(directory, within)
    const entries = listing.ok ? listing.entries.map((entry) => entry.name) : []
    // A metadata folder is named <name>-<version>.dist-info (or .egg-info): skip the ones not named like ours
    // without opening them (an environment can hold hundreds).
    // (A develop install's `<name>.egg-info` has no version in its name.)
    for (const entry of entries.filter((name) => isReadDistribution(normaliseDistributionName(name.replace(/\.(?:dist|egg)-info$/, '').split('-')[0])))) {
      const metadataFile = entry.endsWith('.dist-info')
        ? 'METADATA'
        : (entry.endsWith('.egg-info') ? 'PKG-INFO' : null)
      if (!metadataFile) continue
      const location = path.join(directory, entry)
      const read = readTextSafeSync(path.join(location, metadataFile), {within})
      const metadata = read.ok ? parseCoreMetadata(read.text) : null
      const key = metadata && normaliseDistributionName(metadata.name)
      if (metadata && key && !distributions.has(key)) distributions.set(key, {...metadata, location})
    }
  }

  return distributions
}

/** An installed distribution that registers Kedro entry points (project hooks, `kedro.hooks`, or commands). */
export interface HookPlugin {
  /** The entry points as written, `name = module:attribute`. */
  entryPoints: string[]
  /** The distribution's `Name:` (what DISABLE_HOOKS_FOR_PLUGINS names), else its folder's name. */
  name: string
  version: null | string
}

/** The entries of an entry_points.txt in `groups` (an INI file: one section per group), `[kedro.hooks]` by default. */
export function kedroEntryPoints(text: string, groups: readonly string[] = ['kedro.hooks']): string[] {
  const entries: string[] = []
  let inGroup = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line.startsWith('[')) inGroup = groups.includes(line.slice(1, line.indexOf(']')).trim())
    else if (inGroup && line && !line.startsWith('#') && !line.startsWith(';')) entries.push(line)
  }

  return entries
}

/**
 * Every distribution in these folders that registers entry points in `groups` (`kedro.hooks`: project hooks), as
 * importlib.metadata finds them: each metadata folder's entry_points.txt is read, and nothing else of it unless it
 * names one of them.
 */
export function readHookPlugins(sitePackages: string[], projectRoot: null | string, groups: readonly string[]): HookPlugin[] {
  const plugins: HookPlugin[] = []
  const seen = new Set<string>()
  for (const directory of sitePackages) {
    const within = boundaryFor(directory, projectRoot)
    const listing = listDirectorySync(directory, within)
    for (const entry of listing.ok ? listing.entries.map((item) => item.name) : []) {
      const metadataFile = entry.endsWith('.dist-info') ? 'METADATA' : (entry.endsWith('.egg-info') ? 'PKG-INFO' : null)
      if (!metadataFile) continue
      const location = path.join(directory, entry)
      const read = readTextSafeSync(path.join(location, 'entry_points.txt'), {within})
      const entryPoints = read.ok ? kedroEntryPoints(read.text, groups) : []
      if (entryPoints.length === 0) continue
      const metadata = readTextSafeSync(path.join(location, metadataFile), {within})
      const parsed = metadata.ok ? parseCoreMetadata(metadata.text) : null
      const name = parsed?.name ?? entry.replace(/-[^-]*\.(?:dist|egg)-info$/, '')
      // The first of two installs of one distribution is the one importlib.metadata finds.
      if (seen.has(normaliseDistributionName(name))) continue
      seen.add(normaliseDistributionName(name))
      plugins.push({entryPoints, name, version: parsed?.version ?? null})
    }
  }

  return plugins
}

/** A virtualenv's pyvenv.cfg, when `prefix` is one: whether it imports its base's packages, and its base's home. */
function virtualenvConfig(prefix: string, within: null | string): null | {home: string; systemSitePackages: boolean; version: null | string} {
  const read = readTextSafeSync(path.join(prefix, 'pyvenv.cfg'), {within})
  if (!read.ok) return null
  const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`, 'im').exec(read.text)?.[1] ?? null
  return {home: value('home') ?? '', systemSitePackages: value('include-system-site-packages')?.toLowerCase() === 'true', version: value('version')}
}

/**
 * The user site-packages folder site.py adds for the interpreter of an environment (see python/user-site.ts), from
 * what its folders say: lib/python3.12(t)/site-packages, else pyvenv.cfg's version; null when neither tells.
 */
function userSiteOf(own: string[], venv: ReturnType<typeof virtualenvConfig>, env: NodeJS.ProcessEnv): null | string {
  const named = own.map((folder) => /[/\\]lib[/\\]python(\d+\.\d+)(t?)[/\\]site-packages$/.exec(folder)).find(Boolean)
  const minor = named?.[1] ?? /^(\d+\.\d+)/.exec(venv?.version ?? '')?.[1]
  if (!minor) return null
  // A macOS framework build's venv names it in home (/Library/Frameworks/Python.framework/Versions/3.12/bin); the
  // name is a path segment under ~/Library, so a checkout's pyvenv.cfg may give only a plain word.
  const framework = /[/\\](\w+)\.framework[/\\]/.exec(venv?.home ?? '')?.[1] ?? ''
  return userSitePackages({abiflags: named?.[2] ?? '', framework, minor, winver: minor}, env, process.platform)
}

/** The first candidate environment that exists and has site-packages, or null. */
export async function findPythonEnvironment(
  projectRoot: null | string,
  env: NodeJS.ProcessEnv,
): Promise<null | PythonEnvironment> {
  for (const [source, prefix] of candidatePrefixes(projectRoot, env)) {
    const folders = importedFolders(prefix, projectRoot, env)
    if (folders) return {...folders, ...environmentDistributions(folders.sitePackages, projectRoot), source}
  }

  // Kedro installed with pipx or `uv tool`: the virtualenv of the interpreter its script names (looked for last).
  const interpreter = kedroScriptInterpreter({env, projectRoot})
  const folders = interpreter && importedFolders(path.dirname(path.dirname(interpreter)), projectRoot, env, {virtualenvOnly: true})
  return folders ? {...folders, ...environmentDistributions(folders.sitePackages, projectRoot), source: 'kedro on PATH'} : null
}

/**
 * Where importlib.metadata finds distributions: the site-packages, then the folders their `.pth` files add (a
 * `setup.py develop` install keeps its metadata there). `complete` is false where a `.pth` file names what is not
 * read (a zip, a folder outside the project): a distribution not found may be there.
 */
export function distributionFolders(sitePackages: string[], projectRoot: null | string): {complete: boolean; folders: string[]} {
  const {folders, unread} = pthFolders(sitePackages, projectRoot)
  return {complete: !unread, folders}
}

/** The distributions this tool reads in an environment's folders, and whether every folder they may be in was read. */
function environmentDistributions(sitePackages: string[], projectRoot: null | string): Pick<PythonEnvironment, 'distributions' | 'distributionsComplete'> {
  const {complete, folders} = distributionFolders(sitePackages, projectRoot)
  return {distributions: readDistributions(folders, projectRoot), distributionsComplete: complete}
}

/**
 * The site-packages an environment's interpreter imports distributions from, in site.py's order (its own, and the
 * user site where site.py adds it), and whether it also imports its base's; null when it has none. `virtualenvOnly`:
 * null unless a pyvenv.cfg makes the prefix a virtualenv.
 */
export function importedFolders(
  prefix: string, projectRoot: null | string, env: NodeJS.ProcessEnv, {virtualenvOnly = false} = {},
): null | {prefix: string; sitePackages: string[]; systemSitePackages: boolean} {
  const own = findSitePackages(prefix, boundaryFor(prefix, projectRoot))
  const venv = virtualenvConfig(prefix, boundaryFor(prefix, projectRoot))
  if (own.length === 0 || (virtualenvOnly && !venv)) return null
  const systemSitePackages = venv?.systemSitePackages ?? false
  // site.py puts the user site before an interpreter's own site-packages, and after a virtualenv's own.
  const user = userSiteEnabled(env, venv && {systemSitePackages}) ? userSiteOf(own, venv, env) : null
  return {prefix, sitePackages: user ? (venv ? [...own, user] : [user, ...own]) : own, systemSitePackages}
}

/**
 * The folders an interpreter imports from, given its site-packages read from disk: each, then the folders its `.pth`
 * files add (site.addpackage: a line that names an existing folder), in the order Python reads them. `finder`: an
 * editable install's finder (an `import` line of an `__editable__` file) provides modules no folder shows (its
 * metadata stays in site-packages). `unread`: a line names a zip (a zipped egg, modules and metadata inside), or, for
 * an environment in the project, a folder outside it, which the checkout may not send this tool to read. Other
 * `import` lines (virtualenv's, setuptools' distutils shim) add no package.
 */
function pthFolders(sitePackages: string[], projectRoot: null | string): {finder: boolean; folders: string[]; unread: boolean} {
  const found = {finder: false, folders: [...sitePackages], unread: false}
  for (const folder of sitePackages) {
    const within = boundaryFor(folder, projectRoot)
    const listing = listDirectorySync(folder, within)
    const pthFiles = (listing.ok ? listing.entries : []).filter((entry) => entry.kind === 'file' && entry.name.endsWith('.pth')).map((entry) => entry.name).sort()
    for (const name of pthFiles) {
      const read = readTextSafeSync(path.join(folder, name), {within})
      const lines = (read.ok ? read.text : '').split(/\r?\n/).filter((line) => !line.startsWith('#') && line.trim() !== '')
      found.finder ||= name.startsWith('__editable__') && lines.some((line) => /^import[\t ]/.test(line))
      for (const line of lines.filter((item) => !/^import[\t ]/.test(item))) {
        const added = path.resolve(folder, line.trimEnd())
        const kind = within !== null && !isInside(within, realPathOr(added)) ? 'outside' : entryKindSync(added, null)
        if (kind === 'file' || kind === 'outside') found.unread = true
        else if (!found.folders.includes(added) && kind === 'directory') found.folders.push(added)
      }
    }
  }

  return found
}

/** The folders an interpreter imports modules from (see pthFolders), or null when some of them are not known. */
export function importFoldersOf(sitePackages: string[], projectRoot: null | string): null | string[] {
  const {finder, folders, unread} = pthFolders(sitePackages, projectRoot)
  return finder || unread ? null : folders
}
