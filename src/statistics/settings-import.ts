/**
 * Whether the project's settings.py imports, as Kedro imports it (every release from 0.18 to 1.5 alike, observed with
 * the real code):
 * - `bootstrap_project` (in KedroCLI, before any hook) imports `<package>.settings` through dynaconf, which swallows an
 *   ImportError but not anything else: a syntax error, a `raise`, any other exception stops kedro there, so nothing at
 *   all is sent, whatever the command.
 * - `KedroSession.create` imports it again (`validate_settings`) and lets an ImportError through: a command that
 *   builds the catalog fails before it does, so only "CLI command" is sent.
 * - `os.environ["NAME"]` as the modules run raises KeyError when NAME is not set: nothing is sent.
 * - A project hook `after_context_created` (in `HOOKS`) runs before the catalog is built: if it raises, only "CLI
 *   command" is sent. Its body is code this tool does not run, so the statistics are then estimated.
 *   (`after_catalog_created` hooks of the project run after kedro-telemetry's, which has sent by then.)
 * The settings module is followed by the same evaluator as the pipelines: the package's `__init__.py` first, project
 * modules it imports, third-party imports checked against the environment's site-packages when one was read.
 */
import path from 'node:path'

import {entryKindSync, readTextSafeSync} from '../checkout/files.js'
import {kedro} from '../releases/releases.js'
import {ProjectEvaluator, projectLayout} from './pipelines.js'
import {analysePython, EvaluationGuard, evaluate} from './python.js'

export interface SettingsImportOptions {
  /** The environment kedro runs with: `os.environ["NAME"]` raises KeyError for a NAME it lacks. */
  environment: NodeJS.ProcessEnv
  kedroVersion: string
  packageName: string
  projectRoot: string
  /** sys.version of the interpreter that runs kedro, when known. */
  pythonVersion: null | string
  /** The site-packages folders of kedro's environment, or null when none was read. */
  sitePackages: null | string[]
  sourceDir: string
}

export type SettingsImport =
  /** Importing it raises `error`; an ImportError only stops a session, anything else stops kedro at start. */
  | {error: string; importError: boolean; kind: 'fails'}
  /** It imports, as far as it is followed; `unsure` says why that may not hold. */
  | {kind: 'imports'; unsure: string[]}

const IMPORT_ERROR = /(?:^|: )(?:ModuleNotFoundError|ImportError): /

/** The project hook implementations named `after_context_created` in the files read, as `file:line`. */
function contextHooks(projectRoot: string, files: string[]): string[] {
  const found: string[] = []
  for (const shown of files) {
    const read = readTextSafeSync(path.join(projectRoot, shown), {within: projectRoot})
    if (!read.ok) continue
    const source = read.text
    analysePython(source).tree?.iterate({
      enter(node) {
        if (node.name !== 'FunctionDefinition') return
        const name = node.node.getChild('VariableName')
        if (name && source.slice(name.from, name.to) === 'after_context_created') found.push(`${shown}:${source.slice(0, node.from).split('\n').length}`)
      },
    })
  }

  return found
}

/**
 * `os.environ[KEY]` read as the modules run (not in a function or lambda body): the KeyError for the first KEY the
 * environment lacks, and the reads whose key is not a literal.
 */
function environmentReads(projectRoot: string, files: string[], environment: NodeJS.ProcessEnv): {keyError: null | string; unsure: string[]} {
  const unsure: string[] = []
  for (const shown of files) {
    const read = readTextSafeSync(path.join(projectRoot, shown), {within: projectRoot})
    if (!read.ok) continue
    const source = read.text
    let keyError: null | string = null
    analysePython(source).tree?.iterate({
      enter(node) {
        if (keyError !== null || node.name === 'FunctionDefinition' || node.name === 'LambdaExpression') return false
        const [object, open, key] = [node.node.firstChild, node.node.firstChild?.nextSibling, node.node.firstChild?.nextSibling?.nextSibling]
        if (node.name !== 'MemberExpression' || open?.name !== '[' || !object || source.slice(object.from, object.to) !== 'os.environ' || !key) return undefined
        const where = `${shown}:${source.slice(0, node.from).split('\n').length}`
        const value = evaluate(key, {guard: new EvaluationGuard(), scope: new Map(), source})
        if (value.kind !== 'str') unsure.push(`${where} reads os.environ[${source.slice(key.from, key.to)}], a key not followed here: an unset one raises KeyError as kedro starts`)
        else if (!Object.hasOwn(environment, value.value)) keyError = `${where}: KeyError: '${value.value}' (os.environ, the variable is not set)`
        return undefined
      },
    })
    if (keyError !== null) return {keyError, unsure}
  }

  return {keyError: null, unsure}
}

export function importSettings(options: SettingsImportOptions): SettingsImport {
  const layout = projectLayout(options.projectRoot, options.sourceDir, options.packageName)
  // No settings.py: Kedro's defaults, nothing to import.
  if (entryKindSync(path.join(layout.packageDirectory, 'settings.py'), options.projectRoot) !== 'file') return {kind: 'imports', unsure: []}
  const evaluator = new ProjectEvaluator(layout, kedro(options.kedroVersion), null, options.pythonVersion, options.sitePackages)
  const record = evaluator.importModule(`${options.packageName}.settings`)
  if (record.failure) return {error: record.failure, importError: IMPORT_ERROR.test(record.failure), kind: 'fails'}
  const environment = environmentReads(options.projectRoot, evaluator.files, options.environment)
  if (environment.keyError) return {error: environment.keyError, importError: false, kind: 'fails'}
  const unsure = evaluator.unsureImports.map(([module, packages]) => (
    `${module} imports ${packages.join(', ')}, which the environment (not read) may lack: then importing the settings raises ImportError and kedro fails before it builds the catalog`
  ))
  unsure.push(...environment.unsure)
  if (!record.complete) unsure.push(`settings.py is not followed to its end here (${evaluator.estimated.join('; ')}), so whether it imports is not known`)
  // An empty HOOKS registers nothing.
  const registered = record.scope.get('HOOKS')
  const hooks = registered && !(registered.kind === 'list' && registered.items.length === 0) ? contextHooks(options.projectRoot, evaluator.files) : []
  if (hooks.length > 0) {
    unsure.push(`a project hook after_context_created (${hooks.join(', ')}) runs before the catalog is built: if it raises, kedro stops there and only "CLI command" is sent`)
  }

  return {kind: 'imports', unsure}
}
