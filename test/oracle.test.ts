/**
 * Ground truth: for each small project of test/fixtures/oracle and each command recorded there, the preview must
 * give the requests the real kedro + kedro-telemetry sent (the timestamp and, as no interpreter is asked here,
 * python_version aside). Cases this tool does not match yet are listed with their cause in oracle-known-gaps.json;
 * a listed case that starts to match fails here until it is taken off the list, so the list only ever shrinks, and
 * each listed difference must be one the preview marks estimated: never a wrong answer presented as exact.
 */
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {differences, ORACLE, oracleCases, previewCase, unmarked} from './helpers/oracle.js'
import {removeTempDirs} from './helpers/sandbox.js'

const KNOWN_GAPS = JSON.parse(readFileSync(path.join(ORACLE, '..', 'oracle-known-gaps.json'), 'utf8')) as Record<string, string>

describe('the oracle: requests the real kedro-telemetry sent', () => {
  after(removeTempDirs)

  const cases = oracleCases()
  it('covers every recorded case, and lists no gap that is not one', () => {
    expect(cases).to.have.length(471)
    const files = new Set(cases.map((oracleCase) => oracleCase.file))
    for (const gap of Object.keys(KNOWN_GAPS)) expect(files.has(gap), gap).to.equal(true)
  })

  for (const oracleCase of cases) {
    const gap = KNOWN_GAPS[oracleCase.file]
    it(`${oracleCase.file}${gap ? ` (known gap: ${gap})` : ''}`, async () => {
      const preview = await previewCase(oracleCase)
      const found = differences(oracleCase, preview)
      if (gap) {
        expect(found, 'this case matches now: take it off oracle-known-gaps.json').not.to.deep.equal([])
        // No difference is presented as exact: what differs is marked estimated in the preview.
        expect(unmarked(oracleCase, preview), 'a difference the preview presents as exact').to.deep.equal([])
      } else {
        expect(found).to.deep.equal([])
      }
    })
  }
})
