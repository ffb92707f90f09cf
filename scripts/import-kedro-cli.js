// Regenerates src/masking/structures.ts from the data files of src/releases/kedro-cli/: one per Kedro release
// (<version>.json, written by scripts/dump-kedro-cli.py from that release's own source) and one per plugin release
// (plugins/<distribution>-<version>.json, by scripts/dump-kedro-plugin-cli.py). Commands
// that several releases share are stored once. Run by hand after adding a release's data file; the output is
// committed, so the build never needs the data files. Usage: node scripts/import-kedro-cli.js
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = path.join(root, 'src', 'releases', 'kedro-cli')
const read = (name) => JSON.parse(readFileSync(path.join(source, name), 'utf8'))
const compare = (a, b) => a.localeCompare(b, 'en', {numeric: true})
const versions = readdirSync(source).map((name) => /^(\d+\.\d+\.\d+)\.json$/.exec(name)?.[1]).filter(Boolean).sort(compare)

// Each distinct command once: its parameters as the runtime needs them, its sub-commands by index.
const table = []
const index = new Map()
/** click's name for a parameter declared without one: its first long option (else its first), as a Python name. */
const derivedName = (param) => (param.opts.find((opt) => opt.startsWith('--')) ?? param.opts[0]).replace(/^-+/, '').replaceAll('-', '_').toLowerCase()
function intern(command) {
  const entry = {
    params: command.params.map((param) => ({
      ...(param.kind === 'Argument' ? {argument: true} : {}),
      ...(param.callback ? {callback: param.callback.name} : {}),
      ...(param.choices ? {choices: param.choices} : {}),
      ...(param.flag ? {flag: true} : {}),
      ...(param.multiple ? {multiple: true} : {}),
      ...(param.nargs === undefined ? {} : {nargs: param.nargs}),
      // The name kedro's --config file uses for the option, where click does not derive it from the options.
      ...(param.kind !== 'Argument' && param.name !== derivedName(param) ? {name: param.name} : {}),
      opts: param.opts,
      ...(param.path ? {path: param.path} : {}),
      ...(param.required ? {required: true} : {}),
      ...(param.secondaryOpts ? {secondaryOpts: param.secondaryOpts} : {}),
      type: param.type,
    })),
    ...(command.extraArgs ? {extraArgs: true} : {}),
    ...(command.commands ? {commands: Object.fromEntries(Object.entries(command.commands).map(([name, sub]) => [name, intern(sub)]))} : {}),
  }
  const key = JSON.stringify(entry)
  if (!index.has(key)) {
    index.set(key, table.length)
    table.push(entry)
  }

  return index.get(key)
}

const releases = Object.fromEntries(versions.map((version) => [
  version, Object.fromEntries(Object.entries(read(`${version}.json`).commands).map(([name, command]) => [name, intern(command)])),
]))
// Each plugin release's command groups (plugins/<distribution>-<version>.json), each distinct group stored once.
const pluginGroups = []
const pluginIndex = new Map()
const pluginReleases = {}
for (const name of readdirSync(path.join(source, 'plugins')).filter((file) => file.endsWith('.json')).sort(compare)) {
  const data = JSON.parse(readFileSync(path.join(source, 'plugins', name), 'utf8'))
  // Every plugin release adds at least one command: an empty dump is a failed read, not the release's structure.
  if (Object.keys(data.commands).length === 0) throw new Error(`${name} has no commands: dump it again`)
  pluginReleases[data.distribution] ??= {}
  pluginReleases[data.distribution][data.version] = Object.fromEntries(Object.entries(data.commands).map(([group, structure]) => {
    const key = JSON.stringify(structure)
    if (!pluginIndex.has(key)) {
      pluginIndex.set(key, pluginGroups.length)
      pluginGroups.push(structure)
    }

    return [group, pluginIndex.get(key)]
  }))
}

// What \`from M import X\` accepts for the Kedro modules settings.py imports from (dunder names left out), each
// distinct list stored once.
const moduleNames = []
const moduleNamesIndex = new Map()
const settingsImports = Object.fromEntries(versions.map((version) => [version, Object.fromEntries(
  Object.entries(read(`${version}.json`).settingsImports).map(([module, names]) => {
    if (names === null) return [module, null]
    const key = JSON.stringify(names.filter((name) => !name.startsWith('__')))
    if (!moduleNamesIndex.has(key)) {
      moduleNamesIndex.set(key, moduleNames.length)
      moduleNames.push(JSON.parse(key))
    }

    return [module, moduleNamesIndex.get(key)]
  }),
)]))
// Every release's kedro modules: each name once, each release as the indices of its own.
const allModules = [...new Set(versions.flatMap((version) => read(`${version}.json`).modules))].sort()
const releaseModules = Object.fromEntries(versions.map((version) => [version, read(`${version}.json`).modules.map((name) => allModules.indexOf(name))]))
// The pipeline API (node, Node, pipeline, Pipeline, find_pipelines and the names kedro.pipeline exports), each
// distinct one stored once.
const apis = []
const apiIndex = new Map()
const pipelineApis = Object.fromEntries(versions.map((version) => {
  const key = JSON.stringify(read(`${version}.json`).pipelineApi)
  if (!apiIndex.has(key)) {
    apiIndex.set(key, apis.length)
    apis.push(JSON.parse(key))
  }

  return [version, apiIndex.get(key)]
}))

