/**
 * Starts the bundled CLI (dist/cli.cjs) from the code V8 compiled the last time it ran on this machine. Compiling
 * the bundle (oclif and the command's modules) is about a third of a command's start-up; V8 can reuse its compiled
 * code when handed it back (`vm.Script`'s cachedData), as Node 22 does for every module with its compile cache, which
 * the Node 20 this tool supports does not have.
 *
 * The cache is the user's own file in the user cache folder, never the checkout's. It is used only for the very
 * bundle it was made from (the build's hash of it, its size and time) and this Node and architecture; V8 itself
 * rejects it after any change to V8 or its flags. A cache that is missing, rejected, damaged or made by other
 * commands is (re)written when the command ends, so each command is compiled at most once per release and machine.
 * KEDRO_CONSENT_CODE_CACHE=0 turns it off; a read-only or full disk only means the next run compiles again.
 */
import {hash} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {createRequire, Module} from 'node:module'
import path from 'node:path'
import vm from 'node:vm'

import {cacheDirectory} from './user-cache.js'

/** The bundle's last line: what the build says of it (BundleInfo). */
export const BUNDLE_INFO_PREFIX = '//# kedro-consent-bundle='
/** A cache file's first line; bumped when the layout changes. */
const MAGIC = 'kedro-consent-code-cache/2\n'
/** Bundles whose cache files are kept (the newest: one per release and Node that ran lately). */
const KEPT_BUNDLES = 3
/** A cache larger than this is not one we wrote (ours are about 1 MB): ignored. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024

/** What the build appended to the bundle. */
export interface BundleInfo {
  /** The CLI's command ids: each has its own cache (a cache holding every command's code is slower to load). */
  commands: string[]
  /** The SHA-256 of the bundle above this line. */
  sha256: string
}

/** What a cache file says of itself, on its second line (schemas/code-cache-header.schema.json). */
export interface CodeCacheHeader {
  /** The bundle it was compiled from: the build's hash, its size and modification time. */
  bundle: string
  /** The command whose code it holds ("other" for a command line that names none of ours). */
  command: string
  /** process.version and process.arch of the Node that wrote it. */
  node: string
}

/** A cache file's header: the identity it was made for, and the SHA-1 of the compiled code after it. */
interface CodeCacheFileHeader extends CodeCacheHeader {
  sha1: string
}

export type CodeCacheUse = 'none' | 'off' | 'rejected' | 'used'

export interface LoadedBundle<T> {
  /** Whether compiled code was reused: 'none' when there was no cache for this bundle and command yet. */
  cache: CodeCacheUse
  exports: T
  /** Writes the cache when there was none (or V8 rejected it): made after a run, it holds what the run compiled. */
  saveCache(): void
}

export interface LoadOptions {
  /** The command line: its first word picks the cache. */
  argv: string[]
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
}

/**
 * The bundle as the build writes it: the very script the starter compiles. Its value is a function of the module's
 * variables (CommonJS's own wrapper, written out), which also runs at once when the file is required as a module
 * (`oclif manifest` does). Compiling the file as it is on disk keeps V8's coverage offsets those of the file, so that
 * the source map attributes them; with Module.wrap's prefix added here, every offset would be off by its length.
 */
export function wrapBundle(body: string): string {
  const run = 'function (run) { if (typeof module !== \'undefined\') run(exports, require, module, __filename, __dirname); return run }'
  return `(${run})(function (exports, require, module, __filename, __dirname) {\n${body}\n})`
}

/** The build's note on the bundle's last line, or null for a bundle without one (its code is never cached). */
export function bundleInfo(source: string): BundleInfo | null {
  const line = source.slice(source.lastIndexOf('\n') + 1)
  if (!line.startsWith(BUNDLE_INFO_PREFIX)) return null
  try {
    const info = JSON.parse(line.slice(BUNDLE_INFO_PREFIX.length)) as Partial<BundleInfo>
    const valid = typeof info.sha256 === 'string' && /^[\da-f]{64}$/.test(info.sha256) && Array.isArray(info.commands)
      && info.commands.every((command) => typeof command === 'string' && /^[a-z][\w-]*$/.test(command))
    return valid ? info as BundleInfo : null
  } catch {
    return null
  }
}

export const nodeIdentity = (runtime: {arch: string; version: string} = process) => `${runtime.version}-${runtime.arch}`

function stamp(file: string): string {
  const {mtimeMs, size} = statSync(file)
  return `${size}:${Math.trunc(mtimeMs)}`
}

/**
 * The cache a command line uses: its command's, or "other" (help, --version, a typo). A command's help runs none of
 * the command's code, so it counts as "other": a cache written by it would lack what the command runs.
 */
export function cacheCommand(argv: string[], commands: string[]): string {
  const help = argv.some((arg) => arg === '--help' || arg === '-h')
  return commands.includes(argv[0] ?? '') && !help ? argv[0] : 'other'
}

/** The cache file for a bundle, Node and command: its name tells them apart, the header says it again. */
export function codeCacheFile(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, header: CodeCacheHeader): string {
  const name = `${header.bundle.slice(0, 16)}-${header.node}-${header.command}.v8`
  return (platform === 'win32' ? path.win32 : path.posix).join(cacheDirectory(env, platform), 'code', name)
}

