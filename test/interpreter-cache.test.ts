import {expect} from 'chai'
import {chmodSync, readFileSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {
  interpreterCacheFile, interpreterIdentity, readInterpreterCache, rememberedFacts, rememberFacts,
} from '../src/request/interpreter-cache.js'
import {cacheDirectory} from '../src/user-cache.js'
import type {PreviewResult} from '../src/request/request.js'
import {runInProcess} from './helpers/in-process.js'
import {EXAMPLE, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

/** A stand-in interpreter that answers as the probe expects and leaves one line in `log` per run. */
function countingInterpreter(folder: string, log: string, version = '3.12.1 (main) [GCC]'): string {
  const executable = path.join(folder, 'bin', 'python')
  writeFiles(folder, {
    'bin/python': `#!/bin/sh\necho ran >> '${log}'\nprintf '%s\\0%s\\0%s\\0%s\\0%s\\0%s\\0%s' '${version}' linux 3.12 '' '' '' '${folder}/lib/python3.12/site-packages'\n`,
    'lib/python3.12/site-packages/x.dist-info/METADATA': 'Name: x\nVersion: 1\n',
  })
  chmodSync(executable, 0o755)
  return executable
}

const runs = (log: string) => {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean).length
  } catch {
    return 0
  }
}

describe('the interpreter cache', () => {
  after(removeTempDirs)

  it('lives in the platform\'s user cache folder', () => {
    expect(cacheDirectory({HOME: '/home/u'}, 'linux')).to.equal('/home/u/.cache/kedro-consent')
    expect(cacheDirectory({HOME: '/home/u', XDG_CACHE_HOME: '/var/c'}, 'linux')).to.equal('/var/c/kedro-consent')
    // A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
    expect(cacheDirectory({HOME: '/home/u', XDG_CACHE_HOME: 'rel'}, 'linux')).to.equal('/home/u/.cache/kedro-consent')
    expect(cacheDirectory({HOME: '/Users/u'}, 'darwin')).to.equal('/Users/u/Library/Caches/kedro-consent')
    expect(interpreterCacheFile({HOME: 'C:\\Users\\u', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local'}, 'win32')).to.equal('C:\\Users\\u\\AppData\\Local\\kedro-consent\\Cache\\interpreters.json')
  })

  it('an answer holds only while the interpreter and its pyvenv.cfg are the same files', async () => {
    const folder = tempDir()
    const executable = countingInterpreter(folder, path.join(folder, 'log'))
    const first = await interpreterIdentity(executable)
    expect(first).to.be.a('string')
    expect(await interpreterIdentity(executable)).to.equal(first)
    writeFileSync(path.join(folder, 'pyvenv.cfg'), 'home = /usr/bin\n')
    const withConfig = await interpreterIdentity(executable)
    expect(withConfig).not.to.equal(first)
    utimesSync(executable, new Date(2020, 0, 1), new Date(2020, 0, 1))
    expect(await interpreterIdentity(executable)).not.to.equal(withConfig)
    expect(await interpreterIdentity(path.join(folder, 'missing'))).to.equal(null)
  })

  it('keeps the newest 32 answers, and ignores a cache it cannot read', async () => {
    const file = path.join(tempDir(), 'cache', 'interpreters.json')
    let entries = await readInterpreterCache(file)
    expect(entries).to.deep.equal([])
    for (let i = 0; i < 40; i++) {
      await rememberFacts(file, entries, {executable: `/py/${i}`, platform: 'linux', sitePackages: [`/py/${i}/site`], version: `3.${i}`}, `id${i}`)
      entries = await readInterpreterCache(file)
    }

    expectValid('interpreter-cache.schema.json', JSON.parse(readFileSync(file, 'utf8')))
    expect(entries).to.have.length(32)
    expect(rememberedFacts(entries, '/py/39', 'id39')).to.deep.equal({executable: '/py/39', platform: 'linux', sitePackages: ['/py/39/site'], version: '3.39'})
    // Another identity (the file changed) or an answer pushed out is not an answer.
    expect(rememberedFacts(entries, '/py/39', 'id38')).to.equal(null)
    expect(rememberedFacts(entries, '/py/0', 'id0')).to.equal(null)
    for (const text of ['not json', '{"version": 1, "entries": [{"executable": "/py/1", "identity": "id1", "facts": {"version": "3.1", "platform": "linux", "sitePackages": []}}]}', '{"version": 2, "entries": [{"executable": 1}]}']) {
      writeFileSync(file, text)
      expect(await readInterpreterCache(file)).to.deep.equal([])
    }
  })

  it('telemetry preview asks an unchanged interpreter once, and again once it changes', async () => {
    const root = tempDir()
    writeFiles(root, {'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8')})
    const log = path.join(tempDir(), 'log')
    const executable = countingInterpreter(path.join(root, '.venv'), log)
    const home = tempDir('kc-home-')
    const preview = async () => {
      const result = await runInProcess(['preview', '--json', '--trust-project-python', '--project', root, 'info'], {env: {HOME: home}})
      expect(result.code, result.stderr).to.equal(0)
      return (JSON.parse(result.stdout) as PreviewResult).requests[0].body.properties as Record<string, unknown>
    }

    expect(await preview()).to.include({python_version: '3.12.1 (main) [GCC]'})
    expect(await preview()).to.include({python_version: '3.12.1 (main) [GCC]'})
    expect(runs(log)).to.equal(1)
    expectValid('interpreter-cache.schema.json', JSON.parse(readFileSync(path.join(home, '.cache', 'kedro-consent', 'interpreters.json'), 'utf8')))
    // An upgraded interpreter (another file at the same path) is asked again, and its answer is sent.
    countingInterpreter(path.join(root, '.venv'), log, '3.12.9 (main) [GCC]')
    utimesSync(executable, new Date(2021, 0, 1), new Date(2021, 0, 1))
    expect(await preview()).to.include({python_version: '3.12.9 (main) [GCC]'})
    expect(runs(log)).to.equal(2)
  })
})
