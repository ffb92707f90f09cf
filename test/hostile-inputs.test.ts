/**
 * Inputs built to hang, exhaust or crash a reader: each must end in the answer PyYAML or Python gives, or in an
 * "estimated" with the reason, never in a hang (mocha's timeout is the watchdog), a stack overflow or a false answer.
 */
import {expect} from 'chai'
import {rmSync, symlinkSync} from 'node:fs'
import path from 'node:path'

import {editConsent} from '../src/consent/edit.js'
import {interpretTelemetryBytes} from '../src/consent/interpret.js'
import {PYYAML_CERTAIN_DEPTH, PYYAML_RECURSION_DEPTH, safeLoad} from '../src/python/pyyaml.js'
import {readCatalog} from '../src/statistics/catalog.js'
import {readPipelines} from '../src/statistics/pipelines.js'
import {checkSyntax, parsePython} from '../src/python/evaluator.js'
import {makeProject, removeTempDirs} from './helpers/sandbox.js'
import {kedro} from '../src/releases/releases.js'

/** Ten levels of nine aliases each: 9^10 leaves if expanded, a few hundred bytes of text. */
function aliasBomb(tail = 'consent: false\n'): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]']
  for (let level = 1; level < 10; level++) lines.push(`a${level}: &a${level} [${Array.from({length: 9}, () => `*a${level - 1}`).join(', ')}]`)
  return `${lines.join('\n')}\n${tail}`
}

describe('YAML as PyYAML reads it, bounded', () => {
  it('an alias bomb is read as PyYAML reads it: aliases are shared, never copied', () => {
    const text = aliasBomb()
    expect(text.length).to.be.below(700)
    expect(interpretTelemetryBytes(Buffer.from(text))).to.include({consent: false, kedroWouldFail: false, valid: true})
    const loaded = safeLoad(text)
    const value = loaded.value as Record<string, unknown[]>
    // The same list object nine times over, as PyYAML's constructor gives it.
    expect(value.a9[0]).to.equal(value.a9[8])
    expect(value.a9[0]).to.equal(value.a8)
  })

  it('opting out of a file holding a bomb edits only the consent value', () => {
    const before = aliasBomb('consent: true\n')
    const edit = editConsent(Buffer.from(before), false)
    expect(edit.ok && edit.text).to.equal(aliasBomb('consent: false\n'))
  })

  it('a recursive alias gives a recursive value, and an edit beside it still verifies', () => {
    const loaded = safeLoad('a: &a [*a, 1]\nconsent: true\n')
    const list = (loaded.value as {a: unknown[]}).a
    expect(list[0]).to.equal(list)
    const edit = editConsent(Buffer.from('a: &a [*a, 1]\nconsent: true\n'), false)
    expect(edit.ok && edit.text).to.equal('a: &a [*a, 1]\nconsent: false\n')
  })

  it('nesting: exact below PyYAML\'s recursion limit, estimated near it, a failure beyond it, never a stack overflow', () => {
    const nested = (depth: number) => Buffer.from(`x: ${'['.repeat(depth)}${']'.repeat(depth)}\nconsent: false\n`)
    expect(interpretTelemetryBytes(nested(PYYAML_CERTAIN_DEPTH - 5))).to.include({consent: false, valid: true})
    const near = interpretTelemetryBytes(nested(PYYAML_CERTAIN_DEPTH + 20))
    expect(near).to.include({consent: null, kedroWouldFail: false})
    expect(near.estimated).to.match(/RecursionError/)
    expect(interpretTelemetryBytes(nested(PYYAML_RECURSION_DEPTH + 20))).to.include({kedroWouldFail: true})
    // Far beyond any recursion limit: the document is refused without recursing through it.
    expect(interpretTelemetryBytes(nested(30_000))).to.include({kedroWouldFail: true})
  })

  it('line endings: CR-only, CRLF and mixed files are edited in place, every other byte kept', () => {
    const cases: [string, string][] = [
      ['consent: true\r', 'consent: false\r'],
      ['a: 1\r\nconsent: yes\r\n# kept\r\n', 'a: 1\r\nconsent: false\r\n# kept\r\n'],
      ['a: 1\r\nb: 2\nconsent: on\r', 'a: 1\r\nb: 2\nconsent: false\r'],
      ['a: 1\rb: 2\r', 'a: 1\rb: 2\rconsent: false\r'],
      ['\uFEFFteam: x\r', '\uFEFFteam: x\rconsent: false\r'],
    ]
    for (const [before, after] of cases) {
      const edit = editConsent(Buffer.from(before), false)
      expect(edit.ok && edit.text, JSON.stringify(before)).to.equal(after)
      expect(interpretTelemetryBytes(Buffer.from(after)).consent).to.equal(false)
    }
  })
})

