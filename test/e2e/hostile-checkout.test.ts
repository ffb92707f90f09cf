/**
 * Attacks built as real repositories and files. For each: no canary program runs, nothing outside the project
 * changes, every command returns within the watchdog and the memory cap, and the answer is kedro's (or git's).
 */
import {expect} from 'chai'
import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {XMLValidator} from 'fast-xml-parser'

import {canary, fingerprint, hostileSandbox, type HostileSandbox, markers, runWatched} from '../helpers/hostile.js'
import {BIN, cleanEnv, git, gitCommitAll, gitInit, PYPROJECT, removeTempDirs, writeFiles} from '../helpers/sandbox.js'
import {expectValid} from '../helpers/schemas.js'
import type {AuditReport} from '../../src/audit/audit.js'
import type {ChangeResult} from '../../src/consent/change.js'
import type {ErrorReport} from '../../src/errors.js'
import type {DecisionRecord} from '../../src/history/history.js'
import type {SarifLog} from '../../src/render/audit-formats.js'
import {shellWord} from '../../src/shell.js'
import type {PreviewResult} from '../../src/request/request.js'
import type {StatusReport} from '../../src/status/status.js'

/** Every command a user runs on a checkout, as JSON. */
const COMMANDS: string[][] = [
  ['status'], ['audit', '.', '--format', 'json'], ['preview', '--no-python', 'run'], ['guard'], ['enforce', '--dry-run'], ['opt-out'], ['opt-in', '--yes'],
  ['revoke'],
]

/** A command's --json output, as the type of its schema. */
function json<T>(run: {stdout: string}): T {
  return JSON.parse(run.stdout) as T
}

/** Runs every command, then checks the promises common to all attacks. */
function everyCommandHolds(sandbox: HostileSandbox, options: {env?: Record<string, string>} = {}): void {
  const before = fingerprint(sandbox.root, [sandbox.project, sandbox.markers, path.join(sandbox.home, '.local'), path.join(sandbox.home, '.config', 'kedro')])
  for (const command of COMMANDS) {
    // --json right after the command name: everything after `preview run` is kedro's.
    const run = runWatched(sandbox, [command[0], '--json', ...command.slice(1)], options)
    expect(run.hung, `${command.join(' ')} hung`).to.equal(false)
    expect(run.stderr, command.join(' ')).not.to.match(/heap out of memory|Maximum call stack/)
    expect(() => JSON.parse(run.stdout) as unknown, `${command.join(' ')}: ${run.stdout}${run.stderr}`).not.to.throw()
  }

  expect(markers(sandbox)).to.deep.equal([])
  expect(fingerprint(sandbox.root, [sandbox.project, sandbox.markers, path.join(sandbox.home, '.local'), path.join(sandbox.home, '.config', 'kedro')])).to.deep.equal(before)
}

/** A registry with one node in __default__, so that `kedro run` gets as far as the catalog. */
const REGISTRY = 'from kedro.pipeline import node, pipeline\n\ndef register_pipelines():\n    return {"__default__": pipeline([node(len, "a", "b")])}\n'

function kedroProject(sandbox: HostileSandbox, extra: Record<string, string> = {}): string {
  writeFiles(sandbox.project, {'pyproject.toml': PYPROJECT, ...extra})
  return sandbox.project
}

/** A commit carrying a (meaningless) signature, so that `log.showSignature` makes git call gpg on it. */
function signedCommit(repository: string, message: string): void {
  const tree = git(repository, 'rev-parse', 'HEAD^{tree}')
  const parent = git(repository, 'rev-parse', 'HEAD')
  const text = `tree ${tree}\nparent ${parent}\nauthor A <a@example.invalid> 1700000000 +0000\ncommitter A <a@example.invalid> 1700000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\n${message}\n`
  writeFileSync(path.join(repository, '.git', 'signed-commit'), text)
  const commit = git(repository, 'hash-object', '-t', 'commit', '-w', '.git/signed-commit')
  git(repository, 'update-ref', 'HEAD', commit)
}

