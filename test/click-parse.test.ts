/**
 * click's parsing of a kedro command line, per release: the options and arguments of each release's own commands
 * (src/releases/kedro-cli/), and what kedro's option callbacks do, checked against what each release's own callbacks
 * did with probe values when its data file was written (scripts/dump-kedro-cli.py).
 */
import {expect} from 'chai'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {structureFor} from '../src/masking/masking.js'
import {clickParse, runCallback} from '../src/request/click-parse.js'
import {REPO_ROOT, removeTempDirs, tempDir} from './helpers/sandbox.js'

interface DumpedParam {callback?: {name: string; probes?: {outcome: 'error' | 'ok' | 'usage-error'; value: string}[]}; name: string}
interface DumpedCommand {commands?: Record<string, DumpedCommand>; params: DumpedParam[]}

const DATA = path.join(REPO_ROOT, 'src', 'releases', 'kedro-cli')
const releases = readdirSync(DATA).filter((name) => /^\d+\.\d+\.\d+\.json$/.test(name)).map((name) => name.slice(0, -'.json'.length))

function probesOf(commands: Record<string, DumpedCommand>, prefix = ''): {callback: string; command: string; outcome: string; value: string}[] {
  return Object.entries(commands).flatMap(([name, command]) => [
    ...command.params.flatMap((param) => (param.callback?.probes ?? []).map((probe) => ({callback: param.callback!.name, command: `${prefix}${name} ${param.name}`, ...probe}))),
    ...probesOf(command.commands ?? {}, `${prefix}${name} `),
  ])
}

