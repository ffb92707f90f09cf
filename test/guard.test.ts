import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {GuardReport} from '../src/audit/guard.js'
import {runJsonInProcess} from './helpers/in-process.js'
import {gitInit, makeProject, removeTempDirs, tempDir} from './helpers/sandbox.js'
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
  })
})
