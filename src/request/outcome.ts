/**
 * What kedro itself does with this project and command, decided before any body is built: refuse to start (nothing
 * is sent), run a command that builds no catalog, or build the catalog (the statistics event). A command that would
 * build the catalog can still fail before it does (a registry that fails, a pipeline not registered): then only
 * "CLI command" is sent. Each cause here is one kedro's own source shows, seen statically.
 */
import path from 'node:path'

import {entryKindSync, readTextSafeSync} from '../checkout/files.js'
import {compareVersions} from '../python/pep440.js'
import {errorOptions, type IssuedWarning, warningAction, warnOptionsOf} from '../python/warnings.js'
import {safeLoad} from '../python/pyyaml.js'
import {type KedroRelease, refusesProject, telemetryPluginImports} from '../releases/releases.js'
import {type AirflowCreate, airflowCreate} from './airflow.js'
import type {MaskedCommand} from './command.js'
import {importFolders, type PreviewContext} from './context.js'
import {checkLoggingConfig, loggingChecking} from './logging-config.js'
import type {PreviewSheet} from './sheet.js'
import {importSettings, type SettingsImport} from '../statistics/settings-import.js'
import {installedIn} from '../statistics/importable.js'
import {disabledHookPlugins} from './plugins.js'
import {projectCliOf} from './project-cli.js'
import {loadRunner} from './runner.js'

type CatalogOutcome =
  /** The command runs and builds no catalog, or does not run (help, an option click rejects): "CLI command". */
  | {kind: 'no-catalog'; reason: null | string}
  /** The command builds the catalog (in this process, or in one of its own): the statistics. */
  | {elsewhere: boolean; estimated: null | string; kind: 'catalog'}

/** Commands that build the project's catalog, so that kedro-telemetry sends the statistics event. */
function buildsCatalog(commandPath: string[], kedro: KedroRelease): boolean {
  return commandPath[0] === 'run' || (commandPath[0] === 'catalog' && Object.hasOwn(kedro.catalogCommands, commandPath[1] ?? ''))
}

/**
 * `kedro ipython` runs IPython, and `kedro jupyter lab/notebook` notebook kernels, in processes of their own, where
 * Kedro's IPython extension loads the catalog (reload_kedro): that process sends the statistics.
 */
function buildsCatalogElsewhere(commandPath: string[]): boolean {
  return commandPath[0] === 'ipython' || (commandPath[0] === 'jupyter' && ['lab', 'notebook'].includes(commandPath[1] ?? ''))
}

/** kedro-airflow's `create`, when it is installed: what it does with the line (see airflow.ts), or null for any other command. */
function airflowOutcome(context: PreviewContext, command: MaskedCommand): AirflowCreate | null {
  const [group, subcommand] = command.commandPath
  const version = context.installed['kedro-airflow']
  const options = (context.structure.structure.airflow as Record<string, Record<string, unknown> | undefined> | undefined)?.create
  if (group !== 'airflow' || subcommand !== 'create' || !version || !options) return null
  return airflowCreate(context.args.slice(2), {
    kedroVersion: context.kedroRelease.version, options: new Set(Object.keys(options)), version, workingDirectory: context.workingDirectory,
  })
}

/**
 * From 0.19.0 to 1.0.x, bootstrapping a project adds its package's logger with `self.data["loggers"]` (kedro/framework/
 * project/__init__.py, set_project_logging); 1.1.0 reads `.get("loggers", {})`. A configuration without a `loggers`
 * mapping then stops kedro before any hook.
 */
function loggersMissing(config: unknown, context: PreviewContext): boolean {
  const {version} = context.kedroRelease
  if (!context.project.root || !context.project.pyproject?.packageName) return false
  if (compareVersions(version, '0.19.0') < 0 || compareVersions(version, '1.1.0') >= 0) return false
  const loggers = (config as Record<string, unknown>).loggers
  return !loggers || typeof loggers !== 'object' || Array.isArray(loggers)
}

/** The logging file kedro applies: KEDRO_LOGGING_CONFIG's, else the release's first conf/ file there is; null for its own. */
function loggingFile(context: PreviewContext): null | string {
  const given = context.env.KEDRO_LOGGING_CONFIG
  if (given) return path.resolve(context.workingDirectory, given)
  const candidates = context.kedroRelease.loggingFiles.map((name) => path.join(context.workingDirectory, 'conf', name))
  return candidates.find((candidate) => entryKindSync(candidate, null) !== 'missing') ?? null
}

