/**
 * Kedro 0.18.12 on refuses a Python newer than it knows as `import kedro` runs (kedro/__init__.py makes its
 * KedroPythonVersionWarning an error unless a warning option is set): nothing is sent. Python's warning options are
 * read as Python reads them, checked against the real interpreter.
 */
import {expect} from 'chai'
import fc from 'fast-check'
import {spawnSync} from 'node:child_process'

import {kedro} from '../src/releases/releases.js'
import {errorOptions, type IssuedWarning, warningAction, warnOptionsOf} from '../src/python/warnings.js'
import {buildTelemetryRequests, type PreviewOptions, type PreviewResult} from '../src/request/request.js'
import {cleanEnv, makeProject, removeTempDirs} from './helpers/sandbox.js'

const MESSAGE = 'Kedro is not yet fully compatible with this Python version.\nTo proceed at your own risk and ignore this warning,\n'
  + 'run Kedro with `python -W "default:Kedro is not yet fully compatible" -m kedro ...`\nor set the PYTHONWARNINGS environment variable accordingly.'
const WARNING: IssuedWarning = {categories: ['KedroPythonVersionWarning', 'UserWarning', 'Warning'], message: MESSAGE, module: 'kedro'}

/** For each environment, whether the real Python raises kedro's warning (as kedro/__init__.py issues it) or not. */
const ORACLE = String.raw`
import json, os, subprocess, sys
MESSAGE = sys.argv[1]
probe = r'''
import warnings
class KedroPythonVersionWarning(UserWarning):
    pass
try:
    warnings.warn_explicit(MESSAGE, KedroPythonVersionWarning, "kedro/__init__.py", 32, module="kedro", registry={})
    print("passes")
except KedroPythonVersionWarning:
    print("raises")
'''
out = []
for env in json.load(sys.stdin):
    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "PYTHONDEVMODE")}
    full.update(env)
    result = subprocess.run([sys.executable, "-S", "-c", "MESSAGE = " + repr(MESSAGE) + "\n" + probe], env=full, capture_output=True, text=True)
    out.append(result.stdout.strip() or "startup failed")
print(json.dumps({"minor": sys.version_info[1], "answers": out}))
`

const field = {
  action: fc.constantFrom('', 'e', 'error', 'ERROR', 'ignore', 'i', 'default', 'd', 'always', 'all', 'module', 'once', 'x', ' error '),
  category: fc.constantFrom('', 'UserWarning', 'Warning', 'DeprecationWarning', 'RuntimeWarning', ' UserWarning ', 'NoSuchWarning', 'Exception', 'kedro.KedroPythonVersionWarning'),
  lineno: fc.constantFrom('', '0', '-1', 'x', '+0', '0_0', '32', ' 0 '),
  message: fc.constantFrom('', 'Kedro is not', 'KEDRO IS NOT YET', 'kedro is yet', ' Kedro ', 'Kedro is not yet fully compatible with this Python version.', 'Kedro.', 'K'),
  module: fc.constantFrom('', 'kedro', 'kedrox', ' kedro ', 'Kedro', 'kedro.framework', '__main__'),
}
const option = fc.tuple(field.action, field.message, field.category, field.module, field.lineno, fc.integer({max: 6, min: 1}))
  .map(([action, message, category, module, lineno, count]) => [action, message, category, module, lineno, 'extra'].slice(0, count).join(':'))
const environment = fc.record({
  PYTHONDEVMODE: fc.constantFrom(undefined, '', '1', '0'),
  PYTHONWARNINGS: fc.array(fc.oneof(option, fc.constant('')), {maxLength: 3, minLength: 0}).map((options) => options.join(',')),
})

