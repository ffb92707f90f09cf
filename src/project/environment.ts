/**
 * The project's Python environment, read from disk without running Python: every distribution's name and version
 * from `site-packages/*.dist-info/METADATA` (or `*.egg-info/PKG-INFO`).
 */
import {readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

export type EnvironmentSource = '.venv' | 'CONDA_PREFIX' | 'venv' | 'VIRTUAL_ENV'

export interface PythonEnvironment {
  /** Kedro's installed distributions (KEDRO_DISTRIBUTIONS) by normalised name (PEP 503: lower case, `-_.` as `-`). */
  distributions: Map<string, {location: string; name: string; version: string}>
  prefix: string
  sitePackages: string[]
  source: EnvironmentSource
}

export function normaliseDistributionName(name: string): string {
  return name.toLowerCase().replaceAll(/[-_.]+/g, '-')
}

async function isDirectory(candidate: string): Promise<boolean> {
  return (await stat(candidate).catch(() => null))?.isDirectory() ?? false
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

async function findSitePackages(prefix: string): Promise<string[]> {
  const found: string[] = []
  // Windows venvs use Lib/site-packages; POSIX ones lib/pythonX.Y/site-packages (lib64 is a symlink to lib).
  const windows = path.join(prefix, 'Lib', 'site-packages')
  if (await isDirectory(windows)) found.push(windows)
  const lib = path.join(prefix, 'lib')
  const versions = await readdir(lib).catch(() => [] as string[])
  for (const entry of versions.filter((name) => /^python\d/.test(name)).sort()) {
    const candidate = path.join(lib, entry, 'site-packages')
    if (await isDirectory(candidate)) found.push(candidate)
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

/** The distributions this tool ever looks at; their metadata is all that is read from an environment. */
export const KEDRO_DISTRIBUTIONS = new Set(['kedro', 'kedro-airflow', 'kedro-datasets', 'kedro-docker', 'kedro-telemetry', 'kedro-viz'])

export async function readDistributions(sitePackages: string[]): Promise<PythonEnvironment['distributions']> {
  const distributions: PythonEnvironment['distributions'] = new Map()
  for (const directory of sitePackages) {
    const entries = await readdir(directory).catch(() => [] as string[])
    // A metadata folder is named <name>-<version>.dist-info (or .egg-info): skip the ones not named like ours
    // without opening them (an environment can hold hundreds).
    for (const entry of entries.filter((name) => KEDRO_DISTRIBUTIONS.has(normaliseDistributionName(name.split('-')[0])))) {
      const metadataFile = entry.endsWith('.dist-info')
        ? 'METADATA'
        : (entry.endsWith('.egg-info') ? 'PKG-INFO' : null)
      if (!metadataFile) continue
      const location = path.join(directory, entry)
      const text = await readFile(path.join(location, metadataFile), 'utf8').catch(() => null)
      const metadata = text === null ? null : parseCoreMetadata(text)
      const key = metadata && normaliseDistributionName(metadata.name)
      if (metadata && key && !distributions.has(key)) distributions.set(key, {...metadata, location})
    }
  }

  return distributions
}

/** The first candidate environment that exists and has site-packages, or null. */
export async function findPythonEnvironment(
  projectRoot: null | string,
  env: NodeJS.ProcessEnv,
): Promise<null | PythonEnvironment> {
  for (const [source, prefix] of candidatePrefixes(projectRoot, env)) {
    const sitePackages = await findSitePackages(prefix)
    if (sitePackages.length === 0) continue
    return {distributions: await readDistributions(sitePackages), prefix, sitePackages, source}
  }

  return null
}
