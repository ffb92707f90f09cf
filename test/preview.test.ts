import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {kedroTimestamp} from '../src/python/datetime.js'
import {pythonJsonDumps} from '../src/python/json-dumps.js'
import {buildTelemetryRequests, formatTools, type PreviewResult} from '../src/request/request.js'
import {readCatalog} from '../src/statistics/catalog.js'
import {readPipelines} from '../src/statistics/pipelines.js'
import {runInProcess} from './helpers/in-process.js'
import {preview} from './helpers/preview.js'
import {cleanEnv, EXAMPLE, makeProject, PYPROJECT, pythonEnvironment, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {kedro} from '../src/releases/releases.js'


/** A project with the catalog and pipeline features kedro-telemetry's statistics must handle. */
function shopProject(): string {
  return makeProject({
    '.venv/lib/python3.11/site-packages/kedro-1.5.0.dist-info/METADATA': 'Name: kedro\nVersion: 1.5.0\n',
    '.venv/lib/python3.11/site-packages/kedro_datasets-9.0.0.dist-info/METADATA': 'Name: kedro-datasets\nVersion: 9.0.0\n',
    '.venv/lib/python3.11/site-packages/kedro_datasets/pandas/__init__.py': [
      'import lazy_loader as lazy',
      '__getattr__, __dir__, __all__ = lazy.attach(',
      '    __name__,',
      '    submod_attrs={"csv_dataset": ["CSVDataset"], "excel_dataset": ["ExcelDataset"], "parquet_dataset": ["ParquetDataset"]},',
      ')',
    ].join('\n'),
    '.venv/lib/python3.11/site-packages/kedro_telemetry-0.8.0.dist-info/METADATA': 'Name: kedro-telemetry\nVersion: 0.8.0\n',
    'conf/base/.hidden/catalog.yml': 'hidden: {type: pandas.CSVDataset}\n',
    'conf/base/catalog.yml': [
      '_csv: &csv',
      '  type: pandas.CSVDataset',
      '_parquet:',
      '  type: pandas.ParquetDataset',
      'raw_orders:',
      '  <<: *csv',
      '  filepath: data/orders.csv',
      'raw_customers:',
      '  type: ${_parquet.type}',
      '  filepath: data/customers.parquet',
      '"{namespace}.model_input":',
      '  type: pandas.ParquetDataset',
      '  filepath: data/{namespace}.parquet',
      'regressor:',
      '  type: shop.datasets.ModelDataset',
      'scores:',
      '  type: MemoryDataset',
      'parameters_table:',
      '  type: pandas.CSVDataset',
      '',
    ].join('\n'),
    'conf/base/catalog/reports.yml': 'report:\n  type: pandas.ExcelDataset\n',
    'conf/base/not_a_catalog.yml': 'ignored: {type: pandas.CSVDataset}\n',
    'conf/base/parameters.yml': 'model: {alpha: 1}\n',
    'conf/base/sub/catalog_extra.yml': 'extra_table:\n  type: pandas.CSVDataset\n',
    'conf/local/catalog.yml': 'scores:\n  type: pandas.ParquetDataset\nlocal_only:\n  type: pandas.CSVDataset\n_template:\n  type: x\n',
    'conf/test/catalog.yml': 'test_only:\n  type: pandas.CSVDataset\n',
    'pyproject.toml': [
      '[project]', 'name = "shop"', 'dependencies = ["kedro==1.5.0"]', '',
      '[tool.kedro]', 'package_name = "shop"', 'project_name = "shop"', 'kedro_init_version = "1.5.0"',
      'tools = "[\'Linting\', \'Testing\']"', 'example_pipeline = "False"', 'source_dir = "src"', '',
      '[tool.kedro_telemetry]', 'project_id = "0123456789abcdef0123456789abcdef"', '',
    ].join('\n'),
    'src/shop/__init__.py': '',
    // The project's own dataset class, which kedro-telemetry imports as it counts the types.
    'src/shop/datasets.py': 'from kedro.io import AbstractDataset\n\n\nclass ModelDataset(AbstractDataset):\n    pass\n',
    'src/shop/pipeline_registry.py': [
      'from kedro.framework.project import find_pipelines',
      'from kedro.pipeline import Pipeline',
      '',
      'def register_pipelines() -> dict[str, Pipeline]:',
      '    pipelines = find_pipelines()',
      '    pipelines["__default__"] = sum(pipelines.values())',
      '    return pipelines',
      '',
    ].join('\n'),
    'src/shop/pipelines/__pycache__/x.pyc': '',
    'src/shop/pipelines/broken/__init__.py': '# no create_pipeline: find_pipelines skips it with a warning\n',
    'src/shop/pipelines/model/__init__.py': 'from .pipeline import create_pipeline\n',
    'src/shop/pipelines/model/pipeline.py': [
      'from kedro.pipeline import Pipeline, node, pipeline',
      'from shop.pipelines.prep.pipeline import create_pipeline as prep',
      'from .nodes import report, score, train',
      '',
      'base = pipeline([',
      '    node(train, ["joined", "params:model"], "regressor", name="train"),',
      '    node(score, "regressor", "scores", name="score"),',
      '])',
      '',
      'def create_pipeline(**kwargs) -> Pipeline:',
      '    candidate = pipeline(base, namespace="candidate", inputs={"joined"})',
      '    champion = pipeline(base, namespace="champion", inputs={"joined"})',
      '    compare = pipeline([node(report, ["candidate.scores", "champion.scores"], "report", name="compare")])',
      '    return prep() + candidate + champion + compare',
      '',
    ].join('\n'),
    'src/shop/pipelines/model/nodes.py': 'def train(joined, model):\n    return model\n\ndef score(regressor):\n    return 0\n\ndef report(a, b):\n    return ""\n',
    'src/shop/pipelines/prep/__init__.py': 'from .pipeline import create_pipeline\n',
    'src/shop/pipelines/prep/nodes.py': 'def clean(orders):\n    return orders\n\ndef join(orders, customers):\n    return orders\n',
    'src/shop/pipelines/prep/pipeline.py': [
      'from kedro.pipeline import node, pipeline',
      'from .nodes import clean, join',
      '',
      'def create_pipeline(**kwargs):',
      '    return pipeline(',
      '        [',
      '            node(clean, "raw_orders", "orders", name="clean_orders"),',
      '            node(join, ["orders", "raw_customers"], "joined", name="join"),',
      '        ]',
      '    )',
      '',
    ].join('\n'),
  })
}

describe('telemetry preview', () => {
  after(removeTempDirs)

  describe('python-compatible JSON', () => {
    it('matches Python json.dumps byte for byte', async function () {
      const value = {a: 'quote " backslash \\ newline \n tab \t ctrl \u0001 del \u007F é 中 😀', b: [1, -2.5, true, null, 1e21, 1.5e-7, 0.1], 'ключ': {n: 0}}
      const ours = pythonJsonDumps(value)
      // python3 is part of every machine these tests run on (.ci/run's machine included): without it this fails.
      const python = execFileSync('python3', ['-c', 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())), end="")'], {input: JSON.stringify(value)}).toString()
      expect(ours).to.equal(python)
    })

    it('the preview bodyText is what Python json.dumps gives for the body', async () => {
      const json = await preview(['run'])
      const [request] = json.requests
      expect(request.bodyText).to.equal(pythonJsonDumps(request.body))
      const python = execFileSync('python3', ['-c', 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())), end="")'], {input: JSON.stringify(request.body)}).toString()
      expect(request.bodyText).to.equal(python)
    })
  })

  it('a relative project starts at the cwd it is given, not the process\'s (the library reads no global it can be given)', async () => {
    const result = await buildTelemetryRequests({args: ['info'], cwd: path.dirname(EXAMPLE), env: {HOME: tempDir()}, probePython: false, project: path.basename(EXAMPLE)})
    expect(result.context.projectRoot).to.equal(EXAMPLE)
  })

  it('the example project: kedro run sends the statistics event, with the keys in kedro\'s order', async () => {
    const json = await preview(['run', '--pipeline', 'data_science', '--params', 'lr=0.1'], {env: {HOME: tempDir()}})
    expect(json).to.include({decidedBy: 'default', wouldSend: true})
    const [request] = json.requests
    expect(request).to.include({method: 'POST', url: 'https://heapanalytics.com/api/track'})
    expect(request.headers).to.deep.equal({'Content-Type': 'application/json'})
    expect(Object.keys(request.body)).to.deep.equal(['app_id', 'event', 'timestamp', 'properties', 'identity'])
    expect(request.body).to.include({app_id: '2388822444', event: 'Kedro Project Statistics'})
    const {properties} = request.body
    expect(Object.keys(properties).slice(0, 11)).to.deep.equal([
      'username', 'project_id', 'project_version', 'telemetry_version', 'python_version', 'os', 'is_ci_env', 'tools', 'example_pipeline', 'command', 'main_command',
    ])
    expect(properties).to.include({
      command: 'kedro run --pipeline ***** --params *****', example_pipeline: 'True', is_ci_env: false, main_command: 'run',
      number_of_datasets: 7, project_version: '1.5.0', tools: 'Linting, Testing, Data Structure',
    })
    expect(properties.project_id).to.equal('8cce493deace1462973ab86e96d3c388b373c55ae284f1da5ccf13bf9435c214fa9c73e7f64c29a8d81fe0497c03881a4dba6986d7b0fe5b7ef5d7bdc69a682b')
    // Kedro 1.5.0 loads only the pipeline asked for, plus __default__ as its sum.
    expect(properties).to.include({number_of_nodes: 3, number_of_pipelines: 2})
    // No telemetry.toml yet: kedro would create the uuid; the preview says so and writes nothing.
    expect(json.estimated).to.include.members(['identity', 'properties.username'])
    expect(json.warnings.join(' ')).to.match(/create a new user id/)
  })

  it('Kedro 1.4.0 answers from its own command-line interface: run --pipelines (added in 1.2.0) is an option, not rejected', async () => {
    const json = await preview(['--kedro-version', '1.4.0', 'run', '--pipelines', 'data_science'])
    expect(json.context.kedroStructureVersion).to.equal('1.4.0')
    expect(json.requests.map((request) => request.body.event)).to.deep.equal(['Kedro Project Statistics'])
    expect(json.requests[0].body.properties.command).to.equal('kedro run --pipelines *****')
    const older = await preview(['--kedro-version', '1.1.1', 'run', '--pipelines', 'data_science'])
    expect(older.requests.map((request) => [request.body.event, request.body.properties.command])).to.deep.equal([['CLI command', 'kedro run ***** *****']])
  })

  it('Kedro before 1.5.0 counts the whole registry whatever --pipeline asks for', async () => {
    const json = await preview(['--kedro-version', '1.4.0', 'run', '--pipeline', 'data_science'])
    expect(json.requests[0].body.properties).to.include({number_of_nodes: 6, number_of_pipelines: 3})
    expect(json.context.kedroStructureVersion).to.equal('1.4.0')
  })

  it('the user id, the timestamp format, HEAP_APPID_DEV and is_ci_env', async () => {
    const home = tempDir()
    writeFiles(home, {'.config/kedro/telemetry.toml': '[telemetry]\nuuid = "0D5C2F6E-8A3B-4C1D-9E7F-123456789ABC"\n'})
    const json = await preview(['--set-env', 'CI=true', 'info'], {env: {HEAP_APPID_DEV: 'dev-app', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config')}})
    const {body} = json.requests[0]
    expect(body).to.include({app_id: 'dev-app', event: 'CLI command', identity: '0d5c2f6e8a3b4c1d9e7f123456789abc'})
    expect(body.properties).to.include({command: 'kedro info', is_ci_env: true, main_command: 'info', username: '0d5c2f6e8a3b4c1d9e7f123456789abc'})
    expect(body.properties).not.to.have.property('number_of_datasets')
    expect(body.timestamp).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}000Z$/)
    expect(kedroTimestamp(new Date(2026, 0, 2, 3, 4, 5, 67))).to.equal('2026-01-02T03:04:05.067000Z')
  })

  it('declined consent: nothing would be sent; --ignore-consent shows the request, labelled', async () => {
    const declined = await preview(['run'], {env: {DO_NOT_TRACK: '1'}})
    expect(declined).to.include({decidedBy: 'DO_NOT_TRACK', ignoredConsent: false, wouldSend: false})
    expect(declined.requests).to.deep.equal([])
    const shown = await preview(['--ignore-consent', 'run'], {env: {DO_NOT_TRACK: '1'}})
    expect(shown).to.include({ignoredConsent: true, wouldSend: false})
    expect(shown.requests).to.have.length(1)
    const text = await runInProcess(['preview', '--project', EXAMPLE, '--ignore-consent', 'run'], {env: {DO_NOT_TRACK: '1'}})
    expect(text.stdout).to.contain('NOTHING WOULD BE SENT').and.to.contain('NOT sent')
  })

  it('consent given but kedro stops first: one headline, nothing would be sent, and why below', async () => {
    // Kedro 0.19.5 refuses the example, made with Kedro 1.5.0.
    const text = await runInProcess(['preview', '--project', EXAMPLE, '--kedro-version', '0.19.5', 'run'])
    expect(text.stdout).to.match(/^NOTHING WOULD BE SENT, though consent allows it \(.+\): see the warnings below$/m)
    expect(text.stdout).not.to.match(/^WOULD BE SENT/m)
    expect(text.stdout + text.stderr).to.match(/runs only projects created with Kedro 0\.19\.x/)
  })

  it('a leading --help leaks what follows, and the preview says so', async () => {
    const json = await preview(['--', '--help', 'run', '--params', 'password=hunter2'])
    expect(json.requests[0].body.properties.command).to.equal('kedro --help run --params password=hunter2')
    expect(json.leaked).to.deep.equal(['run', '--params', 'password=hunter2'])
    expect(json.warnings.join(' ')).to.match(/unmasked/)
    expect(json.requests[0].body.event).to.equal('CLI command')
    // Each view says where the leaked tokens are: the body's command by default, the red field in --explain.
    const text = await runInProcess(['preview', '--project', EXAMPLE, '--', '--help', 'run', '--params', 'password=hunter2'], {env: {NO_COLOR: '1'}})
    expect(text.stdout).to.match(/^Leak: 3 token\(s\) .* \(in the body's "command"\)$/m)
    const explained = await runInProcess(['preview', '--explain', '--project', EXAMPLE, '--', '--help', 'run', '--params', 'password=hunter2'], {env: {NO_COLOR: '1'}})
    expect(explained.stdout).to.match(/^Leak: 3 token\(s\) .* \(shown in red above\)$/m)
  })

  it('every token after the first kedro token is kedro\'s, even our own flags', async () => {
    const text = await runInProcess(['preview', '--project', EXAMPLE, 'run', '--json', '--project', 'x'])
    expect(text.code).to.equal(0)
    // `--json` and `--project` are not options of `kedro run`, so they and `x` are masked; the output is text.
    expect(text.stdout).to.contain('kedro run ***** ***** *****')
    const json = await preview(['run', '--help'])
    expect(json.requests[0].body).to.include({event: 'CLI command'})
    expect(json.requests[0].body.properties.command).to.equal('kedro run --help')
  })

  it('calls the body "exactly as sent" only when every field is exact, and counts exact and estimated fields', async () => {
    const home = tempDir()
    mkdirSync(path.join(home, '.config', 'kedro'), {recursive: true})
    writeFileSync(path.join(home, '.config', 'kedro', 'telemetry.toml'), '[telemetry]\nuuid = "0d5c2f6e8a3b4c1d9e7f123456789abc"\n')
    // Run by a Python that has Kedro: its version, and so whether kedro starts on it, is known.
    const python = pythonEnvironment({'kedro': '1.5.0', 'kedro-telemetry': '0.8.0'})
    const env = {HOME: home, NO_COLOR: '1', VIRTUAL_ENV: python, XDG_CONFIG_HOME: path.join(home, '.config')}
    const exact = await runInProcess(['preview', '--project', EXAMPLE, '--kedro-version', '1.5.0', '--telemetry-version', '0.8.0', 'info'], {env})
    expect(exact.stdout).to.match(/^Body, exactly as sent \(Python json\.dumps\):$/m).and.to.match(/^(\d+) of \1 fields exact$/m)
    // A user id kedro has not created yet: the bytes around it are exact, and the sheet says which values are not.
    const fresh = await runInProcess(['preview', '--project', EXAMPLE, '--kedro-version', '1.5.0', '--telemetry-version', '0.8.0', 'info'], {env: {NO_COLOR: '1', VIRTUAL_ENV: python}})
    expect(fresh.stdout).to.match(/^Body as it would be sent \(Python json\.dumps\), exact but for 2 estimated values:$/m)
    expect(fresh.stdout).to.match(/^(\d+) of \d+ fields exact; estimated:\n {2}username, identity: not created yet$/m)
    // The field-by-field sheet says the same, and where each value comes from.
    const explained = await runInProcess(['preview', '--explain', '--project', EXAMPLE, '--kedro-version', '1.5.0', '--telemetry-version', '0.8.0', 'info'], {env: {NO_COLOR: '1', VIRTUAL_ENV: python}})
    expect(explained.stdout).to.match(/^(\d+) of \d+ fields exact; estimated: properties\.username, identity$/m)
    expect(explained.stdout).to.match(/^properties\.project_id = [\da-f]{128}\n {4}hashed, from pyproject\.toml/m)
    // The first line, the versions, fits an 80-column terminal.
    expect(fresh.stdout.split('\n')[0]).to.equal('Kedro 1.5.0, kedro-telemetry 0.8.0')
  })

  it('an unknown command, or a plugin\'s not installed, is warned about without repeating the word', async () => {
    const plugin = await preview(['viz', 'run'])
    expect(plugin.warnings.join(' ')).to.match(/kedro viz needs kedro-viz, which is not installed here/)
    const unknown = await preview(['frobnicate', '--secret', 'x'])
    expect(unknown.requests[0].body.properties.command).to.equal('kedro *****')
    expect(unknown.warnings.join(' ')).to.match(/the first argument is not a kedro command here/).and.not.to.contain('frobnicate')
  })

  it('the output never repeats a value that masking removed', async () => {
    const text = await runInProcess(['preview', '--project', EXAMPLE, 'run', '--params', 'api_token=s3cr3t', '--pipeline=private_pipeline'])
    expect(text.code).to.equal(0)
    expect(text.stdout).not.to.contain('s3cr3t')
    expect(text.stdout).not.to.contain('private_pipeline')
    expect(text.stdout).to.contain('"command": "kedro run --params ***** --pipeline *****"')
    const explained = await runInProcess(['preview', '--explain', '--project', EXAMPLE, 'run', '--params', 'api_token=s3cr3t', '--pipeline=private_pipeline'])
    expect(explained.stdout).not.to.contain('s3cr3t')
    expect(explained.stdout).not.to.contain('private_pipeline')
    expect(explained.stdout).to.contain('kedro run --params ***** --pipeline *****').and.to.contain('2 values replaced by *****')
  })

  it('the default view is short; --body prints each body alone, exactly the bytes --json gives', async () => {
    const args = ['--project', EXAMPLE, '--no-python', '--kedro-version', '1.5.0', '--telemetry-version', '0.8.0', 'run']
    const text = await runInProcess(['preview', ...args], {env: {NO_COLOR: '1'}})
    expect(text.code).to.equal(0)
    expect(text.stdout.trimEnd().split('\n').length).to.be.at.most(25)
    expect(text.stdout).to.contain('--explain').and.not.to.contain('masking').and.not.to.contain('decided by')
    // The verdict in the words status uses for the same project.
    const status = await runInProcess(['status', EXAMPLE], {env: {NO_COLOR: '1'}})
    const why = status.stdout.split('\n').find((line) => line.startsWith('Why: '))!.slice('Why: '.length)
    expect(text.stdout).to.contain(`WOULD BE SENT: ${why}`)
    const json = JSON.parse((await runInProcess(['preview', '--json', ...args])).stdout) as PreviewResult
    const body = await runInProcess(['preview', '--body', ...args])
    // Each run reads the clock: the timestamps aside, the bytes are the same.
    const clockless = (bodies: string) => bodies.replaceAll(/"timestamp": "[^"]+"/g, '"timestamp": "T"')
    expect(clockless(body.stdout)).to.equal(clockless(json.requests.map((request) => `${request.bodyText}\n`).join('')))
    expect(clockless(body.stdout.split('\n')[0])).to.equal(clockless(text.stdout.split('\n').find((line) => line.startsWith('{"app_id"'))!))
  })

  it('where kedro-telemetry raises, nothing is sent and the preview says why', async () => {
    const json = await preview(['pipeline', 'create', 'name', 'extra'])
    expect(json.wouldSend).to.equal(false)
    expect(json.requests).to.deep.equal([])
    expect(json.warnings.join(' ')).to.match(/TypeError/)
  })

  it('a pipeline that is not registered: kedro run fails before the catalog, so no statistics', async () => {
    const json = await preview(['run', '--pipeline', 'no_such_pipeline'])
    expect(json.requests[0].body.event).to.equal('CLI command')
    expect(json.warnings.join(' ')).to.match(/1 requested pipeline is not registered/).and.not.to.contain('no_such_pipeline')
  })

  it('Kedro 0.19\'s catalog create looks its pipeline up before the catalog: one not registered, no statistics; an empty one is fine', async () => {
    const project = makeProject({
      'conf/base/catalog.yml': 'cars:\n  type: pandas.CSVDataset\n  filepath: data/cars.csv\n', 'conf/local/.gitkeep': '',
      'pyproject.toml': PYPROJECT.replaceAll('1.5.0', '0.19.14'),
      'src/demo/pipeline_registry.py': 'from kedro.pipeline import Pipeline\n\n\ndef register_pipelines():\n    return {"__default__": Pipeline([]), "empty": Pipeline([])}\n',
    })
    const create = (name: string) => preview(['--kedro-version', '0.19.14', 'catalog', 'create', '--pipeline', name], {project})
    const missing = await create('nosuch')
    expect(missing.requests.map((request) => request.body.event)).to.deep.equal(['CLI command'])
    expect(missing.warnings.join(' ')).to.match(/1 requested pipeline is not registered/)
    // Pipeline has no __len__: an empty one is found, and the catalog is built.
    expect((await create('empty')).requests.map((request) => request.body.event)).to.deep.equal(['Kedro Project Statistics'])
    // catalog list builds the catalog before it looks its pipelines up: the statistics go out, then it fails.
    const list = await preview(['--kedro-version', '0.19.14', 'catalog', 'list', '--pipeline', 'nosuch'], {project})
    expect(list.requests.map((request) => request.body.event)).to.deep.equal(['Kedro Project Statistics'])
  })

  it('an option the command does not have: click rejects the line, so no statistics', async () => {
    const json = await preview(['run', '--no-such-option'])
    expect(json.requests[0].body.event).to.equal('CLI command')
    expect(json.requests[0].body.properties.command).to.equal('kedro run *****')
    expect(json.warnings.join(' ')).to.match(/click rejects it/)
    expect((await preview(['run', '--env=local', '-p', 'data_science'])).requests[0].body.event).to.equal('Kedro Project Statistics')
  })

  it('knows plugin commands only when the plugin is installed in the project\'s environment', async () => {
    const plain = makeProject()
    expect((await preview(['viz', 'run', '--autoreload'], {project: plain})).requests[0].body.properties.command).to.equal('kedro *****')
    const withViz = makeProject({'.venv/lib/python3.11/site-packages/kedro_viz-12.4.0.dist-info/METADATA': 'Name: kedro-viz\nVersion: 12.4.0\n'})
    const json = await preview(['viz', 'run', '--autoreload', '--port=4141'], {project: withViz})
    expect(json.context.plugins).to.deep.equal(['kedro-viz'])
    expect(json.requests[0].body.properties.command).to.equal('kedro viz run --autoreload --port *****')
    expect(json.warnings.join(' ')).to.match(/kedro viz can load the catalog later/)
    // The statistics a later process may send are not followed: the event shown is estimated, never said to be exact.
    expect(json.estimated).to.include('event')
    expect(json.origins.find((origin: {field: string}) => origin.field === 'event')?.estimated).to.match(/kedro viz can load the catalog later/)
    // Where kedro-viz is not installed, `kedro viz` is no command at all: exactly "CLI command".
    const noViz = await preview(['viz', 'run'], {project: plain})
    expect(noViz.origins.find((origin: {field: string}) => origin.field === 'event')?.estimated ?? '').not.to.match(/kedro viz/)
  })

  it('kedro ipython and the notebook kernels send the statistics from a process of their own, then "CLI command"', async () => {
    const json = await preview(['ipython', '--env', 'local'])
    expect(json.requests.map((request: {event: string}) => request.event)).to.deep.equal(['Kedro Project Statistics', 'CLI command'])
    const [statistics, cli] = json.requests.map((request: {body: {properties: Record<string, unknown>}}) => request.body.properties)
    // The IPython process's hook never saw the command line; kedro's own hook sends it when IPython exits.
    expect(statistics).not.to.have.any.keys('command', 'main_command')
    expect(statistics).to.include({number_of_nodes: 6, number_of_pipelines: 3})
    expect(cli).to.include({command: 'kedro ipython --env *****', main_command: 'ipython'}).and.not.to.have.property('number_of_nodes')
    expect(json.warnings.join(' ')).to.match(/kedro ipython starts IPython in a process of its own/)
    expect((await preview(['jupyter', 'lab'])).requests.map((request: {event: string}) => request.event)).to.deep.equal(['Kedro Project Statistics', 'CLI command'])
    // jupyter setup starts no kernel.
    expect((await preview(['jupyter', 'setup'])).requests.map((request: {event: string}) => request.event)).to.deep.equal(['CLI command'])
  })

  it('outside a project: no project id, no statistics', async () => {
    const json = await preview(['new', '--starter', 'spaceflights-pandas', '--name', 'mine'], {project: tempDir()})
    const {properties} = json.requests[0].body
    expect(properties).to.include({command: 'kedro new --starter spaceflights-pandas --name *****', project_id: null})
    expect(properties).not.to.have.property('tools')
    // Outside a project KedroCLI has only the global commands: `run` is an unknown command, one mask.
    const run = (await preview(['run', '--pipeline', 'ds'], {project: tempDir()})).requests[0].body.properties
    expect(run).to.include({command: 'kedro *****', main_command: '*****'})
  })

  it('runs no interpreter of the checkout\'s own unless trusted, and none at all with --no-python', async () => {
    const root = makeProject()
    // A project interpreter that would leave a mark if it ran.
    const marker = path.join(tempDir(), 'ran')
    writeFiles(root, {'.venv/bin/python': `#!/bin/sh\ntouch ${marker}\nexit 1\n`, '.venv/lib/python3.11/site-packages/x.dist-info/METADATA': 'Name: x\nVersion: 1\n'})
    chmodSync(path.join(root, '.venv', 'bin', 'python'), 0o755)
    for (const flags of [['--no-python'], []]) {
      const json = await preview([...flags, 'info'], {project: root})
      expect(json.estimated).to.include('properties.python_version')
      expect(json.context.python).to.equal(null)
      expect(existsSync(marker)).to.equal(false)
    }

    const refused = (await preview(['info'], {project: root})).origins.find((item: {field: string}) => item.field === 'properties.python_version')
    expect(refused?.estimated).to.match(/\.venv\/bin\/python is a program inside the project: not run.*--trust-project-python/)
    await preview(['--trust-project-python', 'info'], {project: root})
    expect(existsSync(marker)).to.equal(true)
  })

  it('sends sys.version exactly as the project\'s interpreter reports it, a newline included', async () => {
    const root = makeProject({
      '.venv/lib/python3.8/site-packages/kedro-1.5.0.dist-info/METADATA': 'Name: kedro\nVersion: 1.5.0\n',
      '.venv/lib/python3.8/site-packages/kedro_telemetry-0.8.0.dist-info/METADATA': 'Name: kedro-telemetry\nVersion: 0.8.0\n',
    })
    // An interpreter whose sys.version has a line break, as some builds' do.
    writeFiles(root, {'.venv/bin/python': `#!/bin/sh\nprintf '3.8.5 (default, Sep  4 2020)\\n[GCC 7.3.0]\\0%s\\0%s\\0%s\\0%s\\0%s\\0%s' linux 3.8 '' '' '' '${root}/.venv/lib/python3.8/site-packages'\n`})
    chmodSync(path.join(root, '.venv', 'bin', 'python'), 0o755)
    const json = await preview(['--trust-project-python', 'info'], {project: root})
    expect(json.requests[0].body.properties).to.include({os: 'linux', python_version: '3.8.5 (default, Sep  4 2020)\n[GCC 7.3.0]'})
    expect(json.requests[0].bodyText).to.contain('"python_version": "3.8.5 (default, Sep  4 2020)\\n[GCC 7.3.0]"')
    expect(json.estimated).not.to.include('properties.python_version')
  })

  it('bad flags are usage errors (exit 2)', async () => {
    expect((await runInProcess(['preview', '--kedro-version', 'latest', 'run'])).code).to.equal(2)
    expect((await runInProcess(['preview', '--set-env', 'NOEQUALS', 'run'])).code).to.equal(2)
    // kedro's --env written before the kedro command: a clear usage error, not a misread.
    const misplaced = await runInProcess(['preview', '--env', 'prod', 'run'])
    expect(misplaced.code).to.equal(2)
    expect(misplaced.stderr).to.match(/--env before the kedro command is not kedro's --env/).and.to.match(/telemetry preview run --env prod/)
  })

  describe('statistics on a project with patterns, templates, an env override, namespaces and a custom type', () => {
    it('reads the catalog as Kedro merges it', async () => {
      const root = shopProject()
      const local = readCatalog(path.join(root, 'conf'))
      expect(local.entries.map((entry) => entry.name).sort()).to.deep.equal(
        ['extra_table', 'local_only', 'parameters_table', 'raw_customers', 'raw_orders', 'regressor', 'report', 'scores'],
      )
      expect(local.entries.find((entry) => entry.name === 'scores')?.type).to.equal('pandas.ParquetDataset')
      expect(local.entries.find((entry) => entry.name === 'raw_customers')?.type).to.equal('pandas.ParquetDataset')
      expect(local.entries.find((entry) => entry.name === 'raw_orders')?.type).to.equal('pandas.CSVDataset')
      const test = readCatalog(path.join(root, 'conf'), 'test')
      expect(test.entries.map((entry) => entry.name)).to.include('test_only').and.not.to.include('local_only')
      expect(test.entries.find((entry) => entry.name === 'scores')?.type).to.equal('MemoryDataset')
    })

    it('reads the configuration where settings.py, --conf-source and --env put it', async () => {
      const root = shopProject()
      writeFiles(root, {
        'elsewhere/base/catalog.yml': 'one:\n  type: pandas.CSVDataset\n',
        'elsewhere/prod/.gitkeep': '',
        'settings_conf/base/catalog.yml': 'a:\n  type: pandas.CSVDataset\nb:\n  type: pandas.CSVDataset\n',
        'settings_conf/prod/catalog.yml': 'c:\n  type: pandas.CSVDataset\n',
        'settings_conf/local/catalog.yml': 'never:\n  type: pandas.CSVDataset\n',
        'src/shop/settings.py': 'from pathlib import Path\n\nCONF_SOURCE = "settings_conf"\nCONFIG_LOADER_ARGS = {"base_env": "base", "default_run_env": "prod"}\n',
      })
      const count = async (args: string[]) => {
        const json = await preview(args, {project: root})
        const origin = (json.origins as {field: string; source: string}[]).find((item) => item.field === 'properties.number_of_datasets')
        return [json.requests[0].body.properties.number_of_datasets, origin?.source]
      }

      // settings.py's folder and default run environment.
      expect(await count(['run'])).to.deep.equal([3, 'settings_conf/base/catalog.yml, settings_conf/prod/catalog.yml'])
      expect(await count(['run', '--env', 'local'])).to.deep.equal([3, 'settings_conf/base/catalog.yml, settings_conf/local/catalog.yml'])
      expect(await count(['run', '--conf-source', 'elsewhere'])).to.deep.equal([1, 'elsewhere/base/catalog.yml'])
      // A run environment without its folder: OmegaConfigLoader raises before the catalog exists.
      const noFolder = await preview(['run', '--conf-source', 'elsewhere', '--env', 'staging'], {project: root})
      expect(noFolder.requests.map((request: {event: string}) => request.event)).to.deep.equal(['CLI command'])
      expect(noFolder.warnings.join(' ')).to.match(/MissingConfigException: Given configuration path either does not exist or is not a valid directory: staging/)
      // Kedro 1.5.0's --conf-source must exist (validate_conf_source), and so must --config's file (click.File).
      const missingArchive = await preview(['run', '--conf-source', 'conf.tar.gz'], {project: root})
      expect(missingArchive.requests.map((request: {event: string}) => request.event)).to.deep.equal(['CLI command'])
      expect(missingArchive.warnings.join(' ')).to.match(/--conf-source: the path "conf.tar.gz" does not exist: click rejects it/)
      writeFiles(root, {'conf.tar.gz': '', 'run.yml': 'run:\n  env: local\n'})
      const archive = await preview(['run', '--conf-source', 'conf.tar.gz'], {project: root})
      expect(archive.estimated).to.include('properties.number_of_datasets')
      // run --config's values are the options left off the command line: the environment, the configuration folder.
      expect(await count(['run', '--config', 'run.yml'])).to.deep.equal([3, 'settings_conf/base/catalog.yml, settings_conf/local/catalog.yml'])
      expect(await count(['run', '--config', 'run.yml', '-e', 'prod'])).to.deep.equal([3, 'settings_conf/base/catalog.yml, settings_conf/prod/catalog.yml'])
      writeFiles(root, {'run.yml': 'run:\n  conf_source: elsewhere\n'})
      expect(await count(['run', '--config', 'run.yml'])).to.deep.equal([1, 'elsewhere/base/catalog.yml'])
      writeFiles(root, {'run.yml': 'run:\n  pipeline: [ds]\n'})
      expect((await preview(['run', '--config', 'run.yml'], {project: root})).estimated).to.include('properties.number_of_nodes')
      // A CONF_SOURCE computed with pathlib is followed; one that depends on what this tool does not read is not guessed.
      writeFiles(root, {'src/shop/settings.py': 'from pathlib import Path\n\nCONF_SOURCE = str(Path(__file__).parents[2] / "settings_conf")\n'})
      expect(await count(['run'])).to.deep.equal([3, 'settings_conf/base/catalog.yml, settings_conf/local/catalog.yml'])
      writeFiles(root, {'src/shop/settings.py': 'import os\n\nCONF_SOURCE = os.environ.get("SHOP_CONF", "conf")\n'})
      const computed = (await preview(['run'], {project: root})).origins as {estimated: null | string; field: string}[]
      expect(computed.find((item) => item.field === 'properties.number_of_datasets')?.estimated).to.match(/settings\.py sets CONF_SOURCE to something this tool does not follow/)
      const remote = (await preview(['run', '--conf-source', 's3://bucket/conf'], {project: root})).origins as {estimated: null | string; field: string}[]
      expect(remote.find((item) => item.field === 'properties.number_of_datasets')?.estimated).to.match(/remote \(s3:\/\/bucket\/conf\)/)

    })

    it('counts nodes as a set: namespaced copies count, reused nodes do not', async () => {
      const reading = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: shopProject()})
      expect(reading.estimated).to.deep.equal([])
      expect(reading.pipelines).to.deep.equal({__default__: 7, model: 7, prep: 2})
      expect(reading).to.include({numberOfNodes: 7, numberOfPipelines: 3})
    })

    it('imports modules as Python does, nodes.py included, and says which files it read', async () => {
      const root = shopProject()
      writeFiles(root, {
        'src/shop/pipelines/prep/common.py': 'JOIN_INPUTS = ["orders", "raw_customers"]\n',
        'src/shop/pipelines/prep/pipeline.py': [
          'from kedro.pipeline import node, pipeline',
          'from .common import JOIN_INPUTS',
          'from .nodes import clean, join',
          '',
          'def create_pipeline(**kwargs):',
          '    return pipeline([node(clean, "raw_orders", "orders", name="clean_orders"), node(join, JOIN_INPUTS, "joined", name="join")])',
          '',
        ].join('\n'),
      })
      const reading = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(reading.estimated).to.deep.equal([])
      expect(reading.pipelines).to.deep.equal({__default__: 7, model: 7, prep: 2})
      expect(reading.files).to.include.members([
        'src/shop/pipeline_registry.py', 'src/shop/pipelines/prep/pipeline.py', 'src/shop/pipelines/prep/common.py', 'src/shop/pipelines/prep/nodes.py',
      ])
      // Each module is read once, however often it is imported.
      expect(new Set(reading.files).size).to.equal(reading.files.length)
      const origins = (await preview(['run'], {project: root})).origins as {field: string; source: string}[]
      expect(origins.find((origin) => origin.field === 'properties.number_of_nodes')?.source).to.match(/^src\/shop\/__init__\.py, .* and \d+ more$/)
      expect(origins.find((origin) => origin.field === 'properties.number_of_datasets')?.source).to.equal('conf/base/catalog/reports.yml, conf/base/catalog.yml, conf/base/sub/catalog_extra.yml, conf/local/catalog.yml')
      // Python imports nodes.py with the pipeline: a syntax error or a missing module there leaves the pipeline out.
      writeFiles(root, {'src/shop/pipelines/prep/nodes.py': 'def clean(orders:\n    return orders\n'})
      const broken = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(broken.warnings.join(' ')).to.match(/src\/shop\/pipelines\/prep\/nodes\.py has a syntax error .*leaves pipelines\/prep out/)
      expect(broken.pipelines).not.to.have.property('prep')
      rmSync(path.join(root, 'src/shop/pipelines/prep/nodes.py'))
      const missing = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(missing.warnings.join(' ')).to.match(/No module named 'shop\.pipelines\.prep\.nodes'/)
    })

    it('names an unnamed node after its function, given by position or as func=, as Kedro does', async () => {
      const root = shopProject()
      writeFiles(root, {
        'src/shop/pipelines/prep/pipeline.py': [
          'from kedro.pipeline import node, pipeline',
          'from . import nodes',
          'from .nodes import clean, join',
          '',
          'def create_pipeline(**kwargs):',
          '    first = pipeline([node(func=clean, inputs="raw_orders", outputs="orders"), node(func=join, inputs="raw_orders", outputs="joined")])',
          '    return first + pipeline([node(nodes.clean, "raw_orders", "orders")])',
          '',
        ].join('\n'),
      })
      // Two different functions make two nodes; nodes.clean is clean again (Kedro uses the function's __name__), and
      // `+` joins pipelines as sets of nodes.
      const reading = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(reading.estimated).to.deep.equal([])
      expect(reading.pipelines.prep).to.equal(2)
      // Within one Pipeline() the same node twice is a duplicate name, which Kedro refuses: the registry fails.
      writeFiles(root, {
        'src/shop/pipelines/prep/pipeline.py': [
          'from kedro.pipeline import node, pipeline',
          'from . import nodes',
          'from .nodes import clean',
          '',
          'def create_pipeline(**kwargs):',
          '    return pipeline([node(clean, "raw_orders", "orders"), node(nodes.clean, "raw_orders", "orders")])',
          '',
        ].join('\n'),
      })
      const duplicate = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(duplicate.registryFails).to.match(/ValueError: Pipeline nodes must have unique names/)
    })

    it('a module too large to read is an estimate; a symlink loop is no module at all, as for Python', async () => {
      const root = shopProject()
      const module = path.join(root, 'src/shop/pipelines/prep/pipeline.py')
      writeFileSync(module, `# ${'x'.repeat(5 * 1024 * 1024)}\n`)
      const huge = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(huge.estimated.join(' ')).to.match(/src\/shop\/pipelines\/prep\/pipeline\.py: .*over the \d+-byte limit/)
      expect(huge.estimated.join(' ')).to.match(/create_pipeline is not bound in shop\.pipelines\.prep\.pipeline as far as it is followed/)
      expect(huge.numberOfNodes).to.equal(null)
      rmSync(module)
      symlinkSync(module, module)
      // Python's finder cannot stat the file, so there is no such module: the package fails to import.
      const loop = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(loop.warnings.join(' ')).to.match(/No module named 'shop\.pipelines\.prep\.pipeline'.*leaves pipelines\/prep out/)
      expect(loop.pipelines).not.to.have.property('prep')
    })

    it('a pipeline package with a syntax error is left out, as find_pipelines() does, with a warning', async () => {
      const root = shopProject()
      writeFiles(root, {'src/shop/pipelines/prep/pipeline.py': 'from kedro.pipeline import node, pipeline\n\ndef create_pipeline(**kwargs:\n    return pipeline([])\n'})
      const reading = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(reading.warnings.join(' ')).to.match(/src\/shop\/pipelines\/prep\/pipeline\.py has a syntax error \(invalid syntax, near line \d+\): kedro's find_pipelines\(\) warns and leaves pipelines\/prep out/)
      expect(reading.pipelines).not.to.have.property('prep')
      // model imports prep's create_pipeline itself, so its own import fails too.
      expect(reading.pipelines).not.to.have.property('model')
      expect(reading).to.include({numberOfNodes: 0, numberOfPipelines: 1, registryFails: null})
    })

    it('a registry with a syntax error stops kedro run before the catalog: only "CLI command"', async () => {
      const root = shopProject()
      writeFiles(root, {'src/shop/pipeline_registry.py': 'def register_pipelines(:\n    return {}\n'})
      const reading = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(reading.registryFails).to.match(/^src\/shop\/pipeline_registry\.py has a syntax error/)
      const json = await preview(['run'], {project: root})
      expect(json.requests.map((request: {event: string}) => request.event)).to.deep.equal(['CLI command'])
      expect(json.warnings.join(' ')).to.match(/kedro run fails before it builds the catalog/)
    })

    it('an import cycle between project modules is reported, not followed forever', async () => {
      const root = shopProject()
      writeFiles(root, {
        'src/shop/pipelines/prep/a.py': 'from .b import NAME\n',
        'src/shop/pipelines/prep/b.py': 'from .a import NAME\n',
        'src/shop/pipelines/prep/pipeline.py': 'from kedro.pipeline import node, pipeline\nfrom .a import NAME\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(len, NAME, "out")])\n',
      })
      // As in Python: b imports NAME from a while a is still being imported, which raises ImportError, so prep
      // fails to import and find_pipelines() leaves it out.
      const reading = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(reading.warnings.join(' ')).to.match(/cannot import name 'NAME' from partially initialized module 'shop\.pipelines\.prep\.a' \(most likely due to a circular import\).*leaves pipelines\/prep out/)
      expect(reading.pipelines).not.to.have.property('prep')
    })

    it('sends the counts and the dataset classes of the installed kedro-datasets', async () => {
      const json = await preview(['run'], {project: shopProject()})
      const {properties} = json.requests[0].body
      expect(properties).to.include({number_of_datasets: 7, number_of_nodes: 7, number_of_pipelines: 3})
      const types = Object.fromEntries(Object.entries(properties).filter(([key]) => key.startsWith('dataset_type_count.')))
      expect(types).to.deep.equal({
        'dataset_type_count.custom': 1,
        'dataset_type_count.kedro_datasets.pandas.csv_dataset.CSVDataset': 3,
        'dataset_type_count.kedro_datasets.pandas.excel_dataset.ExcelDataset': 1,
        'dataset_type_count.kedro_datasets.pandas.parquet_dataset.ParquetDataset': 2,
      })
      expect(json.estimated.filter((field: string) => field.includes('dataset_type_count'))).to.deep.equal([])
      expect(json.warnings.join(' ')).to.match(/order that varies between runs/)
      const test = (await preview(['run', '--env', 'test'], {project: shopProject()})).requests[0].body.properties
      expect(test['dataset_type_count.kedro.io.memory_dataset.MemoryDataset']).to.equal(1)
    })

    it('marks what static reading cannot know as estimated, with the reason', async () => {
      const root = shopProject()
      writeFiles(root, {
        'src/shop/pipelines/model/pipeline.py': [
          'import os',
          'from kedro.pipeline import node, pipeline',
          'def create_pipeline(**kwargs):',
          '    nodes = []',
          '    for name in ["a", "b"]:',
          '        nodes.append(node(len, name, f"{name}_out"))',
          '    if os.environ.get("FULL"):',
          '        nodes.append(node(len, "c", "c_out"))',
          '    return pipeline(nodes)',
        ].join('\n'),
      })
      const reading = readPipelines({kedroRelease: kedro('1.5.0'), packageName: 'shop', projectRoot: root})
      expect(reading.estimated.join(' ')).to.match(/an if statement on .*: if os\.environ\.get\("FULL"\)/)
      const json = await preview(['run'], {project: root})
      expect(json.estimated).to.include.members(['properties.number_of_nodes', 'properties.number_of_pipelines'])
    })
  })

  it('formats tools as each kedro-telemetry era sends them', async () => {
    const format = (tools: unknown) => formatTools(tools, 'format').value
    expect(format("['Linting', 'Testing']")).to.equal('Linting, Testing')
    expect(format("['None']")).to.equal('None')
    expect(format('None')).to.equal('None')
    expect(format("('a', 1)")).to.equal('a, 1')
    expect(format(['a', 'b'])).to.equal('a, b')
    expect(format('Linting')).to.equal('Linting')
    for (const omitted of ['', '[]', [], null, 3]) expect(format(omitted)).to.equal(undefined)
    // 0.3.2 to 0.7.0: Python's ", ".join() of the TOML value, a string character by character.
    expect(formatTools("['None']", 'join').value).to.equal("[, ', N, o, n, e, ', ]")
    expect(formatTools(['a', 'b'], 'join').value).to.equal('a, b')
    // 0.3.1 sent the value as written; before it, nothing.
    expect(formatTools(['a', 'b'], 'raw').value).to.deep.equal(['a', 'b'])
    expect(formatTools('x', 'none').value).to.equal(undefined)
  })

  it('opens no network connection, and runs only the project\'s Python', async () => {
    const log = path.join(tempDir(), 'network.log')
    const result = await runInProcess(['preview', '--project', EXAMPLE, 'run'], {env: {KC_NETWORK_LOG: log}})
    expect(result.code, result.stderr).to.equal(0)
    const {existsSync, readFileSync} = await import('node:fs')
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').to.equal('')
    // The library call with the interpreter probe switched off is fully static.
    const json = await buildTelemetryRequests({args: ['run'], env: cleanEnv(), probePython: false, project: EXAMPLE})
    expect(json.estimated).to.include('properties.python_version')
  })
})
