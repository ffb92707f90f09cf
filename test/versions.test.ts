import {expect} from 'chai'
import {writeFileSync} from 'node:fs'


import {parseCoreMetadata} from '../src/project/environment.js'
import {parseRequirement} from '../src/project/requirements.js'
import {detectVersions} from '../src/project/versions.js'
import {compareVersions} from '../src/python/pep440.js'
import {makeProject, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {NEWEST_KNOWN, telemetryRulesFor} from '../src/releases/releases.js'

/** A virtualenv (its pyvenv.cfg too: without one, site.py adds the user site) with these distributions. */
function venv(prefix: string, packages: Record<string, string>, layout = 'lib/python3.11/site-packages'): void {
  writeFiles(prefix, {
    'pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = false\n',
    ...Object.fromEntries(Object.entries(packages).map(([name, version]) => [
      `${layout}/${name.replaceAll('-', '_')}-${version}.dist-info/METADATA`,
      `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: x\n\nName: not-this\n`,
    ])),
  })
}

describe('versions', () => {
  it('one rule settles the kedro-telemetry release of a detected version: its own, the newest for a non-version (estimated), none', () => {
    expect(telemetryRulesFor('0.3.2')).to.deep.include({estimated: null})
    expect(telemetryRulesFor('0.3.2').release).to.include({consentModel: 'opt-in', version: '0.3.2'})
    const odd = telemetryRulesFor('latest')
    expect(odd.release?.version).to.equal(NEWEST_KNOWN.kedroTelemetry)
    expect(odd.estimated).to.equal(`kedro-telemetry version "latest" is not a valid version; estimated with the rules of ${NEWEST_KNOWN.kedroTelemetry}`)
    expect(telemetryRulesFor(null)).to.deep.equal({estimated: null, release: null})
  })

  after(removeTempDirs)

  it('compares PEP 440 versions', () => {
    const ordered = ['0.1.3', '0.5.0', '0.6.0.dev1', '0.6.0a1', '0.6.0rc1', '0.6.0', '0.6.0.post1', '0.6.5', '0.8.0', '1.0.0']
    for (let i = 1; i < ordered.length; i++) expect(compareVersions(ordered[i - 1], ordered[i]), `${ordered[i - 1]} < ${ordered[i]}`).to.be.lessThan(0)
    expect(compareVersions('0.8', '0.8.0')).to.equal(0)
  })

  it('parses requirement lines and exact pins only', () => {
    expect(parseRequirement('kedro-telemetry==0.6.5')).to.deep.equal({name: 'kedro-telemetry', pinned: '0.6.5', specifier: '==0.6.5'})
    expect(parseRequirement('Kedro_Telemetry === 0.5.0 ; python_version > "3.8"  # why')?.pinned).to.equal('0.5.0')
    expect(parseRequirement('kedro[jupyter]==1.5.0')).to.include({name: 'kedro', pinned: '1.5.0'})
    expect(parseRequirement('kedro~=1.5.0')).to.include({pinned: null, specifier: '~=1.5.0'})
    expect(parseRequirement('kedro==1.*')?.pinned).to.equal(null)
    expect(parseRequirement('kedro>=0.19,<2')?.pinned).to.equal(null)
    expect(parseRequirement('# comment')).to.equal(null)
    expect(parseRequirement('-r other.txt')).to.equal(null)
  })

  it('reads the user site where site.py adds it: after a virtualenv\'s own when it includes the system site-packages, never under PYTHONNOUSERSITE', async () => {
    const root = makeProject()
    const home = tempDir('kc-home-')
    venv(`${root}/.venv`, {kedro: '1.5.0'})
    writeFiles(`${home}/.local/lib/python3.11/site-packages`, {'kedro_telemetry-0.7.0.dist-info/METADATA': 'Name: kedro-telemetry\nVersion: 0.7.0\n'})
    const detect = (env: Record<string, string>) => detectVersions({env, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect((await detect({HOME: home})).telemetry).to.include({source: 'not-installed'})
    writeFileSync(`${root}/.venv/pyvenv.cfg`, 'home = /usr/bin\ninclude-system-site-packages = true\n')
    const open = await detect({HOME: home})
    expect(open.environment?.sitePackages).to.deep.equal([`${root}/.venv/lib/python3.11/site-packages`, `${home}/.local/lib/python3.11/site-packages`])
    expect(open.telemetry).to.include({source: 'installed', version: '0.7.0'})
    expect((await detect({HOME: home, PYTHONNOUSERSITE: 'x'})).telemetry).to.include({source: 'assumed'})
  })

  it('reads the virtualenv of the interpreter the kedro on PATH names (pipx, uv tool) when the project has none', async () => {
    const root = makeProject()
    const tool = tempDir('kc-pipx-')
    venv(tool, {'kedro': '1.5.0', 'kedro-telemetry': '0.7.0'})
    writeFiles(tool, {'bin/python': ''})
    const bin = tempDir('kc-bin-')
    writeFiles(bin, {kedro: `#!${tool}/bin/python\nimport sys\n`})
    const versions = await detectVersions({env: {HOME: tempDir('kc-home-'), PATH: bin}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect(versions.environment).to.include({prefix: tool, source: 'kedro on PATH'})
    expect(versions.telemetry).to.include({source: 'installed', version: '0.7.0'})
    // A kedro script naming no interpreter (env python3) leaves the versions to the pins.
    writeFiles(bin, {kedro: '#!/usr/bin/env python3\nimport sys\n'})
    expect((await detectVersions({env: {HOME: tempDir('kc-home-'), PATH: bin}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})).environment).to.equal(null)
  })

  it('reads the metadata a .pth file\'s folder holds (a setup.py develop install), as importlib.metadata does', async () => {
    const root = makeProject()
    const checkout = `${root}/vendor/kedro-telemetry`
    writeFiles(checkout, {'kedro_telemetry.egg-info/PKG-INFO': 'Metadata-Version: 1.1\nName: kedro-telemetry\nVersion: 0.7.0\n'})
    venv(`${root}/.venv`, {kedro: '1.5.0'})
    writeFiles(`${root}/.venv/lib/python3.11/site-packages`, {'easy-install.pth': `${checkout}\n`})
    const versions = await detectVersions({env: {HOME: tempDir('kc-home-')}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect(versions.telemetry).to.include({source: 'installed', version: '0.7.0'})
  })

  it('does not call kedro-telemetry "not installed" where a .pth file names what is not read (a zip, a folder outside the project)', async () => {
    for (const named of ['zip', 'outside']) {
      const root = makeProject()
      venv(`${root}/.venv`, {kedro: '1.5.0'})
      const elsewhere = tempDir('kc-develop-')
      writeFiles(elsewhere, {'kedro_telemetry-0.7.0-py3.11.egg': 'PK', 'kedro_telemetry.egg-info/PKG-INFO': 'Name: kedro-telemetry\nVersion: 0.7.0\n'})
      const line = named === 'zip' ? `${root}/vendor/kedro_telemetry-0.7.0-py3.11.egg` : elsewhere
      if (named === 'zip') writeFiles(root, {'vendor/kedro_telemetry-0.7.0-py3.11.egg': 'PK'})
      writeFiles(`${root}/.venv/lib/python3.11/site-packages`, {'easy-install.pth': `${line}\n`})

      const versions = await detectVersions({env: {HOME: tempDir('kc-home-')}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
      expect(versions.telemetry.source, named).to.equal('assumed')
      expect(versions.telemetry.detail, named).to.match(/a \.pth file there names a zip or a folder outside the project/)
    }
  })

  it('reads Name and Version from the metadata headers only', () => {
    expect(parseCoreMetadata('Metadata-Version: 2.1\nName: kedro\nVersion: 1.5.0\n\nVersion: 9')).to.deep.equal({name: 'kedro', version: '1.5.0'})
  })

  it('prefers the project .venv: installed versions, no Python run', async () => {
    const root = makeProject({'requirements.txt': 'kedro-telemetry==0.5.0\n'})
    venv(`${root}/.venv`, {'kedro': '1.0.0', 'kedro-telemetry': '0.6.5', 'kedro-viz': '12.4.0'})
    const versions = await detectVersions({env: {}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect(versions.environment).to.deep.equal({prefix: `${root}/.venv`, sitePackages: [`${root}/.venv/lib/python3.11/site-packages`], source: '.venv', systemSitePackages: false})
    // A venv made with --system-site-packages imports the base interpreter's packages too, which are not read.
    writeFileSync(`${root}/.venv/pyvenv.cfg`, 'home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.11.2\n')
    expect((await detectVersions({env: {}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})).environment?.systemSitePackages).to.equal(true)
    expect(versions.kedro).to.include({source: 'installed', version: '1.0.0'})
    expect(versions.telemetry).to.include({source: 'installed', version: '0.6.5'})
    expect(versions.installed['kedro-viz']).to.equal('12.4.0')
  })

  it('$VIRTUAL_ENV comes first, and a Windows layout is read too', async () => {
    const root = makeProject()
    venv(`${root}/venv`, {'kedro': '1.0.0', 'kedro-telemetry': '0.6.5'})
    const active = tempDir()
    venv(active, {'kedro': '0.19.14', 'kedro-telemetry': '0.7.0'}, 'Lib/site-packages')
    const versions = await detectVersions({env: {VIRTUAL_ENV: active}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect(versions.environment?.source).to.equal('VIRTUAL_ENV')
    expect(versions.telemetry.version).to.equal('0.7.0')
  })

  it('kedro installed without kedro-telemetry: not installed', async () => {
    const root = makeProject()
    venv(`${root}/.venv`, {kedro: '0.19.3'})
    const versions = await detectVersions({env: {}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect(versions.telemetry).to.include({source: 'not-installed', version: null})
  })

  it('falls back to pins in requirements files and pyproject', async () => {
    const root = makeProject({'src/requirements.txt': 'kedro==0.18.14\nkedro-telemetry==0.3.1\n'})
    const versions = await detectVersions({env: {}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect(versions.kedro).to.include({source: 'pinned', version: '0.18.14'})
    expect(versions.telemetry).to.include({source: 'pinned', version: '0.3.1'})
    expect(versions.telemetry.detail).to.contain('src/requirements.txt:2')
    const fromPyproject = await detectVersions({env: {}, kedroInitVersion: null, projectRoot: makeProject(), pyprojectDependencies: ['kedro-telemetry==0.6.0']})
    expect(fromPyproject.telemetry).to.include({source: 'pinned', version: '0.6.0'})
  })

  it('assumes the latest known version otherwise, and says what it saw', async () => {
    const root = makeProject({'requirements.txt': 'kedro-telemetry>=0.4\n'})
    const versions = await detectVersions({env: {}, kedroInitVersion: '0.19.9', projectRoot: root, pyprojectDependencies: []})
    expect(versions.telemetry).to.include({source: 'assumed', version: NEWEST_KNOWN.kedroTelemetry})
    expect(versions.telemetry.detail).to.contain('>=0.4').and.to.contain('not an exact pin')
    expect(versions.kedro).to.include({source: 'assumed', version: '0.19.9'})
  })

  it('warns that an old pinned kedro may not install kedro-telemetry at all', async () => {
    const root = makeProject({'requirements.txt': 'kedro==0.19.3\n'})
    const versions = await detectVersions({env: {}, kedroInitVersion: null, projectRoot: root, pyprojectDependencies: []})
    expect(versions.telemetry.detail).to.contain('may not be installed')
  })
})
