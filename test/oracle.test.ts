/**
 * Ground truth: for each small project of test/fixtures/oracle and each command recorded there, the preview must
 * give the requests the real kedro + kedro-telemetry sent (the timestamp and, as no interpreter is asked here,
 * python_version aside), given the environment the recording ran in (test/fixtures/oracle-environment). Without
 * that environment some answers depend on what it holds (a dataset class whose dependency is missing): those may
 * differ, but only in what the preview marks estimated, never in a figure presented as exact.
 */
import {expect} from 'chai'

import {differences, oracleCases, previewCase, unmarked} from './helpers/oracle.js'
import {removeTempDirs} from './helpers/sandbox.js'

describe('the oracle: requests the real kedro-telemetry sent', () => {
  after(removeTempDirs)

  const cases = oracleCases()
  it('covers every recorded case', () => {
    expect(cases).to.have.length(471)
  })

  describe('in the environment of the recording', () => {
    for (const oracleCase of cases) {
      it(oracleCase.file, async () => {
        expect(differences(oracleCase, await previewCase(oracleCase, {environment: true}))).to.deep.equal([])
      })
    }
  })

  describe('with no environment read: what differs is marked estimated', () => {
    for (const oracleCase of cases) {
      it(oracleCase.file, async () => {
        const preview = await previewCase(oracleCase, {environment: false})
        expect(unmarked(oracleCase, preview), 'a difference the preview presents as exact').to.deep.equal([])
      })
    }
  })
})
