import {expect} from 'chai'
import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {isExplicitYes} from '../src/consent/answer.js'
import {withLock} from '../src/fs/lock.js'
import {commitWrites, removeStaleTempFiles} from '../src/fs/transaction.js'
import {markdownInline, markdownText, neutralise, printable, uriPath, xmlText} from '../src/render/escape.js'
import {removeTempDirs, tempDir} from './helpers/sandbox.js'

describe('writes: check everything, then write, in an order that loses nothing', () => {
  after(removeTempDirs)

  it('a failure after the history line was appended undoes everything: the line, the files, the step before', async () => {
    const dir = tempDir()
    const history = path.join(dir, 'data', 'history.jsonl')
    mkdirSync(path.dirname(history))
    writeFileSync(history, '{"earlier": true}\n')
    writeFileSync(path.join(dir, 'a'), 'old a\n')
    writeFileSync(path.join(dir, 'b'), 'old b\n')
    const log: string[] = []
    const error = await commitWrites([
      {content: '{"new": true}\n', file: history, kind: 'append'},
      {content: 'new a\n', file: path.join(dir, 'a'), kind: 'replace'},
      {content: 'new b\n', file: path.join(dir, 'b'), kind: 'replace'},
    ], {
      before: {
        run: async () => {
          log.push('run')
          // Sabotage: b becomes a directory after the checks, so its rename fails once a's has happened.
          rmSync(path.join(dir, 'b'))
          mkdirSync(path.join(dir, 'b', 'x'), {recursive: true})
        },
        undo: async () => {
          log.push('undo')
        },
      },
    }).then(() => null, (caught: Error & {code?: string}) => caught)
    expect(error?.message).to.match(/^replacing .*\/b failed: .*; nothing was changed$/)
    expect(log).to.deep.equal(['run', 'undo'])
    expect(readFileSync(history, 'utf8')).to.equal('{"earlier": true}\n')
    expect(readFileSync(path.join(dir, 'a'), 'utf8')).to.equal('old a\n')
    expect(readdirSync(dir).filter((name) => name.includes('.kc-tmp-'))).to.deep.equal([])
  })

  it('a full disk fails while preparing, before anything visible has changed (a real tmpfs)', async () => {
    const {execFileSync} = await import('node:child_process')
    const mount = tempDir()
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount])
    try {
      writeFileSync(path.join(mount, '.telemetry'), 'consent: true\n')
      // Fill the file system, leaving no room for a new block.
      try {
        writeFileSync(path.join(mount, 'filler'), Buffer.alloc(1024 * 1024))
      } catch {
        // ENOSPC, as intended: the disk is full.
      }

      const history = path.join(tempDir(), 'history.jsonl')
      const error = await commitWrites([
        {content: '{"line": 1}\n', file: history, kind: 'append'},
        {content: `consent: false\n${'#'.repeat(8192)}\n`, file: path.join(mount, '.telemetry'), kind: 'replace'},
      ]).then(() => null, (caught: Error & {code?: string}) => caught)
      expect(error?.code).to.equal('ENOSPC')
      expect(error?.message).to.match(/no space left on the device; nothing was changed/)
      expect(readFileSync(path.join(mount, '.telemetry'), 'utf8')).to.equal('consent: true\n')
      expect(existsSync(history)).to.equal(false)
      expect(readdirSync(mount).sort()).to.deep.equal(['.telemetry', 'filler'])
    } finally {
      execFileSync('umount', [mount])
    }
  })

  it('keeps the mode and the owner of a file it replaces (run as root, the file another user\'s)', async () => {
    const dir = tempDir()
    const file = path.join(dir, '.telemetry')
    writeFileSync(file, 'consent: true\n')
    chmodSync(file, 0o600)
    chownSync(file, 1234, 5678)
    await commitWrites([{content: 'consent: false\n', file, kind: 'replace'}])
    const info = statSync(file)
    expect([info.uid, info.gid, info.mode & 0o777]).to.deep.equal([1234, 5678, 0o600])
  })

  it('refuses symlinks, directories, FIFOs and unwritable targets before writing anything', async () => {
    const dir = tempDir()
    const {execFileSync} = await import('node:child_process')
    writeFileSync(path.join(dir, 'real'), 'x\n')
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'))
    mkdirSync(path.join(dir, 'folder'))
    execFileSync('mkfifo', [path.join(dir, 'fifo')])
    writeFileSync(path.join(dir, 'immutable'), 'x\n')
    execFileSync('chattr', ['+i', path.join(dir, 'immutable')])
    try {
      const history = path.join(dir, 'history.jsonl')
      for (const [target, message, code] of [
        ['link', /is a symbolic link: not written through/, 'SYMLINK'], ['folder', /is a directory/, 'DIRECTORY'],
        ['fifo', /is not a regular file/, 'NOT_A_FILE'], ['immutable', /is not writable \(EPERM\)/, 'NOT_WRITABLE'],
      ] as const) {
        for (const kind of ['replace', 'append'] as const) {
          const error = await commitWrites([{content: '{}\n', file: history, kind: 'append'}, {content: 'new\n', file: path.join(dir, target), kind}])
            .then(() => null, (caught: Error & {code?: string}) => caught)
          expect(error?.message, `${target} ${kind}`).to.match(message)
          expect(error?.code).to.equal(code)
        }
      }

      expect(existsSync(history)).to.equal(false)
      expect(readFileSync(path.join(dir, 'real'), 'utf8')).to.equal('x\n')
    } finally {
      execFileSync('chattr', ['-i', path.join(dir, 'immutable')])
    }
  })

  it('a backup never follows a symlink and never overwrites an earlier backup', async () => {
    const dir = tempDir()
    const victim = path.join(tempDir(), '.bashrc')
    writeFileSync(victim, 'the user\'s\n')
    writeFileSync(path.join(dir, '.telemetry'), 'consent: [\n')
    symlinkSync(victim, path.join(dir, '.telemetry.bak'))
    const {backups} = await commitWrites([{file: path.join(dir, '.telemetry.bak'), from: path.join(dir, '.telemetry'), kind: 'backup'}])
    expect(backups.get(path.join(dir, '.telemetry'))).to.equal(path.join(dir, '.telemetry.bak.1'))
    expect(readFileSync(victim, 'utf8')).to.equal('the user\'s\n')
    expect(readFileSync(path.join(dir, '.telemetry.bak.1'), 'utf8')).to.equal('consent: [\n')
  })

  it('temp and undo files of a killed writer are removed for every file written, and only those', async () => {
    const dir = tempDir()
    for (const name of ['.gitignore', 'telemetry.toml']) {
      writeFileSync(path.join(dir, `${name}.kc-tmp-999999999-abcd`), 'torn')
      writeFileSync(path.join(dir, `${name}.kc-tmp-${process.pid}-abcd`), 'mine, still writing')
    }

    await commitWrites([{content: 'x\n', file: path.join(dir, '.gitignore'), kind: 'replace'}, {content: 'y\n', file: path.join(dir, 'telemetry.toml'), kind: 'replace'}])
    expect(readdirSync(dir).sort()).to.deep.equal(['.gitignore', `.gitignore.kc-tmp-${process.pid}-abcd`, 'telemetry.toml', `telemetry.toml.kc-tmp-${process.pid}-abcd`])
    expect(await removeStaleTempFiles(path.join(dir, '.gitignore'))).to.deep.equal([])
  })

  it('the lock serialises work, and a lock left by a process that is gone is taken over', async () => {
    const lock = path.join(tempDir(), 'locks', 'p.lock')
    const order: string[] = []
    const slow = withLock(lock, async () => {
      order.push('first in')
      await new Promise((resolve) => {
        setTimeout(resolve, 100)
      })
      order.push('first out')
    })
    await new Promise((resolve) => {
      setTimeout(resolve, 10)
    })
    await Promise.all([slow, withLock(lock, async () => {
      order.push('second')
    })])
    expect(order).to.deep.equal(['first in', 'first out', 'second'])
    writeFileSync(lock, '999999999\n')
    expect(await withLock(lock, async () => 'taken over')).to.equal('taken over')
    expect(existsSync(lock)).to.equal(false)
    writeFileSync(lock, `${process.pid}\n`)
    const held = await withLock(lock, async () => 'never', 100).then(() => null, (error: Error) => error.message)
    expect(held).to.match(/another telemetry command \(pid \d+\) is changing consent for this project: nothing was changed/)
  })
})

