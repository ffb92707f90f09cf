import {expect} from 'chai'
import {chmodSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {editConsent} from '../src/consent/edit.js'
import {interpretTelemetryBytes} from '../src/consent/interpret.js'
import {commitWrites, removeStaleTempFiles, writeFileAtomic} from '../src/fs/transaction.js'
import {planGitignore} from '../src/git/gitignore.js'
import {type DecisionRecord, decisionWrite, historyDirectory, readHistory} from '../src/history/history.js'
import {removeProjectIdTable, removeUserIdFromToml} from '../src/identity/revoke-edits.js'
import {buildNotice} from '../src/notice/notice.js'
import {removeTempDirs, tempDir} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

function edit(text: null | string, consent: boolean) {
  const result = editConsent(text === null ? null : Buffer.from(text), consent)
  if (!result.ok) throw new Error(`refused: ${result.reason}`)
  return result
}

describe('editing .telemetry', () => {
  after(removeTempDirs)

  it('creates the canonical file', () => {
    expect(edit(null, false).text).to.equal('consent: false\n')
    expect(edit(null, true).text).to.equal('consent: true\n')
  })

  it('keeps every other key and comment, byte for byte', () => {
    const before = '# decided with the team\nteam: data  # who\nconsent: yes\nextra:\n  - a\n'
    expect(edit(before, false).text).to.equal('# decided with the team\nteam: data  # who\nconsent: false\nextra:\n  - a\n')
  })

  it('fixes a value kedro misreads, and says what it was', () => {
    for (const [raw, shown] of [['"false"', '"false"'], ['n', 'n'], ['0', '0'], ["'no'", "'no'"]]) {
      const result = edit(`consent: ${raw}\n`, false)
      expect(result.text).to.equal('consent: false\n')
      expect(result.fixedMisread).to.equal(shown)
      expect(interpretTelemetryBytes(Buffer.from(result.text))).to.include({consent: false, valid: true})
    }
  })

  it('writes the canonical value even when the old one meant the same, and is idempotent after', () => {
    const once = edit('consent: off\n', false)
    expect(once).to.include({changed: true, fixedMisread: null, previousConsent: false, text: 'consent: false\n'})
    expect(edit(once.text, false).changed).to.equal(false)
  })

  it('keeps CRLF line endings, a BOM, and flow style', () => {
    expect(edit('team: x\r\nconsent: n\r\n', false).text).to.equal('team: x\r\nconsent: false\r\n')
    expect(edit('team: x\r\n', true).text).to.equal('team: x\r\nconsent: true\r\n')
    expect(edit('\uFEFFconsent: true\n', false).text).to.equal('\uFEFFconsent: false\n')
    expect(edit('{consent: true, a: 1}', false).text).to.equal('{consent: false, a: 1}')
    expect(edit('{a: 1}', false).text).to.equal('{a: 1, consent: false}')
  })

  it('appends to a file of comments or without a consent key, and sets every duplicate', () => {
    expect(edit('# only a comment', true).text).to.equal('# only a comment\nconsent: true\n')
    expect(edit('a: 1', true).text).to.equal('a: 1\nconsent: true\n')
    expect(edit('consent: true\nconsent: yes\n', false).text).to.equal('consent: false\nconsent: false\n')
    expect(edit('consent:\nb: 2\n', false).text).to.equal('consent: false\nb: 2\n')
  })

  it('refuses what it must not overwrite without --force', () => {
    const refusals: [Uint8Array, string][] = [
      [Buffer.from('consent: ['), 'UNPARSABLE'],
      [Buffer.from('- consent: false\n'), 'NOT_MAPPING'],
      [Buffer.from('just words'), 'NOT_MAPPING'],
      [new Uint8Array([0x63, 0x00, 0x01]), 'BINARY'],
      [new Uint8Array([0xFF, 0xFE, 0x41]), 'BINARY'],
      [Buffer.from(`consent: false\n${'# padding\n'.repeat(8000)}`), 'TOO_LARGE'],
      // Setting consent would change `b`, an alias of the same value.
      [Buffer.from('consent: &a yes\nb: *a\n'), 'UNEDITABLE'],
    ]
    for (const [bytes, code] of refusals) {
      const result = editConsent(bytes, false)
      expect(result.ok, code).to.equal(false)
      if (!result.ok) expect(result.code).to.equal(code)
    }
  })
})

describe('revoke\'s TOML edits', () => {
  const edited = (result: ReturnType<typeof removeUserIdFromToml>) => (result.ok ? {changed: result.changed, text: result.bytes.toString('latin1')} : result)
  const bytes = (text: string) => Buffer.from(text, 'latin1')

  it('removes the uuid and keeps every other key and line', () => {
    const before = '# kedro\n[telemetry]\nuuid = "0d5c2f6e8a3b4c1d9e7f123456789abc"\ncolour = "blue"\n\n[other]\nuuid = 1\n'
    expect(edited(removeUserIdFromToml(bytes(before)))).to.deep.equal({changed: true, text: '# kedro\n[telemetry]\ncolour = "blue"\n\n[other]\nuuid = 1\n'})
    expect(edited(removeUserIdFromToml(bytes('[other]\nx = 1\n')))).to.deep.equal({changed: false, text: '[other]\nx = 1\n'})
    expect(removeUserIdFromToml(bytes('telemetry = [')).ok).to.equal(false)
    expect(removeUserIdFromToml(bytes('telemetry = {uuid = "a", b = 1}\n')).ok).to.equal(false)
  })

  it('keeps bytes that are not UTF-8 elsewhere in the file exactly', () => {
    // \xE9 alone (Latin-1) and a stray \xFF in a comment: a text round trip would turn them into U+FFFD.
    const before = '# caf\xE9 \xFF\n[telemetry]\nuuid = "0d5c2f6e8a3b4c1d9e7f123456789abc"\n'
    const result = removeUserIdFromToml(bytes(before))
    expect(result.ok && [...result.bytes]).to.deep.equal([...bytes('# caf\xE9 \xFF\n[telemetry]\n')])
  })

  it('removes [tool.kedro_telemetry] and leaves the rest of pyproject.toml byte for byte', () => {
    const head = '[project]\nname = "x"\n\n[tool.kedro]\npackage_name = "x"\n\n'
    const tail = '# next table \xE9\n[tool.ruff]\nline-length = 88\n'
    expect(edited(removeProjectIdTable(bytes(`${head}[tool.kedro_telemetry]\nproject_id = "abc"\n\n${tail}`)))).to.deep.equal({changed: true, text: `${head}\n${tail}`})
    // As kedro appends it: at the very end.
    expect(edited(removeProjectIdTable(bytes(`${head}[tool.kedro_telemetry]\nproject_id = "abc"\n`)))).to.deep.equal({changed: true, text: head})
    expect(removeProjectIdTable(bytes('[tool]\nkedro_telemetry.project_id = "a"\n')).ok).to.equal(false)
  })
})

describe('the .gitignore plan', () => {
  const plan = (current: null | string, ignored = false) =>
    planGitignore({current: current === null ? null : Buffer.from(current, 'latin1'), file: '/p/.gitignore', ignored, name: '.telemetry', rule: null})
  const appended = (current: null | string) => {
    const result = plan(current)
    return result.action === 'append' ? result.bytes.toString('latin1') : result.action
  }

  it('appends one line, keeping the file\'s line endings and bytes', () => {
    expect(plan(null)).to.deep.include({action: 'append', file: '/p/.gitignore'})
    expect(appended(null)).to.equal('.telemetry\n')
    expect(appended('data/\n')).to.equal('data/\n.telemetry\n')
    expect(appended('data/')).to.equal('data/\n.telemetry\n')
    expect(appended('data/\r\nlogs/\r\n')).to.equal('data/\r\nlogs/\r\n.telemetry\r\n')
    expect(appended('data/\r\nlogs/')).to.equal('data/\r\nlogs/\r\n.telemetry\r\n')
    expect(appended('# caf\xE9\n')).to.equal('# caf\xE9\n.telemetry\n')
  })

  it('never duplicates the line, and does nothing when git already ignores the file', () => {
    expect(plan('.telemetry\n!.telemetry\n').action).to.equal('listed-but-overridden')
    expect(plan('/.telemetry\r\n!.telemetry\r\n').action).to.equal('listed-but-overridden')
    expect(plan('*\n', true).action).to.equal('already-ignored')
  })
})

describe('history', () => {
  after(removeTempDirs)

  const record = (overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
    action: 'opt-out', consent: false, fixedMisread: null, how: 'command', inCi: false, noticeShown: false,
    noticeVersion: 'abcdef012345', previousConsent: null, projectRoot: '/p', schema: 1, telemetryVersion: '0.8.0',
    telemetryVersionSource: 'assumed', time: '2026-11-27T10:00:00.000Z', toolVersion: '0.1.0', ...overrides,
  })

  it('lives in the user data directory, per platform', () => {
    expect(historyDirectory({HOME: '/home/u'}, 'linux')).to.equal('/home/u/.local/share/kedro-consent')
    expect(historyDirectory({HOME: '/home/u', XDG_DATA_HOME: '/data'}, 'linux')).to.equal('/data/kedro-consent')
    expect(historyDirectory({HOME: '/home/u', XDG_DATA_HOME: 'relative'}, 'linux')).to.equal('/home/u/.local/share/kedro-consent')
    expect(historyDirectory({HOME: '/Users/u'}, 'darwin')).to.equal('/Users/u/Library/Application Support/kedro-consent')
    expect(historyDirectory({LOCALAPPDATA: String.raw`C:\L`}, 'win32')).to.equal(String.raw`C:\L\kedro-consent`)
  })

  it('appends one line per decision and skips corrupt lines with a reason', async () => {
    const file = path.join(tempDir(), 'sub', 'history.jsonl')
    await commitWrites([decisionWrite(file, record())])
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"torn": \n{"action": "opt-in"}\n`)
    await commitWrites([decisionWrite(file, record({action: 'opt-in', consent: true, how: '--yes'}))])
    const reading = await readHistory(file)
    expect(reading.records.map((r) => r.action)).to.deep.equal(['opt-out', 'opt-in'])
    expect(reading.skipped.map((s) => s.line)).to.deep.equal([2, 3])
    expect(reading.skipped[0].reason).to.equal('not valid JSON')
    for (const line of reading.records) expectValid('history-record.schema.json', line)
    expect((await readHistory(path.join(tempDir(), 'none.jsonl'))).records).to.deep.equal([])
  })
})

describe('the notice', () => {
  it('has a stable content version that changes with the content', () => {
    const current = buildNotice('0.8.0')
    expect(buildNotice('0.8.3').version).to.equal(current.version)
    expect(buildNotice('0.7.0').version).not.to.equal(current.version)
    expect(buildNotice('0.5.0').model).to.equal('opt-in')
    for (const version of ['0.1.0', '0.2.2', '0.4.0', '0.5.0', '0.6.5', '0.7.0', '0.8.0']) expectValid('notice.schema.json', buildNotice(version))
  })

  it('says what is masked, hashed and raw, and that the IP address is seen', () => {
    const notice = buildNotice('0.8.0')
    const byName = Object.fromEntries(notice.fields.map((field) => [field.name, field]))
    expect(byName.command.treatment).to.equal('masked')
    expect(byName.project_id.treatment).to.equal('hashed')
    expect(byName.project_id.example.sent).to.match(/^"8cce493deace1462/)
    expect(byName.python_version.treatment).to.equal('raw')
    expect(byName['dataset_type_count.<class>'].treatment).to.equal('count')
    expect(notice.seesAnyway.join(' ')).to.match(/IP address/)
    expect(buildNotice('0.2.3').events.join(' ')).to.match(/even without consent/)
  })

  it('lists the fields and masking of each era as the sources show them', () => {
    const names = (version: string) => buildNotice(version).fields.map((field) => field.name)
    expect(names('0.3.0')).not.to.include.any.members(['is_ci_env', 'tools'])
    expect(names('0.3.1')).to.include('tools').and.not.to.include('is_ci_env')
    expect(names('0.3.2')).to.include.members(['is_ci_env', 'tools'])
    expect(buildNotice('0.3.1').fields.find((field) => field.name === 'number_of_datasets')?.note).to.match(/parameters.*included/)
    expect(buildNotice('0.1.4').events.join(' ')).not.to.match(/Project Statistics/)
    const note = (version: string) => buildNotice(version).fields.find((field) => field.name === 'command')?.note
    expect(note('0.3.1')).to.match(/happens to be such a name/)
    expect(note('0.6.0')).to.match(/command and its option names are kept/)
    expect(note('0.6.3')).to.match(/every value is masked;/)
    expect(note('0.7.0')).to.match(/except an official starter/)
    expect(buildNotice('0.7.0').fields.map((field) => field.name)).to.include('dataset_types')
    expect(buildNotice('0.6.0').version).not.to.equal(buildNotice('0.6.1').version)
    expect(buildNotice('0.8.0').events.join(' ')).to.match(/kedro ipython/)
    // Each notice names the releases it describes, from the release table.
    expect(buildNotice('0.6.3').telemetryVersions).to.equal('0.6.1 to 0.6.4')
    expect(buildNotice('0.8.0').telemetryVersions).to.equal('0.8.0')
    expect(buildNotice('0.9.0').telemetryVersions).to.equal('0.9.0 and later')
  })
})

describe('atomic writes', () => {
  after(removeTempDirs)

  it('replaces the content, keeps the mode, and leaves no temp file', async () => {
    const dir = tempDir()
    const file = path.join(dir, '.telemetry')
    writeFileSync(file, 'consent: true\n')
    chmodSync(file, 0o600)
    await writeFileAtomic(file, 'consent: false\n')
    expect(readFileSync(file, 'utf8')).to.equal('consent: false\n')
    expect(statSync(file).mode & 0o777).to.equal(0o600)
    // A backup never overwrites an earlier one.
    const first = await commitWrites([{file: `${file}.bak`, from: file, kind: 'backup'}])
    writeFileSync(file, 'consent: true\n')
    const second = await commitWrites([{file: `${file}.bak`, from: file, kind: 'backup'}])
    expect([first.backups.get(file), second.backups.get(file)]).to.deep.equal([`${file}.bak`, `${file}.bak.1`])
    expect(readFileSync(`${file}.bak`, 'utf8')).to.equal('consent: false\n')
    expect(readFileSync(`${file}.bak.1`, 'utf8')).to.equal('consent: true\n')
    const {readdirSync} = await import('node:fs')
    expect(readdirSync(dir).sort()).to.deep.equal(['.telemetry', '.telemetry.bak', '.telemetry.bak.1'])
  })

  it('removes temp files left by a writer that died, and only those', async () => {
    const dir = tempDir()
    const file = path.join(dir, '.telemetry')
    writeFileSync(`${file}.kc-tmp-999999999-abcd`, 'torn')
    writeFileSync(`${file}.kc-tmp-${process.pid}-abcd`, 'mine, still writing')
    expect(await removeStaleTempFiles(file)).to.deep.equal(['.telemetry.kc-tmp-999999999-abcd'])
  })
})
