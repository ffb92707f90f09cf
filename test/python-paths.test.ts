/**
 * pathlib and os.path as the evaluator computes them (src/python/paths.ts), against the real interpreter: the same
 * inputs through CPython's PurePosixPath and posixpath.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'

import {dirname, joinPosix, normpath, pathValue, purePosixPath} from '../src/python/paths.js'
import {pythonStr} from '../src/python/values.js'

const CASES = [
  [''], ['.'], ['..'], ['a'], ['a/'], ['a//b'], ['a/./b/'], ['/'], ['//'], ['///'], ['//a/b'], ['///a'], ['/a/../b'], ['a/..'],
  ['a', 'b'], ['a', '/b', 'c'], ['/x', ''], ['', 'a'], ['conf', '.', 'base'], ['../../conf'],
]

/** What CPython says for each case: PurePosixPath(*parts), and posixpath's normpath, join, dirname of the joined text. */
function real(): {dirname: string; join: string; normpath: string; parents: string[]; name: string; path: string}[] {
  const script = [
    'import json, sys, posixpath', 'from pathlib import PurePosixPath as P',
    'out = []',
    'for parts in json.loads(sys.argv[1]):',
    '    p = P(*parts); joined = posixpath.join(*parts)',
    '    out.append({"path": str(p), "name": p.name, "parents": [str(q) for q in p.parents], "normpath": posixpath.normpath(joined), "join": joined, "dirname": posixpath.dirname(joined)})',
    'print(json.dumps(out))',
  ].join('\n')
  return JSON.parse(execFileSync('python3', ['-c', script, JSON.stringify(CASES)], {encoding: 'utf8'})) as ReturnType<typeof real>
}

describe('paths as the project\'s Python computes them (differential, against the real interpreter)', () => {
  it('PurePosixPath, its name and parents, and posixpath\'s join, normpath and dirname', () => {
    const expected = real()
    const scene = {kindOf: () => null, realPath: (file: string) => file, workingDirectory: '/project'}
    for (const [index, parts] of CASES.entries()) {
      const joined = joinPosix(parts[0], ...parts.slice(1))
      const value = pathValue(purePosixPath(parts), scene)
      const member = (name: string) => (value.kind === 'object' ? value.members.get(name) : undefined)
      const parents = member('parents')
      const computed = {
        dirname: dirname(joined), join: joined, name: (member('name') as {value: string}).value, normpath: normpath(joined),
        parents: parents?.kind === 'list' ? parents.items.map((item) => pythonStr(item)) : null, path: pythonStr(value),
      }
      expect(computed, JSON.stringify(parts)).to.deep.equal(expected[index])
    }
  })
})
