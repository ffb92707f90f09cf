/**
 * One short run of the project's Python (the virtualenv's interpreter first, then python3 on PATH) for what only the
 * interpreter knows: sys.version, sys.platform, and the installed kedro and kedro-telemetry versions. No project code
 * is imported; site-packages metadata is read with importlib.metadata. Without an interpreter, the caller estimates.
 */
import {execFile} from 'node:child_process'
import {stat} from 'node:fs/promises'
import path from 'node:path'

export interface PythonFacts {
  executable: string
  kedro: null | string
  kedroTelemetry: null | string
  platform: string
  version: string
}

const SCRIPT = [
  'import json, sys',
  'from importlib import metadata',
  'def v(name):',
  '    try: return metadata.version(name)',
  '    except Exception: return None',
  'print(json.dumps({"version": sys.version, "platform": sys.platform, "kedro": v("kedro"), "kedroTelemetry": v("kedro-telemetry")}))',
].join('\n')

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false
}

function run(executable: string, env: NodeJS.ProcessEnv): Promise<null | PythonFacts> {
  return new Promise((resolve) => {
    // -I: isolated (no PYTHON* variables, no user site); -S is not used, the environment's site-packages is needed.
    execFile(executable, ['-I', '-c', SCRIPT], {env: {PATH: env.PATH ?? '', SYSTEMROOT: env.SYSTEMROOT ?? ''}, timeout: 5000}, (error, stdout) => {
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
export async function probePython(environmentPrefix: null | string, env: NodeJS.ProcessEnv): Promise<null | PythonFacts> {
  const candidates = environmentPrefix
    ? [path.join(environmentPrefix, 'bin', 'python'), path.join(environmentPrefix, 'Scripts', 'python.exe')]
    : []
  for (const candidate of candidates) if (await exists(candidate)) return run(candidate, env)
  return run('python3', env)
}
