import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {
  entryKindSync, listDirectorySync, MAX_FILE_BYTES, readFileSafeSync, readTextSafeSync, walkFilesSync,
} from '../src/checkout/files.js'
import {removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'

describe('the one door to a checkout', () => {
  after(removeTempDirs)

  it('reads regular files inside the boundary, and follows symlinks that stay inside', () => {
    const root = tempDir()
    writeFiles(root, {'a/data.yml': 'x: 1\n'})
    symlinkSync('a/data.yml', path.join(root, 'link.yml'))
    expect(readTextSafeSync(path.join(root, 'a', 'data.yml'), {within: root})).to.include({ok: true, text: 'x: 1\n'})
    expect(readTextSafeSync(path.join(root, 'link.yml'), {within: root})).to.include({ok: true, text: 'x: 1\n'})
  })

  it('refuses a symlink whose target leaves the boundary, but a user\'s own file may be a symlink anywhere', () => {
    const outside = tempDir()
    writeFiles(outside, {'secret.txt': 'private\n'})
    const root = tempDir()
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'catalog.yml'))
    symlinkSync('../../..', path.join(root, 'up'))
    const refused = readFileSafeSync(path.join(root, 'catalog.yml'), {within: root})
    expect(refused).to.include({kind: 'outside', ok: false})
    expect(refused.ok ? '' : refused.reason).to.match(/is a symlink to .*secret\.txt, outside .*: not followed/)
    expect(readFileSafeSync(path.join(root, 'up', 'etc', 'passwd'), {within: root})).to.include({kind: 'outside', ok: false})
    expect(readTextSafeSync(path.join(root, 'catalog.yml'), {within: null})).to.include({ok: true, text: 'private\n'})
  })

  it('refuses devices, FIFOs and directories without opening them for long, and never blocks', () => {
    const root = tempDir()
    execFileSync('mkfifo', [path.join(root, 'fifo.yml')])
    mkdirSync(path.join(root, 'dir.yml'))
    symlinkSync('/dev/zero', path.join(root, 'zero.yml'))
    // A FIFO with no writer would block a plain open() for ever; this returns at once.
    expect(readFileSafeSync(path.join(root, 'fifo.yml'), {within: root})).to.deep.include({kind: 'not-regular', ok: false})
    expect(readFileSafeSync(path.join(root, 'dir.yml'), {within: root})).to.deep.include({kind: 'not-regular', ok: false})
    expect(readFileSafeSync('/dev/zero', {within: null})).to.deep.include({kind: 'not-regular', ok: false})
    expect(readFileSafeSync(path.join(root, 'zero.yml'), {within: root})).to.deep.include({kind: 'outside', ok: false})
    expect(entryKindSync(path.join(root, 'fifo.yml'), root)).to.equal('other')
  })

  it('caps the size, one byte past the limit included', () => {
    const root = tempDir()
    writeFileSync(path.join(root, 'exact'), Buffer.alloc(MAX_FILE_BYTES, 0x61))
    writeFileSync(path.join(root, 'over'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x61))
    const exact = readFileSafeSync(path.join(root, 'exact'), {within: root})
    expect(exact.ok && exact.bytes.length).to.equal(MAX_FILE_BYTES)
    expect(readFileSafeSync(path.join(root, 'over'), {within: root})).to.include({kind: 'too-large', ok: false})
    expect(readFileSafeSync(path.join(root, 'exact'), {maxBytes: 10, within: root})).to.include({kind: 'too-large', ok: false})
  })

  it('a missing file and a symlink loop are "missing", as Python\'s exists() says', () => {
    const root = tempDir()
    symlinkSync('loop-b', path.join(root, 'loop-a'))
    symlinkSync('loop-a', path.join(root, 'loop-b'))
    expect(readFileSafeSync(path.join(root, 'nothing'), {within: root})).to.include({kind: 'missing', ok: false})
    expect(readFileSafeSync(path.join(root, 'loop-a'), {within: root})).to.include({kind: 'missing', ok: false})
    expect(entryKindSync(path.join(root, 'loop-a'), root)).to.equal('missing')
  })

  it('lists a directory with each entry\'s kind, a symlink by its target inside the boundary', () => {
    const root = tempDir()
    writeFiles(root, {'d/b.txt': '', 'd/sub/c.txt': ''})
    symlinkSync('sub', path.join(root, 'd', 'alias'))
    symlinkSync('/etc', path.join(root, 'd', 'etc'))
    const listing = listDirectorySync(path.join(root, 'd'), root)
    expect(listing.ok && listing.entries.map((entry) => [entry.name, entry.kind, entry.symlink])).to.deep.equal([
      ['alias', 'directory', true], ['b.txt', 'file', false], ['etc', 'outside', true], ['sub', 'directory', false],
    ])
    expect(listDirectorySync(path.join(root, 'd', 'etc'), root)).to.deep.include({ok: false})
  })

  it('walks a tree once whatever loops it holds, never outside, and says what it did not read', () => {
    const root = tempDir()
    writeFiles(root, {'conf/base/catalog.yml': '', 'conf/base/more/catalog_x.yml': '', 'conf/base/.hidden/catalog.yml': ''})
    symlinkSync('..', path.join(root, 'conf', 'base', 'more', 'back'))
    symlinkSync('/', path.join(root, 'conf', 'base', 'rootfs'))
    const walk = walkFilesSync(path.join(root, 'conf', 'base'), {
      descend: (_relative, name) => !name.startsWith('.'), keep: (_relative, name) => name.endsWith('.yml'), within: root,
    })
    expect(walk.files).to.deep.equal(['catalog.yml', 'more/catalog_x.yml'])
    expect(walk.problems.join('\n')).to.match(/more\/back is reached twice \(a symlink loop\)/)
    expect(walk.problems.join('\n')).to.match(/rootfs is a symlink leading outside the project: not followed/)
  })
})