/**
 * Kedro configures logging when it is imported, before anything else: from KEDRO_LOGGING_CONFIG, else (0.19.6 on) a
 * conf/logging.yml in the working directory, else its own default. One it cannot read, parse or apply stops every kedro
 * command. Returns why, or null; what it cannot tell is noted as estimated on the event.
 */
function loggingFails(context: PreviewContext, sheet: PreviewSheet): null | string {
  const file = loggingFile(context)
  if (!file) return null
  const read = readTextSafeSync(file, {within: null})
  if (!read.ok) return read.kind === 'missing' ? `the logging configuration ${file} does not exist` : `the logging configuration: ${read.reason}`
  const loaded = safeLoad(read.text.replaceAll(/\r\n?/g, '\n'))
  if (!loaded.ok) return loaded.undecidable ? null : `the logging configuration ${file} does not parse (${loaded.error})`
  const verdict = checkLoggingConfig(loaded.value, loggingChecking(context))
  if (verdict.kind === 'fails') return `logging.config.dictConfig refuses ${path.relative(context.workingDirectory, file) || file} (${verdict.reason})`
  if (loggersMissing(loaded.value, context)) {
    return `${path.relative(context.workingDirectory, file) || file} has no loggers mapping, which Kedro ${context.kedroRelease.version} looks up as it bootstraps the project (set_project_logging raises KeyError: 'loggers')`
  }

  if (verdict.estimated) sheet.origin('event', 'derived', 'the logging configuration', 'Kedro applies it before anything else', `whether Kedro can apply the logging configuration is not known: ${verdict.estimated}`)
  return null
}

/** What settings.py did for each preview: kedro's start and its session both ask, and it is read once. */
const settingsImports = new WeakMap<PreviewContext, null | SettingsImport>()

/** settings.py as Kedro imports it (see statistics/settings-import.ts), or null outside a project with a package. */
export function settingsImportOf(context: PreviewContext): null | SettingsImport {
  if (settingsImports.has(context)) return settingsImports.get(context)!
  const {pyproject, root} = context.project
  const reading = root && pyproject?.packageName
    ? importSettings({
      environment: context.env, kedroRelease: context.kedroRelease, packageName: pyproject.packageName, projectRoot: root,
      pythonVersion: context.kedroPython.version, sitePackages: importFolders(context) ?? null, sourceDir: pyproject.sourceDir ?? 'src',
    })
    : null
  settingsImports.set(context, reading)
  return reading
}

/**
 * The Python (major.minor) that runs kedro: what the interpreter said, else what its environment's site-packages
 * folder is named after (lib/python3.12/site-packages), or null when neither tells.
 */
function pythonMinorOf({kedroPython, project}: PreviewContext): null | {minor: string; said: boolean} {
  const said = /^(\d+)\.(\d+)/.exec(kedroPython.version ?? '')
  if (said) return {minor: `${said[1]}.${said[2]}`, said: true}
  const named = new Set((project.versions.environment?.sitePackages ?? []).map((folder) => /[/\\]python(\d+\.\d+)t?[/\\]site-packages$/.exec(folder)?.[1]))
  const [only] = named
  return named.size === 1 && only ? {minor: only, said: false} : null
}

const PYTHON_VERSION_WARNING: IssuedWarning = {
  categories: ['KedroPythonVersionWarning', 'UserWarning', 'Warning'],
  message: 'Kedro is not yet fully compatible with this Python version.\nTo proceed at your own risk and ignore this warning,\n'
    + 'run Kedro with `python -W "default:Kedro is not yet fully compatible" -m kedro ...`\nor set the PYTHONWARNINGS environment variable accordingly.',
  module: 'kedro',
}

/**
 * Whether `import kedro` refuses the Python that runs it (kedro/__init__.py, 0.18.12 on): with no warning option
 * (PYTHONWARNINGS, PYTHONDEVMODE) it makes its KedroPythonVersionWarning an error; with options, Python's own filters
 * decide. `refuses`: why nothing is sent; `unsure`: why that is not known.
 */
