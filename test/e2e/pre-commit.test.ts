/**
 * The pre-commit hooks (.pre-commit-hooks.yaml) run by the real pre-commit tool, on real commits: a temporary
 * repository holds the hooks file as it is in this checkout, another a Kedro project whose .pre-commit-config.yaml
 * uses it. `telemetry` is on the PATH, as the hooks require (a shim running this build).
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {BIN, cleanEnv, git, makeProject, REPO_ROOT, removeTempDirs, tempDir} from '../helpers/sandbox.js'

/** A repository holding this checkout's .pre-commit-hooks.yaml, and the commit to pin. */
function hooksRepository(): {rev: string; url: string} {
  const url = tempDir('kc-hooks-')
  spawnSync('git', ['init', '-q'], {cwd: url})
  copyFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), path.join(url, '.pre-commit-hooks.yaml'))
  git(url, 'add', '-A')
  git(url, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'hooks')
  return {rev: git(url, 'rev-parse', 'HEAD'), url}
}

function machine() {
  const home = tempDir('kc-home-')
  const bin = path.join(home, 'bin')
  mkdirSync(bin)
  writeFileSync(path.join(bin, 'telemetry'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`)
  chmodSync(path.join(bin, 'telemetry'), 0o755)
  return cleanEnv({
    GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_AUTHOR_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', HOME: home,
    NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}`, PRE_COMMIT_HOME: path.join(home, 'pre-commit'),
  })
}

/** A Kedro project in a repository that uses the hooks, installed as git's pre-commit hook. */
function projectUsingHooks(env: Record<string, string>, hooks: {rev: string; url: string}, files: Record<string, string> = {}, ids = ['telemetry-guard', 'telemetry-audit']): string {
  const project = makeProject(files)
  const run = (...args: string[]) => spawnSync(args[0], args.slice(1), {cwd: project, encoding: 'utf8', env})
  run('git', 'init', '-q')
  const config = `repos:\n  - repo: ${hooks.url}\n    rev: ${hooks.rev}\n    hooks:\n${ids.map((id) => `      - id: ${id}\n`).join('')}`
  writeFileSync(path.join(project, '.pre-commit-config.yaml'), config)
  const installed = run('pre-commit', 'install')
  expect(installed.status, `pre-commit is needed (Debian: apt-get install pre-commit): ${installed.stderr}`).to.equal(0)
  return project
}

function commit(project: string, env: Record<string, string>, ...add: string[]) {
  spawnSync('git', ['add', ...add], {cwd: project, env})
  return spawnSync('git', ['commit', '-qm', 'change'], {cwd: project, encoding: 'utf8', env})
}

describe('the pre-commit hooks, run by pre-commit', function () {
  this.timeout(120_000)
  after(removeTempDirs)
  const hooks = hooksRepository()

  it('telemetry-guard: a project without the .gitignore guard cannot commit; with it, it can', () => {
    const env = machine()
    const project = projectUsingHooks(env, hooks, {}, ['telemetry-guard'])
    const refused = commit(project, env, '-A')
    expect(refused.status).to.equal(1)
    expect(refused.stdout + refused.stderr).to.match(/No \.telemetry in a commit.*Failed/).and.to.match(/not ignored: .*no ignore rule covers \.telemetry/)
    writeFileSync(path.join(project, '.gitignore'), '.telemetry\n')
    const accepted = commit(project, env, '-A')
    expect(accepted.status, accepted.stdout + accepted.stderr).to.equal(0)
  })

  it('telemetry-guard: a staged .telemetry is refused, even forced past the ignore rule', () => {
    const env = machine()
    const project = projectUsingHooks(env, hooks, {'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'})
    expect(commit(project, env, '-A').status).to.equal(0)
    const forced = commit(project, env, '-f', '.telemetry')
    expect(forced.status).to.equal(1)
    expect(forced.stdout + forced.stderr).to.contain('refused: .telemetry is about to be committed').and.to.contain('git rm --cached -- .telemetry')
  })

  it('telemetry-audit: runs under the team policy when a file it reads changes, and blocks a failing project', () => {
    const env = machine()
    const project = projectUsingHooks(env, hooks, {'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'})
    expect(commit(project, env, '-A').status).to.equal(0)
    // The team now requires a decision recorded on this machine: this one is not, so the audit fails.
    writeFileSync(path.join(project, '.kedro-consent.yml'), 'version: 1\nconsent: opted-out\nchecks: {consent-recorded: fail}\n')
    const blocked = commit(project, env, '-A')
    expect(blocked.status).to.equal(1)
    expect(blocked.stdout + blocked.stderr).to.match(/Kedro telemetry audit under the team policy.*Failed/).and.to.contain('TEL009 consent-recorded')
    // Recording the decision (telemetry opt-out) meets it.
    expect(spawnSync('telemetry', ['opt-out'], {cwd: project, env}).status).to.equal(0)
    const accepted = commit(project, env, '-A')
    expect(accepted.status, accepted.stdout + accepted.stderr).to.equal(0)
  })
})