export function encodeCodeCache(header: CodeCacheHeader, data: Buffer): Buffer {
  const fileHeader: CodeCacheFileHeader = {...header, sha1: hash('sha1', data)}
  return Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(fileHeader)}\n`), data])
}

/**
 * The compiled code in `file` when its header is `expected` and the code is what was written. V8 checks its own
 * version and flags, but not the code's integrity: it aborts the process on damaged code, so the hash is checked here.
 */
export function readCodeCache(file: string, expected: CodeCacheHeader): Buffer | null {
  let content: Buffer
  try {
    if (statSync(file).size > MAX_CACHE_BYTES) return null
    content = readFileSync(file)
  } catch {
    return null
  }

  const headerEnd = content.indexOf(10, MAGIC.length)
  if (headerEnd === -1 || content.subarray(0, MAGIC.length).toString() !== MAGIC) return null
  try {
    const header = JSON.parse(content.subarray(MAGIC.length, headerEnd).toString()) as Partial<CodeCacheFileHeader>
    const data = content.subarray(headerEnd + 1)
    const valid = header.bundle === expected.bundle && header.node === expected.node && header.command === expected.command
      && header.sha1 === hash('sha1', data)
    return valid ? data : null
  } catch {
    return null
  }
}

/** A temporary file older than this was left by a writer that was killed: removed. */
const STALE_TEMPORARY_MS = 60_000

/**
 * Writes all or nothing (a temporary file renamed over), then keeps the files of the newest few bundles only
 * (a file's bundle and Node are the name up to the command). `content` is made here, inside the guard.
 */
export function writeCodeCache(file: string, content: () => Buffer): void {
  try {
    mkdirSync(path.dirname(file), {mode: 0o700, recursive: true})
    const temporary = `${file}.${process.pid}.tmp`
    writeFileSync(temporary, content(), {mode: 0o600})
    renameSync(temporary, file)
    pruneCodeCaches(path.dirname(file), Date.now())
  } catch {
    // The cache is an optimisation: a read-only home or a full disk must not fail a command.
  }
}

function pruneCodeCaches(folder: string, now: number): void {
  const newest = new Map<string, number>()
  const files: {group: string; name: string}[] = []
  for (const name of readdirSync(folder)) {
    const time = statSync(path.join(folder, name)).mtimeMs
    if (name.endsWith('.tmp') && now - time > STALE_TEMPORARY_MS) unlinkSync(path.join(folder, name))
    if (!name.endsWith('.v8')) continue
    const group = name.slice(0, name.lastIndexOf('-'))
    newest.set(group, Math.max(newest.get(group) ?? 0, time))
    files.push({group, name})
  }

  const kept = new Set([...newest].sort((a, b) => b[1] - a[1]).slice(0, KEPT_BUNDLES).map(([group]) => group))
  for (const old of files) if (!kept.has(old.group)) unlinkSync(path.join(folder, old.name))
}

/**
 * Loads the CommonJS bundle at `file` as `require` would (registered in require.cache, so that oclif's own
 * `require` of it finds this copy), compiled from the cache when there is a valid one.
 */
export function loadBundle<T>(file: string, options: LoadOptions): LoadedBundle<T> {
  // The build writes the bundle in ASCII (scripts/bundle.js), which Latin-1 decodes as UTF-8 would, only faster.
  const source = readFileSync(file, 'latin1')
  const info = options.env.KEDRO_CONSENT_CODE_CACHE === '0' ? null : bundleInfo(source)
  const header: CodeCacheHeader | null = info && {
    // An edited bundle is another bundle, whatever its last line says.
    bundle: `${info.sha256}:${stamp(file)}`,
    command: cacheCommand(options.argv, info.commands),
    node: nodeIdentity(),
  }
  const cacheFile = header ? codeCacheFile(options.env, options.platform, header) : ''
  const cachedData = header ? readCodeCache(cacheFile, header) ?? undefined : undefined
  // The bundle is a function of the module's variables, as CommonJS wraps a module (scripts/bundle.js writes it so).
  const script = new vm.Script(source, {cachedData, filename: file})
  const cache: CodeCacheUse = header ? (cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'none') : 'off'
  const loaded = new Module(file)
  loaded.filename = file
  loaded.paths = (Module as unknown as {_nodeModulePaths(from: string): string[]})._nodeModulePaths(path.dirname(file))
  createRequire(file).cache[file] = loaded
  // oclif's import() of its plugins, which a vm.Script cannot do itself (see scripts/bundle.js).
  Object.assign(globalThis, {[Symbol.for('kedro-consent.import')]: (specifier: string) => import(specifier)})
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void
  wrapper.call(loaded.exports, loaded.exports, createRequire(file), loaded, file, path.dirname(file))
  loaded.loaded = true
  return {
    cache,
    exports: loaded.exports as T,
    saveCache() {
      if (header && cache !== 'used') writeCodeCache(cacheFile, () => encodeCodeCache(header, script.createCachedData()))
    },
  }
}

/** What the bundle exports to its starter (src/cli.ts). */
interface CliBundle {
  main(argv: string[], root: string): Promise<unknown>
}

/** Runs the CLI installed at `root` with `argv`, from the bundle at dist/cli.cjs (bin/run.js). */
export async function runBundledCli(argv: string[], root: string): Promise<unknown> {
  const bundle = loadBundle<CliBundle>(path.join(root, 'dist', 'cli.cjs'), {argv, env: process.env, platform: process.platform})
  process.once('exit', () => bundle.saveCache())
  return bundle.exports.main(argv, root)
}
