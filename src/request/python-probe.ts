/**
 * One short run of the project's Python (the virtualenv's interpreter first, then python3 on PATH) for what only the
 * interpreter knows: sys.version, sys.platform, and where its site-packages are; the installed kedro and
 * kedro-telemetry versions are then read from the dist-info folders there. `-I -S` keeps the run short and inert: no
 * PYTHON* variables, no user site, no site module (so no .pth file runs). Without an interpreter, the caller estimates.
 */
import {execFile} from 'node:child_process'
import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {readDistributions} from '../project/environment.js'

export interface PythonFacts {
  /** Normalised names of the distributions installed for this interpreter. */
  distributions: string[]
  executable: string
  kedro: null | string
  kedroTelemetry: null | string
  platform: string
  /** The interpreter's site-packages folders. */
  sitePackages: string[]
  version: string
}

// NUL-separated rather than JSON: importing json (re, enum) is a third of the interpreter's run. No field can hold a
// NUL; sys.version can hold a newline.
const SCRIPT = [
  'import sys, sysconfig',
  'paths = sysconfig.get_paths()',
  'sys.stdout.write("\\0".join([sys.version, sys.platform, *sorted({paths["purelib"], paths["platlib"]})]))',
].join('\n')

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false
}

function run(executable: string, env: NodeJS.ProcessEnv, cwd: string): Promise<null | Omit<PythonFacts, 'distributions' | 'kedro' | 'kedroTelemetry'>> {
  return new Promise((resolve) => {
    // kedro's own environment and working directory: a pyenv shim picks the project's Python from them
    // (.python-version, PYENV_VERSION); -I makes Python itself ignore PYTHON* variables.
    execFile(executable, ['-I', '-S', '-c', SCRIPT], {cwd, env, timeout: 5000}, (error, stdout) => {
      const [version, platform, ...sitePackages] = stdout.split('\0')
      resolve(error || !platform ? null : {executable, platform, sitePackages, version})
    })
  })
}

async function onPath(command: string, env: NodeJS.ProcessEnv): Promise<null | string> {
  for (const directory of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(directory, command)
    if (await exists(candidate)) return candidate
  }

  return null
}

/**
 * The interpreter a pyenv shim would run, found as pyenv finds it: PYENV_VERSION, else the nearest .python-version
 * from `cwd` up, else $PYENV_ROOT/version; the first listed version that has the command. Running it directly
 * skips the shim's own start-up (a bash script). Null (run the shim) for "system" or anything not found.
 */
export async function resolvePyenvShim(shim: string, command: string, env: NodeJS.ProcessEnv, cwd: string): Promise<null | string> {
  const root = path.dirname(path.dirname(shim))
  if (path.basename(path.dirname(shim)) !== 'shims' || !(await exists(path.join(root, 'libexec', 'pyenv')))) return null
  let versions = env.PYENV_VERSION?.split(':')
  for (let directory = cwd; !versions; directory = path.dirname(directory)) {
    const file = await readFile(path.join(directory, '.python-version'), 'utf8').catch(() => null)
    if (file !== null) versions = file.split(/\s+/)
    else if (path.dirname(directory) === directory) versions = (await readFile(path.join(root, 'version'), 'utf8').catch(() => '')).split(/\s+/)
  }

  for (const version of versions.map((item) => item.trim()).filter((item) => item && !item.startsWith('#'))) {
    if (version === 'system') return null
    const candidate = path.join(root, 'versions', version, 'bin', command)
    if (await exists(candidate)) return candidate
  }

  return null
}

/** The interpreter kedro would run under: the environment's, else python3 from PATH (a pyenv shim resolved). */
async function interpreterFor(environmentPrefix: null | string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const candidates = environmentPrefix
    ? [path.join(environmentPrefix, 'bin', 'python'), path.join(environmentPrefix, 'Scripts', 'python.exe')]
    : []
  for (const candidate of candidates) if (await exists(candidate)) return candidate
  const found = await onPath('python3', env)
  return (found && await resolvePyenvShim(found, 'python3', env, cwd)) ?? found ?? 'python3'
}

async function complete(pending: Promise<null | Omit<PythonFacts, 'distributions' | 'kedro' | 'kedroTelemetry'>>): Promise<null | PythonFacts> {
  const facts = await pending
  if (!facts) return null
  const installed = await readDistributions(facts.sitePackages)
  return {
    ...facts, distributions: [...installed.keys()], kedro: installed.get('kedro')?.version ?? null,
    kedroTelemetry: installed.get('kedro-telemetry')?.version ?? null,
  }
}

/**
 * Starts the project's interpreter (the environment's, else python3) and returns once it is running; the result is
 * wrapped so that awaiting this does not wait for it. The caller can load modules while Python starts, instead of
 * the probe's own file lookups queueing behind that work.
 */
export async function launchPythonProbe(environmentPrefix: null | string, env: NodeJS.ProcessEnv, cwd: string): Promise<{result: Promise<null | PythonFacts>}> {
  const running = run(await interpreterFor(environmentPrefix, env, cwd), env, cwd)
  return {result: complete(running)}
}

/** Runs the project's interpreter and reads what it reports. Null when there is none. */
export async function probePython(environmentPrefix: null | string, env: NodeJS.ProcessEnv, cwd: string): Promise<null | PythonFacts> {
  return (await launchPythonProbe(environmentPrefix, env, cwd)).result
}
