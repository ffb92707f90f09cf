/**
 * Atomic file replacement: write a temp file in the same directory, flush it to disk, give it the old file's mode,
 * rename it over the target, then flush the directory. A crash at any moment leaves the old file or the new one,
 * never a torn one. Temp files carry this process's pid, so a later writer can remove the ones a killed writer left.
 */
import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {copyFile, open, readdir, rename, stat, unlink} from 'node:fs/promises'
import path from 'node:path'

const TEMP_MARK = '.kc-tmp-'

function tempName(target: string): string {
  return path.join(path.dirname(target), `${path.basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`)
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes temp files of `target` left by writers that no longer run. Returns the names removed. */
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

async function fsyncDirectory(directory: string): Promise<void> {
  // Makes the rename itself durable. Not possible on every platform (Windows): best effort.
  const handle = await open(directory, constants.O_RDONLY).catch(() => null)
  if (!handle) return
  await handle.sync().catch(() => {})
  await handle.close()
}

/** Replaces (or creates) `target` with `content` atomically, keeping an existing file's mode. */
export async function writeFileAtomic(target: string, content: string | Uint8Array, options: {mode?: number} = {}): Promise<void> {
  const existing = await stat(target).catch(() => null)
  const mode = options.mode ?? (existing ? existing.mode & 0o7777 : 0o644)
  const temp = tempName(target)
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode)
  try {
    await handle.writeFile(content)
    // open() applies the umask; chmod gives the temp file exactly the old file's mode.
    await handle.chmod(mode)
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw error
  }

  await handle.close()
  try {
    await rename(temp, target)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }

  await fsyncDirectory(path.dirname(target))
}

/** Copies `file` to `file.bak` (replacing an older backup), keeping its bytes and mode. Returns the backup path. */
export async function backupFile(file: string): Promise<string> {
  const backup = `${file}.bak`
  await copyFile(file, backup)
  return backup
}
