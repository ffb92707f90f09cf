/**
 * The prompt era's request shapes, against what the real kedro-telemetry 0.2.0 to 0.3.1 sent with Kedro 0.18.14
 * (test/fixtures/observed/README.md): identity second and command after username before 0.2.2, the hashed package
 * and project names and the project's own version before 0.2.3, and the parameters counted as datasets up to 0.3.1.
 * What differs may only be what the preview marks estimated (os.getlogin(), which depends on the terminal).
 */
import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {cpSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import path from 'node:path'

import {buildTelemetryRequests} from '../src/request/request.js'
import {comparable, ORACLE} from './helpers/oracle.js'
import {REPO_ROOT, removeTempDirs, tempDir} from './helpers/sandbox.js'

const OBSERVED = path.join(REPO_ROOT, 'test', 'fixtures', 'observed')
const NESTED_PARAMETERS = 'lr: 0.05\nrest_days: 21\nmodel:\n  lr: 0.1\n  layers:\n    n: 2\n"model.lr": 5\nx-y: 1\nx_y: 2\n'

interface Observation {
  args: string[]
  bodies: string[]
  env: Record<string, string>
  hostname: string
  kedroVersion: string
  project: 'paddock18' | 'paddock18-nested'
  telemetryVersion: string
}

/** paddock as a Kedro 0.18 project that said yes, as recorded. */
function project(name: Observation['project']): string {
  const root = path.join(tempDir('kc-observed-'), 'paddock')
  cpSync(path.join(ORACLE, 'projects', 'paddock'), root, {recursive: true})
  const pyproject = path.join(root, 'pyproject.toml')
  writeFileSync(pyproject, readFileSync(pyproject, 'utf8')
    .replace(/^kedro_init_version = .*$/m, 'project_version = "0.18.14"').replace(/^(tools|example_pipeline) = .*\n/gm, ''))
  writeFileSync(path.join(root, '.telemetry'), 'consent: true\n')
  if (name === 'paddock18-nested') writeFileSync(path.join(root, 'conf', 'base', 'parameters.yml'), NESTED_PARAMETERS)
  return root
}

const sha512 = (text: string) => createHash('sha512').update(text, 'utf8').digest('hex')

describe('kedro-telemetry 0.2.0 to 0.3.1 as observed', () => {
  after(removeTempDirs)

  for (const runtime of readdirSync(OBSERVED).filter((name) => name.startsWith('k')).sort()) {
    for (const file of readdirSync(path.join(OBSERVED, runtime)).sort()) {
      it(`${runtime}/${file}`, async () => {
        const observed = JSON.parse(readFileSync(path.join(OBSERVED, runtime, file), 'utf8')) as Observation
        const preview = await buildTelemetryRequests({
          args: observed.args, env: {...observed.env, PATH: '/usr/bin'}, kedroVersion: observed.kedroVersion, probePython: false,
          project: project(observed.project), telemetryVersion: observed.telemetryVersion,
        })
        const options = {ignoreProjectId: false, sortTypeCounts: false}
        // Before 0.2.2 the identity is sha512 of the host name: the recording's, here this machine's.
        const hostIdentity = (bodyText: string) => {
          const body = comparable(bodyText, options) as {identity?: string}
          if (body.identity === sha512(observed.hostname)) body.identity = sha512(hostname())
          return body
        }

        const want = observed.bodies.map((bodyText) => hostIdentity(bodyText) as {properties: Record<string, unknown>})
        const got = preview.requests.map((request) => comparable(request.bodyText, options) as {properties: Record<string, unknown>})
        expect(got.map((body) => Object.keys(body)), 'the body keys, in order').to.deep.equal(want.map((body) => Object.keys(body)))
        const estimated = new Set(preview.estimated)
        for (const [index, body] of want.entries()) {
          expect(Object.keys(got[index].properties), 'the property order').to.deep.equal(Object.keys(body.properties))
          for (const [key, value] of Object.entries(body.properties)) {
            if (estimated.has(`properties.${key}`)) continue
            expect(got[index].properties[key], `request ${index}: properties.${key}`).to.deep.equal(value)
          }

          expect({...got[index], properties: null}).to.deep.equal({...body, properties: null})
        }

        // Only os.getlogin() (before 0.2.2) and the interpreter are unknown here.
        expect([...estimated].filter((field) => field.startsWith('properties.') && !['properties.username', 'properties.python_version'].includes(field))).to.deep.equal([])
      })
    }
  }
})
