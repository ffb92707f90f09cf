/**
 * The one door to files of a checkout, which may be hostile: regular files only (a FIFO, device or socket would
 * block or never end), opened without blocking, never through a symlink whose target leaves the boundary (the
 * project root), and never more than a size limit. Every refusal says why, so that the figure depending on the file
 * can be reported as estimated instead of silently wrong. Files of the user's own (kedro's telemetry.toml, the
 * history) are read with the same rules but no boundary: a user may keep them behind a symlink.
 *
 * Synchronous on purpose: one implementation for the static Python reader (which reads modules as evaluation reaches
 * them) and everyone else; each read is a few system calls on a small local file that cannot block.
 */
import {closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync} from 'node:fs'
import path from 'node:path'

/** The largest file read from a checkout (a catalog, a module, pyproject.toml): documented in the README. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024
/** The most directory entries a walk visits before it stops and says so. */
export const MAX_WALK_ENTRIES = 50_000

type RefusalKind = 'missing' | 'not-regular' | 'outside' | 'too-large' | 'unreadable'

type FileRead =
  | {bytes: Buffer; file: string; ok: true}
  | {file: string; kind: RefusalKind; ok: false; reason: string}

interface ReadOptions {
  /** Symlinks may not lead outside this directory (a real path); null for a user's own file. */
  within: null | string
  maxBytes?: number
}

/** `undecodable`: a name that is not valid UTF-8, which no path of this tool can name (see rawEntriesSync). */
type EntryKind = 'directory' | 'file' | 'missing' | 'other' | 'outside' | 'undecodable' | 'unreadable'

/**
 * The boundary for reading `file`: the project root when the file lies in the project (a checkout's data), else
 * null (the user's own environment or configuration).
 */
export function boundaryFor(file: string, projectRoot: null | string): null | string {
  return projectRoot !== null && isInside(projectRoot, realPathOr(file)) ? projectRoot : null
}

/** `child` is `parent` or lies below it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

function refusal(file: string, kind: RefusalKind, reason: string): FileRead {
  return {file, kind, ok: false, reason}
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error'
}

function describeType(info: {isBlockDevice(): boolean; isCharacterDevice(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean}): string {
  if (info.isDirectory()) return 'a directory'
  if (info.isFIFO()) return 'a FIFO'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

function outsideReason(file: string, target: string, within: string): string {
  return `${path.basename(file)} is a symlink to ${target}, outside ${within}: not followed`
}

function tooLarge(file: string, size: number, limit: number): FileRead {
  return refusal(file, 'too-large', `${path.basename(file)} is ${size} bytes, over the ${limit}-byte limit of what this tool reads`)
}

// O_NONBLOCK: a FIFO swapped in after the checks still cannot block the open or the read; O_NOFOLLOW: the real path
// is opened, so a symlink appearing there since is refused rather than followed.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0)

/** The real path of `file`, or `file` itself when it cannot be resolved. */
export function realPathOr(file: string): string {
  try {
    return realpathSync.native(file)
  } catch {
    return file
  }
}

/** The file's real path, or why it may not be read. */
function resolvedSync(file: string, within: null | string): FileRead | string {
  let real: string
  try {
    real = realpathSync.native(file)
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return refusal(file, 'missing', `${path.basename(file)} does not exist`)
    // Python's Path.exists() and import both treat a symlink loop as nothing there.
    if (code === 'ELOOP') return refusal(file, 'missing', `${path.basename(file)} is a symlink loop: nothing there`)
    return refusal(file, 'unreadable', `${path.basename(file)} cannot be resolved (${code})`)
  }

  if (within !== null && !isInside(within, real)) return refusal(file, 'outside', outsideReason(file, real, within))
  return real
}

/** Reads a file of a checkout (or of the user) under the rules above, synchronously. */
export function readFileSafeSync(file: string, options: ReadOptions): FileRead {
  const limit = options.maxBytes ?? MAX_FILE_BYTES
  const real = resolvedSync(file, options.within)
  if (typeof real !== 'string') return real
  let descriptor: number
  try {
    descriptor = openSync(real, OPEN_FLAGS)
  } catch (error) {
    return refusal(file, 'unreadable', `${path.basename(file)} cannot be opened (${errorCode(error)})`)
  }

  try {
    const info = fstatSync(descriptor)
    if (!info.isFile()) return refusal(file, 'not-regular', `${path.basename(file)} is ${describeType(info)}, not a regular file: not read`)
    if (info.size > limit) return tooLarge(file, info.size, limit)
    // One byte more than the limit tells a file that grew since fstat.
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1)
    let length = 0
    for (let read = -1; read !== 0 && length < buffer.length;) {
      read = readSync(descriptor, buffer, length, buffer.length - length, null)
      length += read
    }

    if (length > limit) return tooLarge(file, length, limit)
    return {bytes: buffer.subarray(0, length), file, ok: true}
  } catch (error) {
    return refusal(file, 'unreadable', `${path.basename(file)} cannot be read (${errorCode(error)})`)
  } finally {
    closeSync(descriptor)
  }
}

