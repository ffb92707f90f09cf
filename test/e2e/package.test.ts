import {Plugin} from '@oclif/core/config'
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import * as library from 'kedro-consent'

import {cleanEnv, EXAMPLE, REPO_ROOT, removeTempDirs, runCli, tempDir} from '../helpers/sandbox.js'
import {expectValid} from '../helpers/schemas.js'

describe('the package', () => {
  after(removeTempDirs)

  it('oclif.manifest.json is what the build produces from the current commands', async () => {
    const plugin = new Plugin({errorOnManifestCreate: true, ignoreManifest: true, respectNoCacheDefault: true, root: REPO_ROOT, type: 'core'})
    await plugin.load()
    const onDisk = readFileSync(path.join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')
    expect(JSON.parse(onDisk)).to.deep.equal(JSON.parse(JSON.stringify(plugin.manifest)))
    expect(Object.keys(plugin.manifest.commands)).to.include('status')
  })

  it('the main entry exports the typed library: consent, masking, hashing, status', async () => {
    const decision = library.resolveConsent({env: {DO_NOT_TRACK: '0'}, file: null, projectRoot: null, telemetryVersion: '0.9.0'})
    expect(decision).to.include({decidedBy: 'DO_NOT_TRACK', willSend: false})
    expect(library.resolveConsent({env: {}, file: null, projectRoot: null, telemetryVersion: '0.9.0'})).to.include({implicit: true, willSend: true})
    expect(library.maskKedroArgs(['run', '--pipelines', 'secret'], {inProject: true, kedroVersion: '1.5.0', telemetryVersion: '0.9.0'}))
      .to.deep.equal(['run', '--pipelines', '*****'])
    const report = await library.inspectStatus({env: {DO_NOT_TRACK: '1', HOME: tempDir()}, path: EXAMPLE})
    expect(report.consent).to.include({decidedBy: 'DO_NOT_TRACK', willSend: false})
    expect(library.hashedProjectId('3c6ada3277824c7585adb3b159d06167', 'spaceflights')).to.match(/^8cce493d/)
    expect(existsSync(path.join(REPO_ROOT, 'dist', 'index.d.ts'))).to.equal(true)
  })

  it('the bundle loads its lazily imported libraries: the policy\'s reader and PEP 440 specifiers, the stack\'s versions', () => {
    const repository = tempDir('kc-repo-')
    spawnSync('git', ['init', '-q'], {cwd: repository})
    writeFileSync(path.join(repository, '.kedro-consent.yml'), 'version: 1\nkedro-telemetry: ">=0.6.0"\nexclude: [old/**]\n')
    const project = path.join(repository, 'project')
    mkdirSync(project)
    writeFileSync(path.join(project, 'pyproject.toml'), readFileSync(path.join(EXAMPLE, 'pyproject.toml')))
    writeFileSync(path.join(project, 'requirements.txt'), 'kedro==1.5.0\nkedro-telemetry==0.9.0\nmlflow==3.4.0\n')
    const run = runCli(['status', project, '--json'], {env: {HOME: tempDir()}})
    expect(run.code, run.stderr).to.equal(0)
    const report = JSON.parse(run.stdout) as library.StatusReport
    expect(report.policy?.rules.map((rule) => [rule.rule, rule.met])).to.deep.equal([['kedro-telemetry', true]])
    expect(report.stack.map((tool) => [tool.id, tool.wouldSend])).to.deep.equal([['mlflow', true]])
    const audit = runCli(['audit', repository, '--format', 'codequality'], {env: {HOME: tempDir()}})
    expect(audit.code, audit.stderr).to.be.oneOf([0, 1])
  })

  it('has help with examples, "did you mean", and autocomplete', () => {
    const help = runCli(['--help'])
    expect(help.code).to.equal(0)
    expect(help.stdout).to.contain('status').and.to.contain('autocomplete')
    // An unknown command: the closest one and where help is, in two lines, on a terminal as in a pipe; no question
    // that waits for an answer.
    for (const tty of [true, false]) {
      const typo = runCli(['statsu'], {env: {NO_COLOR: '1'}, tty})
      expect(typo.code).to.equal(127)
      expect((tty ? typo.stdout : typo.stderr).trimEnd().split(/\r?\n/)).to.deep.equal([
        'Error: statsu is not a telemetry command', 'Hint: did you mean `telemetry status`? Or see `telemetry --help`',
      ])
    }

    const json = runCli(['statsu', '--json'])
    expectValid('error.schema.json', JSON.parse(json.stdout))
    expect(JSON.parse(json.stdout)).to.deep.equal({error: {code: 'UNKNOWN_COMMAND', hint: 'did you mean `telemetry status`? Or see `telemetry --help`', message: 'statsu is not a telemetry command'}})
    const completion = runCli(['autocomplete', 'bash'])
    expect(completion.code).to.equal(0)
    expect(completion.stdout).to.contain('telemetry')
    expect(runCli(['--version']).stdout).to.match(/^kedro-consent\/\d+\.\d+\.\d+/)
  })
})

/** What NODE_V8_COVERAGE writes, as far as the start-up test reads it. */
interface V8Coverage {
  result: {functions: {functionName: string; ranges: {count: number}[]}[]; url: string}[]
}

describe('start-up', () => {
  after(removeTempDirs)

  it('loads the plugins only when the command line may need them', async () => {
    const {packageJsonFor} = await import('../../src/cli.js')
    const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {oclif: {plugins: string[]}}
    expect(packageJson.oclif.plugins).to.have.length.above(0)
    for (const own of [['status'], ['preview', '--', 'run'], ['opt-out', '--help']]) expect(packageJsonFor(own, packageJson).oclif.plugins).to.deep.equal([])
    for (const other of [[], ['help', 'status'], ['autocomplete'], ['statsu'], ['--version'], ['constructor'], ['toString']]) expect(packageJsonFor(other, packageJson)).to.equal(packageJson)
    // Start-up evaluates oclif and the command declarations only: git, YAML and the Python parser load when a command
    // needs them. The bundle names each module's initialiser after its path; V8's coverage says which ones ran.
    const coverage = tempDir()
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'run.js'), '--version'], {encoding: 'utf8', env: cleanEnv({NODE_V8_COVERAGE: coverage})})
    expect(run.status, run.stderr).to.equal(0)
    const ran = readdirSync(coverage).flatMap((file) => (JSON.parse(readFileSync(path.join(coverage, file), 'utf8')) as V8Coverage).result)
      .filter((script) => script.url.endsWith('/dist/cli.cjs'))
      .flatMap((script) => script.functions.filter((fn) => fn.ranges[0].count > 0).map((fn) => fn.functionName))
    const modules = new Set(ran.flatMap((name) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(name)?.[1] ?? []))
    expect([...modules]).to.include('@oclif/core')
    expect([...modules].filter((name) => ['simple-git', 'yaml', '@lezer/python', '@lezer/lr', 'smol-toml'].includes(name))).to.deep.equal([])
    // Our own commands' help needs no plugin.
    const help = runCli(['opt-out', '--help'])
    expect(help.code).to.equal(0)
    expect(help.stdout).to.match(/USAGE[\s\S]*EXAMPLES/)
  })
})

