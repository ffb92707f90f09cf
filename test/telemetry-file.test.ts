import {expect} from 'chai'
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {safeLoad} from '../src/python/pyyaml.js'
import {interpretTelemetryBytes} from '../src/consent/interpret.js'
import {readTelemetryFile} from '../src/consent/telemetry-file.js'
import {removeTempDirs, tempDir} from './helpers/sandbox.js'

const read = (text: string) => interpretTelemetryBytes(Buffer.from(text, 'utf8'))

describe('.telemetry read as kedro-telemetry reads it (PyYAML 1.1 safe_load)', () => {
  after(removeTempDirs)

  // Every row of the spec's table, checked against PyYAML by running it.
  const table: [string, boolean | null][] = [
    ['consent: true', true], ['consent: yes', true], ['consent: on', true], ['consent: True', true], ['consent: TRUE', true],
    ['consent: false', false], ['consent: no', false], ['consent: off', false], ['consent: False', false],
    ['consent: FALSE', false], ['{consent: false}', false],
    ['consent: y', null], ['consent: n', null], ['consent: "false"', null], ['consent: 0', null], ['consent: 1', null],
    ['', null], ['consent:', null], ['invalid_ yaml', null], ['- consent: false', null], ['CONSENT: false', null],
  ]
  for (const [text, expected] of table) {
    it(`${JSON.stringify(text)} gives ${expected === null ? 'no decision' : `consent ${expected}`}`, () => {
      const reading = read(text)
      expect(reading.consent).to.equal(expected)
      expect(reading.valid).to.equal(expected !== null)
      expect(reading.kedroWouldFail).to.equal(false)
    })
  }

  it('a YAML syntax error means kedro would fail', () => {
    const reading = read('consent: [')
    expect(reading.kedroWouldFail).to.equal(true)
    expect(reading.consent).to.equal(null)
    expect(reading.problem).to.match(/^YAML error/)
  })

  it('keeps the raw consent text and guesses what a misread value meant', () => {
    expect(read('consent: "false"')).to.include({meant: false, rawConsent: '"false"'})
    expect(read('consent: n')).to.include({meant: false, rawConsent: 'n'})
    expect(read('consent: 1')).to.include({meant: true, rawConsent: '1'})
    expect(read('consent: off')).to.include({consent: false, rawConsent: 'off', valid: true})
    expect(read('consent: maybe').meant).to.equal(null)
  })

  it('points at a key that differs only in case', () => {
    expect(read('CONSENT: false').problem).to.contain('"CONSENT"')
  })

  describe('PyYAML details the yaml package does not share by default', () => {
    const cases: [string, boolean | null | 'fails'][] = [
      ['consent: !!bool "false"', false], // explicit tag: lower-cased table lookup
      ['consent: !!bool FaLsE', false],
      ['consent: !!bool n', 'fails'], // not in PyYAML's table: ConstructorError
      ['consent: !!python/object:os.system x', 'fails'], // SafeLoader refuses unknown tags
      ['consent: false\n---\n', 'fails'], // safe_load expects a single document
      ['consent: true\nconsent: false', false], // duplicate keys: the last wins
      ['a: &x false\nconsent: *x', false], // aliases
      ['base: &b {consent: false}\n<<: *b', false], // merge keys
      ['\uFEFFconsent: false', false], // a BOM is skipped
      ['consent: false\u0001', 'fails'], // non-printable characters raise in the reader
      ['\tconsent: false', 'fails'], // tabs cannot indent
      ['consent: oN', null], // mixed case is a string
      ['consent: false\r\nother: 1\r\n', false], // CRLF
      ['%YAML 1.1\n---\nconsent: off', false],
      // PyYAML skips only spaces between tokens: a tab outside quotes, comments and block scalars raises.
      ['consent:\tfalse', 'fails'],
      ['consent: \tfalse', 'fails'],
      ['consent: false\t', 'fails'],
      ['a: b\tc\nconsent: false', 'fails'],
      ['{consent: false,\tb: 2}', 'fails'],
      ['consent: false # a\tcomment', false],
      ['a: "x\ty"\nconsent: false', false],
      ['a: |\n  x\ty\nconsent: false', false],
    ]
    for (const [text, expected] of cases) {
      it(`${JSON.stringify(text)} -> ${expected}`, () => {
        const reading = read(text)
        if (expected === 'fails') expect(reading.kedroWouldFail).to.equal(true)
        else expect(reading).to.include({consent: expected, kedroWouldFail: false})
      })
    }
  })

  it('bytes that are not UTF-8 make kedro fail', () => {
    const reading = interpretTelemetryBytes(new Uint8Array([0x63, 0x6F, 0xFF, 0xFE]))
    expect(reading.kedroWouldFail).to.equal(true)
    expect(reading.problem).to.contain('UTF-8')
  })

  it('safeLoad returns plain values and errors', () => {
    expect(safeLoad('a: [1, 2]')).to.deep.include({ok: true, value: {a: [1, 2]}})
    expect(safeLoad('a: [').ok).to.equal(false)
  })

  describe('on disk', () => {
    it('a missing file is no decision', async () => {
      const reading = await readTelemetryFile(tempDir())
      expect(reading).to.include({exists: false, kind: 'missing', valid: false})
    })

    it('a directory named .telemetry exists for Python and fails to open', async () => {
      const root = tempDir()
      mkdirSync(path.join(root, '.telemetry'))
      expect(await readTelemetryFile(root)).to.include({exists: true, kedroWouldFail: true, kind: 'directory'})
    })

    it('a symlink is followed, and a dangling one counts as missing', async () => {
      const root = tempDir()
      writeFileSync(path.join(root, 'real'), 'consent: false\n')
      symlinkSync(path.join(root, 'real'), path.join(root, '.telemetry'))
      expect(await readTelemetryFile(root)).to.include({consent: false, symlink: true, valid: true})
      const dangling = tempDir()
      symlinkSync(path.join(dangling, 'nowhere'), path.join(dangling, '.telemetry'))
      expect(await readTelemetryFile(dangling)).to.include({exists: false, kedroWouldFail: false, symlink: true})
    })
  })
})