type TextRead = {file: string; ok: true; text: string} | Extract<FileRead, {ok: false}>

/** A file's text (UTF-8, as Python's default `open()` on the machines kedro runs on). */
export function readTextSafeSync(file: string, options: ReadOptions): TextRead {
  const result = readFileSafeSync(file, options)
  return result.ok ? {file, ok: true, text: result.bytes.toString('utf8')} : result
}

function kindOf(info: {isDirectory(): boolean; isFile(): boolean}): EntryKind {
  if (info.isDirectory()) return 'directory'
  return info.isFile() ? 'file' : 'other'
}

/** What is at `file` when followed (inside `within`), without opening it. */
export function entryKindSync(file: string, within: null | string): EntryKind {
  const real = resolvedSync(file, within)
  if (typeof real !== 'string') return real.ok ? 'file' : (real.kind === 'missing' || real.kind === 'outside' ? real.kind : 'unreadable')
  try {
    return kindOf(statSync(real))
  } catch {
    return 'unreadable'
  }
}

interface DirectoryEntry {
  kind: EntryKind
  /** The name; for an undecodable one, its bytes shown as escapes (`caf\\xe9`). */
  name: string
  /** The name's bytes, for an undecodable one. */
  raw?: Buffer
  /** The entry is a symlink (its kind is that of its target, inside the boundary). */
  symlink: boolean
}

type DirectoryListing = {entries: DirectoryEntry[]; ok: true} | {ok: false; reason: string}

function listingRefusal(directory: string, kind: EntryKind | RefusalKind, code?: string): DirectoryListing {
  const name = path.basename(directory)
  if (kind === 'outside') return {ok: false, reason: `${name} leads outside the project: not read`}
  if (kind === 'missing') return {ok: false, reason: `${name} does not exist`}
  return {ok: false, reason: `${name} cannot be listed (${code ?? kind})`}
}

function entryOf(directory: string, name: string, isSymlink: boolean, isDirectory: boolean, isFile: boolean, within: null | string): DirectoryEntry {
  if (!isSymlink) return {kind: isDirectory ? 'directory' : (isFile ? 'file' : 'other'), name, symlink: false}
  return {kind: entryKindSync(path.join(directory, name), within), name, symlink: true}
}

/** A file name's text, or null when its bytes are not valid UTF-8. */
function decodedName(bytes: Buffer): null | string {
  const text = bytes.toString('utf8')
  return Buffer.from(text, 'utf8').equals(bytes) ? text : null
}

/** A name that is not valid UTF-8, readable: valid parts as they are, every other byte as `\xNN`. */
export function escapedName(bytes: Buffer): string {
  let text = ''
  for (let at = 0; at < bytes.length;) {
    let end = at + 1
    // The longest valid UTF-8 sequence starting here (at most 4 bytes), else one escaped byte.
    for (let size = 4; size > 1; size--) {
      if (at + size <= bytes.length && decodedName(bytes.subarray(at, at + size)) !== null) {
        end = at + size
        break
      }
    }

    const piece = bytes.subarray(at, end)
    text += end - at > 1 || piece[0] < 0x80 ? piece.toString('utf8') : `\\x${piece[0].toString(16).padStart(2, '0')}`
    at = end
  }

  return text
}

/**
 * Whether a folder whose path is given as bytes holds, at any depth, a file named `wanted` whose text includes
 * `marker` (a Kedro project's pyproject.toml): for folders whose names are not valid UTF-8, which the rest of this
 * tool cannot name. Symlinks are not followed; at most MAX_WALK_ENTRIES entries and MAX_FILE_BYTES per file are read.
 */
export function rawTreeHoldsSync(directory: Buffer, wanted: string, marker: string, skip: ReadonlySet<string>): boolean {
  let seen = 0
  const slash = Buffer.from('/')
  const visit = (folder: Buffer): boolean => {
    let dirents
    try {
      dirents = readdirSync(folder, {encoding: 'buffer', withFileTypes: true})
    } catch {
      return false
    }

    for (const entry of dirents) {
      if (++seen > MAX_WALK_ENTRIES) return false
      const child = Buffer.concat([folder, slash, entry.name])
      const name = entry.name.toString('utf8')
      if (entry.isFile() && name === wanted && rawFileIncludes(child, marker)) return true
      if (entry.isDirectory() && !skip.has(name) && visit(child)) return true
    }

    return false
  }

  return visit(directory)
}

