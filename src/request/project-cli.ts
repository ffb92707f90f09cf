/**
 * A project's own `cli.py`. As it starts, every Kedro release from 0.18 to 1.5 imports `<package>.cli`
 * (kedro/framework/cli/cli.py, KedroCLI.project_groups). Its `cli` group's commands then replace kedro's own of the
 * same name ("built-in < plugins < cli.py"). A command it adds to one of kedro's groups (`@project_group.command()`)
 * replaces that one too. kedro-telemetry masks with the structure of that same CLI.
 * - A ModuleNotFoundError while importing it (its own or one of its imports) is caught: kedro carries on with its own
 *   commands.
 * - Any other exception stops kedro before any hook runs. So does a module without `cli` (KedroCliError).
 * The file is read here, never run: what it defines is known where its decorators say it plainly.
 */
import path from 'node:path'

import type {SyntaxNode} from '@lezer/common'

import {readTextSafeSync} from '../checkout/files.js'
import {moduleBinding} from '../python/bindings.js'
import {analysePython, childrenOf, importsOf} from '../python/evaluator.js'
import {stringValue} from '../python/literals.js'
import {compareVersions} from '../python/pep440.js'
import {pythonRelease} from '../python/syntax.js'
import {BUILTIN_NAMES, STDLIB_MODULES} from '../python/stdlib.js'
import {raises} from '../python/values.js'
import {installedIn, installedImport} from '../statistics/importable.js'
import {importFolders, type PreviewContext} from './context.js'

export type ProjectCli =
  /** No cli.py, or one whose import raises ModuleNotFoundError: kedro's own commands. */
  | {kind: 'absent'}
  /** Importing it stops kedro before any hook: nothing is sent. */
  | {kind: 'refuses'; reason: string}
  /**
   * It is imported. `defines`: the command names it defines (null: not known which); `doubt`: why importing it may
   * still raise (which stops kedro), or null.
   */
  | {defines: null | Set<string>; doubt: null | string; file: string; kind: 'loaded'}

/** Statements whose running at import cannot raise here: imports (checked apart), definitions, docstrings. */
const QUIET_STATEMENTS = new Set(['ClassDefinition', 'Comment', 'DecoratedStatement', 'FunctionDefinition', 'ImportStatement', 'PassStatement'])

const readings = new WeakMap<PreviewContext, ProjectCli>()

/** The project's cli.py as kedro imports it, read once per preview. */
export function projectCliOf(context: PreviewContext): ProjectCli {
  if (!readings.has(context)) readings.set(context, readProjectCli(context))
  return readings.get(context)!
}

/**
 * What cli.py leaves unsure about this command line: `command`, why its masking may differ (cli.py defines a command
 * of that name, or which it defines is not known); `event`, that, or why importing cli.py may stop kedro. Null: no doubt.
 */
export function projectCliDoubts(context: PreviewContext): {command: null | string; event: null | string} {
  const cli = projectCliOf(context)
  if (cli.kind !== 'loaded') return {command: null, event: null}
  const first = context.args[0] ?? ''
  if (cli.defines === null || cli.defines.has(first)) {
    const which = cli.defines === null ? 'commands it does not show plainly' : `a \`${first}\` command`
    const defined = `${cli.file} (which kedro imports as it starts) defines ${which}, replacing kedro's own: its options and what it does are not followed here`
    const why = cli.defines === null && cli.doubt ? `${defined} (${cli.doubt})` : defined
    return {command: why, event: why}
  }

  return {command: null, event: cli.doubt}
}

/** cli.py's text (or its package's `__init__.py`), where Python would find it; null when there is neither. */
function locateProjectCli({project: {pyproject, root}}: PreviewContext): null | {file: string; isPackage: boolean; read: ReturnType<typeof readTextSafeSync>} {
  if (!root || !pyproject?.packageName) return null
  const packageDir = path.join(root, pyproject.sourceDir ?? 'src', ...pyproject.packageName.split('.'))
  // Python's finder takes a package (cli/__init__.py) before a module of the same name.
  const packageFile = path.join(packageDir, 'cli', '__init__.py')
  const asPackage = readTextSafeSync(packageFile, {within: root})
  const isPackage = asPackage.ok || asPackage.kind !== 'missing'
  const file = isPackage ? packageFile : path.join(packageDir, 'cli.py')
  const read = isPackage ? asPackage : readTextSafeSync(file, {within: root})
  return !read.ok && read.kind === 'missing' ? null : {file: path.relative(root, file), isPackage, read}
}

