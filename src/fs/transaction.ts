/**
 * The writes of one command, all or nothing, in an order that loses nothing:
 *  1. check: every target is absent or a regular file (never a symlink, which could lead anywhere), writable, in a
 *     writable folder, and replaceable without changing its owner. A refusal changes nothing.
 *  2. prepare: each new content is written to a temp file beside its target, with the target's mode and owner, and
 *     flushed; each file to be replaced gets an undo link; a backup is created under a name never used before.
 *     A full disk fails here, and nothing has changed.
 *  3. commit: the `before` step (e.g. git's index), then the appends (the history line first, so it never misses a
 *     change that is applied), then the renames over the targets. If a step fails, every earlier one is undone:
 *     renames restored from the undo links, appends truncated, the `before` step reverted.
 * Temp and undo files carry the writer's pid; those of a writer that no longer runs are removed before any write.
 */
import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {access, copyFile, link, lstat, mkdir, open, readdir, rename, stat, truncate, unlink} from 'node:fs/promises'
import path from 'node:path'

import {InputError, ioError} from '../errors.js'

const TEMP_MARK = '.kc-tmp-'

export type Write =
  /** Replaces (or creates) `file` with `content`. */
  | {content: string | Uint8Array; file: string; kind: 'replace'; mode?: number}
  /** Appends `content`, creating the file (and its folders) when missing. */
  | {content: string; file: string; kind: 'append'}
  /** Copies `from` to the first of `file`, `file.1`, `file.2`... that does not exist (never overwriting one). */
  | {file: string; from: string; kind: 'backup'}

export interface Step {
  run: () => Promise<void>
  undo: () => Promise<void>
}

export interface CommitResult {
  /** Where each backup went. */
  backups: Map<string, string>
}

/** Access checks, replaceable in tests (root may write anywhere). */
export type AccessCheck = (file: string, mode: number) => Promise<void>

function refuse(file: string, why: string, hint: string, code = 'NOT_WRITABLE'): InputError {
  return new InputError(`${file} ${why}: nothing was changed`, {code, hint})
}

/** A name beside `target` that only this process uses, and that removeStaleTempFiles recognises once it is gone. */
export function tempName(target: string): string {
  return path.join(path.dirname(target), `${path.basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`)
}

/** The process runs (one of another user's counts too: signalling it is merely not permitted). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes temp and undo files of `target` left by writers that no longer run. Returns the names removed. */
export async function removeStaleTempFiles(target: string): Promise<string[]> {
  const prefix = `${path.basename(target)}${TEMP_MARK}`
  const entries = await readdir(path.dirname(target)).catch(() => [] as string[])
  const removed: string[] = []
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue
    const pid = Number(entry.slice(prefix.length).split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      await unlink(path.join(path.dirname(target), entry)).catch(() => {})
      removed.push(entry)
    }
  }

  return removed
}

/** The nearest folder of `file` that exists (a folder to create would go there). */
async function existingAncestor(file: string): Promise<string> {
  let directory = path.dirname(file)
  while (!(await stat(directory).catch(() => null))) {
    const parent = path.dirname(directory)
    if (parent === directory) break
    directory = parent
  }

  return directory
}

const ourUid = () => process.geteuid?.() ?? -1
const ourGroups = () => new Set([process.getegid?.() ?? -1, ...(process.getgroups?.() ?? [])])

/** Step 1 for one write: throws an InputError saying what is wrong and how to fix it. */
export async function checkWrite(write: Write, canAccess: AccessCheck = access): Promise<void> {
  const {file} = write
  // A backup goes to the first name where nothing is (a link there is skipped, not followed): only its folder counts.
  const info = write.kind === 'backup' ? null : await lstat(file).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : error))
  if (info instanceof Error) throw refuse(file, `cannot be looked at (${info.code})`, 'check the path and its permissions')
  if (write.kind === 'backup') {
    const from = await lstat(write.from).catch(() => null)
    if (!from?.isFile()) throw refuse(write.from, 'is not a regular file', 'remove or replace it, then run this again', 'NOT_A_FILE')
  }

  if (info?.isSymbolicLink()) {
    throw refuse(file, 'is a symbolic link: not written through', 'a link could lead anywhere: replace it with a plain file, or change the file it points to yourself', 'SYMLINK')
  }

  if (info?.isDirectory()) throw refuse(file, 'is a directory', 'remove or rename it, then run this again', 'DIRECTORY')
  if (info && !info.isFile()) throw refuse(file, 'is not a regular file (a FIFO, socket or device)', 'remove it, then run this again', 'NOT_A_FILE')
  const folder = write.kind === 'append' ? await existingAncestor(file) : path.dirname(file)
  const folderInfo = await stat(folder).catch(() => null)
  if (!folderInfo?.isDirectory()) throw refuse(file, 'has no folder to be written in', 'create its folder, then run this again', 'NO_FOLDER')
  try {
    if (info) await canAccess(file, constants.W_OK)
    // A replacement is a new file renamed into the folder; a backup or a missing file is created there.
    if (write.kind !== 'append' || !info) await canAccess(folder, constants.W_OK | constants.X_OK)
  } catch (error) {
    throw refuse(file, `is not writable (${(error as NodeJS.ErrnoException).code})`, 'fix its permissions (or its folder\'s), or run as its owner')
  }

  if (write.kind === 'replace' && info && ourUid() !== 0 && (info.uid !== ourUid() || !ourGroups().has(info.gid))) {
    throw refuse(file, `belongs to another user or group (${info.uid}:${info.gid})`, 'replacing it would change its owner: run this as that user')
  }
}

