/**
 * The kedro a user would run in the project: the active virtualenv's, else the project's own `.venv` or `venv`
 * (found as status finds the environment), else `kedro` on PATH.
 */
import {accessSync, constants, statSync} from 'node:fs'
import path from 'node:path'

export interface KedroExecutable {
  path: string
  source: 'PATH' | 'environment'
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** `kedro` (kedro.exe on Windows) in an environment's scripts folder. */
function inEnvironment(prefix: string, platform: NodeJS.Platform): null | string {
  const candidates = platform === 'win32' ? [path.join(prefix, 'Scripts', 'kedro.exe')] : [path.join(prefix, 'bin', 'kedro')]
  return candidates.find((candidate) => executable(candidate)) ?? null
}

export function findKedro(options: {
  env: NodeJS.ProcessEnv
  /** The environment status finds for the project (the active virtualenv first, then .venv, venv). */
  environmentPrefix: null | string
  platform?: NodeJS.Platform
  projectRoot: null | string
}): KedroExecutable | null {
  const platform = options.platform ?? process.platform
  const prefixes = [options.env.VIRTUAL_ENV, options.environmentPrefix, ...(options.projectRoot ? [path.join(options.projectRoot, '.venv'), path.join(options.projectRoot, 'venv')] : [])]
  for (const prefix of prefixes) {
    const found = prefix ? inEnvironment(prefix, platform) : null
    if (found) return {path: found, source: 'environment'}
  }

  const names = platform === 'win32' ? ['kedro.exe', 'kedro.cmd', 'kedro.bat'] : ['kedro']
  for (const folder of (options.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const found = names.map((name) => path.join(folder, name)).find((candidate) => executable(candidate))
    if (found) return {path: found, source: 'PATH'}
  }

  return null
}
