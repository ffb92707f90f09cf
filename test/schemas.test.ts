import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {parse as parseToml} from 'smol-toml'

import {safeLoad} from '../src/python/pyyaml.js'
import {EXAMPLE, REPO_ROOT} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

describe('schemas of the files we read', () => {
  it('every schema compiles under ajv strict mode', () => {
    const names = readdirSync(path.join(REPO_ROOT, 'schemas')).filter((name) => name.endsWith('.schema.json'))
    expect(names).to.include.members(['status.schema.json', 'error.schema.json', 'telemetry-file.schema.json'])
    for (const name of names) {
      // Validating anything compiles the schema; a schema that does not compile throws here.
      try {
        expectValid(name, {})
      } catch (error) {
        expect((error as Error).message).to.match(new RegExp(`^${name}: `))
      }
    }
  })

  it('pyproject-kedro: the example project, and a pyproject without [tool.kedro] is rejected', () => {
    expectValid('pyproject-kedro.schema.json', parseToml(readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8')))
    expect(() => expectValid('pyproject-kedro.schema.json', parseToml('[project]\nname = "x"\n'))).to.throw(/tool/)
  })

  it('telemetry-file: what kedro reads as a decision passes, a misread value does not', () => {
    for (const text of ['consent: false', 'consent: yes\nteam: data\n']) expectValid('telemetry-file.schema.json', (safeLoad(text) as {value: unknown}).value)
    for (const text of ['consent: "false"', 'consent: n', 'CONSENT: false']) {
      expect(() => expectValid('telemetry-file.schema.json', (safeLoad(text) as {value: unknown}).value)).to.throw()
    }
  })

  it('kedro-telemetry-toml: the file kedro writes (uuid4().hex), a dashed uuid, and not a malformed one', () => {
    expectValid('kedro-telemetry-toml.schema.json', parseToml('[telemetry]\nuuid = "0d5c2f6e8a3b4c1d9e7f123456789abc"\n'))
    expectValid('kedro-telemetry-toml.schema.json', parseToml('[telemetry]\nuuid = "0d5c2f6e-8a3b-4c1d-9e7f-123456789abc"\n'))
    expect(() => expectValid('kedro-telemetry-toml.schema.json', parseToml('[telemetry]\nuuid = "xyz"\n'))).to.throw()
  })
})
