/**
 * The dataset names Kedro's catalog holds before a run, read from config as Kedro 1.x's OmegaConfigLoader does:
 * files whose path (below the env folder) starts with `catalog`, or whose name does (.yml, .yaml, .json), under
 * conf/base then conf/<env>;
 * hidden files and folders skipped; top-level keys starting with `_` dropped after each folder is merged; an env key
 * replaces the base key whole. Factory patterns (names with `{`) are not datasets until resolved, so they are left out.
 */
import path from 'node:path'

import {entryKindSync, isInside, readTextSafeSync, realPathOr, walkFilesSync} from '../checkout/files.js'
import {safeLoad} from '../consent/pyyaml.js'

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

/** A folder's catalog files merged: `all` keys (for interpolation), and the `visible` ones (no `_` templates). */
function loadFolder(root: string, folder: string, reading: CatalogReading, within: string): {all: Config; visible: Config} {
  const merged: Config = {}
  const kind = entryKindSync(path.join(root, folder), within)
  if (kind !== 'directory') {
    // OmegaConfigLoader raises MissingConfigException for a base or run environment folder that is not there.
    reading.estimated.push(kind === 'missing'
      ? `there is no ${folder} folder in ${root}: kedro fails to load the catalog (MissingConfigException)`
      : `${folder}: ${kind === 'outside' ? 'it leads outside the project' : `it is ${kind === 'file' ? 'a file' : 'not readable'}`}, so it is not read`)
    return {all: merged, visible: merged}
  }

  const walk = walkFilesSync(path.join(root, folder), {
    // Hidden files and folders are skipped, as OmegaConfigLoader does.
    descend: (_relative, name) => !name.startsWith('.'), keep: (relative, name) => !name.startsWith('.') && isCatalogFile(relative), within,
  })
  for (const problem of walk.problems) reading.estimated.push(`${folder}: ${problem}`)
  for (const relative of walk.files) {
    const file = path.join(root, folder, relative)
    const read = readTextSafeSync(file, {within})
    if (!read.ok) {
      reading.estimated.push(`${folder}/${relative}: ${read.reason}`)
      continue
    }

    let config: unknown
    if (file.endsWith('.json')) {
      try {
        config = JSON.parse(read.text)
      } catch (error) {
        reading.warnings.push(`${folder}/${relative}: not valid JSON (${(error as Error).message}): kedro would fail`)
        continue
      }
    } else {
      const loaded = safeLoad(read.text.replaceAll(/\r\n?/g, '\n'))
      if (!loaded.ok) {
        if (loaded.undecidable) reading.estimated.push(`${folder}/${relative}: ${loaded.error}`)
        else reading.warnings.push(`${folder}/${relative}: YAML error (${loaded.error}): kedro would fail`)
        continue
      }

      config = loaded.value
    }

    reading.files.push(`${folder}/${relative}`)
    if (!config || typeof config !== 'object' || Array.isArray(config)) continue
    for (const [key, value] of Object.entries(config as Config)) {
      if (Object.hasOwn(merged, key)) reading.warnings.push(`${key} is defined twice in ${folder}: kedro fails on duplicate keys`)
      merged[key] = value
    }
  }

  return {all: merged, visible: Object.fromEntries(Object.entries(merged).filter(([key]) => !key.startsWith('_')))}
}

/** An entry's `type`, a whole-value `${...}` interpolation resolved against the folder it came from. */
function typeOf(value: unknown, folder: Config): unknown {
  return value && typeof value === 'object' && 'type' in value ? interpolate((value as Config).type, folder) : undefined
}

/** A URL such as s3://bucket/conf, which Kedro reads through fsspec and this tool does not. */
export function isRemote(location: string): boolean {
  return /^[a-z][\d+.a-z-]*:\/\//i.test(location)
}

/**
 * The catalog of the configuration folder `confRoot` for the run environment `env`, over `baseEnv`. `files` are
 * relative to `confRoot`. Nothing outside `within` (the project, or the folder the user named) is read.
 */
export function readCatalog(confRoot: string, env = 'local', baseEnv = 'base', boundary = confRoot): CatalogReading {
  const reading: CatalogReading = {entries: [], estimated: [], files: [], warnings: []}
  const within = realPathOr(boundary)
  if (isRemote(confRoot) || /\.(zip|tar\.gz|tgz|tar)$/.test(confRoot)) {
    reading.estimated.push(`the configuration is ${isRemote(confRoot) ? 'remote' : 'an archive'} (${confRoot}), which this tool does not read`)
    return reading
  }

  if (!isInside(within, confRoot)) {
    reading.estimated.push(`the configuration folder ${confRoot} is outside the project: not read`)
    return reading
  }

  const kind = entryKindSync(confRoot, within)
  if (kind !== 'directory') {
    reading.estimated.push(kind === 'outside'
      ? `the configuration folder ${confRoot} leads outside the project: not read`
      : `there is no configuration folder ${confRoot}: kedro would fail to load the project`)
    return reading
  }

  const baseFolder = loadFolder(confRoot, baseEnv, reading, within)
  const envFolder = env === baseEnv ? {all: {}, visible: {}} : loadFolder(confRoot, env, reading, within)
  const merged: Config = {...baseFolder.visible, ...envFolder.visible}
  for (const [name, value] of Object.entries(merged)) {
    if (name.includes('{')) continue
    const type = typeOf(value, Object.hasOwn(envFolder.visible, name) ? envFolder.all : baseFolder.all)
    if (typeof type === 'string' && type.includes('${')) reading.estimated.push(`${name}: its type ${type} uses an interpolation this tool does not resolve`)
    reading.entries.push({name, type: typeof type === 'string' && !type.includes('${') ? type : null})
  }

  return reading
}
