/**
 * CI detection for any environment without touching process state: ci-info's vendor list read as data gives what
 * ci-info itself answers when it is loaded in a process with that environment (checked for every vendor it knows).
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'

import {wideDetectsCi} from '../src/ci/detect.js'

interface Vendor {env: Record<string, string> | string | string[] | {any: string[]} | {env: string; includes: string}; name: string}

/** An environment that meets a vendor's conditions, as ci-info's vendors.json states them. */
function environmentOf(vendor: Vendor): Record<string, string> {
  const env: Record<string, string> = {}
  for (const condition of Array.isArray(vendor.env) ? vendor.env : [vendor.env]) {
    if (typeof condition === 'string') env[condition] = '1'
    else if ('any' in condition) env[(condition.any as string[])[0]] = '1'
    else if ('includes' in condition) env[condition.env] = `x${condition.includes}x`
    else Object.assign(env, condition)
  }

  return env
}

/** What ci-info itself says, loaded in a process of its own with only `env`. */
function ciInfoSays(envs: Record<string, string>[]): {isCI: boolean; name: null | string}[] {
  const script = [
    'const envs = JSON.parse(process.argv[1]); const out = []',
    "for (const env of envs) { process.env = env; delete require.cache[require.resolve('ci-info')]; const info = require('ci-info'); out.push({isCI: info.isCI, name: info.name}) }",
    'console.log(JSON.stringify(out))',
  ].join('\n')
  const run = spawnSync(process.execPath, ['-e', script, JSON.stringify(envs)], {encoding: 'utf8'})
  return JSON.parse(run.stdout) as {isCI: boolean; name: null | string}[]
}

describe('CI detection for a given environment', () => {
  it('agrees with ci-info for every vendor it knows, for CI=false and for a bare environment, and leaves process.env alone', () => {
    const vendors = createRequire(import.meta.url)('ci-info/vendors.json') as Vendor[]
    const envs = [...vendors.map((vendor) => environmentOf(vendor)), {}, {CI: 'false', GITHUB_ACTIONS: 'true'}, {BUILD_NUMBER: '7'}, {CI: 'true'}]
    const before = process.env
    const ours = envs.map((env) => wideDetectsCi(env))
    expect(process.env).to.equal(before)
    const theirs = ciInfoSays(envs)
    expect(ours.map((answer) => ({isCI: answer.detected, name: answer.vendor}))).to.deep.equal(theirs)
    expect(vendors.length).to.be.greaterThan(40)
  })
})