describe('the code cache', () => {
  after(removeTempDirs)

  it('a later run compiles from the cache the first wrote and answers the same; damaged, it is rewritten; turned off, none is written', () => {
    const home = tempDir()
    const folder = path.join(home, '.cache', 'kedro-consent', 'code')
    const status = (env: Record<string, string> = {}) => {
      // bin/run.js itself: the coverage build (KC_TEST_BIN) starts without the bundle. Its coverage is left out of
      // `npm run coverage`: the bundle's source map does not split statements as tsc's build does, so the two do not merge.
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'run.js'), 'status', EXAMPLE, '--json'], {
        encoding: 'utf8',
        env: cleanEnv({HOME: home, NODE_V8_COVERAGE: undefined, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), ...env}),
      })
      expect(run.status, run.stderr).to.equal(0)
      return run.stdout
    }

    const first = status()
    const files = readdirSync(folder)
    expect(files).to.have.length(1)
    expect(files[0]).to.match(/-status\.v8$/)
    const file = path.join(folder, files[0])
    expectValid('code-cache-header.schema.json', JSON.parse(readFileSync(file, 'latin1').split('\n')[1]))
    const written = readFileSync(file)
    expect(status()).to.equal(first)
    // Used as it was, not written again.
    expect(readFileSync(file).equals(written)).to.equal(true)
    // V8 would abort on damaged code: the cache's own hash turns it away, and the run writes a good one.
    const damaged = Buffer.from(written)
    damaged[damaged.length - 100] ^= 0xFF
    writeFileSync(file, damaged)
    expect(status()).to.equal(first)
    expect(readFileSync(file).equals(damaged)).to.equal(false)
    rmSync(folder, {recursive: true})
    expect(status({KEDRO_CONSENT_CODE_CACHE: '0'})).to.equal(first)
    expect(existsSync(folder)).to.equal(false)
  })

  it('the bundle is ASCII and ends with its hash and the command ids', async () => {
    const {BUNDLE_INFO_PREFIX, bundleInfo} = await import('../../src/code-cache.js')
    const {COMMANDS} = await import('../../src/cli.js')
    const bundle = readFileSync(path.join(REPO_ROOT, 'dist', 'cli.cjs'))
    expect(bundle.every((byte) => byte < 0x80)).to.equal(true)
    const text = bundle.toString('latin1')
    expect(text.slice(text.lastIndexOf('\n') + 1)).to.match(new RegExp(`^${BUNDLE_INFO_PREFIX.replaceAll('/', String.raw`\/`)}`))
    const info = bundleInfo(text)
    expect(info?.commands).to.deep.equal(Object.keys(COMMANDS).sort())
    expect(info?.sha256).to.equal(createHash('sha256').update(bundle.subarray(0, text.lastIndexOf('\n'))).digest('hex'))
  })
})

describe('never sends', () => {
  after(removeTempDirs)

  const commands = [['status', EXAMPLE], ['status', EXAMPLE, '--json'], ['--help'], ['status', '--help']]
  for (const args of commands) {
    it(`telemetry ${args.join(' ').replace(EXAMPLE, 'examples/spaceflights')} opens no network connection`, () => {
      const log = path.join(tempDir(), 'network.log')
      const result = runCli(args, {env: {KC_NETWORK_LOG: log}})
      expect(result.code, result.stderr).to.equal(0)
      expect(existsSync(log) ? readFileSync(log, 'utf8') : '').to.equal('')
    })
  }

  it('the guard itself catches an attempt (so the tests above can fail)', () => {
    const log = path.join(tempDir(), 'network.log')
    const attempts = ["fetch('https://heapanalytics.com/api/track')", "require('node:net').connect(443, 'example.com')"]
    const script = attempts.map((attempt) => `try { ${attempt} } catch {}`).join('\n')
    const result = spawnSync(process.execPath, ['-e', script], {encoding: 'utf8', env: cleanEnv({KC_NETWORK_LOG: log})})
    expect(result.status).to.equal(0)
    expect(readFileSync(log, 'utf8')).to.contain('fetch https://heapanalytics.com/api/track').and.to.contain('net.connect')
    rmSync(log)
  })
})
