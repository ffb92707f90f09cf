/**
 * No false all-clear: on a checkout built to make the tool say "ok", "passed" or "already set" while the opposite
 * holds, each answer is the truth, an "estimated" with the reason, or an error (exit 2).
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {XMLParser} from 'fast-xml-parser'
import {appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {AuditReport} from '../src/audit/audit.js'
import type {ChangeResult} from '../src/consent/change.js'
import type {ErrorReport} from '../src/errors.js'
import type {StatusReport} from '../src/status/status.js'
import {listDirectorySync} from '../src/checkout/files.js'
import {withOpenedFiles} from './helpers/file-reads.js'
import {runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {EXAMPLE, gitCommitAll, gitInit, makeProject, removeTempDirs, tempDir} from './helpers/sandbox.js'

const env = () => {
  const home = tempDir('kc-home-')
  return {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share')}
}

describe('no false all-clear', () => {
  after(removeTempDirs)

  describe('a folder name that is not valid UTF-8', () => {
    /** A tree holding a sound project and, in a Latin-1 named folder, one that commits `consent: true`. */
    function treeWithLatin1Project(): {hidden: Buffer; root: string} {
      const root = tempDir('kc-tree-')
      gitInit(root)
      writeFileSync(path.join(root, '.kedro-consent.yml'), 'version: 1\nconsent: opted-out\n')
      makeProject({'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'}, path.join(root, 'sound'))
      const hidden = Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([0xE9])])
      mkdirSync(hidden)
      writeFileSync(Buffer.concat([hidden, Buffer.from('/pyproject.toml')]), '[tool.kedro]\npackage_name = "x"\n')
      writeFileSync(Buffer.concat([hidden, Buffer.from('/.telemetry')]), 'consent: true\n')
      return {hidden, root}
    }

    it('is listed with its bytes shown, never as a name that points nowhere', () => {
      const {root} = treeWithLatin1Project()
      const listing = listDirectorySync(root, root)
      expect(listing.ok && listing.entries.find((entry) => entry.kind === 'undecodable')?.name).to.equal(String.raw`caf\xe9`)
    })

    for (const command of [['audit'], ['enforce', '--dry-run'], ['guard']]) {
      it(`a project inside it stops \`${command.join(' ')}\` (exit 2) instead of being skipped`, async () => {
        const {root} = treeWithLatin1Project()
        const run = await runJsonInProcess<ErrorReport>([...command, '--json'], {cwd: root, env: env()})
        expect(run.code).to.equal(2)
        expect(run.json.error.code).to.equal('UNDECODABLE_NAME')
        expect(run.json.error.message).to.include(String.raw`caf\xe9`)
      })
    }

    it('such a folder without a project in it changes nothing', async () => {
      const root = tempDir('kc-tree-')
      makeProject({}, path.join(root, 'project'))
      mkdirSync(Buffer.concat([Buffer.from(`${root}/project/data-`), Buffer.from([0xFF, 0xFE])]))
      const run = await runJsonInProcess<AuditReport>(['audit', '--json', root], {env: env()})
      expect(run.json.projects).to.have.length(1)
      expect((await runInProcess(['status', path.join(root, 'project')], {env: env()})).code).to.equal(0)
    })
  })

  describe('text from the checkout never speaks to a CI runner', () => {
    const names = ['::error title=x::y', '::stop-commands::z', '  ::add-mask::secret', 'a ##[error]b', 'c ##vso[task.setvariable variable=x]1']
    /** A tree of projects whose folder names are workflow commands, and stdout and stderr of a command run from it. */
    function hostileTree(): string {
      const root = tempDir('kc-ci-')
      gitInit(root)
      for (const name of names) makeProject({}, path.join(root, name))
      return root
    }

    const commandLike = (text: string) => text.split('\n').filter((line) => /^\s*::/.test(line) || /##(vso)?\[/.test(line))

    for (const format of ['table', 'markdown', 'junit', 'json', 'sarif', 'codequality']) {
      it(`audit --format ${format}: no line a runner reads as a command, and the report still parses`, async () => {
        const root = hostileTree()
        const run = await runInProcess(['audit', '.', '--format', format], {cwd: root, env: env()})
        expect(run.code, run.stderr).to.equal(1)
        expect(commandLike(run.stdout), 'stdout').to.deep.equal([])
        expect(commandLike(run.stderr), 'stderr').to.deep.equal([])
        if (['codequality', 'json', 'sarif'].includes(format)) expect(JSON.stringify(JSON.parse(run.stdout))).to.include('::error title=x::y').and.to.include('##[error]')
        if (format === 'junit') expect(new XMLParser({ignoreAttributes: false}).parse(run.stdout)).to.have.property('testsuites')
      })
    }

    it('status, enforce, guard and --json output: none either', async () => {
      const root = hostileTree()
      const runs = [
        await runInProcess(['status', names[0]], {cwd: root, env: env()}),
        await runInProcess(['status', '--verbose'], {cwd: path.join(root, names[1]), env: env()}),
        await runInProcess(['enforce', '--dry-run', '.'], {cwd: root, env: env()}),
        await runInProcess(['guard'], {cwd: root, env: env()}),
        await runInProcess(['audit', '.', '--json'], {cwd: root, env: env()}),
        await runInProcess(['audit', 'nowhere/::error::x'], {cwd: root, env: env()}),
      ]
      for (const run of runs) {
        expect(commandLike(run.stdout)).to.deep.equal([])
        expect(commandLike(run.stderr)).to.deep.equal([])
      }
    })
  })

  describe('reports', () => {
    it('one file named twice (--report and --output, or two --report) is refused before anything runs', async () => {
      const project = makeProject()
      for (const args of [['--report', 'sarif=out.txt', '--output', 'out.txt'], ['--report', 'sarif=a', '--report', 'junit=./a']]) {
        const run = await runJsonInProcess<ErrorReport>(['audit', '--json', project, ...args], {cwd: project, env: env()})
        expect(run.code).to.equal(2)
        expect(run.json.error.code).to.equal('BAD_REPORT')
        expect(run.json.error.message).to.match(/named twice/)
      }
    })

    it('--report FORMAT=FILE beside --output: each file holds its own format', async () => {
      const project = makeProject()
      const run = await runInProcess(['audit', project, '--format', 'markdown', '--output', 'report.md', '--report', 'sarif=report.sarif'], {cwd: project, env: env()})
      expect(run.code, run.stderr).to.equal(1)
      expect((JSON.parse(readFileSync(path.join(project, 'report.sarif'), 'utf8')) as {version: string}).version).to.equal('2.1.0')
      expect(readFileSync(path.join(project, 'report.md'), 'utf8')).to.match(/^# /)
    })

    it('a dataset type holding an escape sequence reaches no output raw', async () => {
      const project = path.join(tempDir(), 'spaceflights')
      cpSync(EXAMPLE, project, {recursive: true})
      appendFileSync(path.join(project, 'conf', 'base', 'catalog.yml'), '\nevil:\n  type: "pandas.CSV\\x1b[31mDataset"\n  filepath: x.csv\n')
      const run = await runInProcess(['preview', '--project', project, 'run'], {env: env()})
      expect(run.stdout).to.include(String.raw`\x1b[31m`)
      expect(run.stdout + run.stderr).not.to.include('\u001B')
    })
  })

  describe('the stack\'s data files', () => {
    const dbtStatus = async (dbtProject: string) => {
      const project = makeProject({'dbt_project.yml': dbtProject, 'requirements.txt': 'kedro==1.5.0\ndbt-core==1.8.2\n'})
      const run = await runJsonInProcess<StatusReport>(['status', project], {env: env()})
      return {dbt: run.json.stack.find((tool) => tool.id === 'dbt')!, run}
    }

    it('are read with the YAML 1.1 booleans the tools read: dbt\'s `send_anonymous_usage_stats: no` is false', async () => {
      for (const off of ['no', 'off', 'False']) expect((await dbtStatus(`flags:\n  send_anonymous_usage_stats: ${off}\n`)).dbt.wouldSend, off).to.equal(false)
      // PyYAML reads `n` as a string: that is not a switch.
      expect((await dbtStatus('flags:\n  send_anonymous_usage_stats: n\n')).dbt.wouldSend).to.equal(true)
    })

    it('a file built to stall the parser answers at once, estimated; a file of unknown tags puts nothing on stderr', async () => {
      const commas = await dbtStatus(`a: [${','.repeat(256 * 1024 - 8)}]\n`)
      expect(commas.dbt.estimated).to.match(/dbt_project\.yml could not be parsed here \(expected the node content, but found ','\)/)
      const closers = await dbtStatus(`a: ${']'.repeat(200_000)}\n`)
      expect(closers.dbt.estimated).to.match(/closes no flow collection/)
      const tags = await dbtStatus(Array.from({length: 3000}, (_, i) => `k${i}: !weird x`).join('\n'))
      expect(tags.dbt.estimated).to.match(/could not be parsed here/)
      expect(tags.run.stderr).to.equal('')
    })
  })

  describe('a version string that is not PEP 440', () => {
    for (const [label, files] of [
      ['mlflow===latest in requirements.txt', {'requirements.txt': 'kedro==1.5.0\nmlflow===latest\n'}],
      ['an installed METADATA with Version: latest', {
        '.venv/lib/python3.11/site-packages/mlflow-0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: mlflow\nVersion: latest\n',
        '.venv/pyvenv.cfg': '', 'requirements.txt': 'kedro==1.5.0\nmlflow\n',
      }],
      ['an installed METADATA with a control character', {
        '.venv/lib/python3.11/site-packages/mlflow-0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: mlflow\nVersion: 3.4\u001B[2J\n',
        '.venv/pyvenv.cfg': '', 'requirements.txt': 'kedro==1.5.0\nmlflow\n',
      }],
    ] as const) {
      it(`${label}: that one answer is estimated, with the reason; the audit runs`, async () => {
        const project = makeProject(files)
        const status = await runJsonInProcess<StatusReport>(['status', project], {env: env()})
        expect(status.code, status.stderr).to.equal(0)
        const mlflow = status.json.stack.find((tool) => tool.id === 'mlflow')!
        expect(mlflow.estimated).to.match(/is not a PEP 440 version/)
        const audit = await runJsonInProcess<AuditReport>(['audit', '--json', project], {env: env()})
        expect(audit.code, audit.stderr).to.equal(1)
        expect(audit.json.projects[0].error).to.equal(null)
      })
    }

    it('a policy\'s kedro-telemetry bounds against such a version: not met, estimated, never a crash', async () => {
      const root = tempDir('kc-repo-')
      gitInit(root)
      writeFileSync(path.join(root, '.kedro-consent.yml'), 'version: 1\nkedro-telemetry: ">=0.8"\n')
      const project = makeProject({'requirements.txt': 'kedro==1.5.0\nkedro-telemetry===latest\n'}, path.join(root, 'project'))
      const status = await runJsonInProcess<StatusReport>(['status', project], {env: env()})
      expect(status.code, status.stderr).to.equal(0)
      expect(status.json.policy?.rules.find((rule) => rule.rule === 'kedro-telemetry')).to.deep.include({met: false})
    })
  })

  describe('opt-in without the .gitignore guard', () => {
    it('is refused where .gitignore cannot be written (a directory in its place): exit 2, nothing changed; opt-out goes ahead and says so', async () => {
      const project = makeProject()
      gitInit(project)
      mkdirSync(path.join(project, '.gitignore'))
      const home = env()
      const optIn = await runJsonInProcess<ErrorReport>(['opt-in', '--yes', '--json', project], {env: home})
      expect(optIn.code).to.equal(2)
      expect(optIn.json.error.code).to.equal('GUARD_UNAVAILABLE')
      expect(existsSync(path.join(project, '.telemetry'))).to.equal(false)
      expect(existsSync(path.join(home.XDG_DATA_HOME, 'kedro-consent', 'history.jsonl'))).to.equal(false)
      // --no-gitignore: the user keeps it out of git; the opt-in goes ahead.
      expect((await runInProcess(['opt-in', '--yes', '--no-gitignore', project], {env: home})).code).to.equal(0)
      const optOut = await runJsonInProcess<ChangeResult>(['opt-out', '--json', project], {env: home})
      expect(optOut.code).to.equal(0)
      expect(readFileSync(path.join(project, '.telemetry'), 'utf8')).to.match(/consent: false/)
      expect(optOut.json.warnings.join(' ')).to.match(/the \.gitignore guard was skipped/)
    })
  })

  describe('enforce --dry-run on many projects', () => {
    /** A PATH whose `git` logs each run to a file, then runs the real git. */
    function countingGit(): {log: string; path: string} {
      const bin = tempDir('kc-bin-')
      const log = path.join(bin, 'runs.log')
      const real = execFileSync('sh', ['-c', 'command -v git'], {encoding: 'utf8'}).trim()
      writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho run >> '${log}'\nexec '${real}' "$@"\n`, {mode: 0o755})
      return {log, path: `${bin}:${process.env.PATH}`}
    }

    /** A git repository of `count` projects under a policy that requires opting out. */
    function governedTree(count: number): string {
      const root = tempDir('kc-tree-')
      gitInit(root)
      writeFileSync(path.join(root, '.kedro-consent.yml'), 'version: 1\nconsent: opted-out\n')
      for (let i = 0; i < count; i++) makeProject({}, path.join(root, `p${i}`))
      return root
    }

    it('asks git per repository, as the audit does, not per project', async () => {
      const count = 30
      const root = governedTree(count)
      const git = countingGit()
      const runs = async (args: string[]) => {
        writeFileSync(git.log, '')
        const run = await runInProcess(args, {cwd: root, env: {...env(), PATH: git.path}})
        expect(run.stderr).not.to.match(/internal error/)
        return readFileSync(git.log, 'utf8').split('\n').filter(Boolean).length
      }

      const audit = await runs(['audit', '.'])
      const enforce = await runs(['enforce', '--dry-run', '.'])
      expect(enforce).to.be.at.most(Math.max(audit * 2, 12))
      expect(enforce).to.be.below(count)
      // A real run asks again only where it changed something (here every project, once), then nowhere.
      expect(await runs(['enforce', '.'])).to.be.at.most(8 * count)
      expect(await runs(['enforce', '.'])).to.be.at.most(Math.max(audit * 2, 12))
    })

    it('a real run asks git again below a .gitignore it wrote: a project inside it needs none of its own', async () => {
      const root = governedTree(1)
      makeProject({}, path.join(root, 'p0', 'nested'))
      gitCommitAll(root, 'projects')
      const run = await runInProcess(['enforce', '.'], {cwd: root, env: env()})
      expect(run.stderr).not.to.match(/internal error/)
      expect(readFileSync(path.join(root, 'p0', '.gitignore'), 'utf8')).to.equal('.telemetry\n')
      expect(readFileSync(path.join(root, 'p0', 'nested', '.telemetry'), 'utf8')).to.equal('consent: false\n')
      expect(existsSync(path.join(root, 'p0', 'nested', '.gitignore'))).to.equal(false)
    })

    it('reads each pyproject.toml at most three times (finding the project, its root, its contents), as the audit does', async () => {
      const count = 10
      const root = governedTree(count)
      for (const args of [['audit', '.'], ['enforce', '--dry-run', '.']]) {
        const {opened, result: run} = await withOpenedFiles(() => runInProcess(args, {cwd: root, env: env()}))
        expect(run.stderr).not.to.match(/internal error/)
        const reads = opened.filter((file) => file.endsWith(`${path.sep}pyproject.toml`)).length
        expect(reads, args.join(' ')).to.be.within(count, 3 * count)
      }
    })
  })

  describe('kedro-telemetry outside an environment\'s own site-packages', () => {
    const pickVersion = (report: StatusReport) => ({source: report.project.telemetryVersionSource, version: report.project.telemetryVersion})

    /** A project whose .venv has kedro but not kedro-telemetry, and imports its base's packages and the user site. */
    function projectWithOpenVenv(): string {
      return makeProject({
        '.venv/lib/python3.12/site-packages/kedro-1.5.0.dist-info/METADATA': 'Name: kedro\nVersion: 1.5.0\n',
        '.venv/pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.12.3\n',
      })
    }

    for (const command of ['status', 'audit']) {
      it(`is not "not installed" to \`${command}\` (kedro loads it from the base's packages or the user site, where it is not read)`, async () => {
        const run = await runJsonInProcess<StatusReport & {checks?: {id: string; status: string}[]}>([command, '--json'], {cwd: projectWithOpenVenv(), env: env()})
        const text = JSON.stringify(run.json)
        expect(text).not.to.match(/kedro-telemetry is not installed/)
        if (command === 'status') {
          expect(run.json.consent.decidedBy).not.to.equal('not-installed')
          expect(run.json.consent.willSend).to.equal(true)
          expect(run.json.project.telemetryVersionSource).to.equal('assumed')
          expect(run.json.project.telemetryVersionDetail).to.match(/include-system-site-packages/)
        }
      })
    }

    it('is read in the user site, which a conda environment imports before its own site-packages (PYTHONNOUSERSITE aside)', async () => {
      const prefix = tempDir('kc-conda-')
      const site = path.join(prefix, 'lib', 'python3.11', 'site-packages')
      mkdirSync(path.join(site, 'kedro-1.5.0.dist-info'), {recursive: true})
      writeFileSync(path.join(site, 'kedro-1.5.0.dist-info', 'METADATA'), 'Name: kedro\nVersion: 1.5.0\n')
      const home = env()
      const user = path.join(home.HOME, '.local', 'lib', 'python3.11', 'site-packages', 'kedro_telemetry-0.7.0.dist-info')
      mkdirSync(user, {recursive: true})
      writeFileSync(path.join(user, 'METADATA'), 'Name: kedro-telemetry\nVersion: 0.7.0\n')
      const root = makeProject()
      const seen = await runJsonInProcess<StatusReport>(['status', '--json'], {cwd: root, env: {...home, CONDA_PREFIX: prefix}})
      expect(seen.json.consent.willSend).to.equal(true)
      expect(pickVersion(seen.json)).to.deep.equal({source: 'installed', version: '0.7.0'})
      const unseen = await runJsonInProcess<StatusReport>(['status', '--json'], {cwd: root, env: {...home, CONDA_PREFIX: prefix, PYTHONNOUSERSITE: '1'}})
      expect(unseen.json.consent.decidedBy).to.equal('not-installed')
    })

    it('is still "not installed" when the environment imports nothing else', async () => {
      const root = projectWithOpenVenv()
      writeFileSync(path.join(root, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = false\n')
      const run = await runJsonInProcess<StatusReport>(['status', '--json'], {cwd: root, env: env()})
      expect(run.json.consent.decidedBy).to.equal('not-installed')
    })
  })
})
