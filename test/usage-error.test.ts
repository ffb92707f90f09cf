import {expect} from 'chai'

import {closestName, unknownCommand, usageError} from '../src/usage-error.js'
import {runInProcess} from './helpers/in-process.js'

describe('usage errors: one line and a hint, not the whole usage', () => {
  it('an unknown flag names the closest one and where the help is, in at most three lines, exit 2', async () => {
    const result = await runInProcess(['opt-out', '--cii'])
    expect(result.code).to.equal(2)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines.length).to.be.at.most(3)
    expect(lines[0]).to.equal('Error: Nonexistent flag: --cii')
    expect(result.stderr).to.contain('did you mean --ci?').and.to.contain('`telemetry opt-out --help`')
    expect(result.stderr).not.to.contain('USAGE')
  })

  it('flags that exclude each other and a value out of its choices: one line each', async () => {
    const exclusive = await runInProcess(['status', '--quiet', '--verbose'])
    expect(exclusive.code).to.equal(2)
    expect(exclusive.stderr.trimEnd().split('\n')).to.have.length(2)
    expect(exclusive.stderr).to.match(/^Error: .*--verbose.*--quiet/)
    const format = await runInProcess(['audit', '--format', 'jnit'])
    expect(format.code).to.equal(2)
    expect(format.stderr).to.match(/^Error: Expected --format=jnit to be one of: .*junit/)
  })

  it('a typo of --json is caught too, and --json keeps the documented error shape', async () => {
    const result = await runInProcess(['status', '--jsn'])
    expect(result.stderr).to.contain('did you mean --json?')
    const json = await runInProcess(['opt-out', '--cii', '--json'])
    expect(json.code).to.equal(2)
    expect(JSON.parse(json.stdout)).to.deep.equal({error: {code: 'USAGE', hint: 'did you mean --ci? Or see `telemetry opt-out --help`', message: 'Nonexistent flag: --cii'}})
  })

  it('suggests only a name close enough to be a typo', () => {
    expect(closestName('glbal', ['global', 'ci', 'stack'])).to.equal('global')
    expect(closestName('verbose', ['ci', 'stack'])).to.equal(undefined)
    expect(usageError('Nonexistent flag: -x\nSee more help with --help', 'status', ['-x'], ['verbose']).hint).to.equal('see `telemetry status --help`')
  })
})

describe('preview with a leading kedro', () => {
  it('says to leave it out, with the command to write instead (exit 2)', async () => {
    const result = await runInProcess(['preview', 'kedro', 'run', '--pipeline', 'my ds'])
    expect(result.code).to.equal(2)
    expect(result.stderr).to.contain('leave out the leading "kedro"').and.to.contain("`telemetry preview run --pipeline 'my ds'`")
  })

  it('an unknown command names the closest command when it looks like a typo, spelt as typed', () => {
    const known = ['status', 'opt-in', 'opt-out', 'autocomplete', 'autocomplete:script']
    expect(unknownCommand('stauts', known)).to.deep.equal({hint: 'did you mean `telemetry status`? Or see `telemetry --help`', message: 'stauts is not a telemetry command'})
    expect(unknownCommand('autocomplete:scrip', known).hint).to.contain('`telemetry autocomplete script`')
    expect(unknownCommand('deploy', known)).to.deep.equal({hint: 'see `telemetry --help`', message: 'deploy is not a telemetry command'})
  })
})