describe('Python warning options (differential, against the real interpreter)', () => {
  it('give kedro\'s KedroPythonVersionWarning the action Python gives it', function () {
    this.timeout(120_000)
    const envs = fc.sample(environment, {numRuns: Number(process.env.KC_DIFFERENTIAL_RUNS ?? 100), seed: 20_261_208})
      .map((env) => Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) as Record<string, string>)
    const result = spawnSync('python3', ['-c', ORACLE, MESSAGE], {encoding: 'utf8', input: JSON.stringify(envs)})
    expect(result.status, result.stderr).to.equal(0)
    const {answers, minor} = JSON.parse(result.stdout) as {answers: string[]; minor: number}
    let compared = 0
    for (const [index, env] of envs.entries()) {
      const ours = warningAction(warnOptionsOf(env), WARNING, minor)
      if ('unknown' in ours) continue
      compared++
      expect(ours.action === 'error' ? 'raises' : 'passes', JSON.stringify(env)).to.equal(answers[index])
    }

    // Most options are decided here, not left unknown.
    expect(compared).to.be.greaterThan(envs.length / 2)
  })

  it('reads the options a console script gets from the environment', () => {
    expect(warnOptionsOf({})).to.deep.equal([])
    expect(warnOptionsOf({PYTHONDEVMODE: '', PYTHONWARNINGS: ',,'})).to.deep.equal([])
    expect(warnOptionsOf({PYTHONDEVMODE: '0', PYTHONWARNINGS: 'error,,ignore::DeprecationWarning'})).to.deep.equal(['default', 'error', 'ignore::DeprecationWarning'])
    expect(errorOptions(['error::DeprecationWarning', 'ignore', 'e:x:y:z:w:v', 'err'], 11)).to.deep.equal(['error::DeprecationWarning', 'err'])
    // A regular expression between slashes is Python 3.15's: not followed here; earlier, a literal.
    expect(warningAction(['error:/Kedro.*/'], WARNING, 15)).to.have.property('unknown')
    expect(warningAction(['error:/Kedro.*/'], WARNING, 14)).to.deep.equal({action: 'default'})
    expect(warningAction(['error:Kedro:UserWarning:kedro:32'], WARNING, 11)).to.have.property('unknown').that.matches(/line number/)
  })
})

const REGISTRY = 'from kedro.pipeline import node, pipeline\n\ndef f(a):\n    return a\n\ndef register_pipelines():\n    return {"__default__": pipeline([node(f, "a", "b")])}\n'

function project(initVersion: string): string {
  return makeProject({
    '.telemetry': 'consent: true\n', 'conf/base/catalog.yml': 'a: {type: MemoryDataset}\n', 'conf/local/.gitkeep': '',
    'pyproject.toml': `[tool.kedro]\npackage_name = "demo"\nproject_name = "demo"\nkedro_init_version = "${initVersion}"\n`,
    'src/demo/__init__.py': '', 'src/demo/pipeline_registry.py': REGISTRY,
  })
}

/** Why the event is estimated, or null. */
function eventDoubt(result: PreviewResult): null | string {
  return result.origins.filter((origin) => origin.field === 'event').map((origin) => origin.estimated).filter(Boolean).join('; ') || null
}

function preview(root: string, pythonVersion: null | string, options: Partial<PreviewOptions> = {}) {
  const python = Promise.resolve(pythonVersion === null ? {facts: null, missing: 'no interpreter was run (--no-python)'} : {
    facts: {distributions: {}, distributionsComplete: true, executable: '/usr/bin/python3', kedro: options.kedroVersion ?? null, kedroTelemetry: null, platform: 'linux', sitePackages: [], version: `${pythonVersion} (main) [GCC 14.2.0]`},
    missing: null,
  })
  return buildTelemetryRequests({args: ['run'], env: cleanEnv(), platform: 'linux', probePython: true, project: root, python, ...options})
}

