/**
 * Other installed Kedro plugins, read from the environment (their entry points) or, where none is read, from the
 * project's requirements: hooks that may change the statistics, and commands kedro merges over its own.
 */
import {type HookPlugin, normaliseDistributionName, readHookPlugins} from '../project/environment.js'
import {requiredDistributions} from '../project/requirements.js'
import {readSettings} from '../statistics/settings.js'
import {importFolders, type PreviewContext} from './context.js'

/** What settings.py's DISABLE_HOOKS_FOR_PLUGINS names, read once per preview; null when it cannot be followed. */
const disabledHooks = new WeakMap<PreviewContext, null | string[]>()

export function disabledHookPlugins(context: PreviewContext): null | string[] {
  if (disabledHooks.has(context)) return disabledHooks.get(context)!
  const {pyproject, root} = context.project
  const disabled = root && pyproject?.packageName ? readSettings(root, pyproject.sourceDir ?? 'src', pyproject.packageName).disabledHookPlugins : []
  disabledHooks.set(context, disabled)
  return disabled
}

/**
 * Kedro distributions whose project hooks cannot change what kedro-telemetry sends: kedro-telemetry itself, kedro-viz
 * (its DatasetStatsHook.after_catalog_created only keeps the catalog: kedro-viz,
 * package/kedro_viz/integrations/kedro/hooks.py), and those that register none (kedro, kedro-datasets, and
 * kedro-airflow and kedro-docker, which add commands only: their pyproject.toml in kedro-org/kedro-plugins).
 */
const HOOKS_WITHOUT_EFFECT = new Set(['kedro', 'kedro-airflow', 'kedro-datasets', 'kedro-docker', 'kedro-telemetry', 'kedro-viz'])

const PLUGIN_HOOK_EFFECT = 'their code is not followed here: plugin hooks run before kedro-telemetry\'s statistics hook ' +
  '(after_context_created always, after_catalog_created in the order pluggy registered them), so if one raises, only ' +
  '"CLI command" is sent, and if one changes the catalog, the counts differ'

/**
 * The installed distributions that register entry points in `groups`, other than `known` (and those settings.py
 * disables, for hooks), read from the environment; empty when none was read. A venv that also imports the base
 * interpreter's packages: its own are read, and the requirements stand for the rest.
 */
function installedPlugins(context: PreviewContext, groups: readonly string[], known: ReadonlySet<string>): HookPlugin[] {
  const disabled = groups.includes('kedro.hooks') ? disabledHookPlugins(context) ?? [] : []
  return entryPointPlugins(context, groups).filter((plugin) => !known.has(normaliseDistributionName(plugin.name)) && !disabled.includes(plugin.name))
}

/** Each preview reads the environment's entry points once per set of groups (its command line and its statistics both ask). */
const entryPointReadings = new WeakMap<PreviewContext, Map<string, HookPlugin[]>>()

function entryPointPlugins(context: PreviewContext, groups: readonly string[]): HookPlugin[] {
  const readings = entryPointReadings.get(context) ?? new Map<string, HookPlugin[]>()
  entryPointReadings.set(context, readings)
  const key = groups.join(' ')
  if (!readings.has(key)) {
    const {root, versions} = context.project
    const folders = importFolders(context) ?? (versions.environment?.systemSitePackages ? versions.environment.sitePackages : undefined)
    readings.set(key, folders ? readHookPlugins(folders, root, groups) : [])
  }

  return readings.get(key)!
}

/** What the project's requirements ask for that may be a Kedro plugin, `known` and `named` aside: each with where it is asked. */
function requiredPlugins(context: PreviewContext, known: ReadonlySet<string>, named: HookPlugin[]): [string, string][] {
  const {pyproject, root} = context.project
  if (!root) return []
  const disabled = disabledHookPlugins(context) ?? []
  const seen = new Set(named.map((plugin) => normaliseDistributionName(plugin.name)))
  return [...requiredDistributions(root, pyproject?.dependencies ?? [])]
    .filter(([name]) => name.startsWith('kedro-') && !known.has(name) && !seen.has(name) && !disabled.some((entry) => normaliseDistributionName(entry) === name))
}

/**
 * Why other plugins' Kedro hooks may change the statistics (kedro/framework/session/session.py registers every
 * `kedro.hooks` entry point not named in DISABLE_HOOKS_FOR_PLUGINS). Read from the environment when there is one,
 * else from the project's requirements (a `kedro-*` plugin it asks for may register hooks); empty when none.
 */
export function pluginHookDoubts(context: PreviewContext): string[] {
  const found = installedPlugins(context, ['kedro.hooks'], HOOKS_WITHOUT_EFFECT)
  const doubts = found.map((plugin) => `${plugin.name}${plugin.version ? ` ${plugin.version}` : ''} registers Kedro hooks (${plugin.entryPoints.join('; ')}): ${PLUGIN_HOOK_EFFECT}`)
  if (importFolders(context) || !context.project.root) return doubts
  return [...doubts, ...requiredPlugins(context, HOOKS_WITHOUT_EFFECT, found)
    .map(([name, origin]) => `${origin} asks for ${name}, which may register Kedro hooks (no environment was read to tell): ${PLUGIN_HOOK_EFFECT}`)]
}

/** Distributions whose commands are known here (kedro's own, and the plugins whose structures are stored), or that add none. */
const COMMANDS_KNOWN = new Set(['kedro', 'kedro-airflow', 'kedro-datasets', 'kedro-docker', 'kedro-telemetry', 'kedro-viz'])

/**
 * Why the command line's first word may be another plugin's command (`kedro.project_commands` or
 * `kedro.global_commands` entry points, which kedro merges over its own): its masking and what it does are then not
 * known. Only a word kedro does not know, or one an entry point is named after, is in doubt; null when none is.
 */
export function pluginCommandDoubt(context: PreviewContext): null | string {
  const first = context.args[0]
  if (!first || first.startsWith('-')) return null
  const known = Object.hasOwn(context.structure.commands, first)
  const found = installedPlugins(context, ['kedro.project_commands', 'kedro.global_commands'], COMMANDS_KNOWN)
  const relevant = found.filter((plugin) => !known || plugin.entryPoints.some((entry) => entry.split('=')[0].trim() === first))
  const why = `: \`${first}\` may be one of them, whose options kedro-telemetry masks with and whose code runs instead`
  if (relevant.length > 0) {
    return `${relevant.map((plugin) => `${plugin.name}${plugin.version ? ` ${plugin.version}` : ''} adds kedro commands (${plugin.entryPoints.join('; ')})`).join('; ')}, not read here${why}`
  }

  if (known || importFolders(context)) return null
  const asked = requiredPlugins(context, COMMANDS_KNOWN, found)
  return asked.length > 0 ? `${asked.map(([name, origin]) => `${origin} asks for ${name}`).join('; ')}, which may add kedro commands (no environment was read to tell)${why}` : null
}