function readProjectCli(context: PreviewContext): ProjectCli {
  const located = locateProjectCli(context)
  if (!located) return {kind: 'absent'}
  const {file, isPackage, read} = located
  if (!read.ok) return {defines: null, doubt: `${file}: ${read.reason}`, file, kind: 'loaded'}
  const statements = statementsOf(read.text, file, context)
  if (!Array.isArray(statements)) return statements
  const imports = importVerdict(statements, read.text, context)
  if (imports.kind === 'not-found') return {kind: 'absent'}
  if (imports.kind === 'raises') return {kind: 'refuses', reason: `importing ${file} raises ${imports.error}: kedro stops as it starts, before any hook runs`}
  const unbound = [...new Set(decoratorRoots(statements, read.text))].find((name) => !BUILTIN_NAMES.has(name) && moduleBinding(read.text, name) === 'unbound')
  if (unbound) return {kind: 'refuses', reason: `importing ${file} raises NameError (a decorator uses ${unbound}, which the module never binds): kedro stops as it starts, before any hook runs`}
  if (moduleBinding(read.text, 'cli') === 'unbound') {
    return {kind: 'refuses', reason: `${file} has no \`cli\`: kedro raises KedroCliError ("Cannot load commands from <package>.cli") as it starts, before any hook runs`}
  }

  const loud = statements.find((statement) => !isQuiet(statement, read.text))
  const doubts = [
    ...isPackage ? [`${file} is a package, whose submodules are not read`] : [],
    ...imports.doubt ? [imports.doubt] : [],
    ...loud ? [`its top-level code (line ${lineOf(read.text, loud.from)}) is not followed`] : [],
  ]
  return {
    defines: isPackage ? null : definedCommands(statements, read.text, lazyKedroGroups(statements, read.text, context)),
    doubt: doubts.length > 0 ? `kedro imports ${file} as it starts, and stops before any hook if that raises (anything but ModuleNotFoundError): ${doubts.join('; ')}` : null,
    file, kind: 'loaded',
  }
}

/** The module's top-level statements, or what kedro makes of a module that does not parse (or is not read here). */
function statementsOf(source: string, file: string, context: PreviewContext): ProjectCli | SyntaxNode[] {
  const {syntax, tree} = analysePython(source, pythonRelease(context.kedroPython.version ?? undefined))
  if (syntax.kind === 'error') {
    return {kind: 'refuses', reason: `${file} does not parse (line ${lineOf(source, syntax.offset)}): importing it raises SyntaxError, and kedro stops as it starts, before any hook runs`}
  }

  if (!tree || syntax.kind !== 'ok') return {defines: null, doubt: `${file}: ${'reason' in syntax ? syntax.reason : 'not read'}`, file, kind: 'loaded'}
  return childrenOf(tree.topNode)
}

type ImportVerdict = {doubt: null | string; kind: 'imports'} | {error: string; kind: 'raises'} | {kind: 'not-found'}

/**
 * What cli.py's module-level imports do where kedro runs: one that finds no module raises ModuleNotFoundError (kedro
 * then ignores cli.py); a name the installed module lacks, ImportError (kedro stops). Read from the installed files,
 * where the environment is known; the project's own modules are not followed.
 */
function importVerdict(statements: SyntaxNode[], source: string, context: PreviewContext): ImportVerdict {
  const folders = importFolders(context)
  const isProjectOwn = projectModuleTest(context)
  const unread = new Set<string>()
  const imported = statements.filter((statement) => statement.name === 'ImportStatement').flatMap((statement) => [...importsOf(statement, source).values()])
  // The standard library is taken to have what it is asked for.
  for (const {module, name} of imported.filter((entry) => !STDLIB_MODULES.has(entry.module.split('.')[0]))) {
    if (!folders || isProjectOwn(module)) {
      unread.add(module)
      continue
    }

    const verdict = installedIn(module.split('.')[0], folders) ? installedImport(module, name === '*' ? null : name, folders, context.project.root) : raises('ModuleNotFoundError')
    // An import not followed before it may have raised first: then which exception stops the module is not known.
    if (verdict?.kind === 'raises' && unread.size > 0) break
    if (verdict?.kind === 'raises') return verdict.error.startsWith('ModuleNotFoundError') ? {kind: 'not-found'} : {error: verdict.error, kind: 'raises'}
  }

  if (unread.size === 0) return {doubt: null, kind: 'imports'}
  const why = folders ? 'the project\'s own modules it imports are not followed' : 'no environment was read to tell whether its imports resolve'
  return {doubt: `${why} (${[...unread].sort().join(', ')})`, kind: 'imports'}
}

/**
 * Whether a module is the project's own: relative, its package, or one beside it in the source folder, which
 * bootstrap_project puts first on sys.path (src/utils.py).
 */
function projectModuleTest({project: {pyproject, root}}: PreviewContext): (module: string) => boolean {
  const own = pyproject?.packageName?.split('.')[0]
  const sourceFolder = [path.join(root ?? '', pyproject?.sourceDir ?? 'src')]
  return (module) => module.startsWith('.') || module.split('.')[0] === own || installedIn(module.split('.')[0], sourceFolder)
}

/**
 * The command names the module's decorators define: `@<group>.command(...)` / `.group(...)` and `@click.command`,
 * named by their first string argument or `name=`, else by the function's name as click derives it (lower case,
 * `_` as `-`; click 8.2 also drops a `_command`, `_cmd`, `_group` or `_grp` suffix: both are kept). The root
 * `cli` group is not a command. Null when one is named by something other than a string, or when `add_command`
 * adds commands the decorators do not show.
 */
