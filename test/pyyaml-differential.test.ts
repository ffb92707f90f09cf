import {expect} from 'chai'
import fc from 'fast-check'

import {interpretTelemetryBytes} from '../src/consent/interpret.js'
import {type PyJson, pythonJsonDumps} from '../src/python/json-dumps.js'
import {pythonWithPyyaml, pyyamlDecisions} from './helpers/pyyaml-oracle.js'

/** Texts shaped like .telemetry files, built from the pieces where YAML libraries disagree. */
export const telemetryText = (() => {
  const value = fc.constantFrom(
    'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'True', 'FALSE', 'oN', 'tRUE', '0', '1', '~', 'null', '',
    '"false"', "'no'", '!!bool "false"', '!!bool n', '!!str true', '!!int 1', '[', '{', '[true]', '{a: b}', '&a off', '*a',
    '|\n  false', '>-\n  true', 'false # c', 'yes\t', '\tno', '0x1', '1_0', '2026-01-01', '.inf', 'off:', '- x',
  )
  const key = fc.constantFrom('consent', 'CONSENT', '"consent"', "'consent'", '? consent\n', 'consent ', 'Consent', 'consent\t')
  const separator = fc.constantFrom(': ', ':', ':\t', ' : ', ':  ')
  const line = fc.oneof(
    fc.tuple(key, separator, value).map(([k, s, v]) => (k.startsWith('?') ? `${k}: ${v}` : `${k}${s}${v}`)),
    fc.constantFrom('# comment', 'team: data', 'a: &a off', 'other: [1, 2]', '---', '...', '', '  ', '- item', 'x: y: z', '%YAML 1.1', '<<: {consent: false}', 'base: &b {consent: true}', '<<: *b'),
  )
  return fc.tuple(fc.array(line, {maxLength: 4}), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean())
    .map(([lines, eol, bom, trailing]) => `${bom ? '\uFEFF' : ''}${lines.join(eol)}${trailing ? eol : ''}`)
})()

function ours(text: string): string {
  const reading = interpretTelemetryBytes(Buffer.from(text, 'utf8'))
  if (reading.kedroWouldFail) return 'FAILS'
  return reading.consent === null ? 'None' : (reading.consent ? 'True' : 'False')
}

describe('.telemetry reading against real PyYAML (differential)', () => {
  it('decides as kedro-telemetry does on generated files', function () {
    const runs = Number(process.env.KC_DIFFERENTIAL_RUNS ?? 400)
    const seed = Number(process.env.KC_DIFFERENTIAL_SEED ?? 20_261_127)
    const texts = fc.sample(telemetryText, {numRuns: runs, seed})
    // Without PyYAML there is nothing to compare against: that fails, rather than passing without testing.
    const python = pythonWithPyyaml()
    expect(python, 'no Python with PyYAML here: install python3-yaml (Debian) or set PYYAML_PYTHON').to.be.a('string')
    const expected = pyyamlDecisions(python!, texts)

    const mismatches = texts.map((text, index) => ({expected: expected[index], ours: ours(text), text})).filter((item) => item.expected !== item.ours)
    expect(mismatches.slice(0, 10), `seed ${seed}`).to.deep.equal([])
  })
})

describe('Python json.dumps (differential)', () => {
  it('pythonJsonDumps writes what Python writes for the same JSON value', async () => {
    const {spawnSync} = await import('node:child_process')
    const runs = Number(process.env.KC_DIFFERENTIAL_RUNS ?? 400)
    const values = fc.sample(fc.jsonValue({maxDepth: 3}), {numRuns: runs, seed: Number(process.env.KC_DIFFERENTIAL_SEED ?? 20_261_127)})
    // Python reads the same JSON text, so both sides hold the same value (ints stay ints, floats stay floats).
    const texts = values.map((value) => JSON.stringify(value))
    const python = spawnSync('python3', ['-c', 'import json,sys\nprint(json.dumps([json.dumps(json.loads(t)) for t in json.load(sys.stdin)]))'], {encoding: 'utf8', input: JSON.stringify(texts), maxBuffer: 64 * 1024 * 1024})
    expect(python.status, `python3 is needed to compare with json.dumps: ${python.stderr}`).to.equal(0)

    const expected = JSON.parse(python.stdout) as string[]
    const mismatches = texts
      .map((text, index) => ({expected: expected[index], ours: pythonJsonDumps(JSON.parse(text) as PyJson), text}))
      .filter((item) => item.ours !== item.expected)
    expect(mismatches.slice(0, 5)).to.deep.equal([])
  })
})
