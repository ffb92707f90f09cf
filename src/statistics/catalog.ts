/**
 * The dataset names Kedro's catalog holds before a run, read from config as Kedro 1.x's OmegaConfigLoader does:
 * files whose path (below the env folder) starts with `catalog`, or whose name does (.yml, .yaml, .json), under
 * conf/base then conf/<env>;
 * hidden files and folders skipped; top-level keys starting with `_` dropped after each folder is merged; an env key
 * replaces the base key whole. Factory patterns (names with `{`) are not datasets until resolved, so they are left out.
 */
import {readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import {parseDocument} from 'yaml'

import {pythonValue, PYYAML_PARSE_OPTIONS} from '../consent/pyyaml.js'
import {byCodeUnits} from '../fs/order.js'

export interface CatalogEntry {
  name: string
  /** The `type` as written, or null when it is missing or not a plain string. */
  type: null | string
}

export interface CatalogReading {
  entries: CatalogEntry[]
  /** Why the figures may be off; empty when they are exact. */
  estimated: string[]
  files: string[]
  /** Problems kedro itself would fail on (a duplicate key, a YAML error). */
  warnings: string[]
}

const EXTENSIONS = new Set(['.json', '.yaml', '.yml'])

/** OmegaConfigLoader's default catalog patterns, on a path relative to the env folder. */
export function isCatalogFile(relative: string): boolean {
  if (!EXTENSIONS.has(path.extname(relative))) return false
  const parts = relative.split('/')
  const stem = (part: string) => part.startsWith('catalog')
  return (parts.length === 1 && stem(parts[0])) || (parts.length > 1 && stem(parts[0])) || stem(parts.at(-1)!)
}

async function filesUnder(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(folder, prefix), {withFileTypes: true}).catch(() => [])
  const found: string[] = []
  for (const entry of entries.sort((a, b) => byCodeUnits(a.name, b.name))) {
    if (entry.name.startsWith('.')) continue
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) found.push(...await filesUnder(folder, relative))
    else if (isCatalogFile(relative)) found.push(relative)
  }

  return found
}

type Config = Record<string, unknown>

/** `${a.b}` interpolation of a whole value, as OmegaConf resolves it against the folder's config. */
function interpolate(value: unknown, config: Config): unknown {
  if (typeof value !== 'string') return value
  const match = /^\$\{([\w.]+)\}$/.exec(value)
  if (!match) return value
  let current: unknown = config
  for (const part of match[1].split('.')) current = current && typeof current === 'object' ? (current as Config)[part] : undefined
  return current
}

async function loadFolder(root: string, folder: string, reading: CatalogReading): Promise<Config> {
  const merged: Config = {}
  for (const relative of await filesUnder(path.join(root, folder))) {
    const file = path.join(root, folder, relative)
    const text = await readFile(file, 'utf8')
    let config: unknown
    if (file.endsWith('.json')) {
      try {
        config = JSON.parse(text)
      } catch (error) {
        reading.warnings.push(`${folder}/${relative}: not valid JSON (${(error as Error).message}): kedro would fail`)
        continue
      }
    } else {
      const document = parseDocument(text, PYYAML_PARSE_OPTIONS)
      if (document.errors.length > 0) {
        reading.warnings.push(`${folder}/${relative}: YAML error (${document.errors[0].message.split('\n')[0]}): kedro would fail`)
        continue
      }

      config = pythonValue(document)
    }

    reading.files.push(`${folder}/${relative}`)
    if (!config || typeof config !== 'object' || Array.isArray(config)) continue
    for (const [key, value] of Object.entries(config as Config)) {
      if (Object.hasOwn(merged, key)) reading.warnings.push(`${key} is defined twice in ${folder}: kedro fails on duplicate keys`)
      merged[key] = value
    }
  }

  for (const value of Object.values(merged)) {
    if (value && typeof value === 'object' && 'type' in value) (value as Config).type = interpolate((value as Config).type, merged)
  }

  for (const key of Object.keys(merged)) if (key.startsWith('_')) delete merged[key]
  return merged
}

/** A URL such as s3://bucket/conf, which Kedro reads through fsspec and this tool does not. */
export function isRemote(location: string): boolean {
  return /^[a-z][\d+.a-z-]*:\/\//i.test(location)
}

/**
 * The catalog of the configuration folder `confRoot` for the run environment `env`, over `baseEnv`. `files` are
 * relative to `confRoot`.
 */
export async function readCatalog(confRoot: string, env = 'local', baseEnv = 'base'): Promise<CatalogReading> {
  const reading: CatalogReading = {entries: [], estimated: [], files: [], warnings: []}
  if (isRemote(confRoot) || /\.(zip|tar\.gz|tgz|tar)$/.test(confRoot)) {
    reading.estimated.push(`the configuration is ${isRemote(confRoot) ? 'remote' : 'an archive'} (${confRoot}), which this tool does not read`)
    return reading
  }

  if (!(await stat(confRoot).catch(() => null))?.isDirectory()) {
    reading.estimated.push(`there is no configuration folder ${confRoot}: kedro would fail to load the project`)
    return reading
  }

  const base = await loadFolder(confRoot, baseEnv, reading)
  const overrides = env === baseEnv ? {} : await loadFolder(confRoot, env, reading)
  const merged: Config = {...base, ...overrides}
  for (const [name, value] of Object.entries(merged)) {
    if (name.includes('{')) continue
    const type = value && typeof value === 'object' ? (value as Config).type : undefined
    if (typeof type === 'string' && type.includes('${')) reading.estimated.push(`${name}: its type ${type} uses an interpolation this tool does not resolve`)
    reading.entries.push({name, type: typeof type === 'string' && !type.includes('${') ? type : null})
  }

  return reading
}