describe('Kedro refusing the Python that runs it', () => {
  after(removeTempDirs)

  it('knows from each release\'s kedro/__init__.py the first Python it refuses', () => {
    const refused = ['0.18.11', '0.18.12', '0.18.14', '0.19.3', '0.19.4', '0.19.9', '0.19.10', '1.3.1', '1.4.0', '1.5.0'].map((version) => kedro(version).refusedPython)
    expect(refused).to.deep.equal([null, '3.11', '3.12', '3.12', '3.13', '3.13', '3.14', '3.14', '3.15', '3.15'])
  })

  it('sends nothing when kedro refuses the Python, unless a warning option lets it start', async () => {
    const root = project('1.3.1')
    const refused = await preview(root, '3.14.2', {kedroVersion: '1.3.1', telemetryVersion: '0.7.0'})
    expect(refused.wouldSend).to.equal(false)
    expect(refused.requests).to.deep.equal([])
    expect(refused.warnings.join(' ')).to.match(/Kedro 1\.3\.1 refuses Python 3\.14 as it is imported \(kedro\/__init__\.py: KedroPythonVersionWarning/)
    // The same Python with a release that knows it, or a warning option that only prints the warning: sent.
    const newer = await preview(root, '3.14.2', {kedroVersion: '1.4.0', telemetryVersion: '0.7.0'})
    expect(newer.requests.map((request) => request.event)).to.deep.equal(['Kedro Project Statistics'])
    for (const env of [{PYTHONWARNINGS: 'default:Kedro is not yet fully compatible'}, {PYTHONWARNINGS: 'ignore'}, {PYTHONDEVMODE: '1'}]) {
      const allowed = await preview(root, '3.14.2', {env: cleanEnv(env), kedroVersion: '1.3.1', telemetryVersion: '0.7.0'})
      expect(allowed.requests.map((request) => request.event), JSON.stringify(env)).to.deep.equal(['Kedro Project Statistics'])
      // Kedro says it is not made for that Python: what then fails is not followed.
      expect(eventDoubt(allowed), JSON.stringify(env)).to.match(/Kedro 1\.3\.1 is not made for Python 3\.14 \(kedro\/__init__\.py warns, and PYTHONWARNINGS lets it go on\)/)
    }

    // An option that makes the warning an error refuses as surely; one this tool does not follow leaves it unsure.
    const error = await preview(root, '3.14.2', {env: cleanEnv({PYTHONWARNINGS: 'ignore,error:kedro is not:UserWarning'}), kedroVersion: '1.3.1', telemetryVersion: '0.7.0'})
    expect(error.requests).to.deep.equal([])
    expect(error.warnings.join(' ')).to.match(/PYTHONWARNINGS makes Kedro 1\.3\.1's KedroPythonVersionWarning for Python 3\.14 an error/)
    const unsure = await preview(root, '3.14.2', {env: cleanEnv({PYTHONWARNINGS: 'ignore::kedro.KedroPythonVersionWarning'}), kedroVersion: '1.3.1', telemetryVersion: '0.7.0'})
    expect(unsure.estimated).to.include('event')
    expect(eventDoubt(unsure)).to.match(/refuses Python 3\.14 and later .* unless a warning option lets it: the category kedro\.KedroPythonVersionWarning is imported/)
  })

  it('marks the event estimated where the Python or the release\'s source is not known, or warnings are made errors', async () => {
    const root = project('1.3.1')
    const noPython = await preview(root, null, {kedroVersion: '1.3.1', telemetryVersion: '0.7.0'})
    expect(eventDoubt(noPython)).to.match(/Kedro 1\.3\.1 refuses Python 3\.14\+ \(kedro\/__init__\.py\); Python not known/)
    expect(noPython.origins.find((origin) => origin.field === 'properties.python_version')?.estimated).to.match(/no interpreter was run/)
    // An interpreter without kedro may not be the one that runs it: its version decides nothing.
    const other = await preview(root, '3.14.2', {kedroVersion: undefined})
    expect(other.requests.map((request) => request.event)).to.not.deep.equal([])
    expect(eventDoubt(other)).to.match(/refuses Python 3\.14\+ \(kedro\/__init__\.py\); Python not known/)
    expect(other.origins.find((origin) => origin.field === 'properties.python_version')?.estimated).to.equal('the Python found has no kedro; kedro may run under another')
    // Without an interpreter's answer, the environment's folder (which a checkout controls) names the Python: a refusal
    // resting on it is estimated, never "nothing is sent"; a Python it names below the limit starts.
    const named = makeProject({
      '.telemetry': 'consent: true\n', '.venv/lib/python3.14/site-packages/kedro-1.3.1.dist-info/METADATA': 'Name: kedro\nVersion: 1.3.1\n',
      'conf/base/catalog.yml': 'a: {type: MemoryDataset}\n', 'conf/local/.gitkeep': '',
      'pyproject.toml': '[tool.kedro]\npackage_name = "demo"\nproject_name = "demo"\nkedro_init_version = "1.3.1"\n',
      'src/demo/__init__.py': '', 'src/demo/pipeline_registry.py': REGISTRY,
    })
    const folder = await preview(named, null, {telemetryVersion: '0.7.0'})
    expect(folder.requests.map((request) => request.event)).to.deep.equal(['Kedro Project Statistics'])
    expect(eventDoubt(folder)).to.match(/Kedro 1\.3\.1 refuses Python 3\.14 as it is imported .*, if its environment's lib\/python3\.14 folder names the Python that runs it/)
    // A release before the check refuses no Python.
    const old = await preview(project('0.18.11'), null, {kedroVersion: '0.18.11', telemetryVersion: '0.6.0'})
    expect(old.estimated).to.not.include('event')
    const unread = await preview(project('1.7.0'), '3.15.0', {kedroVersion: '1.7.0', telemetryVersion: '0.9.0'})
    expect(eventDoubt(unread)).to.match(/Kedro 1\.7\.0's kedro\/__init__\.py is not public/)
    const known = await preview(project('1.7.0'), '3.14.1', {kedroVersion: '1.7.0', telemetryVersion: '0.9.0'})
    expect(eventDoubt(known)).to.equal(null)
    const strict = await preview(root, '3.11.2', {env: cleanEnv({PYTHONWARNINGS: 'error::DeprecationWarning'}), kedroVersion: '1.3.1', telemetryVersion: '0.7.0'})
    expect(eventDoubt(strict)).to.match(/PYTHONWARNINGS makes warnings errors \(error::DeprecationWarning\)/)
  })
})
