/**
 * The releases after the stored sources: kedro-telemetry 0.9.0 (validator statistics, the plugin event API) and
 * Kedro 1.6.0/1.7.0 (catalog validators, `catalog validate`), built from what the public sources show and marked
 * estimated where they show nothing; and the wire headers the requests library adds.
 */
import {expect} from 'chai'

import {structureFor} from '../src/masking/masking.js'
import {buildNotice, isCurrentNotice, noticeContentHash, NOTICE_VERSIONS} from '../src/notice/notice.js'
import {kedro, NEWEST_KNOWN, telemetry, TELEMETRY_RELEASES, telemetryEra} from '../src/releases/releases.js'
import {buildTelemetryRequests, type PreviewOptions, type PreviewResult} from '../src/request/request.js'
import {NEW_USER_ID} from '../src/request/properties.js'
import {cleanEnv, EXAMPLE, makeProject, PYPROJECT, pythonEnvironment, removeTempDirs, runCli} from './helpers/sandbox.js'

const REGISTRY = 'from kedro.pipeline import node, pipeline\n\ndef register_pipelines():\n    return {"__default__": pipeline([node(f, "a", "b")])}\n'

/** A project whose catalog is `catalog`, previewed with `options` (no Python run). */
function project(catalog: string, extra: Record<string, string> = {}): string {
  return makeProject({
    'conf/base/catalog.yml': catalog, 'conf/local/.gitkeep': '', 'src/demo/__init__.py': '', 'src/demo/pipeline_registry.py': REGISTRY, ...extra,
  })
}

function preview(root: string, options: Partial<PreviewOptions> = {}) {
  return buildTelemetryRequests({args: ['run'], env: cleanEnv(), platform: 'linux', probePython: false, project: root, ...options})
}

const VALIDATED = [
  'a:\n  type: pandas.CSVDataset\n  validator: pandera.pandas.DataFrameModel',
  'b:\n  type: pandas.CSVDataset\n  validator:\n    class: my_project.schemas.Orders\n    on: [load]\n    severity: warn',
  'c:\n  type: pandas.CSVDataset\n  validator: my_project.checks.rows',
  'd:\n  type: pandas.CSVDataset',
].join('\n')

