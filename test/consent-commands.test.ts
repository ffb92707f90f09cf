import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {changeConsent, type ChangeResult, planConsentChange, type RevokeResult} from '../src/consent/change.js'
import type {ErrorReport} from '../src/errors.js'
import type {DecisionRecord, HistoryReading} from '../src/history/history.js'
import type {StatusReport} from '../src/status/status.js'
import type {Notice} from '../src/notice/notice.js'
import {withOpenedFiles} from './helpers/file-reads.js'
import {runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {BIN, cleanEnv, EXAMPLE, git, gitCommitAll, gitInit, makeProject, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'
import {NEWEST_KNOWN} from '../src/releases/releases.js'

/** One machine: a HOME (so telemetry.toml and the history) shared by the runs of a test. */
function machine(extra: Record<string, string> = {}) {
  const home = tempDir('kc-home-')
  const env = {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), ...extra}
  const historyFile = path.join(home, '.local', 'share', 'kedro-consent', 'history.jsonl')
  return {
    env,
    history: (): DecisionRecord[] => (existsSync(historyFile) ? readFileSync(historyFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as DecisionRecord) : []),
    historyFile,
    /** A command's --json output, as the type of its schema (the change result unless told). */
    json: <T = ChangeResult>(args: string[], cwd?: string) => runJsonInProcess<T>(args, {cwd, env}),
    run: (args: string[], options: {cwd?: string} = {}) => runInProcess(args, {...options, env}),
    userIdFile: path.join(home, '.config', 'kedro', 'telemetry.toml'),
  }
}

function change<T extends ChangeResult>(result: {code: null | number; json: T}): T {
  expect(result.code, JSON.stringify(result.json)).to.equal(0)
  expectValid('consent-change.schema.json', result.json)
  return result.json
}

type Snapshot = Map<string, null | {bytes: string; mtimeMs: number}>

/** Bytes and mtimes of files (and whether they exist), to prove a refusal changed nothing. */
function snapshot(...files: string[]): Snapshot {
  return new Map(files.map((file) => {
    const info = existsSync(file) ? lstatSync(file) : null
    return [file, info ? {bytes: info.isFile() ? readFileSync(file).toString('base64') : 'not a file', mtimeMs: info.mtimeMs} : null]
  }))
}

function expectUnchanged(before: Snapshot): void {
  expect(snapshot(...before.keys())).to.deep.equal(before)
}

function gitProject(files: Record<string, string> = {}): string {
  const root = makeProject(files)
  gitInit(root)
  return root
}

describe('opt-out, opt-in, revoke', () => {
  after(removeTempDirs)

  describe('opt-out', () => {
    it('disable and enable are opt-out and opt-in, as in other tools\' telemetry commands', async () => {
      const m = machine()
      const root = gitProject()
      expect(change(await m.json(['disable', root])).after).to.include({willSend: false})
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: false\n')
      expect(change(await m.json(['enable', root, '--yes'])).after).to.include({decidedBy: 'telemetry-file', willSend: true})
      expect(m.history().map((record) => record.action)).to.deep.equal(['opt-out', 'opt-in'])
    })

    it('looks the project up once: planned again under the lock, it reads .telemetry and git afresh, not pyproject.toml', async () => {
      const m = machine()
      const root = gitProject()
      for (const args of [['opt-out', root], ['opt-in', '--yes', root]]) {
        const {opened, result} = await withOpenedFiles(() => m.run(args))
        expect(result.code, result.stderr).to.equal(0)
        // Once to find the project root, once to read it.
        expect(opened.filter((file) => file === path.join(root, 'pyproject.toml')), args[0]).to.have.length(2)
      }
    })

    it('writes consent: false, adds .gitignore, records the decision, and status agrees', async () => {
      const m = machine()
      const root = gitProject()
      const json = change(await m.json(['opt-out', root]))
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: false\n')
      expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).to.equal('.telemetry\n')
      expect(json.git.gitignore).to.include({action: 'append', ignoredNow: true})
      expect((await m.run(['opt-out', gitProject()])).stdout).to.match(/Added \.telemetry to \S*\.gitignore, so git ignores it: commit \S*\.gitignore/)
      expect(json.after).to.include({decidedBy: 'telemetry-file', willSend: false})
      const [record] = m.history()
      expect(record).to.include({action: 'opt-out', consent: false, how: 'command', projectRoot: root})
      expectValid('history-record.schema.json', record)
      const status = (await m.json<StatusReport>(['status', root])).json
      expect(status.consent).to.include({decidedBy: 'telemetry-file', explicit: true, willSend: false})
      expect(status.git).to.include({ignored: true, tracked: false})
    })

    it('is idempotent: same file, one .gitignore line, one history line per run', async () => {
      const m = machine()
      const root = gitProject({'.gitignore': 'data/\n'})
      change(await m.json(['opt-out', root]))
      const second = change(await m.json(['opt-out', root]))
      expect(second.file).to.include({changed: false, previousConsent: false})
      expect(second.git.gitignore.action).to.equal('already-ignored')
      expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).to.equal('data/\n.telemetry\n')
      expect(m.history()).to.have.length(2)
    })

    it('keeps other keys and comments, and fixes a misread value', async () => {
      const m = machine()
      const root = gitProject({'.telemetry': '# team decision\nowner: data-team\nconsent: "false"\n'})
      const json = change(await m.json(['opt-out', root]))
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('# team decision\nowner: data-team\nconsent: false\n')
      expect(json.file?.fixedMisread).to.equal('"false"')
      expect((await m.run(['opt-out', root])).stdout).to.contain('unchanged')
      expect((await m.json<StatusReport>(['status', root])).json.consent.decidedBy).to.equal('telemetry-file')
    })

    it('works from a subdirectory of the project and in a non-interactive shell', async () => {
      const m = machine()
      const root = gitProject({'src/demo/__init__.py': ''})
      const result = spawnSync(process.execPath, [BIN, 'opt-out'], {cwd: path.join(root, 'src', 'demo'), encoding: 'utf8', env: cleanEnv(m.env), stdio: ['ignore', 'pipe', 'pipe']})
      expect(result.status, result.stderr).to.equal(0)
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: false\n')
    })
  })

  describe('opt-in', () => {
    it('refuses without a terminal unless --yes: exit 2, nothing written', async () => {
      const m = machine()
      const root = gitProject()
      const before = snapshot(path.join(root, '.telemetry'), path.join(root, '.gitignore'), m.historyFile)
      const result = await m.run(['opt-in', root])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/explicit yes/).and.to.match(/--yes/)
      const json = await m.json<ErrorReport>(['opt-in', root])
      expect(json.code).to.equal(2)
      expect(json.json.error.code).to.equal('CONSENT_NEEDS_YES')
      expectUnchanged(before)
    })

    it('--yes writes consent: true and records how', async () => {
      const m = machine()
      const root = gitProject()
      const json = change(await m.json(['opt-in', root, '--yes']))
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: true\n')
      expect(json.after).to.include({decidedBy: 'telemetry-file', explicit: true, willSend: true})
      expect(m.history()[0]).to.include({action: 'opt-in', how: '--yes', noticeShown: false})
      expect((await m.json<StatusReport>(['status', root])).json.consent).to.include({explicit: true, implicit: false, willSend: true})
    })

    it('on a terminal: shows the notice, and only "y" writes; the default answer is no', async () => {
      const m = machine()
      const root = gitProject()
      const declined = spawnSync('script', ['-qec', `${process.execPath} ${BIN} opt-in ${root}`, '/dev/null'], {encoding: 'utf8', env: cleanEnv({...m.env, NO_COLOR: '1'}), input: '\n'})
      expect(declined.stdout).to.contain('What kedro-telemetry').and.to.contain('IP address').and.to.contain('(y/N)')
      expect(declined.stdout).to.contain('nothing was written')
      expect(existsSync(path.join(root, '.telemetry'))).to.equal(false)
      expect(m.history()).to.have.length(0)
      const accepted = spawnSync('script', ['-qec', `${process.execPath} ${BIN} opt-in ${root}`, '/dev/null'], {encoding: 'utf8', env: cleanEnv({...m.env, NO_COLOR: '1'}), input: 'y\n'})
      expect(accepted.stdout).to.contain('Opted in')
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: true\n')
      expect(m.history()[0]).to.include({how: 'prompt', noticeShown: true})
    })
  })

  describe('refusals change nothing on disk (bytes and mtimes) and exit 2', () => {
    const cases: [string, (root: string) => void, RegExp, string][] = [
      ['a symlink', (root) => {
        writeFileSync(path.join(root, 'elsewhere'), 'consent: true\n')
        symlinkSync(path.join(root, 'elsewhere'), path.join(root, '.telemetry'))
      }, /symbolic link/, 'SYMLINK'],
      ['a directory', (root) => mkdirSync(path.join(root, '.telemetry')), /is a directory/, 'DIRECTORY'],
      ['a file that does not parse', (root) => writeFileSync(path.join(root, '.telemetry'), 'consent: [\n'), /does not parse/, 'UNPARSABLE'],
      ['not a mapping', (root) => writeFileSync(path.join(root, '.telemetry'), '- consent: false\n'), /not a mapping/, 'NOT_MAPPING'],
      ['binary', (root) => writeFileSync(path.join(root, '.telemetry'), Buffer.from([0, 1, 2, 0xFF])), /binary/, 'BINARY'],
      ['huge', (root) => writeFileSync(path.join(root, '.telemetry'), `consent: true\n${'#'.repeat(100_000)}\n`), /bytes/, 'TOO_LARGE'],
    ]
    for (const [name, setup, message, code] of cases) {
      it(name, async () => {
        const m = machine()
        const root = gitProject()
        setup(root)
        const before = snapshot(path.join(root, '.telemetry'), path.join(root, '.gitignore'), path.join(root, '.telemetry.bak'), path.join(root, 'elsewhere'), m.historyFile)
        for (const command of [['opt-out'], ['opt-in', '--yes'], ['revoke']]) {
          const result = await m.run([...command, root])
          expect(result.code, `${command[0]}: ${result.stderr}`).to.equal(2)
          expect(result.stderr.split('\n')[0]).to.match(message)
          expect(result.stderr).to.match(/^Hint: /m)
          expect((await m.json<ErrorReport>([...command, root])).json.error.code).to.equal(code)
        }

        expectUnchanged(before)
      })
    }

    it('--force saves .telemetry.bak first, then writes a new file', async () => {
      const m = machine()
      const root = gitProject({'.telemetry': 'consent: [\n'})
      const json = change(await m.json(['opt-out', root, '--force']))
      expect(readFileSync(path.join(root, '.telemetry.bak'), 'utf8')).to.equal('consent: [\n')
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: false\n')
      expect(json.file?.backup).to.equal(path.join(root, '.telemetry.bak'))
      // --force never writes through a symlink or over a directory.
      const linked = gitProject()
      symlinkSync(path.join(linked, 'pyproject.toml'), path.join(linked, '.telemetry'))
      expect((await m.run(['opt-out', linked, '--force'])).code).to.equal(2)
    })

    it('not a Kedro project: exit 2 with a hint at --ci and the variables', async () => {
      const m = machine()
      const dir = tempDir()
      const result = await m.run(['opt-out', dir])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/not in a Kedro project/).and.to.match(/--ci/).and.to.match(/DO_NOT_TRACK/)
      expect(existsSync(path.join(dir, '.telemetry'))).to.equal(false)
    })

    it('a .telemetry that is not writable (library call with a refusing access check)', async () => {
      const root = makeProject({'.telemetry': 'consent: true\n'})
      const before = snapshot(path.join(root, '.telemetry'))
      const refuse = async () => {
        throw Object.assign(new Error('denied'), {code: 'EACCES'})
      }

      const error = await planConsentChange({access: refuse, action: 'opt-out', env: cleanEnv(), how: 'command', path: root, toolVersion: 'test'})
        .then(() => null, (error_: Error & {code?: string}) => error_)
      expect(error?.message).to.match(/is not writable/)
      expect(error?.code).to.equal('NOT_WRITABLE')
      expectUnchanged(before)
    })
  })

  describe('the .gitignore guard', () => {
    it('keeps CRLF line endings and never duplicates the line', async () => {
      const m = machine()
      const root = gitProject({'.gitignore': 'data/\r\nlogs/'})
      change(await m.json(['opt-out', root]))
      expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).to.equal('data/\r\nlogs/\r\n.telemetry\r\n')
      change(await m.json(['opt-in', root, '--yes']))
      expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).to.equal('data/\r\nlogs/\r\n.telemetry\r\n')
    })

    it('a line overridden by a later rule is reported, not duplicated', async () => {
      const m = machine()
      const root = gitProject({'.gitignore': '.telemetry\n!.telemetry\n'})
      const json = change(await m.json(['opt-out', root]))
      expect(json.git.gitignore).to.include({action: 'listed-but-overridden', ignoredNow: false})
      expect(json.warnings.join(' ')).to.match(/un-ignores it/)
      expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).to.equal('.telemetry\n!.telemetry\n')
    })

    it('--no-gitignore skips it; outside git it is skipped and says why', async () => {
      const m = machine()
      const root = gitProject()
      expect(change(await m.json(['opt-out', root, '--no-gitignore'])).git.gitignore).to.include({action: 'skipped', reason: '--no-gitignore'})
      expect(existsSync(path.join(root, '.gitignore'))).to.equal(false)
      const plain = makeProject()
      expect(change(await m.json(['opt-out', plain])).git.gitignore).to.include({action: 'skipped', reason: 'not a git repository'})
      expect(existsSync(path.join(plain, '.gitignore'))).to.equal(false)
    })

    it('a tracked .telemetry: says how to untrack it; --untrack does it', async () => {
      const m = machine()
      const root = gitProject({'.telemetry': 'consent: true\n'})
      gitCommitAll(root, 'commit the consent file by mistake')
      const told = change(await m.json(['opt-out', root]))
      expect(told.git).to.include({tracked: true, untrackCommand: 'git rm --cached .telemetry', untracked: false})
      expect(told.warnings.join(' ')).to.match(/git rm --cached \.telemetry/)
      const done = change(await m.json(['opt-out', root, '--untrack']))
      expect(done.git).to.include({tracked: true, untracked: true})
      expect(git(root, 'ls-files', '--', '.telemetry')).to.equal('')
      expect(existsSync(path.join(root, '.telemetry'))).to.equal(true)
      const status = (await m.json<StatusReport>(['status', root])).json
      expect(status.git).to.include({everCommitted: true, ignored: true, tracked: false})
    })
  })

  describe('revoke', () => {
    const uuid = '0d5c2f6e-8a3b-4c1d-9e7f-123456789abc'

    it('writes consent: false, deletes the uuid (other keys stay), shows the identifiers first', async () => {
      const m = machine()
      writeFiles(path.dirname(m.userIdFile), {'telemetry.toml': `[telemetry]\nuuid = "${uuid}"\n\n[ui]\ntheme = "dark"\n`})
      const root = gitProject({'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8')})
      const text = await m.run(['revoke', root])
      expect(text.code, text.stderr).to.equal(0)
      const identifiersAt = text.stdout.indexOf('0d5c2f6e8a3b4c1d9e7f123456789abc')
      expect(identifiersAt).to.be.greaterThan(-1)
      expect(identifiersAt).to.be.lessThan(text.stdout.indexOf('Deleted the user id'))
      expect(text.stdout).to.contain('8cce493deace1462').and.to.contain('data controller')
      // What was done, in plain words, comes before the legal part (whom to ask for erasure).
      expect(text.stdout.indexOf('Consent revoked')).to.be.lessThan(text.stdout.indexOf('data controller'))
      expect(text.stdout).to.contain('will not send from here: your .telemetry file says no').and.not.to.contain('decided by')
      expect(readFileSync(m.userIdFile, 'utf8')).to.equal('[telemetry]\n\n[ui]\ntheme = "dark"\n')
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: false\n')
      expect(m.history()[0]).to.deep.include({action: 'revoke', removed: {projectId: false, userId: true}})
      const status = (await m.json<StatusReport>(['status', root])).json
      expect(status.identity.userId).to.equal(null)
      expect(status.consent.willSend).to.equal(false)
    })

    it('--json quotes the identifiers in the erasure statement; --keep-identity keeps the uuid', async () => {
      const m = machine()
      writeFiles(path.dirname(m.userIdFile), {'telemetry.toml': `[telemetry]\nuuid = "${uuid}"\n`})
      const root = gitProject({'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8')})
      const json = change(await m.json<RevokeResult>(['revoke', root, '--keep-identity']))
      expect(json.erasure).to.contain('0d5c2f6e8a3b4c1d9e7f123456789abc').and.to.contain('8cce493deace1462')
      expect(json.revoke).to.include({projectIdRemoved: false, userIdRemoved: false})
      expect(readFileSync(m.userIdFile, 'utf8')).to.contain(uuid)
    })

    it('--project-id removes [tool.kedro_telemetry] and leaves pyproject.toml otherwise byte for byte', async () => {
      const m = machine()
      const original = readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8')
      const root = gitProject({'pyproject.toml': original})
      const json = change(await m.json<RevokeResult>(['revoke', root, '--project-id']))
      expect(json.revoke?.projectIdRemoved).to.equal(true)
      const expected = original.replace('[tool.kedro_telemetry]\nproject_id = "3c6ada3277824c7585adb3b159d06167"\n', '')
      expect(readFileSync(path.join(root, 'pyproject.toml'), 'utf8')).to.equal(expected)
      expect((await m.json<StatusReport>(['status', root])).json.identity.projectId).to.equal(null)
    })

    it('a telemetry.toml it cannot edit is refused before anything is written', async () => {
      const m = machine()
      writeFiles(path.dirname(m.userIdFile), {'telemetry.toml': 'telemetry = {uuid = "x", other = 1}\n'})
      const root = gitProject()
      const before = snapshot(m.userIdFile, path.join(root, '.telemetry'), m.historyFile)
      const result = await m.run(['revoke', root])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/--keep-identity/)
      expectUnchanged(before)
    })
  })

  describe('CI', () => {
    it('--ci appends the variables to $GITHUB_ENV once, outside a project and outside git', async () => {
      const githubEnv = path.join(tempDir(), 'github_env')
      writeFileSync(githubEnv, 'OTHER=1')
      const m = machine({GITHUB_ENV: githubEnv})
      const dir = tempDir()
      const json = change(await m.json(['opt-out', '--ci'], dir))
      expect(json.file).to.equal(null)
      expect(json.ci).to.deep.equal({appended: ['DO_NOT_TRACK=1', 'KEDRO_DISABLE_TELEMETRY=1'], exports: [], githubEnv})
      expect(json.after).to.include({decidedBy: 'DO_NOT_TRACK', willSend: false})
      change(await m.json(['opt-out', '--ci'], dir))
      expect(readFileSync(githubEnv, 'utf8')).to.equal('OTHER=1\nDO_NOT_TRACK=1\nKEDRO_DISABLE_TELEMETRY=1\n')
      expect(m.history()[0]).to.include({how: 'ci', projectRoot: null})
    })

    it('--ci elsewhere prints export lines that eval sets, and still writes .telemetry in a project', async () => {
      const m = machine()
      const root = gitProject()
      const script = `eval "$(${process.execPath} ${BIN} opt-out --ci)" && echo "DO_NOT_TRACK=$DO_NOT_TRACK KEDRO_DISABLE_TELEMETRY=$KEDRO_DISABLE_TELEMETRY"`
      const result = spawnSync('bash', ['-c', script], {cwd: root, encoding: 'utf8', env: cleanEnv(m.env)})
      expect(result.stdout.trim()).to.equal('DO_NOT_TRACK=1 KEDRO_DISABLE_TELEMETRY=1')
      expect(result.stderr).to.contain('Opted out')
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.equal('consent: false\n')
    })
  })

  describe('history and notice', () => {
    it('history lists each decision; a corrupt line is skipped with a warning', async () => {
      const m = machine()
      const empty = await m.run(['history'])
      expect(empty.code).to.equal(0)
      // A stray argument is a usage error that says so (not "command history:extra not found").
      const stray = await m.run(['history', 'extra'])
      expect(stray.code).to.equal(2)
      expect(stray.stderr).to.match(/^Error: telemetry history takes no arguments \(1 given\)$/m)
      expect(empty.stdout).to.match(/No consent decisions recorded yet/)
      expect((await m.json<HistoryReading>(['history'])).json.records).to.deep.equal([])
      const root = gitProject()
      change(await m.json(['opt-out', root]))
      change(await m.json(['opt-in', root, '--yes']))
      writeFileSync(m.historyFile, `${readFileSync(m.historyFile, 'utf8')}not json\n`)
      const listed = await m.json<HistoryReading>(['history'])
      expect(listed.code).to.equal(0)
      expectValid('history.schema.json', listed.json)
      expect(listed.json.records.map((record) => record.action)).to.deep.equal(['opt-out', 'opt-in'])
      expect(listed.json.skipped).to.deep.equal([{line: 3, reason: 'not valid JSON'}])
      const text = await m.run(['history'])
      expect(text.stdout).to.contain('opt-in').and.to.contain('--yes').and.to.contain(root)
      expect(text.stderr).to.match(/history\.jsonl:3 skipped/)
    })

    it('notice without --telemetry-version describes the version of the project in the current directory', async () => {
      const root = makeProject({'requirements.txt': 'kedro-telemetry==0.5.0\n'})
      const detected = (await runJsonInProcess<Notice>(['notice'], {cwd: root})).json
      expect(detected).to.include({model: 'opt-in', version: (await runJsonInProcess<Notice>(['notice', '--telemetry-version', '0.5.0'])).json.version})
      expect((await runJsonInProcess<Notice>(['notice'], {cwd: tempDir()})).json.telemetryVersions).to.equal(`${NEWEST_KNOWN.kedroTelemetry} and later`)
    })

    it('notice describes a version, and refuses a bad one', async () => {
      const json = await runJsonInProcess<Notice>(['notice', '--telemetry-version', '0.5.0'])
      expect(json.code).to.equal(0)
      expectValid('notice.schema.json', json.json)
      expect(json.json.model).to.equal('opt-in')
      expect((await runInProcess(['notice'])).stdout).to.contain('IP address').and.to.contain('*****')
      const bad = await runInProcess(['notice', '--telemetry-version', 'latest'])
      expect(bad.code).to.equal(2)
      expect(bad.stderr).to.match(/not a version/)
    })

    it('every decision records the notice version for the project\'s kedro-telemetry version', async () => {
      const home = tempDir()
      const env = cleanEnv({HOME: home})
      const root = makeProject({'requirements.txt': 'kedro-telemetry==0.5.0\n'})
      const result = await changeConsent({action: 'opt-out', env, how: 'command', path: root, toolVersion: 'test'})
      const notice = (await runJsonInProcess<Notice>(['notice', '--telemetry-version', '0.5.0'])).json
      expect(result.history.record.noticeVersion).to.equal(notice.version)
      expect(statSync(result.history.file).isFile()).to.equal(true)
    })
  })
})

describe('revoke on a telemetry.toml it cannot read', () => {
  after(removeTempDirs)

  it('says it could not read the user id, never "none on this machine"', async () => {
    const m = machine()
    writeFiles(path.dirname(m.userIdFile), {'telemetry.toml': '[telemetry\nuuid = "0d5c2f6e-8a3b-4c1d-9e7f-123456789abc"\n'})
    const root = gitProject({'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8')})
    const text = await m.run(['revoke', root, '--keep-identity'])
    expect(text.code, text.stderr).to.equal(0)
    expect(text.stdout).to.match(/^user id +not read from .*telemetry\.toml: not valid TOML/m).and.not.to.contain('none on this machine')
    expect(text.stdout).to.contain('the user id could not be read here (not valid TOML')
    const json = await m.json<{identifiers: {userIdProblem: null | string}}>(['revoke', root, '--keep-identity'])
    expect(json.json.identifiers.userIdProblem).to.match(/^not valid TOML/)
  })
})