describe('the opt-in answer', () => {
  it('only y or yes, in any case and with spaces around, is a yes', () => {
    for (const yes of ['y', 'Y', 'yes', 'YES', ' Yes ', 'y\r']) expect(isExplicitYes(yes), JSON.stringify(yes)).to.equal(true)
    for (const no of ['', 'n', 'no', 'yolo', 'yeah', 'yes please', 'you\'re kidding? no', 'ye', 'yess', 'oui', null]) expect(isExplicitYes(no), JSON.stringify(no)).to.equal(false)
  })
})

describe('output that cannot be hijacked', () => {
  const hostile = 'evil\u001B[31mred\u001B]8;;http://x\u0007link\nforged row\t|<img src=x onerror=alert(1)>&`code`\u202Eright-to-left'

  it('plain text: every control and direction override is a visible escape, on one line', () => {
    const text = printable(hostile)
    expect(text).not.to.match(/[\u0000-\u001F\u007F-\u009F\u202E]/)
    expect(text).to.contain(String.raw`\x1b[31mred`).and.to.contain(String.raw`\nforged row`).and.to.contain(String.raw`\u202eright`)
    expect(neutralise({a: [hostile], b: 1, c: null})).to.deep.equal({a: [text], b: 1, c: null})
  })

  it('Markdown: no HTML, no new cell, no emphasis or code from checkout text; our code spans stay code', () => {
    const text = markdownText(hostile)
    expect(text).not.to.match(/<img|(?<!\\)\||(?<!\\)`/)
    expect(text).to.contain('&lt;img')
    expect(markdownInline('Run `telemetry opt-out` in `a|b`')).to.equal(String.raw`Run ` + '`telemetry opt-out`' + String.raw` in ` + '`a\\|b`')
    // A backtick in checkout text cannot close our code span into HTML.
    expect(markdownInline('`git config safe.directory \'x`<b>y\'`')).not.to.match(/<b>/)
  })

  it('XML: only characters XML 1.0 allows, escaped; the result parses', () => {
    const text = xmlText(`${hostile}\u000C\uD800`)
    expect(XMLValidator.validate(`<a b="${text}">${text}</a>`)).to.equal(true)
    expect((new XMLParser({ignoreAttributes: false}).parse(`<a>${text}</a>`) as {a: string}).a).to.contain(String.raw`\x0c`)
  })

  it('URIs: each path segment percent-encoded', () => {
    expect(uriPath('my project/a|b/<x>/\u001B[1m/100%')).to.equal('my%20project/a%7Cb/%3Cx%3E/%1B%5B1m/100%25')
  })
})