describe('a hostile checkout', function () {
  this.timeout(120_000)
  after(removeTempDirs)

  describe('git that cannot run programs', () => {
    it('a repository config (through include.path) asking for signatures runs no gpg program; TEL004 still sees the commit', () => {
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.telemetry': 'consent: true\n'})
      gitInit(project)
      gitCommitAll(project, 'add consent')
      signedCommit(project, 'a signed commit')
      writeFileSync(path.join(sandbox.elsewhere, 'included'), `[log]\n\tshowSignature = true\n[gpg]\n\tprogram = ${canary(sandbox, 'gpg')}\n`)
      git(project, 'config', 'include.path', path.join(sandbox.elsewhere, 'included'))
      // The attack is real: git itself, asked plainly, runs the program.
      execFileSync('git', ['log', '--all', '--format=%s'], {cwd: project, stdio: 'ignore'})
      expect(markers(sandbox)).to.deep.equal(['gpg'])
      execFileSync('rm', [path.join(sandbox.markers, 'gpg')])

      const status = json<StatusReport>(runWatched(sandbox, ['status', '--json']))
      expectValid('status.schema.json', status)
      expect(status.git).to.deep.include({everCommitted: true, tracked: true})
      expect(status.git.commits.map((commit) => commit.subject)).to.deep.equal(['add consent'])
      expect(markers(sandbox)).to.deep.equal([])
      everyCommandHolds(sandbox)
    })

    it('log.showSignature in the user\'s own ~/.gitconfig changes nothing: the report keeps its schema', () => {
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.telemetry': 'consent: false\n'})
      gitInit(project)
      gitCommitAll(project, 'first')
      signedCommit(project, 'signed')
      writeFileSync(path.join(sandbox.home, '.gitconfig'), `[log]\n\tshowSignature = true\n[gpg]\n\tprogram = ${canary(sandbox, 'gpg')}\n`)
      const status = json<StatusReport>(runWatched(sandbox, ['status', '--json']))
      expectValid('status.schema.json', status)
      expect(status.git.everCommitted).to.equal(true)
      const audit = json<AuditReport>(runWatched(sandbox, ['audit', '.', '--json']))
      expect(audit.projects[0].checks.find((check) => check.id === 'TEL004')?.status).to.equal('fail')
      expect(markers(sandbox)).to.deep.equal([])
    })

    it('opt-out --untrack takes .telemetry out of the index without running a clean filter or a hook', () => {
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.gitattributes': '.telemetry filter=evil\n', '.telemetry': 'consent: true\n'})
      gitInit(project)
      gitCommitAll(project, 'tracked consent')
      git(project, 'config', 'filter.evil.clean', canary(sandbox, 'filter'))
      canary(sandbox, 'hook', path.join(project, '.git', 'hooks', 'post-index-change'))
      writeFileSync(path.join(project, '.telemetry'), 'consent: true\nteam: data\n')
      const run = runWatched(sandbox, ['opt-out', '--untrack', '--json'])
      expect(run.code, run.stderr).to.equal(0)
      expect(json<ChangeResult>(run).git).to.include({tracked: true, untracked: true})
      expect(git(project, 'ls-files', '--', '.telemetry')).to.equal('')
      expect(markers(sandbox)).to.deep.equal([])
    })

    it('a FIFO where git reads its config, excludes or ignore rules: git is not run, and the audit does not pass', () => {
      for (const where of ['include', 'exclude', 'gitignore'] as const) {
        const sandbox = hostileSandbox()
        const project = kedroProject(sandbox)
        gitInit(project)
        const fifo = {exclude: path.join(project, '.git', 'info', 'exclude'), gitignore: path.join(project, '.gitignore'), include: path.join(sandbox.elsewhere, 'fifo')}[where]
        execFileSync('rm', ['-f', fifo])
        execFileSync('mkfifo', [fifo])
        if (where === 'include') git(project, 'config', 'include.path', fifo)
        const status = json<StatusReport>(runWatched(sandbox, ['status', '--json']))
        expect(status.git.refusal, where).to.deep.include({kind: 'unsafe-file'})
        expect(status.git.refusal?.message).to.contain(fifo)
        const audit = runWatched(sandbox, ['audit', '.', '--json'])
        expect(audit.code).to.equal(1)
        expect(json<AuditReport>(audit).projects[0].checks.find((check) => check.id === 'TEL003')?.status).to.equal('fail')
        everyCommandHolds(sandbox)
      }
    })

    it('a repository owned by another user is reported as such: status shows it, audit fails it, the remedy names safe.directory', () => {
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.telemetry': 'consent: true\n'})
      gitInit(project)
      gitCommitAll(project, 'committed consent')
      // Container CI often checks out as one user and runs as another.
      execFileSync('chown', ['-R', '65534:65534', project])
      const status = json<StatusReport>(runWatched(sandbox, ['status', '--json']))
      expect(status.git.refusal).to.deep.include({kind: 'dubious-ownership'})
      expect(status.git.refusal?.remedy).to.contain(`git config --global --add safe.directory ${shellWord(project)}`)
      expect(status.advice).to.contain('safe.directory')
      const audit = runWatched(sandbox, ['audit', '.', '--json'])
      expect(audit.code).to.equal(1)
      for (const id of ['TEL003', 'TEL004']) {
        const check = json<AuditReport>(audit).projects[0].checks.find((item) => item.id === id)
        expect(check?.status).to.equal('fail')
        expect(check?.remedy).to.contain('safe.directory')
      }

      // Opting out still works (the decision is the user's); the guard that needs git says why it was skipped.
      chownSync(path.join(project, '.telemetry'), 0, 0)
      const optOut = json<ChangeResult>(runWatched(sandbox, ['opt-out', '--json']))
      expect(optOut.git.gitignore).to.include({action: 'skipped'})
      expect(optOut.warnings.join(' ')).to.contain('safe.directory')
    })

    it('a project folder with a non-ASCII name: git\'s paths come back as real paths', () => {
      const sandbox = hostileSandbox()
      const project = path.join(sandbox.project, 'données')
      mkdirSync(project)
      writeFiles(project, {'.gitignore': '# consent\n.telemetry\n', 'pyproject.toml': PYPROJECT})
      gitInit(sandbox.project)
      const status = json<StatusReport>(runWatched(sandbox, ['status', project, '--json']))
      expect(status.git.ignoredBy).to.deep.equal({line: 2, pattern: '.telemetry', source: 'données/.gitignore'})
      expect(existsSync(path.join(sandbox.project, '.gitignore'))).to.equal(false)
    })
  })

  describe('reading: no hang, no memory blow-up, no file from elsewhere', () => {
    it('the stack\'s configuration files as FIFOs, devices, links out or alias bombs: read as data or not at all, never a hang', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox, {'requirements.txt': 'kedro==1.5.0\ndbt-core\nstreamlit\n'})
      mkdirSync(path.join(sandbox.project, '.streamlit'))
      execFileSync('mkfifo', [path.join(sandbox.project, '.streamlit', 'config.toml')])
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]']
      for (let level = 1; level < 10; level++) lines.push(`a${level}: &a${level} [${Array.from({length: 9}, () => `*a${level - 1}`).join(', ')}]`)
      writeFileSync(path.join(sandbox.project, 'dbt_project.yml'), `${lines.join('\n')}\nflags:\n  send_anonymous_usage_stats: false\n`)
      mkdirSync(path.join(sandbox.home, '.streamlit'))
      symlinkSync('/dev/zero', path.join(sandbox.home, '.streamlit', 'config.toml'))
      const status = json<StatusReport>(runWatched(sandbox, ['status', '--json']))
      // The alias bomb is read as PyYAML (and so dbt) reads it, shared, at once: its switch counts. A file the tool
      // might read a switch in, but this tool cannot: the answer is estimated, with the reason.
      expect(status.stack.map((tool) => [tool.id, tool.wouldSend])).to.deep.equal([['dbt', false], ['streamlit', true]])
      expect(status.stack[0].decidedBy).to.match(/flags\.send_anonymous_usage_stats = false in .*dbt_project\.yml/)
      expect(status.stack[1].estimated).to.match(/config\.toml is a FIFO, not a regular file.*; config\.toml is a device, not a regular file/)
      everyCommandHolds(sandbox)
    })

    it('a team policy that is a FIFO, a device, an alias bomb, too large or a link out of the repository: exit 2, never a hang', () => {
      const setups: [string, (file: string, sandbox: HostileSandbox) => void, RegExp][] = [
        ['fifo', (file) => execFileSync('mkfifo', [file]), /FIFO, not a regular file/],
        ['device', (file) => symlinkSync('/dev/zero', file), /outside .*: not followed/],
        ['elsewhere', (file, sandbox) => symlinkSync(path.join(sandbox.elsewhere, 'secret.txt'), file), /outside .*: not followed/],
        ['huge', (file) => writeFileSync(file, `version: 1\n#${'x'.repeat(100_000)}\n`), /over the 65536-byte limit/],
        ['alias bomb', (file) => {
          const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]']
          for (let level = 1; level < 10; level++) lines.push(`a${level}: &a${level} [${Array.from({length: 9}, () => `*a${level - 1}`).join(', ')}]`)
          writeFileSync(file, `version: 1\n${lines.join('\n')}\n`)
        }, /not a valid policy/],
      ]
      for (const [name, setup, message] of setups) {
        const sandbox = hostileSandbox()
        const project = kedroProject(sandbox)
        gitInit(project)
        setup(path.join(project, '.kedro-consent.yml'), sandbox)
        for (const command of [['status'], ['audit', '.'], ['enforce', '--dry-run'], ['guard']]) {
          const run = runWatched(sandbox, [command[0], '--json', ...command.slice(1)])
          expect(run.hung, `${name}: ${command[0]}`).to.equal(false)
          expect(run.code, `${name}: ${command[0]}: ${run.stdout}`).to.equal(2)
          expect(json<ErrorReport>(run).error.message, name).to.match(message)
        }

        expect(markers(sandbox)).to.deep.equal([])
      }
    })

    it('a YAML alias bomb in .telemetry and in the catalog reads as PyYAML reads it', () => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]']
      for (let level = 1; level < 10; level++) lines.push(`a${level}: &a${level} [${Array.from({length: 9}, () => `*a${level - 1}`).join(', ')}]`)
      const bomb = `${lines.join('\n')}\n`
      const sandbox = hostileSandbox()
      kedroProject(sandbox, {'.telemetry': `${bomb}consent: false\n`, 'conf/base/catalog.yml': `${bomb.replaceAll(/^a/gm, '_a')}cars:\n  type: pandas.CSVDataset\n`, 'conf/local/.gitkeep': ''})
      const status = json<StatusReport>(runWatched(sandbox, ['status', '--json']))
      expect(status.consent).to.include({decidedBy: 'telemetry-file', willSend: false})
      const preview = json<PreviewResult>(runWatched(sandbox, ['preview', '--json', '--no-python', '--ignore-consent', 'run']))
      expect(preview.requests[0].body.properties.number_of_datasets).to.equal(1)
      everyCommandHolds(sandbox)
    })

    it('symlinks to devices, to elsewhere and to the whole file system, and FIFOs, are not read', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox, {
        'conf/local/.gitkeep': '', 'src/demo/__init__.py': '', 'src/demo/pipeline_registry.py': REGISTRY,
      })
      const link = (target: string, name: string) => {
        mkdirSync(path.dirname(path.join(sandbox.project, name)), {recursive: true})
        symlinkSync(target, path.join(sandbox.project, name))
      }

      link('/dev/zero', 'src/demo/settings.py')
      link('/dev/zero', 'conf/local/catalog.yml')
      link('/dev/stdin', 'requirements.txt')
      link(path.join(sandbox.elsewhere, 'secret.txt'), 'requirements-dev.txt')
      link('/', 'conf/base')
      execFileSync('mkfifo', [path.join(sandbox.project, 'requirements-test.txt'), path.join(sandbox.project, 'README.md')])
      const preview = json<PreviewResult>(runWatched(sandbox, ['preview', '--json', '--no-python', '--ignore-consent', 'run']))
      const datasets = preview.origins.find((origin) => origin.field === 'properties.number_of_datasets')
      expect(datasets?.estimated).to.match(/base: it leads outside the project/)
      expect(JSON.stringify(preview)).not.to.contain('not for the checkout')
      everyCommandHolds(sandbox)
    })

    it('a .telemetry symlinked out of the project is not read: the decision is estimated, and nothing of the file is shown', () => {
      const sandbox = hostileSandbox()
      writeFileSync(path.join(sandbox.elsewhere, 'secret.txt'), 'consent: [not for the checkout\n')
      kedroProject(sandbox)
      symlinkSync(path.join(sandbox.elsewhere, 'secret.txt'), path.join(sandbox.project, '.telemetry'))
      const run = runWatched(sandbox, ['status', '--json'])
      const status = json<StatusReport>(run)
      expect(status.consent.estimated).to.match(/symlink to a file outside the project, which this tool does not read/)
      expect(run.stdout).not.to.contain('not for the checkout')
      expect(runWatched(sandbox, ['status']).stdout).to.match(/^Estimated: \.telemetry: it is a symlink/m)
    })

    it('a settings.py or a conf/base that cannot be read makes the count estimated, never a silent 0', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox, {'conf/base': 'a file, not a folder\n', 'conf/local/.gitkeep': '', 'src/demo/__init__.py': '', 'src/demo/pipeline_registry.py': REGISTRY})
      execFileSync('mkfifo', [path.join(sandbox.project, 'src', 'demo', 'settings.py')])
      const preview = json<PreviewResult>(runWatched(sandbox, ['preview', '--json', '--no-python', '--ignore-consent', 'run']))
      const datasets = preview.origins.find((origin) => origin.field === 'properties.number_of_datasets')
      expect(datasets?.estimated).to.match(/settings\.py is a FIFO, not a regular file/).and.to.match(/creating the catalog raises MissingConfigException: .* base/)
    })

    it('odd Python: recursion, deep nesting, long chains and huge lists end in an answer or an estimate', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox, {
        'conf/base/catalog.yml': '', 'conf/local/.gitkeep': '', 'src/demo/__init__.py': '',
        'src/demo/pipeline_registry.py': 'from kedro.framework.project import find_pipelines\n\ndef register_pipelines():\n    pipelines = find_pipelines()\n    pipelines["__default__"] = sum(pipelines.values())\n    return pipelines\n',
        'src/demo/pipelines/chain/__init__.py': `from kedro.pipeline import node, pipeline\n\nf = len\nbase = pipeline([node(f, "a", "b")])\n\ndef create_pipeline(**kwargs):\n    return ${Array.from({length: 200}, () => 'base').join(' + ')}\n`,
        'src/demo/pipelines/huge/__init__.py': `from kedro.pipeline import node, pipeline\n\ng = len\nITEMS = [${Array.from({length: 200_000}, () => '1').join(',')}]\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(g, "c", "d")])\n`,
        'src/demo/pipelines/nested/__init__.py': `from kedro.pipeline import pipeline\n\ndef create_pipeline(**kwargs):\n    return ${'('.repeat(50_000)}pipeline([])${')'.repeat(50_000)}\n`,
        'src/demo/pipelines/recursive/__init__.py': 'def create_pipeline(**kwargs):\n    return create_pipeline()\n',
      })
      const preview = json<PreviewResult>(runWatched(sandbox, ['preview', '--json', '--no-python', '--ignore-consent', 'run']))
      expect(preview.requests.at(-1)?.body.properties.number_of_nodes).to.equal(null)
      expect(preview.warnings.join(' ')).to.match(/nested\/__init__.py has a syntax error \(too many nested parentheses/)
      const nodes = preview.origins.find((origin) => origin.field === 'properties.number_of_nodes')
      expect(nodes?.estimated).to.match(/create_pipeline\(\) in src\/demo\/pipelines\/recursive\/__init__.py calls itself/)
      expect(nodes?.estimated).not.to.match(/chain|huge/)
      everyCommandHolds(sandbox)
    })
  })

  describe('no interpreter from the checkout', () => {
    const realPython = () => realpathSync(execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {encoding: 'utf8'}).trim())

    it('a committed .venv/bin/python script never runs, and sees no secret when the user trusts it', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox)
      canary(sandbox, 'venv-python', path.join(sandbox.project, '.venv', 'bin', 'python'))
      writeFiles(sandbox.project, {
        '.venv/lib/python3.11/site-packages/kedro-1.5.0.dist-info/METADATA': 'Name: kedro\nVersion: 1.5.0\n',
        '.venv/lib/python3.11/site-packages/kedro_telemetry-0.8.0.dist-info/METADATA': 'Name: kedro-telemetry\nVersion: 0.8.0\n',
      })
      const preview = json<PreviewResult>(runWatched(sandbox, ['preview', '--json', 'info'], {env: {GITHUB_TOKEN: 'ghp_secret'}}))
      expect(markers(sandbox)).to.deep.equal([])
      expect(preview.estimated).to.include('properties.python_version')
      runWatched(sandbox, ['preview', '--json', '--trust-project-python', 'info'], {env: {GITHUB_TOKEN: 'ghp_secret'}})
      expect(markers(sandbox)).to.deep.equal(['venv-python'])
      expect(readFileSync(path.join(sandbox.markers, 'venv-python'), 'utf8')).not.to.contain('ghp_secret')
    })

    it('a real python behind a pyvenv.cfg whose home is in the checkout is not run (it would load the checkout\'s encodings)', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox)
      const python = realPython()
      const version = execFileSync(python, ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], {encoding: 'utf8'}).trim()
      mkdirSync(path.join(sandbox.project, '.venv', 'bin'), {recursive: true})
      symlinkSync(python, path.join(sandbox.project, '.venv', 'bin', 'python'))
      writeFiles(sandbox.project, {
        '.venv/pyvenv.cfg': `home = ${path.join(sandbox.project, 'evil', 'bin')}\n`,
        [`.venv/lib/python${version}/site-packages/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n',
        [`.venv/lib/python${version}/site-packages/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        // Runs before open() exists: only the built-in posix module is there.
        [`evil/lib/python${version}/encodings/__init__.py`]: `import posix\nposix.close(posix.open(${JSON.stringify(path.join(sandbox.markers, 'encodings'))}, posix.O_WRONLY | posix.O_CREAT, 0o644))\n`,
        [`evil/lib/python${version}/os.py`]: '',
      })
      // The attack is real: run directly, this interpreter imports the checkout's encodings package.
      spawnSync(path.join(sandbox.project, '.venv', 'bin', 'python'), ['-I', '-S', '-c', 'pass'], {stdio: 'ignore'})
      expect(markers(sandbox)).to.deep.equal(['encodings'])
      execFileSync('rm', [path.join(sandbox.markers, 'encodings')])
      const preview = json<PreviewResult>(runWatched(sandbox, ['preview', '--json', 'info']))
      expect(markers(sandbox)).to.deep.equal([])
      const origin = preview.origins.find((item) => item.field === 'properties.python_version')
      expect(origin?.estimated).to.match(/takes its standard library from inside the project/)
    }).timeout(60_000)

    it('a normal project virtualenv (a link to a python outside, its home outside) is run, isolated', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox)
      execFileSync(realPython(), ['-m', 'venv', '--without-pip', path.join(sandbox.project, '.venv')])
      // Kedro installed in it (its metadata is what this tool reads): the interpreter asked is kedro's.
      const lib = readdirSync(path.join(sandbox.project, '.venv', 'lib')).find((name) => name.startsWith('python'))!
      writeFiles(sandbox.project, {[`.venv/lib/${lib}/site-packages/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n'})
      const preview = json<PreviewResult>(runWatched(sandbox, ['preview', '--json', 'info']))
      expect(preview.estimated).not.to.include('properties.python_version')
      expect(preview.context.python).to.equal(path.join(sandbox.project, '.venv', 'bin', 'python'))
    }).timeout(60_000)

    it('a .python-version that climbs out of the pyenv root is not followed', async () => {
      const {chooseInterpreter} = await import('../../src/checkout/interpreter.js')
      const sandbox = hostileSandbox()
      kedroProject(sandbox, {'.python-version': '../../../../proc/self/cwd/evil\n'})
      const pyenv = path.join(sandbox.root, 'pyenv')
      writeFiles(pyenv, {'libexec/pyenv': '', 'shims/python3': '#!/bin/sh\nexit 1\n', 'versions/3.11.7/bin/python3': ''})
      canary(sandbox, 'evil', path.join(sandbox.project, 'evil', 'bin', 'python3'))
      chmodSync(path.join(pyenv, 'shims', 'python3'), 0o755)
      const choice = chooseInterpreter({env: {PATH: path.join(pyenv, 'shims')}, environmentPrefix: null, projectRoot: sandbox.project, workingDirectory: sandbox.project})
      expect(choice.executable).to.equal(null)
      expect(choice.refused).to.match(/names "\.\.\/\.\.\/\.\.\/\.\.\/proc\/self\/cwd\/evil", which is not a plain pyenv version name/)
      // A plain name is resolved under the pyenv root, a prefix to the newest installed version as pyenv does.
      writeFileSync(path.join(sandbox.project, '.python-version'), '3.11\n')
      writeFiles(pyenv, {'versions/3.11.10/bin/python3': ''})
      const resolved = chooseInterpreter({env: {PATH: path.join(pyenv, 'shims')}, environmentPrefix: null, projectRoot: sandbox.project, trustProjectPython: false, workingDirectory: sandbox.project})
      expect(resolved.refused).to.equal(null)
      expect(resolved.executable).to.equal(path.join(pyenv, 'versions', '3.11.10', 'bin', 'python3'))
      // A relative PATH entry would resolve inside the checkout: it is skipped.
      canary(sandbox, 'path-python', path.join(sandbox.project, 'python3'))
      expect(chooseInterpreter({env: {PATH: '.'}, environmentPrefix: null, projectRoot: sandbox.project, workingDirectory: sandbox.project}).executable).to.equal(null)
    })
  })

  describe('writes: nothing outside is touched, nothing is lost', () => {
    it('a .telemetry.bak symlinked to ~/.bashrc: --force writes the backup elsewhere and ~/.bashrc stays', () => {
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.telemetry': 'consent: [\n'})
      symlinkSync(path.join(sandbox.home, '.bashrc'), path.join(project, '.telemetry.bak'))
      gitInit(project)
      gitCommitAll(project, 'hostile')
      for (const command of [['opt-out'], ['opt-in', '--yes'], ['revoke']]) {
        const refused = runWatched(sandbox, [...command, '--json'])
        expect(refused.code).to.equal(2)
        expect(json<ErrorReport>(refused).error.hint).to.match(/--force/)
      }

      const before = fingerprint(sandbox.home, [path.join(sandbox.home, '.local')])
      const forced = json<ChangeResult>(runWatched(sandbox, ['opt-out', '--force', '--json']))
      expect(forced.file?.backup).to.equal(path.join(project, '.telemetry.bak.1'))
      expect(readFileSync(path.join(project, '.telemetry.bak.1'), 'utf8')).to.equal('consent: [\n')
      expect(fingerprint(sandbox.home, [path.join(sandbox.home, '.local')])).to.deep.equal(before)
      // A second --force keeps the first backup too.
      writeFileSync(path.join(project, '.telemetry'), 'consent: ]\n')
      expect(json<ChangeResult>(runWatched(sandbox, ['opt-out', '--force', '--json'])).file?.backup).to.equal(path.join(project, '.telemetry.bak.2'))
      expect(readFileSync(path.join(project, '.telemetry.bak.1'), 'utf8')).to.equal('consent: [\n')
    })

    it('an unwritable .gitignore or history, a directory in their place, or a symlinked .gitignore: exit 2, nothing changed', () => {
      const setups: [string, (sandbox: HostileSandbox) => () => void, RegExp][] = [
        ['immutable .gitignore', (sandbox) => {
          writeFileSync(path.join(sandbox.project, '.gitignore'), 'data/\n')
          execFileSync('chattr', ['+i', path.join(sandbox.project, '.gitignore')])
          return () => execFileSync('chattr', ['-i', path.join(sandbox.project, '.gitignore')])
        }, /\.gitignore is not writable/],
        ['symlinked .gitignore', (sandbox) => {
          symlinkSync(path.join(sandbox.elsewhere, 'secret.txt'), path.join(sandbox.project, '.gitignore'))
          return () => {}
        }, /\.gitignore is a symbolic link/],
        ['immutable history', (sandbox) => {
          const file = path.join(sandbox.home, '.local', 'share', 'kedro-consent', 'history.jsonl')
          mkdirSync(path.dirname(file), {recursive: true})
          writeFileSync(file, '')
          execFileSync('chattr', ['+i', file])
          return () => execFileSync('chattr', ['-i', file])
        }, /history\.jsonl is not writable/],
        ['a directory as history', (sandbox) => {
          mkdirSync(path.join(sandbox.home, '.local', 'share', 'kedro-consent', 'history.jsonl'), {recursive: true})
          return () => {}
        }, /history\.jsonl is a directory/],
      ]
      for (const [name, setup, message] of setups) {
        const sandbox = hostileSandbox()
        const project = kedroProject(sandbox, {'.telemetry': 'owner: me\nconsent: true\n'})
        gitInit(project)
        const undo = setup(sandbox)
        try {
          const before = fingerprint(sandbox.root, [sandbox.markers])
          for (const command of [['opt-out'], ['opt-in', '--yes'], ['revoke']]) {
            const run = runWatched(sandbox, [...command, '--json'])
            expect(run.code, `${name}: ${command[0]}`).to.equal(2)
            expect(json<ErrorReport>(run).error.message, name).to.match(message)
            expect(json<ErrorReport>(run).error.hint).to.be.a('string').and.not.equal('')
          }

          expect(fingerprint(sandbox.root, [sandbox.markers]), name).to.deep.equal(before)
        } finally {
          undo()
        }
      }
    })

    it('a CR-only .telemetry is opted out like any other; bytes of telemetry.toml that are not UTF-8 survive revoke', () => {
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.telemetry': 'owner: me\rconsent: true\r'})
      const toml = path.join(sandbox.home, '.config', 'kedro', 'telemetry.toml')
      mkdirSync(path.dirname(toml), {recursive: true})
      writeFileSync(toml, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xE9, 0xFF]), Buffer.from('\n[telemetry]\nuuid = "0d5c2f6e8a3b4c1d9e7f123456789abc"\n')]))
      expect(runWatched(sandbox, ['revoke', '--json']).code).to.equal(0)
      expect(readFileSync(path.join(project, '.telemetry'), 'utf8')).to.equal('owner: me\rconsent: false\r')
      expect([...readFileSync(toml)]).to.deep.equal([...Buffer.concat([Buffer.from('# caf'), Buffer.from([0xE9, 0xFF]), Buffer.from('\n[telemetry]\n')])])
    })

    it('run as root, a .telemetry owned by another user keeps its owner and mode', () => {
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.telemetry': 'consent: true\n'})
      chmodSync(path.join(project, '.telemetry'), 0o600)
      chownSync(path.join(project, '.telemetry'), 1000, 1000)
      expect(runWatched(sandbox, ['opt-out', '--no-gitignore', '--json']).code).to.equal(0)
      const info = statSync(path.join(project, '.telemetry'))
      expect([info.uid, info.gid, info.mode & 0o777]).to.deep.equal([1000, 1000, 0o600])
    })

    it('concurrent opt-ins and opt-outs: the file always equals the last history record', async () => {
      const {spawn} = await import('node:child_process')
      const {BIN, cleanEnv} = await import('../helpers/sandbox.js')
      const sandbox = hostileSandbox()
      const project = kedroProject(sandbox, {'.telemetry': 'consent: true\n'})
      const env = cleanEnv({HOME: sandbox.home, XDG_CONFIG_HOME: undefined, XDG_DATA_HOME: undefined})
      for (let round = 0; round < 5; round++) {
        await Promise.all(Array.from({length: 6}, (_, index) => new Promise((resolve) => {
          const args = index % 2 ? ['opt-in', '--yes'] : ['opt-out']
          spawn(process.execPath, [BIN, ...args, project, '--no-gitignore'], {env, stdio: 'ignore'}).once('exit', resolve)
        })))
        const lines = readFileSync(path.join(sandbox.home, '.local', 'share', 'kedro-consent', 'history.jsonl'), 'utf8').trim().split('\n')
        const last = JSON.parse(lines.at(-1)!) as DecisionRecord
        expect(readFileSync(path.join(project, '.telemetry'), 'utf8')).to.equal(`consent: ${last.consent}\n`)
        expect(lines).to.have.length((round + 1) * 6)
      }
    })
  })

  describe('the report file and the prompt', () => {
    it('audit --output refuses a symlink (it could lead anywhere) and a directory', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox)
      symlinkSync(path.join(sandbox.home, '.bashrc'), path.join(sandbox.project, 'report.sarif'))
      mkdirSync(path.join(sandbox.project, 'report-dir'))
      const before = fingerprint(sandbox.home)
      for (const [output, message] of [['report.sarif', /is a symbolic link/], ['report-dir', /is a directory/]] as const) {
        const run = runWatched(sandbox, ['audit', '.', '--format', 'sarif', '--output', output])
        expect(run.code).to.equal(2)
        expect(run.stderr).to.match(message)
      }

      expect(fingerprint(sandbox.home)).to.deep.equal(before)
    })

    it('opt-in on a terminal: "yolo" or "you\'re kidding? no" is not a yes; "yes" is', () => {
      const sandbox = hostileSandbox()
      kedroProject(sandbox)
      const ask = (answer: string) => spawnSync('script', ['-qec', `${process.execPath} ${BIN} opt-in`, '/dev/null'], {
        cwd: sandbox.project, encoding: 'utf8', env: cleanEnv({HOME: sandbox.home, NO_COLOR: '1', XDG_CONFIG_HOME: undefined, XDG_DATA_HOME: undefined}), input: `${answer}\n`,
      })
      for (const answer of ['yolo', 'you\'re kidding? no', '']) {
        expect(ask(answer).stdout, answer).to.contain('No consent given: nothing was written')
        expect(existsSync(path.join(sandbox.project, '.telemetry'))).to.equal(false)
      }

      expect(ask(' Yes ').stdout).to.contain('Opted in')
      expect(readFileSync(path.join(sandbox.project, '.telemetry'), 'utf8')).to.equal('consent: true\n')
    })
  })

  describe('opt-out --ci and GITHUB_ENV', () => {
    it('reads GITHUB_ENV as the runner does: DO_NOT_TRACK inside another variable\'s block does not count', () => {
      const sandbox = hostileSandbox()
      const githubEnv = path.join(sandbox.elsewhere, 'github_env')
      writeFileSync(githubEnv, 'NOTES<<EOF\nDO_NOT_TRACK=1\nKEDRO_DISABLE_TELEMETRY=1\nEOF\nKEDRO_DISABLE_TELEMETRY=yes\n')
      const run = json<ChangeResult>(runWatched(sandbox, ['opt-out', '--ci', '--json'], {env: {GITHUB_ENV: githubEnv}}))
      expect(run.ci?.appended).to.deep.equal(['DO_NOT_TRACK=1'])
      expect(readFileSync(githubEnv, 'utf8')).to.match(/\nKEDRO_DISABLE_TELEMETRY=yes\nDO_NOT_TRACK=1\n$/)
    })

    it('refuses a GITHUB_ENV that is relative, missing its folder, a directory, a device, a FIFO or inside an open block, never blocking', () => {
      const sandbox = hostileSandbox()
      execFileSync('mkfifo', [path.join(sandbox.elsewhere, 'fifo')])
      mkdirSync(path.join(sandbox.elsewhere, 'a-directory'))
      writeFileSync(path.join(sandbox.elsewhere, 'open-block'), 'NOTES<<EOF\nunfinished\n')
      for (const [value, message] of [
        ['github_env', /relative path/], [path.join(sandbox.elsewhere, 'missing', 'env'), /folder that does not exist/],
        [path.join(sandbox.elsewhere, 'a-directory'), /not a regular file/], ['/dev/full', /not a regular file/],
        [path.join(sandbox.elsewhere, 'fifo'), /not a regular file/], [path.join(sandbox.elsewhere, 'open-block'), /ends inside a NOTES<<EOF block/],
      ] as const) {
        const before = fingerprint(sandbox.root, [sandbox.markers])
        const run = runWatched(sandbox, ['opt-out', '--ci', '--json'], {cwd: sandbox.elsewhere, env: {GITHUB_ENV: value}})
        expect(run.hung, value).to.equal(false)
        expect(run.code, value).to.equal(2)
        expect(json<ErrorReport>(run).error.message, value).to.match(message)
        expect(fingerprint(sandbox.root, [sandbox.markers]), value).to.deep.equal(before)
      }
    })
  })

  describe('output that cannot be hijacked', () => {
    const NASTY = 'x\u001B[2J\u001B]0;pwned\u0007<img src=x onerror=alert(1)>|\u202E'

    it('folder names, values and commit subjects reach no terminal, Markdown, JUnit or SARIF raw', () => {
      const sandbox = hostileSandbox()
      const project = path.join(sandbox.project, `proj ${NASTY}\nforged`)
      mkdirSync(project)
      writeFiles(project, {'.telemetry': 'consent: true\n', 'pyproject.toml': PYPROJECT.replace("tools = \"['Linting']\"", 'tools = "[\'\\u001b[31mred\']"')})
      gitInit(sandbox.project)
      gitCommitAll(sandbox.project, `subject ${NASTY}\u000C`)
      const table = runWatched(sandbox, ['audit', '.'])
      expect(table.stdout).not.to.match(/[\u0000-\u0009\u000B-\u001F\u202E]/)
      // One row per check: the newline in the folder name forges no row of its own.
      expect(table.stdout.trim().split('\n').filter((line) => line.startsWith('proj x'))).to.have.length(11)
      const status = runWatched(sandbox, ['status', project])
      expect(status.stdout).not.to.match(/[\u0000-\u0009\u000B-\u001F\u202E]/)
      const preview = runWatched(sandbox, ['preview', '--project', project, '--no-python', '--ignore-consent', 'info'])
      expect(preview.stdout).not.to.match(/[\u0000-\u0009\u000B-\u001F\u202E]/)
      const markdown = runWatched(sandbox, ['audit', '.', '--format', 'markdown']).stdout
      expect(markdown).not.to.match(/<img|[\u0000-\u0009\u000B-\u001F]/)
      const junit = runWatched(sandbox, ['audit', '.', '--format', 'junit']).stdout
      expect(XMLValidator.validate(junit)).to.equal(true)
      const sarif = json<SarifLog>(runWatched(sandbox, ['audit', '.', '--format', 'sarif']))
      // Only characters RFC 3986 allows in a URI: no raw ESC, space, <, > or |.
      for (const result of sarif.runs[0].results) expect(result.locations[0].physicalLocation.artifactLocation.uri).to.match(/^[\w\-.~!$&'()*+,;=:@%/]+$/)
    })
  })
})