function rawFileIncludes(file: Buffer, marker: string): boolean {
  let descriptor: number | undefined
  try {
    descriptor = openSync(file, OPEN_FLAGS)
    const info = fstatSync(descriptor)
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return false
    const buffer = Buffer.alloc(info.size)
    const read = readSync(descriptor, buffer, 0, info.size, 0)
    return buffer.subarray(0, read).includes(marker)
  } catch {
    return false
  } finally {
    if (descriptor !== undefined) closeSync(descriptor)
  }
}

/** The entries of a directory inside the boundary, each with what it is (a symlink's target kind), sorted by name. */
export function listDirectorySync(directory: string, within: null | string): DirectoryListing {
  const real = resolvedSync(directory, within)
  if (typeof real !== 'string') return listingRefusal(directory, real.ok ? 'unreadable' : real.kind)
  try {
    // Names as bytes: one that is not valid UTF-8 would otherwise come back with U+FFFD in it, naming nothing.
    const dirents = readdirSync(real, {encoding: 'buffer', withFileTypes: true})
    const entries = dirents.map((entry) => {
      const name = decodedName(entry.name)
      return name === null
        ? {kind: 'undecodable' as const, name: escapedName(entry.name), raw: entry.name, symlink: entry.isSymbolicLink()}
        : entryOf(real, name, entry.isSymbolicLink(), entry.isDirectory(), entry.isFile(), within)
    })
    return {entries: entries.sort((a, b) => (a.name < b.name ? -1 : (a.name > b.name ? 1 : 0))), ok: true}
  } catch (error) {
    return listingRefusal(directory, 'unreadable', errorCode(error))
  }
}

interface Walk {
  /** Files found, relative to the start, with `/` separators, in a stable order. */
  files: string[]
  /** Why the walk may have missed files (a folder it could not read, a loop, the entry limit). */
  problems: string[]
}

type WalkStep = {action: 'descend' | 'keep'} | {problem: string}

type WalkOptions = {descend?: (relative: string, name: string) => boolean; keep: (relative: string, name: string) => boolean; within: string}

/** What a walk does with one entry: enter it, keep it, report a problem, or pass it by (null). */
function walkStep({kind, name}: {kind: string; name: string}, relative: string, options: WalkOptions): null | WalkStep {
  switch (kind) {
    case 'directory': {
      return !options.descend || options.descend(relative, name) ? {action: 'descend'} : null
    }

    case 'outside': {
      return options.keep(relative, name) || options.descend?.(relative, name) ? {problem: `${relative} is a symlink leading outside the project: not followed`} : null
    }

    case 'unreadable': {
      return options.keep(relative, name) ? {problem: `${relative} cannot be read`} : null
    }

    case 'undecodable': {
      return {problem: `${relative} has a name that is not valid UTF-8: not read`}
    }

    default: {
      return options.keep(relative, name) ? {action: 'keep'} : null
    }
  }
}

/**
 * Files below `start` for which `keep(relative)` holds, descending into folders for which `descend(relative)`
 * holds; folders are entered once each (a symlink loop ends), never outside the boundary, and at most
 * MAX_WALK_ENTRIES entries are looked at.
 */
export function walkFilesSync(start: string, options: WalkOptions): Walk {
  const walk: Walk = {files: [], problems: []}
  const visited = new Set<string>()
  let seen = 0
  const visit = (directory: string, prefix: string): void => {
    const real = realPathOr(directory)
    if (visited.has(real)) {
      walk.problems.push(`${prefix || '.'} is reached twice (a symlink loop): read once`)
      return
    }

    visited.add(real)
    const listing = listDirectorySync(directory, options.within)
    if (!listing.ok) {
      walk.problems.push(listing.reason)
      return
    }

    for (const entry of listing.entries) {
      if (++seen > MAX_WALK_ENTRIES) {
        if (seen === MAX_WALK_ENTRIES + 1) walk.problems.push(`more than ${MAX_WALK_ENTRIES} entries: the rest is not read`)
        return
      }

      const relative = prefix ? `${prefix}/${entry.name}` : entry.name
      const step = walkStep(entry, relative, options)
      if (step === null) continue
      if ('problem' in step) walk.problems.push(step.problem)
      else if (step.action === 'descend') visit(path.join(directory, entry.name), relative)
      else walk.files.push(relative)
    }
  }

  visit(start, '')
  return walk
}

export function lstatOrNullSync(file: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(file)
  } catch {
    return null
  }
}