describe('the static Python reader is total', () => {
  after(removeTempDirs)

  const registry = 'from kedro.framework.project import find_pipelines\n\ndef register_pipelines():\n    pipelines = find_pipelines()\n    pipelines["__default__"] = sum(pipelines.values())\n    return pipelines\n'
  const project = (pipelineSource: string) => makeProject({
    'src/demo/pipeline_registry.py': registry, 'src/demo/pipelines/p/__init__.py': pipelineSource,
  })
  const read = (root: string) => readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'demo', projectRoot: root})

  it('self-recursion and mutual recursion end in an estimate with the reason', async () => {
    for (const source of [
      'def create_pipeline(**kwargs):\n    return create_pipeline()\n',
      'def helper():\n    return create_pipeline()\n\ndef create_pipeline(**kwargs):\n    return helper()\n',
    ]) {
      const reading = read(project(source))
      expect(reading.numberOfNodes).to.equal(null)
      expect(reading.estimated.join(' ')).to.match(/calls itself \(recursion\)/)
    }
  })

  it('brackets nested past CPython\'s limit of 200 are its SyntaxError; 200 are fine', async () => {
    // pipeline([node(...)]) adds three levels: 197 + 3 is the most CPython compiles.
    const nested = (depth: number) => `from kedro.pipeline import node, pipeline\n\nf = len\n\ndef create_pipeline(**kwargs):\n    return ${'('.repeat(depth)}pipeline([node(f, "a", "b")])${')'.repeat(depth)}\n`
    const fine = read(project(nested(197)))
    expect(fine.numberOfNodes).to.equal(1)
    expect(fine.estimated).to.deep.equal([])
    for (const depth of [198, 50_000]) {
      const reading = read(project(nested(depth)))
      expect(reading.warnings.join(' ')).to.match(/has a syntax error \(too many nested parentheses, near line 6\)/)
      // find_pipelines() leaves the broken package out: __default__ is then empty.
      expect(reading.numberOfNodes).to.equal(0)
    }
  })

  it('a long chain of + is evaluated, not reported as a syntax error; past the parser\'s reach it is an estimate', async () => {
    const chain = (terms: number) => `from kedro.pipeline import node, pipeline\n\nbase = pipeline([node(f, "a", "b")])\n\ndef create_pipeline(**kwargs):\n    return ${Array.from({length: terms}, (_, index) => (index % 2 ? 'base' : 'pipeline([node(g, "c", "d")])')).join(' + ')}\n`
    const long = read(project(chain(200)))
    expect(long.numberOfNodes).to.equal(2)
    expect(long.warnings).to.deep.equal([])
    const tooLong = read(project(chain(5000)))
    expect(tooLong.numberOfNodes).to.equal(null)
    expect(tooLong.warnings).to.deep.equal([])
    expect(tooLong.estimated.join(' ')).to.match(/more than 250 chained terms, beyond what this tool's Python parser reads/)
  })

  it('a huge literal and a deeply nested expression end in an answer or an estimate', async () => {
    const huge = read(project(`from kedro.pipeline import node, pipeline\n\nLIST = [${Array.from({length: 200_000}, () => '1').join(',')}]\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "b")])\n`))
    expect(huge.numberOfNodes).to.equal(1)
    const unary = (depth: number) => read(project(`from kedro.pipeline import node, pipeline\nf = len\n\nX = ${'-'.repeat(depth)}1\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "b")])\n`))
    expect(unary(500)).to.deep.include({estimated: [], numberOfNodes: 1})
    // Python compiles 1,000 nested minus signs but not 5,000; this tool's parser stops before either, and says so.
    const deep = unary(3000)
    expect(deep.numberOfNodes).to.equal(null)
    expect(deep.estimated[0]).to.match(/holds an expression nested more than 1000 deep, beyond what this tool's Python parser reads \(near line 4\)/)
  })

  it('checkSyntax tells a real syntax error from the parser giving up', () => {
    expect(checkSyntax(parsePython('x = (a b)\n')).kind).to.equal('error')
    expect(checkSyntax(parsePython('x = a +\n')).kind).to.equal('error')
    expect(checkSyntax(parsePython(`x = ${Array.from({length: 400}, () => 'a').join(' + ')}\n`)).kind).to.equal('ok')
    expect(checkSyntax(parsePython(`x = ${Array.from({length: 2000}, () => 'a').join(' + ')}\n`)).kind).to.equal('beyond-parser')
  })

  it('a catalog folder that leads outside the project is not read, and the count says so', () => {
    const root = makeProject({'conf/base/catalog.yml': 'a:\n  type: pandas.CSVDataset\n', 'conf/local/.gitkeep': ''})
    rmSync(path.join(root, 'conf', 'local'), {recursive: true})
    symlinkSync('/', path.join(root, 'conf', 'local'))
    const reading = readCatalog(path.join(root, 'conf'), 'local', 'base', root)
    expect(reading.entries.map((entry) => entry.name)).to.deep.equal(['a'])
    expect(reading.estimated.join(' ')).to.match(/local: it leads outside the project, so it is not read/)
  })
})
