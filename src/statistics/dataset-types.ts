/**
 * The class name kedro-telemetry reports per dataset (`dataset_type_count.<module>.<qualname>`): a short `type` is
 * tried as `kedro.io.<type>`, then `kedro_datasets.<type>`, then as written. The module of a kedro-datasets class is
 * read from the installed kedro-datasets (each subpackage's __init__.py maps class names to modules); without it, from
 * every kedro-datasets release's own layout (src/releases/kedro-datasets.ts).
 */
import path from 'node:path'

import {boundaryFor, listDirectorySync, readTextSafeSync} from '../checkout/files.js'
import {KEDRO_DATASETS_CLASSES, KEDRO_DATASETS_RELEASES} from '../releases/kedro-datasets.js'
import {analysePython, childrenOf, evaluate, EvaluationGuard} from '../python/evaluator.js'

/** kedro.io's own datasets (Kedro 1.x). */
const KEDRO_IO: Record<string, string> = {
  CachedDataset: 'kedro.io.cached_dataset.CachedDataset',
  LambdaDataset: 'kedro.io.lambda_dataset.LambdaDataset',
  MemoryDataset: 'kedro.io.memory_dataset.MemoryDataset',
  SharedMemoryDataset: 'kedro.io.shared_memory_dataset.SharedMemoryDataset',
}

/** Where kedro-datasets departs from its naming convention. */
const MODULE_EXCEPTIONS: Record<string, string> = {
  'pandas.DeltaTableDataset': 'deltatable_dataset',
  'pandas.GBQQueryDataset': 'gbq_dataset',
  'pandas.GBQTableDataset': 'gbq_dataset',
  'pandas.SQLQueryDataset': 'sql_dataset',
  'pandas.SQLTableDataset': 'sql_dataset',
  'spark.DeltaTableDataset': 'deltatable_dataset',
}

export const DATASET_PACKAGES = ['kedro_datasets', 'kedro_datasets_experimental'] as const

/** subpackage -> class -> module, per installed package. */
export type ModuleMap = Map<string, Map<string, string>>

