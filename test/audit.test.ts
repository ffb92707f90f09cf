import {expect} from 'chai'
import {XMLParser} from 'fast-xml-parser'
import {existsSync, mkdirSync, readFileSync, symlinkSync} from 'node:fs'
import path from 'node:path'
import {Ajv} from 'ajv'
import AjvDraft04Module from 'ajv-draft-04'

import {kedroInvocations} from '../src/audit/ci-files.js'
import {findLeaks} from '../src/audit/leaks.js'
import type {AuditReport} from '../src/audit/audit.js'
import type {CheckResult} from '../src/audit/checks/check.js'
import type {CodeQualityIssue, SarifLog} from '../src/render/audit-formats.js'
import {REPORT_FORMATS} from '../src/render/report-formats.js'
import {runInProcess} from './helpers/in-process.js'
import {git, gitCommitAll, gitInit, makeProject, REPO_ROOT, removeTempDirs, runCli, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

/** JUnit as fast-xml-parser reads it: attributes prefixed with @_, a lone child not in a list. */
interface JunitSuites {'@_failures': string; '@_skipped': string; testsuite: JunitSuite | JunitSuite[]}
interface JunitSuite {'@_failures': string; '@_name': string; '@_skipped': string; testcase: JunitCase | JunitCase[]}
interface JunitCase {'@_classname'?: string; '@_name'?: string; failure?: {'@_message'?: string}; skipped?: {'@_message'?: string}}

/** One machine (HOME, history) for the runs of a test; audits run as JSON. */
function machine() {
  const home = tempDir('kc-home-')
  const env = {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share')}
  return {
    async audit(args: string[], options: string | {cwd?: string; env?: Record<string, string>} = {}) {
      const {cwd, env: extra} = typeof options === 'string' ? {cwd: options, env: {}} : options
      const result = await runInProcess(['audit', ...args, '--format', 'json'], {cwd, env: {...env, ...extra}})
      const json = JSON.parse(result.stdout) as AuditReport
      expectValid('audit.schema.json', json)
      return {code: result.code, json, stderr: result.stderr}
    },
    env,
    run: (args: string[], cwd?: string) => runInProcess(args, {cwd, env}),
  }
}

function check(json: AuditReport, id: string, root?: string): CheckResult {
  const project = root ? json.projects.find((item) => item.root === root)! : json.projects[0]
  return project.checks.find((item) => item.id === id)!
}

const PINNED = (version: string) => ({'requirements.txt': `kedro==1.5.0\nkedro-telemetry==${version}\n`})

describe('telemetry audit', () => {
  after(removeTempDirs)

  describe('each check, passing and failing', () => {
    it('TEL003/TEL004 in a tree: projects of the repository, and one in a nested repository, each with its own facts', async () => {
      const m = machine()
      const tree = tempDir()
      gitInit(tree)
      writeFiles(tree, {'.gitignore': 'a/.telemetry\n'})
      const ignored = makeProject({'.telemetry': 'consent: false\n'}, path.join(tree, 'a'))
      const committed = makeProject({'.telemetry': 'consent: false\n'}, path.join(tree, 'b'))
      git(tree, 'add', '-f', 'b/.telemetry')
      gitCommitAll(tree, 'tree')
      const nested = makeProject({'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'}, path.join(tree, 'c'))
      gitInit(nested)
      const {json} = await m.audit([tree])
      expect(check(json, 'TEL003', ignored)).to.include({status: 'pass'})
      expect(check(json, 'TEL003', ignored).evidence[0]).to.include({file: path.join(tree, '.gitignore'), line: 1})
      expect(check(json, 'TEL004', committed)).to.include({status: 'fail', summary: '.telemetry is tracked by git'})
      // The nested repository's own .gitignore decides for its project.
      expect(check(json, 'TEL003', nested).evidence[0]).to.include({file: path.join(nested, '.gitignore'), line: 1})
    })

    it('TEL003/TEL004 for a folder of repositories: each project answered from its own', async () => {
      const m = machine()
      const folder = tempDir()
      const [first, second] = ['one', 'two'].map((name) => {
        const repository = path.join(folder, name)
        mkdirSync(repository)
        gitInit(repository)
        return repository
      })
      writeFiles(first, {'.gitignore': '**/.telemetry\n'})
      const ignored = makeProject({'.telemetry': 'consent: false\n'}, path.join(first, 'p'))
      const tracked = makeProject({'.telemetry': 'consent: false\n'}, path.join(second, 'p'))
      gitCommitAll(second, 'with .telemetry')
      const {json} = await m.audit([folder])
      expect(check(json, 'TEL003', ignored).evidence[0]).to.include({file: path.join(first, '.gitignore'), line: 1})
      expect(check(json, 'TEL004', tracked)).to.include({status: 'fail', summary: '.telemetry is tracked by git'})
    })

    it('TEL001/TEL002/TEL009: explicit, valid and recorded after opt-out; implicit and misread before', async () => {
      const m = machine()
      const root = makeProject({...PINNED('0.8.0'), '.telemetry': 'consent: "false"\n'})
      let json = (await m.audit([root])).json
      // Data sent although nobody said yes fails; --allow-implicit-consent makes it a warning; with nothing sent
      // (an environment opt-out) it only warns, and points at the project folder when there is no .telemetry.
      expect(check(json, 'TEL001')).to.include({status: 'fail', summary: 'No consent decision exists, so kedro sends usage data by default (implicit consent: nobody said yes).'})
      expect(check((await m.audit([root, '--allow-implicit-consent'])).json, 'TEL001')).to.include({status: 'warn'})
      const bare = makeProject(PINNED('0.8.0'))
      const optedOutByEnvironment = check((await m.audit([bare], {env: {DO_NOT_TRACK: '1'}})).json, 'TEL001')
      expect(optedOutByEnvironment).to.include({status: 'warn'})
      expect(optedOutByEnvironment.evidence[0]).to.include({file: bare})
      const misread = check(json, 'TEL002')
      expect(misread.status).to.equal('fail')
      expect(misread.evidence[0]).to.include({file: path.join(root, '.telemetry'), line: 1})
      expect(misread.remedy).to.match(/telemetry opt-out/)
      expect(check(json, 'TEL009').status).to.equal('warn')
      expect((await m.run(['opt-out', root])).code).to.equal(0)
      json = (await m.audit([root])).json
      expect(check(json, 'TEL001').status).to.equal('pass')
      expect(check(json, 'TEL002').status).to.equal('pass')
      expect(check(json, 'TEL009').status).to.equal('pass')
      expect(check((await m.audit([makeProject()])).json, 'TEL002').status).to.equal('skip')
      // A decision recorded, then changed by hand: the record no longer matches.
      writeFiles(root, {'.telemetry': 'consent: true\n'})
      expect(check((await m.audit([root])).json, 'TEL009').summary).to.match(/differs/)
    })

    it('TEL003/TEL004: ignored and never committed, or committed in history with the commits', async () => {
      const m = machine()
      const clean = makeProject({'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'})
      gitInit(clean)
      gitCommitAll(clean, 'initial')
      let json = (await m.audit([clean])).json
      expect(check(json, 'TEL003')).to.include({status: 'pass'})
      expect(check(json, 'TEL003').evidence[0]).to.include({file: path.join(clean, '.gitignore'), line: 1})
      expect(check(json, 'TEL004').status).to.equal('pass')

      const leaky = makeProject({'.telemetry': 'consent: false\n'})
      gitInit(leaky)
      const commit = gitCommitAll(leaky, 'add consent')
      git(leaky, 'rm', '-q', '--cached', '.telemetry')
      gitCommitAll(leaky, 'untrack')
      json = (await m.audit([leaky])).json
      expect(check(json, 'TEL003').status).to.equal('fail')
      const history = check(json, 'TEL004')
      expect(history.status).to.equal('fail')
      expect(history.evidence.map((item) => item.message).join(' ')).to.contain(commit.slice(0, 12))

      json = (await m.audit([makeProject()])).json
      expect(check(json, 'TEL003').status).to.equal('skip')
      expect(check(json, 'TEL004')).to.include({status: 'skip', summary: 'not a git repository'})
    })

    it('TEL005: a CI job running kedro without an opt-out warns with file and line; with one it passes', async () => {
      const m = machine()
      const workflow = ['name: pipeline', 'on: push', 'jobs:', '  run:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: kedro run --pipeline ds', '']
      const root = makeProject({'.github/workflows/kedro.yml': workflow.join('\n')})
      const warned = check((await m.audit([root])).json, 'TEL005')
      expect(warned.status).to.equal('warn')
      expect(warned.evidence[0]).to.include({file: path.join(root, '.github', 'workflows', 'kedro.yml'), line: 8})
      const withEnv = makeProject({'.github/workflows/kedro.yml': [...workflow.slice(0, 4), '    env:', '      DO_NOT_TRACK: "1"', ...workflow.slice(4)].join('\n')})
      expect(check((await m.audit([withEnv])).json, 'TEL005').status).to.equal('pass')
      const withStep = makeProject({'.gitlab-ci.yml': 'job:\n  script:\n    - eval "$(npx kedro-consent opt-out --ci)"\n    - kedro run\n'})
      expect(check((await m.audit([withStep])).json, 'TEL005').status).to.equal('pass')
      const emptyValue = makeProject({'.gitlab-ci.yml': 'variables:\n  DO_NOT_TRACK: ""\njob:\n  script:\n    - kedro run\n'})
      expect(check((await m.audit([emptyValue])).json, 'TEL005').status).to.equal('warn')
      expect(check((await m.audit([makeProject()])).json, 'TEL005').status).to.equal('skip')
    })

    it('TEL005 in a repository of several projects: a step belongs to the project it runs in', async () => {
      const m = machine()
      const repository = tempDir()
      for (const name of ['a', 'b', 'c']) makeProject({}, path.join(repository, name))
      writeFiles(repository, {
        '.github/workflows/kedro.yml': [
          'jobs:', '  run:', '    runs-on: ubuntu-latest', '    steps:', '      - run: cd c && kedro run',
          '      - run: kedro run', '        working-directory: b/src', '',
        ].join('\n'),
      })
      gitInit(repository)
      const json = (await m.audit([repository])).json
      const of = (name: string) => json.projects.find((project: {root: string}) => project.root === path.join(repository, name))
      const tel005 = (name: string) => of(name)!.checks.find((item: {id: string}) => item.id === 'TEL005')!
      expect(tel005('c')).to.include({status: 'warn'})
      expect(tel005('c').evidence.map((item) => item.line)).to.deep.equal([5])
      expect(tel005('b').evidence.map((item) => item.line)).to.deep.equal([6])
      expect(tel005('a')).to.include({status: 'pass', summary: '1 CI file(s), none runs kedro in this project'})
    })

    it('TEL006: a leaky command fails (never repeating the secret); a masked one passes; README commands are checked', async () => {
      const m = machine()
      const root = makeProject({'README.md': '# demo\n\n```\nkedro run --pipeline data_science\n```\n'})
      const clean = (await m.audit([root, '--command', 'run --params lr=0.1'])).json
      expect(check(clean, 'TEL006')).to.include({status: 'pass'})
      expect(check(clean, 'TEL006').summary).to.match(/2 command\(s\) checked/)
      const leaky = (await m.audit([root, '--command', '--help run --params password=hunter2'])).json
      const finding = check(leaky, 'TEL006')
      expect(finding.status).to.equal('fail')
      const messages = finding.evidence.map((item) => item.message).join(' ')
      expect(messages).to.match(/sent unmasked/).and.to.match(/credential/)
      expect(JSON.stringify(leaky)).not.to.contain('hunter2')
      expect(check((await m.audit([makeProject()])).json, 'TEL006').status).to.equal('skip')
      // A command in inline code in the README is found too.
      const inline = makeProject({'README.md': 'Run `kedro run --params password=hunter2` to train.\n'})
      expect(check((await m.audit([inline])).json, 'TEL006').summary).to.match(/1 command\(s\) checked/)
    })

    it('TEL007: pseudonymous identifiers warn; none pass', async () => {
      const m = machine()
      const withId = makeProject({'pyproject.toml': readFileSync(path.join(REPO_ROOT, 'examples', 'spaceflights', 'pyproject.toml'), 'utf8')})
      expect(check((await m.audit([withId])).json, 'TEL007')).to.include({status: 'warn'})
      expect(check((await m.audit([makeProject()])).json, 'TEL007').status).to.equal('pass')
    })

    it('TEL008: statistics without consent fail, the prompt and the rejected statistics warn, an unknown version skips', async () => {
      const m = machine()
      const status = async (version: string) => check((await m.audit([makeProject(PINNED(version))])).json, 'TEL008').status
      expect(await status('0.2.3')).to.equal('fail')
      expect(await status('0.5.0')).to.equal('warn')
      expect(await status('0.7.0')).to.equal('warn')
      expect(await status('0.8.0')).to.equal('pass')
      expect(check((await m.audit([makeProject({'requirements.txt': 'kedro==1.5.0\n'})])).json, 'TEL008').status).to.equal('skip')
    })
  })

  describe('exit codes and --strict', () => {
    it('0 when nothing fails, 1 when a check fails or --strict turns a warning into a failure, 2 for bad input', async () => {
      const m = machine()
      const root = makeProject(PINNED('0.8.0'))
      expect((await m.audit([root])).code).to.equal(1)
      const relaxed = await m.audit([root, '--allow-implicit-consent'])
      expect(relaxed.code).to.equal(0)
      expect(relaxed.json.summary.warn).to.be.greaterThan(0)
      const strict = await m.audit([root, '--allow-implicit-consent', '--strict'])
      expect(strict.code).to.equal(1)
      expect(strict.json.summary.warn).to.equal(0)
      expect((await m.audit([makeProject({'.telemetry': 'consent: ['})])).code).to.equal(1)
      expect((await m.run(['audit', path.join(tempDir(), 'missing')])).code).to.equal(2)
      const none = await m.run(['audit', tempDir()])
      expect(none.code).to.equal(2)
      expect(none.stderr).to.match(/no Kedro project found/)
      expect((await m.run(['audit', root, '--format', 'yaml'])).code).to.equal(2)
    })
  })

  describe('a tree of projects', () => {
    it('finds every project, skips ignored folders, and reports a broken one while auditing the rest', async () => {
      const m = machine()
      const tree = tempDir()
      gitInit(tree)
      writeFiles(tree, {'.gitignore': 'build/\n'})
      for (const name of ['alpha', 'beta', 'nested/gamma', 'build/ignored', 'node_modules/pkg', '.venv/lib/thing']) makeProject({}, path.join(tree, name))
      const broken = makeProject({'README.md': '`kedro run`\n'}, path.join(tree, 'broken'))
      // A broken checkout: the catalog is a symlink to nothing. It is audited all the same (the count is estimated).
      mkdirSync(path.join(broken, 'conf', 'base'), {recursive: true})
      symlinkSync(path.join(tree, 'nowhere.yml'), path.join(broken, 'conf', 'base', 'catalog.yml'))
      const {json} = await m.audit([tree])
      const roots = json.projects.map((project: {root: string}) => path.relative(tree, project.root))
      expect(roots).to.deep.equal(['alpha', 'beta', 'broken', 'nested/gamma'])
      expect(json.projects.every((project: {error: null | string}) => project.error === null)).to.equal(true)
      expect(json.summary.errors).to.equal(0)
    })

    it('a project that cannot be audited is an error row, and the others are still audited', async () => {
      const {audit} = await import('../src/audit/audit.js')
      const tree = tempDir()
      for (const name of ['alpha', 'beta']) makeProject({}, path.join(tree, name))
      const failing = path.join(tree, 'beta')
      const report = await audit({
        env: {HOME: tempDir()}, paths: [tree],
        inspectRepository: async (root) => {
          if (root === failing) throw new Error('git exploded')
          const {inspectRepository} = await import('../src/git/repository.js')
          return inspectRepository(root, {}, {file: '.telemetry', headFile: 'pyproject.toml'})
        },
      })
      expect(report.projects.map((project) => [path.basename(project.root), project.error])).to.deep.equal([['alpha', null], ['beta', 'git exploded']])
      expect(report.summary.errors).to.equal(1)
      expect(report.exitCode).to.equal(1)
    })
  })

  describe('formats', () => {
    function fixture() {
      const m = machine()
      const tree = tempDir()
      makeProject({...PINNED('0.8.0'), '.telemetry': 'consent: false\n'}, path.join(tree, 'good'))
      makeProject({...PINNED('0.2.3'), '.telemetry': 'consent: n\n'}, path.join(tree, 'bad'))
      return {m, tree}
    }

    it('the table names where the evidence is, and nothing when it is the folder the audit ran in', async () => {
      const m = machine()
      const tree = tempDir()
      const root = makeProject({...PINNED('0.8.0')}, path.join(tree, 'p'))
      const inside = await m.run(['audit', '--only-failures'], root)
      expect(inside.stdout).to.match(/nobody said yes\)\. \(no \.telemetry in the project\)/)
      expect(inside.stdout).not.to.match(/\(: /)
      const above = await m.run(['audit', '--only-failures', '.'], tree)
      expect(above.stdout).to.match(/nobody said yes\)\. \(p: no \.telemetry in the project\)/)
    })

    it('SARIF 2.1.0: valid against the official schema, with what GitHub code scanning requires', async () => {
      const {m, tree} = fixture()
      const result = await m.run(['audit', '.', '--format', 'sarif'], tree)
      expect(result.code).to.equal(1)
      const sarif = JSON.parse(result.stdout) as SarifLog
      const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object
      const AjvDraft04 = AjvDraft04Module as unknown as typeof import('ajv').Ajv
      const ajv = new AjvDraft04({strict: false})
      const validate = ajv.compile(schema)
      expect(validate(sarif), ajv.errorsText(validate.errors)).to.equal(true)
      const [run] = sarif.runs
      expect(run.tool.driver.rules.map((rule) => rule.id)).to.deep.equal(['TEL001', 'TEL002', 'TEL003', 'TEL004', 'TEL005', 'TEL006', 'TEL007', 'TEL008', 'TEL009', 'TEL010', 'TEL011'])
      for (const rule of run.tool.driver.rules) expect(rule.shortDescription.text && rule.fullDescription.text && rule.help.text).to.be.a('string')
      expect(run.results).to.have.length(22)
      // No link to a page that may not exist: the rules carry their help text.
      expect(run.tool.driver).not.to.have.property('informationUri')
      for (const item of run.results) {
        expect(item.ruleId).to.match(/^TEL0(0[1-9]|1[01])$/)
        // One statement of the finding: a sentence, never "<title>: <its opposite>".
        expect(item.message.text).to.match(/\.$/)
        const title = run.tool.driver.rules[item.ruleIndex].shortDescription.text
        if (item.kind === 'fail') expect(item.message.text.startsWith(title)).to.equal(false)
        // Every location is a file that exists.
        expect(existsSync(path.join(tree, item.locations[0].physicalLocation.artifactLocation.uri))).to.equal(true)
        // GitHub code scanning: a relative location in the checkout, with a start line.
        expect(item.locations[0].physicalLocation.artifactLocation.uri).to.match(/^(bad|good)\//)
        expect(item.locations[0].physicalLocation.region.startLine).to.be.at.least(1)
        if (item.kind === 'fail') expect(item.level).to.be.oneOf(['error', 'warning'])
        else expect(item).not.to.have.property('level')
      }

      const tel002 = run.results.find((item) => item.ruleId === 'TEL002' && item.kind === 'fail')
      expect(tel002?.message.text).to.equal('Kedro does not read a decision from .telemetry. Run `telemetry opt-out` to rewrite the value (or `telemetry opt-out --force` when the file does not parse).')
      const misread = run.results.find((item) => item.ruleId === 'TEL002' && item.locations[0].physicalLocation.artifactLocation.uri === 'bad/.telemetry')
      expect(misread).to.deep.include({kind: 'fail', level: 'error'})
      expect(misread?.locations[0].physicalLocation.region).to.deep.equal({startLine: 1})
    })

    it('GitLab Code Quality: valid against the published format, one issue per failing or warning check, stable fingerprints', async () => {
      const {m, tree} = fixture()
      const result = await m.run(['audit', '.', '--format', 'codequality'], tree)
      expect(result.code).to.equal(1)
      const issues = JSON.parse(result.stdout) as CodeQualityIssue[]
      const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'gitlab', 'code-quality.schema.json'), 'utf8')) as object
      const ajv = new Ajv({allErrors: true, strict: false})
      const validate = ajv.compile(schema)
      expect(validate(issues), ajv.errorsText(validate.errors)).to.equal(true)
      const json = (await m.audit(['.'], tree)).json
      const counted = json.projects.flatMap((project) => project.checks).filter((check) => check.status === 'fail' || check.status === 'warn')
      expect(issues).to.have.length(counted.length).and.to.have.length.above(0)
      expect(new Set(issues.map((issue) => issue.fingerprint)).size).to.equal(issues.length)
      for (const issue of issues) expect(existsSync(path.join(tree, issue.location.path)), issue.location.path).to.equal(true)
      const misread = issues.find((issue) => issue.check_name === 'TEL002 consent-file-valid')
      expect(misread).to.deep.include({location: {lines: {begin: 1}, path: 'bad/.telemetry'}, severity: 'major'})
      expect(misread?.description).to.match(/^bad: Kedro does not read a decision from \.telemetry\./)
      // The same findings in the next pipeline keep their fingerprints.
      const again = JSON.parse((await m.run(['audit', '.', '--format', 'codequality'], tree)).stdout) as CodeQualityIssue[]
      expect(again.map((issue) => issue.fingerprint)).to.deep.equal(issues.map((issue) => issue.fingerprint))
    })

    it('--report writes several formats from one run, each atomically; a wrong one is exit 2 before any project is read', async () => {
      const {m, tree} = fixture()
      const out = tempDir()
      const run = await m.run(['audit', '.', '--report', `sarif=${path.join(out, 'a.sarif')}`, '--report', `codequality=${path.join(out, 'cq.json')}`,
        '--report', `markdown=${path.join(out, 'summary.md')}`], tree)
      expect(run.code).to.equal(1)
      expect(run.stdout).to.contain('TEL002 consent-file-valid')
      expect(run.stderr.match(/^Wrote /gm)).to.have.length(3)
      expect((JSON.parse(readFileSync(path.join(out, 'a.sarif'), 'utf8')) as SarifLog).version).to.equal('2.1.0')
      expect(JSON.parse(readFileSync(path.join(out, 'cq.json'), 'utf8'))).to.be.an('array').with.length.above(0)
      expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).to.equal(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'audit-snapshot.md'), 'utf8'))
      for (const wrong of ['sarif', 'pdf=x.pdf', '=x', 'json=']) {
        const refused = await m.run(['audit', '.', '--report', wrong], tree)
        expect(refused.code, wrong).to.equal(2)
        expect(refused.stderr, wrong).to.match(/--report .*expected FORMAT=FILE/)
      }
    })

    it('every format of the registry is one the command writes, and the Action keeps every one but the table', async () => {
      const {m, tree} = fixture()
      const out = tempDir()
      const names = REPORT_FORMATS.map((format) => format.name)
      const run = await m.run(['audit', '.', ...names.flatMap((name) => ['--report', `${name}=${path.join(out, `report.${name}`)}`])], tree)
      expect(run.code).to.equal(1)
      for (const name of names) expect(readFileSync(path.join(out, `report.${name}`), 'utf8'), name).to.contain('TEL002')
      const kept = JSON.parse(readFileSync(path.join(REPO_ROOT, 'action', 'report-formats.json'), 'utf8')) as Record<string, string>
      expect(kept).to.deep.equal(Object.fromEntries(REPORT_FORMATS.filter((format) => format.name !== 'table').map((format) => [format.name, format.extension])))
    })

    it('JUnit: one suite per project, one case per check, warnings as <skipped> unless --strict', async () => {
      const {m, tree} = fixture()
      const parse = (text: string) => (new XMLParser({ignoreAttributes: false}).parse(text) as {testsuites: JunitSuites}).testsuites
      const relaxed = parse((await m.run(['audit', '.', '--format', 'junit'], tree)).stdout)
      const suites = [relaxed.testsuite].flat()
      expect(suites.map((suite) => suite['@_name'])).to.deep.equal(['bad', 'good'])
      for (const suite of suites) expect([suite.testcase].flat()).to.have.length(11)
      // What GitLab's test report reads of each case: its name and class, and the message of a failure or a skip.
      for (const testcase of suites.flatMap((suite) => [suite.testcase].flat())) {
        expect(testcase['@_name']).to.match(/^TEL0\d\d [a-z-]+$/)
        expect(testcase['@_classname']).to.be.oneOf(['bad', 'good'])
        for (const outcome of [testcase.failure, testcase.skipped]) if (outcome) expect(outcome['@_message']).to.be.a('string').and.not.equal('')
      }

      const bad = suites[0]
      const failures = [bad.testcase].flat().filter((item) => item.failure !== undefined)
      expect(Number(bad['@_failures'])).to.equal(failures.length)
      expect(failures.length).to.be.greaterThan(0)
      const skippedCount = suites.reduce((sum, suite) => sum + Number(suite['@_skipped']), 0)
      expect(Number(relaxed['@_skipped'])).to.equal(skippedCount)
      const strict = parse((await m.run(['audit', '.', '--format', 'junit', '--strict'], tree)).stdout)
      expect(Number(strict['@_failures'])).to.be.greaterThan(Number(relaxed['@_failures']))
    })

    it('Markdown matches its snapshot', async () => {
      const {m, tree} = fixture()
      const markdown = (await m.run(['audit', '.', '--format', 'markdown'], tree)).stdout
      expect(markdown).to.equal(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'audit-snapshot.md'), 'utf8'))
    })

    it('JSON (--format json and --json alike), the table, and --output written atomically', async () => {
      const {m, tree} = fixture()
      const json = (await m.audit(['.'], tree)).json
      expect(json.projects).to.have.length(2)
      const flag = await m.run(['audit', '.', '--json'], tree)
      expect(flag.code).to.equal(1)
      const viaFlag = JSON.parse(flag.stdout) as AuditReport
      expectValid('audit.schema.json', viaFlag)
      expect(viaFlag.summary).to.deep.equal(json.summary)
      const table = await m.run(['audit', '.'], tree)
      expect(table.stdout).to.contain('TEL002 consent-file-valid').and.to.match(/FAILED: 2 project\(s\)/)
      const output = path.join(tempDir(), 'report.sarif')
      const written = await m.run(['audit', '.', '--format', 'sarif', '--output', output], tree)
      expect(written.stdout).to.equal('')
      expect(written.stderr).to.match(/Wrote .*report\.sarif/)
      expect((JSON.parse(readFileSync(output, 'utf8')) as SarifLog).version).to.equal('2.1.0')
    })
  })

  it('finds kedro invocations at command position only', async () => {
    expect(kedroInvocations('      - run: kedro run --pipeline ds')).to.deep.equal([['run', '--pipeline', 'ds']])
    expect(kedroInvocations('cd project && kedro run && echo done')).to.deep.equal([['run']])
    expect(kedroInvocations('$ kedro viz run')).to.deep.equal([['viz', 'run']])
    expect(kedroInvocations('\tpython -m kedro package')).to.deep.equal([['package']])
    expect(kedroInvocations('pip install kedro kedro-datasets')).to.deep.equal([])
    expect(kedroInvocations('uses kedro-telemetry')).to.deep.equal([])
  })

  it('finds leaks by kind without repeating them', async () => {
    const env = {HOME: '/home/alice', MY_SECRET_VALUE: 'abcdefgh12345', USER: 'alice'}
    const kinds = (command: string) => findLeaks({properties: {command}}, env).map((leak) => leak.kind)
    expect(kinds('kedro run --params token=xyz')).to.include('a credential assignment')
    expect(kinds('kedro run --from /home/alice/data')).to.include.members(['the home directory', 'an absolute path'])
    expect(kinds('kedro run --to alice@example.com')).to.include('an email address')
    expect(kinds('kedro run AKIAABCDEFGHIJKLMNOP')).to.include('an AWS access key')
    expect(kinds('kedro run abcdefgh12345')).to.include('the value of $MY_SECRET_VALUE')
    expect(kinds('kedro run --pipeline *****')).to.deep.equal([])
    // A personal value is found as a whole word, not inside a longer one.
    expect(kinds('kedro run --pipeline alice')).to.include('the user name')
    expect(kinds('kedro run --pipeline alice_data')).to.deep.equal([])
    expect(kinds('kedro run --pipeline alices')).to.deep.equal([])
  })
})

describe('telemetry audit progress', () => {
  after(removeTempDirs)

  it('shows a progress bar on a terminal, and nothing when stderr is not one', async () => {
    const tree = tempDir()
    for (const name of ['a', 'b', 'c']) makeProject({}, path.join(tree, name))
    const onTerminal = runCli(['audit', tree, '--format', 'json', '--output', path.join(tempDir(), 'r.json')], {tty: true})
    expect(onTerminal.stdout).to.contain('3/3 projects')
    const piped = await runInProcess(['audit', tree, '--format', 'json', '--output', path.join(tempDir(), 'r.json')])
    expect(piped.stderr).not.to.contain('projects]').and.not.to.contain('3/3')
  })
})
