import {expect} from 'chai'
import {chownSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {AuditReport} from '../src/audit/audit.js'
import type {GuardReport} from '../src/audit/guard.js'
import type {ChangeResult} from '../src/consent/change.js'
import type {ErrorReport} from '../src/errors.js'
import type {DecisionRecord} from '../src/history/history.js'
import type {EnforceReport} from '../src/enforce/enforce.js'
import type {SarifLog} from '../src/render/audit-formats.js'
import {findPolicyFile, POLICY_FILE_NAME} from '../src/policy/find.js'
import {isExcluded} from '../src/policy/exclude.js'
import {readPolicy} from '../src/policy/read.js'
import type {StatusReport} from '../src/status/status.js'
import {runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {gitInit, makeProject, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

/** A HOME of its own, so that no history or startup file of this machine counts. */
function machineEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir('kc-home-')
  return {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), ...extra}
}

/** A repository holding a policy at its root and Kedro projects in folders below. */
function repositoryWith(policy: string, projects: Record<string, Record<string, string>>): string {
  const root = tempDir('kc-repo-')
  gitInit(root)
  writeFileSync(path.join(root, POLICY_FILE_NAME), policy)
  for (const [folder, files] of Object.entries(projects)) {
    mkdirSync(path.join(root, folder), {recursive: true})
    makeProject(files, path.join(root, folder))
  }

  return root
}

function chownRecursive(folder: string, uid: number): void {
  chownSync(folder, uid, uid)
  for (const entry of readdirSync(folder, {encoding: 'utf8', recursive: true})) chownSync(path.join(folder, entry), uid, uid)
}

function problemsOf(text: string): string[] {
  const directory = tempDir()
  writeFileSync(path.join(directory, POLICY_FILE_NAME), text)
  try {
    readPolicy(path.join(directory, POLICY_FILE_NAME), directory)
  } catch (error) {
    return (error as {details: string[]}).details
  }

  throw new Error('the policy was read as valid')
}

describe('team policy', () => {
  after(removeTempDirs)

  describe('reading', () => {
    it('reads every setting, naming checks by id or name, with the line of each', () => {
      const directory = tempDir()
      const file = path.join(directory, POLICY_FILE_NAME)
      writeFileSync(file, '# our rule\nversion: 1\nconsent: opted-out\nci: opted-out\nkedro-telemetry: ">=0.6.0,!=0.7.0"\nchecks:\n  identifiers: off\n  TEL009: fail\nexclude:\n  - legacy/**\n')
      const policy = readPolicy(file, directory)
      expect(policy).to.deep.include({
        checks: {TEL007: 'off', TEL009: 'fail'}, ci: 'opted-out', consent: 'opted-out', exclude: ['legacy/**'], file, folder: directory, telemetryVersions: '>=0.6.0,!=0.7.0',
      })
      expect(policy.lines).to.include({'checks.TEL007': 7, 'checks.TEL009': 8, consent: 3, 'kedro-telemetry': 5})
    })

    it('names every problem at once, each with its path in the file and its line', () => {
      const details = problemsOf('version: 2\nconsent: maybe\nchecks:\n  TEL077: off\n  identifers: warn\n  TEL007: of\nkedro-telemetry: ">=0.6,,"\nexclude:\n  - ../elsewhere\ncolour: red\n')
      expect(details).to.deep.equal([
        'line 1: version: must be 1, the only policy format there is',
        'line 2: consent: must be one of opted-out, explicit, any',
        'line 4: checks.TEL077: unknown check; did you mean "TEL007"? (checks are named by id, TEL001 to TEL011, or name)',
        'line 5: checks.identifers: unknown check; did you mean "identifiers"? (checks are named by id, TEL001 to TEL011, or name)',
        'line 6: checks.TEL007: must be one of fail, warn, off',
        'line 7: kedro-telemetry: ">=0.6,," is not a list of PEP 440 version specifiers (e.g. ">=0.6.0,!=0.7.0")',
        'line 9: exclude.0: "../elsewhere" must be relative to the policy\'s folder, inside it',
        'line 10: colour: unknown setting (the settings are checks, ci, consent, exclude, kedro-telemetry, stack, version)',
      ])
    })

    it('a YAML error, a missing version, a list instead of a mapping, a duplicate key: each with its line', () => {
      expect(problemsOf('version: 1\nconsent: [opted-out\n')[0]).to.match(/^line \d: YAML: /)
      expect(problemsOf('consent: opted-out\n')).to.deep.equal(['line 1: "version" is missing (add `version: 1`)'])
      expect(problemsOf('- version: 1\n')).to.deep.equal(['line 1: must be a mapping of settings'])
      expect(problemsOf('version: 1\nconsent: any\nconsent: opted-out\n')[0]).to.match(/^line 3: YAML: Map keys must be unique/)
      expect(problemsOf('version: 1\nexclude: legacy\nci: 1\n')).to.deep.equal(['line 2: exclude: must be a list', 'line 3: ci: must be one of opted-out, any'])
    })

    it('is found walking up from the project, but never above its git repository', () => {
      const repository = repositoryWith('version: 1\n', {'teams/data/project': {}})
      const project = path.join(repository, 'teams', 'data', 'project')
      return Promise.all([
        findPolicyFile(project).then((found) => expect(found.file).to.equal(path.join(repository, POLICY_FILE_NAME))),
        // A policy above the repository (another folder of the machine) does not govern it.
        (async () => {
          const outer = tempDir()
          writeFileSync(path.join(outer, POLICY_FILE_NAME), 'version: 1\nconsent: opted-out\n')
          const inner = path.join(outer, 'repo')
          mkdirSync(inner)
          gitInit(inner)
          makeProject({}, path.join(inner, 'p'))
          expect((await findPolicyFile(path.join(inner, 'p'))).file).to.equal(null)
          // Outside any repository, only the project's own folder counts.
          const loose = makeProject({}, path.join(outer, 'loose'))
          expect((await findPolicyFile(loose)).file).to.equal(null)
        })(),
      ])
    })

    it('a policy in a folder git does not accept or trust governs no project below it, and status names it as ignored', async () => {
      // A shared folder with an entry named .git (an empty file will do) and a policy that switches every check off.
      const shared = tempDir('kc-shared-')
      writeFileSync(path.join(shared, '.git'), '')
      writeFileSync(path.join(shared, POLICY_FILE_NAME), 'version: 1\nexclude: ["**/*"]\n')
      const project = makeProject({}, path.join(shared, 'unpacked'))
      const found = await findPolicyFile(project)
      expect(found.file).to.equal(null)
      expect(found.ignored.map((entry) => entry.file)).to.deep.equal([path.join(shared, POLICY_FILE_NAME)])
      const status = await runJsonInProcess<StatusReport>(['status', project], {env: machineEnv()})
      expectValid('status.schema.json', status.json)
      expect(status.json.policy).to.equal(null)
      expect(status.json.ignoredPolicies[0].reason).to.match(/not a git repository that git accepts/)
      expect((await runInProcess(['status', project], {env: machineEnv({NO_COLOR: '1'})})).stdout).to.match(/Team policy ignored: .*\.kedro-consent\.yml/)
      const audit = await runJsonInProcess<AuditReport>(['audit', shared], {env: machineEnv()})
      expect(audit.json.projects.map((entry) => entry.root)).to.deep.equal([project])
      // The project's own folder always counts.
      writeFileSync(path.join(project, POLICY_FILE_NAME), 'version: 1\nconsent: opted-out\n')
      expect((await findPolicyFile(project)).file).to.equal(path.join(project, POLICY_FILE_NAME))
    })

    it('a real repository owned by another user governs only once git trusts it (safe.directory)', async () => {
      // Handing a folder to another user needs root, as these tests run here and in CI.
      const repository = repositoryWith('version: 1\nchecks: {TEL001: off, TEL002: off, TEL003: off}\n', {project: {}})
      chownRecursive(repository, 65_534)
      const project = path.join(repository, 'project')
      const home = machineEnv()
      const untrusted = await findPolicyFile(project, home)
      expect(untrusted.file).to.equal(null)
      expect(untrusted.ignored[0].reason).to.match(/owned by another user/)
      const trusting = machineEnv()
      writeFileSync(path.join(trusting.HOME, '.gitconfig'), `[safe]\n\tdirectory = ${repository}\n`)
      expect((await findPolicyFile(project, trusting)).file).to.equal(path.join(repository, POLICY_FILE_NAME))
    })

    it('a found policy symlinked out of its repository is not read', async () => {
      const repository = repositoryWith('version: 1\n', {project: {}})
      const secret = path.join(tempDir(), 'secret.yml')
      writeFileSync(secret, 'version: 1\n')
      const link = path.join(repository, 'project', POLICY_FILE_NAME)
      symlinkSync(secret, link)
      const run = await runJsonInProcess<ErrorReport>(['status', path.join(repository, 'project')], {env: machineEnv()})
      expect(run.code).to.equal(2)
      expect(run.json.error).to.include({code: 'POLICY_UNREADABLE'})
      expect(run.json.error.message).to.match(/outside .*: not followed/)
    })

    it('excludes folders by pattern, relative to the policy, the folder or one above it', () => {
      const policy = {exclude: ['legacy/**', 'sandbox'], folder: '/repo'} as Parameters<typeof isExcluded>[0]
      expect(isExcluded(policy, '/repo/legacy/old')).to.equal(true)
      expect(isExcluded(policy, '/repo/sandbox/deep/project')).to.equal(true)
      expect(isExcluded(policy, '/repo/current/legacy')).to.equal(false)
      expect(isExcluded(policy, '/repo')).to.equal(false)
      expect(isExcluded(null, '/repo/legacy/old')).to.equal(false)
    })
  })

  describe('status', () => {
    it('says whether the project meets the policy and which rule does not, with the line', async () => {
      const repository = repositoryWith('version: 1\nconsent: opted-out\nkedro-telemetry: "<0.8"\n', {project: {'requirements.txt': 'kedro==1.5.0\nkedro-telemetry==0.9.0\n'}})
      const project = path.join(repository, 'project')
      const sending = await runJsonInProcess<StatusReport>(['status', project], {env: machineEnv()})
      expectValid('status.schema.json', sending.json)
      expect(sending.json.policy?.met).to.equal(false)
      expect(sending.json.policy?.rules.map((rule) => [rule.rule, rule.met, rule.line])).to.deep.equal([['consent', false, 2], ['kedro-telemetry', false, 3]])
      expect(sending.json.advice).to.contain('requires projects to be opted out').and.to.contain('.kedro-consent.yml:2')
      const screen = await runInProcess(['status', project], {env: machineEnv({NO_COLOR: '1'})})
      expect(screen.stdout).to.match(/^Team policy: NOT MET \(.*\.kedro-consent\.yml:2\): consent must be opted-out: kedro-telemetry would send usage data \(decided by default\); and 1 more rule/m)

      const optedOut = await runJsonInProcess<StatusReport>(['status', project], {env: machineEnv({DO_NOT_TRACK: '1'})})
      expect(optedOut.json.policy?.rules.find((rule) => rule.rule === 'consent')).to.include({met: true})
      expect((await runJsonInProcess<StatusReport>(['status', project, '--no-policy'], {env: machineEnv()})).json.policy).to.equal(null)
    })

    it('an explicit decision meets "explicit"; a CI run that sends does not meet "ci: opted-out"', async () => {
      const repository = repositoryWith('version: 1\nconsent: explicit\nci: opted-out\n', {project: {'.telemetry': 'consent: true\n'}})
      const project = path.join(repository, 'project')
      const local = (await runJsonInProcess<StatusReport>(['status', project], {env: machineEnv()})).json.policy
      expect(local?.met).to.equal(true)
      const ci = (await runJsonInProcess<StatusReport>(['status', project], {env: machineEnv({CI: 'true'})})).json.policy
      expect(ci?.rules.find((rule) => rule.rule === 'ci')).to.include({met: false})
      // A .telemetry kedro cannot read is no decision, though nothing is sent.
      writeFileSync(path.join(project, '.telemetry'), 'consent: [\n')
      const broken = (await runJsonInProcess<StatusReport>(['status', project], {env: machineEnv()})).json.policy
      expect(broken?.rules.find((rule) => rule.rule === 'consent')).to.include({met: false})
    })

    it('an invalid policy is exit 2, every problem named (in --json too)', async () => {
      const repository = repositoryWith('version: 1\nconsent: nope\nchecks: {TEL005: loud}\n', {project: {}})
      const project = path.join(repository, 'project')
      const human = await runInProcess(['status', project], {env: machineEnv()})
      expect(human.code).to.equal(2)
      expect(human.stderr).to.match(/Error: .*\.kedro-consent\.yml is not a valid policy: 2 problems\n {2}line 2: consent: must be one of opted-out, explicit, any\n {2}line 3: checks\.TEL005: must be one of fail, warn, off\nHint: /)
      // Named as the person sees it from where they run: relative inside the working directory, never the machine's path.
      const fromRepository = await runInProcess(['status', 'project'], {cwd: repository, env: machineEnv()})
      expect(fromRepository.stderr).to.match(/^Error: \.kedro-consent\.yml is not a valid policy/)
      const json = await runJsonInProcess<ErrorReport>(['status', project], {env: machineEnv()})
      expectValid('error.schema.json', json.json)
      expect(json.json.error.details).to.have.length(2)
      // --policy names another file; --no-policy applies none.
      const other = path.join(tempDir(), 'team.yml')
      writeFileSync(other, 'version: 1\n')
      expect((await runJsonInProcess<StatusReport>(['status', project, '--policy', other], {env: machineEnv()})).json.policy?.file).to.equal(other)
      expect((await runInProcess(['status', project, '--no-policy'], {env: machineEnv()})).code).to.equal(0)
    })
  })

  describe('audit', () => {
    it('applies the policy: its levels replace the defaults, TEL010 checks its rules, the report names it, exclusions are skipped', async () => {
      const repository = repositoryWith('version: 1\nconsent: opted-out\nci: opted-out\nchecks:\n  TEL007: off\n  consent-recorded: fail\nexclude:\n  - legacy/**\n', {
        'legacy/old': {}, sending: {}, silent: {'.telemetry': 'consent: false\n'},
      })
      writeFiles(path.join(repository, 'sending'), {'.github/workflows/ci.yml': 'jobs:\n  run:\n    steps:\n      - run: kedro run\n'})
      const run = await runInProcess(['audit', repository, '--format', 'json'], {env: machineEnv()})
      const report = JSON.parse(run.stdout) as AuditReport
      expectValid('audit.schema.json', report)
      expect(run.code).to.equal(1)
      expect(report.projects.map((project) => path.relative(repository, project.root))).to.deep.equal(['sending', 'silent'])
      expect(report.policies).to.deep.equal([path.join(repository, POLICY_FILE_NAME)])
      const check = (folder: string, id: string) => report.projects.find((project) => project.root.endsWith(folder))!.checks.find((item) => item.id === id)!
      expect(check('sending', 'TEL010')).to.include({status: 'fail'})
      expect(check('sending', 'TEL010').evidence[0]).to.deep.include({file: path.join(repository, POLICY_FILE_NAME), line: 2})
      expect(check('silent', 'TEL010')).to.include({status: 'pass'})
      // TEL005 warns by default; `ci: opted-out` makes it fail. TEL009 warns by default; the policy says fail.
      expect(check('sending', 'TEL005')).to.include({status: 'fail'})
      expect(check('silent', 'TEL009')).to.include({status: 'fail'})
      expect(check('sending', 'TEL007')).to.include({remedy: null, status: 'skip'})
      expect(check('sending', 'TEL007').summary).to.match(/Turned off by the team policy \(\.\.\/\.kedro-consent\.yml:5\)/)
      const markdown = await runInProcess(['audit', repository, '--format', 'markdown'], {cwd: repository, env: machineEnv()})
      expect(markdown.stdout).to.contain('Team policy: .kedro-consent.yml')
      const sarif = JSON.parse((await runInProcess(['audit', '.', '--format', 'sarif'], {cwd: repository, env: machineEnv()})).stdout) as SarifLog
      expect(sarif.runs[0].properties).to.deep.equal({policies: ['.kedro-consent.yml']})
      const junit = (await runInProcess(['audit', '.', '--format', 'junit'], {cwd: repository, env: machineEnv()})).stdout
      expect(junit).to.contain('<properties><property name="team-policy" value=".kedro-consent.yml"/></properties>')
      // --no-policy: the defaults, and the excluded project is audited too.
      const plain = JSON.parse((await runInProcess(['audit', repository, '--format', 'json', '--no-policy'], {env: machineEnv()})).stdout) as AuditReport
      expect(plain.projects).to.have.length(3)
      expect(plain.policies).to.deep.equal([])
    })

    it('an invalid policy stops the audit before any project: exit 2', async () => {
      const repository = repositoryWith('version: 1\nexclude: [/etc]\n', {project: {}})
      const run = await runJsonInProcess<ErrorReport>(['audit', repository], {env: machineEnv()})
      expect(run.code).to.equal(2)
      expect(run.json.error.details).to.deep.equal(['line 2: exclude.0: "/etc" must be relative to the policy\'s folder, inside it'])
    })
  })
})

describe('team policy and opt-in', () => {
  after(removeTempDirs)

  it('opt-in is refused where the policy requires opting out (exit 2, naming the policy and its line); --override-policy records why', async () => {
    const repository = repositoryWith('version: 1\nci: any\nconsent: opted-out\n', {project: {}})
    const project = path.join(repository, 'project')
    const env = machineEnv()
    const refused = await runJsonInProcess<ErrorReport>(['opt-in', project, '--yes'], {env})
    expect(refused.code).to.equal(2)
    expect(refused.json.error.code).to.equal('POLICY_FORBIDS_CONSENT')
    expect(refused.json.error.message).to.contain(`${path.join(repository, POLICY_FILE_NAME)}:3 requires projects to be opted out`)
    expect(existsSync(path.join(project, '.telemetry'))).to.equal(false)
    // An empty reason is no reason.
    expect((await runJsonInProcess<ErrorReport>(['opt-in', project, '--yes', '--override-policy', ' '], {env})).code).to.equal(2)

    const overridden = await runJsonInProcess<ChangeResult>(['opt-in', project, '--yes', '--override-policy', 'demo for the data council'], {env})
    expect(overridden.code).to.equal(0)
    expectValid('consent-change.schema.json', overridden.json)
    expect(overridden.json.history.record.policyOverride).to.deep.equal({file: path.join(repository, POLICY_FILE_NAME), line: 3, reason: 'demo for the data council', rule: 'consent'})
    expect(readFileSync(path.join(project, '.telemetry'), 'utf8')).to.equal('consent: true\n')
    const history = await runInProcess(['history'], {env: {...env, NO_COLOR: '1'}})
    expect(history.stdout).to.contain('against the team policy: demo for the data council')
    // Opting out is never refused.
    expect((await runInProcess(['opt-out', project], {env})).code).to.equal(0)
  })

  it('"ci: opted-out" refuses opt-in in a CI job only', async () => {
    const repository = repositoryWith('version: 1\nci: opted-out\n', {project: {}})
    const project = path.join(repository, 'project')
    const inCi = await runJsonInProcess<ErrorReport>(['opt-in', project, '--yes'], {env: machineEnv({GITHUB_ACTIONS: 'true'})})
    expect(inCi.json.error).to.include({code: 'POLICY_FORBIDS_CONSENT'})
    expect(inCi.json.error.message).to.contain(':2 requires CI jobs to be opted out')
    expect((await runInProcess(['opt-in', project, '--yes'], {env: machineEnv()})).code).to.equal(0)
  })
})

describe('telemetry enforce', () => {
  after(removeTempDirs)

  function tree() {
    const repository = repositoryWith('version: 1\nconsent: opted-out\nci: opted-out\nexclude: [legacy/**]\n', {
      'legacy/old': {},
      'team/decided-yes': {'.telemetry': 'owner: ana # keep\nconsent: true\n'},
      'team/fine': {'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'},
      'team/fresh': {},
    })
    writeFiles(path.join(repository, 'team', 'fresh'), {'.github/workflows/ci.yml': 'jobs:\n  run:\n    steps:\n      - run: kedro run\n'})
    return repository
  }

  it('--dry-run lists the opt-outs and guards it would make, and what needs a person; it writes nothing', async () => {
    const repository = tree()
    const env = machineEnv()
    const run = await runJsonInProcess<EnforceReport>(['enforce', repository, '--dry-run'], {env})
    expectValid('enforce.schema.json', run.json)
    expect(run.code).to.equal(1)
    const byName = Object.fromEntries(run.json.projects.map((project) => [path.relative(repository, project.root), project]))
    expect(Object.keys(byName)).to.deep.equal(['team/decided-yes', 'team/fine', 'team/fresh'])
    expect(byName['team/decided-yes'].changes.map((change) => [change.kind, change.summary])).to.deep.equal([
      ['consent', 'consent: true becomes consent: false (the policy requires opted out)'], ['gitignore', '.telemetry added to .gitignore'],
    ])
    expect(byName['team/fine'].changes).to.deep.equal([])
    expect(byName['team/fine'].manual).to.deep.equal([])
    // The CI workflow runs kedro without an opt-out: the policy makes TEL005 fail, and only a person can fix it.
    expect(byName['team/fresh'].manual.map((step) => step.id)).to.deep.equal(['TEL005'])
    expect(existsSync(path.join(repository, 'team', 'fresh', '.telemetry'))).to.equal(false)
    expect(readFileSync(path.join(repository, 'team', 'decided-yes', '.telemetry'), 'utf8')).to.equal('owner: ana # keep\nconsent: true\n')
    expect(existsSync(path.join(env.XDG_DATA_HOME, 'kedro-consent', 'history.jsonl'))).to.equal(false)
    const screen = await runInProcess(['enforce', '--dry-run'], {cwd: repository, env: {...env, NO_COLOR: '1'}})
    expect(screen.stdout).to.contain('would change team/decided-yes/.telemetry: consent: true becomes consent: false')
      .and.to.contain('needs a person: TEL005').and.to.match(/3 project\(s\): 2 would change, 1 need a person \(dry run: nothing was written\)/)
  })

  it('makes the changes, records each opt-out, keeps comments and keys, and a second run changes nothing', async () => {
    const repository = tree()
    const env = machineEnv()
    const first = await runJsonInProcess<EnforceReport>(['enforce', repository], {env})
    expect(first.json.summary).to.deep.include({changed: 2, projects: 3})
    expect(readFileSync(path.join(repository, 'team', 'decided-yes', '.telemetry'), 'utf8')).to.equal('owner: ana # keep\nconsent: false\n')
    expect(readFileSync(path.join(repository, 'team', 'fresh', '.telemetry'), 'utf8')).to.equal('consent: false\n')
    expect(readFileSync(path.join(repository, 'team', 'fresh', '.gitignore'), 'utf8')).to.contain('.telemetry')
    const history = readFileSync(path.join(env.XDG_DATA_HOME, 'kedro-consent', 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DecisionRecord)
    expect(history.map((record) => [record.action, record.how])).to.deep.equal([['opt-out', 'enforce'], ['opt-out', 'enforce']])
    // After the changes every project meets the consent rule; the CI file still needs a person.
    const audit = JSON.parse((await runInProcess(['audit', repository, '--format', 'json'], {env})).stdout) as AuditReport
    for (const project of audit.projects) expect(project.checks.find((check) => check.id === 'TEL003')?.status).to.equal('pass')
    const second = await runJsonInProcess<EnforceReport>(['enforce', repository], {env})
    expect(second.json.summary.changed).to.equal(0)
  })

  it('--dry-run hides only what its planned changes fix: a failing check it does not touch is left for a person', async () => {
    const repository = repositoryWith('version: 1\nchecks: {consent-recorded: fail}\n', {project: {'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'}})
    const run = await runJsonInProcess<EnforceReport>(['enforce', repository, '--dry-run'], {env: machineEnv()})
    expect(run.json.projects[0].changes).to.deep.equal([])
    expect(run.json.projects[0].manual.map((step) => step.id)).to.deep.equal(['TEL009'])
    expect(run.code).to.equal(1)
  })

  it('"explicit" writes a decision only where none was made; an opt-in stays; projects without a policy are left alone', async () => {
    const repository = repositoryWith('version: 1\nconsent: explicit\n', {undecided: {}, yes: {'.gitignore': '.telemetry\n', '.telemetry': 'consent: true\n'}})
    const loose = makeProject()
    const run = await runJsonInProcess<EnforceReport>(['enforce', repository, loose], {env: machineEnv()})
    const byName = Object.fromEntries(run.json.projects.map((project) => [path.basename(project.root), project]))
    expect(byName.undecided.changes.map((change) => change.kind)).to.deep.equal(['consent', 'gitignore'])
    expect(byName.yes.changes).to.deep.equal([])
    expect(readFileSync(path.join(repository, 'yes', '.telemetry'), 'utf8')).to.equal('consent: true\n')
    expect(byName[path.basename(loose)]).to.deep.include({changes: [], policy: null})
    expect(run.json.summary.ungoverned).to.equal(1)
    // --policy FILE governs every project, the loose one too; audit and guard take it the same way.
    const named = path.join(tempDir(), 'team.yml')
    writeFileSync(named, 'version: 1\nconsent: opted-out\n')
    const governed = await runJsonInProcess<EnforceReport>(['enforce', loose, '--policy', named, '--dry-run'], {env: machineEnv()})
    expect(governed.json.projects[0]).to.deep.include({policy: named})
    expect(governed.json.projects[0].changes.map((change) => change.kind)).to.deep.equal(['consent'])
    const audit = JSON.parse((await runInProcess(['audit', loose, '--policy', named, '--format', 'json'], {env: machineEnv()})).stdout) as AuditReport
    expect(audit.policies).to.deep.equal([named])
    expect((await runJsonInProcess<GuardReport>(['guard', '--no-policy'], {cwd: repository, env: machineEnv()})).json.projects).to.have.length(2)
  })
})

describe('the fix beside each failure', () => {
  after(removeTempDirs)

  it('enforce in CI points a person at the fix of the rule, never back at enforce; the audit table shows each fix', async () => {
    const repository = repositoryWith('version: 1\nconsent: opted-out\nci: opted-out\n', {'team/fresh': {}})
    const env = {...machineEnv(), CI: 'true', GITHUB_ACTIONS: 'true', NO_COLOR: '1'}
    const run = await runJsonInProcess<EnforceReport>(['enforce', repository, '--dry-run'], {env})
    const manual = run.json.projects[0].manual
    expect(manual.map((step) => step.id)).to.include('TEL010')
    for (const step of manual) expect(step.remedy, step.id).to.be.a('string').and.not.to.contain('telemetry enforce')
    expect(manual.find((step) => step.id === 'TEL010')?.remedy).to.contain('`telemetry opt-out --ci`')
    // The table a pre-commit hook prints: under each failing or warning check, its fix; --only-failures hides the rest.
    const table = await runInProcess(['audit', repository, '--only-failures'], {env})
    expect(table.code).to.equal(1)
    const lines = table.stdout.trimEnd().split('\n')
    const policyRow = lines.findIndex((line) => line.includes('TEL010 policy-met'))
    expect(policyRow).to.be.greaterThan(0)
    expect(lines[policyRow + 1].trim()).to.match(/^fix: The team policy .* requires/)
    expect(table.stdout).not.to.match(/\b(pass|skip)\b {2}/)
    const full = await runInProcess(['audit', repository], {env})
    expect(full.stdout).to.match(/\bskip\b/)
    expect(full.stdout.split('\n').at(-2)).to.equal(lines.at(-1))
  })

  it('enforce names the fix of a .telemetry it may not overwrite: opt-out --force on that project, with a backup', async () => {
    const repository = repositoryWith('version: 1\nconsent: opted-out\n', {'team/broken': {'.telemetry': 'consent: [\n'}})
    const env = {...machineEnv(), CI: 'true', NO_COLOR: '1'}
    const run = await runInProcess(['enforce', '.'], {cwd: repository, env})
    expect(run.code).to.equal(1)
    expect(run.stdout).to.match(/error: \.telemetry was not changed: it does not parse as YAML .*; to fix: look at the file, or run `telemetry opt-out --force team\/broken` to keep a backup of it and write consent: false\n/)
    // The command it names does what it says.
    const fixed = await runInProcess(['opt-out', '--force', 'team/broken'], {cwd: repository, env})
    expect(fixed.code, fixed.stderr).to.equal(0)
    expect(readFileSync(path.join(repository, 'team/broken/.telemetry.bak'), 'utf8')).to.equal('consent: [\n')
    expect((await runInProcess(['enforce', '.'], {cwd: repository, env})).code).to.equal(0)
  })
})
