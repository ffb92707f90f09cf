/**
 * One short run of the project's Python for what only the interpreter knows: sys.version, sys.platform, and where
 * its site-packages are (the installed kedro and kedro-telemetry versions are then read from the dist-info folders
 * there). Which interpreter may run is decided by the checkout's interpreter rule (src/checkout/interpreter.ts); it
 * runs with `-I -S` (no PYTHON* variables, no user site, no site module, so no .pth file runs; the user site is added
 * here, as site.py would add it), an empty environment
 * (no secret of the user's reaches it) and a working directory outside the project. Without one, the caller
 * estimates, and says why.
 */
import {execFile} from 'node:child_process'
import path from 'node:path'

import {chooseInterpreter, type InterpreterOptions} from '../checkout/interpreter.js'
import {distributionFolders, importedFolders, readDistributions} from '../project/environment.js'
import {isInside} from '../checkout/files.js'
import {type UserSiteLayout, userSiteEnabled, userSitePackages} from '../python/user-site.js'

interface PythonFacts {
  /** The distributions this tool reads (KEDRO_DISTRIBUTIONS) installed for this interpreter: normalised name -> version. */
  distributions: Record<string, string>
  /** Every folder a distribution may be in was read: one not found is not installed. */
  distributionsComplete: boolean
  executable: string
  kedro: null | string
  kedroTelemetry: null | string
  platform: string
  /** Every folder the interpreter imports from (sys.path), when it reported them (a capture's kedro); else unknown. */
  importPath?: string[]
  /** The interpreter's site-packages folders, in the order kedro imports from them. */
  sitePackages: string[]
  /** What the user site-packages folder's name depends on; absent in an answer that did not report it (a capture's). */
  userSiteLayout?: UserSiteLayout
  version: string
}

export interface PythonProbe {
  facts: null | PythonFacts
  /** Why no interpreter answered (none allowed, none found, it failed), or null when one did. */
  missing: null | string
}

// NUL-separated rather than JSON: importing json (re, enum) is a third of the interpreter's run. No field can hold a
// NUL; sys.version can hold a newline. The site-packages are the ones site.py would add (a distribution's own, such as
// Debian's dist-packages, included) in its order, then sysconfig's where they differ; site is only imported, so with
// -S nothing of it runs. The user site is computed from the user's environment (user-site.ts): -I leaves it out.
const SCRIPT = [
  'import sys, sysconfig, site',
  'paths = sysconfig.get_paths()',
  'folders = [*getattr(site, "getsitepackages", list)(), paths["purelib"], paths["platlib"]]',
  'layout = ["%d.%d" % sys.version_info[:2], getattr(sys, "abiflags", ""), getattr(sys, "_framework", "") or "", getattr(sys, "winver", "")]',
  'sys.stdout.write("\\0".join([sys.version, sys.platform, *layout, *dict.fromkeys(folders)]))',
].join('\n')

export type RunFacts = Omit<PythonFacts, 'distributions' | 'distributionsComplete' | 'kedro' | 'kedroTelemetry'>

/** The environment the interpreter gets: nothing of the user's (tokens, credentials), only what Windows needs. */
function isolatedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return process.platform === 'win32' && env.SYSTEMROOT ? {SYSTEMROOT: env.SYSTEMROOT} : {}
}

function run(executable: string, env: NodeJS.ProcessEnv): Promise<RunFacts | string> {
  return new Promise((resolve) => {
    // The file system root as working directory: nothing of the project's is near it.
    execFile(executable, ['-I', '-S', '-c', SCRIPT], {cwd: path.parse(executable).root, env: isolatedEnvironment(env), maxBuffer: 1024 * 1024, timeout: 5000}, (error, stdout) => {
      const [version, platform, minor, abiflags, framework, winver, ...sitePackages] = stdout.split('\0')
      resolve(error || winver === undefined
        ? `${executable} did not answer (${error?.message.split('\n')[0] ?? 'no output'})`
        : {executable, platform, sitePackages, userSiteLayout: {abiflags, framework, minor, winver}, version})
    })
  })
}

/** The environment the interpreter belongs to, as read from disk: its site-packages, and whether it sees its base's. */
export interface OwnEnvironment {
  prefix: string
  sitePackages: string[]
  systemSitePackages: boolean
}

/**
 * The folders kedro, run through site, imports distributions from, in order. Run with -S, a virtualenv's interpreter
 * reports its base interpreter's site-packages, not the environment's (site.py is what switches them): the
 * environment's own come first, then the user site and the base's, both only when pyvenv.cfg says
 * include-system-site-packages. Outside a virtualenv the user site comes before the interpreter's own.
 */
