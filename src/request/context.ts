/**
 * The first step of a preview: which Kedro and kedro-telemetry run (given, reported by the interpreter, installed,
 * pinned or assumed), what those releases do, which plugins add commands, and the command structure masking walks.
 */
import {type ChosenStructure, structureFor} from '../masking/masking.js'
import {type LoadedProject, loadProjectAt, type ProjectAt} from '../project/project.js'
import {type DetectedVersion} from '../project/versions.js'
import {kedro, type KedroRelease, NEWEST_KNOWN, projectKedroSees, telemetry, type TelemetryRelease} from '../releases/releases.js'
import {isValidVersion} from '../python/pep440.js'
import {importFoldersOf} from '../statistics/importable.js'
import {isInside} from '../checkout/files.js'
import {probePython, type PythonProbe} from './python-probe.js'
import type {PreviewSheet} from './sheet.js'

export interface PreviewInputs {
  /** The kedro command's arguments, verbatim (without `kedro`). */
  args: string[]
  /** The environment kedro would run in. */
  /** Where a relative `project` starts (default: the process's working directory). */
  cwd?: string
  env: NodeJS.ProcessEnv
  kedroVersion?: string
  /** The project at `project`, when the caller has loaded it already (with its resolved directory). */
  loaded?: ProjectAt
  now?: Date
  platform?: NodeJS.Platform
  /** Where kedro would run (default: the current directory). */
  project?: string
  /** Run the project's Python for sys.version and installed versions (default true), when the checkout rule allows. */
  probePython?: boolean
  /** A probe already started (see launchPythonProbe), so that it overlaps loading this module. */
  python?: Promise<PythonProbe>
  telemetryVersion?: string
  /** Run the project's interpreter even where it lies in the project (see src/checkout/interpreter.ts). */
  trustProjectPython?: boolean
}

/** A version as the preview uses it, with where it came from. */
interface ResolvedVersion {
  /** Not installed, pinned, reported or given: the latest known (or kedro_init_version) is taken instead. */
  assumed: boolean
  /** Where it comes from, for people. */
  source: string
  version: string
}

export interface PreviewContext {
  args: string[]
  env: NodeJS.ProcessEnv
  /** What this tool reads of the installed distributions (KEDRO_DISTRIBUTIONS): normalised name -> version; {} without an environment. */
  installed: Record<string, string>
  kedro: ResolvedVersion
  kedroRelease: KedroRelease
  now: Date
  platform: NodeJS.Platform
  /** Installed plugins that add commands to the structure (kedro-viz, kedro-airflow, kedro-docker). */
  plugins: string[]
  /** Command group -> why its commands may differ (an installed plugin release whose commands are not stored). */
  pluginEstimates: Record<string, string>
  project: LoadedProject
  python: PythonProbe
  /**
   * The Python that runs kedro: the probed interpreter's sys.version when kedro is installed for it, else null with
   * why it is not known (none was run, or the one found has no kedro, so kedro may run under another).
   */
  kedroPython: {doubt: null | string; version: null | string}
  structure: ChosenStructure
  telemetry: ResolvedVersion
  /** The environment has Kedro but not kedro-telemetry (and no version was given): nothing is sent. */
  telemetryNotInstalled: boolean
  telemetryRelease: TelemetryRelease
  workingDirectory: string
}

function resolveVersion(
  given: string | undefined, reported: null | string | undefined, python: PythonProbe, detected: DetectedVersion, newest: string,
): ResolvedVersion {
  if (given) return {assumed: false, source: 'given with a flag', version: given}
  if (reported) return {assumed: false, source: `reported by ${python.facts!.executable}`, version: reported}
  if (detected.version && isValidVersion(detected.version) && detected.source !== 'assumed') return {assumed: false, source: `${detected.source}: ${detected.detail}`, version: detected.version}
  return {assumed: true, source: detected.source === 'assumed' ? detected.detail : 'the latest known', version: detected.source === 'assumed' && detected.version ? detected.version : newest}
}

/** The project where kedro would run, as the caller loaded it or read now. */
function projectOf(inputs: PreviewInputs): Promise<ProjectAt> {
  return inputs.loaded ? Promise.resolve(inputs.loaded) : loadProjectAt(inputs.project ?? '.', inputs.cwd ?? process.cwd(), inputs.env)
}

/** What the interpreter that runs kedro says: as the caller asked it, asked now, or not asked (--no-python). */
function pythonOf(inputs: PreviewInputs, project: LoadedProject, workingDirectory: string): Promise<PythonProbe> {
  if (inputs.probePython === false) return Promise.resolve({facts: null, missing: 'no interpreter was run (--no-python)'})
  return inputs.python ?? probePython({
    env: inputs.env, environment: project.versions.environment ?? null, environmentPrefix: project.versions.environment?.prefix ?? null,
    projectRoot: project.root, trustProjectPython: inputs.trustProjectPython, workingDirectory,
  })
}

