/**
 * What an interpreter reported (sys.version, sys.platform, its site-packages), remembered in the user's cache so that
 * the next preview need not start Python again (a quarter of a preview's time). An answer is reused only while the
 * interpreter is the same file: its path, and the identity, size and times of the program it leads to and of the
 * pyvenv.cfg that makes it a virtual environment's. Anything else (a rebuilt venv, an upgraded Python, a moved folder)
 * asks the interpreter again. The cache is the user's own file, never the checkout's; one that cannot be read is
 * ignored and replaced. Delete it (`telemetry preview --help` names where it is) to forget every answer.
 */
import {lstat, mkdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {cacheDirectory} from '../user-cache.js'
import type {RunFacts} from './python-probe.js'

/** Bumped when the entries' meaning changes: a file of another version is ignored (2: site.py's folders, the user site's layout). */
const CACHE_VERSION = 2
/** Interpreters remembered at most (the most recently asked are kept). */
const MAX_ENTRIES = 32
/** A cache larger than this is not ours (an entry is a few hundred bytes): ignored. */
const MAX_CACHE_BYTES = 256 * 1024

export interface InterpreterCacheEntry {
  executable: string
  facts: Omit<RunFacts, 'executable'>
  /** The file identity the facts hold for (see interpreterIdentity). */
  identity: string
}

interface InterpreterCacheFile {
  entries: InterpreterCacheEntry[]
  version: number
}

export function interpreterCacheFile(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return (platform === 'win32' ? path.win32 : path.posix).join(cacheDirectory(env, platform), 'interpreters.json')
}

const fileStamp = (entry: Awaited<ReturnType<typeof stat>> | null) => (entry ? [entry.dev, entry.ino, entry.size, entry.mtimeMs, entry.ctimeMs].join(':') : '-')

/**
 * The identity of an interpreter as a string: the link at its path, the program it leads to, and the pyvenv.cfg next
 * to it or one folder up (where Python looks for it). Null when the program cannot be examined: nothing is cached.
 */
export async function interpreterIdentity(executable: string): Promise<null | string> {
  const orNull = <T>(pending: Promise<T>) => pending.catch(() => null)
  const folder = path.dirname(executable)
  const [link, program, besideConfig, aboveConfig] = await Promise.all([
    orNull(lstat(executable)), orNull(stat(executable)),
    orNull(stat(path.join(folder, 'pyvenv.cfg'))), orNull(stat(path.join(path.dirname(folder), 'pyvenv.cfg'))),
  ])
  if (!link || !program?.isFile()) return null
  return [fileStamp(link), fileStamp(program), fileStamp(besideConfig), fileStamp(aboveConfig)].join('|')
}

function isEntry(value: unknown): value is InterpreterCacheEntry {
  const entry = value as InterpreterCacheEntry
  const facts = entry?.facts
  return typeof entry?.executable === 'string' && typeof entry.identity === 'string' && typeof facts?.version === 'string'
    && typeof facts.platform === 'string' && Array.isArray(facts.sitePackages) && facts.sitePackages.every((item) => typeof item === 'string')
}

/** The cache's entries, or none when it is missing, too large, not JSON, or of another version. */
export async function readInterpreterCache(file: string): Promise<InterpreterCacheEntry[]> {
  try {
    const text = await readFile(file, 'utf8')
    if (text.length > MAX_CACHE_BYTES) return []
    const parsed = JSON.parse(text) as Partial<InterpreterCacheFile>
    return parsed.version === CACHE_VERSION && Array.isArray(parsed.entries) ? parsed.entries.filter((entry) => isEntry(entry)) : []
  } catch {
    return []
  }
}

/** What `executable` reported when it was the file `identity` describes, or null. */
export function rememberedFacts(entries: InterpreterCacheEntry[], executable: string, identity: string): null | RunFacts {
  const entry = entries.find((candidate) => candidate.executable === executable && candidate.identity === identity)
  return entry ? {...entry.facts, executable} : null
}

/** Writes the cache with this answer first; a failure to write only means the next preview asks again. */
export async function rememberFacts(file: string, entries: InterpreterCacheEntry[], facts: RunFacts, identity: string): Promise<void> {
  const {executable, ...rest} = facts
  const kept = entries.filter((entry) => entry.executable !== executable)
  const content: InterpreterCacheFile = {entries: [{executable, facts: rest, identity}, ...kept].slice(0, MAX_ENTRIES), version: CACHE_VERSION}
  try {
    // The writer loads only when there is something to remember.
    const {writeFileAtomic} = await import('../fs/transaction.js')
    await mkdir(path.dirname(file), {mode: 0o700, recursive: true})
    await writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, {mode: 0o600})
  } catch {
    // The cache is an optimisation: a read-only home or a full disk must not fail a preview.
  }
}