function snakeCase(name: string): string {
  return name.replaceAll(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replaceAll(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase()
}

/** Reads `lazy_loader.attach(..., submod_attrs={...})` and `from .module import Class` in each subpackage. */
export async function readModuleMap(packageDirectory: string, projectRoot: null | string = null): Promise<ModuleMap> {
  const map: ModuleMap = new Map()
  // An environment inside the project (.venv) is checkout data like the rest of it.
  const within = boundaryFor(packageDirectory, projectRoot)
  const listing = listDirectorySync(packageDirectory, within)
  for (const entry of (listing.ok ? listing.entries : []).filter((item) => item.kind === 'directory' && !item.name.startsWith('_'))) {
    const read = readTextSafeSync(path.join(packageDirectory, entry.name, '__init__.py'), {within})
    if (!read.ok) continue
    const source = read.text
    const classes = new Map<string, string>()
    const {tree} = analysePython(source)
    // A module this tool cannot parse maps no classes: their modules are then estimated by the naming convention.
    if (!tree) continue
    tree.iterate({
      enter(node) {
        if (node.name === 'ImportStatement') {
          const text = source.slice(node.from, node.to).replaceAll(/[()\n\\]/g, ' ')
          const match = /^from\s+\.(\w+)\s+import\s+(.+)$/.exec(text)
          if (match) for (const name of match[2].split(',')) classes.set(name.trim().split(/\s+as\s+/).at(-1)!, match[1])
        }

        if (node.name === 'ArgList') {
          const parts = childrenOf(node.node)
          const index = parts.findIndex((part) => part.name === 'VariableName' && source.slice(part.from, part.to) === 'submod_attrs')
          const value = index === -1 ? null : evaluate(parts[index + 2], {guard: new EvaluationGuard(), scope: new Map(), source})
          if (value?.kind === 'dict') {
            for (const [module, names] of value.entries) {
              if (module.kind !== 'str' || names.kind !== 'list') continue
              for (const name of names.items) if (name.kind === 'str') classes.set(name.value, module.value)
            }
          }
        }
      },
    })
    if (classes.size > 0) map.set(entry.name, classes)
  }

  return map
}

interface ResolvedType {
  /** The installed kedro-datasets certainly lacks the class: importing it (get_type()) raises DatasetError. */
  absent?: boolean
  /** No installed kedro-datasets was read, and no release of it up to the newest read has the class: why. */
  inNoRelease?: string
  /** Why Kedro finds no class for the type at all (a bare name its kedro.io lacks): DatasetError. */
  notFound?: string
  /** A kedro-datasets class, and no kedro-datasets is installed where this tool looked: whether it imports is not known. */
  notInstalled?: boolean
  /** The module path kedro-telemetry would report, or null when it cannot be known (a missing type). */
  className: null | string
  /** Why the module path is a guess, or null when it is known. */
  estimated: null | string
}

/** A `subpackage.Class` type of kedro-datasets (or its experimental twin) not installed here: every release's own layout. */
function fromReleases(packageName: string, type: string, relative: string): ResolvedType {
  const [subpackage, className] = relative.split('.')
  if (packageName !== 'kedro_datasets') {
    const guessed = MODULE_EXCEPTIONS[relative] ?? snakeCase(className)
    return {
      className: `${packageName}.${subpackage}.${guessed}.${className}`,
      estimated: `${packageName} is not installed, so the module of ${type} follows its naming convention`, notInstalled: true,
    }
  }

  const known = KEDRO_DATASETS_CLASSES[relative]
  const releases = `kedro-datasets ${KEDRO_DATASETS_RELEASES[0]} to ${KEDRO_DATASETS_RELEASES.at(-1)}`
  if (!known) return {className: null, estimated: `${type} is in no release of ${releases}`, inNoRelease: `${type} is in no release of ${releases} (a newer one might have it)`}
  const placed = Object.keys(known)
  if (placed.length === 1) return {className: `${packageName}.${subpackage}.${placed[0]}.${className}`, estimated: null, notInstalled: true}
  return {
    className: `${packageName}.${subpackage}.${placed.at(-1)}.${className}`, notInstalled: true,
    estimated: `${type} moved between kedro-datasets releases (${placed.map((module) => `${module} in ${known[module].join(' to ')}`).join(', ')}), and which one is installed is not known`,
  }
}

/** A `subpackage.Class` type of one dataset package: from its installed module map, else from its releases. */
function fromPackage(packageName: string, type: string, relative: string, installed: Map<string, ModuleMap>): ResolvedType {
  const [subpackage, className] = relative.split('.')
  const modules = installed.get(packageName)
  const module = modules?.get(subpackage)?.get(className)
  if (module) return {className: `${packageName}.${subpackage}.${module}.${className}`, estimated: null}
  // Installed, with the subpackage but without this class: importing it raises DatasetError. Without the subpackage,
  // Kedro goes on to the type as a module path of its own (parse_dataset_definition's last prefix, "").
  if (modules?.has(subpackage) && packageName === 'kedro_datasets') return {absent: true, className: null, estimated: `${type} is not in the installed kedro-datasets`}
  if (modules && packageName === 'kedro_datasets' && type === relative) return {className: type, estimated: null}
  if (modules && packageName === 'kedro_datasets') return {absent: true, className: null, estimated: `${type} is not in the installed kedro-datasets`}
  return fromReleases(packageName, type, relative)
}

/**
 * A type without a dot: Kedro tries kedro.io.<name>, then kedro_datasets.<name> (no class there), then the name as a
 * module path. Null when it is none of kedro.io's and the release's kedro.io names are not known.
 */
function bareName(type: string, kedroIo: null | string[]): null | ResolvedType {
  if (kedroIo && !kedroIo.includes(type)) return {className: null, estimated: null, notFound: `the release's kedro.io has no ${type}, and a name without a dot is no module path`}
  return KEDRO_IO[type] ? {className: KEDRO_IO[type], estimated: null} : null
}

/** The fully qualified class name for a catalog `type`, given the installed dataset packages' module maps. */
export function resolveDatasetType(type: null | string, installed: Map<string, ModuleMap>, kedroIo: null | string[] = null): ResolvedType {
  if (!type) return {className: null, estimated: 'a dataset without a plain `type`'}
  const bare = type.includes('.') ? null : bareName(type, kedroIo)
  if (bare) return bare
  for (const packageName of DATASET_PACKAGES) {
    const relative = type.startsWith(`${packageName}.`) ? type.slice(packageName.length + 1) : (packageName === 'kedro_datasets' ? type : null)
    if (relative?.split('.').length === 2) return fromPackage(packageName, type, relative, installed)
  }

  const name = type.startsWith('kedro.io.') ? type.slice('kedro.io.'.length) : null
  if (name && KEDRO_IO[name]) return {className: KEDRO_IO[name], estimated: null}
  // Anything else is reported as "custom" by kedro-telemetry, whatever its module.
  return {className: type, estimated: null}
}

/** The dataset_type_count key for a class: the class path, or "custom" outside Kedro's own packages. */
export function typeCountKey(className: string): string {
  return ['kedro_datasets.', 'kedro.io.', 'kedro_datasets_experimental.'].some((prefix) => className.startsWith(prefix)) ? className : 'custom'
}
