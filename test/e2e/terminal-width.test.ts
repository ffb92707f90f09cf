/**
 * Every command on a real 80-column terminal (a pseudo-terminal sized with `stty cols 80`): no line wider than the
 * terminal, the status summary a dozen lines, the opt-in consent screen on one screen before its question.
 */
import {expect} from 'chai'
import {cpSync} from 'node:fs'
import path from 'node:path'

import {EXAMPLE, gitCommitAll, gitInit, removeTempDirs, runCli, tempDir} from '../helpers/sandbox.js'

const COLUMNS = 80
const ROWS = 24

const TERMINAL_CODES = /\u001B\[[\d;?]*[A-Za-z]/g

/** The lines a person sees: colour and cursor codes removed, the terminal's carriage returns dropped. */
function screenLines(output: string): string[] {
  return output.replaceAll(TERMINAL_CODES, '').replaceAll('\r', '').replace(/\n$/, '').split('\n')
}

function tooWide(lines: string[]): string[] {
  return lines.filter((line) => [...line].length > COLUMNS)
}

describe('on an 80-column terminal', function () {
  this.timeout(120_000)
  let project: string
  let env: Record<string, string>

  before(() => {
    // A deep path, as projects often have: every line that names it must still fit.
    project = path.join(tempDir('kc-width-'), 'clients', 'acme-analytics-platform', 'data-pipelines', 'spaceflights-forecasting')
    cpSync(EXAMPLE, project, {recursive: true})
    gitInit(project)
    gitCommitAll(project, 'a project')
    const home = tempDir('kc-width-home-')
    env = {HOME: home, TERM: 'xterm-256color', XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share')}
  })

  after(removeTempDirs)

  const atEighty = (args: string[], input?: string) => {
    const result = runCli(args, {cwd: project, env, input, tty: true, ttyColumns: COLUMNS})
    return {code: result.code, lines: screenLines(result.stdout)}
  }

  // In order: the writes give history and revoke something to show.
  const commands: string[][] = [
    ['status'], ['status', '--verbose'], ['preview', 'run'], ['preview', 'run', '--pipelines', 'data_science'],
    ['preview', '--ignore-consent', 'run'], ['notice'], ['opt-out'], ['status', '--verbose'], ['history'], ['revoke'],
    ['audit'], ['audit', '--only-failures'], ['enforce', '--dry-run'], ['--help'], ['status', '--help'], ['preview', '--help'],
    ['opt-in', '--help'], ['opt-out', '--help'], ['revoke', '--help'], ['audit', '--help'], ['history', '--help'],
    ['notice', '--help'], ['enforce', '--help'], ['guard', '--help'], ['capture', '--help'],
  ]
  for (const args of commands) {
    it(`telemetry ${args.join(' ')}: every line fits`, () => {
      const {code, lines} = atEighty(args)
      expect(code, lines.join('\n')).to.be.oneOf([0, 1])
      expect(lines.length).to.be.greaterThan(2)
      // The one line allowed to be wider: a request body, whole so that a copy keeps its bytes.
      expect(tooWide(lines.filter((line) => !line.startsWith('{"app_id": '))), lines.join('\n')).to.deep.equal([])
      // A command in backticks is never broken across lines: copied, it would fail.
      expect(lines.filter((line) => (line.split('`').length - 1) % 2 === 1), lines.join('\n')).to.deep.equal([])
    })
  }

  it('status: the summary is at most a dozen lines, wrapped lines included', () => {
    const {lines} = atEighty(['status'])
    expect(lines.length, lines.join('\n')).to.be.at.most(12)
    expect(lines.some((line) => line.startsWith('Next: '))).to.equal(true)
  })

  it('history: each entry in at most three lines', () => {
    const {lines} = atEighty(['history'])
    const entries = (JSON.parse(runCli(['history', '--json'], {cwd: project, env}).stdout) as {records: unknown[]}).records.length
    expect(entries).to.be.greaterThan(0)
    // The last line names the history file.
    expect(lines.length - 1, lines.join('\n')).to.be.at.most(entries * 3)
  })

  it('tables too wide for the terminal become lists (the notice: a heading per field)', () => {
    const {lines} = atEighty(['notice'])
    expect(lines).to.include('project_id')
    expect(lines).to.include('  sent: hashed')
    expect(lines.some((line) => /[┌│]/.test(line))).to.equal(false)
  })

  it('preview: the body is one line, whole, so that copying it keeps its bytes; the whole view is 40 lines at most', () => {
    // The bundled example as a newcomer first sees it: nothing decided yet.
    const fresh = path.join(tempDir('kc-width-fresh-'), 'spaceflights')
    cpSync(EXAMPLE, fresh, {recursive: true})
    const result = runCli(['preview', 'run'], {cwd: fresh, env, tty: true, ttyColumns: COLUMNS})
    const lines = screenLines(result.stdout)
    const start = lines.findIndex((line) => line.startsWith('Body as it would be sent'))
    expect(start).to.be.greaterThan(0)
    const body = lines[start + 1]
    expect(body).to.match(/^\{"app_id": /)
    const piped = runCli(['preview', '--json', 'run'], {cwd: fresh, env})
    const sent = (JSON.parse(piped.stdout) as {requests: {bodyText: string}[]}).requests[0].bodyText
    // The two runs differ only in the time of the request.
    const untimed = (text: string) => text.replace(/"timestamp": "[^"]+"/, '"timestamp": ""')
    expect(untimed(body)).to.equal(untimed(sent))
    // The rest fits the width; counted as the terminal shows it (the body wrapped), 40 lines at most.
    expect(tooWide(lines.filter((line) => line !== body)), lines.join('\n')).to.deep.equal([])
    const shown = lines.reduce((total, line) => total + Math.max(1, Math.ceil([...line].length / COLUMNS)), 0)
    expect(shown, lines.join('\n')).to.be.at.most(40)
  })

  it('opt-out --global: the lines and files it would change, and its question, fit the width', () => {
    const {code, lines} = atEighty(['opt-out', '--global'], 'no\n')
    expect(code).to.equal(0)
    expect(lines.some((line) => line.includes('Add them? (y/N)'))).to.equal(true)
    expect(tooWide(lines), lines.join('\n')).to.deep.equal([])
    expect(lines.at(-1)).to.equal('Nothing was changed.')
  })

  it('opt-in: the consent screen and its question fit one screen', () => {
    const {code, lines} = atEighty(['opt-in'], 'no\n')
    expect(code).to.equal(0)
    // The terminal echoes the answer typed ahead on the first line; the screen starts at the notice.
    const top = lines.findIndex((line) => line.startsWith('What kedro-telemetry'))
    const question = lines.findIndex((line) => line.includes('(y/N)'))
    expect(question - top, lines.join('\n')).to.be.greaterThan(5)
    expect(question - top + 1).to.be.at.most(ROWS)
    expect(tooWide(lines), lines.join('\n')).to.deep.equal([])
    expect(lines.at(-1)).to.equal('No consent given: nothing was written.')
  })
})
