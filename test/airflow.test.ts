/**
 * kedro-airflow's `create` builds the catalog (so kedro-telemetry sends its statistics) only when it groups nodes by
 * memory datasets. Observed with the real kedro-airflow 0.9.2 (Kedro 0.19.14) and 0.11.0 (Kedro 1.5.0): `-g memory`
 * sent "CLI command" on 0.9.2, where -g is a flag and "memory" an extra argument, and the statistics on 0.11.0.
 */
import {expect} from 'chai'
import {cpSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {airflowCreate} from '../src/request/airflow.js'
import type {PreviewResult} from '../src/request/request.js'
import {runInProcess} from './helpers/in-process.js'
import {EXAMPLE, removeTempDirs, sklearnStub, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

const OPTIONS_0_9 = new Set(['-p', '--pipeline', '--pipelines', '--all', '-e', '--env', '-t', '--target-dir', '-j', '--jinja-file', '-g', '--group-in-memory', '--tags', '--params', '--conf-source', '--help'])
const OPTIONS_0_11 = new Set(['-p', '--pipelines', '--all', '-e', '--env', '-t', '--target-dir', '-j', '--jinja-file', '-g', '--group-by', '--tags', '--params', '--conf-source', '--help'])

describe('kedro-airflow create', () => {
  after(removeTempDirs)
  // Made before the tests run, not as the suite is declared: another file's cleanup may run in between.
  let cwd = ''
  before(() => {
    cwd = tempDir('kc-airflow-')
  })
  const create = (tokens: string[], version: string) => airflowCreate(tokens, {
    kedroVersion: version.startsWith('0.9') ? '0.19.14' : '1.5.0', options: version.startsWith('0.9') ? OPTIONS_0_9 : OPTIONS_0_11, version, workingDirectory: cwd,
  }).kind

  it('0.10.0 on: --group-by memory, in any case and any spelling, builds the catalog; namespace does not', () => {
    for (const tokens of [['-g', 'memory'], ['-gmemory'], ['--group-by=MEMORY'], ['--group-by', 'Memory'], ['-g', 'namespace', '-g', 'memory']]) {
      expect(create(tokens, '0.11.0'), tokens.join(' ')).to.equal('catalog')
    }

    expect(create(['-g', 'namespace'], '0.11.0')).to.equal('no-catalog')
    expect(create([], '0.11.0')).to.equal('no-catalog')
    expect(create(['-g', 'bogus'], '0.11.0')).to.equal('rejected')
  })

  it('0.9.x: -g and --group-in-memory are flags, so a word after them is an extra argument click refuses', () => {
    expect(create(['-g'], '0.9.2')).to.equal('catalog')
    expect(create(['--group-in-memory', '-p', 'ds'], '0.9.2')).to.equal('catalog')
    expect(create(['-g', 'memory'], '0.9.2')).to.equal('rejected')
    expect(create(['-gmemory'], '0.9.2')).to.equal('rejected')
    expect(create(['--group-in-memory=yes'], '0.9.2')).to.equal('rejected')
    // Before 0.9.0 create never reads the catalog.
    expect(create(['-g'], '0.8.0')).to.equal('no-catalog')
  })

  it('what click and create refuse first: unknown options, missing values, a missing template, --all with pipelines, bad --params', () => {
    expect(create(['-g', 'memory', '--bogus'], '0.11.0')).to.equal('rejected')
    expect(create(['-g', 'memory', '-e'], '0.11.0')).to.equal('rejected')
    expect(create(['-g', 'memory', '-j', 'missing.j2'], '0.11.0')).to.equal('rejected')
    writeFileSync(path.join(cwd, 'dag.j2'), '{{ dag_name }}\n')
    expect(create(['-g', 'memory', '-j', 'dag.j2'], '0.11.0')).to.equal('catalog')
    expect(create(['-g', 'memory', '--all', '-p', 'ds'], '0.11.0')).to.equal('rejected')
    expect(create(['-g', 'memory', '--all', '-p', '__default__'], '0.11.0')).to.equal('catalog')
    // 0.11.0 splits -p at commas: `-p ""` converts nothing (so reads no catalog), and with --all it is refused.
    expect(create(['-g', 'memory', '-p', ''], '0.11.0')).to.equal('no-catalog')
    expect(create(['-g', 'memory', '-p', '', '--all'], '0.11.0')).to.equal('rejected')
    expect(create(['-g', '-p', '', '--all'], '0.9.2')).to.equal('rejected')
    expect(create(['-g', '-p', '__default__', '-p', '__default__', '--all'], '0.9.2')).to.equal('rejected')
    expect(create(['-g', 'memory', '--params', 'a'], '0.11.0')).to.equal('rejected')
    expect(create(['-g', 'memory', '--help'], '0.11.0')).to.equal('rejected')
    expect(create(['-g', 'memory', 'extra'], '0.11.0')).to.equal('rejected')
  })

  it('in a preview: the statistics, estimated, only where create reads the catalog', async () => {
    const site = '.venv/lib/python3.11/site-packages'
    const environment = (airflow: string, kedro: string, telemetry: string) => ({
      '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-${kedro}.dist-info/METADATA`]: `Name: kedro\nVersion: ${kedro}\n`,
      [`${site}/kedro_telemetry-${telemetry}.dist-info/METADATA`]: `Name: kedro-telemetry\nVersion: ${telemetry}\n`,
      [`${site}/kedro_airflow-${airflow}.dist-info/METADATA`]: `Name: kedro-airflow\nVersion: ${airflow}\n`,
      [`${site}/pandas/__init__.py`]: '', ...sklearnStub(site),
    })
    const preview = async (files: Record<string, string>, args: string[]) => {
      const project = path.join(tempDir('kc-airflow-'), 'spaceflights')
      cpSync(EXAMPLE, project, {recursive: true})
      writeFiles(project, files)
      const result = await runInProcess(['preview', '--json', '--no-python', '--project', project, ...args], {cwd: project})
      expect(result.code, result.stderr).to.equal(0)
      const json = JSON.parse(result.stdout) as PreviewResult
      expectValid('preview.schema.json', json)
      return {
        estimated: json.origins.find((origin) => origin.field === 'event')?.estimated ?? null,
        events: json.requests.map((request) => request.body.event),
      }
    }

    const recent = environment('0.11.0', '1.5.0', '0.8.0')
    const memory = await preview(recent, ['airflow', 'create', '-g', 'memory'])
    expect(memory.events).to.deep.equal(['Kedro Project Statistics'])
    expect(memory.estimated).to.match(/kedro-airflow 0\.11\.0's create groups nodes by their memory datasets/)
    const plain = await preview(recent, ['airflow', 'create'])
    expect(plain).to.deep.equal({estimated: null, events: ['CLI command']})
    const older = {
      ...environment('0.9.2', '0.19.14', '0.6.3'),
      'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8').replace('kedro_init_version = "1.5.0"', 'kedro_init_version = "0.19.14"'),
    }
    expect((await preview(older, ['airflow', 'create', '-g'])).events).to.deep.equal(['Kedro Project Statistics'])
    const flag = await preview(older, ['airflow', 'create', '-g', 'memory'])
    expect(flag).to.deep.equal({estimated: null, events: ['CLI command']})
  })
})
