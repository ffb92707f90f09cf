/**
 * Whether Python code would import in an environment read from disk: which top-level modules a file needs at import
 * time, and whether each is installed in the environment's folders. Nothing is run.
 */
import path from 'node:path'

import {boundaryFor, entryKindSync, listDirectorySync, readTextSafeSync} from '../checkout/files.js'
import {moduleBinding} from '../python/bindings.js'
import {STDLIB_MODULES} from '../python/stdlib.js'
import {analysePython, childrenOf, importsOf} from '../python/evaluator.js'
import {raises} from '../python/values.js'
import type {PyValue} from '../python/evaluator.js'

/**
 * Kedro itself and what it depends on (its pyproject's dependencies, from 0.18 to 1.5): installed wherever kedro runs,
 * so importing them never depends on the environment.
 */
export const KEDRO_DEPENDENCIES: ReadonlySet<string> = new Set([
  'attr', 'attrs', 'build', 'cachetools', 'click', 'cookiecutter', 'dynaconf', 'fsspec', 'git', 'importlib_metadata', 'importlib_resources',
  'kedro', 'kedro_telemetry', 'more_itertools', 'omegaconf', 'parse', 'pluggy', 'pytoolconfig', 'rich', 'rope', 'toml', 'tomli', 'typing_extensions', 'yaml',
])

/** Whether Python finds the top-level module `top` in one of `folders`: a package, a module, or a compiled extension. */
export function installedIn(top: string, folders: string[]): boolean {
  return folders.some((folder) => ['', '.py'].some((suffix) => entryKindSync(path.join(folder, `${top}${suffix}`), null) !== 'missing') || (() => {
    const listing = listDirectorySync(folder, null)
    return listing.ok && listing.entries.some((entry) => entry.name.startsWith(`${top}.`) && /\.(?:so|pyd)$/.test(entry.name))
  })())
}

/**
 * The top-level modules a Python file imports when it is imported: its module-level `import` and `from` statements
 * (not those in a function, a try or an if, which may be guarded), relative imports left out.
 */
export function moduleLevelImports(source: string): string[] {
  const {tree} = analysePython(source)
  if (!tree) return []
  const roots = new Set<string>()
  for (const statement of childrenOf(tree.topNode)) {
    if (statement.name !== 'ImportStatement') continue
    for (const {module} of importsOf(statement, source).values()) if (!module.startsWith('.')) roots.add(module.split('.')[0])
  }

  return [...roots]
}

/** What a file needs at import time beyond the standard library, Kedro and what `provided` names. */
export function thirdPartyImports(source: string, provided: ReadonlySet<string> = new Set()): string[] {
  return moduleLevelImports(source).filter((top) => !STDLIB_MODULES.has(top) && !KEDRO_DEPENDENCIES.has(top) && !provided.has(top))
}

/** The first module a file needs that is neither the standard library, Kedro's nor in `folders`; null when none. */
export function missingImport(source: string, folders: string[], provided: ReadonlySet<string> = new Set()): null | string {
  return thirdPartyImports(source, provided).find((top) => !installedIn(top, folders)) ?? null
}

export {importFoldersOf} from '../project/environment.js'

/** What is at `base` (a module path's folder and name without extension): a package, a source module, compiled code. */
function moduleAt(base: string, within: null | string): 'compiled' | 'missing' | 'namespace' | {source: string} | 'unreadable' {
  const init = path.join(base, '__init__.py')
  if (entryKindSync(init, within) === 'file') {
    const read = readTextSafeSync(init, {within})
    return read.ok ? {source: read.text} : 'unreadable'
  }

  if (entryKindSync(`${base}.py`, within) === 'file') {
    const read = readTextSafeSync(`${base}.py`, {within})
    return read.ok ? {source: read.text} : 'unreadable'
  }

  if (entryKindSync(base, within) === 'directory') return 'namespace'
  // A module inside a module file (metrics.py has no metrics/r2_score): nothing is there.
  if (entryKindSync(path.dirname(base), within) === 'missing') return 'missing'
  const listing = listDirectorySync(path.dirname(base), within)
  const stem = path.basename(base)
  if (!listing.ok) return 'unreadable'
  return listing.entries.some((entry) => entry.name.startsWith(`${stem}.`) && /\.(?:so|pyd|pyc)$/.test(entry.name)) ? 'compiled' : 'missing'
}

/**
 * `import a.b.c` or `from a.b import c` of an installed package, read from its files: a submodule its regular
 * package does not have raises ModuleNotFoundError, and a name the module certainly does not bind (nor is a submodule
 * of it) ImportError. Null where it imports, or where its files cannot tell (compiled code, names bound at run time).
 */
export function installedImport(module: string, name: null | string, folders: string[], projectRoot: null | string): null | PyValue {
  // One reading's folders (the same array throughout it) read each installed module once, however many import it.
  const cache = installedImports.get(folders) ?? new Map<string, null | PyValue>()
  installedImports.set(folders, cache)
  const key = `${module}\0${name ?? ''}`
  if (!cache.has(key)) cache.set(key, readInstalledImport(module, name, folders, projectRoot))
  return cache.get(key)!
}

const installedImports = new WeakMap<string[], Map<string, null | PyValue>>()

function readInstalledImport(module: string, name: null | string, folders: string[], projectRoot: null | string): null | PyValue {
  const parts = module.split('.')
  const folder = folders.find((candidate) => installedIn(parts[0], [candidate]))
  if (!folder) return null
  const within = boundaryFor(folder, projectRoot)
  let found = moduleAt(path.join(folder, parts[0]), within)
  for (let depth = 1; depth < parts.length; depth++) {
    // Only a package whose own code adds no modules at run time can be said to lack one.
    const parent = found
    found = moduleAt(path.join(folder, ...parts.slice(0, depth + 1)), within)
    if (found !== 'missing') continue
    if (typeof parent !== 'object' || moduleBinding(parent.source, parts[depth]) !== 'unbound') return null
    return raises(`ModuleNotFoundError: No module named '${parts.slice(0, depth + 1).join('.')}'`)
  }

  if (name === null || name === '*' || typeof found !== 'object') return null
  if (moduleBinding(found.source, name) !== 'unbound') return null
  // `from a.b import c` falls back to the submodule a.b.c.
  if (moduleAt(path.join(folder, ...parts, name), within) !== 'missing') return null
  return raises(`ImportError: cannot import name '${name}' from '${module}'`)
}

/** The absolute module a relative import names (`from ..x import y` in `current`, a package or a module). */
export function resolveRelativeImport(current: string, relative: string, isPackage: boolean): string {
  const dots = /^\.+/.exec(relative)![0].length
  const base = current.split('.')
  const parent = base.slice(0, base.length - (isPackage ? dots - 1 : dots))
  const rest = relative.slice(dots)
  return rest ? [...parent, rest].join('.') : parent.join('.')
}