export function pythonRefusal(context: PreviewContext): {refuses: null | string; unsure: null | string} {
  const {env, kedroRelease} = context
  const refused = kedroRelease.refusedPython
  const starts = {refuses: null, unsure: null}
  if (!refused) return starts
  const found = pythonMinorOf(context)
  const running = found?.minor
  // "Nothing is sent" rests on the interpreter's own answer: a folder's name (which a checkout controls) only hints.
  const certain = (refuses: string) => {
    if (!kedroRelease.sourcePublic) return {refuses: null, unsure: `Kedro ${kedroRelease.version}'s kedro/__init__.py is not public, and the releases before it refuse Python ${refused} and later`}
    if (!found?.said) return {refuses: null, unsure: `${refuses}, if its environment's lib/python${running} folder names the Python that runs it (no interpreter answered)`}
    return {refuses, unsure: null}
  }

  const rule = `Kedro ${kedroRelease.version} refuses Python ${refused} and later as it is imported (kedro/__init__.py)`
  if (!running) return {refuses: null, unsure: `Kedro ${kedroRelease.version} refuses Python ${refused}+ (kedro/__init__.py); Python not known`}
  if (compareVersions(running, refused) < 0) return starts
  const options = warnOptionsOf(env)
  if (options.length === 0) {
    return certain(`Kedro ${kedroRelease.version} refuses Python ${running} as it is imported (kedro/__init__.py: KedroPythonVersionWarning, an error unless PYTHONWARNINGS is set): kedro stops before any hook runs`)
  }

  const decided = warningAction(options, PYTHON_VERSION_WARNING, Number(running.split('.')[1]))
  if ('unknown' in decided) return {refuses: null, unsure: `${rule} unless a warning option lets it: ${decided.unknown}, which is not followed here`}
  if (decided.action !== 'error') {
    return {refuses: null, unsure: `Kedro ${kedroRelease.version} is not made for Python ${running} (kedro/__init__.py warns, and PYTHONWARNINGS lets it go on): what may fail on that Python is not followed here`}
  }

  return certain(`PYTHONWARNINGS makes Kedro ${kedroRelease.version}'s KedroPythonVersionWarning for Python ${running} an error (kedro/__init__.py): kedro stops before any hook runs`)
}

/**
 * Why warnings may stop kedro as it runs: an option that makes warnings errors (`PYTHONWARNINGS=error::DeprecationWarning`)
 * turns any warning kedro, a plugin or the project's code raises into an exception, which this tool cannot foresee.
 */
export function warningErrorsDoubt(context: PreviewContext): null | string {
  const errors = errorOptions(warnOptionsOf(context.env), Number(pythonMinorOf(context)?.minor.split('.')[1] ?? 0))
  if (errors.length === 0) return null
  return `PYTHONWARNINGS makes warnings errors (${errors.join(', ')}): a warning raised as kedro runs (a deprecation in kedro, a plugin or the project's code) would stop it`
}

/**
 * The modules kedro-telemetry imports as kedro loads its CLI hooks that are not installed where kedro runs (read only
 * where every folder kedro imports from is known, and they hold kedro and kedro_telemetry): kedro then stops as it
 * starts. `refuses`: why nothing is sent;
 * `unsure`: the same, for a release whose source is not public.
 */
export function telemetryImportFailure(context: PreviewContext): {refuses: null | string; unsure: null | string} {
  const none = {refuses: null, unsure: null}
  const folders = context.telemetryNotInstalled ? undefined : importFolders(context)
  // Folders that do not show kedro and kedro-telemetry themselves (only their metadata) are not all Python imports from.
  if (!folders || !installedIn('kedro', folders) || !installedIn('kedro_telemetry', folders)) return none
  const {version} = context.telemetryRelease
  // tomli (before Python 3.11) is looked for only when the interpreter said its version, not from a folder's name.
  const python = pythonMinorOf(context)
  const needed = telemetryPluginImports(version, python?.said ? python.minor : null)
  const missing = needed.modules.filter((module) => !installedIn(module, folders))
  if (missing.length === 0) return none
  const reason = `kedro-telemetry ${version} imports ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed where kedro runs: `
    + `loading its plugins fails (ModuleNotFoundError: No module named '${missing[0]}'), and kedro stops before any command`
  return needed.sourcePublic ? {refuses: reason, unsure: null} : {refuses: null, unsure: `${reason}, if ${version} imports what 0.8.0 does (its source is not public)`}
}