// The [tool.kedro] keys each release accepts: ProjectMetadata's fields and the keys it drops.
const projectKeys = Object.fromEntries(versions.map((version) => {
  const {dropped, fields} = read(`${version}.json`).projectMetadata
  return [version, [...fields, ...dropped]]
}))

const target = path.join(root, 'src', 'masking', 'structures.ts')
writeFileSync(target, `/* eslint-disable */
// Generated by scripts/import-kedro-cli.js from src/releases/kedro-cli/ (each Kedro release's command-line interface,
// dumped from its own source by scripts/dump-kedro-cli.py). Do not edit by hand.

/** What kedro-telemetry's masking walks: each command maps to its sub-commands, or to its parameters' opts (never
 * secondary opts like --no-browser) and argument names, which map to null. */
export type CliStructure = {[name: string]: CliStructure | null}

/** One parameter of a click command, as the release declares it. */
export interface CliParam {
  argument?: true
  /** The click callback's name, e.g. _split_params (what it does: src/request/click-parse.ts). */
  callback?: string
  choices?: string[]
  flag?: true
  multiple?: true
  /** The parameter's name where click does not derive it from the options (--node's node_names). */
  name?: string
  nargs?: number
  opts: string[]
  path?: {dirOkay: boolean; exists: boolean; fileOkay: boolean}
  required?: true
  secondaryOpts?: string[]
  type: string
}

export interface CliCommandData {
  /** Sub-commands of a group, by index into KEDRO_COMMANDS. */
  commands?: Record<string, number>
  /** The command accepts extra arguments (click's allow_extra_args or ignore_unknown_options). */
  extraArgs?: true
  params: CliParam[]
}

/** Every distinct command of the releases below, stored once. */
export const KEDRO_COMMANDS: CliCommandData[] = ${JSON.stringify(table)}

/** Kedro release -> its top-level commands in a project (global and project commands, no plugin), by index. */
export const KEDRO_RELEASES: Record<string, Record<string, number>> = ${JSON.stringify(releases, null, 1)}

/** A callable's parameters, as inspect.signature gives them. */
export interface PySignature {
  keywordOnly: string[]
  positional: string[]
  required: string[]
  varKeyword: boolean
  varPositional: boolean
}

/** What a project's pipeline code may call in a release: node(), Node, pipeline(), Pipeline, find_pipelines(). */
export interface KedroPipelineApi {
  exports: string[]
  find_pipelines: null | PySignature
  node?: PySignature
  Node?: PySignature
  pipeline?: PySignature
  Pipeline?: PySignature
}

/** Every distinct pipeline API of the releases below, stored once. */
export const KEDRO_PIPELINE_APIS: KedroPipelineApi[] = ${JSON.stringify(apis)}

/** Kedro release -> its pipeline API, by index into KEDRO_PIPELINE_APIS. */
export const KEDRO_RELEASE_PIPELINE_API: Record<string, number> = ${JSON.stringify(pipelineApis)}

/** Every distinct list of the names \`from M import X\` accepts (a Kedro module's attributes and submodules), stored once. */
export const KEDRO_MODULE_NAMES: string[][] = ${JSON.stringify(moduleNames)}

/** Every module any stored Kedro release's kedro package has (its project templates aside). */
export const KEDRO_MODULES: string[] = ${JSON.stringify(allModules)}

/** Kedro release -> its modules, by index into KEDRO_MODULES: \`import kedro.x\` of any other raises ModuleNotFoundError. */
export const KEDRO_RELEASE_MODULES: Record<string, number[]> = ${JSON.stringify(releaseModules)}

/**
 * Kedro release -> module a project's settings.py commonly imports from -> its names, by index into
 * KEDRO_MODULE_NAMES (null: the release has no such module).
 */
export const KEDRO_SETTINGS_IMPORTS: Record<string, Record<string, null | number>> = ${JSON.stringify(settingsImports)}

/** Every distinct command group a plugin release adds, stored once. */
export const PLUGIN_GROUPS_DATA: CliStructure[] = ${JSON.stringify(pluginGroups)}

/** Plugin distribution -> release -> the command groups it adds, by index into PLUGIN_GROUPS_DATA. */
export const PLUGIN_RELEASES: Record<string, Record<string, Record<string, number>>> = ${JSON.stringify(pluginReleases, null, 1)}
`)
// Apart, so that what reads a project's metadata (status) does not load every release's commands.
const keysTarget = path.join(root, 'src', 'masking', 'project-keys.ts')
writeFileSync(keysTarget, `/* eslint-disable */
// Generated by scripts/import-kedro-cli.js from src/releases/kedro-cli/ (each Kedro release's ProjectMetadata, dumped
// from its own source by scripts/dump-kedro-cli.py). Do not edit by hand.

/** Kedro release -> the [tool.kedro] keys it accepts; any other makes it refuse to start ("Found unexpected keys"). */
export const KEDRO_PROJECT_KEYS: Record<string, string[]> = ${JSON.stringify(projectKeys)}
`)
console.log(`wrote ${path.relative(root, target)}: Kedro ${versions.join(', ')} (${table.length} distinct commands, ${apis.length} pipeline APIs); plugins: ${Object.entries(pluginReleases).map(([name, releases]) => `${name} (${Object.keys(releases).length} releases)`).join(', ')}`)