describe('the files other programs read, as they read them', () => {
  it('GITHUB_ENV: NAME=value lines and NAME<<DELIMITER blocks, as the Actions runner parses them', async () => {
    const {parseGithubEnv} = await import('../src/ci/persist.js')
    const reading = parseGithubEnv('A=1\nB<<EOF\nDO_NOT_TRACK=1\nline two\nEOF\n\nC=x=y\nA=2\n', 'linux')
    expect([...reading.values]).to.deep.equal([['A', '2'], ['B', 'DO_NOT_TRACK=1\nline two'], ['C', 'x=y']])
    expect(reading).to.include({invalid: null, unterminated: null})
    expect(parseGithubEnv('X<<END\nnever closed\n', 'linux').unterminated).to.equal('X<<END')
    expect(parseGithubEnv('just words\n', 'linux').invalid).to.equal('just words')
    // A CR stays part of the value on Linux runners; Windows runners end lines at CRLF too.
    expect(parseGithubEnv('A=1\r\n', 'linux').values.get('A')).to.equal('1\r')
    expect(parseGithubEnv('A=1\r\nB<<E\r\nv\r\nE\r\n', 'win32').values).to.deep.equal(new Map([['A', '1'], ['B', 'v\r']]))
  })

  it('git config includes: [include] and [includeIf] paths, quoted, escaped, continued, commented', async () => {
    const {includePaths} = await import('../src/git/preflight.js')
    const config = [
      '[core]', '\tpath = not-an-include', '[include]', '\tpath = /a/plain', '\tPATH = "/with spaces/x" ; a comment',
      '[includeIf "gitdir:~/work/"]', '\tpath = ~/work.inc # why', '[include] path = \\', '  /continued', '[other]', '\tpath = no',
    ].join('\n')
    expect(includePaths(config)).to.deep.equal(['/a/plain', '/with spaces/x', '~/work.inc', '/continued'])
  })
})
