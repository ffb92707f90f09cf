import {expect} from 'chai'

import type {PreviewResult} from '../../src/request/request.js'
import {runInProcess} from './in-process.js'
import {EXAMPLE} from './sandbox.js'
import {expectValid} from './schemas.js'

/** `telemetry preview --json --project P ARGS`: --json goes first, since every token after the first kedro one is kedro's. */
export async function preview(args: string[], options: {env?: Record<string, string>; project?: string} = {}): Promise<PreviewResult> {
  const result = await runInProcess(['preview', '--json', '--project', options.project ?? EXAMPLE, ...args], {env: options.env})
  expect(result.code, result.stderr).to.equal(0)
  const json = JSON.parse(result.stdout) as PreviewResult
  expectValid('preview.schema.json', json)
  return json
}