interface Prepared {
  /** Undo of everything prepared, and of the commit steps done. */
  cleanups: (() => Promise<void>)[]
  renames: {temp: string; target: string; undo: null | string}[]
}

/** Writes `content` to a new temp file beside `target`, with the mode and owner the target has (or `mode`). */
async function prepareReplacement(target: string, content: string | Uint8Array, mode: number | undefined, prepared: Prepared): Promise<void> {
  const existing = await stat(target).catch(() => null)
  const temp = tempName(target)
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  prepared.cleanups.push(() => unlink(temp).catch(() => {}))
  try {
    await handle.writeFile(content)
    // open() applies the umask: chmod gives the temp file exactly the target's mode; chown keeps its owner.
    await handle.chmod(mode ?? (existing ? existing.mode & 0o7777 : 0o644))
    if (existing && (existing.uid !== ourUid() || existing.gid !== (process.getegid?.() ?? existing.gid))) await handle.chown(existing.uid, existing.gid)
    await handle.sync()
  } finally {
    await handle.close()
  }

  let undo: null | string = null
  if (existing) {
    // The target as it is, under a second name: a rename undoes a replacement without needing any disk space.
    undo = tempName(target)
    await link(target, undo).catch(() => copyFile(target, undo!, constants.COPYFILE_EXCL))
    prepared.cleanups.push(() => unlink(undo!).catch(() => {}))
  }

  prepared.renames.push({temp, target, undo})
}

/** A backup at the first free name: `link` creates it only where nothing is, a symlink included. */
async function createBackup(from: string, file: string, prepared: Prepared): Promise<string> {
  const temp = tempName(file)
  await copyFile(from, temp, constants.COPYFILE_EXCL)
  prepared.cleanups.push(() => unlink(temp).catch(() => {}))
  for (let index = 0; ; index++) {
    const name = index === 0 ? file : `${file}.${index}`
    try {
      await link(temp, name)
      prepared.cleanups.push(() => unlink(name).catch(() => {}))
      await unlink(temp)
      return name
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || index >= 1000) throw error
    }
  }
}

async function fsyncDirectory(directory: string): Promise<void> {
  // Makes the rename itself durable. Not possible on every platform (Windows): best effort.
  const handle = await open(directory, constants.O_RDONLY).catch(() => null)
  if (!handle) return
  await handle.sync().catch(() => {})
  await handle.close()
}

async function appendUndoable(write: Extract<Write, {kind: 'append'}>, prepared: Prepared): Promise<void> {
  await mkdir(path.dirname(write.file), {recursive: true})
  const before = (await stat(write.file).catch(() => null))?.size ?? null
  // One write of one buffer with O_APPEND: concurrent appends land whole, one after the other.
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
  const handle = await open(write.file, flags, 0o644)
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw refuse(write.file, 'is not a regular file', 'remove it, then run this again', 'NOT_A_FILE')
    prepared.cleanups.push(() => (before === null ? unlink(write.file) : truncate(write.file, before)).catch(() => {}))
    await handle.writeFile(write.content)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Checks, prepares and commits `writes`, with `before` (a reversible step such as a git index change) run after the
 * preparation. Throws an InputError (exit 2) with everything undone when any step fails.
 */
/** Where a commit is: the stage named in an error ("replacing"), and the write it was on. */
interface CommitProgress {
  current: null | Write
  doing: string
}

/** Every stage of a commit in order; `progress` says where it stopped when one fails. */
async function runStages(writes: Write[], before: Step | undefined, prepared: Prepared, backups: Map<string, string>, progress: CommitProgress): Promise<void> {
  for (const write of writes) {
    progress.current = write
    if (write.kind === 'backup') backups.set(write.from, await createBackup(write.from, write.file, prepared))
    else if (write.kind === 'replace') await prepareReplacement(write.file, write.content, write.mode, prepared)
  }

  Object.assign(progress, {current: null, doing: 'changing'})
  if (before) {
    await before.run()
    prepared.cleanups.push(before.undo)
  }

  progress.doing = 'appending to'
  for (const write of writes) {
    progress.current = write
    if (write.kind === 'append') await appendUndoable(write, prepared)
  }

  progress.doing = 'replacing'
  for (const {target, temp, undo} of prepared.renames) {
    progress.current = writes.find((write) => write.file === target) ?? null
    await rename(temp, target)
    // Undone by putting the original back (or removing a file that did not exist).
    prepared.cleanups.push(() => (undo ? rename(undo, target) : unlink(target)).catch(() => {}))
  }
}

export async function commitWrites(writes: Write[], options: {access?: AccessCheck; before?: Step} = {}): Promise<CommitResult> {
  for (const write of writes) await checkWrite(write, options.access)
  for (const write of writes) if (write.kind !== 'append') await removeStaleTempFiles(write.file)
  const prepared: Prepared = {cleanups: [], renames: []}
  const backups = new Map<string, string>()
  const progress: CommitProgress = {current: null, doing: 'preparing'}
  try {
    await runStages(writes, options.before, prepared, backups, progress)
  } catch (error) {
    for (const cleanup of prepared.cleanups.reverse()) await cleanup()
    throw ioError(error, progress.doing, progress.current?.file ?? 'the index')
  }

  for (const {undo} of prepared.renames) if (undo) await unlink(undo).catch(() => {})
  for (const directory of new Set(prepared.renames.map(({target}) => path.dirname(target)))) await fsyncDirectory(directory)
  return {backups}
}

/** Replaces (or creates) `target` with `content` atomically, after the checks above. */
export async function writeFileAtomic(target: string, content: string | Uint8Array, options: {access?: AccessCheck; mode?: number} = {}): Promise<void> {
  await commitWrites([{content, file: target, kind: 'replace', mode: options.mode}], {access: options.access})
}