function definedCommands(statements: SyntaxNode[], source: string, ignoredGroups: ReadonlySet<string>): null | Set<string> {
  if (/\badd_command\s*\(/.test(source)) return null
  const names = new Set<string>()
  for (const statement of statements) {
    if (statement.name !== 'DecoratedStatement') continue
    const parts = childrenOf(statement)
    const definition = parts.find((part) => part.name === 'FunctionDefinition' || part.name === 'ClassDefinition')
    const functionName = definition ? childrenOf(definition).find((part) => part.name === 'VariableName') : undefined
    for (const decorator of parts.filter((part) => part.name === 'Decorator')) {
      const callee = childrenOf(decorator).filter((part) => part.name === 'VariableName').map((part) => source.slice(part.from, part.to))
      if (!['command', 'group'].includes(callee.at(-1) ?? '') || ignoredGroups.has(callee[0])) continue
      const given = decoratorName(decorator, source)
      if (given === undefined) {
        // `@click.group(name=__file__) def cli()`: the group whose commands kedro merges, not a command of its own.
        if (functionName && source.slice(functionName.from, functionName.to) === 'cli') continue
        return null
      }

      if (given !== null) {
        names.add(given)
        continue
      }

      if (!functionName) return null
      const derived = source.slice(functionName.from, functionName.to).toLowerCase().replaceAll('_', '-')
      if (derived === 'cli') continue
      names.add(derived).add(derived.replace(/-(?:command|cmd|group|grp)$/, ''))
    }
  }

  return names
}

/**
 * The names cli.py imports from Kedro (`project_group`), when the release no longer reads its own groups: from 0.19.7
 * kedro loads its commands lazily from their modules (kedro/framework/cli/cli.py, project_commands), so a command a
 * project adds to one of Kedro's groups is not seen. Empty for earlier releases, where it replaces Kedro's own.
 */
function lazyKedroGroups(statements: SyntaxNode[], source: string, context: PreviewContext): ReadonlySet<string> {
  if (compareVersions(context.kedroRelease.version, '0.19.7') < 0) return new Set()
  const imports = statements.filter((statement) => statement.name === 'ImportStatement').flatMap((statement) => [...importsOf(statement, source)])
  return new Set(imports.filter(([, {module}]) => module === 'kedro' || module.startsWith('kedro.')).map(([local]) => local))
}

/** The first name of each top-level decorator (`cli` of `@cli.command()`): Python looks each up as the module runs. */
function decoratorRoots(statements: SyntaxNode[], source: string): string[] {
  return statements.filter((statement) => statement.name === 'DecoratedStatement')
    .flatMap((statement) => childrenOf(statement).filter((part) => part.name === 'Decorator'))
    .flatMap((decorator) => childrenOf(decorator).filter((part) => part.name === 'VariableName').slice(0, 1))
    .map((name) => source.slice(name.from, name.to))
}

/** A decorator's command name: its first positional string or `name=` string; null when it gives none; undefined when it is not a literal. */
function decoratorName(decorator: SyntaxNode, source: string): null | string | undefined {
  const argList = childrenOf(decorator).find((part) => part.name === 'ArgList')
  if (!argList) return null
  const args = childrenOf(argList).filter((part) => !['(', ')', ','].includes(part.name))
  const text = (node: SyntaxNode | undefined) => (node ? source.slice(node.from, node.to) : '')
  const nameAt = args.findIndex((part, index) => part.name === 'VariableName' && text(part) === 'name' && args[index + 1]?.name === 'AssignOp')
  const literal = nameAt === -1 ? (args[0]?.name === 'String' && args[1]?.name !== 'AssignOp' ? args[0] : null) : args[nameAt + 2]
  if (nameAt === -1 && !literal) return args[0] && args[1]?.name !== 'AssignOp' ? undefined : null
  return literal?.name === 'String' ? (stringValue(text(literal)) ?? undefined) : undefined
}

/** Node kinds an assigned value may hold and still not raise: literals, and names bound before. */
const LITERAL_PARTS = new Set(['(', ')', ',', '[', ']', 'ArithOp', 'BinaryExpression', 'ContinuedString', 'FormatString', 'Number', 'ParenthesizedExpression', 'String', 'TupleExpression', 'ArrayExpression'])

/**
 * What runs at import without any chance to raise here: imports (checked apart), definitions, a docstring, a constant
 * made of literals, and `logger = logging.getLogger(__name__)`, in every project template of the era.
 */
function isQuiet(statement: SyntaxNode, source: string): boolean {
  if (QUIET_STATEMENTS.has(statement.name)) return true
  const parts = childrenOf(statement)
  if (statement.name === 'ExpressionStatement') return parts.length === 1 && parts[0].name === 'String'
  if (statement.name !== 'AssignStatement') return false
  if (/^\w+\s*=\s*logging\.getLogger\(\s*(?:__name__)?\s*\)$/.test(source.slice(statement.from, statement.to).trim())) return true
  const value = parts.slice(parts.findLastIndex((part) => part.name === 'AssignOp') + 1)
  const literal = (node: SyntaxNode): boolean => LITERAL_PARTS.has(node.name) && childrenOf(node).every((child) => literal(child))
  return value.length > 0 && value.every((node) => literal(node))
}

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length
}