describe('current releases', () => {
  after(removeTempDirs)

  it('knows kedro-telemetry 0.9.0 and Kedro 1.7.0 as the newest, and what changed in them', () => {
    expect(NEWEST_KNOWN).to.deep.equal({kedro: '1.7.0', kedroTelemetry: '0.9.0'})
    expect(telemetry('0.9.0')).to.include({estimated: null, pluginEvents: true, statisticsOrderKnown: false, validatorStatistics: true})
    expect(telemetry('0.8.0')).to.include({pluginEvents: false, statisticsOrderKnown: true, validatorStatistics: false})
    expect(kedro('1.6.0')).to.include({validators: true})
    expect(kedro('1.6.0').catalogCommands).to.have.property('validate')
    expect(kedro('1.8.0').estimated).to.match(/newer than the newest release this tool knows \(1\.7\.0\)/)
  })

  it('counts validators by library (anything else as custom) on Kedro 1.6 with kedro-telemetry 0.9.0, last and marked as to order', async () => {
    const result = await preview(project(VALIDATED), {kedroVersion: '1.6.0', telemetryVersion: '0.9.0'})
    const properties = result.requests[0].body.properties as Record<string, unknown>
    expect(properties).to.include({number_of_datasets: 4, number_of_validated_datasets: 3, 'validator_type_count.custom': 2, 'validator_type_count.pandera': 1})
    const keys = Object.keys(properties)
    expect(keys.slice(-3)).to.deep.equal(['number_of_validated_datasets', 'validator_type_count.pandera', 'validator_type_count.custom'])
    // No key names a project's own module: only public libraries are named.
    expect(keys.join(' ')).not.to.contain('my_project')
    expect(result.origins.find((origin) => origin.field === 'properties')?.estimated).to.match(/plugin\.py is not public/)
    // Older kedro-telemetry or Kedro: no validator keys, and the order is known.
    for (const [kedroVersion, telemetryVersion] of [['1.5.0', '0.9.0'], ['1.6.0', '0.8.0']]) {
      const older = await preview(project(VALIDATED), {kedroVersion, telemetryVersion})
      expect(older.requests[0].body.properties).not.to.have.property('number_of_validated_datasets')
    }

    expect((await preview(project(VALIDATED), {kedroVersion: '1.6.0', telemetryVersion: '0.8.0'})).origins.some((origin) => origin.field === 'properties')).to.equal(false)
  })

  it('a validator declaration Kedro 1.6 refuses stops it before the catalog; earlier Kedro ignores the key', async () => {
    const bad = 'a:\n  type: pandas.CSVDataset\n  validator:\n    class: pandera.X\n    when: load\n'
    const refused = await preview(project(bad), {kedroVersion: '1.6.0', telemetryVersion: '0.9.0'})
    expect(refused.requests.map((request) => request.event)).to.deep.equal(['CLI command'])
    expect(refused.warnings.join(' ')).to.match(/ValidationConfigurationError: Invalid validator declaration for dataset 'a': unknown key\(s\) when/)
    const earlier = await preview(project(bad), {kedroVersion: '1.5.0', telemetryVersion: '0.9.0'})
    expect(earlier.requests.map((request) => request.event)).to.deep.equal(['Kedro Project Statistics'])
    // YAML reads an unquoted `on` as true; Kedro maps it back.
    const unquoted = await preview(project('a:\n  type: x\n  validator:\n    class: pydantic.Model\n    on: save\n'), {kedroVersion: '1.6.0', telemetryVersion: '0.9.0'})
    expect(unquoted.requests[0].body.properties).to.include({'validator_type_count.pydantic': 1})
  })

  it('Kedro 1.6.0 masks with 1.5.0\'s structure plus `catalog validate`, and says the structure is estimated', async () => {
    const chosen = structureFor('1.7.0')
    expect(chosen).to.include({kedroStructureVersion: '1.6.0'})
    expect(chosen.estimated).to.match(/1\.5\.0's is used, with `catalog validate` added/)
    expect(structureFor('1.5.0')).to.include({estimated: null})
    const result = await preview(project('a: {type: pandas.CSVDataset}\n'), {args: ['catalog', 'validate'], kedroVersion: '1.6.0', telemetryVersion: '0.9.0'})
    expect(result.requests[0].body.properties).to.include({command: 'kedro catalog validate', main_command: 'catalog'})
    expect(result.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/source of kedro catalog validate \(Kedro 1\.6\.0\) is not public/)
  })

  describe('the plugin event API (send_telemetry_event)', () => {
    it('the plugin\'s properties first (others than scalars as Python\'s str()), then the project\'s; a shared key keeps its place', async () => {
      const result = await preview(project('a: {type: x}\n'), {
        pluginEvent: {name: 'kedro_skills_install', properties: {install_all: false, os: 'mine', skill_id: 'unknown', target_ides: ['cursor', 'vscode'], extra: null}},
        telemetryVersion: '0.9.0',
      })
      expect(result.requests).to.have.length(1)
      const [request] = result.requests
      expect(request.event).to.equal('kedro_skills_install')
      const properties = request.body.properties as Record<string, unknown>
      expect(Object.keys(properties).slice(0, 6)).to.deep.equal(['install_all', 'os', 'skill_id', 'target_ides', 'extra', 'username'])
      expect(properties).to.include({extra: 'None', install_all: false, os: 'linux', target_ides: "['cursor', 'vscode']"})
      expect(properties).not.to.have.any.keys('command', 'main_command')
      expect(request.bodyText).to.contain('"target_ides": "[\'cursor\', \'vscode\']"')
    })

    it('the same consent: nothing when opted out; nothing before kedro-telemetry 0.9.0', async () => {
      const root = project('a: {type: x}\n')
      const declined = await preview(root, {env: cleanEnv({DO_NOT_TRACK: '1'}), pluginEvent: {name: 'x', properties: {}}, telemetryVersion: '0.9.0'})
      expect(declined).to.include({wouldSend: false})
      const old = await preview(root, {pluginEvent: {name: 'x', properties: {}}, telemetryVersion: '0.8.0'})
      expect(old).to.include({wouldSend: false})
      expect(old.warnings.join(' ')).to.match(/kedro-telemetry 0\.8\.0 has no send_telemetry_event/)
    })

    it('from the command line: --plugin-event with --event-property; with a kedro command too it is a usage error', () => {
      const root = makeProject({'pyproject.toml': PYPROJECT})
      const run = runCli(['preview', '--json', '--project', root, '--telemetry-version', '0.9.0', '--plugin-event', 'kedro_skills_update', '--event-property', 'skills_updated=3', '--event-property', 'success=true'])
      expect(run.code, run.stderr).to.equal(0)
      expect((JSON.parse(run.stdout) as PreviewResult).requests[0].body.properties).to.include({skills_updated: 3, success: true})
      const both = runCli(['preview', '--project', root, '--plugin-event', 'x', 'run'])
      expect(both.code).to.equal(2)
      expect(both.stderr).to.match(/--plugin-event previews one plugin event/)
    })
  })

  it('a dataset class the installed kedro-datasets lacks: kedro-telemetry\'s hook raises on get_type(), so only "CLI command"', async () => {
    const site = '.venv/lib/python3.11/site-packages'
    const root = project('a: {type: pandas.CSVDataset}\nb: {type: pandas.GoneDataset}\n', {
      [`${site}/kedro_datasets-9.0.0.dist-info/METADATA`]: 'Name: kedro-datasets\nVersion: 9.0.0\n',
      [`${site}/kedro_datasets/pandas/__init__.py`]: 'import lazy_loader as lazy\n__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={"csv_dataset": ["CSVDataset"]})\n',
    })
    const failing = await preview(root, {kedroVersion: '1.5.0', telemetryVersion: '0.8.0'})
    expect(failing.requests.map((request) => request.event)).to.deep.equal(['CLI command'])
    expect(failing.warnings.join(' ')).to.match(/statistics hook raises DatasetError: pandas\.GoneDataset \(catalog entry b\) is not in the installed kedro-datasets: kedro run fails as it builds the catalog/)
    // A release that counts no dataset classes never imports them.
    const older = await preview(root, {kedroVersion: '1.5.0', telemetryVersion: '0.6.3'})
    expect(older.requests.map((request) => request.event)).to.deep.equal(['Kedro Project Statistics'])
  })

  it('lists what requests adds on the wire, from the installed requests and urllib3; estimated without them', async () => {
    const site = '.venv/lib/python3.11/site-packages'
    const root = project('a: {type: MemoryDataset}\n', {
      'pyproject.toml': `${PYPROJECT}\n[tool.kedro_telemetry]\nproject_id = "0123456789abcdef0123456789abcdef"\n`,
      [`${site}/brotli-1.1.0.dist-info/METADATA`]: 'Name: Brotli\nVersion: 1.1.0\n',
      [`${site}/requests-2.32.3.dist-info/METADATA`]: 'Name: requests\nVersion: 2.32.3\n',
      [`${site}/urllib3-2.2.3.dist-info/METADATA`]: 'Name: urllib3\nVersion: 2.2.3\n',
      [`${site}/zstandard-0.23.0.dist-info/METADATA`]: 'Name: zstandard\nVersion: 0.23.0\n',
    })
    const python = Promise.resolve({
      facts: {distributions: {}, distributionsComplete: true, executable: '/usr/bin/python3', kedro: '1.5.0', kedroTelemetry: '0.8.0', platform: 'linux', sitePackages: [], version: '3.11.2 (main) [GCC 12.2.0]'},
      missing: null,
    })
    const [request] = (await preview(root, {args: ['info'], kedroVersion: '1.5.0', probePython: true, python, telemetryVersion: '0.8.0'})).requests
    expect(request.headers).to.deep.equal({'Content-Type': 'application/json'})
    expect(request.wireHeaders).to.deep.equal({
      'User-Agent': 'python-requests/2.32.3', 'Accept-Encoding': 'gzip, deflate, br, zstd', Accept: '*/*', Connection: 'keep-alive',
      // The user id kedro would create is a placeholder here; its 32 hex digits are what Content-Length counts.
      'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(request.bodyText.replaceAll(JSON.stringify(NEW_USER_ID), `"${'0'.repeat(32)}"`))),
    })
    expect(request.wireHeadersEstimated, String(request.wireHeadersEstimated)).to.equal(null)
    // A body field whose value is estimated makes the length it counts estimated too.
    // os.getlogin()'s user name (kedro-telemetry 0.1.x) may be "anonymous" or a 128-digit hash: the length is not known.
    const old = project('a: {type: MemoryDataSet}\n', {'pyproject.toml': '[tool.kedro]\npackage_name = "demo"\nproject_name = "demo"\nkedro_init_version = "0.18.14"\n'})
    const login = await preview(old, {args: ['info'], ignoreConsent: true, kedroVersion: '0.18.14', probePython: true, python, telemetryVersion: '0.1.4'})
    expect(login.estimated).to.include('properties.username')
    expect(login.requests[0].wireHeadersEstimated).to.match(/properties\.username may differ/)
    const unsure = (await preview(root, {args: ['info'], kedroVersion: '1.5.0', telemetryVersion: '0.8.0'})).requests[0]
    expect(unsure.wireHeadersEstimated).to.match(/Content-Length counts the body, where properties\.python_version may differ/)
    const bare = (await preview(project('a: {type: x}\n'))).requests[0]
    expect(bare.wireHeaders['User-Agent']).to.equal('python-requests/<its version>')
    expect(bare.wireHeadersEstimated).to.match(/requests and urllib3 are not found/)
  })
})

describe('a virtualenv\'s own packages', () => {
  after(removeTempDirs)

  it('are what kedro imports, not its base interpreter\'s (which the interpreter reports when run with -S): the requests version on the wire', async () => {
    const python = pythonEnvironment({'kedro': '1.5.0', 'kedro-telemetry': '0.8.0', 'requests': '2.99.0', 'urllib3': '2.9.0'})
    const result = await buildTelemetryRequests({args: ['info'], env: cleanEnv({VIRTUAL_ENV: python}), platform: 'linux', probePython: true, project: EXAMPLE})
    expect(result.context.kedroVersionSource).to.equal(`reported by ${python}/bin/python`)
    expect(result.requests[0].wireHeaders['User-Agent']).to.equal('python-requests/2.99.0')
    expect(result.requests[0].wireHeadersEstimated).to.equal(null)
  })
})

describe('notice versions', () => {
  it('every notice has an explicit version, and its text is pinned: a change must be judged in NOTICE_VERSIONS', () => {
    const eras = new Map(TELEMETRY_RELEASES.map((release) => [telemetryEra(release), release]))
    expect([...eras.keys()].sort()).to.deep.equal(Object.keys(NOTICE_VERSIONS).sort())
    for (const [era, release] of eras) {
      const {version, ...content} = buildNotice(release)
      const pinned = NOTICE_VERSIONS[era]
      expect(version, era).to.equal(pinned.version).and.to.match(/^\d+\.\d+\.\d+r\d+$/)
      expect(noticeContentHash(content), `the notice of kedro-telemetry ${era} changed: if what it says changed, give it a new revision; if only its wording, record the new hash under the same one`).to.equal(pinned.content)
    }
  })

  it('a decision recorded under the hash an earlier tool release used still counts as recorded under that notice', () => {
    const notice = buildNotice('0.9.0')
    expect(isCurrentNotice('0.9.0r1', notice)).to.equal(true)
    expect(isCurrentNotice('2c1ab975d8a2', notice)).to.equal(true)
    expect(isCurrentNotice('564798873931', notice)).to.equal(false)
  })
})
