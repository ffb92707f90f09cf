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
    ['audit'], ['enforce', '--dry-run'], ['--help'], ['status', '--help'], ['preview', '--help'],
    ['opt-in', '--help'], ['opt-out', '--help'], ['revoke', '--help'], ['audit', '--help'], ['history', '--help'],
    ['notice', '--help'], ['enforce', '--help'], ['guard', '--help'],
  ]
  for (const args of commands) {
    it(`telemetry ${args.join(' ')}: every line fits`, () => {
      const {code, lines} = atEighty(args)
      expect(code, lines.join('\n')).to.be.oneOf([0, 1])
      expect(lines.length).to.be.greaterThan(2)
      expect(tooWide(lines), lines.join('\n')).to.deep.equal([])
    })
  }

  it('status: the summary is at most a dozen lines, wrapped lines included', () => {
    const {lines} = atEighty(['status'])
    expect(lines.length, lines.join('\n')).to.be.at.most(12)
    expect(lines.some((line) => line.startsWith('Next: '))).to.equal(true)
  })

  it('tables too wide for the terminal become lists (the notice: a heading per field)', () => {
    const {lines} = atEighty(['notice'])
    expect(lines).to.include('project_id')
    expect(lines).to.include('  sent: hashed')
    expect(lines.some((line) => /[┌│]/.test(line))).to.equal(false)
  })

  it('preview: the body is cut at the width with nothing added, so its lines joined are the bytes sent', () => {
    const {lines} = atEighty(['preview', '--ignore-consent', 'run'])
    const start = lines.findIndex((line) => line.startsWith('Body as it would be sent'))
    const end = lines.findIndex((line, index) => index > start && line.startsWith('(cut every 80 characters'))
    expect(start).to.be.greaterThan(0)
    expect(end).to.be.greaterThan(start + 1)
    const body = lines.slice(start + 1, end)
    expect(body[0]).to.match(/^\{"app_id": /)
    expect(body.slice(0, -1).every((line) => [...line].length === COLUMNS)).to.equal(true)
    const piped = runCli(['preview', '--ignore-consent', '--json', 'run'], {cwd: project, env})
    const sent = (JSON.parse(piped.stdout) as {requests: {bodyText: string}[]}).requests[0].bodyText
    // The two runs differ only in the time of the request.
    const untimed = (text: string) => text.replace(/"timestamp": "[^"]+"/, '"timestamp": ""')
    expect(untimed(body.join(''))).to.equal(untimed(sent))
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
