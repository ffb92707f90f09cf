/**
 * One consent change at a time per project: a lock file holding the owner's pid, created exclusively. A lock whose
 * owner no longer runs (killed) is taken over. Waiting is bounded: a lock held too long is an error, not a hang.
 */
import {randomBytes} from 'node:crypto'
import {link, mkdir, open, readFile, rename, unlink} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {InputError, ioError} from '../errors.js'
import {processAlive, removeStaleTempFiles, tempName} from './transaction.js'

const LOCK_WAIT_MS = 10_000

async function ownerOf(lock: string): Promise<null | number> {
  const text = await readFile(lock, 'utf8').catch(() => null)
  const pid = text === null ? Number.NaN : Number(text.trim())
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

/**
 * Creates the lock file holding our pid, or returns false when it exists. The pid is written to a file of our own
 * first, then linked into place: a lock file never exists without its owner in it, even if we are killed.
 */
async function tryLock(lock: string): Promise<boolean> {
  const mine = tempName(lock)
  const handle = await open(mine, 'wx', 0o644)
  try {
    await handle.writeFile(`${process.pid}\n`)
  } finally {
    await handle.close()
  }

  try {
    await link(mine, lock)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await unlink(mine).catch(() => {})
  }
}

/**
 * Runs `work` holding the lock file `lock` (its folder is created). A lock left by a process that no longer runs is
 * moved aside and removed, so two waiters cannot both take it over.
 */
export async function withLock<T>(lock: string, work: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  await mkdir(path.dirname(lock), {recursive: true}).catch((error: unknown) => {
    throw ioError(error, 'creating the lock folder', path.dirname(lock))
  })
  await removeStaleTempFiles(lock)
  const deadline = Date.now() + waitMs
  for (;;) {
    if (await tryLock(lock)) break
    const owner = await ownerOf(lock)
    if (owner !== null && !processAlive(owner)) {
      // A rename is atomic: of two processes finding the same stale lock, one moves it, the other finds it gone.
      const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
      if (await rename(lock, aside).then(() => true, () => false)) {
        const moved = await ownerOf(aside)
        // Moved a live lock taken over in between: put it back. Otherwise it was the stale one.
        if (moved !== null && moved !== owner && processAlive(moved)) await rename(aside, lock).catch(() => {})
        else await unlink(aside).catch(() => {})
      }

      continue
    }

    if (Date.now() > deadline) {
      throw new InputError(`another telemetry command (pid ${owner ?? 'unknown'}) is changing consent for this project: nothing was changed`, {
        code: 'LOCKED', hint: `wait for it to finish and run this again; if no such process runs, remove ${lock}`,
      })
    }

    await sleep(20)
  }

  try {
    return await work()
  } finally {
    await unlink(lock).catch(() => {})
  }
}
