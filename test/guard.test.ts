import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {GuardReport} from '../src/audit/guard.js'
import {runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {git, gitCommitAll, gitInit, makeProject, removeTempDirs, tempDir} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

describe('telemetry guard', () => {
  after(removeTempDirs)
  const env = () => ({HOME: tempDir('kc-home-')})

  it('names every staged .telemetry and every project whose .telemetry git does not ignore; policy exclusions are skipped', async () => {
    const repository = tempDir('kc-repo-')
    gitInit(repository)
    makeProject({'.gitignore': '.telemetry\n'}, path.join(repository, 'guarded'))
    makeProject({}, path.join(repository, 'open'))
    makeProject({}, path.join(repository, 'legacy', 'old'))
    writeFileSync(path.join(repository, '.kedro-consent.yml'), 'version: 1\nexclude: [legacy/**]\n')
    const run = await runJsonInProcess<GuardReport>(['guard', 'guarded/.telemetry', 'src/x.py', 'a/.telemetry.bak'], {cwd: repository, env: env()})
    expectValid('guard.schema.json', run.json)
    expect(run.code).to.equal(1)
    expect(run.json.staged).to.deep.equal(['guarded/.telemetry'])
    expect(run.json.projects.map((project) => [path.relative(repository, project.root), project.ignored])).to.deep.equal([['guarded', true], ['open', false]])
    writeFileSync(path.join(repository, '.gitignore'), '.telemetry\n')
    const clean = await runJsonInProcess<GuardReport>(['guard'], {cwd: repository, env: env()})
    expect(clean.code).to.equal(0)
    expect(clean.json.projects.every((project) => project.ignored)).to.equal(true)
  })

  it('a repository without a Kedro project has nothing to guard; outside git, whether .telemetry is ignored is unknown, not a failure', async () => {
    const empty = tempDir()
    gitInit(empty)
    mkdirSync(path.join(empty, 'docs'))
    const none = await runJsonInProcess<GuardReport>(['guard'], {cwd: empty, env: env()})
    expect(none).to.deep.include({code: 0})
    expect(none.json.projects).to.deep.equal([])
    const loose = makeProject()
    const outside = await runJsonInProcess<GuardReport>(['guard'], {cwd: loose, env: env()})
    expect(outside.code).to.equal(0)
    expect(outside.json.projects[0]).to.deep.include({ignored: null})
    // Not a failure, but not an "ok" either: nothing was checked.
    const human = await runInProcess(['guard'], {cwd: loose, env: env()})
    expect(human.stdout).to.match(/^unknown: \.: not in a git repository\nnot all checked: 0 \.telemetry staged; 0 of 1 project\(s\) ignore \.telemetry\n?$/)
  })

  it('with no file named, refuses a .telemetry that git\'s index holds for the next commit, even one forced past the ignore rule', async () => {
    const repository = tempDir('kc-repo-')
    gitInit(repository)
    makeProject({'.gitignore': '.telemetry\n'}, path.join(repository, 'project'))
    gitCommitAll(repository, 'the project')
    const before = await runJsonInProcess<GuardReport>(['guard'], {cwd: repository, env: env()})
    expect(before.code).to.equal(0)
    writeFileSync(path.join(repository, 'project', '.telemetry'), 'consent: true\n')
    git(repository, 'add', '-f', 'project/.telemetry')
    const staged = await runJsonInProcess<GuardReport>(['guard'], {cwd: repository, env: env()})
    expectValid('guard.schema.json', staged.json)
    expect(staged.code).to.equal(1)
    expect(staged.json.staged).to.deep.equal(['project/.telemetry'])
    expect(staged.json.indexes).to.deep.equal([{problem: null, repository}])
    // From the project's folder the path is shown relative to it; a deletion staged is never refused.
    const inside = await runJsonInProcess<GuardReport>(['guard'], {cwd: path.join(repository, 'project'), env: env()})
    expect(inside.json.staged).to.deep.equal(['.telemetry'])
    gitCommitAll(repository, 'the mistake')
    git(repository, 'rm', '-q', '--cached', 'project/.telemetry')
    const removal = await runJsonInProcess<GuardReport>(['guard'], {cwd: repository, env: env()})
    expect(removal).to.deep.include({code: 0})
  })

  it('staged names that look like flags are file names, never options, and the hint to unstage each is shell-quoted', async () => {
    const repository = tempDir('kc-repo-')
    gitInit(repository)
    makeProject({'.gitignore': '.telemetry\n'}, repository)
    const names = ['-x/.telemetry', '--policy=x/.telemetry', "it's here/.telemetry"]
    for (const name of names) {
      mkdirSync(path.join(repository, path.dirname(name)), {recursive: true})
      writeFileSync(path.join(repository, name), 'consent: false\n')
      git(repository, 'add', '-f', '--', name)
    }

    // As pre-commit runs the hook: the staged names appended, no `--`.
    const run = await runJsonInProcess<GuardReport>(['guard', '--json', ...names], {cwd: repository, env: env()})
    expect(run.code).to.equal(1)
    expect(run.json.staged.toSorted()).to.deep.equal(names.toSorted())
    expect(run.json.projects).to.have.length(1)
    const text = await runInProcess(['guard', ...names], {cwd: repository, env: env()})
    expect(text.code).to.equal(1)
    expect(text.stdout).to.include("git rm --cached -- 'it'\\''s here/.telemetry'")
    expect(text.stdout).to.include('git rm --cached -- -x/.telemetry')
    // A real option still works beside them.
    const withPolicy = await runJsonInProcess<GuardReport>(['guard', '--no-policy', '-x/.telemetry'], {cwd: repository, env: env()})
    expect(withPolicy.code).to.equal(1)
  })

  it('in a hook of `git commit -a`, reads the index git names in GIT_INDEX_FILE', async () => {
    const repository = tempDir('kc-repo-')
    gitInit(repository)
    makeProject({'.gitignore': '.telemetry\n'}, repository)
    gitCommitAll(repository, 'the project')
    writeFileSync(path.join(repository, '.telemetry'), 'consent: true\n')
    // The index being committed, apart from .git/index (as `git commit -a` makes one).
    const index = path.join(tempDir(), 'next-index')
    execFileSync('cp', [path.join(repository, '.git', 'index'), index])
    execFileSync('git', ['add', '-f', '.telemetry'], {cwd: repository, env: {...process.env, GIT_INDEX_FILE: index}})
    expect((await runJsonInProcess<GuardReport>(['guard'], {cwd: repository, env: env()})).json.staged).to.deep.equal([])
    const hooked = await runJsonInProcess<GuardReport>(['guard'], {cwd: repository, env: {...env(), GIT_INDEX_FILE: index}})
    expect(hooked.json.staged).to.deep.equal(['.telemetry'])
  })
})
