/**
 * The registry of body fields (src/request/fields.ts) is the one account of what a request holds: every field a
 * preview builds is in it, in its order, and a field it says a release does not send is not sent.
 */
import {expect} from 'chai'

import {buildNotice} from '../src/notice/notice.js'
import {telemetry, TELEMETRY_RELEASES} from '../src/releases/releases.js'
import {BODY_FIELDS, bodyField} from '../src/request/fields.js'
import type {PreviewResult} from '../src/request/request.js'
import {runInProcess} from './helpers/in-process.js'
import {EXAMPLE, removeTempDirs} from './helpers/sandbox.js'

function paths(body: Record<string, unknown>): string[] {
  return Object.entries(body).flatMap(([key, value]) => (key === 'properties' ? Object.keys(value as object).map((name) => `properties.${name}`) : [key]))
}

describe('the registry of body fields', () => {
  after(removeTempDirs)

  for (const telemetryVersion of TELEMETRY_RELEASES.filter((version) => telemetry(version).events === 'one')) {
    it(`kedro-telemetry ${telemetryVersion}: every field of the example's requests is in the registry, in its order, and sent only where it says`, async () => {
      const run = await runInProcess(['preview', '--json', '--project', EXAMPLE, '--telemetry-version', telemetryVersion, '--ignore-consent', 'run'])
      const json = JSON.parse(run.stdout) as PreviewResult
      const release = telemetry(telemetryVersion)
      for (const request of json.requests) {
        const fields = paths(request.body)
        const positions = fields.map((field) => BODY_FIELDS.indexOf(bodyField(field)!))
        expect(positions, fields.join(', ')).not.to.include(-1)
        expect(positions).to.deep.equal(positions.toSorted((a, b) => a - b))
        for (const field of fields) expect(bodyField(field)!.sentBy?.(release) ?? true, field).to.equal(true)
      }
    })
  }

  it('every release\'s notice tells of every field its requests hold (but the app id and the event name)', async () => {
    for (const telemetryVersion of TELEMETRY_RELEASES) {
      const run = await runInProcess(['preview', '--json', '--project', EXAMPLE, '--telemetry-version', telemetryVersion, '--ignore-consent', 'run'])
      const sent = (JSON.parse(run.stdout) as PreviewResult).requests.flatMap((request) => paths(request.body))
      const told = new Set(buildNotice(telemetryVersion).fields.map((field) => field.name))
      const untold = sent.filter((field) => !['app_id', 'event'].includes(field)).map((field) => bodyField(field)!.key.replace(/^properties\./, '')).filter((name) => !told.has(name))
      expect([...new Set(untold)], `kedro-telemetry ${telemetryVersion}: sent but not in its notice`).to.deep.equal([])
    }
  })

  it('the notice names only fields of the registry, and the leak scan skips exactly the ones it marks', () => {
    for (const field of buildNotice('0.8.0').fields) expect(bodyField(field.name) ?? bodyField(`properties.${field.name}`), field.name).to.not.equal(undefined)
    expect(BODY_FIELDS.filter((field) => field.leakScanExempt).map((field) => field.key)).to.deep.equal(['properties.username', 'properties.project_id', 'properties.package_name', 'properties.project_name', 'properties.python_version', 'identity'])
    // Every statistic says where it is counted from: the validator counts come from the catalog, not the pipelines.
    expect(bodyField('properties.number_of_validated_datasets')?.countedFrom).to.equal('catalog')
    expect(BODY_FIELDS.filter((field) => field.derivation === 'count').every((field) => field.countedFrom)).to.equal(true)
  })
})
