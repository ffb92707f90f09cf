/**
 * The configuration as Kedro's OmegaConfigLoader loads it, and whether KedroContext gets as far as creating the
 * catalog: each way Kedro raises there (which means no statistics are sent), and each way it does not.
 */
import {expect} from 'chai'
import path from 'node:path'

import {readCatalog} from '../src/statistics/catalog.js'
import {globPattern, runtimeParamsOf} from '../src/statistics/config-loader.js'
import {makeProject, removeTempDirs} from './helpers/sandbox.js'

/** readCatalog on a project of `files` (local exists unless a file says otherwise). */
function catalogOf(files: Record<string, string>, options: Parameters<typeof readCatalog>[4] & {env?: string} = {}) {
  const root = makeProject({'conf/local/.gitkeep': '', ...files})
  return readCatalog(path.join(root, 'conf'), options.env ?? 'local', 'base', root, options)
}

const names = (reading: ReturnType<typeof readCatalog>) => reading.entries.map((entry) => entry.name).sort()

describe('loading the configuration as OmegaConfigLoader does', () => {
  it('resolves a resolver\'s default as OmegaConf types it, and a nested interpolation as a whole default, first (recorded from the real 1.5.0)', () => {
    const parameters = [
      'a: "${runtime_params:polis_id, ${globals:build_polis_id}}"', 'b: "${runtime_params:x, 5}"', 'c: "pre-${runtime_params:polis_id, ${globals:num}}-post"',
      'd: "${runtime_params:q, ${e.f}}"', 'e:\n  f: 12', "h: \"${runtime_params:z, '5'}\"", 'i: "${runtime_params:z, 1.5}"', 'j: "${runtime_params:z, TRUE}"',
      'k: "${runtime_params:z, null}"', 'l: "${runtime_params:z, hello world}"', 'm: "${runtime_params:z, 1_000}"',
    ].join('\n')
    const files = {'conf/base/catalog.yml': 'ds:\n  type: pandas.CSVDataset\n  filepath: a.csv\n', 'conf/base/globals.yml': 'build_polis_id: abc\nnum: 7\n', 'conf/base/parameters.yml': `${parameters}\n`}
    const expected = {a: 'abc', b: 5, c: 'pre-7-post', d: 12, e: {f: 12}, h: '5', i: 1.5, j: true, k: null, l: 'hello world', m: 1000}
    expect(catalogOf(files).parameters).to.deep.equal(expected)
    expect(catalogOf(files, {runtimeParams: {polis_id: 'x'}}).parameters).to.deep.equal({...expected, a: 'x', c: 'pre-x-post', polis_id: 'x'})
    // Resolved first: a default naming a global that is not there fails even where the runtime parameter is given.
    const missing = {...files, 'conf/base/parameters.yml': 'g: "${runtime_params:polis_id, ${globals:nope}}"\n'}
    expect(catalogOf(missing, {runtimeParams: {polis_id: 'x'}}).failure).to.match(/Globals key 'nope' not found/)
  })

  after(removeTempDirs)

  it('matches config_patterns as fsspec globs: * within a folder, ** across any number', () => {
    const matches = (pattern: string, relative: string) => globPattern(pattern).test(relative)
    expect(matches('catalog*', 'catalog.yml')).to.equal(true)
    expect(matches('catalog*', 'catalog_fx.yml')).to.equal(true)
    expect(matches('catalog*', 'sub/catalog.yml')).to.equal(false)
    expect(matches('**/catalog*', 'catalog.yml')).to.equal(true)
    expect(matches('**/catalog*', 'a/b/catalog.yml')).to.equal(true)
    expect(matches('catalog*/**', 'catalog/a/b.yml')).to.equal(true)
    expect(matches('catalog*/**', 'other/b.yml')).to.equal(false)
    expect(matches('data[st]ets?.yml', 'datasets1.yml')).to.equal(true)
    expect(matches('params.yml', 'paramsXyml')).to.equal(false)
  })

  it('reads extra patterns from settings, skips hidden files, and merges the run environment over base', () => {
    const files = {
      'conf/base/.hidden/catalog.yml': 'hidden: {type: pandas.CSVDataset}\n',
      'conf/base/catalog.yml': 'a: {type: pandas.CSVDataset}\nb: {type: pandas.CSVDataset, filepath: x}\n',
      'conf/base/datasets_extra.yml': 'c: {type: pandas.CSVDataset}\n',
      'conf/local/catalog.yml': 'b: {filepath: y}\n',
    }
    const typed = {...files, 'conf/local/catalog.yml': 'b: {type: pickle.PickleDataset, filepath: y}\n'}
    expect(names(catalogOf(typed))).to.deep.equal(['a', 'b'])
    const extra = catalogOf(typed, {patterns: {catalog: ['catalog*', 'datasets*']}})
    expect(names(extra)).to.deep.equal(['a', 'b', 'c'])
    expect(extra.entries.find((entry) => entry.name === 'b')?.type).to.equal('pickle.PickleDataset')
    // Destructive (the default): local's b replaces base's, type and all, and a dataset without a type is Kedro's
    // DatasetError as it builds the catalog (seen with the real 0.19.14, 1.3.1 and 1.5.0); soft merges the two.
    expect(catalogOf(files).failure).to.equal("DatasetError: An exception occurred when parsing config for dataset 'b': 'type' is missing from dataset catalog configuration")
    const soft = catalogOf(files, {mergeStrategy: {catalog: 'soft'}})
    expect([soft.failure, soft.entries.find((entry) => entry.name === 'b')?.type]).to.deep.equal([null, 'pandas.CSVDataset'])
  })

  it('resolves ${...}, ${globals:...} and ${runtime_params:...} as OmegaConf does, defaults included', () => {
    const reading = catalogOf({
      'conf/base/catalog.yml': [
        '_csv: {type: pandas.CSVDataset}',
        'a: {type: "${_csv.type}"}',
        'b: {type: "${globals:formats.table}"}',
        'c: {type: pandas.CSVDataset, filepath: "data/${runtime_params:month,\'2024-01\'}.csv"}',
        'd: {type: "${globals:formats.missing,pandas.JSONDataset}"}',
        'e: {type: pandas.CSVDataset, filepath: "${runtime_params:day}"}',
      ].join('\n'),
      'conf/base/globals.yml': 'formats: {table: pandas.ParquetDataset}\n',
    }, {runtimeParams: runtimeParamsOf(['day=1'], '1.5.0')})
    expect(reading.failure).to.equal(null)
    expect(Object.fromEntries(reading.entries.map((entry) => [entry.name, entry.type]))).to.deep.equal({
      a: 'pandas.CSVDataset', b: 'pandas.ParquetDataset', c: 'pandas.CSVDataset', d: 'pandas.JSONDataset', e: 'pandas.CSVDataset',
    })
  })

  describe('where Kedro raises before the catalog exists (so only "CLI command" is sent)', () => {
    const failure = (files: Record<string, string>, options: Parameters<typeof catalogOf>[1] = {}) => catalogOf(files, options).failure

    it('a run environment folder that is not there, or no catalog file at all: MissingConfigException', () => {
      expect(failure({'conf/base/catalog.yml': 'a: {type: x}\n'}, {env: 'prod'})).to.match(/^MissingConfigException: Given configuration path either does not exist .*: prod$/)
      expect(failure({'conf/base/parameters.yml': 'a: 1\n'})).to.match(/^MissingConfigException: No files of YAML or JSON format found/)
      // Parameters and credentials are optional: KedroContext catches their MissingConfigException.
      expect(failure({'conf/base/catalog.yml': 'a: {type: x}\n'})).to.equal(null)
    })

    it('a catalog entry naming credentials that the environment lacks: KeyError', () => {
      const files = {'conf/base/catalog.yml': 'db:\n  type: pandas.SQLTableDataset\n  credentials: warehouse\n', 'conf/prod/credentials.yml': 'warehouse: {con: sqlite://}\n'}
      expect(failure(files)).to.equal("KeyError: Unable to find credentials 'warehouse' (catalog entry db)")
      expect(failure(files, {env: 'prod'})).to.equal(null)
      // Credentials given inline, as a mapping, are not looked up.
      expect(failure({'conf/base/catalog.yml': 'db:\n  type: x\n  credentials: {con: sqlite://}\n'})).to.equal(null)
    })

    it('a runtime parameter without a default that --params does not give: InterpolationResolutionError', () => {
      const files = {'conf/base/catalog.yml': 'a: {type: x}\n', 'conf/base/parameters.yml': 'rate: ${runtime_params:rate}\n'}
      expect(failure(files)).to.match(/^InterpolationResolutionError: Runtime parameter 'rate' not found and no default value provided/)
      expect(failure(files, {runtimeParams: runtimeParamsOf(['rate=0.1'], '1.5.0')})).to.equal(null)
      expect(failure({...files, 'conf/base/globals.yml': 'x: ${runtime_params:y,1}\n'})).to.match(/runtime_params:` resolver is not supported for globals/)
    })

    it('oc.env outside credentials; in credentials, a variable unset without default', () => {
      expect(failure({'conf/base/catalog.yml': 'a: {type: x, path: "${oc.env:HOME}"}\n'})).to.match(/^UnsupportedInterpolationType: Unsupported interpolation type oc\.env/)
      const credentials = {'conf/base/catalog.yml': 'a: {type: x}\n', 'conf/local/credentials.yml': 'db: {con: "${oc.env:DB_URL}"}\n'}
      expect(failure(credentials)).to.match(/^InterpolationResolutionError: Environment variable 'DB_URL' not found/)
      expect(failure(credentials, {environment: {DB_URL: 'sqlite://'}})).to.equal(null)
      expect(failure({...credentials, 'conf/local/credentials.yml': 'db: {con: "${oc.env:DB_URL,sqlite://}"}\n'})).to.equal(null)
    })

    it('a missing globals key or interpolation key, an unknown resolver, a null entry, a duplicate key, a YAML error', () => {
      expect(failure({'conf/base/catalog.yml': 'a: {type: "${globals:nope}"}\n'})).to.match(/Globals key 'nope' not found/)
      expect(failure({'conf/base/catalog.yml': 'a: {type: "${nope.type}"}\n'})).to.match(/InterpolationKeyError: Interpolation key 'nope\.type' not found/)
      expect(failure({'conf/base/catalog.yml': 'a: {type: "${made_up:x}"}\n'})).to.match(/Unsupported interpolation type made_up/)
      expect(failure({'conf/base/catalog.yml': 'a:\nb: {type: x}\n'})).to.equal("DatasetError: Catalog entry 'a' is not a valid dataset configuration")
      expect(failure({'conf/base/catalog.yml': 'a: {type: x}\n', 'conf/base/catalog_2.yml': 'a: {type: y}\n'})).to.match(/^ValueError: Duplicate keys found in base\/catalog.*\.yml and base\/catalog.*\.yml: a$/)
      expect(failure({'conf/base/catalog.yml': 'a: {type: x}\n', 'conf/base/parameters.yml': 'm: {x: 1}\n', 'conf/base/parameters_2.yml': 'm: {x: 2}\n'})).to.match(/Duplicate keys found .*: m\.x$/)
      expect(failure({'conf/base/catalog.yml': 'a: {type: x\n'})).to.match(/^ParserError: Invalid YAML or JSON file base\/catalog\.yml/)
      expect(failure({'conf/base/catalog.yml': '"{a}": {type: x}\n"{b}": {type: y}\n'})).to.match(/Multiple catch-all patterns/)
      expect(failure({'conf/base/catalog.yml': '"{name}.csv": {type: x, filepath: "{nam}.csv"}\n'})).to.match(/Keys used in the configuration \{nam\} should present/)
    })
  })

  it('what it cannot follow is estimated, never a failure: a custom resolver, a nested interpolation, an alias bomb', () => {
    const custom = catalogOf({'conf/base/catalog.yml': 'a: {type: "${mine:x}"}\n'}, {customResolvers: ['mine']})
    expect(custom.failure).to.equal(null)
    expect(custom.estimated.join(' ')).to.match(/the custom resolver mine/)
    const nested = catalogOf({'conf/base/catalog.yml': 'a: {type: "${globals:${x}}"}\n'})
    expect(nested).to.include({failure: null})
    expect(nested.estimated.join(' ')).to.match(/a nested interpolation/)
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, "${runtime_params:z,1}"]']
    for (let level = 1; level < 10; level++) lines.push(`a${level}: &a${level} [${Array.from({length: 9}, () => `*a${level - 1}`).join(', ')}]`)
    const bomb = catalogOf({'conf/base/catalog.yml': 'cars: {type: pandas.CSVDataset}\n', 'conf/base/parameters.yml': `${lines.join('\n')}\n`})
    expect(bomb.failure).to.equal(null)
    expect(bomb.estimated.join(' ')).to.match(/YAML aliases repeated/)
    expect(names(bomb)).to.deep.equal(['cars'])
  })
})

describe('Kedro 0.18\'s ConfigLoader and other loader classes', () => {
  after(removeTempDirs)

  const files = {
    'conf/base/catalog.yml': 'a:\n  type: pandas.CSVDataSet\n  filepath: ${base_path}/a.csv\n_template: {type: pandas.CSVDataSet}\n',
    'conf/base/globals.yml': 'base_path: data\n',
    'conf/base/parameters.yml': '_private: 1\nmodel:\n  depth: 3\n',
    'conf/base/parameters_more.yml': 'other:\n  depth: 4\n',
  }

  it('the default ConfigLoader leaves ${...} as written and drops `_` keys from every file, parameters included', () => {
    const literal = catalogOf(files, {interpolation: 'literal'})
    expect(literal.failure).to.equal(null)
    expect(literal.estimated).to.deep.equal([])
    expect(names(literal)).to.deep.equal(['a'])
    expect(literal.parameters).to.deep.equal({model: {depth: 3}, other: {depth: 4}})
    // OmegaConfigLoader resolves the same interpolation from the root (no such key): InterpolationKeyError.
    expect(catalogOf(files).failure).to.match(/InterpolationKeyError: Interpolation key 'base_path' not found/)
    // It compares each file's top-level keys only: the same nested key in two files is not a duplicate.
    expect(catalogOf({...files, 'conf/base/parameters_more.yml': 'other:\n  depth: 4\nmodel_b:\n  depth: 1\n'}, {interpolation: 'literal'}).failure).to.equal(null)
  })

  it('another loader class (TemplatedConfigLoader, a project\'s own) makes ${...} estimated, not a failure', () => {
    const other = catalogOf(files, {interpolation: 'not-followed'})
    expect(other.failure).to.equal(null)
    expect(other.estimated.join(' ')).to.match(/CONFIG_LOADER_CLASS resolves \$\{\.\.\.\} its own way/)
    expect(catalogOf({'conf/base/catalog.yml': 'a: {type: pandas.CSVDataSet}\n'}, {interpolation: 'not-followed'}).estimated).to.deep.equal([])
  })

  it('reads the formats anyconfig reads: strict JSON (else JSONDecodeError), no mapping a BadConfigException, other extensions estimated, none under OmegaConfigLoader', () => {
    const catalog = 'a: {type: pandas.CSVDataSet}\n'
    const withIni = {'conf/base/catalog.yml': catalog, 'conf/base/catalog_more.ini': '[b]\ntype = pandas.CSVDataSet\n'}
    // OmegaConfigLoader never matches a .ini file; 0.18's anyconfig loaders read it with a backend not followed here.
    expect(catalogOf(withIni).estimated).to.deep.equal([])
    expect(catalogOf(withIni, {interpolation: 'literal'}).estimated).to.deep.equal(['base/catalog_more.ini: Kedro 0.18\'s config loaders read .ini files with anyconfig, which is not followed here'])
    // JSON is read with Python's json module there: a JSON document is read exactly, YAML in a .json file is not JSON.
    const json = catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_b.json': '{"b": {"type": "pandas.CSVDataSet"}}'}, {interpolation: 'literal'})
    expect([json.estimated, names(json)]).to.deep.equal([[], ['a', 'b']])
    // Python's json refuses what JSON.parse refuses, NaN and Infinity aside: kedro/config/common.py lets the
    // JSONDecodeError through (checked with the real Kedro 0.18.14 and anyconfig 0.14).
    const yamlInJson = catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_b.json': 'b: {type: pandas.CSVDataSet}\n'}, {interpolation: 'literal'})
    expect(yamlInJson.failure).to.match(/^JSONDecodeError: base\/catalog_b\.json is not JSON/)
    expect(catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_b.json': '\uFEFF{"b": {"type": "x"}}'}, {interpolation: 'literal'}).failure).to.match(/^JSONDecodeError/)
    expect(catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_b.json': ''}, {interpolation: 'literal'}).failure).to.match(/^JSONDecodeError/)
    const nan = catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_b.json': '{"b": {"type": "x", "v": NaN}}'}, {interpolation: 'literal'})
    expect(nan.failure).to.equal(null)
    expect(nan.estimated.join(' ')).to.match(/reads NaN and Infinity too/)
    // Under another loader class the same file is estimated: it may read files its own way.
    expect(catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_b.json': 'b: 1\n'}, {interpolation: 'not-followed'}).estimated.join(' ')).to.match(/JSONDecodeError.*if the loader class reads it as ConfigLoader does/)
    // OmegaConfigLoader reads a .json file with its YAML loader.
    expect(names(catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_b.json': 'b: {type: pandas.CSVDataSet}\n'}))).to.deep.equal(['a', 'b'])
    // An empty or null YAML file is an empty mapping for anyconfig; JSON's null, a list or a scalar is no mapping, and
    // kedro's .items() on it fails as BadConfigException.
    expect(catalogOf({'conf/base/catalog.yml': catalog, 'conf/base/catalog_empty.yml': '~\n'}, {interpolation: 'literal'})).to.deep.include({estimated: [], failure: null})
    for (const [file, text] of [['catalog_b.json', 'null'], ['catalog_b.json', '[1]'], ['catalog_b.yml', '- 1\n'], ['catalog_b.yml', '5\n']]) {
      expect(catalogOf({'conf/base/catalog.yml': catalog, [`conf/base/${file}`]: text}, {interpolation: 'literal'}).failure, text).to.match(/^BadConfigException: Couldn't load config file/)
    }
  })
})
