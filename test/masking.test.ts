import {expect} from 'chai'
import fc from 'fast-check'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {PLUGIN_GROUPS_DATA} from '../src/masking/structures.js'
import {KEDRO_CLI_RELEASES, KEDRO_TOP_LEVEL_OPTIONS, MASK, maskKedroArgs, MaskingError, maskingRulesFor, passesThrough, STARTERS, structureFor} from '../src/masking/masking.js'
import {REPO_ROOT} from './helpers/sandbox.js'

const KEDRO_1 = ['1.0.0', '1.5.0']
const ALL_KEDRO = ['0.19.0', '0.19.14', '1.0.0', '1.3.1', '1.5.0']

describe('masking', () => {
  describe('the published kedro-telemetry test cases', () => {
    // They exercise `catalog describe-datasets`, which exists from Kedro 1.0 on.
    const published: [string[], string[]][] = [
      [[], []],
      [['info'], ['info']],
      [['run', '--pipeline=data_science'], ['run', '--pipeline', MASK]],
      [['catalog', 'describe-datasets'], ['catalog', 'describe-datasets']],
      [['pipeline', 'create', 'mypipeline'], ['pipeline', 'create', MASK]],
      [['run', '-p', 'bar'], ['run', '-p', MASK]],
      [['run', '--params=hello=4', '--pipeline=my_pipeline'], ['run', '--params', MASK, '--pipeline', MASK]],
      [['new', '--starter=spaceflights-pandas', '--name=my_project'], ['new', '--starter', 'spaceflights-pandas', '--name', MASK]],
      [['new', '--starter', 'my_starter', '--name=my_project'], ['new', '--starter', MASK, '--name', MASK]],
      [['new', '-s=databricks-iris', '-n=my_project'], ['new', '-s', 'databricks-iris', '-n', MASK]],
    ]
    for (const kedroVersion of KEDRO_1) {
      for (const [input, output] of published) {
        it(`Kedro ${kedroVersion}: ${JSON.stringify(input)} -> ${JSON.stringify(output)}`, () => {
          expect(maskKedroArgs(input, {kedroVersion})).to.deep.equal(output)
        })
      }
    }
  })

  describe('tricky inputs (kedro-telemetry 0.8.0)', () => {
    const everyVersion: [string, string[], string[]][] = [
      ['a leading --help passes everything through, values included', ['--help', 'run', '--params', 'token=abc'], ['--help', 'run', '--params', 'token=abc']],
      ['so do -h, -v, --version and an empty first token', ['-h', 'x'], ['-h', 'x']],
      ['-v', ['-v', 'secret'], ['-v', 'secret']],
      ['--version', ['--version'], ['--version']],
      ['empty first token', ['', 'secret'], ['', 'secret']],
      ['-V is not a command: one mask', ['-V'], [MASK]],
      ['an unknown command is one mask whatever follows', ['deploy', 'prod', '--force'], [MASK]],
      ['a short-option cluster is one mask', ['run', '-pds'], ['run', MASK]],
      ['an option without a value', ['run', '--pipeline'], ['run', '--pipeline']],
      ['only the first = splits', ['run', '--pipeline=a=b'], ['run', '--pipeline', MASK]],
      ['an unknown --opt=value leaves only a mask', ['run', '--secret=hunter2'], ['run', MASK]],
      ['a stray positional', ['run', 'positional'], ['run', MASK]],
      ['a starter after -s', ['new', '-s', 'astro-airflow-iris'], ['new', '-s', 'astro-airflow-iris']],
      ['a starter is only kept right after --starter', ['new', '--name', 'spaceflights-pandas'], ['new', '--name', MASK]],
      ['prev survives --starter=value, so a following starter is kept too', ['new', '--starter=spaceflights-pandas', 'spaceflights-pyspark'], ['new', '--starter', 'spaceflights-pandas', 'spaceflights-pyspark']],
      ['an unknown option named like a starter option is not kept, its starter value is', ['new', '--bogus=spaceflights-pandas', '-s=x'], ['new', MASK, '-s', MASK]],
      ['an argument name as the last token is kept', ['pipeline', 'create', 'name'], ['pipeline', 'create', 'name']],
      ['-h is not an option of a command (only --help is)', ['run', '-h'], ['run', MASK]],
    ]
    for (const kedroVersion of ALL_KEDRO) {
      for (const [name, input, output] of everyVersion) {
        it(`Kedro ${kedroVersion}: ${name}`, () => {
          expect(maskKedroArgs(input, {kedroVersion})).to.deep.equal(output)
        })
      }
    }

    it('a token after an argument name makes kedro-telemetry raise, reported as a MaskingError', () => {
      for (const kedroVersion of ALL_KEDRO) {
        expect(() => maskKedroArgs(['pipeline', 'create', 'name', 'extra'], {kedroVersion})).to.throw(MaskingError, /TypeError/)
        expect(() => maskKedroArgs(['pipeline', 'create', 'name', '--env=x'], {kedroVersion})).to.throw(MaskingError)
        expect(() => maskKedroArgs(['ipython', 'args', '--x'], {kedroVersion})).to.throw(MaskingError)
      }
    })

    it('commands differ between Kedro versions', () => {
      // 0.19 has `catalog list` and `kedro micropkg`; 1.x replaced them.
      expect(maskKedroArgs(['catalog', 'list'], {kedroVersion: '0.19.14'})).to.deep.equal(['catalog', 'list'])
      expect(maskKedroArgs(['catalog', 'list'], {kedroVersion: '1.5.0'})).to.deep.equal(['catalog', MASK])
      expect(maskKedroArgs(['catalog', 'describe-datasets'], {kedroVersion: '0.19.14'})).to.deep.equal(['catalog', MASK])
      // `registry describe` appears in 1.5.0's structure only.
      expect(maskKedroArgs(['registry', 'describe', 'name'], {kedroVersion: '1.5.0'})).to.deep.equal(['registry', 'describe', 'name'])
    })

    it('plugin commands are known only when the plugin is installed', () => {
      const viz = {kedroVersion: '1.5.0', plugins: ['kedro-viz']}
      expect(maskKedroArgs(['viz'], viz)).to.deep.equal(['viz'])
      expect(maskKedroArgs(['viz', '--autoreload'], viz)).to.deep.equal(['viz', MASK])
      expect(maskKedroArgs(['viz', 'run', '--no-browser'], viz)).to.deep.equal(['viz', 'run', MASK])
      expect(maskKedroArgs(['viz', 'run', '--port=4141'], viz)).to.deep.equal(['viz', 'run', '--port', MASK])
      expect(maskKedroArgs(['viz'], {kedroVersion: '1.5.0'})).to.deep.equal([MASK])
      expect(maskKedroArgs(['airflow', 'create', '-t=dags'], {kedroVersion: '1.5.0', plugins: ['kedro-airflow']})).to.deep.equal(['airflow', 'create', '-t', MASK])
      expect(maskKedroArgs(['docker', 'build', '--image', 'x'], {kedroVersion: '1.5.0', plugins: ['kedro-docker']})).to.deep.equal(['docker', 'build', '--image', MASK])
    })
  })

  describe('older rule sets', () => {
    it('0.6.1 to 0.6.5: the walk with the leading-help pass-through and the unknown-command mask, no starters', () => {
      const options = {kedroVersion: '1.5.0', telemetryVersion: '0.6.3'}
      // A leading help still returns the arguments as they are, and an unknown command is one mask.
      expect(maskKedroArgs(['--help', 'secret'], options)).to.deep.equal(['--help', 'secret'])
      expect(maskKedroArgs(['deploy', 'prod'], options)).to.deep.equal([MASK])
      expect(maskKedroArgs(['-V'], options)).to.deep.equal([MASK])
      // No starter is spared, whichever way it is given.
      expect(maskKedroArgs(['new', '--starter=spaceflights-pandas'], options)).to.deep.equal(['new', '--starter', MASK])
      expect(maskKedroArgs(['new', '-s', 'spaceflights-pandas'], options)).to.deep.equal(['new', '-s', MASK])
      expect(maskKedroArgs(['run', '--pipeline=ds', '--params', 'a=1'], options)).to.deep.equal(['run', '--pipeline', MASK, '--params', MASK])
      expect(() => maskKedroArgs(['pipeline', 'create', 'name', 'extra'], options)).to.throw(MaskingError)
    })

    it('0.7.0 on: the starters are spared', () => {
      const options = {kedroVersion: '1.5.0', telemetryVersion: '0.7.0'}
      expect(maskKedroArgs(['new', '--starter=spaceflights-pandas'], options)).to.deep.equal(['new', '--starter', 'spaceflights-pandas'])
      expect(maskKedroArgs(['new', '-s', 'databricks-iris', '--name', 'x'], options)).to.deep.equal(['new', '-s', 'databricks-iris', '--name', MASK])
    })

    it('0.3.2 to 0.6.0: the walk from the root, with no pass-through and no single mask for an unknown command', () => {
      const options = {kedroVersion: '1.5.0', telemetryVersion: '0.5.0'}
      expect(maskKedroArgs(['run', '--pipeline=ds', '--params', 'a=1'], options)).to.deep.equal(['run', '--pipeline', MASK, '--params', MASK])
      // A leading --help is the root's own option: kept, and what follows is masked.
      expect(maskKedroArgs(['--help', 'secret'], options)).to.deep.equal(['--help', MASK])
      // An unknown command is masked token by token.
      expect(maskKedroArgs(['deploy', 'prod', '--x'], options)).to.deep.equal([MASK, MASK, MASK])
      expect(maskKedroArgs(['new', '--starter', 'spaceflights-pandas'], options)).to.deep.equal(['new', '--starter', MASK])
      expect(() => maskKedroArgs(['pipeline', 'create', 'name', 'extra'], options)).to.throw(MaskingError)
    })

    it('0.1.4 to 0.3.1: the first masking.py\'s vocabulary, with kedro, -h and --version but no group options', () => {
      const options = {kedroVersion: '1.5.0', telemetryVersion: '0.3.1'}
      // "run" and "create" are command names, so as values they are sent.
      expect(maskKedroArgs(['run', '--pipeline', 'run'], options)).to.deep.equal(['run', '--pipeline', 'run'])
      expect(maskKedroArgs(['run', '--pipeline=create', '--x=secret'], options)).to.deep.equal(['run', '--pipeline', 'create', MASK, MASK])
      // Every `=` splits, and empty parts and empty tokens are dropped.
      expect(maskKedroArgs(['run', '--params=a=kedro', '--pipeline=', ''], options)).to.deep.equal(['run', '--params', MASK, 'kedro', '--pipeline'])
      expect(maskKedroArgs(['-h', '--version', '-V', 'info'], options)).to.deep.equal(['-h', '--version', MASK, 'info'])
    })

    it('each release masks by its era, and only the eras from 0.6.1 on let values after a leading --help through', () => {
      expect(['0.1.4', '0.3.1', '0.3.2', '0.6.0', '0.6.1', '0.6.5', '0.7.0', '0.8.0'].map((version) => maskingRulesFor(version))).to.deep.equal([
        'vocabulary', 'vocabulary', 'walk', 'walk', 'walk-passthrough', 'walk-passthrough', 'walk-passthrough-starters', 'walk-passthrough-starters',
      ])
      expect(passesThrough(['--help', 'x'], 'walk-passthrough')).to.equal(true)
      expect(passesThrough(['--help', 'x'], 'walk')).to.equal(false)
      expect(passesThrough(['--help', 'x'], 'vocabulary')).to.equal(false)
      expect(passesThrough(['run', '--help'], 'walk-passthrough-starters')).to.equal(false)
    })
  })

  it('outside a project only the global commands are known', () => {
    const outside = {inProject: false, kedroVersion: '1.5.0'}
    expect(maskKedroArgs(['run', '--pipeline', 'ds'], outside)).to.deep.equal([MASK])
    expect(maskKedroArgs(['new', '--starter', 'spaceflights-pandas'], outside)).to.deep.equal(['new', '--starter', 'spaceflights-pandas'])
    expect(maskKedroArgs(['info'], outside)).to.deep.equal(['info'])
    expect(maskKedroArgs(['viz', 'run'], {...outside, plugins: ['kedro-viz']})).to.deep.equal(['viz', 'run'])
    expect(maskKedroArgs(['airflow', 'create'], {...outside, plugins: ['kedro-airflow']})).to.deep.equal([MASK])
  })

  it('KedroCLI\'s own options are the same in every stored release; the walk era (0.3.2 to 0.6.0) sends `kedro --version` as it is', () => {
    const directory = path.join(REPO_ROOT, 'src', 'releases', 'kedro-cli')
    for (const name of readdirSync(directory).filter((file) => /^\d+\.\d+\.\d+\.json$/.test(file))) {
      expect((JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as {topLevelOptions: string[]}).topLevelOptions, name).to.deep.equal(KEDRO_TOP_LEVEL_OPTIONS)
    }

    // Seen with the real kedro 0.19.5 and kedro-telemetry 0.5.0: "Command run: --version", command "kedro --version".
    expect(maskKedroArgs(['--version'], {kedroVersion: '0.19.5', telemetryVersion: '0.5.0'})).to.deep.equal(['--version'])
    expect(maskKedroArgs(['-V', 'x'], {kedroVersion: '0.19.5', telemetryVersion: '0.5.0'})).to.deep.equal(['-V', MASK])
  })

  it('Kedro 0.18.14 has no `new --name`: kedro-telemetry masks it as an unknown option', () => {
    expect(maskKedroArgs(['new', '--name', 'spaceflights-pandas'], {kedroVersion: '0.18.14'})).to.deep.equal(['new', MASK, MASK])
    expect(maskKedroArgs(['new', '--starter', 'spaceflights-pandas'], {kedroVersion: '0.18.14'})).to.deep.equal(['new', '--starter', 'spaceflights-pandas'])
  })

  it('every release from 0.18.0 to 1.5.0 answers from its own command-line interface; others are estimated', () => {
    for (const version of ['0.18.0', '0.18.14', '0.19.9', '1.3.1', '1.4.0', '1.5.0']) {
      expect(structureFor(version), version).to.deep.include({estimated: null, kedroStructureVersion: version})
    }

    // A post release is its release's; a pre-release or a version between stored ones borrows, and says so.
    expect(structureFor('1.3.1.post1')).to.deep.include({estimated: null, kedroStructureVersion: '1.3.1'})
    expect(structureFor('1.0.0rc3').estimated).to.match(/not stored: 0\.19\.15's is used/)
    expect(structureFor('1.5.9').estimated).to.match(/not stored: 1\.5\.0's is used/)
    expect(structureFor('2.0.0').kedroStructureVersion).to.equal('1.6.0')
    expect(structureFor('0.17.7').estimated).to.match(/older than the oldest/)
    // Kedro 1.2.0 added run --pipelines; 1.0.0 did not have it.
    expect(structureFor('1.3.1').structure.run).to.have.property('--pipelines')
    expect(structureFor('1.0.0').structure.run).not.to.have.property('--pipelines')
  })

  it('property: after the leading-help case, no input token reaches the output unless it is a name of the structure or an allowed starter', () => {
    const names = new Set<string>()
    const collect = (node: null | Record<string, unknown>) => {
      for (const [key, value] of Object.entries(node ?? {})) {
        names.add(key)
        collect(value as null | Record<string, unknown>)
      }
    }

    for (const structure of [...KEDRO_CLI_RELEASES.map((version) => structureFor(version).structure), ...PLUGIN_GROUPS_DATA]) collect(structure)
    const vocabulary = [...names, ...STARTERS]
    const token = fc.oneof(
      fc.constantFrom(...vocabulary),
      fc.string({maxLength: 12}),
      fc.tuple(fc.constantFrom(...vocabulary.filter((name) => name.startsWith('-'))), fc.string({maxLength: 8})).map(([name, value]) => `${name}=${value}`),
    )
    fc.assert(fc.property(
      fc.constantFrom(...ALL_KEDRO),
      fc.array(token, {maxLength: 8}),
      fc.subarray(['kedro-viz', 'kedro-airflow', 'kedro-docker']),
      (kedroVersion, args, plugins) => {
        fc.pre(args.length > 0 && !['', '--help', '--version', '-h', '-v'].includes(args[0]))
        let masked: string[]
        try {
          masked = maskKedroArgs(args, {kedroVersion, plugins})
        } catch (error) {
          expect(error).to.be.instanceOf(MaskingError)
          return
        }

        for (const out of masked) expect(out === MASK || names.has(out) || STARTERS.has(out), `leaked ${JSON.stringify(out)} from ${JSON.stringify(args)}`).to.equal(true)
        // Nothing is invented: every kept token (other than a split option name or starter) was in the input.
        for (const out of masked) if (out !== MASK) expect(args.some((arg) => arg === out || arg.startsWith(`${out}=`) || arg.endsWith(`=${out}`))).to.equal(true)
      },
    ), {numRuns: 2000})
  })
})
