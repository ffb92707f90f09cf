import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {hostname} from 'node:os'

import {runInProcess} from './helpers/in-process.js'
import {preview} from './helpers/preview.js'
import {makeProject, PYPROJECT, pythonEnvironment, removeTempDirs, tempDir} from './helpers/sandbox.js'

describe('telemetry preview: the opt-in era (before 0.6.0)', () => {
  after(removeTempDirs)

  it('0.5.x: a pending prompt sends nothing; --ignore-consent shows its two CLI events and the statistics event', async () => {
    const declined = await preview(['--telemetry-version', '0.5.0', 'run'])
    expect(declined).to.include({decidedBy: 'prompt-pending', wouldSend: false})
    expect(declined.requests).to.deep.equal([])
    const json = await preview(['--kedro-version', '1.4.0', '--telemetry-version', '0.5.0', '--ignore-consent', 'run', '--pipeline', 'data_science'], {env: {HOME: tempDir()}})
    expect(json.requests.map((request: {event: string}) => request.event)).to.deep.equal(['Command run: run', 'CLI command', 'Kedro Project Statistics'])
    const [first, second, third] = json.requests.map((request: {body: Record<string, unknown>}) => request.body)
    // identity goes last (and only when there is one); command on both CLI events, main_command on the second only.
    expect(Object.keys(first)).to.deep.equal(['app_id', 'event', 'timestamp', 'properties', 'identity'])
    expect(first.properties).to.include({command: 'kedro run --pipeline *****'}).and.not.to.have.property('main_command')
    expect(second.properties).to.include({command: 'kedro run --pipeline *****', main_command: 'run'})
    expect(third.properties).not.to.have.property('command')
    expect(third.properties).to.include({number_of_datasets: 7, number_of_nodes: 6, number_of_pipelines: 3})
    expect(Object.keys(third.properties as object).some((key) => key.startsWith('dataset_type_count'))).to.equal(false)
    // Its `", ".join(tools)` joins the characters of the template's string.
    expect((first.properties as {tools: string}).tools.startsWith("[, ', L, i, n, t")).to.equal(true)
  })

  it('masks with each release\'s own rules, read from its source (so not estimated), and shows the leading-help leak from 0.6.1', async () => {
    for (const version of ['0.8.0', '0.7.0', '0.5.0', '0.3.1']) {
      const json = await preview(['--telemetry-version', version, '--ignore-consent', 'run', '--pipeline', 'ds'])
      expect(json.estimated, version).not.to.include('properties.command')
    }

    const older = await preview(['--telemetry-version', '0.6.3', '--', '--help', 'run', '--pipeline', 'ds'])
    expect(older.leaked).to.deep.equal(['run', '--pipeline', 'ds'])
    const walk = await preview(['--telemetry-version', '0.5.0', '--ignore-consent', '--', '--help', 'run'])
    expect(walk.leaked).to.deep.equal([])
    expect(walk.requests[0].body.properties.command).to.equal('kedro --help *****')
    const vocabulary = await preview(['--telemetry-version', '0.3.1', '--ignore-consent', '--', '--help', 'run'])
    // --help is a name in the structure (every command has it): the vocabulary keeps it.
    expect(vocabulary.requests[0].body.properties.command).to.equal('kedro --help run')
    // A release newer than any known is masked with the newest rules, and says so.
    const newer = await preview(['--telemetry-version', '9.9.9', 'run'])
    expect(newer.estimated).to.include('properties.command')
    expect(newer.warnings.join(' ')).to.match(/newer than the newest release this tool knows/)
  })

  it('0.2.x to 0.3.1: no is_ci_env; tools as written from 0.3.1; statistics from 0.2.2 on, counting parameters up to 0.3.1', async () => {
    const v024 = await preview(['--telemetry-version', '0.2.4', '--ignore-consent', 'run'])
    expect(v024.requests.map((request: {event: string}) => request.event)).to.deep.equal(['Command run: run', 'CLI command', 'Kedro Project Statistics'])
    expect(Object.keys(v024.requests[1].body.properties)).to.deep.equal(['username', 'package_name', 'project_version', 'telemetry_version', 'python_version', 'os', 'command', 'main_command'])
    // Up to 0.3.1 the count is len(catalog.datasets.__dict__): `parameters` and a `params:` entry per key included,
    // read exactly (test/observed.test.ts checks it against the real releases).
    expect(v024.estimated).not.to.include('properties.number_of_datasets')
    const v032Statistics = (await preview(['--telemetry-version', '0.3.2', '--ignore-consent', 'run'])).requests[2].body.properties
    expect(v024.requests[2].body.properties.number_of_datasets).to.be.greaterThan(v032Statistics.number_of_datasets as number)
    const v021 = await preview(['--telemetry-version', '0.2.1', '--ignore-consent', 'run'])
    expect(v021.requests.map((request: {event: string}) => request.event)).to.deep.equal(['Command run: run', 'CLI command'])
    expect((await preview(['--telemetry-version', '0.3.0', '--ignore-consent', 'run'])).requests[1].body.properties).not.to.have.any.keys('is_ci_env', 'tools')
    // 0.3.1 sends tools as written in pyproject.toml; 0.3.2 adds is_ci_env and example_pipeline, and joins tools.
    expect((await preview(['--telemetry-version', '0.3.1', '--ignore-consent', 'run'])).requests[1].body.properties).to.include({tools: "['Linting', 'Testing', 'Data Structure']"}).and.not.to.have.property('is_ci_env')
    const v032 = (await preview(['--telemetry-version', '0.3.2', '--ignore-consent', 'run'])).requests[1].body.properties
    expect(v032).to.include.keys('is_ci_env', 'example_pipeline')
    expect(v032.tools).to.match(/^\[, ', L, i, n, t/)
  })

  it('0.5.x sends nothing outside a project', async () => {
    const json = await preview(['--telemetry-version', '0.5.0', '--ignore-consent', 'new'], {project: tempDir()})
    expect(json.requests).to.deep.equal([])
    expect(json.warnings.join(' ')).to.match(/outside a Kedro project/)
  })

  it('run from a folder inside the project, Kedro before 0.19 does not see it (the working directory only): outside a project', async () => {
    const project = makeProject({
      '.telemetry': 'consent: true\n', 'pyproject.toml': '[tool.kedro]\npackage_name = "demo"\nproject_name = "demo"\nkedro_init_version = "0.19.5"\n', 'src/.gitkeep': '',
    })
    const before = await preview(['--kedro-version', '0.18.14', '--telemetry-version', '0.3.2', 'info'], {project: `${project}/src`})
    expect(before.requests).to.deep.equal([])
    expect(before.warnings.join(' ')).to.match(/Kedro 0\.18\.14 looks for the project in the working directory only, so it does not see .*: kedro runs outside a project/)
    // From 0.19 kedro walks up to the project, and its .telemetry says yes.
    const after = await preview(['--kedro-version', '0.19.5', '--telemetry-version', '0.5.0', 'info'], {project: `${project}/src`})
    expect(after.requests.map((request) => request.event)).to.deep.equal(['Command run: info', 'CLI command'])
  })

  it('before 0.5.0: a hashed package name and, before 0.4.0, the hashed login name as both user ids', async () => {
    const json = await preview(['--telemetry-version', '0.3.0', '--ignore-consent', 'info'], {env: {LOGNAME: 'alice'}})
    const [request] = json.requests
    const sha512 = (text: string) => createHash('sha512').update(text).digest('hex')
    expect(request.body.identity).to.equal(sha512('alice'))
    expect(request.body.properties.username).to.equal(sha512('alice'))
    expect(request.body.properties).to.have.property('package_name').and.not.to.have.property('project_id')
    // Read from 0.3.x's source: nothing here is estimated.
    expect(json.estimated.filter((field: string) => ['identity', 'properties.username', 'properties.package_name'].includes(field))).to.deep.equal([])
    expect(json.warnings.join(' ')).not.to.match(/new user id|oldest request shape/)
    // Before 0.2.2 (read from 0.2.1's source): identity second, the hashed host name; command after username; the
    // hashed project name and the project's own version too. Only os.getlogin(), which needs a terminal, is unknown.
    const project18 = makeProject({'pyproject.toml': '[tool.kedro]\npackage_name = "demo"\nproject_name = "Demo Project"\nproject_version = "0.18.14"\n'})
    const oldArgs = ['--kedro-version', '0.18.14', '--telemetry-version', '0.2.1', '--ignore-consent', 'info']
    // Run by a Python that has Kedro 0.18.14 (which refuses Python 3.12 and later): whether kedro starts is known.
    const python = pythonEnvironment({kedro: '0.18.14'})
    const old = await preview(oldArgs, {env: {LOGNAME: 'alice', VIRTUAL_ENV: python}, project: project18})
    expect(Object.keys(old.requests[0].body)).to.deep.equal(['app_id', 'identity', 'event', 'timestamp', 'properties'])
    expect(old.requests[0].body.identity).to.equal(sha512(hostname()))
    expect(Object.keys(old.requests[0].body.properties)).to.deep.equal(['username', 'command', 'package_name', 'project_name', 'project_version', 'telemetry_version', 'python_version', 'os'])
    expect(old.requests[0].body.properties).to.include({project_name: sha512('Demo Project'), project_version: '0.18.14'})
    expect(old.estimated.filter((field: string) => field !== 'properties.python_version')).to.deep.equal(['properties.username'])
    expect((await preview(oldArgs, {env: {CI: 'true', LOGNAME: 'alice'}, project: project18})).requests[0].body.properties.username).to.equal('anonymous')
    // With Kedro 0.19 (which these releases do not support) ProjectMetadata has no project_version: estimated.
    expect((await preview(['--telemetry-version', '0.2.1', '--ignore-consent', 'info'], {env: {LOGNAME: 'alice'}})).estimated).to.include('properties.project_version')
    expect(request.body.properties.package_name).to.equal(sha512('spaceflights'))
    // Without a package name Kedro itself refuses to start: nothing at all is sent.
    const nameless = makeProject({'pyproject.toml': PYPROJECT.replace(/^package_name = .*$/m, '')})
    const unnamed = await preview(['--telemetry-version', '0.3.0', '--ignore-consent', 'info'], {project: nameless})
    expect(unnamed.requests).to.deep.equal([])
    expect(unnamed.warnings.join(' ')).to.match(/lacks package_name: Kedro [\d.]+ refuses to start; nothing is sent/)
  })
})

describe('preview argument delimiting', () => {
  it('marks off kedro\'s arguments at the first token that is not a preview flag', async () => {
    const {delimitPreviewArgv} = await import('../src/cli.js')
    expect(delimitPreviewArgv(['preview', 'run', '--help'])).to.deep.equal(['preview', '--', 'run', '--help'])
    expect(delimitPreviewArgv(['preview', '--project', 'x', 'run'])).to.deep.equal(['preview', '--project', 'x', '--', 'run'])
    expect(delimitPreviewArgv(['preview', '--project=x', '--json', 'run', '--json'])).to.deep.equal(['preview', '--project=x', '--json', '--', 'run', '--json'])
    expect(delimitPreviewArgv(['preview', '--set-env', 'A=1', '--set-env', 'B=2', '--ignore-consent'])).to.deep.equal(['preview', '--set-env', 'A=1', '--set-env', 'B=2', '--ignore-consent', '--'])
    expect(delimitPreviewArgv(['preview', '--kedro-version', '1.0.0', '--telemetry-version', '0.8.0', 'info'])).to.deep.equal(['preview', '--kedro-version', '1.0.0', '--telemetry-version', '0.8.0', '--', 'info'])
    expect(delimitPreviewArgv(['preview', '--', '--project', 'x'])).to.deep.equal(['preview', '--', '--project', 'x'])
    expect(delimitPreviewArgv(['preview', '--help'])).to.deep.equal(['preview', '--help', '--'])
    expect(delimitPreviewArgv(['status', '--help'])).to.deep.equal(['status', '--help'])
    // A flag missing its value is oclif's to report, not given "--" as its value.
    expect(delimitPreviewArgv(['preview', '--set-env'])).to.deep.equal(['preview', '--set-env'])
    const missing = await runInProcess(['preview', '--project'])
    expect(missing.code).to.equal(2)
    expect(missing.stderr).to.match(/--project expects a value/)
  })
})