describe('click, as each Kedro release parses a command line', () => {
  after(removeTempDirs)

  it(`every option callback of ${releases.length} releases does what the release's own did with the probe values`, () => {
    const cwd = tempDir()
    let checked = 0
    for (const version of releases) {
      const data = JSON.parse(readFileSync(path.join(DATA, `${version}.json`), 'utf8')) as {commands: Record<string, DumpedCommand>}
      for (const probe of probesOf(data.commands)) {
        const verdict = runCallback(probe.callback, probe.value, version, cwd)
        const outcome = verdict.kind === 'ok' ? 'ok' : (verdict.exit === 2 ? 'usage-error' : 'error')
        expect(outcome, `Kedro ${version}: ${probe.command} ${JSON.stringify(probe.value)}`).to.equal(probe.outcome)
        checked++
      }
    }

    expect(checked).to.be.greaterThan(1000)
  })

  const run = (version: string, tokens: string[], cwd = tempDir()) => clickParse(structureFor(version).commands.run, tokens, version, cwd)

  it('takes long options with = or a space, short ones attached or clustered, and what follows -- as arguments', () => {
    expect(run('1.5.0', ['--pipelines=a,b', '-e', 'prod', '-pds', '--async']).kind).to.equal('runs')
    const parsed = run('1.5.0', ['-pds', '-lv', 'x:1'])
    expect(parsed.kind === 'runs' && [...parsed.values].map(([param, values]) => [param.opts[0], values])).to.deep.equal([['--pipeline', ['ds']], ['--load-versions', ['x:1']]])
    // -p=x gives the value "=x", as click's short options do.
    const equals = run('1.5.0', ['-p=ds'])
    expect(equals.kind === 'runs' && [...equals.values.values()]).to.deep.equal([['=ds']])
    // A single-valued option given twice: the command receives the last value only; a repeatable one keeps them all.
    const twice = run('1.5.0', ['--pipeline', 'a', '--pipeline', 'b', '--env', 'x', '-e', 'y'])
    expect(twice.kind === 'runs' && [...twice.values].map(([param, values]) => [param.opts[0], values])).to.deep.equal([['--pipeline', ['b']], ['--env', ['y']]])
    const repeated = run('0.18.14', ['-lv', 'a:1', '--load-version', 'b:2'])
    expect(repeated.kind === 'runs' && [...repeated.values.values()]).to.deep.equal([['a:1', 'b:2']])
  })

  it('rejects what click rejects (exit 2): an unknown option, a missing value, an extra argument, a value for a flag', () => {
    for (const tokens of [['--nosuch'], ['--pipeline'], ['extra-positional'], ['--async=yes'], ['-x'], ['--', 'extra']]) {
      const outcome = run('1.5.0', tokens)
      expect(outcome, tokens.join(' ')).to.deep.include({exit: 2, kind: 'rejected'})
    }
  })

  it('the callbacks: --params key:value from 0.19.0 on, key=value before 0.18.5; --load-version(s); --conf-source that does not exist', () => {
    expect(run('0.18.14', ['--params', 'lr:0.1']).kind).to.equal('runs')
    expect(run('0.19.0', ['--params', 'lr:0.1'])).to.deep.include({exit: 2, kind: 'rejected'})
    expect(run('0.18.4', ['--params', 'lr=0.1'])).to.deep.include({exit: 2, kind: 'rejected'})
    expect(run('1.5.0', ['--load-versions', 'bad'])).to.deep.include({exit: 1, kind: 'rejected'})
    expect(run('1.2.0', ['--load-versions', 'ds:']).kind).to.equal('runs')
    expect(run('1.3.0', ['--load-versions', 'ds:'])).to.deep.include({exit: 1, kind: 'rejected'})
    // 0.18's --load-version (repeatable) checks each value whole: a comma does not split it, a colon must be there.
    expect(run('0.18.14', ['--load-version', 'bad'])).to.deep.include({exit: 1, kind: 'rejected'})
    expect(run('0.18.14', ['-lv', 'a:1', '-lv', 'bad'])).to.deep.include({exit: 1, kind: 'rejected'})
    expect(run('0.18.14', ['--load-version', 'a:1,bad']).kind).to.equal('runs')
    expect(run('1.5.0', ['--conf-source', 'nowhere'])).to.deep.include({exit: 2, kind: 'rejected'})
    // Before 0.19.12 --conf-source was a click.Path that must exist: a remote URL was refused too.
    expect(run('0.19.11', ['--conf-source', 's3://bucket/conf'])).to.deep.include({exit: 2, kind: 'rejected'})
    expect(run('0.19.12', ['--conf-source', 's3://bucket/conf']).kind).to.equal('runs')
  })

  it('run --config FILE: its run section must be there, and from 0.19.0 name only run\'s own parameters', () => {
    const cwd = tempDir()
    const config = (name: string, text: string) => {
      writeFileSync(path.join(cwd, name), text)
      return name
    }

    const outcome = (version: string, file: string) => run(version, ['--config', file], cwd)
    // Checked with the real Kedro 0.18.14, 0.19.14 and 1.0.0: each of these stops kedro run (exit 1).
    expect(outcome('1.5.0', config('params.yml', 'model_options:\n  test_size: 0.2\n'))).to.deep.include({exit: 1, kind: 'rejected'})
    expect(outcome('0.18.14', 'params.yml')).to.deep.include({exit: 1, kind: 'rejected'})
    expect(outcome('1.5.0', config('empty.yml', ''))).to.deep.include({exit: 1, kind: 'rejected'})
    expect(outcome('1.5.0', config('null.yml', 'run:\n'))).to.deep.include({exit: 1, kind: 'rejected'})
    expect(outcome('1.5.0', config('broken.yml', 'run: [\n'))).to.deep.include({exit: 1, kind: 'rejected'})
    const unknown = outcome('1.5.0', config('unknown.yml', 'run:\n  node: a\n'))
    expect(unknown).to.deep.include({exit: 1, kind: 'rejected'})
    // Names click gives the options: --nodes is node_names, --async is_async; --config itself is not one.
    expect(outcome('1.5.0', config('self.yml', 'run:\n  config: other.yml\n'))).to.deep.include({exit: 1, kind: 'rejected'})
    expect(outcome('1.5.0', config('none.yml', 'run: {}\n'))).to.include({estimated: null, kind: 'runs'})
    // Kedro 0.18 reads the file with anyconfig and checks no key; a file it reads by another extension is estimated.
    expect(outcome('0.18.14', config('old.yml', 'run:\n  node: a\n')).kind).to.equal('runs')
    const json = outcome('0.18.14', config('old.json', '{"run": {}}'))
    expect(json.kind === 'runs' && json.estimated).to.match(/read with anyconfig/)
  })

  describe('run --config FILE: the options left off the command line take the file\'s values', () => {
    let cwd: string
    before(() => {
      cwd = tempDir()
    })

    const withConfig = (version: string, text: string, tokens: string[] = []) => {
      writeFileSync(path.join(cwd, 'run.yml'), text)
      return run(version, ['--config', 'run.yml', ...tokens], cwd)
    }

    const valuesOf = (outcome: ReturnType<typeof run>) => (outcome.kind === 'runs' ? Object.fromEntries([...outcome.values].map(([param, given]) => [param.opts[0], given])) : outcome)

    it('as click gives them: str() of the value, flags as booleans, and the command line first', () => {
      const sets = withConfig('1.5.0', 'run:\n  node_names: a,b\n  is_async: true\n  pipeline: ds\n  env: 12\n  tags: yes\n')
      expect(sets).to.include({estimated: null, kind: 'runs'})
      expect(valuesOf(sets)).to.deep.include({'--async': ['true'], '--env': ['12'], '--nodes': ['a,b'], '--pipeline': ['ds'], '--tags': ['True']})
      // A value on the command line wins, wherever --config stands.
      expect(valuesOf(withConfig('1.5.0', 'run:\n  pipeline: ds\n', ['-p', 'de']))).to.deep.include({'--pipeline': ['de']})
      // None is no value: the option keeps its own default.
      expect(valuesOf(withConfig('1.5.0', 'run:\n  pipeline:\n'))).not.to.have.property('--pipeline')
      // Kedro 0.18's repeatable options take a list; a string is not one (click: "Value must be an iterable.").
      expect(valuesOf(withConfig('0.18.14', 'run:\n  tag: [a, 2]\n'))).to.deep.include({'--tag': ['a', '2']})
      expect(withConfig('0.18.14', 'run:\n  tag: a\n')).to.deep.include({exit: 2, kind: 'rejected'})
      // Kedro 0.18 never looks up a key that names no option.
      expect(valuesOf(withConfig('0.18.14', 'run:\n  nosuch: a\n  pipeline: ds\n'))).to.deep.include({'--pipeline': ['ds']})
    })

    it('each value goes through the option\'s type and callback, as a typed one does', () => {
      expect(withConfig('1.5.0', 'run:\n  load_versions: bad\n')).to.deep.include({exit: 1, kind: 'rejected'})
      expect(withConfig('1.5.0', 'run:\n  params: "lr:0.1"\n')).to.deep.include({exit: 2, kind: 'rejected'})
      expect(valuesOf(withConfig('1.5.0', 'run:\n  params: "lr=0.1"\n'))).to.deep.include({'--params': ['lr=0.1']})
      expect(withConfig('1.5.0', 'run:\n  is_async: maybe\n')).to.deep.include({exit: 2, kind: 'rejected'})
    })

    it('from 0.19.0 the file is read by OmegaConf, where a repeated key raises', () => {
      expect(withConfig('1.5.0', 'run:\n  pipeline: a\n  pipeline: b\n')).to.deep.include({exit: 1, kind: 'rejected'})
      expect(valuesOf(withConfig('0.18.14', 'run:\n  pipeline: a\n  pipeline: b\n'))).to.deep.include({'--pipeline': ['b']})
    })

    it('what this tool cannot be sure of is estimated, not applied', () => {
      for (const text of ['run:\n  pipeline: 1e3\n', 'run:\n  pipeline: 1.5\n', 'run:\n  pipeline: [a]\n', 'run:\n  params: {lr: 0.1}\n', 'run:\n  is_async: ""\n', 'run:\n  pipeline: 2001-12-14\n']) {
        const outcome = withConfig('1.5.0', text)
        expect(outcome.kind === 'runs' && outcome.estimated, text).to.match(/^--config: /)
      }
    })
  })

  it('--help acts wherever it stands, before anything is checked', () => {
    expect(run('1.5.0', ['--nosuch', '--help'])).to.deep.equal({kind: 'help'})
  })
})
