/**
 * `opt-out --global`: the opt-out variables in the user's shell startup files, idempotently, after a confirmation;
 * and `status` saying where a machine-wide opt-out comes from and whether this shell has it.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {optOutLines, planMachineWideOptOut, startupFilesToWrite} from '../src/consent/machine-wide.js'
import {scanStartupFile} from '../src/consent/shell-startup.js'
import {InputError} from '../src/errors.js'
import type {ChangeResult, StatusReport} from '../src/index.js'
import {expectValid} from './helpers/schemas.js'
import {runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {EXAMPLE, removeTempDirs, runCli, tempDir} from './helpers/sandbox.js'

function homeEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {HOME: home, SHELL: '/bin/bash', XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), ...extra}
}

const read = (file: string) => readFileSync(file, 'utf8')

describe('opt-out --global: a machine-wide opt-out', function () {
  this.timeout(60_000)
  after(removeTempDirs)

  describe('reading startup files', () => {
    it('finds the exports that decline (non-empty values, not emptied later), in sh and fish syntax', async () => {
      const posix = optOutLines('# DO_NOT_TRACK=1 in a comment\nexport DO_NOT_TRACK=1\nexport KEDRO_DISABLE_TELEMETRY="true"\n', 'posix', 'f')
      expect(posix.map((line) => [line.line, line.variable])).to.deep.equal([[2, 'DO_NOT_TRACK'], [3, 'KEDRO_DISABLE_TELEMETRY']])
      // Emptied again, or never exported: neither declines.
      expect(optOutLines('export DO_NOT_TRACK=1\nKEDRO_DISABLE_TELEMETRY="true"\nexport DO_NOT_TRACK=\n', 'posix', 'f')).to.deep.equal([])
      const fish = optOutLines('set -gx DO_NOT_TRACK 1\nset -g KEDRO_DISABLE_TELEMETRY 1\nset --export KEDRO_DISABLE_TELEMETRY 1\n', 'fish', 'f')
      // `set -g` without -x is not exported, so kedro never sees it.
      expect(fish.map((line) => [line.line, line.variable])).to.deep.equal([[1, 'DO_NOT_TRACK'], [3, 'KEDRO_DISABLE_TELEMETRY']])
    })

    it('counts only what a shell would really export: not in a heredoc, under if false, unset later, empty or not exported', () => {
      const variables = ['DO_NOT_TRACK']
      const exported = (text: string, syntax: 'fish' | 'posix' = 'posix') => scanStartupFile(text, syntax, variables).exported.map((line) => line.line)
      const unclear = (text: string, syntax: 'fish' | 'posix' = 'posix') => scanStartupFile(text, syntax, variables).unclear.map((line) => line.line)
      // Never run, or undone.
      expect(exported('cat <<EOF\nexport DO_NOT_TRACK=1\nEOF\n')).to.deep.equal([])
      expect(exported("cat <<-'END'\n\texport DO_NOT_TRACK=1\n\tEND\n")).to.deep.equal([])
      expect(exported('export DO_NOT_TRACK=1\nunset DO_NOT_TRACK\n')).to.deep.equal([])
      expect(exported('export DO_NOT_TRACK=1\nexport -n DO_NOT_TRACK\n')).to.deep.equal([])
      expect(exported('export DO_NOT_TRACK=\n')).to.deep.equal([])
      expect(exported("export DO_NOT_TRACK=''\n")).to.deep.equal([])
      expect(exported('DO_NOT_TRACK=1\n')).to.deep.equal([])
      expect(exported('DO_NOT_TRACK=1 kedro run\n')).to.deep.equal([])
      expect(exported('echo "a\nexport DO_NOT_TRACK=1\nb"\n')).to.deep.equal([])
      expect(exported('exit 0\nexport DO_NOT_TRACK=1\n')).to.deep.equal([])
      // Run only on a condition: "could not tell", never "set".
      expect(unclear('if false; then\n  export DO_NOT_TRACK=1\nfi\n')).to.deep.equal([2])
      expect(unclear('f() {\n  export DO_NOT_TRACK=1\n}\n')).to.deep.equal([2])
      expect(unclear('[ -n "$CI" ] && export DO_NOT_TRACK=1\n')).to.deep.equal([1])
      expect(unclear('export DO_NOT_TRACK=$FLAG\n')).to.deep.equal([1])
      expect(unclear('export DO_NOT_TRACK=1\nif x; then unset DO_NOT_TRACK; fi\n')).to.deep.equal([2])
      // Really exported.
      expect(exported('export DO_NOT_TRACK=1\n')).to.deep.equal([1])
      expect(exported('DO_NOT_TRACK=1\nexport DO_NOT_TRACK\n')).to.deep.equal([1])
      expect(exported('export DO_NOT_TRACK\nDO_NOT_TRACK=yes\n')).to.deep.equal([2])
      expect(exported('set -a\nDO_NOT_TRACK=1\nset +a\n')).to.deep.equal([2])
      expect(exported('[ -z "$PS1" ] && return\ncat <<< "x"\nexport DO_NOT_TRACK="1"  # off\n')).to.deep.equal([3])
      expect(exported('if true; then :; fi\ncase $- in *i*) ;; esac\nexport DO_NOT_TRACK=1\n')).to.deep.equal([3])
      // fish: only exported, at the top level, not erased.
      expect(exported('set -gx DO_NOT_TRACK 1\n', 'fish')).to.deep.equal([1])
      expect(exported('set -gx DO_NOT_TRACK 1\nset -e DO_NOT_TRACK\n', 'fish')).to.deep.equal([])
      expect(unclear('if status is-interactive\n  set -gx DO_NOT_TRACK 1\nend\n', 'fish')).to.deep.equal([2])
      // Where appended lines would never run.
      expect(scanStartupFile('cat <<EOF\nunclosed\n', 'posix', variables).endProblem).to.match(/heredoc opened on line 1/)
      expect(scanStartupFile('if true; then\n  :\n', 'posix', variables).endProblem).to.match(/line 1 opens a block that is never closed/)
    })

    it('writes the files of the shells in use, and ~/.profile always', async () => {
      const home = tempDir('kc-mw-home-')
      const names = (env: Record<string, string>) => startupFilesToWrite(env).map((entry) => path.relative(home, entry.file))
      expect(names(homeEnv(home))).to.deep.equal(['.bashrc', '.profile'])
      expect(names(homeEnv(home, {SHELL: '/usr/bin/zsh'}))).to.deep.equal(['.zshenv', '.profile'])
      expect(names(homeEnv(home, {SHELL: '/usr/bin/fish'}))).to.deep.equal([path.join('.config', 'fish', 'conf.d', 'kedro-consent.fish'), '.profile'])
      // bash's login file when there is one; zsh when its files exist, whatever SHELL says.
      writeFileSync(path.join(home, '.bash_profile'), '')
      writeFileSync(path.join(home, '.zshrc'), '')
      expect(names(homeEnv(home))).to.deep.equal(['.bashrc', '.bash_profile', '.zshenv', '.profile'])
    })

    it('refuses on Windows, with the command that does it there', async () => {
      expect(() => planMachineWideOptOut(homeEnv(tempDir()), 'win32')).to.throw(InputError, /Windows/).with.property('hint').that.contains('setx DO_NOT_TRACK 1')
    })
  })

  it('needs --yes without a terminal, and then writes nothing', async () => {
    const home = tempDir('kc-mw-home-')
    const result = await runInProcess(['opt-out', '--global'], {cwd: home, env: homeEnv(home)})
    expect(result.code).to.equal(2)
    expect(result.stderr).to.contain('no terminal to confirm in').and.to.contain('--yes')
    expect(() => lstatSync(path.join(home, '.bashrc'))).to.throw()
  })

  it('appends the lines once: running it again changes nothing, and a line already there is kept', async () => {
    const home = tempDir('kc-mw-home-')
    writeFileSync(path.join(home, '.bashrc'), 'alias ll="ls -l"\nexport DO_NOT_TRACK=1')
    const first = await runJsonInProcess<ChangeResult>(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(first.code, first.stderr).to.equal(0)
    expectValid('consent-change.schema.json', first.json)
    const bashrc = read(path.join(home, '.bashrc'))
    // Only the variable that was missing; the unterminated last line is ended, not glued to.
    expect(bashrc).to.match(/^alias ll="ls -l"\nexport DO_NOT_TRACK=1\n# Added by `telemetry opt-out --global`[^\n]*\nexport KEDRO_DISABLE_TELEMETRY=1\n$/)
    expect(read(path.join(home, '.profile'))).to.match(/^# Added by[^\n]*\nexport DO_NOT_TRACK=1\nexport KEDRO_DISABLE_TELEMETRY=1\n$/)
    expect(first.json.machineWide?.map((entry) => entry.action)).to.deep.equal(['append', 'append'])
    expect(first.json.after.willSend).to.equal(false)
    expect(first.json.history.record.machineWide).to.deep.equal([path.join(home, '.bashrc'), path.join(home, '.profile')])
    expectValid('history-record.schema.json', first.json.history.record)

    const second = await runJsonInProcess<ChangeResult>(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(second.json.machineWide?.map((entry) => entry.action)).to.deep.equal(['present', 'present'])
    expect(read(path.join(home, '.bashrc'))).to.equal(bashrc)
    const text = (await runInProcess(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})).stdout
    expect(text).to.contain('Already set in ~/.bashrc, ~/.profile (unchanged)')
  })

  it('writes through a symlinked startup file (a dotfiles repository) and keeps the link', async () => {
    const home = tempDir('kc-mw-home-')
    mkdirSync(path.join(home, 'dotfiles'))
    writeFileSync(path.join(home, 'dotfiles', 'bashrc'), 'set -o vi\n')
    symlinkSync(path.join('dotfiles', 'bashrc'), path.join(home, '.bashrc'))
    const result = await runInProcess(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(result.code, result.stderr).to.equal(0)
    expect(lstatSync(path.join(home, '.bashrc')).isSymbolicLink()).to.equal(true)
    expect(read(path.join(home, 'dotfiles', 'bashrc'))).to.match(/^set -o vi\n\n# Added by[^\n]*\nexport DO_NOT_TRACK=1\nexport KEDRO_DISABLE_TELEMETRY=1\n$/)
    expect(result.stdout).to.contain('~/.bashrc (-> ~/dotfiles/bashrc)')
  })

  it('two names for one file get the block once; a startup file that is a FIFO is refused without hanging', async () => {
    const home = tempDir('kc-mw-home-')
    writeFileSync(path.join(home, '.bashrc'), 'set -o vi\n')
    symlinkSync('.bashrc', path.join(home, '.profile'))
    const linked = await runInProcess(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(linked.code, linked.stderr).to.equal(0)
    expect(read(path.join(home, '.bashrc')).match(/export DO_NOT_TRACK=1/g)).to.have.length(1)
    const fifoHome = tempDir('kc-mw-home-')
    execFileSync('mkfifo', [path.join(fifoHome, '.bashrc')])
    const fifo = await runInProcess(['opt-out', '--global', '--yes'], {cwd: fifoHome, env: homeEnv(fifoHome)})
    expect(fifo.code).to.equal(2)
    expect(fifo.stderr).to.match(/^Error: .*\.bashrc.*not a regular file.*nothing was changed/m)
    expect(() => lstatSync(path.join(fifoHome, '.profile'))).to.throw()
  })

  it('on a terminal: shows the lines and the files, and changes nothing unless the answer is yes', async () => {
    const home = tempDir('kc-mw-home-')
    const declined = runCli(['opt-out', '--global'], {cwd: home, env: homeEnv(home, {NO_COLOR: '1'}), input: 'no\n', tty: true, ttyColumns: 80})
    expect(declined.code).to.equal(0)
    expect(declined.stdout).to.contain('~/.bashrc: read by bash').and.to.contain('export DO_NOT_TRACK=1').and.to.contain('Add them? (y/N)')
    expect(declined.stdout).to.contain('Nothing was changed.')
    expect(() => lstatSync(path.join(home, '.bashrc'))).to.throw()
    const accepted = runCli(['opt-out', '--global'], {cwd: home, env: homeEnv(home, {NO_COLOR: '1'}), input: 'yes\n', tty: true, ttyColumns: 80})
    expect(accepted.stdout).to.contain('Opted out machine-wide')
    expect(read(path.join(home, '.bashrc'))).to.contain('export DO_NOT_TRACK=1')
  })

  it('status says where the opt-out comes from, and when this shell does not have it yet', async () => {
    const home = tempDir('kc-mw-home-')
    await runInProcess(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    // A shell started before the change: the files say no, the environment does not.
    const stale = (await runJsonInProcess<StatusReport>(['status', EXAMPLE], {env: homeEnv(home)})).json
    expectValid('status.schema.json', stale)
    expect(stale.consent.willSend).to.equal(true)
    expect(stale.machineWide.activeHere).to.equal(false)
    expect(stale.machineWide.lines.map((line) => [path.basename(line.file), line.line, line.variable])).to.deep.equal([
      ['.bashrc', 2, 'DO_NOT_TRACK'], ['.bashrc', 3, 'KEDRO_DISABLE_TELEMETRY'], ['.profile', 2, 'DO_NOT_TRACK'], ['.profile', 3, 'KEDRO_DISABLE_TELEMETRY'],
    ])
    expect(stale.advice).to.contain('open a new terminal')
    // A new shell: decided by DO_NOT_TRACK, and the summary names the file.
    const fresh = (await runInProcess(['status', EXAMPLE], {env: homeEnv(home, {DO_NOT_TRACK: '1', NO_COLOR: '1'})})).stdout
    expect(fresh).to.contain('WILL NOT SEND').and.to.contain('Machine-wide opt-out: DO_NOT_TRACK in ~/.bashrc:2, ~/.profile:2 (set in this shell)')
    // Nothing in the startup files: the advice points to the machine-wide opt-out.
    const none = (await runJsonInProcess<StatusReport>(['status', EXAMPLE], {env: homeEnv(tempDir('kc-mw-home-'))})).json
    expect(none.machineWide.lines).to.deep.equal([])
    expect(none.advice).to.contain('telemetry opt-out --global')
  })

  it('a line that does not export is not "already set": the block that works is added, and status counts only that', async () => {
    const home = tempDir('kc-mw-home-')
    const before = 'cat <<EOF >/dev/null\nexport DO_NOT_TRACK=1\nEOF\nif false; then\n  export KEDRO_DISABLE_TELEMETRY=1\nfi\n'
    writeFileSync(path.join(home, '.bashrc'), before)
    const status = (await runJsonInProcess<StatusReport>(['status', EXAMPLE], {env: homeEnv(home)})).json
    expect(status.machineWide.lines).to.deep.equal([])
    expect(status.machineWide.unclear.map((line) => [line.line, line.variable])).to.deep.equal([[5, 'KEDRO_DISABLE_TELEMETRY']])
    const screen = (await runInProcess(['status', EXAMPLE], {env: homeEnv(home, {NO_COLOR: '1'})})).stdout
    expect(screen).to.match(/could not tell what ~\/\.bashrc:5 does with KEDRO_DISABLE_TELEMETRY/)
    const result = await runJsonInProcess<ChangeResult>(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(result.json.machineWide?.[0]).to.deep.include({action: 'append', present: []})
    expect(read(path.join(home, '.bashrc'))).to.equal(`${before}\n${result.json.machineWide?.[0].lines.join('\n')}\n`)
    const after = (await runJsonInProcess<StatusReport>(['status', EXAMPLE], {env: homeEnv(home)})).json
    expect(after.machineWide.lines.map((line) => [path.basename(line.file), line.line])).to.deep.equal([['.bashrc', 9], ['.bashrc', 10], ['.profile', 2], ['.profile', 3]])
  })

  it('refuses a file whose end never runs (an exit before it, a heredoc left open): nothing is changed', async () => {
    const home = tempDir('kc-mw-home-')
    writeFileSync(path.join(home, '.bashrc'), 'exec zsh\nexit\n')
    const result = await runInProcess(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(result.code).to.equal(2)
    expect(result.stderr).to.match(/\.bashrc: lines added at its end would never run: line 2: `exit` stops the file there/)
    expect(read(path.join(home, '.bashrc'))).to.equal('exec zsh\nexit\n')
    expect(() => lstatSync(path.join(home, '.profile'))).to.throw()
  })

  it('--undo removes exactly the lines it added, leaving each file byte for byte as before', async () => {
    const home = tempDir('kc-mw-home-')
    const originals: Record<string, string> = {'.bashrc': 'alias ll="ls -l"', '.bash_profile': '. ~/.bashrc\n\n', '.zshrc': '', '.profile': 'export PATH=$HOME/bin:$PATH\r\n'}
    for (const [name, text] of Object.entries(originals)) writeFileSync(path.join(home, name), text)
    mkdirSync(path.join(home, '.config', 'fish'), {recursive: true})
    const opted = await runInProcess(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(opted.code, opted.stderr).to.equal(0)
    // A line of the user's own after the block stays.
    writeFileSync(path.join(home, '.zshenv'), `${read(path.join(home, '.zshenv'))}alias k=kedro\n`)
    const undone = await runJsonInProcess<{action: string; files: {action: string; file: string}[]}>(['opt-out', '--global', '--undo', '--yes'], {cwd: home, env: homeEnv(home)})
    expect(undone.code, undone.stderr).to.equal(0)
    expectValid('machine-wide-undo.schema.json', undone.json)
    for (const [name, text] of Object.entries(originals)) expect(read(path.join(home, name)), name).to.equal(text)
    expect(read(path.join(home, '.zshenv'))).to.equal('alias k=kedro\n')
    expect(read(path.join(home, '.config', 'fish', 'conf.d', 'kedro-consent.fish'))).to.equal('')
    expect(undone.json.files.filter((entry) => entry.action === 'removed')).to.have.length(5)
    // Nothing left to remove: said plainly, nothing changed.
    const again = await runInProcess(['opt-out', '--global', '--undo', '--yes'], {cwd: home, env: homeEnv(home, {NO_COLOR: '1'})})
    expect(again.stdout).to.contain('nothing was removed')
  })

  it('--undo leaves a block changed by hand alone, and says so', async () => {
    const home = tempDir('kc-mw-home-')
    await runInProcess(['opt-out', '--global', '--yes'], {cwd: home, env: homeEnv(home)})
    const edited = read(path.join(home, '.bashrc')).replace('export DO_NOT_TRACK=1\nexport KEDRO_DISABLE_TELEMETRY=1', 'export DO_NOT_TRACK=0')
    writeFileSync(path.join(home, '.bashrc'), edited)
    const undone = await runInProcess(['opt-out', '--global', '--undo', '--yes'], {cwd: home, env: homeEnv(home, {NO_COLOR: '1'})})
    expect(undone.stdout).to.contain('Left as it is: ~/.bashrc')
    expect(read(path.join(home, '.bashrc'))).to.equal(edited)
    expect(read(path.join(home, '.profile'))).to.equal('')
  })
})
