import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {
  BUNDLE_INFO_PREFIX, bundleInfo, cacheCommand, codeCacheFile, type CodeCacheHeader, encodeCodeCache, loadBundle, nodeIdentity,
  readCodeCache, wrapBundle, writeCodeCache,
} from '../src/code-cache.js'
import {removeTempDirs, tempDir} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

const SHA = 'a'.repeat(64)
const info = (commands: string[]) => `${BUNDLE_INFO_PREFIX}${JSON.stringify({commands, sha256: SHA})}`

/** A CommonJS bundle as the build writes one: code, then the line the starter reads. */
function writeBundle(folder: string, body = 'exports.answer = function answer(x) { return x * 2 }'): string {
  const file = path.join(folder, 'cli.cjs')
  writeFileSync(file, `${wrapBundle(body)}\n${info(['status', 'preview'])}`)
  return file
}

const cacheFiles = (home: string) => {
  try {
    return readdirSync(path.join(home, '.cache', 'kedro-consent', 'code')).sort()
  } catch {
    return []
  }
}

function headerOf(file: string): unknown {
  return JSON.parse(readFileSync(file, 'latin1').split('\n')[1])
}

describe('the code cache', () => {
  after(removeTempDirs)

  it('reads the build\'s note on the bundle\'s last line, and nothing else', () => {
    expect(bundleInfo(`x\n${info(['status'])}`)).to.deep.equal({commands: ['status'], sha256: SHA})
    expect(bundleInfo('x\n// no note')).to.equal(null)
    expect(bundleInfo(`x\n${BUNDLE_INFO_PREFIX}{not json`)).to.equal(null)
    expect(bundleInfo(`x\n${BUNDLE_INFO_PREFIX}${JSON.stringify({commands: ['../x'], sha256: SHA})}`)).to.equal(null)
    expect(bundleInfo(`x\n${BUNDLE_INFO_PREFIX}${JSON.stringify({commands: [], sha256: 'short'})}`)).to.equal(null)
  })

  it('keeps one cache per command; help, --version and typos share "other"', () => {
    expect(cacheCommand(['status', '--json'], ['preview', 'status'])).to.equal('status')
    expect(cacheCommand(['statsu'], ['preview', 'status'])).to.equal('other')
    expect(cacheCommand(['--version'], ['preview', 'status'])).to.equal('other')
    expect(cacheCommand([], ['status'])).to.equal('other')
    expect(cacheCommand(['status', '--help'], ['status'])).to.equal('other')
    const header: CodeCacheHeader = {bundle: `${SHA}:10:20`, command: 'status', node: 'v20.1.0-x64'}
    expect(codeCacheFile({HOME: '/home/u'}, 'linux', header)).to.equal(`/home/u/.cache/kedro-consent/code/${'a'.repeat(16)}-v20.1.0-x64-status.v8`)
    expect(nodeIdentity({arch: 'arm64', version: 'v22.0.0'})).to.equal('v22.0.0-arm64')
  })

  it('hands V8 only code written for this bundle, Node and command, and intact', () => {
    const folder = tempDir()
    const file = path.join(folder, 'c.v8')
    const header: CodeCacheHeader = {bundle: `${SHA}:10:20`, command: 'status', node: 'v20.1.0-x64'}
    const data = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])
    writeCodeCache(file, () => encodeCodeCache(header, data))
    expectValid('code-cache-header.schema.json', headerOf(file))
    expect(readCodeCache(file, header)).to.deep.equal(data)
    expect(readCodeCache(file, {...header, command: 'preview'})).to.equal(null)
    expect(readCodeCache(file, {...header, node: 'v22.0.0-x64'})).to.equal(null)
    expect(readCodeCache(file, {...header, bundle: `${SHA}:10:21`})).to.equal(null)
    // V8 aborts the process on damaged code rather than rejecting it: the hash stops it first.
    const damaged = readFileSync(file)
    damaged[damaged.length - 1] ^= 0xFF
    writeFileSync(file, damaged)
    expect(readCodeCache(file, header)).to.equal(null)
    writeFileSync(file, 'not a cache')
    expect(readCodeCache(file, header)).to.equal(null)
    expect(readCodeCache(path.join(folder, 'missing.v8'), header)).to.equal(null)
  })

  it('keeps the files of the three newest bundles, and no temporary file a killed writer left', () => {
    const folder = tempDir()
    const times = [100, 200, 300, 400]
    for (const [index, time] of times.entries()) {
      for (const command of ['status', 'other']) {
        const file = path.join(folder, `${index}${'b'.repeat(15)}-v20.1.0-x64-${command}.v8`)
        writeFileSync(file, 'x')
        utimesSync(file, time, time)
      }
    }

    const stale = path.join(folder, 'x.v8.1.tmp')
    const fresh = path.join(folder, 'x.v8.2.tmp')
    writeFileSync(stale, 'half')
    utimesSync(stale, 100, 100)
    writeFileSync(fresh, 'being written')
    writeCodeCache(path.join(folder, `4${'b'.repeat(15)}-v20.1.0-x64-status.v8`), () => Buffer.from('new'))
    expect(readdirSync(folder).sort()).to.deep.equal([
      `2${'b'.repeat(15)}-v20.1.0-x64-other.v8`, `2${'b'.repeat(15)}-v20.1.0-x64-status.v8`,
      `3${'b'.repeat(15)}-v20.1.0-x64-other.v8`, `3${'b'.repeat(15)}-v20.1.0-x64-status.v8`,
      `4${'b'.repeat(15)}-v20.1.0-x64-status.v8`, 'x.v8.2.tmp',
    ])
  })

  it('a write that cannot happen is no error', () => {
    const folder = tempDir()
    writeFileSync(path.join(folder, 'file'), 'x')
    expect(() => writeCodeCache(path.join(folder, 'file', 'code', 'c.v8'), () => Buffer.from('x'))).not.to.throw()
    expect(() => writeCodeCache(path.join(folder, 'c.v8'), () => {
      throw new Error('V8 could not make it')
    })).not.to.throw()
    expect(existsSync(path.join(folder, 'c.v8'))).to.equal(false)
  })

  it('loads a bundle, writes its code after the run, and compiles from it the next time', () => {
    const home = tempDir()
    const bundle = writeBundle(tempDir())
    const options = {argv: ['status'], env: {HOME: home}, platform: 'linux' as const}
    const first = loadBundle<{answer(x: number): number}>(bundle, options)
    expect(first.cache).to.equal('none')
    expect(first.exports.answer(21)).to.equal(42)
    expect(cacheFiles(home)).to.deep.equal([])
    first.saveCache()
    const [written] = cacheFiles(home)
    expect(written).to.match(/^a{16}-v\d.*-status\.v8$/)
    const cacheFile = path.join(home, '.cache', 'kedro-consent', 'code', written)
    expectValid('code-cache-header.schema.json', headerOf(cacheFile))
    const before = statSync(cacheFile).mtimeMs

    const second = loadBundle<{answer(x: number): number}>(bundle, options)
    expect(second.cache).to.equal('used')
    expect(second.exports.answer(5)).to.equal(10)
    second.saveCache()
    expect(statSync(cacheFile).mtimeMs).to.equal(before)
    // Another command has its own cache.
    expect(loadBundle(bundle, {...options, argv: ['preview']}).cache).to.equal('none')
  })

  it('the bundle as written is also a plain CommonJS module, as `oclif manifest` requires it', () => {
    const required = createRequire(import.meta.url)(writeBundle(tempDir())) as {answer(x: number): number}
    expect(required.answer(4)).to.equal(8)
  })

  it('an edited bundle is another bundle, whatever its last line says', () => {
    const home = tempDir()
    const folder = tempDir()
    const options = {argv: ['status'], env: {HOME: home}, platform: 'linux' as const}
    loadBundle(writeBundle(folder), options).saveCache()
    const edited = writeBundle(folder, 'exports.answer = function answer(x) { return x * 3 }')
    utimesSync(edited, 1000, 1000)
    const loaded = loadBundle<{answer(x: number): number}>(edited, options)
    expect(loaded.cache).to.equal('none')
    expect(loaded.exports.answer(2)).to.equal(6)
  })

  it('KEDRO_CONSENT_CODE_CACHE=0 or a bundle without the build\'s note: no cache read or written', () => {
    const home = tempDir()
    const folder = tempDir()
    const off = loadBundle(writeBundle(folder), {argv: ['status'], env: {HOME: home, KEDRO_CONSENT_CODE_CACHE: '0'}, platform: 'linux'})
    off.saveCache()
    expect(off.cache).to.equal('off')
    const plain = path.join(folder, 'plain.cjs')
    writeFileSync(plain, wrapBundle('exports.ok = true'))
    const unnoted = loadBundle<{ok: boolean}>(plain, {argv: ['status'], env: {HOME: home}, platform: 'linux'})
    unnoted.saveCache()
    expect(unnoted.cache).to.equal('off')
    expect(unnoted.exports.ok).to.equal(true)
    expect(cacheFiles(home)).to.deep.equal([])
  })
})
