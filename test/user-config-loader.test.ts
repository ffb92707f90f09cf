/**
 * Kedro's configuration loaders created by a project's own code (src/statistics/user-config-loader.ts). The expected
 * outcomes were recorded from the real kedro (1.5.0, 0.19.14, 0.19.0 for OmegaConfigLoader; 0.18.14 for ConfigLoader)
 * loading the same folder with the same arguments.
 */
import {expect} from 'chai'
import {appendFileSync, cpSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {PyValue} from '../src/python/values.js'
import {kedro} from '../src/releases/releases.js'
import {buildTelemetryRequests} from '../src/request/request.js'
import {kedroConfigMembers} from '../src/statistics/user-config-loader.js'
import {cleanEnv, EXAMPLE, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'

const CONF = {
  'conf/base/catalog.yml': 'ds:\n  type: pandas.CSVDataset\n  filepath: a.csv\n', 'conf/base/parameters.yml': 'x: 1\nnested:\n  y: 2\n',
  'conf/base/spark.yml': 'a: 1\n', 'conf/local/parameters.yml': 'x: 3\n',
}

const toPy = (value: unknown): PyValue => {
  if (typeof value === 'string') return {kind: 'str', value}
  if (typeof value === 'number') return {kind: 'number', value}
  if (Array.isArray(value)) return {items: value.map((item) => toPy(item)), kind: 'list'}
  return {entries: Object.entries(value as object).map(([key, item]) => [{kind: 'str', value: key}, toPy(item)]), kind: 'dict'}
}

const toJs = (value: PyValue): unknown => {
  if (value.kind === 'dict') return Object.fromEntries(value.entries.map(([key, item]) => [(key as {value: string}).value, toJs(item)]))
  if (value.kind === 'list') return value.items.map((item) => toJs(item))
  return 'value' in value ? value.value : null
}

/** `Loader(**arguments)[key]` as the evaluator follows it: ['ok', value], ['raises', exception name], or why it is unknown. */
function load(version: string, root: string, arguments_: Record<string, unknown>, key: string): [string, unknown] {
  const members = kedroConfigMembers(kedro(version), {confSource: 'conf', environment: {}, projectRoot: root, workingDirectory: root})
  const loader = members.get('OmegaConfigLoader') ?? members.get('ConfigLoader')
  if (loader?.kind !== 'function') return ['absent', null]
  const instance = loader.call([], new Map(Object.entries(arguments_).map(([name, value]) => [name, toPy(value)])), {keywords: new Map(), positional: []})
  if (instance.kind === 'raises') return ['init-raises', instance.error.split(':')[0]]
  if (instance.kind !== 'object') return [instance.kind, instance.kind === 'unknown' ? instance.reason : null]
  const value = instance.getItem({kind: 'str', value: key})
  if (value.kind === 'raises') return ['raises', value.error.split(':')[0]]
  return value.kind === 'unknown' ? ['unknown', value.reason] : ['ok', toJs(value)]
}

const ENVIRONMENTS = {base_env: 'base', conf_source: 'conf', default_run_env: 'local'}

describe('a configuration loader the project\'s code creates', () => {
  after(removeTempDirs)

  for (const version of ['1.5.0', '0.19.14', '0.19.0']) {
    it(`OmegaConfigLoader loads, and raises, as Kedro ${version}'s does`, () => {
      const root = tempDir('kc-loader-')
      writeFiles(root, CONF)
      const recorded: [Record<string, unknown>, string, [string, unknown]][] = [
        // No base_env: `base_env or ""`, the whole folder, where x is in two files.
        [{conf_source: 'conf'}, 'parameters', ['raises', 'ValueError']],
        [ENVIRONMENTS, 'parameters', ['ok', {nested: {y: 2}, x: 3}]],
        [{...ENVIRONMENTS, env: 'prod'}, 'parameters', ['raises', 'MissingConfigException']],
        [{conf_source: 'nosuch'}, 'parameters', ['raises', 'MissingConfigException']],
        [ENVIRONMENTS, 'catalog', ['ok', {ds: {filepath: 'a.csv', type: 'pandas.CSVDataset'}}]],
        [ENVIRONMENTS, 'credentials', ['raises', 'MissingConfigException']],
        [ENVIRONMENTS, 'nosuchkey', ['raises', 'KeyError']],
        [{...ENVIRONMENTS, config_patterns: {spark: ['spark*']}}, 'spark', ['ok', {a: 1}]],
        [{conf_source: 'conf', env: 'base'}, 'parameters', ['raises', 'ValueError']],
        [{base_env: 'base', conf_source: 'conf'}, 'parameters', ['raises', 'ValueError']],
      ]
      for (const [arguments_, key, expected] of recorded) {
        expect(load(version, root, arguments_, key), JSON.stringify([arguments_, key])).to.deep.equal(expected)
      }
    })
  }

  it('Kedro 0.18.14\'s ConfigLoader loads, and raises, as the real one does; 0.18.3\'s is not subscriptable, and not followed', () => {
    const root = tempDir('kc-loader-')
    writeFiles(root, CONF)
    const recorded: [Record<string, unknown>, string, [string, unknown]][] = [
      [{conf_source: 'conf'}, 'parameters', ['ok', {nested: {y: 2}, x: 3}]],
      [{conf_source: 'conf', env: 'prod'}, 'parameters', ['raises', 'ValueError']],
      [{conf_source: 'nosuch'}, 'parameters', ['raises', 'ValueError']],
      [{conf_source: 'conf'}, 'catalog', ['ok', {ds: {filepath: 'a.csv', type: 'pandas.CSVDataset'}}]],
      [{conf_source: 'conf'}, 'credentials', ['raises', 'MissingConfigException']],
      [{conf_source: 'conf'}, 'nosuchkey', ['raises', 'KeyError']],
      [{conf_source: 'conf', config_patterns: {spark: ['spark*']}}, 'spark', ['ok', {a: 1}]],
      [{conf_source: 'conf', env: 'base'}, 'parameters', ['ok', {nested: {y: 2}, x: 1}]],
      [{base_env: 'local', conf_source: 'conf'}, 'parameters', ['ok', {x: 3}]],
      [{conf_source: 'conf'}, 'logging', ['raises', 'MissingConfigException']],
    ]
    for (const [arguments_, key, expected] of recorded) expect(load('0.18.14', root, arguments_, key), JSON.stringify([arguments_, key])).to.deep.equal(expected)
    expect(load('0.18.3', root, {conf_source: 'conf'}, 'parameters')[0]).to.equal('absent')
  })

  it('.get() is Mapping.get before Python 3.12 and UserDict.get from 3.12, which gives the default: the loader holds no data (seen with CPython 3.10 to 3.13)', () => {
    const root = tempDir('kc-loader-')
    writeFiles(root, CONF)
    const scene = {confSource: 'conf', environment: {}, projectRoot: root, workingDirectory: root}
    const get = (python: [number, number] | null, ...args: PyValue[]) => {
      const loader = kedroConfigMembers(kedro('1.5.0'), scene, python).get('OmegaConfigLoader')
      const instance = loader?.kind === 'function' ? loader.call([], new Map(Object.entries(ENVIRONMENTS).map(([name, value]) => [name, toPy(value)])), {keywords: new Map(), positional: []}) : null
      const method = instance?.kind === 'object' ? instance.members.get('get') : undefined
      return method?.kind === 'function' ? method.call(args, new Map(), {keywords: new Map(), positional: []}) : null
    }

    const key = (value: string): PyValue => ({kind: 'str', value})
    expect(toJs(get([3, 11], key('parameters'))!)).to.deep.equal({nested: {y: 2}, x: 3})
    expect(get([3, 11], key('nosuchkey'), key('fallback'))).to.deep.equal(key('fallback'))
    expect(get([3, 11], key('credentials'))?.kind).to.equal('raises')
    expect(get([3, 12], key('parameters'))).to.deep.equal({kind: 'none'})
    expect(get([3, 13], key('credentials'), key('fallback'))).to.deep.equal(key('fallback'))
    expect(get(null, key('parameters'))?.kind).to.equal('unknown')
  })

  it('is not followed outside the project, nor with arguments it does not model', () => {
    const root = tempDir('kc-loader-')
    writeFiles(root, CONF)
    expect(load('1.5.0', root, {...ENVIRONMENTS, conf_source: '..'}, 'parameters')[0]).to.equal('unknown')
    expect(load('1.5.0', root, {...ENVIRONMENTS, runtime_params: {a: 1}}, 'parameters')[0]).to.equal('unknown')
    expect(load('1.5.0', root, {...ENVIRONMENTS, conf_source: 's3://bucket/conf'}, 'parameters')[0]).to.equal('unknown')
    // ignore_hidden is 1.1.0's: before it, an unexpected keyword.
    expect(load('1.5.0', root, {...ENVIRONMENTS, ignore_hidden: 'yes'}, 'parameters')[0]).to.equal('unknown')
    expect(load('1.0.0', root, {...ENVIRONMENTS, ignore_hidden: 'yes'}, 'parameters')[0]).to.equal('unknown')
  })

  describe('in the pipeline registry (seen with the real 1.5.0)', () => {
    const REGISTRY = `from kedro.config import OmegaConfigLoader
from kedro.framework.project import find_pipelines


def register_pipelines():
    pipelines = find_pipelines()
    params = OmegaConfigLoader(conf_source="conf"ARGUMENTS)["parameters"]
    if not params.get("keep_science", True):
        pipelines.pop("data_science")
    pipelines["__default__"] = sum(pipelines.values())
    return pipelines
`
    async function previewRun(keepScience: string, arguments_ = ', base_env="base", default_run_env="local"', local = '', {source = '"conf"', imports = '', folder = ''} = {}): Promise<Awaited<ReturnType<typeof buildTelemetryRequests>>> {
      const project = path.join(tempDir('kc-registry-'), 'spaceflights')
      cpSync(EXAMPLE, project, {recursive: true})
      writeFileSync(path.join(project, 'src', 'spaceflights', 'pipeline_registry.py'), imports + REGISTRY.replace('ARGUMENTS', arguments_).replace('"conf"', source))
      writeFileSync(path.join(project, 'conf', 'base', 'parameters.yml'), `keep_science: ${keepScience}\n`)
      if (local) writeFileSync(path.join(project, 'conf', 'local', 'parameters.yml'), local)
      return buildTelemetryRequests({args: ['run'], cwd: path.join(project, folder), env: cleanEnv(), platform: 'linux', probePython: false, project: '.'})
    }

    const pipelinesOf = (result: Awaited<ReturnType<typeof previewRun>>) => (
      JSON.parse(result.requests[0].bodyText) as {properties: Record<string, unknown>}
    ).properties.number_of_pipelines

    it('the parameters it reads decide the pipelines, exactly', async () => {
      const without = await previewRun('false')
      expect(pipelinesOf(without)).to.equal(2)
      // Estimated only for what the environment (not read here) may lack, never for the loader.
      const reason = without.origins.find((origin) => origin.field === 'properties.number_of_pipelines')?.estimated ?? ''
      expect(reason).not.to.match(/OmegaConfigLoader|params\.get|not followed/)
      expect(pipelinesOf(await previewRun('true'))).to.equal(3)
    })

    it('finds the folder as the code names it: Kedro\'s settings.CONF_SOURCE, pathlib (cwd, __file__, parents, /) and os.path, from where kedro runs', async () => {
      const settings = 'from kedro.framework.project import settings\nfrom pathlib import Path\nimport os\n'
      const sources = ['str(Path.cwd() / settings.CONF_SOURCE)', 'str(Path("") / settings.CONF_SOURCE)', 'str(Path(__file__).resolve().parents[2] / "conf")', 'os.path.join(os.getcwd(), "conf")']
      for (const source of sources) {

        const result = await previewRun('false', undefined, '', {imports: settings, source})
        expect(pipelinesOf(result), source).to.equal(2)
        const reason = result.origins.find((origin) => origin.field === 'properties.number_of_pipelines')?.estimated ?? ''
        expect(reason, source).not.to.match(/not followed|not bound/)
      }

      // From src/ (Kedro 1.x finds the project above): the working directory has no conf, the module's own folder does.
      const fromSource = await previewRun('false', undefined, '', {folder: 'src', imports: settings, source: sources[0]})
      expect(fromSource.requests.map((request) => request.body.event)).to.deep.equal(['CLI command'])
      expect(pipelinesOf(await previewRun('false', undefined, '', {folder: 'src', imports: settings, source: sources[2]}))).to.equal(2)
    })

    it('a loader that raises (the same key in two files of the whole folder; a folder that is not there) fails the registry: only "CLI command"', async () => {
      const duplicate = await previewRun('false', '', 'keep_science: true\n')
      expect(duplicate.requests.map((request) => request.body.event)).to.deep.equal(['CLI command'])
      const missing = await previewRun('false', ', base_env="base", default_run_env="local"'.replace('"base"', '"nosuch"'))
      expect(missing.requests.map((request) => request.body.event)).to.deep.equal(['CLI command'])
    })
  })

  describe('settings.py\'s CONF_SOURCE computed with pathlib or os.path (seen with the real 1.5.0)', () => {
    async function run(setting: string, folder: string) {
      const project = path.join(tempDir('kc-settings-'), 'spaceflights')
      cpSync(EXAMPLE, project, {recursive: true})
      renameSync(path.join(project, 'conf'), path.join(project, 'configuration'))
      appendFileSync(path.join(project, 'src', 'spaceflights', 'settings.py'), setting)
      return buildTelemetryRequests({args: ['run'], cwd: path.join(project, folder), env: cleanEnv(), platform: 'linux', probePython: false, project: '.'})
    }

    it('moves the configuration as kedro moves it, from the folder kedro runs in', async () => {
      const fromFile = 'from pathlib import Path\nCONF_SOURCE = str(Path(__file__).resolve().parents[2] / "configuration")\n'
      const fromCwd = 'import os\nCONF_SOURCE = os.path.join(os.getcwd(), "configuration")\n'
      for (const [setting, folder, event] of [[fromFile, '.', 'Kedro Project Statistics'], [fromFile, 'src', 'Kedro Project Statistics'], [fromCwd, '.', 'Kedro Project Statistics'], [fromCwd, 'src', 'CLI command']]) {

        const result = await run(setting, folder)
        expect(result.requests.map((request) => request.body.event), `${setting} from ${folder}`).to.deep.equal([event])
        if (event !== 'CLI command') expect((JSON.parse(result.requests[0].bodyText) as {properties: {number_of_datasets: number}}).properties.number_of_datasets).to.equal(7)
        expect(JSON.stringify([result.origins, result.warnings])).not.to.match(/CONF_SOURCE/)
      }
    })
  })
})
