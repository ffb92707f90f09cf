import {expect} from 'chai'
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {checkReadable} from '../src/project/working-directory.js'
import type {StatusReport} from '../src/status/status.js'
import {type InProcessOptions, runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {EXAMPLE, exampleRepository, git, gitCommitAll, gitInit, makeProject, removeTempDirs, runCli, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'
import {NEWEST_KNOWN} from '../src/releases/releases.js'

async function status(args: string[], options: InProcessOptions = {}): Promise<StatusReport> {
  const result = await runJsonInProcess<StatusReport>(['status', ...args], options)
  expect(result.code, result.stderr).to.equal(0)
  expectValid('status.schema.json', result.json)
  return result.json
}

describe('telemetry status', () => {
  after(removeTempDirs)

  it('reports the bundled example: implicit consent, gitignored, committed project id', async () => {
    const example = exampleRepository()
    const json = await status([example])
    expect(json.consent).to.include({decidedBy: 'default', explicit: false, implicit: true, willSend: true})
    expect(json.project).to.include({isKedroProject: true, kedroVersion: '1.5.0', kedroVersionSource: 'pinned', packageName: 'spaceflights', root: example})
    expect(json.project).to.include({telemetryVersion: NEWEST_KNOWN.kedroTelemetry, telemetryVersionSource: 'assumed'})
    expect(json.file).to.include({consent: null, exists: false, valid: false})
    expect(json.git).to.include({everCommitted: false, ignored: true, repository: true, tracked: false})
    expect(json.git.ignoredBy?.pattern).to.equal('.telemetry')
    expect(json.identity).to.include({projectId: '3c6ada3277824c7585adb3b159d06167', userId: null})
    expect(json.identity.hashedProjectId).to.match(/^8cce493deace1462/)
    expect(json.scope).to.deep.equal(['Kedro CLI', 'Kedro-Viz CLI', 'Kedro-Viz UI'])
    expect(json.advice).to.contain('`telemetry opt-out` here').and.to.contain('`telemetry opt-out --global` for every project')
  })

  it('--check is a CI gate: exit 1 when kedro would send, 0 when not; --quiet prints nothing', async () => {
    const sends = await runInProcess(['status', EXAMPLE, '--check', '--quiet'])
    expect(sends).to.deep.include({code: 1, stdout: ''})
    const off = await runInProcess(['status', EXAMPLE, '--check', '--quiet'], {env: {DO_NOT_TRACK: '1'}})
    expect(off).to.deep.include({code: 0, stdout: ''})
    // Without --check the exit code is 0 either way; --check alone still prints the summary.
    expect((await runInProcess(['status', EXAMPLE, '--quiet'])).code).to.equal(0)
    expect((await runInProcess(['status', EXAMPLE, '--check'], {env: {NO_COLOR: '1'}})).stdout).to.match(/WILL SEND/)
  })

  it('finds the project root from a subdirectory, as kedro 0.19+ does', async () => {
    const root = makeProject({'src/demo/__init__.py': ''})
    expect((await status([path.join(root, 'src', 'demo')])).project.root).to.equal(root)
    expect((await status([], {cwd: path.join(root, 'src')})).project.root).to.equal(root)
  })

  it('kedro before 0.19 only looks in the working directory', async () => {
    const root = makeProject({'requirements.txt': 'kedro==0.18.14\nkedro-telemetry==0.3.1\n', 'src/x/a.py': ''})
    const json = await status([path.join(root, 'src', 'x')])
    expect(json.project.root).to.equal(null)
    expect(json.project.note).to.match(/working directory only/)
  })

  describe('every env rule, through the CLI', () => {
    const project = () => makeProject({'.telemetry': 'consent: true\n'})
    const cases: [Record<string, string>, string, boolean][] = [
      [{DO_NOT_TRACK: '0'}, 'DO_NOT_TRACK', false],
      [{DO_NOT_TRACK: 'false'}, 'DO_NOT_TRACK', false],
      [{DO_NOT_TRACK: '', KEDRO_DISABLE_TELEMETRY: '1'}, 'KEDRO_DISABLE_TELEMETRY', false],
      [{GITHUB_REPOSITORY_OWNER: 'kedro-org'}, 'GITHUB_REPOSITORY_OWNER', false],
      [{GITHUB_REPOSITORY_OWNER: 'someone'}, 'telemetry-file', true],
      [{}, 'telemetry-file', true],
    ]
    for (const [env, decidedBy, willSend] of cases) {
      it(`${JSON.stringify(env)} -> ${decidedBy}`, async () => {
        const json = await status([project()], {env})
        expect(json.consent).to.include({decidedBy, willSend})
        const decisive = json.consent.sources.filter((s: {decisive: boolean}) => s.decisive)
        expect(decisive.map((s: {name: string}) => s.name)).to.deep.equal([decidedBy === 'telemetry-file' ? '.telemetry' : decidedBy])
      })
    }
  })

  describe('the .telemetry file, through the CLI', () => {
    const rows: [string, boolean | null, string][] = [
      ['consent: off', false, 'telemetry-file'],
      ['consent: yes', true, 'telemetry-file'],
      ['consent: "false"', null, 'default'],
      ['consent: n', null, 'default'],
    ]
    for (const [text, consent, decidedBy] of rows) {
      it(`${JSON.stringify(text)}: file consent ${consent}, decided by ${decidedBy}`, async () => {
        const json = await status([makeProject({'.telemetry': text})])
        expect(json.file).to.include({consent, exists: true, valid: consent !== null})
        expect(json.consent).to.include({decidedBy, explicit: consent !== null, willSend: consent !== false})
      })
    }

    it('a misread value is named in the advice', async () => {
      const json = await status([makeProject({'.telemetry': 'consent: "false"'})])
      expect(json.file).to.include({meant: false, rawConsent: '"false"'})
      expect(json.advice).to.contain('consent: "false"').and.to.contain('unquoted')
      // The table shows the value as written, not escaped once more.
      const text = (await runInProcess(['status', '--verbose', makeProject({'.telemetry': 'consent: "false"'})], {env: {NO_COLOR: '1'}})).stdout
      expect(text).to.match(/^\.telemetry +"false" +no decision/m).and.not.to.contain('\\"')
    })

    it('a syntax error is reported as "kedro would fail"', async () => {
      const root = makeProject({'.telemetry': 'consent: ['})
      const json = await status([root])
      expect(json.consent).to.include({kedroWouldFail: true, willSend: false})
      expect(json.advice).to.match(/kedro fails reading it/)
      const text = await runInProcess(['status', root])
      expect(text.stdout).to.contain('KEDRO WOULD FAIL')
    })
  })

  it('the opt-in era: a pending prompt, nothing sent; without a terminal the question aborts or waits', async () => {
    const json = await status([makeProject({'requirements.txt': 'kedro-telemetry==0.5.0\n'})], {env: {CI: 'true'}})
    expect(json.consent).to.include({decidedBy: 'prompt-pending', model: 'opt-in', promptPending: true, willSend: false})
    expect(json.consent.reason).to.match(/aborted where standard input is closed/)
    expect(json.ci).to.include({kedroDetects: true, kedroMatchedBy: 'CI=true'})
  })

  it('reads versions from the project virtualenv without running Python', async () => {
    const root = makeProject()
    writeFiles(root, {
      '.venv/lib/python3.12/site-packages/kedro-1.0.0.dist-info/METADATA': 'Name: kedro\nVersion: 1.0.0\n',
      '.venv/lib/python3.12/site-packages/kedro_telemetry-0.6.4.dist-info/METADATA': 'Name: kedro-telemetry\nVersion: 0.6.4\n',
    })
    const json = await status([root], {env: {GITHUB_REPOSITORY_OWNER: 'kedro-org'}})
    expect(json.project).to.include({telemetryVersion: '0.6.4', telemetryVersionSource: 'installed'})
    // 0.6.4 predates the kedro-org rule, so the default decides.
    expect(json.consent).to.include({decidedBy: 'default', willSend: true})
  })

  it('CI on and off: kedro\'s rule and ci-info, and CI never stops sending', async () => {
    const off = await status([makeProject()])
    expect(off.ci).to.include({kedroDetects: false, wideDetects: false})
    const github = await status([makeProject()], {env: {GITHUB_ACTIONS: 'true'}})
    expect(github.ci).to.include({kedroDetects: false, wideDetects: true, wideVendor: 'GitHub Actions'})
    const gitlab = await status([makeProject()], {env: {CI: 'true', GITLAB_CI: 'true'}})
    expect(gitlab.ci).to.include({kedroDetects: true, wideDetects: true})
    expect(gitlab.consent.willSend).to.equal(true)
    expect(gitlab.ci.note).to.match(/never stops/)
    // The advice fits where it runs: in CI, the opt-out that holds for the job.
    expect(gitlab.advice).to.match(/telemetry opt-out --ci/)
    expect(off.advice).to.match(/`telemetry opt-out` here/).and.not.to.match(/--ci/)
  })

  describe('git', () => {
    it('a committed .telemetry: tracked, ever committed, and the advice says how to untrack it', async () => {
      const root = makeProject({'.telemetry': 'consent: false\n'})
      gitInit(root)
      const commit = gitCommitAll(root, 'oops')
      const json = await status([root])
      expect(json.git).to.include({everCommitted: true, ignored: false, tracked: true})
      expect(json.git.commits[0].hash).to.equal(commit)
      expect(json.advice).to.contain('git rm --cached .telemetry')
    })

    it('not ignored in a repository: the advice says add it to .gitignore', async () => {
      const root = makeProject({'.telemetry': 'consent: false\n'})
      gitInit(root)
      const json = await status([root])
      expect(json.git).to.include({ignored: false, ignoredBy: null, repository: true, tracked: false})
      expect(json.advice).to.match(/\.gitignore/)
    })

    it('the project id committed at HEAD is reported as recomputable', async () => {
      const root = makeProject({'pyproject.toml': `${readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8')}`})
      gitInit(root)
      gitCommitAll(root, 'initial')
      const json = await status([root])
      expect(json.identity).to.include({projectIdCommitted: true})
      expect(json.identity.projectIdNote).to.match(/recompute/)
    })

    it('not a git repository: nulls and a plain note', async () => {
      const json = await status([makeProject()])
      expect(json.git).to.include({everCommitted: null, ignored: null, repository: false, tracked: null})
      expect(json.git.note).to.equal('not a git repository')
    })

    it('no git binary: reported, not a crash', async () => {
      // PATH holds only a node binary, no git.
      const bin = tempDir()
      const nodeLink = path.join(bin, 'node')
      writeFileSync(nodeLink, `#!/bin/sh\nexec ${process.execPath} "$@"\n`)
      chmodSync(nodeLink, 0o755)
      const json = await status([makeProject()], {env: {PATH: bin}})
      expect(json.git).to.include({available: false, repository: false})
      expect(json.git.note).to.match(/git is not installed/)
    })
  })

  it('identity: the user id from telemetry.toml under XDG_CONFIG_HOME', async () => {
    const config = tempDir()
    writeFiles(config, {'kedro/telemetry.toml': '[telemetry]\nuuid = "0d5c2f6e-8a3b-4c1d-9e7f-123456789abc"\n'})
    const json = await status([makeProject()], {env: {XDG_CONFIG_HOME: config}})
    expect(json.identity).to.include({userId: '0d5c2f6e8a3b4c1d9e7f123456789abc', userIdExists: true, userIdPath: path.join(config, 'kedro', 'telemetry.toml')})
  })

  it('a directory that is not a Kedro project: env-level decision, no .telemetry read', async () => {
    const dir = tempDir()
    writeFiles(dir, {'.telemetry': 'consent: false\n', 'pyproject.toml': '[tool.kedro_telemetry]\nproject_id = "x"\n'})
    const json = await status([dir])
    expect(json.project).to.include({isKedroProject: false, root: null})
    expect(json.consent).to.include({decidedBy: 'default', willSend: true})
    expect(json.file.exists).to.equal(false)
    expect((await status([dir], {env: {DO_NOT_TRACK: '1'}})).consent.willSend).to.equal(false)
    const text = await runInProcess(['status', dir])
    expect(text.stdout).to.contain('Not in a Kedro project')
    expect((await runInProcess(['status', '--verbose', dir])).stdout).to.contain('not a Kedro project')
  })

  describe('bad input: one line, a hint, exit 2', () => {
    const cases: [string, () => string, RegExp][] = [
      ['a path that does not exist', () => path.join(tempDir(), 'nope'), /no such directory/],
      ['a file', () => path.join(makeProject(), 'pyproject.toml'), /is a file, not a directory/],
    ]
    for (const [name, make, message] of cases) {
      it(name, async () => {
        const target = make()
        const result = await runInProcess(['status', target])
        expect(result.code).to.equal(2)
        expect(result.stdout).to.equal('')
        const lines = result.stderr.trim().split('\n')
        expect(lines[0]).to.match(message).and.to.match(/^Error: /)
        expect(lines[1]).to.match(/^Hint: /)
        expect(lines).to.have.length(2)
        const json = await runJsonInProcess<{error: {message: string}}>(['status', target])
        expect(json.code).to.equal(2)
        expectValid('error.schema.json', json.json)
        expect(json.json.error.message).to.match(message)
      })
    }

    it('an unreadable directory', async () => {
      const refuse = async () => {
        throw Object.assign(new Error('denied'), {code: 'EACCES'})
      }

      const error = await checkReadable('/x', 'x', refuse).then(() => null, (error_: Error) => error_)
      expect(error?.message).to.equal('x: directory is not readable (EACCES)')
    })

    it('an unknown flag is a usage error (exit 2), with or without --json', async () => {
      expect((await runInProcess(['status', '--bogus'])).code).to.equal(2)
      const json = await runInProcess(['status', '--bogus', '--json'])
      expect(json.code).to.equal(2)
      // The documented error shape, not oclif's whole error object.
      const error = JSON.parse(json.stdout) as {error: {code: string; message: string}}
      expectValid('error.schema.json', error)
      expect(error.error).to.include({code: 'USAGE', message: 'Nonexistent flag: --bogus'})
    })
  })

  describe('output', () => {
    it('plain text without a TTY: no colour, no table borders', async () => {
      const result = await runInProcess(['status', EXAMPLE])
      expect(result.code).to.equal(0)
      expect(result.stdout).to.contain('WILL SEND usage data, although nobody said yes')
      expect(result.stdout).not.to.match(/\u001B\[/)
      expect(result.stdout).not.to.match(/[┌│─]/)
      expect(result.stdout).to.contain('Next: ')
    })

    it('a short summary by default (a dozen lines at most), the full trace with --verbose', async () => {
      const short = (await runInProcess(['status', EXAMPLE], {env: {NO_COLOR: '1'}})).stdout.trimEnd().split('\n')
      expect(short.length).to.be.at.most(12)
      expect(short[1]).to.equal('WILL SEND usage data, although nobody said yes')
      expect(short[2]).to.equal('Why: nothing here says no, and kedro sends unless told not to')
      expect(short.join(' ').match(/nobody said yes/g)).to.have.length(1)
      expect(short.join(' ')).not.to.match(/decided by|opt-out model|telemetry-file/i)
      expect(short.find((line) => line.startsWith('Next: '))).to.match(/telemetry opt-out/)
      const full = (await runInProcess(['status', '--verbose', EXAMPLE], {env: {NO_COLOR: '1'}})).stdout
      expect(full).to.contain('Sources looked at, in kedro-telemetry\'s order').and.to.contain('Advice: ')
      expect(full.split('\n').length).to.be.greaterThan(short.length * 2)
    })

    it('on a TTY: tables and colour, and NO_COLOR turns colour off', async () => {
      const tty = runCli(['status', '--verbose', EXAMPLE], {env: {TERM: 'xterm-256color'}, tty: true})
      expect(tty.code).to.equal(0)
      expect(tty.stdout).to.match(/[┌│─]/)
      expect(tty.stdout).to.match(/\u001B\[/)
      const noColor = runCli(['status', '--verbose', EXAMPLE], {env: {NO_COLOR: '1', TERM: 'xterm-256color'}, tty: true})
      expect(noColor.stdout).to.match(/[┌│─]/)
      expect(noColor.stdout).not.to.match(/\u001B\[/)
    })

    it('--help shows examples', async () => {
      const help = await runInProcess(['status', '--help'])
      expect(help.code).to.equal(0)
      expect(help.stdout).to.contain('EXAMPLES').and.to.contain('telemetry status examples/spaceflights')
    })
  })

  it('inside a git repo whose path has spaces and a .telemetry directory', async () => {
    const parent = path.join(tempDir(), 'my projects')
    mkdirSync(parent)
    const root = makeProject({}, parent)
    mkdirSync(path.join(root, '.telemetry'))
    gitInit(root)
    git(root, 'status')
    const json = await status([root])
    expect(json.file).to.include({kedroWouldFail: true, kind: 'directory'})
  })
})
