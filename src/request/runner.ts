/**
 * `kedro run --runner X` loads its runner class before the session starts (kedro/framework/cli/project.py:
 * `load_obj(runner or "SequentialRunner", "kedro.runner")`; kedro/utils.py, the same from 0.18 to 1.5): a bare name
 * is taken from kedro.runner; a dotted path imports the module before the last dot and takes the name after it. What
 * that raises stops kedro before the catalog, so only "CLI command" is sent.
 */
import {STDLIB_MODULES} from '../python/stdlib.js'
import {installedIn, KEDRO_DEPENDENCIES} from '../statistics/importable.js'
import {kedroHasModule} from '../statistics/pipeline-api.js'
import {ProjectEvaluator, projectLayout} from '../statistics/pipelines.js'
import {importFolders, type PreviewContext} from './context.js'

/** The runner classes kedro.runner holds, in every release. */
const KEDRO_RUNNERS = new Set(['ParallelRunner', 'SequentialRunner', 'ThreadRunner'])

/**
 * What else kedro.runner holds (its `__all__` from 0.18.0 to 1.5.0, and its submodules): loading one works, but
 * kedro run then calls it with `is_async=` alone, before the session runs, and none of them takes that: an abstract
 * class, a Task or run_node missing their other arguments, a module (seen with the real 0.19.5 to 1.5.0).
 */
const KEDRO_RUNNER_OTHERS = new Set(['AbstractRunner', 'Task', 'parallel_runner', 'run_node', 'runner', 'sequential_runner', 'task', 'thread_runner'])

export type RunnerLoad =
  | {kind: 'loads'}
  /** Python's exception as load_obj raises it. */
  | {error: string; kind: 'raises'}
  /** Why whether it loads is not known here. */
  | {kind: 'unsure'; reason: string}

const LOADS: RunnerLoad = {kind: 'loads'}
const raises = (error: string): RunnerLoad => ({error, kind: 'raises'})
const unsure = (reason: string): RunnerLoad => ({kind: 'unsure', reason})

/** A runner in the project's own package: imported as Python would, and the name looked up in the module. */
function projectRunner(module: string, name: string, context: PreviewContext): RunnerLoad {
  const {pyproject, root} = context.project
  const layout = projectLayout(root!, pyproject!.sourceDir ?? 'src', pyproject!.packageName!)
  const evaluator = new ProjectEvaluator(layout, context.kedroRelease, null, context.kedroPython.version, importFolders(context) ?? null)
  const record = evaluator.importModule(module)
  if (record.failure) return raises(record.failure)
  if (record.scope.has(name)) return LOADS
  return record.complete ? raises(`AttributeError: module '${module}' has no attribute '${name}'`) : unsure(`${module} is not followed completely here, so whether it defines ${name} is not known`)
}

/** A name taken from kedro.runner: a runner class loads; its other names load but fail as kedro run calls them. */
function kedroRunner(name: string): RunnerLoad {
  if (KEDRO_RUNNERS.has(name)) return LOADS
  return KEDRO_RUNNER_OTHERS.has(name)
    ? raises(`TypeError: kedro.runner.${name} is no runner class: kedro run calls it with is_async= alone, which raises (or, where the release lacks it, loading it raises AttributeError)`)
    : raises(`AttributeError: module 'kedro.runner' has no attribute '${name}'`)
}

/** What loading `--runner X` does, read from the release's modules, the project and the environment. */
export function loadRunner(runner: string, context: PreviewContext): RunnerLoad {
  const dot = runner.lastIndexOf('.')
  const [module, name] = dot === -1 ? ['kedro.runner', runner] : [runner.slice(0, dot), runner.slice(dot + 1)]
  if (module === 'kedro.runner') return kedroRunner(name)
  // importlib.import_module with no package: an empty name, or a relative one, raises before any import.
  if (module === '') return raises('ValueError: Empty module name')
  if (module.startsWith('.')) return raises(`TypeError: the 'package' argument is required to perform a relative import for '${module}'`)
  const top = module.split('.')[0]
  if (top === 'kedro') {
    return kedroHasModule(context.kedroRelease.version, module) === false
      ? raises(`ModuleNotFoundError: No module named '${module}'`)
      : unsure(`whether ${module} has ${name} is not read here`)
  }

  const packageName = context.project.pyproject?.packageName
  if (context.project.root && packageName && top === packageName.split('.')[0]) return projectRunner(module, name, context)
  if (KEDRO_DEPENDENCIES.has(top) || STDLIB_MODULES.has(top)) return unsure(`whether ${module} has ${name} is not read here`)
  const folders = importFolders(context)
  if (!folders) return unsure(`whether ${top} is installed is not known: no environment kedro runs in was read`)
  if (!installedIn(top, folders)) return raises(`ModuleNotFoundError: No module named '${top}'`)
  return unsure(`${runner} would come from an installed package, which is not read here`)
}
