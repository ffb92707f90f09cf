/**
 * One short run of the project's Python (the virtualenv's interpreter first, then python3 on PATH) for what only the
 * interpreter knows: sys.version, sys.platform, and where its site-packages are; the installed kedro and
 * kedro-telemetry versions are then read from the dist-info folders there. `-I -S` keeps the run short and inert: no
 * PYTHON* variables, no user site, no site module (so no .pth file runs). Without an interpreter, the caller estimates.
 */
import {execFile} from 'node:child_process'
import {stat} from 'node:fs/promises'
import path from 'node:path'

import {findPythonEnvironment, readDistributions} from '../project/environment.js'
import {findProjectRoot} from '../project/root.js'

export interface PythonFacts {
  executable: string
  kedro: null | string
  kedroTelemetry: null | string
  platform: string
  /** The interpreter's site-packages folders. */
  sitePackages: string[]
  version: string
}

const SCRIPT = [
  'import json, sys, sysconfig',
  'paths = sysconfig.get_paths()',
  'print(json.dumps({"version": sys.version, "platform": sys.platform, "sitePackages": sorted({paths["purelib"], paths["platlib"]})}))',
].join('\n')

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false
}

function run(executable: string, env: NodeJS.ProcessEnv, cwd: string): Promise<null | Omit<PythonFacts, 'kedro' | 'kedroTelemetry'>> {
  return new Promise((resolve) => {
    // kedro's own environment and working directory: a pyenv shim picks the project's Python from them
    // (.python-version, PYENV_VERSION); -I makes Python itself ignore PYTHON* variables.
    execFile(executable, ['-I', '-S', '-c', SCRIPT], {cwd, env, timeout: 5000}, (error, stdout) => {
      if (error) return resolve(null)
      try {
        resolve({executable, ...JSON.parse(stdout)})
      } catch {
        resolve(null)
      }
    })
  })
}

/** The interpreter kedro would run under: the environment's, else python3 from PATH. Null when there is none. */
export async function probePython(environmentPrefix: null | string, env: NodeJS.ProcessEnv, cwd: string): Promise<null | PythonFacts> {
  const candidates = environmentPrefix
    ? [path.join(environmentPrefix, 'bin', 'python'), path.join(environmentPrefix, 'Scripts', 'python.exe')]
    : []
  let executable = 'python3'
  for (const candidate of candidates) {
    if (await exists(candidate)) {
      executable = candidate
      break
    }
  }

  const facts = await run(executable, env, cwd)
  if (!facts) return null
  const installed = await readDistributions(facts.sitePackages)
  return {...facts, kedro: installed.get('kedro')?.version ?? null, kedroTelemetry: installed.get('kedro-telemetry')?.version ?? null}
}

/** Starts the probe for the project kedro would use from `workingDirectory`, without waiting for it. */
export async function startPythonProbe(workingDirectory: string, env: NodeJS.ProcessEnv): Promise<null | PythonFacts> {
  const root = await findProjectRoot(workingDirectory)
  const environment = await findPythonEnvironment(root, env)
  return probePython(environment?.prefix ?? null, env, root ?? workingDirectory)
}