function sitePackagesSeen(
  facts: RunFacts, environment: null | OwnEnvironment | undefined, env: NodeJS.ProcessEnv | undefined, projectRoot: null | string,
): string[] {
  // A capture's interpreter reported its whole sys.path.
  if (facts.importPath) return facts.sitePackages
  // The project's environment, else the virtualenv the interpreter belongs to (one a `kedro` script on PATH names).
  const venv = environment && isInside(environment.prefix, facts.executable)
    ? environment
    : importedFolders(path.dirname(path.dirname(facts.executable)), projectRoot, env ?? {}, {virtualenvOnly: true})
  const user = env && facts.userSiteLayout && userSiteEnabled(env, venv)
    ? [userSitePackages(facts.userSiteLayout, env, facts.platform as NodeJS.Platform)]
    : []
  // The environment's folders, read from disk, already hold the user site where site.py adds it.
  const folders = venv ? [...venv.sitePackages, ...(venv.systemSitePackages ? [...user, ...facts.sitePackages] : [])] : [...user, ...facts.sitePackages]
  return [...new Set(folders)]
}

async function complete(
  pending: Promise<RunFacts | string>, projectRoot: null | string, environment?: null | OwnEnvironment, env?: NodeJS.ProcessEnv,
): Promise<PythonProbe> {
  const reported = await pending
  if (typeof reported === 'string') return {facts: null, missing: reported}
  const facts = {...reported, sitePackages: sitePackagesSeen(reported, environment, env, projectRoot)}
  const {complete, folders} = distributionFolders(facts.sitePackages, projectRoot)
  const installed = readDistributions(folders, projectRoot)
  return {
    facts: {
      ...facts, distributions: Object.fromEntries([...installed].map(([name, found]) => [name, found.version])), distributionsComplete: complete,
      kedro: installed.get('kedro')?.version ?? null,
      kedroTelemetry: installed.get('kedro-telemetry')?.version ?? null,
    },
    missing: null,
  }
}

/**
 * Starts the project's interpreter, when one may run, and returns at once; the result is wrapped so that awaiting
 * this does not wait for it. The caller can load modules while Python starts.
 */
export function launchPythonProbe(options: ProbeOptions): {result: Promise<PythonProbe>} {
  const choice = chooseInterpreter(options)
  if (!choice.executable) {
    return {result: Promise.resolve({facts: null, missing: choice.refused ?? 'no Python interpreter was found (no environment, no python3 on PATH)'})}
  }

  const {executable} = choice
  const facts = options.cacheFile ? runRemembered(executable, options.env, options.cacheFile) : run(executable, options.env)
  return {result: complete(facts, options.projectRoot, options.environment, options.env)}
}

export type ProbeOptions = InterpreterOptions & {
  /** The user's cache of interpreter answers (see interpreter-cache.ts), or none: the interpreter runs every time. */
  cacheFile?: null | string
  /** The environment found for the project (its prefix is environmentPrefix), read from disk. */
  environment?: null | OwnEnvironment
}

/** What the interpreter reported when it was the same file before, else its answer now (then remembered). */
async function runRemembered(executable: string, env: NodeJS.ProcessEnv, cacheFile: string): Promise<RunFacts | string> {
  const {interpreterIdentity, readInterpreterCache, rememberFacts, rememberedFacts} = await import('./interpreter-cache.js')
  const [identity, entries] = await Promise.all([interpreterIdentity(executable), readInterpreterCache(cacheFile)])
  const remembered = identity === null ? null : rememberedFacts(entries, executable, identity)
  if (remembered) return remembered
  const facts = await run(executable, env)
  // Asked again after the run: an interpreter replaced while it ran is not remembered under the new file's identity.
  if (typeof facts !== 'string' && identity !== null && identity === await interpreterIdentity(executable)) await rememberFacts(cacheFile, entries, facts, identity)
  return facts
}

/** What an interpreter reported some other way (a capture's), completed with the distributions installed for it. */
export function probeFromFacts(facts: RunFacts, projectRoot: null | string): Promise<PythonProbe> {
  return complete(Promise.resolve(facts), projectRoot)
}

/** Runs the project's interpreter, when one may run, and reads what it reports. */
export async function probePython(options: ProbeOptions): Promise<PythonProbe> {
  return launchPythonProbe(options).result
}
