/**
 * Which Kedro and kedro-telemetry versions apply to a project: installed in its Python environment, else pinned in
 * its requirements, else assumed (the latest known) and said so.
 */
import path from 'node:path'

import {kedro as kedroRelease, NEWEST_KNOWN} from '../releases/releases.js'
import {isValidVersion} from '../python/pep440.js'
import {findPythonEnvironment, type PythonEnvironment} from './environment.js'
import {findRequirements, type Requirement} from './requirements.js'

/** What is assumed when nothing installed or pinned says otherwise: the newest releases whose behaviour is known. */
export const LATEST_KNOWN_TELEMETRY_VERSION = NEWEST_KNOWN.kedroTelemetry
export const LATEST_KNOWN_KEDRO_VERSION = NEWEST_KNOWN.kedro

export type VersionSource = 'assumed' | 'installed' | 'not-installed' | 'pinned'

export interface DetectedVersion {
  /** Where the version comes from, in words (a path, a requirement line, or why it is assumed). */
  detail: string
  source: VersionSource
  version: null | string
}

export interface ProjectVersions {
  environment: null | Pick<PythonEnvironment, 'prefix' | 'sitePackages' | 'source' | 'systemSitePackages'>
  /** Kedro's distributions installed in the environment (normalised name -> version); empty without one. */
  installed: Record<string, string>
  kedro: DetectedVersion
  telemetry: DetectedVersion
}

function describeConstraints(requirements: Requirement[] | undefined): string {
  if (!requirements?.length) return ''
  return ` (${requirements.map((r) => `${r.origin} asks for ${r.specifier || 'any version'}`).join('; ')}, not an exact pin)`
}

function fromPins(name: string, requirements: Requirement[] | undefined): DetectedVersion | null {
  const pinned = requirements?.find((requirement) => requirement.pinned)
  return pinned ? {detail: `${name}==${pinned.pinned} in ${pinned.origin}`, source: 'pinned', version: pinned.pinned} : null
}

/** What the versions report keeps of an environment (not its distributions). */
function environmentFacts({prefix, sitePackages, source, systemSitePackages}: PythonEnvironment): NonNullable<ProjectVersions['environment']> {
  return {prefix, sitePackages, source, systemSitePackages}
}

/** The versions of an environment that has kedro installed: both read from its distributions. */
function installedVersions(environment: PythonEnvironment, installed: Record<string, string>): ProjectVersions {
  const where = `${environment.source} (${environment.prefix})`
  const telemetry = environment.distributions.get('kedro-telemetry')
  return {
    environment: environmentFacts(environment),
    installed,
    kedro: {detail: where, source: 'installed', version: installed.kedro},
    telemetry: telemetry
      ? {detail: `${where}: ${path.basename(telemetry.location)}`, source: 'installed', version: telemetry.version}
      : telemetryElsewhere(environment, where),
  }
}

/**
 * kedro-telemetry is not in the environment's own site-packages. Not installed, unless pyvenv.cfg lets the environment
 * import the base interpreter's packages and the user site too: those are not read without running Python, so it
 * may be there (kedro then loads it and sends), and the latest known release is assumed.
 */
function telemetryElsewhere(environment: PythonEnvironment, where: string): DetectedVersion {
  if (!environment.distributionsComplete) {
    return {
      detail: `the latest known kedro-telemetry: it is not in ${where}, but a .pth file there names a zip or a folder outside the project, which is not read`,
      source: 'assumed', version: LATEST_KNOWN_TELEMETRY_VERSION,
    }
  }

  if (!environment.systemSitePackages) return {detail: `kedro-telemetry is not installed in ${where}`, source: 'not-installed', version: null}
  return {
    detail: `the latest known kedro-telemetry: it is not in ${where}, but that environment also imports the base interpreter's packages and the user site (include-system-site-packages), which are not read without running Python`,
    source: 'assumed', version: LATEST_KNOWN_TELEMETRY_VERSION,
  }
}

/** For a pinned Kedro that does not install kedro-telemetry itself: that it may not be installed at all. */
function unbundledNote(kedro: {source: string; version: null | string}): string {
  if (kedro.source !== 'pinned' || !isValidVersion(kedro.version!) || kedroRelease(kedro.version!).bundlesTelemetry) return ''
  return `; kedro ${kedro.version} does not install kedro-telemetry itself, so it may not be installed at all`
}

export async function detectVersions(options: {
  env: NodeJS.ProcessEnv
  kedroInitVersion: null | string
  projectRoot: null | string
  pyprojectDependencies: string[]
}): Promise<ProjectVersions> {
  const {env, kedroInitVersion, projectRoot, pyprojectDependencies} = options
  const environment = await findPythonEnvironment(projectRoot, env)
  const distributions = [...(environment?.distributions ?? [])]
  const installed: Record<string, string> = Object.fromEntries(distributions.map(([key, distribution]) => [key, distribution.version]))
  const where = environment && `${environment.source} (${environment.prefix})`

  if (environment && installed.kedro) return installedVersions(environment, installed)

  const requirements = projectRoot
    ? await findRequirements(projectRoot, pyprojectDependencies, ['kedro', 'kedro-telemetry'])
    : new Map<string, Requirement[]>()
  const noKedroHere = environment ? `; ${where} has no kedro installed` : '; no Python environment found'
  const kedro = fromPins('kedro', requirements.get('kedro')) ?? (kedroInitVersion
    ? {detail: `from kedro_init_version in pyproject.toml${describeConstraints(requirements.get('kedro'))}${noKedroHere}`, source: 'assumed' as const, version: kedroInitVersion}
    : {detail: `the latest known Kedro${describeConstraints(requirements.get('kedro'))}${noKedroHere}`, source: 'assumed' as const, version: LATEST_KNOWN_KEDRO_VERSION})

  const telemetryDetail = `the latest known kedro-telemetry${describeConstraints(requirements.get('kedro-telemetry'))}${noKedroHere}${unbundledNote(kedro)}`

  return {
    environment: environment && environmentFacts(environment),
    installed,
    kedro,
    telemetry: fromPins('kedro-telemetry', requirements.get('kedro-telemetry'))
      ?? {detail: telemetryDetail, source: 'assumed', version: LATEST_KNOWN_TELEMETRY_VERSION},
  }
}
