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

import type {SyntaxNode} from '@lezer/common'

import {entryKindSync, readTextSafeSync} from '../checkout/files.js'
import type {KedroRelease} from '../releases/releases.js'
import {ProjectEvaluator, projectLayout} from './pipelines.js'
import {analysePython, childrenOf, EvaluationGuard, evaluate} from '../python/evaluator.js'

export interface SettingsImportOptions {
  /** The environment kedro runs with: `os.environ["NAME"]` raises KeyError for a NAME it lacks. */
  environment: NodeJS.ProcessEnv
  /** The Kedro release that imports it. */
  kedroRelease: KedroRelease
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

/** Statements and expressions under which a read may not run: a branch, a loop, a `try`, a comprehension. */
const CONDITIONAL = new Set([
  'ArrayComprehensionExpression', 'ComprehensionExpression', 'ConditionalExpression', 'DictionaryComprehensionExpression', 'ForStatement', 'IfStatement',
  'SetComprehensionExpression', 'TryStatement', 'WhileStatement', 'WithStatement',
])

interface ModuleScan {
  /** The project hook implementations named `after_context_created`, as `file:line`. */
  contextHooks: string[]
  /** The KeyError of the first `os.environ[KEY]` that surely runs with KEY unset, or null. */
  keyError: null | string
  /** Keys set as the modules run before the read (`os.environ["KEY"] = ...`): surely, or on a condition (false). */
  set: Map<string, boolean>
  /** Assignments seen but not yet done: Python evaluates the value first, so a key is set once its statement ends. */
  pending: {conditional: boolean; end: number; key: string}[]
  /** Where the environment was changed in a way not followed (`load_dotenv()`, `os.environ.update(...)`), or null. */
  changed: null | string
  /** Reads whose key is not a literal, or that run only on a condition. */
  unsure: string[]
}

/** Calls that change os.environ in ways not followed here: after one, an unset variable may be set. */
const ENVIRON_CHANGES = /^(?:os\.environ\.(?:update|setdefault|__setitem__)|os\.putenv|(?:dotenv\.)?load_dotenv|(?:dotenv\.)?find_dotenv)$/

/** `os.environ[KEY] = ...` (a target of an assignment, not a read): the key it sets, recorded in the scan. */
function environWrite(node: SyntaxNode, source: string, conditional: boolean, scan: ModuleScan): boolean {
  const parent = node.parent
  if (parent?.name !== 'AssignStatement') return false
  const parts = childrenOf(parent)
  const last = parts.findLastIndex((part) => part.name === 'AssignOp' || source.slice(part.from, part.to) === '=')
  if (last === -1 || !parts.slice(0, last).some((part) => part.from === node.from && part.to === node.to)) return false
  const [, , key] = childrenOf(node)
  const value = key && evaluate(key, {guard: new EvaluationGuard(), scope: new Map(), source})
  if (value?.kind === 'str') scan.pending.push({conditional, end: parent.to, key: value.value})
  else scan.changed ??= `os.environ[${key ? source.slice(key.from, key.to) : ''}] = ...`
  return true
}

/** The assignments whose statements have ended before `offset` are done. */
function settle(scan: ModuleScan, offset: number): void {
  for (const write of scan.pending.filter((item) => item.end <= offset)) scan.set.set(write.key, scan.set.get(write.key) === true || !write.conditional)
  scan.pending = scan.pending.filter((item) => item.end > offset)
}

/** Whether a node makes what is below it conditional (`a and b`, `a or b` short-circuit; `a + b` does not). */
function isConditional(node: SyntaxNode, source: string): boolean {
  if (CONDITIONAL.has(node.name)) return true
  return node.name === 'BinaryExpression' && childrenOf(node).some((child) => ['and', 'or'].includes(source.slice(child.from, child.to)))
}

/** One `os.environ[KEY]` read: what it adds to the scan (a KeyError when it surely runs with KEY unset). */
function environRead(node: SyntaxNode, source: string, where: string, conditional: boolean, environment: NodeJS.ProcessEnv, scan: ModuleScan): void {
  const [object, bracket, key] = childrenOf(node)
  if (bracket?.name !== '[' || !object || !key || source.slice(object.from, object.to) !== 'os.environ') return
  if (environWrite(node, source, conditional, scan)) return
  const value = evaluate(key, {guard: new EvaluationGuard(), scope: new Map(), source})
  if (value.kind !== 'str') {
    scan.unsure.push(`${where} reads os.environ[${source.slice(key.from, key.to)}], a key not followed here: an unset one raises KeyError as kedro starts`)
  } else if (Object.hasOwn(environment, value.value) || scan.set.get(value.value) === true) {
    // Set: the read succeeds.
  } else if (scan.set.has(value.value) || scan.changed) {
    scan.unsure.push(`${where} reads os.environ["${value.value}"], which is not set in kedro's environment but may be by then (${scan.changed ?? 'an assignment on a condition'}): if not, kedro stops with KeyError as it starts`)
  } else if (conditional) {
    scan.unsure.push(`${where} reads os.environ["${value.value}"], which is not set, on a condition not followed here: if it runs, kedro stops with KeyError as it starts`)
  } else {
    scan.keyError = `${where}: KeyError: '${value.value}' (os.environ, the variable is not set)`
  }
}

/**
 * One pass over the modules that importing the settings ran: `os.environ[KEY]` read as they run (not in a function or
 * lambda body), and the `after_context_created` hooks they define.
 */
function scanModules(projectRoot: string, files: string[], environment: NodeJS.ProcessEnv, stoppedAt: ReadonlyMap<string, number>): ModuleScan {
  const scan: ModuleScan = {changed: null, contextHooks: [], keyError: null, pending: [], set: new Map(), unsure: []}
  for (const shown of files) {
    const read = readTextSafeSync(path.join(projectRoot, shown), {within: projectRoot})
    if (!read.ok) continue
    const source = read.text
    const lineOf = (offset: number) => `${shown}:${source.slice(0, offset).split('\n').length}`
    // How many enclosing nodes make the current one conditional.
    const conditions: boolean[] = []
    // A module stopped by an exception ran nothing after the statement that raised.
    const stop = stoppedAt.get(shown) ?? Number.POSITIVE_INFINITY
    analysePython(source).tree?.iterate({
      enter(node) {
        if (node.from >= stop) return false
        settle(scan, node.from)
        if (node.name === 'FunctionDefinition') {
          const name = node.node.getChild('VariableName')
          if (name && source.slice(name.from, name.to) === 'after_context_created') scan.contextHooks.push(lineOf(node.from))
          return false
        }

        if (node.name === 'LambdaExpression') return false
        if (node.name === 'CallExpression') {
          const callee = node.node.firstChild
          const name = callee ? source.slice(callee.from, callee.to) : ''
          if (ENVIRON_CHANGES.test(name)) scan.changed ??= `${lineOf(node.from)}: ${name}()`
        }

        if (node.name === 'MemberExpression' && !scan.keyError) environRead(node.node, source, lineOf(node.from), conditions.includes(true), environment, scan)
        conditions.push(isConditional(node.node, source))
        return undefined
      },
      leave(node) {
        if (node.name !== 'FunctionDefinition' && node.name !== 'LambdaExpression') conditions.pop()
      },
    })
    settle(scan, Number.POSITIVE_INFINITY)
  }

  return scan
}

export function importSettings(options: SettingsImportOptions): SettingsImport {
  const layout = projectLayout(options.projectRoot, options.sourceDir, options.packageName)
  // No settings.py: Kedro's defaults, nothing to import.
  if (entryKindSync(path.join(layout.packageDirectory, 'settings.py'), options.projectRoot) !== 'file') return {kind: 'imports', unsure: []}
  const evaluator = new ProjectEvaluator(layout, options.kedroRelease, null, options.pythonVersion, options.sitePackages)
  const record = evaluator.importModule(`${options.packageName}.settings`)
  // Whichever raises first stops the import: an os.environ read before the failing statement, or that statement.
  const modules = scanModules(options.projectRoot, evaluator.files, options.environment, evaluator.stoppedAt)
  // A package the environment (not read) may lack may fail an import before that read: an ImportError, which kedro survives.
  if (modules.keyError && evaluator.unsureImports.length > 0) {
    modules.unsure.push(`${modules.keyError} stops kedro as it starts, unless an import before it fails first`)
  } else if (modules.keyError) {
    return {error: modules.keyError, importError: false, kind: 'fails'}
  }

  if (record.failure) return {error: record.failure, importError: IMPORT_ERROR.test(record.failure), kind: 'fails'}
  const unsure = evaluator.unsureImports.map(([module, packages]) => (
    `${module} imports ${packages.join(', ')}, which the environment (not read) may lack: then importing the settings raises ImportError and kedro fails before it builds the catalog`
  ))
  unsure.push(...modules.unsure)
  if (!record.complete) unsure.push(`settings.py is not followed to its end here (${evaluator.estimated.join('; ')}), so whether it imports is not known`)
  // An empty HOOKS registers nothing.
  const registered = record.scope.get('HOOKS')
  const hooks = registered && !(registered.kind === 'list' && registered.items.length === 0) ? modules.contextHooks : []
  if (hooks.length > 0) {
    unsure.push(`a project hook after_context_created (${hooks.join(', ')}) runs before the catalog is built: if it raises, kedro stops there and only "CLI command" is sent`)
  }

  return {kind: 'imports', unsure}
}
