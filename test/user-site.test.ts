import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync} from 'node:fs'
import path from 'node:path'

import {type UserSiteLayout, userSiteEnabled, userSitePackages} from '../src/python/user-site.js'
import {buildTelemetryRequests} from '../src/request/request.js'
import {cleanEnv, EXAMPLE, pythonEnvironment, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'

/** What the real python3 on PATH says, started with `env` (and nothing else of ours). */
function python(code: string, env: Record<string, string>): string {
  return execFileSync('python3', ['-c', code], {encoding: 'utf8', env: {PATH: process.env.PATH, ...env}}).trim()
}

const LAYOUT_CODE = 'import sys; print("\\0".join(["%d.%d" % sys.version_info[:2], getattr(sys, "abiflags", ""), getattr(sys, "_framework", "") or "", getattr(sys, "winver", "")]))'

function realLayout(): UserSiteLayout {
  const [minor, abiflags, framework, winver] = python(LAYOUT_CODE, {}).split('\0')
  return {abiflags, framework, minor, winver}
}

function distribution(site: string, name: string, version: string): Record<string, string> {
  return {[path.join(site, `${name.replaceAll('-', '_')}-${version}.dist-info`, 'METADATA')]: `Name: ${name}\nVersion: ${version}\n`}
}

describe('the user site-packages', () => {
  after(removeTempDirs)

  it('is the folder site.py computes, for every way the environment can name it (differential, against the real interpreter)', () => {
    const layout = realLayout()
    const home = tempDir('kc-home-')
    const envs: Record<string, string>[] = [{HOME: home}, {HOME: `${home}/`}, {HOME: ''}, {HOME: home, PYTHONUSERBASE: path.join(home, 'base')}, {HOME: home, PYTHONUSERBASE: ''}]
    for (const env of envs) {
      const expected = python('import site; print(site.getusersitepackages())', env)
      expect(userSitePackages(layout, env, process.platform), JSON.stringify(env)).to.equal(expected)
    }
  })

  it('is named as each platform names it', () => {
    const layout = {abiflags: '', framework: '', minor: '3.12', winver: '3.12'}
    expect(userSitePackages(layout, {HOME: '/home/u'}, 'linux')).to.equal('/home/u/.local/lib/python3.12/site-packages')
    expect(userSitePackages({...layout, abiflags: 't', minor: '3.13'}, {HOME: '/home/u'}, 'linux')).to.equal('/home/u/.local/lib/python3.13t/site-packages')
    expect(userSitePackages({...layout, framework: 'Python'}, {HOME: '/Users/u'}, 'darwin')).to.equal('/Users/u/Library/Python/3.12/lib/python/site-packages')
    expect(userSitePackages(layout, {HOME: '/Users/u'}, 'darwin')).to.equal('/Users/u/.local/lib/python3.12/site-packages')
    expect(userSitePackages(layout, {APPDATA: 'C:\\Users\\u\\AppData\\Roaming'}, 'win32')).to.equal('C:\\Users\\u\\AppData\\Roaming\\Python\\Python312\\site-packages')
    expect(userSitePackages({...layout, winver: '3.13t'}, {USERPROFILE: 'C:\\Users\\u'}, 'win32')).to.equal('C:\\Users\\u\\Python\\Python313t\\site-packages')
    expect(userSitePackages(layout, {PYTHONUSERBASE: 'D:\\py'}, 'win32')).to.equal('D:\\py\\Python312\\site-packages')
  })

  it('is left out under PYTHONNOUSERSITE, and in a virtualenv that does not include the system site-packages', () => {
    expect(userSiteEnabled({}, null)).to.equal(true)
    expect(userSiteEnabled({PYTHONNOUSERSITE: ''}, null)).to.equal(true)
    expect(userSiteEnabled({PYTHONNOUSERSITE: '1'}, null)).to.equal(false)
    expect(userSiteEnabled({}, {systemSitePackages: false})).to.equal(false)
    expect(userSiteEnabled({}, {systemSitePackages: true})).to.equal(true)
  })

  it('is where the interpreter\'s kedro and its requests come from, before its own site-packages, as the real interpreter finds them', async () => {
    const home = tempDir('kc-home-')
    const site = python('import site; print(site.getusersitepackages())', {HOME: home})
    writeFiles('/', {
      ...distribution(site, 'kedro', '1.5.0'), ...distribution(site, 'kedro-telemetry', '0.8.0'), ...distribution(site, 'requests', '2.99.0'),
      ...distribution(site, 'urllib3', '2.9.0'),
    })
    for (const extra of [{}, {PYTHONNOUSERSITE: '1'}] as Record<string, string>[]) {
      const env = cleanEnv({HOME: home, ...extra})
      const real = python('import importlib.metadata as m; print(m.version("requests"))', {HOME: home, ...extra})
      const result = await buildTelemetryRequests({args: ['info'], env, platform: 'linux', probePython: true, project: EXAMPLE})
      expect(result.requests[0]?.wireHeaders['User-Agent'], JSON.stringify(extra)).to.equal(`python-requests/${real}`)
      expect(result.context.kedroVersionSource.startsWith('reported by'), JSON.stringify(extra)).to.equal(real === '2.99.0')
    }
  })

  it('is where kedro finds kedro-telemetry when its virtualenv includes the system site-packages: then it sends', async () => {
    const home = tempDir('kc-home-')
    const site = python('import site; print(site.getusersitepackages())', {HOME: home})
    writeFiles('/', distribution(site, 'kedro-telemetry', '0.8.0'))
    const venv = pythonEnvironment({kedro: '1.5.0'}, {systemSitePackages: true})
    for (const extra of [{}, {PYTHONNOUSERSITE: '1'}] as Record<string, string>[]) {
      const real = execFileSync(path.join(venv, 'bin', 'python'), ['-c', 'import importlib.metadata as m\ntry: print(m.version("kedro-telemetry"))\nexcept m.PackageNotFoundError: print("none")'], {encoding: 'utf8', env: {HOME: home, PATH: process.env.PATH, ...extra}}).trim()
      const result = await buildTelemetryRequests({args: ['info'], env: cleanEnv({HOME: home, VIRTUAL_ENV: venv, ...extra}), platform: 'linux', probePython: true, project: EXAMPLE})
      expect(result.wouldSend, JSON.stringify(extra)).to.equal(real !== 'none')
      if (real !== 'none') expect(result.context.telemetryVersion).to.equal(real)
    }
  })

  it('is read for the interpreter the kedro on PATH names (pipx, uv tool, pip --user), not python3\'s: its first line, or pip\'s sh form for a long path', async () => {
    const venv = pythonEnvironment({'kedro': '1.4.0', 'kedro-telemetry': '0.7.0'})
    const python = path.join(venv, 'bin', 'python')
    for (const script of [`#!${python}\nimport sys\n`, `#!/bin/sh\n'''exec' "${python}" "$0" "$@"\n' '''\nimport sys\n`]) {
      const bin = tempDir('kc-bin-')
      writeFiles(bin, {kedro: script})
      chmodSync(path.join(bin, 'kedro'), 0o755)

      const result = await buildTelemetryRequests({args: ['info'], env: cleanEnv({PATH: `${bin}${path.delimiter}${process.env.PATH}`}), platform: 'linux', probePython: true, project: EXAMPLE})
      expect(result.context.kedroVersionSource, script).to.equal(`reported by ${python}`)
      expect(result.context.telemetryVersion).to.equal('0.7.0')
    }
  })
})