export async function previewContext(inputs: PreviewInputs, sheet: PreviewSheet): Promise<PreviewContext> {
  const {env} = inputs
  const {project: found, workingDirectory} = await projectOf(inputs)
  const {versions} = found
  const python = await pythonOf(inputs, found, workingDirectory)
  const kedroVersion = resolveVersion(inputs.kedroVersion, python.facts?.kedro, python, versions.kedro, NEWEST_KNOWN.kedro)
  const telemetryVersion = resolveVersion(inputs.telemetryVersion, python.facts?.kedroTelemetry, python, versions.telemetry, NEWEST_KNOWN.kedroTelemetry)
  // Kedro before 0.19 does not see a project above the working directory: it runs outside one.
  const seen = projectKedroSees(kedroVersion.version, found.root, workingDirectory)
  if (seen.note) sheet.warn(`${seen.note}: kedro runs outside a project`)
  const {root} = seen
  const project = seen.note ? {...found, pyproject: null, root} : found
  // Distributions installed in the project's environment, or for the interpreter that runs kedro (which wins).
  const installed = {...versions.installed, ...python.facts?.distributions}
  const plugins = ['kedro-airflow', 'kedro-docker', 'kedro-viz'].filter((name) => Object.hasOwn(installed, name))
  const structure = structureFor(kedroVersion.version, Object.fromEntries(plugins.map((name) => [name, installed[name] ?? null])), root !== null)
  const kedroRelease = kedro(kedroVersion.version)
  const telemetryRelease = telemetry(telemetryVersion.version)
  for (const warning of [structure.estimated, kedroRelease.estimated, telemetryRelease.estimated]) if (warning) sheet.warn(warning)
  // A plugin release whose commands are not stored: its commands may differ.
  const {pluginEstimates} = structure
  return {
    args: inputs.args, env, installed, kedro: kedroVersion, kedroRelease, now: inputs.now ?? new Date(), platform: inputs.platform ?? process.platform,
    pluginEstimates, plugins,
    kedroPython: kedroPythonOf(python), project, python, structure, telemetry: telemetryVersion,
    telemetryNotInstalled: !inputs.telemetryVersion && telemetryAbsent(python, versions),
    telemetryRelease, workingDirectory,
  }
}

/**
 * kedro-telemetry is not installed where kedro runs: as kedro's interpreter finds its packages (its own, the user
 * site, its base's), else as the environment read from disk shows it.
 */
function telemetryAbsent(python: PythonProbe, versions: LoadedProject['versions']): boolean {
  if (python.facts?.kedro) return python.facts.kedroTelemetry === null && python.facts.distributionsComplete
  return versions.telemetry.source === 'not-installed'
}

/** The Python that runs kedro, as far as it is known: the interpreter asked, when kedro is installed for it. */
function kedroPythonOf({facts, missing}: PythonProbe): PreviewContext['kedroPython'] {
  if (!facts) return {doubt: missing ?? 'no Python interpreter was found', version: null}
  if (!facts.kedro) return {doubt: 'the Python found has no kedro; kedro may run under another', version: null}
  return {doubt: null, version: facts.version}
}

/**
 * Every folder kedro's interpreter imports from, where that is known: the path a capture's kedro reported, else the
 * site-packages of an environment kedro is installed in (when it also imports the base interpreter's packages and the
 * user site, as its interpreter reported them) and the folders their .pth files add (unless an editable install's
 * finder provides modules, which is not read). Undefined when not known: whether a module imports is then estimated.
 */
export function importFolders({env, project: {root, versions}, python}: PreviewContext): string[] | undefined {
  if (python.facts?.importPath) return python.facts.importPath
  // PYTHONPATH puts folders before site-packages that only the interpreter reads: without it, what imports is not known.
  if (env.PYTHONPATH) return undefined
  // Site-packages read from disk, with the folders their .pth files add (an editable install of the project, say).
  // An environment that also imports its base's packages and the user site is read through its interpreter's answer.
  const environment = versions.environment
  const interpreterSees = python.facts?.kedro && (!versions.installed.kedro || !environment || isInside(environment.prefix, python.facts.executable))
  let sitePackages: string[] | undefined
  if (versions.installed.kedro && !environment?.systemSitePackages) sitePackages = environment?.sitePackages
  else if (interpreterSees) sitePackages = python.facts!.sitePackages
  return sitePackages && (importFoldersOf(sitePackages, root) ?? undefined)
}
