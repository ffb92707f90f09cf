/**
 * Attacks built as real repositories and files. For each: no canary program runs, nothing outside the project
 * changes, every command returns within the watchdog and the memory cap, and the answer is kedro's (or git's).
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chownSync, existsSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {canary, fingerprint, hostileSandbox, type HostileSandbox, markers, runWatched} from './helpers/hostile.js'
import {git, gitCommitAll, gitInit, PYPROJECT, removeTempDirs, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

/** Every command a user runs on a checkout, as JSON. */
const COMMANDS: string[][] = [['status'], ['audit', '.', '--format', 'json'], ['preview', '--no-python', 'run'], ['opt-out'], ['opt-in', '--yes'], ['revoke']]

function json(run: {stdout: string}): any {
  return JSON.parse(run.stdout)
}

/** Runs every command, then checks the promises common to all attacks. */
function everyCommandHolds(sandbox: HostileSandbox, options: {env?: Record<string, string>} = {}): void {
  const before = fingerprint(sandbox.root, [sandbox.project, sandbox.markers, path.join(sandbox.home, '.local'), path.join(sandbox.home, '.config', 'kedro')])
  for (const command of COMMANDS) {
    // --json right after the command name: everything after `preview run` is kedro's.
    const run = runWatched(sandbox, [command[0], '--json', ...command.slice(1)], options)
    expect(run.hung, `${command.join(' ')} hung`).to.equal(false)
    expect(run.stderr, command.join(' ')).not.to.match(/heap out of memory|Maximum call stack/)
    expect(() => JSON.parse(run.stdout), `${command.join(' ')}: ${run.stdout}${run.stderr}`).not.to.throw()
  }

  expect(markers(sandbox)).to.deep.equal([])
  expect(fingerprint(sandbox.root, [sandbox.project, sandbox.markers, path.join(sandbox.home, '.local'), path.join(sandbox.home, '.config', 'kedro')])).to.deep.equal(before)
}

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

      const status = json(runWatched(sandbox, ['status', '--json']))
      expectValid('status.schema.json', status)
      expect(status.git).to.deep.include({everCommitted: true, tracked: true})
      expect(status.git.commits.map((commit: {subject: string}) => commit.subject)).to.deep.equal(['add consent'])
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
      const status = json(runWatched(sandbox, ['status', '--json']))
      expectValid('status.schema.json', status)
      expect(status.git.everCommitted).to.equal(true)
      const audit = json(runWatched(sandbox, ['audit', '.', '--json']))
      expect(audit.projects[0].checks.find((check: {id: string}) => check.id === 'TEL004').status).to.equal('fail')
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
      expect(json(run).git).to.include({tracked: true, untracked: true})
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
        const status = json(runWatched(sandbox, ['status', '--json']))
        expect(status.git.refusal, where).to.deep.include({kind: 'unsafe-file'})
        expect(status.git.refusal.message).to.contain(fifo)
        const audit = runWatched(sandbox, ['audit', '.', '--json'])
        expect(audit.code).to.equal(1)
        expect(json(audit).projects[0].checks.find((check: {id: string}) => check.id === 'TEL003').status).to.equal('fail')
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
      const status = json(runWatched(sandbox, ['status', '--json']))
      expect(status.git.refusal).to.deep.include({kind: 'dubious-ownership'})
      expect(status.git.refusal.remedy).to.contain(`git config --global --add safe.directory '${project}'`)
      expect(status.advice).to.contain('safe.directory')
      const audit = runWatched(sandbox, ['audit', '.', '--json'])
      expect(audit.code).to.equal(1)
      for (const id of ['TEL003', 'TEL004']) {
        const check = json(audit).projects[0].checks.find((item: {id: string}) => item.id === id)
        expect(check.status).to.equal('fail')
        expect(check.remedy).to.contain('safe.directory')
      }

      // Opting out still works (the decision is the user's); the guard that needs git says why it was skipped.
      chownSync(path.join(project, '.telemetry'), 0, 0)
      const optOut = json(runWatched(sandbox, ['opt-out', '--json']))
      expect(optOut.git.gitignore).to.include({action: 'skipped'})
      expect(optOut.warnings.join(' ')).to.contain('safe.directory')
    })

    it('a project folder with a non-ASCII name: git\'s paths come back as real paths', () => {
      const sandbox = hostileSandbox()
      const project = path.join(sandbox.project, 'données')
      mkdirSync(project)
      writeFiles(project, {'.gitignore': '# consent\n.telemetry\n', 'pyproject.toml': PYPROJECT})
      gitInit(sandbox.project)
      const status = json(runWatched(sandbox, ['status', project, '--json']))
      expect(status.git.ignoredBy).to.deep.equal({line: 2, pattern: '.telemetry', source: 'données/.gitignore'})
      expect(existsSync(path.join(sandbox.project, '.gitignore'))).to.equal(false)
    })
  })
})