/** Why kedro stops before any hook runs, so that nothing at all is sent, or null when it starts. */
export function kedroRefuses(context: PreviewContext, sheet: PreviewSheet): null | string {
  const python = pythonRefusal(context).refuses
  if (python) return python
  const logging = loggingFails(context, sheet)
  if (logging) return `${logging}: kedro stops when it configures logging, before any hook runs`
  const plugin = telemetryImportFailure(context).refuses
  if (plugin) return plugin
  if (!context.project.root) return null
  const refused = projectRefusal(context)
  if (refused) return refused
  // dynaconf swallows an ImportError here (KedroSession.create raises it later); anything else stops kedro.
  const settings = settingsImportOf(context)
  if (settings?.kind === 'fails' && !settings.importError) {
    return `importing the project's settings.py raises (${settings.error}): kedro stops as it starts (bootstrap_project), before any hook runs`
  }

  // Then KedroCLI imports the project's cli.py (project_groups).
  const cli = projectCliOf(context)
  return cli.kind === 'refuses' ? cli.reason : null
}

/** What the project's pyproject.toml makes kedro refuse (it does not parse, or its metadata), or null. */
function projectRefusal({kedro, project: {pyproject}}: PreviewContext): null | string {
  if (pyproject?.error) return `pyproject.toml does not parse (${pyproject.error}): Kedro refuses to start`
  return refusesProject(kedro.version, {
    kedroInitVersion: pyproject?.kedroInitVersion ?? null, kedroKeys: pyproject?.kedroKeys ?? [], kedroProjectVersion: pyproject?.kedroProjectVersion ?? null,
    packageName: pyproject?.packageName ?? null, projectName: pyproject?.projectName ?? null,
  })
}

/**
 * What `kedro run` itself checks before it creates a session (kedro/framework/cli/project.py): `--pipeline` with
 * `--pipelines` (1.2.0 on), and the runner it loads. `refuses`: why it stops there; `unsure`: why it may.
 */
function runChecks(context: PreviewContext, command: MaskedCommand): {refuses: null | string; unsure: null | string} {
  if (command.values.get('--pipeline')?.length && command.values.get('--pipelines')?.length) {
    return {refuses: 'kedro run refuses --pipeline together with --pipelines (KedroCliError)', unsure: null}
  }

  const runner = command.values.get('--runner')?.at(-1)
  const load = runner ? loadRunner(runner, context) : null
  if (load?.kind === 'raises') return {refuses: `loading the runner ${runner} raises ${load.error} before the session starts`, unsure: null}
  return {refuses: null, unsure: load?.kind === 'unsure' ? `--runner ${runner}: ${load.reason}, so kedro may stop before the session` : null}
}

/**
 * kedro-telemetry's project hooks (the statistics) are switched off by DISABLE_HOOKS_FOR_PLUGINS in settings.py; its
 * CLI hooks are not, so "CLI command" is still sent. True, false, or why it is not known.
 */
export function statisticsHookDisabled(context: PreviewContext): boolean | string {
  const disabled = disabledHookPlugins(context)
  if (disabled === null) return 'settings.py cannot be followed here, so whether DISABLE_HOOKS_FOR_PLUGINS names kedro-telemetry is not known'
  return disabled.includes('kedro-telemetry')
}

/** Whether the command (in a project kedro starts for) builds the catalog. */
export function catalogOutcome(context: PreviewContext, command: MaskedCommand): CatalogOutcome {
  const elsewhere = buildsCatalogElsewhere(command.commandPath)
  const airflow = context.project.root ? airflowOutcome(context, command) : null
  if (airflow) {
    if (airflow.kind === 'catalog') return {elsewhere: false, estimated: airflow.estimated, kind: 'catalog'}
    return {kind: 'no-catalog', reason: airflow.kind === 'rejected' ? `${airflow.reason}: click rejects it before the command runs` : null}
  }

  if (!context.project.root || !(buildsCatalog(command.commandPath, context.kedroRelease) || elsewhere)) return {kind: 'no-catalog', reason: null}
  if (!command.runs) return {kind: 'no-catalog', reason: command.rejected}
  const run = command.commandPath[0] === 'run' ? runChecks(context, command) : {refuses: null, unsure: null}
  if (run.refuses) return {kind: 'no-catalog', reason: run.refuses}
  return {elsewhere, estimated: [command.uncertain, run.unsure].filter(Boolean).join('; ') || null, kind: 'catalog'}
}
