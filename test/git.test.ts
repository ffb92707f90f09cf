import {expect} from 'chai'
import {mkdirSync, realpathSync, rmSync, symlinkSync} from 'node:fs'
import path from 'node:path'

import {contentAtHead, inspectFile, inspectRepository, inspectRepositoryBatch, openRepository, parseCheckIgnore} from '../src/git/repository.js'
import {git, gitCommitAll, gitInit, makeProject, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'

async function factsFor(root: string) {
  const context = await openRepository(root)
  if (!context.repository) throw new Error('expected a repository')
  return inspectFile(context.git, '.telemetry')
}

describe('git facts about .telemetry (real git)', () => {
  after(removeTempDirs)

  it('reports the ignore rule, with its file and line', async () => {
    const root = makeProject({'.gitignore': '# personal\n.telemetry\n'})
    gitInit(root)
    const facts = await factsFor(root)
    expect(facts).to.include({everCommitted: false, ignored: true, tracked: false})
    expect(facts.ignoredBy).to.deep.equal({line: 2, pattern: '.telemetry', source: '.gitignore'})
  })

  it('a negated rule is shown but means not ignored', async () => {
    const root = makeProject({'.gitignore': '.*\n!.telemetry\n'})
    gitInit(root)
    const facts = await factsFor(root)
    expect(facts.ignored).to.equal(false)
    expect(facts.ignoredBy?.pattern).to.equal('!.telemetry')
  })

  it('finds rules in a parent folder and in .git/info/exclude', async () => {
    const repo = tempDir()
    gitInit(repo)
    writeFiles(repo, {'.gitignore': '**/.telemetry\n'})
    const root = makeProject({}, path.join(repo, 'projects', 'a'))
    mkdirSync(root, {recursive: true})
    // git names in-repository sources relative to the repository root.
    expect((await factsFor(root)).ignoredBy?.source).to.equal('.gitignore')
    const other = makeProject()
    gitInit(other)
    writeFiles(other, {'.git/info/exclude': '.telemetry\n'})
    expect((await factsFor(other)).ignoredBy?.source).to.equal('.git/info/exclude')
  })

  it('honours the user\'s global excludes file, named by its absolute path', async () => {
    const root = makeProject()
    gitInit(root)
    const config = tempDir()
    writeFiles(config, {'gitconfig': `[core]\n\texcludesFile = ${config}/ignore\n`, 'ignore': '.telemetry\n'})
    const context = await openRepository(root, {...process.env, GIT_CONFIG_GLOBAL: `${config}/gitconfig`})
    if (!context.repository) throw new Error('expected a repository')
    expect((await inspectFile(context.git, '.telemetry')).ignoredBy).to.deep.equal({line: 1, pattern: '.telemetry', source: `${config}/ignore`})
  })

  it('tracked and ever committed, with the commits as evidence, even after removal', async () => {
    const root = makeProject({'.telemetry': 'consent: false\n'})
    gitInit(root)
    const added = gitCommitAll(root, 'add consent')
    let facts = await factsFor(root)
    expect(facts).to.include({everCommitted: true, ignored: false, tracked: true})
    expect(facts.commits.map((c) => c.hash)).to.deep.equal([added])
    expect(facts.commits[0].subject).to.equal('add consent')

    git(root, 'rm', '-q', '--cached', '.telemetry')
    writeFiles(root, {'.gitignore': '.telemetry\n'})
    const removed = gitCommitAll(root, 'untrack consent')
    facts = await factsFor(root)
    expect(facts).to.include({everCommitted: true, ignored: true, tracked: false})
    expect(facts.commits.map((c) => c.hash)).to.deep.equal([removed, added])
  })

  /** A project whose .telemetry was committed on a branch `side` only; back on the first branch. Returns the commit. */
  function committedOnSideBranch(root: string): string {
    gitInit(root)
    gitCommitAll(root, 'initial')
    git(root, 'checkout', '-q', '-b', 'side')
    writeFiles(root, {'.telemetry': 'consent: true\n'})
    const commit = gitCommitAll(root, 'side adds .telemetry')
    git(root, 'checkout', '-q', '-')
    return commit
  }

  it('sees commits on other branches too', async () => {
    const root = makeProject()
    committedOnSideBranch(root)
    expect((await factsFor(root)).everCommitted).to.equal(true)
  })

  it('finds a commit whose change a merge discarded, once its branch is gone', async () => {
    const root = makeProject()
    const leaked = committedOnSideBranch(root)
    // `-s ours` keeps the main tree as it was; the content stays in history through the merge's second parent.
    git(root, 'merge', '-q', '-s', 'ours', '--no-edit', 'side')
    git(root, 'branch', '-q', '-D', 'side')
    const facts = await factsFor(root)
    expect(facts.everCommitted).to.equal(true)
    expect(facts.commits.map((commit) => commit.hash)).to.deep.equal([leaked])
  })

  it('a repository without commits has nothing committed', async () => {
    const root = makeProject()
    gitInit(root)
    expect(await factsFor(root)).to.include({everCommitted: false, tracked: false})
    const context = await openRepository(root)
    expect(context.repository && await contentAtHead(context.git, 'pyproject.toml')).to.equal(null)
  })

  it('not a repository and no git binary are answers, not crashes', async () => {
    expect(await openRepository(makeProject())).to.include({available: true, repository: false})
    const emptyPath = tempDir()
    const noGit = await openRepository(makeProject(), {PATH: emptyPath})
    expect(noGit).to.include({available: false, repository: false})
    expect(noGit.error).to.match(/git is not installed/)
  })

  it('reads a file at HEAD', async () => {
    const root = makeProject()
    gitInit(root)
    gitCommitAll(root, 'initial')
    writeFiles(root, {'pyproject.toml': 'changed'})
    const context = await openRepository(root)
    expect(context.repository ? await contentAtHead(context.git, 'pyproject.toml') : null).to.contain('[tool.kedro]')
  })

  it('parses check-ignore -v output', () => {
    expect(parseCheckIgnore('.gitignore:3:/.telemetry\t.telemetry')).to.deep.equal({line: 3, pattern: '/.telemetry', source: '.gitignore'})
    expect(parseCheckIgnore('')).to.equal(null)
    expect(parseCheckIgnore('::\t.telemetry')).to.equal(null)
    // With core.quotePath=false a non-ASCII name is printed as it is; a tab or a quote makes git quote it, C-style.
    expect(parseCheckIgnore('donn\u00e9es/.gitignore:10:.telemetry\tdonn\u00e9es/.telemetry')).to.deep.equal({line: 10, pattern: '.telemetry', source: 'donn\u00e9es/.gitignore'})
    expect(parseCheckIgnore('"a\\tb\\303\\251/.gitignore":2:*.x\t"a\\tb/.telemetry"')).to.deep.equal({line: 2, pattern: '*.x', source: 'a\tb\u00e9/.gitignore'})
    // A colon and digits in a folder name: the split is where the source file exists.
    expect(parseCheckIgnore('x:12:y/.gitignore:4:.telemetry\tx:12:y/.telemetry', (source) => source === 'x:12:y/.gitignore'))
      .to.deep.equal({line: 4, pattern: '.telemetry', source: 'x:12:y/.gitignore'})
  })

  it('a symlinked project root is inspected through its real path', async () => {
    const root = makeProject({'.gitignore': '.telemetry\n'})
    gitInit(root)
    const link = path.join(tempDir(), 'link')
    symlinkSync(root, link)
    expect((await factsFor(link)).ignored).to.equal(true)
    rmSync(link)
  })
})

describe('git facts of many projects at once (an audit)', () => {
  after(removeTempDirs)

  it('answers as asking each project alone would', async () => {
    const repo = realpathSync(tempDir())
    gitInit(repo)
    const names = ['ignored', 'negated', 'tracked', 'removed', 'with space', 'glob[x]*', 'quote"d', 'plain', 'binary']
    writeFiles(repo, {'.gitignore': '.telemetry\n!negated/.telemetry\n'})
    for (const name of names) makeProject({'pyproject.toml': `[tool.kedro]\npackage_name = "p"\n\n[tool.kedro_telemetry]\nproject_id = "${'0'.repeat(31)}1"\n`}, path.join(repo, name))
    writeFiles(repo, {'binary/pyproject.toml': Buffer.from([0x5b, 0x00, 0x5d, 0x0a]), 'negated/.telemetry': 'consent: false\n', 'removed/.telemetry': 'consent: true\n', 'tracked/.telemetry': 'consent: false\n'})
    git(repo, 'add', '-f', 'tracked/.telemetry', 'removed/.telemetry')
    gitCommitAll(repo, 'first')
    git(repo, 'rm', '-q', '--cached', 'removed/.telemetry')
    gitCommitAll(repo, 'second\twith a tab')
    // A nested repository is not the batch's to answer.
    const nested = makeProject({}, path.join(repo, 'nested'))
    gitInit(nested)
    const directories = [...names, 'nested'].map((name) => path.join(repo, name))
    const questions = {file: '.telemetry', headFile: 'pyproject.toml'}
    const batch = await inspectRepositoryBatch(repo, directories, process.env, questions)
    expect([...batch.keys()].sort()).to.deep.equal(directories.filter((directory) => directory !== nested).sort())
    for (const [directory, answer] of batch) {
      const alone = await inspectRepository(directory, process.env, questions)
      const comparable = (inspection: typeof answer) => ({...inspection, context: {...inspection.context, git: undefined}})
      // The file at HEAD may lose its final newline; what is read from it (TOML) does not change.
      const expected = {...comparable(alone), headContent: alone.headContent?.trimEnd() ?? null}
      expect({...comparable(answer), headContent: answer.headContent?.trimEnd()}, directory).to.deep.equal(expected)
    }

    expect(batch.get(path.join(repo, 'removed'))?.facts).to.include({everCommitted: true, tracked: false})
    expect(batch.get(path.join(repo, 'tracked'))?.facts).to.include({tracked: true})
    expect(batch.get(path.join(repo, 'negated'))?.facts?.ignoredBy?.pattern).to.equal('!negated/.telemetry')
  })

  it('leaves everything to the one-by-one questions when git fails', async () => {
    const repo = realpathSync(tempDir())
    gitInit(repo)
    // No commits: every query still answers; a path beyond a symlink makes check-ignore fail.
    makeProject({}, path.join(repo, 'real'))
    symlinkSync(path.join(repo, 'real'), path.join(repo, 'link'))
    const batch = await inspectRepositoryBatch(repo, [path.join(repo, 'real'), path.join(repo, 'link', 'sub')], process.env, {file: '.telemetry'})
    expect(batch.size).to.equal(0)
  })
})

describe('git in a repository that is not trusted', () => {
  after(removeTempDirs)

  it('does not run a core.fsmonitor program named by the repository\'s own config', async () => {
    const root = makeProject({'.gitignore': '.telemetry\n'})
    gitInit(root)
    gitCommitAll(root, 'initial')
    const marker = path.join(tempDir(), 'fsmonitor-ran')
    writeFiles(root, {'monitor.sh': `#!/bin/sh\ntouch ${marker}\n`})
    const {chmodSync, existsSync} = await import('node:fs')
    chmodSync(path.join(root, 'monitor.sh'), 0o755)
    git(root, 'config', 'core.fsmonitor', path.join(root, 'monitor.sh'))
    // The check itself can fail: git runs the program for plain ls-files.
    git(root, 'ls-files')
    const ranForGit = existsSync(marker)
    const {rmSync} = await import('node:fs')
    rmSync(marker, {force: true})
    const context = await openRepository(root)
    if (!context.repository) throw new Error('expected a repository')
    await inspectFile(context.git, '.telemetry')
    expect(ranForGit, 'git itself runs the configured fsmonitor').to.equal(true)
    expect(existsSync(marker)).to.equal(false)
  })
})
