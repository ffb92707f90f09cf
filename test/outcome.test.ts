/**
 * What decides the outcome, release by release, before any statistic is claimed: does kedro start (its logging
 * configuration, the project's metadata), does click accept the line, does kedro-telemetry's statistics hook run.
 * Each rule is read from the release's own source (kedro-org/kedro tags) and the cases are checked against the
 * recorded oracle (test/oracle.test.ts); these tests pin the rules on small projects of their own.
 */
import {expect} from 'chai'
import {cpSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {PreviewResult} from '../src/request/request.js'
import {splitNodeNames} from '../src/request/statistics-step.js'
import {importSettings} from '../src/statistics/settings-import.js'
import {runInProcess} from './helpers/in-process.js'
import {EXAMPLE, removeTempDirs, sklearnStub, tempDir, writeFiles} from './helpers/sandbox.js'
import {ORACLE_SITE_PACKAGES} from './helpers/oracle.js'
import {expectValid} from './helpers/schemas.js'
import {kedro} from '../src/releases/releases.js'

async function preview(project: string, args: string[], env: Record<string, string> = {}): Promise<PreviewResult> {
  const result = await runInProcess(['preview', '--json', '--project', project, ...args], {cwd: project, env})
  expect(result.code, result.stderr).to.equal(0)
  const json = JSON.parse(result.stdout) as PreviewResult
  expectValid('preview.schema.json', json)
  return json
}

const pick = (object: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((key) => [key, object[key]]))

const events = (json: PreviewResult) => json.requests.map((request) => request.body.event)

/** The bundled example (Kedro 1.5.0), copied, with `files` added. */
function example(files: Record<string, string> = {}): string {
  const project = path.join(tempDir('kc-outcome-'), 'spaceflights')
  cpSync(EXAMPLE, project, {recursive: true})
  writeFiles(project, files)
  return project
}

const PLAIN = 'version: 1\nformatters:\n  short:\n    format: "%(levelname)s %(message)s"\nhandlers:\n  console:\n    class: logging.StreamHandler\n    formatter: short\nroot:\n  handlers: [console]\n'

describe('what decides the outcome, release by release', () => {
  after(removeTempDirs)

  describe('the logging configuration, applied before anything else', () => {
    it('a formatter factory, a handler class or a formatter the configuration lacks stops kedro: nothing is sent', async () => {
      const broken = {
        '()': 'version: 1\nformatters:\n  f:\n    (): spaceflights.log_format.nothing_here\nhandlers:\n  h:\n    class: logging.StreamHandler\n    formatter: f\nroot:\n  handlers: [h]\n',
        class: 'version: 1\nhandlers:\n  h:\n    class: spaceflights.handlers.Missing\nroot:\n  handlers: [h]\n',
        formatter: 'version: 1\nhandlers:\n  h:\n    class: logging.StreamHandler\n    formatter: nowhere\nroot:\n  handlers: [h]\n',
        folder: 'version: 1\nhandlers:\n  h:\n    class: logging.FileHandler\n    filename: no/such/folder/info.log\nroot:\n  handlers: [h]\n',
        format: 'version: 1\nformatters:\n  f:\n    format: "no field"\n',
        stdlib: 'version: 1\nhandlers:\n  h:\n    class: logging.handlers.NoSuchHandler\n',
      }
      for (const [what, config] of Object.entries(broken)) {
        const json = await preview(example({'conf/logging.yml': config, 'src/spaceflights/log_format.py': 'def plain():\n    pass\n'}), ['info'])
        expect(events(json), what).to.deep.equal([])
        expect(json.warnings.join(' '), what).to.match(/logging\.config\.dictConfig refuses conf\/logging\.yml .*nothing is sent/)
      }
    })

    it('from 0.19.0 to 1.0.x, a configuration without a loggers mapping stops kedro as it bootstraps the project (seen with the real 0.19.14)', async () => {
      const noLoggers = PLAIN
      const pyproject = (release: string) => readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8').replace('kedro_init_version = "1.5.0"', `kedro_init_version = "${release}"`)
      for (const release of ['0.19.14', '1.0.0']) {
        const json = await preview(example({'conf/logging.yml': noLoggers, 'pyproject.toml': pyproject(release)}), ['--kedro-version', release, 'info'])
        expect(events(json), release).to.deep.equal([])
        expect(json.warnings.join(' '), release).to.include('has no loggers mapping, which Kedro')
      }

      // With one, or from 1.1.0 on (`.get("loggers", {})`), it goes on.
      const withLoggers = `${noLoggers}loggers:\n  kedro:\n    level: INFO\n`
      expect(events(await preview(example({'conf/logging.yml': withLoggers, 'pyproject.toml': pyproject('0.19.14')}), ['--kedro-version', '0.19.14', 'info']))).to.deep.equal(['CLI command'])
      expect(events(await preview(example({'conf/logging.yml': noLoggers}), ['info']))).to.deep.equal(['CLI command'])
    })

    it('a valid one changes nothing; one naming the project\'s own class, or another package\'s, makes the event estimated', async () => {
      expect(events(await preview(example({'conf/logging.yml': PLAIN}), ['info']))).to.deep.equal(['CLI command'])
      const own = await preview(example({
        'conf/logging.yml': 'version: 1\nhandlers:\n  h:\n    class: spaceflights.handlers.Ship\nroot:\n  handlers: [h]\n',
        'src/spaceflights/handlers.py': 'import logging\n\n\nclass Ship(logging.Handler):\n    pass\n',
      }), ['info'])
      expect(events(own)).to.deep.equal(['CLI command'])
      expect(own.estimated).to.include('event')
      const other = await preview(example({'conf/logging.yml': PLAIN.replace('logging.StreamHandler', 'pythonjsonlogger.Handler')}), ['info'])
      expect(other.estimated).to.include('event')
    })

    it('where kedro\'s environment is read, a class from a package it lacks stops kedro: nothing is sent (seen with the real 0.19.14)', async () => {
      const site = '.venv/lib/python3.11/site-packages'
      const environment = {
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n', [`${site}/pythonjsonlogger/__init__.py`]: '',
        'src/spaceflights/handlers.py': 'import logging\n\n\nclass Ship(logging.Handler):\n    pass\n',
      }
      const withHandler = (handler: string) => example({...environment, 'conf/logging.yml': PLAIN.replace('logging.StreamHandler', handler)})
      // The project's folder is not on sys.path as kedro configures logging: `src.` or the package, unless installed.
      for (const handler of ['src.spaceflights.handlers.Ship', 'spaceflights.handlers.Ship', 'json_log_formatter.Handler']) {
        const json = await preview(withHandler(handler), ['--no-python', 'info'])
        expect(events(json), handler).to.deep.equal([])
        expect(json.warnings.join(' '), handler).to.match(/No module named '\w+' where kedro runs/)
      }

      // Installed, the project's class is found however its module binds it (read with the Python parser).
      for (const binding of ['from . ships import Ship\n', 'if True:\n    class Ship(logging.Handler):\n        pass\n', '@decorate\nclass Ship:\n    pass\n']) {
        const own = example({
          ...environment, 'conf/logging.yml': PLAIN.replace('logging.StreamHandler', 'spaceflights.handlers.Ship'),
          [`${site}/spaceflights/__init__.py`]: '', 'src/spaceflights/handlers.py': `import logging\n${binding}`,
        })
        const json = await preview(own, ['--no-python', 'info'])
        expect(events(json), binding).to.deep.equal(['CLI command'])
        expect(json.estimated, binding).to.include('event')
      }

      const installed = await preview(withHandler('pythonjsonlogger.Handler'), ['--no-python', 'info'])
      expect(events(installed)).to.deep.equal(['CLI command'])
      expect(installed.estimated).to.include('event')
    })

    it('conf/logging.yml counts, conf/logging.yaml from Kedro 1.3.0 on; a `()` key is refused from 1.4.0', async () => {
      const project = example({'conf/logging.yml': 'version: 7\n'})
      expect(events(await preview(project, ['--kedro-version', '1.5.0', 'info']))).to.deep.equal([])
      const yaml = example({'conf/logging.yaml': 'version: 7\n'})
      expect(events(await preview(yaml, ['--kedro-version', '1.3.0', 'info']))).to.deep.equal([])
      expect(events(await preview(yaml, ['--kedro-version', '1.2.0', 'info']))).to.deep.equal(['CLI command'])
      const factory = example({'conf/logging.yml': 'version: 1\nformatters:\n  f:\n    (): logging.Formatter\n'})
      expect(events(await preview(factory, ['--kedro-version', '1.3.1', 'info']))).to.deep.equal(['CLI command'])
      expect(events(await preview(factory, ['--kedro-version', '1.4.0', 'info']))).to.deep.equal([])
      // KEDRO_LOGGING_CONFIG is read by every release, a missing file included.
      expect(events(await preview(example(), ['info'], {KEDRO_LOGGING_CONFIG: 'nosuch.yml'}))).to.deep.equal([])
    })
  })

  describe('the project metadata each release requires', () => {
    it('Kedro 0.18.0 to 0.18.4 read project_version; 0.18.5 to 0.18.14 either key; 0.19 on only kedro_init_version', async () => {
      const root = tempDir('kc-outcome-')
      const project = path.join(root, 'old')
      mkdirSync(project)
      const pyproject = (key: string, version: string) => `[tool.kedro]\npackage_name = "old"\nproject_name = "old"\n${key} = "${version}"\n`
      writeFiles(project, {'pyproject.toml': pyproject('project_version', '0.18.3'), 'src/old/__init__.py': ''})
      expect(events(await preview(project, ['--kedro-version', '0.18.3', '--telemetry-version', '0.3.2', '--ignore-consent', 'info']))).to.include('CLI command')
      writeFiles(project, {'pyproject.toml': pyproject('kedro_init_version', '0.18.3')})
      const refused = await preview(project, ['--kedro-version', '0.18.3', '--telemetry-version', '0.3.2', '--ignore-consent', 'info'])
      expect(events(refused)).to.deep.equal([])
      expect(refused.warnings.join(' ')).to.match(/lacks project_version: Kedro 0\.18\.3 refuses to start/)
      writeFiles(project, {'pyproject.toml': pyproject('kedro_init_version', '0.18.14')})
      expect(events(await preview(project, ['--kedro-version', '0.18.14', '--telemetry-version', '0.3.2', '--ignore-consent', 'info']))).to.include('CLI command')
      // A key the release's ProjectMetadata does not take ("Found unexpected keys"): tools and example_pipeline before 0.19.
      writeFiles(project, {'pyproject.toml': `${pyproject('kedro_init_version', '0.18.14')}tools = "['Linting']"\n`})
      const unexpected = await preview(project, ['--kedro-version', '0.18.14', '--telemetry-version', '0.3.2', '--ignore-consent', 'info'])
      expect(events(unexpected)).to.deep.equal([])
      expect(unexpected.warnings.join(' ')).to.match(/\[tool\.kedro\] in pyproject\.toml has tools, which Kedro 0\.18\.14 does not accept/)
    })
  })

  describe('kedro-telemetry\'s hooks', () => {
    it('DISABLE_HOOKS_FOR_PLUGINS naming kedro-telemetry leaves only CLI command, run included', async () => {
      const project = example({'src/spaceflights/settings.py': 'DISABLE_HOOKS_FOR_PLUGINS = ("kedro-telemetry",)\n'})
      const json = await preview(project, ['run'])
      expect(events(json)).to.deep.equal(['CLI command'])
      expect(json.warnings.join(' ')).to.match(/DISABLE_HOOKS_FOR_PLUGINS/)
      const other = example({'src/spaceflights/settings.py': 'DISABLE_HOOKS_FOR_PLUGINS = ("kedro-viz",)\n'})
      expect(events(await preview(other, ['run']))).to.deep.equal(['Kedro Project Statistics'])
    })

    it('another plugin\'s hooks (kedro.hooks entry points) make the statistics estimated, unless settings.py disables them', async () => {
      const site = '.venv/lib/python3.11/site-packages'
      const installed = {
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/entry_points.txt`]: '[kedro.cli_hooks]\nkedro-telemetry = kedro_telemetry.plugin:telemetry_hook\n\n[kedro.hooks]\nkedro-telemetry = kedro_telemetry.plugin:telemetry_hook\n',
        [`${site}/kedro_viz-12.4.0.dist-info/METADATA`]: 'Name: kedro-viz\nVersion: 12.4.0\n',
        [`${site}/kedro_viz-12.4.0.dist-info/entry_points.txt`]: '[kedro.hooks]\nkedro-dataset-stats = kedro_viz.integrations.kedro.hooks:dataset_stats_hook\n',
        [`${site}/pandas/__init__.py`]: '', ...sklearnStub(site),
      }
      const estimatedEvent = (json: PreviewResult) => json.origins.find((origin) => origin.field === 'event')?.estimated ?? ''
      // kedro-telemetry's own hooks and kedro-viz's (it only keeps the catalog) change nothing.
      const quiet = await preview(example(installed), ['--no-python', 'run'])
      expect(estimatedEvent(quiet)).not.to.match(/registers Kedro hooks/)
      const mlflow = {
        ...installed,
        [`${site}/kedro_mlflow-0.14.4.dist-info/METADATA`]: 'Name: kedro_mlflow\nVersion: 0.14.4\n',
        [`${site}/kedro_mlflow-0.14.4.dist-info/entry_points.txt`]: '[kedro.project_commands]\nmlflow = kedro_mlflow.framework.cli.cli:commands\n\n[kedro.hooks]\nmlflow_hook = kedro_mlflow.framework.hooks:mlflow_hook\n',
      }
      const withPlugin = await preview(example(mlflow), ['--no-python', 'run'])
      expect(events(withPlugin)).to.deep.equal(['Kedro Project Statistics'])
      expect(estimatedEvent(withPlugin)).to.include('kedro_mlflow 0.14.4 registers Kedro hooks (mlflow_hook = kedro_mlflow.framework.hooks:mlflow_hook)')
      // DISABLE_HOOKS_FOR_PLUGINS names the distribution as its metadata does.
      const disabled = await preview(example({...mlflow, 'src/spaceflights/settings.py': 'DISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow",)\n'}), ['--no-python', 'run'])
      expect(estimatedEvent(disabled)).not.to.match(/registers Kedro hooks/)
      // Without an environment, a kedro-* plugin the requirements ask for may register hooks; kedro-viz's do nothing.
      const asked = await preview(example({'requirements.txt': 'kedro~=1.5.0\nkedro-viz>=6.7.0\nkedro-mlflow==0.14.4\n'}), ['run'])
      expect(estimatedEvent(asked)).to.include('requirements.txt:3 asks for kedro-mlflow, which may register Kedro hooks (no environment was read to tell)')
      expect(estimatedEvent(asked)).not.to.match(/kedro-viz/)
      // A venv that also imports the base interpreter's packages: the plugins installed in it are read all the same.
      const shared = await preview(example({...mlflow, '.venv/pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = true\n'}), ['--no-python', 'run'])
      expect(estimatedEvent(shared)).to.include('kedro_mlflow 0.14.4 registers Kedro hooks')
    })
  })

  describe('what kedro-telemetry imports as kedro loads it (kedro_telemetry/plugin.py, each release\'s own)', () => {
    const site = '.venv/lib/python3.11/site-packages'
    /** A virtualenv of its own (no base packages) with kedro and kedro-telemetry `release`, and `modules` beside them. */
    const environment = (release: string, modules: string[]) => ({
      '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro/__init__.py`]: '', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
      [`${site}/kedro_telemetry/__init__.py`]: '', [`${site}/kedro_telemetry-${release}.dist-info/METADATA`]: `Name: kedro-telemetry\nVersion: ${release}\n`,
      ...Object.fromEntries(modules.map((module) => [`${site}/${module}`, ''])),
    })

    it('a module it imports that is not installed stops kedro as it starts: nothing is sent, and the preview says why', async () => {
      const missing = await preview(example(environment('0.8.0', ['appdirs.py', 'requests/__init__.py'])), ['--no-python', 'info'])
      expect(missing.wouldSend).to.equal(false)
      expect(missing.warnings.join(' ')).to.include('kedro-telemetry 0.8.0 imports tomli_w, which is not installed where kedro runs')
      const complete = await preview(example(environment('0.8.0', ['appdirs.py', 'requests/__init__.py', 'tomli_w/__init__.py'])), ['--no-python', 'info'])
      expect(events(complete)).to.deep.equal(['CLI command'])
      // 0.3.2 imports toml, and neither appdirs nor tomli_w.
      const old = await preview(example(environment('0.3.2', ['requests/__init__.py', 'toml/__init__.py'])), ['--no-python', '--kedro-version', '0.18.14', 'info'])
      expect(old.warnings.join(' ')).not.to.match(/imports \w+, which (is|are) not installed/)
    })

    it('is not judged where the folders kedro imports from are not all known (PYTHONPATH, base packages), nor for a release whose source is not public', async () => {
      const bare = environment('0.8.0', [])
      const unread = await preview(example(bare), ['--no-python', 'info'], {PYTHONPATH: '/elsewhere'})
      expect(events(unread)).to.deep.equal(['CLI command'])
      const shared = await preview(example({...bare, '.venv/pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = true\n'}), ['--no-python', 'info'])
      expect(events(shared)).to.deep.equal(['CLI command'])
      const unpublished = await preview(example(environment('0.9.0', ['requests/__init__.py'])), ['--no-python', 'info'])
      expect(events(unpublished)).to.deep.equal(['CLI command'])
      expect(unpublished.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/imports appdirs, tomli_w, which are not installed.*its source is not public/)
    })
  })

  describe('the project\'s settings.py, imported as kedro starts and again as it creates the session', () => {
    const site = '.venv/lib/python3.11/site-packages'
    const environment = {
      '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
      [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n', [`${site}/pandas/__init__.py`]: '',
      ...sklearnStub(site),
    }
    const hooks = (body: string, preamble = '') => ({
      'src/spaceflights/hooks.py': `${preamble}from kedro.framework.hooks import hook_impl\n\n\nclass ProjectHooks:\n    @hook_impl\n${body}`,
      'src/spaceflights/settings.py': 'from spaceflights.hooks import ProjectHooks\n\nHOOKS = (ProjectHooks(),)\n',
    })

    it('one that raises (anything but ImportError), or does not compile, stops kedro as it starts: nothing is sent, whatever the command', async () => {
      for (const settings of ['raise RuntimeError("no")\n', 'CONF_SOURCE = (\n']) {
        for (const command of [['run'], ['info']]) {
          const json = await preview(example({'src/spaceflights/settings.py': settings}), ['--no-python', ...command])
          expect(events(json), `${settings} ${command.join(' ')}`).to.deep.equal([])
          expect(json.warnings.join(' ')).to.match(/importing the project's settings\.py raises .*kedro stops as it starts/)
        }
      }
    })

    it('a module beside the package (src/utils.py) imports: bootstrap_project puts the source folder first on sys.path', async () => {
      const nodes = 'import pandas as pd\nfrom utils import fix_columns\n\n\ndef preprocess_companies(companies):\n    return fix_columns(companies)\n'
      const beside = example({...environment, 'src/spaceflights/pipelines/data_processing/nodes.py': nodes, 'src/utils.py': 'def fix_columns(df):\n    return df\n'})
      const run = await preview(beside, ['--no-python', 'run'])
      expect(events(run)).to.deep.equal(['Kedro Project Statistics'])
      expect(run.warnings.join(' ')).not.to.include('No module named')
      // Without it, the environment (read) has no `utils`: the pipeline fails to import.
      const without = await preview(example({...environment, 'src/spaceflights/pipelines/data_processing/nodes.py': nodes}), ['--no-python', 'run'])
      expect(without.warnings.join(' ')).to.include("No module named 'utils'")
      // A name the module lacks is an ImportError, as for an installed one.
      const lacking = await preview(example({...environment, 'src/spaceflights/pipelines/data_processing/nodes.py': nodes, 'src/utils.py': 'X = 1\n'}), ['--no-python', 'run'])
      expect(lacking.warnings.join(' ')).to.include("cannot import name 'fix_columns' from 'utils'")
    })

    it('an ImportError (a package its hooks need, missing from kedro\'s environment) stops the session: only "CLI command"', async () => {
      const project = example({...environment, ...hooks('    def after_catalog_created(self, catalog):\n        pass\n', 'import mlflow\n')})
      const run = await preview(project, ['--no-python', 'run'])
      expect(events(run)).to.deep.equal(['CLI command'])
      expect(run.estimated).not.to.include('event')
      expect(run.warnings.join(' ')).to.match(/settings\.py raises ModuleNotFoundError: No module named 'mlflow'.*only "CLI command" is sent/)
      // dynaconf swallows it as kedro starts: a command without a session is not stopped.
      expect(events(await preview(project, ['--no-python', 'info']))).to.deep.equal(['CLI command'])
      // Installed, it imports; with no environment read, whether it does is estimated.
      expect(events(await preview(example({...environment, ...hooks('    def after_catalog_created(self, catalog):\n        pass\n', 'import mlflow\n'), [`${site}/mlflow/__init__.py`]: ''}), ['--no-python', 'run'])))
        .to.deep.equal(['Kedro Project Statistics'])
      const unread = await preview(example({'src/spaceflights/hooks.py': 'import mlflow\n', 'src/spaceflights/settings.py': 'from spaceflights.hooks import *\n'}), ['--no-python', 'run'])
      expect(events(unread)).to.deep.equal(['Kedro Project Statistics'])
      expect(unread.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/spaceflights\.hooks imports mlflow, which the environment \(not read\) may lack: then importing the settings raises ImportError/)
      // PYTHONPATH adds folders only the interpreter reads: the missing package may be there.
      const pythonPath = await preview(project, ['--no-python', 'run'], {PYTHONPATH: '/opt/shared-packages'})
      expect(events(pythonPath)).to.deep.equal(['Kedro Project Statistics'])
      expect(pythonPath.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/imports mlflow, which the environment \(not read\) may lack/)
    })

    it('os.environ["NAME"] as settings.py runs raises KeyError when NAME is not set: nothing is sent', async () => {
      const settings = 'import os\n\n\ndef later():\n    return os.environ["NEVER_READ"]\n\n\nCONF_SOURCE = os.environ.get("OTHER", "conf")\nSOURCE = os.environ["KC_CONF"]\n'
      const unset = await preview(example({'src/spaceflights/settings.py': settings}), ['--no-python', 'run'])
      expect(events(unset)).to.deep.equal([])
      expect(unset.warnings.join(' ')).to.match(/src\/spaceflights\/settings\.py:9: KeyError: 'KC_CONF'.*kedro stops as it starts/)
      const set = await preview(example({'src/spaceflights/settings.py': settings}), ['--no-python', 'run'], {KC_CONF: 'conf'})
      expect(events(set)).to.deep.equal(['Kedro Project Statistics'])
      // Part of an expression it still runs; under a branch, a `try` or a short-circuit it may not.
      expect(events(await preview(example({'src/spaceflights/settings.py': 'import os\nSOURCE = "conf/" + os.environ["KC_CONF"]\n'}), ['--no-python', 'run']))).to.deep.equal([])
      for (const guarded of ['if os.getenv("CI"):\n    SOURCE = os.environ["KC_CONF"]\n', 'try:\n    SOURCE = os.environ["KC_CONF"]\nexcept KeyError:\n    SOURCE = "conf"\n', 'SOURCE = "KC_CONF" in os.environ and os.environ["KC_CONF"]\n']) {
        const maybe = await preview(example({'src/spaceflights/settings.py': `import os\n${guarded}`}), ['--no-python', 'run'])
        expect(events(maybe), guarded).to.deep.equal(['Kedro Project Statistics'])
        expect(maybe.origins.find((origin) => origin.field === 'event')?.estimated, guarded).to.match(/reads os\.environ\["KC_CONF"\], which is not set, on a condition not followed here/)
      }

      const computed = await preview(example({'src/spaceflights/settings.py': 'import os\nNAME = "KC_" + "CONF"\nSOURCE = os.environ[NAME]\n'}), ['--no-python', 'run'])
      expect(computed.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/settings\.py:3 reads os\.environ\[NAME\], a key not followed here/)
    })

    it('os.environ["NAME"] = ... sets NAME (it is not a read); a read after something that may set it is unsure', async () => {
      const settings = (text: string) => preview(example({'src/spaceflights/settings.py': `import os\n${text}`}), ['--no-python', 'run'])
      const doubt = (result: PreviewResult) => result.origins.find((origin) => origin.field === 'event')?.estimated ?? ''
      const set = await settings('os.environ["KC_CONF"] = "conf"\nSOURCE = os.environ["KC_CONF"]\n')
      expect(events(set)).to.deep.equal(['Kedro Project Statistics'])
      expect(doubt(set)).not.to.match(/KC_CONF/)
      // Python evaluates the value first: reading the name it sets still raises.
      expect(events(await settings('os.environ["KC_CONF"] = os.environ["KC_CONF"]\n'))).to.deep.equal([])
      for (const change of ['from dotenv import load_dotenv\nload_dotenv()\n', 'os.environ.update({"A": "b"})\n', 'if os.getenv("CI"):\n    os.environ["KC_CONF"] = "conf"\n']) {

        const maybe = await settings(`${change}SOURCE = os.environ["KC_CONF"]\n`)
        expect(events(maybe), change).to.deep.equal(['Kedro Project Statistics'])
        expect(doubt(maybe), change).to.match(/reads os\.environ\["KC_CONF"\], which is not set in kedro's environment but may be by then/)
      }

      // A package the environment (not read) may lack is imported first: its ImportError, which kedro survives, may come first.
      const importFirst = await settings('import somepackage\nSOURCE = os.environ["KC_CONF"]\n')
      expect(events(importFirst)).to.deep.equal(['Kedro Project Statistics'])
      expect(doubt(importFirst)).to.match(/KeyError: 'KC_CONF'.*unless an import before it fails first/)
    })

    it('of a KeyError and an ImportError, whichever runs first decides: nothing sent, or only "CLI command"', () => {
      const root = example()
      const settings = (files: Record<string, string>) => {
        writeFiles(root, files)
        return importSettings({environment: {}, kedroRelease: kedro('1.5.0'), packageName: 'spaceflights', projectRoot: root, pythonVersion: null, sitePackages: null, sourceDir: 'src'})
      }

      const read = 'import os\nSOURCE = os.environ["KC_CONF"]\n'
      const failingImport = 'from kedro.config import TemplatedConfigLoader\n'
      expect(settings({'src/spaceflights/settings.py': read + failingImport})).to.include({importError: false, kind: 'fails'})
      // Nothing after the failing import runs, so its os.environ read never does.
      expect(settings({'src/spaceflights/settings.py': failingImport + read})).to.include({importError: true, kind: 'fails'})
      // A module imported before the failing statement ran to its end, its read included.
      expect(settings({
        'src/spaceflights/early.py': read, 'src/spaceflights/settings.py': `from spaceflights import early\n${failingImport}`,
      })).to.deep.equal({error: "src/spaceflights/early.py:2: KeyError: 'KC_CONF' (os.environ, the variable is not set)", importError: false, kind: 'fails'})
    })

    it('Kedro 0.18 reads ${...} with its default ConfigLoader as written; CONFIG_LOADER_CLASS = OmegaConfigLoader resolves it', async () => {
      const project = example({'conf/base/catalog.yml': 'a:\n  type: pandas.CSVDataSet\n  filepath: ${base_path}/a.csv\n'})
      const pyproject = path.join(project, 'pyproject.toml')
      writeFileSync(pyproject, readFileSync(pyproject, 'utf8').replace(/^(tools|example_pipeline) = .*\n/gm, '').replace(/^kedro_init_version = .*$/m, 'kedro_init_version = "0.18.14"'))
      const plain = await preview(project, ['--no-python', '--kedro-version', '0.18.14', '--telemetry-version', '0.6.3', 'run'])
      expect(events(plain)).to.deep.equal(['Kedro Project Statistics'])
      writeFiles(project, {'src/spaceflights/settings.py': 'from kedro.config import OmegaConfigLoader\n\nCONFIG_LOADER_CLASS = OmegaConfigLoader\n'})
      const omega = await preview(project, ['--no-python', '--kedro-version', '0.18.14', '--telemetry-version', '0.6.3', 'run'])
      expect(events(omega)).to.deep.equal(['CLI command'])
      expect(omega.warnings.join(' ')).to.match(/InterpolationKeyError/)
    })

    it('Kedro 0.18\'s session applies conf/<env>/logging*: one dictConfig refuses stops kedro before the catalog (seen with the real 0.18.14)', async () => {
      const site = '.venv/lib/python3.11/site-packages'
      const project = example({
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-0.18.14.dist-info/METADATA`]: 'Name: kedro\nVersion: 0.18.14\n',
        [`${site}/kedro_telemetry-0.3.2.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.3.2\n', [`${site}/pandas/__init__.py`]: '',
        ...sklearnStub(site),
      })
      const pyproject = path.join(project, 'pyproject.toml')
      const old = readFileSync(pyproject, 'utf8').replace(/^(tools|example_pipeline) = .*\n/gm, '')
      writeFileSync(pyproject, old.replace(/^kedro_init_version = .*$/m, 'kedro_init_version = "0.18.14"'))
      const json = PLAIN.replace('format: "%(levelname)s %(message)s"', 'format: "%(message)s"\n    class: pythonjsonlogger.jsonlogger.JsonFormatter')
      const run = async (release: string, files: Record<string, string>) => {
        writeFiles(project, files)
        const result = await preview(project, ['--no-python', '--kedro-version', release, '--telemetry-version', '0.6.3', 'run'])
        const eventDoubt = result.origins.find((origin) => origin.field === 'event')?.estimated ?? ''
        return {estimated: result.estimated, eventDoubt, events: events(result), warnings: result.warnings.join(' ')}
      }

      expect((await run('0.18.14', {'conf/base/logging.yml': PLAIN})).events).to.deep.equal(['Kedro Project Statistics'])
      const refused = await run('0.18.14', {'conf/base/logging.yml': json})
      expect(refused.events).to.deep.equal(['CLI command'])
      expect(refused.warnings).to.match(/KedroSession\.create applies the project's logging configuration .*No module named 'pythonjsonlogger'/)
      // The run environment's file replaces base's keys; one the loader cannot read fails as the catalog would.
      expect((await run('0.18.14', {'conf/local/logging.yml': 'formatters:\n  short:\n    format: "%(message)s"\n'})).events).to.deep.equal(['Kedro Project Statistics'])
      expect((await run('0.18.14', {'conf/local/logging.yml': 'formatters: {}\n'})).warnings).to.match(/Unable to configure handler 'console'/)
      expect((await run('0.18.14', {'conf/local/logging.yml': 'version: 2\n'})).events).to.deep.equal(['CLI command'])
      // Where settings.py is not followed, the configuration may be elsewhere: the refusal is then only likely.
      const settingsPath = path.join(project, 'src/spaceflights/settings.py')
      const settingsText = readFileSync(settingsPath, 'utf8')
      const unread = await run('0.18.14', {'src/spaceflights/settings.py': 'import os\n\nCONF_SOURCE = os.environ.get("KEDRO_CONF", "conf")\n'})
      expect(unread.events).to.deep.equal(['Kedro Project Statistics'])
      expect(unread.eventDoubt).to.match(/KedroSession\.create applies the project's logging configuration .*, with the configuration where this tool looked/)
      writeFileSync(settingsPath, settingsText)
      // Installed, the class may be there: the statistics go out, the event estimated.
      writeFiles(project, {[`${site}/pythonjsonlogger/__init__.py`]: '', 'conf/local/logging.yml': ''})
      const installed = await run('0.18.14', {})
      expect(installed.events).to.deep.equal(['Kedro Project Statistics'])
      expect(installed.estimated).to.include('event')
      // From 0.19.0 the session no longer applies it.
      rmSync(path.join(project, site, 'pythonjsonlogger'), {recursive: true})
      writeFileSync(pyproject, old.replace(/^kedro_init_version = .*$/m, 'kedro_init_version = "0.19.14"'))
      expect((await run('0.19.14', {})).events).to.deep.equal(['Kedro Project Statistics'])
    })

    it('settings.py\'s own functions and imports are bound, so its custom resolvers are read; one not followed leaves a failing catalog estimated', async () => {
      const settingsPy = (args: string) => [
        'from datetime import datetime', 'from kedro.config import OmegaConfigLoader', '',
        'def month(period):', '    return datetime.strptime(period, "%Y-%m-%d").strftime("%Y%m")', '',
        'CONFIG_LOADER_CLASS = OmegaConfigLoader', `CONFIG_LOADER_ARGS = ${args}`, '',
      ].join('\n')
      const catalog = 'companies:\n  type: pandas.CSVDataset\n  filepath: data/${runtime_params:product}/${month:${runtime_params:day}}.csv\n'
      // Seen with the real 0.19.14 (a public project): the runtime parameter without a default stops kedro.
      const read = await preview(example({'conf/base/catalog.yml': catalog, 'src/spaceflights/settings.py': settingsPy('{"custom_resolvers": {"month": month}}')}), ['run'])
      expect(events(read)).to.deep.equal(['CLI command'])
      expect(read.warnings.join(' ')).to.match(/Runtime parameter 'product' not found/)
      const unread = await preview(example({'conf/base/catalog.yml': catalog, 'src/spaceflights/settings.py': settingsPy('datetime.loader_args')}), ['run'])
      expect(events(unread)).to.deep.equal(['Kedro Project Statistics'])
      expect(unread.estimated).to.include('event')
    })

    it('a dataset class of another package fails where kedro\'s environment lacks that package (seen with the real 0.18.14)', async () => {
      const site = '.venv/lib/python3.11/site-packages'
      const project = example({
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n', ...sklearnStub(site),
      })
      cpSync(ORACLE_SITE_PACKAGES, path.join(project, site), {recursive: true})
      const catalog = readFileSync(path.join(project, 'conf/base/catalog.yml'), 'utf8')
      const withEntry = async (type: string) => {
        writeFiles(project, {'conf/base/catalog.yml': `${catalog}\ntracked:\n  type: ${type}\n  filepath: data/08_reporting/tracked.pkl\n`})
        const json = await preview(project, ['--no-python', 'run'])
        return {estimated: json.estimated, events: events(json), warnings: json.warnings.join(' ')}
      }

      expect((await withEntry('pickle.PickleDataset')).events).to.deep.equal(['Kedro Project Statistics'])
      // Kedro tries kedro.io., kedro_datasets., then the type as a module path: none imports.
      for (const [type, missing] of [['kedro_mlflow.io.artifacts.MlflowArtifactDataset', 'kedro_mlflow'], ['mylib.TrackedDataset', 'mylib']]) {
        const absent = await withEntry(type)
        expect(absent.events, type).to.deep.equal(['CLI command'])
        expect(absent.warnings, type).to.include(`needs ${missing}, which is not installed`)
      }

      // Installed, the class may be there: the statistics, estimated.
      writeFiles(project, {[`${site}/kedro_mlflow/__init__.py`]: ''})
      const installed = await withEntry('kedro_mlflow.io.artifacts.MlflowArtifactDataset')
      expect(installed.events).to.deep.equal(['Kedro Project Statistics'])
      expect(installed.estimated).to.include('event')
      // A kedro-datasets subpackage without the class: no module path of its own saves it.
      expect((await withEntry('pandas.NoSuchDataset')).events).to.deep.equal(['CLI command'])
      // A Kedro module or kedro.io name the release does not have (kedro.extras went in 0.19.0).
      for (const type of ['kedro.io.NoSuchDataset', 'kedro.extras.datasets.pandas.CSVDataSet']) {
        const invalid = await withEntry(type)
        expect(invalid.events, type).to.deep.equal(['CLI command'])
        expect(invalid.warnings, type).to.match(/Kedro 1\.5\.0('s kedro\.io)? has no/)
      }

      // Nothing in the standard library, or in what Kedro is built on, extends AbstractDataset.
      for (const type of ['collections.OrderedDict', 'fsspec.AbstractFileSystem']) {
        const invalid = await withEntry(type)
        expect(invalid.events, type).to.deep.equal(['CLI command'])
        expect(invalid.warnings, type).to.match(/holds no Kedro dataset class/)
      }
    })

    it('Kedro 0.18\'s repeatable --tag and --node split at commas and keep empty and spaced items, which match no node', async () => {
      const project = example()
      const pyproject = path.join(project, 'pyproject.toml')
      writeFileSync(pyproject, readFileSync(pyproject, 'utf8').replace(/^(tools|example_pipeline) = .*\n/gm, '').replace(/^kedro_init_version = .*$/m, 'kedro_init_version = "0.18.14"'))
      const on018 = (args: string[]) => preview(project, ['--no-python', '--kedro-version', '0.18.14', '--telemetry-version', '0.6.3', 'run', ...args])
      // Checked with the real Kedro 0.18.14: each of these stops kedro before the statistics.
      for (const args of [['--tag', ''], ['--node', ''], ['--node', 'preprocess_companies_node, preprocess_shuttles_node']]) {
        expect(events(await on018(args)), args.join(' ')).to.deep.equal(['CLI command'])
      }

      // --tags and --nodes (0.18.5 on) trim their items and drop empty ones, as from 0.19 on.
      expect(events(await on018(['--tags', '']))).to.deep.equal(['Kedro Project Statistics'])
      expect(events(await on018(['--nodes', 'preprocess_companies_node, preprocess_shuttles_node']))).to.deep.equal(['Kedro Project Statistics'])
    })

    it('a registry that returns None fails; one that returns another non-dict, or no package folder, makes the event estimated', async () => {
      const eventDoubt = async (project: string) => (await preview(project, ['--no-python', 'run'])).origins.find((origin) => origin.field === 'event')?.estimated ?? ''
      expect(await eventDoubt(example({'src/spaceflights/pipeline_registry.py': 'def register_pipelines():\n    return []\n'}))).to.match(/register_pipelines\(\) returns a list, not a dict/)
      // None is certain: the real 0.18.14 to 1.5.0 all sent only "CLI command".
      const none = await preview(example({'src/spaceflights/pipeline_registry.py': 'def register_pipelines():\n    return None\n'}), ['--no-python', 'run'])
      expect(events(none)).to.deep.equal(['CLI command'])
      expect(none.warnings.join(' ')).to.match(/register_pipelines\(\) returned None/)
      const moved = example()
      rmSync(path.join(moved, 'src/spaceflights'), {force: true, recursive: true})
      expect(await eventDoubt(moved)).to.match(/there is no package folder src\/spaceflights/)
      // With kedro's environment read, a package that is in neither place is a certain ModuleNotFoundError.
      const nowhere = example(environment)
      rmSync(path.join(nowhere, 'src/spaceflights'), {force: true, recursive: true})
      const missing = await preview(nowhere, ['--no-python', 'run'])
      expect(events(missing)).to.deep.equal(['CLI command'])
      expect(missing.warnings.join(' ')).to.include("ModuleNotFoundError: No module named 'spaceflights' (there is no src/spaceflights, nor is it installed)")
      expect(await eventDoubt(example())).not.to.match(/register_pipelines\(\)|package folder/)
    })

    it('a context, catalog or loader class of the project\'s own makes the counts estimated; Kedro\'s own do not', async () => {
      const own = await preview(example({
        'src/spaceflights/context.py': 'from kedro.framework.context import KedroContext\n\n\nclass ShopContext(KedroContext):\n    pass\n',
        'src/spaceflights/settings.py': 'from spaceflights.context import ShopContext\n\nCONTEXT_CLASS = ShopContext\n',
      }), ['--no-python', 'run'])
      expect(own.origins.find((origin) => origin.field === 'properties.number_of_datasets')?.estimated).to.match(/settings\.py sets CONTEXT_CLASS to ShopContext, a class of the project's own/)
      const kedros = await preview(example({'src/spaceflights/settings.py': 'from kedro.config import OmegaConfigLoader\nfrom kedro.io import DataCatalog\n\nCONFIG_LOADER_CLASS = OmegaConfigLoader\nDATA_CATALOG_CLASS = DataCatalog\n'}), ['--no-python', 'run'])
      expect(kedros.estimated).not.to.include('properties.number_of_datasets')
    })

    it('a name a release\'s Kedro module lacks is an ImportError, from that release\'s own module names', () => {
      const root = example({'src/spaceflights/settings.py': 'from kedro.config import TemplatedConfigLoader\n\nCONFIG_LOADER_CLASS = TemplatedConfigLoader\n'})
      const settings = (kedroVersion: string) => importSettings({environment: {}, kedroRelease: kedro(kedroVersion), packageName: 'spaceflights', projectRoot: root, pythonVersion: null, sitePackages: null, sourceDir: 'src'})
      // Removed in 0.19.0; a submodule imports too (`from kedro.config import templated_config`).
      expect(settings('0.18.14')).to.deep.equal({kind: 'imports', unsure: []})
      expect(settings('0.19.0')).to.deep.equal({error: "ImportError: cannot import name 'TemplatedConfigLoader' from 'kedro.config'", importError: true, kind: 'fails'})
      expect(settings('1.5.0')).to.include({importError: true, kind: 'fails'})
      writeFiles(root, {'src/spaceflights/settings.py': 'from kedro.config import templated_config\nfrom kedro.framework.session.store import ShelveStore\n'})
      expect(settings('0.18.3')).to.deep.equal({kind: 'imports', unsure: []})
      expect(settings('0.18.4')).to.include({error: "ImportError: cannot import name 'ShelveStore' from 'kedro.framework.session.store'"})
    })

    it('a project hook after_context_created runs before the catalog: the statistics are estimated; after_catalog_created runs after kedro-telemetry\'s', async () => {
      const early = await preview(example({...environment, ...hooks('    def after_context_created(self, context):\n        self.context = context\n')}), ['--no-python', 'run'])
      expect(events(early)).to.deep.equal(['Kedro Project Statistics'])
      expect(early.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/after_context_created \(src\/spaceflights\/hooks\.py:6\) runs before the catalog is built/)
      for (const files of [
        hooks('    def after_catalog_created(self, catalog):\n        raise RuntimeError("late")\n'),
        {...hooks('    def after_context_created(self, context):\n        pass\n'), 'src/spaceflights/settings.py': 'from spaceflights.hooks import ProjectHooks\n\nHOOKS = ()\n'},
      ]) {
        const late = await preview(example({...environment, ...files}), ['--no-python', 'run'])
        expect(events(late)).to.deep.equal(['Kedro Project Statistics'])
        expect(late.origins.find((origin) => origin.field === 'event')?.estimated ?? '').not.to.match(/project hook/)
      }
    })
  })

  describe('what click and kedro run refuse before the session', () => {
    it('an extra argument, --params key:value, a malformed --load-versions, an unknown runner, --pipeline with --pipelines', async () => {
      const project = example()
      for (const args of [['run', 'extra'], ['run', '--params', 'lr:0.1'], ['run', '--load-versions', 'bad'], ['run', '--runner', 'NoSuchRunner'], ['run', '--pipeline', 'a', '--pipelines', 'b']]) {
        const json = await preview(project, args)
        expect(events(json), args.join(' ')).to.deep.equal(['CLI command'])
        expect(json.warnings.join(' '), args.join(' ')).to.match(/only "CLI command" is sent/)
      }

      // A short option with its value attached is click's, and runs; the pipeline it names is the one looked up.
      expect(events(await preview(project, ['run', '-pdata_science']))).to.deep.equal(['Kedro Project Statistics'])
      expect(events(await preview(project, ['run', '-pds']))).to.deep.equal(['CLI command'])
      // --load-versions names datasets the catalog must have (or a pattern must match): DatasetNotFoundError otherwise.
      const unknownVersion = await preview(project, ['run', '--load-versions', 'nosuch:2024-01-01T00.00.00.000Z'])
      expect(events(unknownVersion)).to.deep.equal(['CLI command'])
      expect(unknownVersion.warnings.join(' ')).to.match(/'load_versions' keys \[nosuch\] are not found in the catalog/)
      expect(events(await preview(project, ['run', '--load-versions', 'companies:2024-01-01T00.00.00.000Z']))).to.deep.equal(['Kedro Project Statistics'])
      // As click gives them: `-e=local` names the environment "=local", which does not exist (seen with the real
      // 0.18.14 to 1.5.0); a single-valued option given twice keeps the last (the real 1.5.0 loaded only that one).
      expect(events(await preview(project, ['run', '-e=local']))).to.deep.equal(['CLI command'])
      expect(events(await preview(project, ['run', '-elocal']))).to.deep.equal(['Kedro Project Statistics'])
      const twice = await preview(project, ['run', '--pipeline', 'data_science', '--pipeline', 'data_processing'])
      const last = await preview(project, ['run', '--pipeline', 'data_processing'])
      expect(twice.requests[0].body.properties).to.deep.include(pick(last.requests[0].body.properties, ['number_of_nodes', 'number_of_pipelines']))
      expect(events(await preview(project, ['run', '--load-versions', 'bad', '--load-versions', 'companies:1']))).to.deep.equal(['Kedro Project Statistics'])
      // run's --pipeline is one name as typed (no callback): spaces and commas are part of it. --pipelines is split and
      // stripped; --nodes goes through split_node_names, where `,,` is the one name ",". Seen with the real 0.18.14 to 1.5.0.
      for (const args of [['run', '--pipeline', 'data_science '], ['run', '-p', ' data_science'], ['run', '--pipeline', 'data_science,data_processing'], ['run', '--nodes', ',,']]) {
        expect(events(await preview(project, args)), args.join(' ')).to.deep.equal(['CLI command'])
      }

      expect(events(await preview(project, ['run', '--pipelines', ' data_science , data_processing']))).to.deep.equal(['Kedro Project Statistics'])
    })

    it('split_node_names as kedro has it: commas inside brackets stay, a comma with nothing before it is text', () => {
      expect(splitNodeNames('a,b')).to.deep.equal(['a', 'b'])
      expect(splitNodeNames(' a , b ')).to.deep.equal(['a', 'b'])
      expect(splitNodeNames('f([x,y]) -> [z],b')).to.deep.equal(['f([x,y]) -> [z]', 'b'])
      expect(splitNodeNames(',,')).to.deep.equal([','])
      expect(splitNodeNames('a,,b')).to.deep.equal(['a', ',b'])
      expect(splitNodeNames('a, ,b')).to.deep.equal(['a', '', 'b'])
      expect(splitNodeNames('')).to.deep.equal([])
    })

    it('Kedro 0.18\'s repeatable --load-version names datasets the catalog must have too', async () => {
      const project = example({
        '.telemetry': 'consent: true\n',
        // Kedro 0.18 refuses [tool.kedro] keys it does not know (tools, example_pipeline).
        'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8').replace('kedro_init_version = "1.5.0"', 'kedro_init_version = "0.18.14"')
          .replaceAll(/^(?:tools|example_pipeline) = .*\n/gm, ''),
      })
      const old = (args: string[]) => preview(project, ['--kedro-version', '0.18.14', '--telemetry-version', '0.3.2', '--no-python', ...args])
      expect(events(await old(['run', '--load-version', 'nosuch:1']))).to.deep.equal(['Command run: run', 'CLI command'])
      expect(events(await old(['run', '-lv', 'companies:1,x']))).to.deep.equal(['Command run: run', 'CLI command', 'Kedro Project Statistics'])
    })

    it('a dotted --runner imports its module first: from the project, the release\'s Kedro or the environment', async () => {
      const site = '.venv/lib/python3.11/site-packages'
      const project = example({
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n', [`${site}/pandas/__init__.py`]: '',
        ...sklearnStub(site), 'src/spaceflights/runners.py': 'from kedro.runner import SequentialRunner\n\n\nclass Mine(SequentialRunner):\n    pass\n',
      })
      const outcome = async (runner: string) => {
        const json = await preview(project, ['--no-python', 'run', '--runner', runner])
        return {estimated: json.origins.find((origin) => origin.field === 'event')?.estimated ?? '', events: events(json), warnings: json.warnings.join(' ')}
      }

      for (const [runner, error] of [
        ['mymod.Nope', "ModuleNotFoundError: No module named 'mymod'"], ['kedro.nope.X', "ModuleNotFoundError: No module named 'kedro.nope'"],
        ['spaceflights.nope.X', "ModuleNotFoundError: No module named 'spaceflights.nope'"], ['spaceflights.runners.Other', "AttributeError: module 'spaceflights.runners' has no attribute 'Other'"],
        // importlib.import_module refuses an empty or relative module name before it imports anything.
        ['.SequentialRunner', 'ValueError: Empty module name'], ['..runner.X', "TypeError: the 'package' argument is required to perform a relative import for '..runner'"],
      ]) {
        const refused = await outcome(runner)
        expect(refused.events, runner).to.deep.equal(['CLI command'])
        expect(refused.warnings, runner).to.include(`loading the runner ${runner} raises ${error} before the session starts`)
      }

      for (const runner of ['spaceflights.runners.Mine', 'kedro.runner.ThreadRunner']) expect((await outcome(runner)).events, runner).to.deep.equal(['Kedro Project Statistics'])
      // kedro.runner's other names load, but none takes is_async= alone (seen with the real 0.19.5 to 1.5.0).
      for (const runner of ['AbstractRunner', 'run_node', 'kedro.runner.Task']) {
        const other = await outcome(runner)
        expect(other.events, runner).to.deep.equal(['CLI command'])
        expect(other.warnings, runner).to.match(/is no runner class: kedro run calls it with is_async= alone/)
      }
      // A class of an installed package is not read: whether it is there is estimated.
      const installed = await outcome('pandas.Runner')
      expect(installed.events).to.deep.equal(['Kedro Project Statistics'])
      expect(installed.estimated).to.include('--runner pandas.Runner: pandas.Runner would come from an installed package, which is not read here')
    })
  })

  describe('kedro run\'s filters, applied before the catalog is built', () => {
    it('a registry not followed to its end leaves kedro run\'s outcome estimated: which pipelines it registers is not known', async () => {
      const registry = 'import os\n\n\ndef register_pipelines():\n    if os.environ.get("FULL"):\n        return {}\n    return {"__default__": None}\n'
      const site = '.venv/lib/python3.11/site-packages'
      const environment = {
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n', [`${site}/pandas/__init__.py`]: '', ...sklearnStub(site),
      }
      const project = example(environment)
      cpSync(ORACLE_SITE_PACKAGES, path.join(project, site), {recursive: true})
      const followed = await preview(project, ['--no-python', 'run', '--pipeline', 'nosuch'])
      expect(events(followed)).to.deep.equal(['CLI command'])
      expect(followed.estimated).not.to.include('event')
      writeFiles(project, {'src/spaceflights/pipeline_registry.py': registry})
      const json = await preview(project, ['--no-python', 'run', '--pipeline', 'nosuch'])
      expect(json.estimated).to.include('event')
    })

    it('on pipelines not followed completely, whether a filter selects any node is not known: the event is estimated', async () => {
      const project = example({'src/spaceflights/pipelines/data_science/pipeline.py': 'from kedro.pipeline import Pipeline\nfrom .factory import build\n\n\ndef create_pipeline(**kwargs) -> Pipeline:\n    return build()\n', 'src/spaceflights/pipelines/data_science/factory.py': 'import random\n\n\ndef build():\n    return random.choice([])\n'})
      const filtered = await preview(project, ['--no-python', 'run', '--tags', 'nosuch'])
      expect(filtered.estimated).to.include('event')
      expect(filtered.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/kedro run's filters \(tags\) apply to pipelines this tool does not follow completely/)
    })

    it('a node or dataset the pipeline lacks, or filters that leave no node, send only CLI command; a match sends the statistics', async () => {
      const project = example()
      const statistics = ['Kedro Project Statistics']
      expect(events(await preview(project, ['run', '--nodes', 'split_data_node']))).to.deep.equal(statistics)
      expect(events(await preview(project, ['run', '--from-nodes', 'split_data_node']))).to.deep.equal(statistics)
      expect(events(await preview(project, ['run', '--to-outputs', 'model_input_table']))).to.deep.equal(statistics)
      for (const args of [['--nodes', 'nosuch'], ['--from-nodes', 'nosuch'], ['--tags', 'nosuch'], ['--from-inputs', 'nosuch'], ['--nodes', 'split_data_node', '--to-outputs', 'preprocessed_shuttles']]) {
        const json = await preview(project, ['run', ...args])
        expect(events(json), args.join(' ')).to.deep.equal(['CLI command'])
        expect(json.warnings.join(' '), args.join(' ')).to.match(/kedro run's filters: ValueError/)
      }
    })
  })

  describe('credentials, as the catalog is built', () => {
    it('a factory pattern\'s credentials are looked up too, used or not; a `_` template\'s never are', async () => {
      const pattern = example({'conf/base/catalog.yml': '"{name}_feed":\n  type: json.JSONDataset\n  filepath: s3://feeds/{name}.json\n  credentials: feed_bucket\n'})
      const json = await preview(pattern, ['run'])
      expect(events(json)).to.deep.equal(['CLI command'])
      expect(json.warnings.join(' ')).to.match(/Unable to find credentials 'feed_bucket' \(catalog pattern \{name\}_feed\)/)
      const template = example({'conf/base/catalog.yml': '_s3: &s3\n  credentials: nowhere\ncompanies:\n  type: pandas.CSVDataset\n  filepath: data/companies.csv\n'})
      expect(events(await preview(template, ['run']))).to.deep.equal(['Kedro Project Statistics'])
    })
  })

  describe('the configuration folders and the datasets, as each release builds the catalog (seen with the real 0.19.14, 1.0.0, 1.3.1, 1.5.0)', () => {
    const site = '.venv/lib/python3.11/site-packages'
    /** The example as a project of `release`, in an environment that has it, kedro-telemetry 0.6.3 and kedro-datasets 4.1.0. */
    const ofRelease = (release: string, files: Record<string, string> = {}) => example({
      '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-${release}.dist-info/METADATA`]: `Name: kedro\nVersion: ${release}\n`,
      [`${site}/kedro_telemetry-0.6.3.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.6.3\n',
      [`${site}/kedro_datasets-4.1.0.dist-info/METADATA`]: 'Name: kedro-datasets\nVersion: 4.1.0\n',
      [`${site}/kedro_datasets/__init__.py`]: '', [`${site}/kedro_datasets/pandas/__init__.py`]: '', [`${site}/kedro_datasets/pandas/csv_dataset.py`]: 'import pandas\n',
      [`${site}/pandas/__init__.py`]: '', ...sklearnStub(site),
      'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8').replace('kedro_init_version = "1.5.0"', `kedro_init_version = "${release}"`),
      ...files,
    })
    const outcome = async (project: string, args = ['run']) => {
      const json = await preview(project, ['--no-python', ...args])
      return {estimated: json.origins.find((origin) => origin.field === 'event')?.estimated ?? '', events: events(json), warnings: json.warnings.join(' ')}
    }

    it('a CONF_SOURCE that is not there is MissingConfigException, not an estimate', async () => {
      const missing = await outcome(example({'src/spaceflights/settings.py': 'CONF_SOURCE = "config"\n'}))
      expect(missing.events).to.deep.equal(['CLI command'])
      expect(missing.warnings).to.match(/MissingConfigException: Given configuration path either does not exist or is not a valid directory: .*config\/base/)
    })

    it('a CONFIG_LOADER_ARGS without base_env reads the whole folder from 0.19.0 (OmegaConfigLoader\'s own default ""): base and local clash', async () => {
      const files = {'conf/local/catalog.yml': 'companies:\n  filepath: data/other.csv\n', 'src/spaceflights/settings.py': 'CONFIG_LOADER_ARGS = {"merge_strategy": {"catalog": "soft"}}\n'}
      const clash = await outcome(example(files))
      expect(clash.events).to.deep.equal(['CLI command'])
      expect(clash.warnings).to.match(/Duplicate keys found in .*base\/catalog\.yml and .*local\/catalog\.yml/)
      // With the environments named, soft merges local's filepath into base's entry; destructive leaves it no type.
      const named = {...files, 'src/spaceflights/settings.py': 'CONFIG_LOADER_ARGS = {"base_env": "base", "default_run_env": "local", "merge_strategy": {"catalog": "soft"}}\n'}
      expect((await outcome(example(named))).events).to.deep.equal(['Kedro Project Statistics'])
      const destructive = await outcome(example({'conf/local/catalog.yml': files['conf/local/catalog.yml']}))
      expect(destructive.warnings).to.include("'type' is missing from dataset catalog configuration")
    })

    it('from 0.19.9, with the run environment the base one, a key no file matches is empty, not MissingConfigException', async () => {
      // CONFIG_LOADER_ARGS without base_env or default_run_env: both are "" (seen with the real 0.19.14: 0 datasets sent).
      const files = {'src/spaceflights/settings.py': 'CONFIG_LOADER_ARGS = {"config_patterns": {"catalog": ["catalog*"]}}\n'}
      const early = await outcome(ofRelease('0.19.14', files))
      expect(early.events).to.deep.equal(['Kedro Project Statistics'])
      const json = await preview(ofRelease('0.19.14', files), ['--no-python', 'run'])
      expect(json.requests[0].body.properties).to.include({number_of_datasets: 0})
      expect((await outcome(ofRelease('0.19.8', files), ['--kedro-version', '0.19.8', 'run'])).warnings).to.match(/MissingConfigException: No files of YAML or JSON format found/)
      // Another run environment is read after the base one, and the check follows it.
      expect((await outcome(ofRelease('0.19.14', files), ['run', '--env', 'local'])).warnings).to.match(/MissingConfigException: No files of YAML or JSON format found/)
    })

    it('before 1.0, every dataset is created with the catalog: a protocol whose fsspec package is absent fails it', async () => {
      const s3 = {'conf/base/catalog_remote.yml': 'remote:\n  type: pandas.CSVDataset\n  filepath: s3://bucket/remote.csv\n'}
      const absent = await outcome(ofRelease('0.19.14', s3))
      expect(absent.events).to.deep.equal(['CLI command'])
      expect(absent.warnings).to.include('DatasetError: pandas.CSVDataset (catalog entry remote): fsspec needs s3fs for s3:// paths, which is not installed')
      expect((await outcome(ofRelease('0.19.14', {...s3, [`${site}/s3fs/__init__.py`]: ''}))).events).to.deep.equal(['Kedro Project Statistics'])
      // Kedro 1.x creates datasets lazily; and a pattern nothing uses is never created.
      expect((await outcome(ofRelease('1.5.0', s3))).events).to.deep.equal(['Kedro Project Statistics'])
      const pattern = {'conf/base/catalog_remote.yml': '"{name}_remote":\n  type: pandas.CSVDataset\n  filepath: s3://bucket/{name}.csv\n'}
      expect((await outcome(ofRelease('0.19.14', pattern))).events).to.deep.equal(['Kedro Project Statistics'])
      // Without an environment, whether s3fs is there is not known.
      const unread = await outcome(example({...s3, 'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8').replace('kedro_init_version = "1.5.0"', 'kedro_init_version = "0.19.14"')}), ['--kedro-version', '0.19.14', 'run'])
      expect(unread.estimated).to.include('entry remote reads s3:// paths, which need s3fs')
    })

    it('before 1.0, every dataset is created with the catalog: a keyword its constructor does not take fails it', async () => {
      // The installed class's own __init__ (as kedro-datasets writes it), followed through a deprecated alias.
      const constructor = {
        [`${site}/kedro_datasets/pandas/__init__.py`]: [
          'from .csv_dataset import CSVDataset, CSVDataSet', 'from .excel_dataset import ExcelDataset', 'from .parquet_dataset import ParquetDataset', '',
        ].join('\n'),
        [`${site}/kedro_datasets/pickle/__init__.py`]: 'from .pickle_dataset import PickleDataset\n',
        [`${site}/kedro_datasets/pandas/csv_dataset.py`]: [
          'import pandas', 'class CSVDataset(AbstractVersionedDataset):',
          '    def __init__(self, filepath: str, load_args=None, save_args=None, version=None, credentials=None, fs_args=None, metadata=None) -> None:',
          '        pass', '_DEPRECATED_CLASSES = {"CSVDataSet": CSVDataset}', '',
        ].join('\n'),
      }
      const entry = (lines: string) => ({...constructor, 'conf/base/catalog_more.yml': `more:\n  type: pandas.CSVDataset\n${lines}`})
      const unexpected = await outcome(ofRelease('0.19.14', entry('  filepath: data/more.csv\n  layer: raw\n')))
      expect(unexpected.events).to.deep.equal(['CLI command'])
      expect(unexpected.warnings).to.include("DatasetError: TypeError: CSVDataset.__init__() got an unexpected keyword argument 'layer' (catalog entry more")
      expect((await outcome(ofRelease('0.19.14', entry('  load_args: {}\n')))).warnings).to.include("CSVDataset.__init__() missing 1 required argument: 'filepath'")
      // versioned: true passes a version, which CSVDataset takes; Kedro 1.x creates datasets lazily.
      expect((await outcome(ofRelease('0.19.14', entry('  filepath: data/more.csv\n  versioned: true\n  metadata: {}\n')))).events).to.deep.equal(['Kedro Project Statistics'])
      expect((await outcome(ofRelease('1.5.0', entry('  filepath: data/more.csv\n  layer: raw\n')))).events).to.deep.equal(['Kedro Project Statistics'])
      // From 0.19.10 a KedroDataCatalog chosen in settings.py is lazy too (seen with the real 0.19.14); 0.19.9's is not.
      const lazy = {'src/spaceflights/settings.py': 'from kedro.io import KedroDataCatalog\n\nDATA_CATALOG_CLASS = KedroDataCatalog\n'}
      const layered = entry('  filepath: data/more.csv\n  layer: raw\n')
      expect((await outcome(ofRelease('0.19.14', {...layered, ...lazy}))).events).to.deep.equal(['Kedro Project Statistics'])
      expect((await outcome(ofRelease('0.19.9', {...layered, ...lazy}), ['--kedro-version', '0.19.9', 'run'])).events).to.deep.equal(['CLI command'])
      // kedro.io's own classes are read from the installed kedro.
      const memory = (lines: string) => ofRelease('0.19.14', {
        ...constructor, [`${site}/kedro/io/memory_dataset.py`]: 'class MemoryDataset(AbstractDataset):\n    def __init__(self, data=_EMPTY, copy_mode=None, metadata=None):\n        pass\n',
        'conf/base/catalog_more.yml': `kept:\n  type: MemoryDataset\n${lines}`,
      })
      expect((await outcome(memory('  versioned: true\n'))).warnings).to.include("MemoryDataset.__init__() got an unexpected keyword argument 'version'")
      expect((await outcome(memory('  copy_mode: assign\n'))).events).to.deep.equal(['Kedro Project Statistics'])
      // Kedro 0.18's old names come through kedro/io/__init__.py and the module's __getattr__ (seen with the real 0.18.14).
      const pyproject = readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8').replace(/^(tools|example_pipeline) = .*\n/gm, '').replace('kedro_init_version = "1.5.0"', 'kedro_init_version = "0.18.14"')
      const old = ofRelease('0.18.14', {
        ...constructor, 'pyproject.toml': pyproject,
        [`${site}/kedro/io/__init__.py`]: 'import warnings\nwith warnings.catch_warnings():\n    from .memory_dataset import MemoryDataSet\n',
        [`${site}/kedro/io/memory_dataset.py`]: 'class MemoryDataset(AbstractDataset):\n    def __init__(self, data=_EMPTY, copy_mode=None, metadata=None):\n        pass\n\ndef __getattr__(name):\n    pass\n',
        'conf/base/catalog_more.yml': 'kept:\n  type: MemoryDataSet\n  versioned: true\n',
      })
      const refused = await outcome(old, ['--kedro-version', '0.18.14', 'run'])
      expect(refused.events).to.deep.equal(['CLI command'])
      expect(refused.warnings).to.include("MemoryDataSet.__init__() got an unexpected keyword argument 'version'")
    })

    it('a remote configuration folder needs its fsspec package (ImportError without it), then the storage itself: estimated', async () => {
      const args = ['run', '--conf-source', 's3://bucket/conf']
      const absent = await outcome(ofRelease('1.5.0'), args)
      expect(absent.events).to.deep.equal(['CLI command'])
      expect(absent.warnings).to.include('ImportError: fsspec needs s3fs for the configuration at s3://bucket/conf, which is not installed')
      const present = await outcome(ofRelease('1.5.0', {[`${site}/s3fs/__init__.py`]: ''}), args)
      expect(present.estimated).to.include('the configuration is at s3://bucket/conf: whether kedro can read it there')
      // CONF_SOURCE in settings.py is remote too, not a folder of the project.
      const declared = await outcome(ofRelease('1.5.0', {'src/spaceflights/settings.py': 'CONF_SOURCE = "gs://bucket/conf"\n'}))
      expect(declared.warnings).to.include('fsspec needs gcsfs for the configuration at gs://bucket/conf')
    })

    it('an archive as the configuration (--conf-source conf.tar.gz) is not read: the counts and the event are estimated', async () => {
      // The real 1.5.0 failed on such archives before the catalog (fsspec's tar filesystem, the folders inside).
      for (const archive of ['conf.tar.gz', 'conf.zip']) {
        const project = ofRelease('1.5.0', {[archive]: 'not read'})
        const read = await outcome(project, ['run', '--conf-source', archive])
        expect(read.events, archive).to.deep.equal(['Kedro Project Statistics'])
        expect(read.estimated, archive).to.match(new RegExp(`the configuration is an archive \\(.*${archive.replaceAll('.', '\\.')}\\): whether kedro can read it`))
      }
    })

    it('catalog files of two environments merge in a fixed order: no warning that the order varies', async () => {
      const json = await preview(example({'conf/local/catalog.yml': 'extra:\n  type: pickle.PickleDataset\n  filepath: data/extra.pkl\n'}), ['--no-python', 'run'])
      expect(json.warnings.join(' ')).not.to.match(/order that varies between runs/)
      const sameFolder = await preview(example({'conf/base/catalog_more.yml': 'extra:\n  type: pickle.PickleDataset\n  filepath: data/extra.pkl\n'}), ['--no-python', 'run'])
      expect(sameFolder.warnings.join(' ')).to.match(/order that varies between runs/)
      // Without base_env (0.19+), the whole configuration folder is one environment: base's and local's files too.
      const local = {'conf/local/catalog.yml': 'extra:\n  type: pickle.PickleDataset\n  filepath: data/extra.pkl\n'}
      const whole = await preview(example({...local, 'src/spaceflights/settings.py': 'CONFIG_LOADER_ARGS = {}\n'}), ['--no-python', 'run'])
      expect(whole.warnings.join(' ')).to.match(/order that varies between runs/)
      // kedro-telemetry 0.7.0 sends the counts as one object, whose bytes then depend on that order: estimated.
      const nested = await preview(example({'conf/base/catalog_more.yml': 'extra:\n  type: pickle.PickleDataset\n  filepath: data/extra.pkl\n'}), ['--no-python', '--kedro-version', '1.3.1', '--telemetry-version', '0.7.0', 'run'])
      expect(nested.origins.find((origin) => origin.field === 'properties.dataset_types')?.estimated).to.match(/order kedro merges 2 catalog files, which varies between runs/)
    })
  })

  describe('the oracle\'s honesty', () => {
    it('a dataset class no kedro-datasets release has fails the statistics, and says a newer release might have it', async () => {
      const json = await preview(example({'conf/base/catalog.yml': 'companies:\n  type: pandas.ExcelDatasett\n  filepath: data/companies.xlsx\n'}), ['run'])
      expect(events(json)).to.deep.equal(['CLI command'])
      expect(json.estimated).to.include('event')
      expect(json.origins.find((origin) => origin.field === 'event' && origin.estimated)?.estimated).to.match(/pandas\.ExcelDatasett is in no release of kedro-datasets 0\.0\.2 to 9\.6\.0 \(a newer one might have it\)/)
    })

    it('a class some release has, with kedro-datasets not found: its module comes from the releases, and whether it imports is estimated', async () => {
      const json = await preview(example({'conf/base/catalog.yml': 'q:\n  type: pandas.SQLQueryDataset\n  sql: select 1\n  credentials: db\n', 'conf/local/credentials.yml': 'db:\n  con: sqlite://\n'}), ['run'])
      expect(events(json)).to.deep.equal(['Kedro Project Statistics'])
      expect(json.requests[0].body.properties).to.have.property('dataset_type_count.kedro_datasets.pandas.sql_dataset.SQLQueryDataset', 1)
      expect(json.estimated).not.to.include('properties.dataset_type_count.kedro_datasets.pandas.sql_dataset.SQLQueryDataset')
      expect(json.estimated).to.include('event')
    })
  })

  describe('what the pipeline modules import', () => {
    it('a package the environment may lack makes the counts estimated; where kedro\'s environment is read, a missing one leaves the module out', async () => {
      const unknown = await preview(example(), ['--no-python', 'run'])
      expect(unknown.estimated).to.include('properties.number_of_nodes')
      expect(unknown.origins.find((origin) => origin.field === 'properties.number_of_nodes')?.estimated).to.match(/imports pandas, sklearn, which the environment \(not read\) may lack/)
      const site = '.venv/lib/python3.11/site-packages'
      const installed = {
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/pandas/__init__.py`]: '', [`${site}/kedro_datasets-9.6.0.dist-info/METADATA`]: 'Name: kedro-datasets\nVersion: 9.6.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n',
      }
      // sklearn is not in kedro's environment: data_science's nodes fail to import, find_pipelines() leaves it out.
      const lacking = await preview(example(installed), ['--no-python', 'run'])
      expect(lacking.estimated).not.to.include('properties.number_of_nodes')
      expect(lacking.requests[0].body.properties).to.include({number_of_nodes: 3, number_of_pipelines: 2})
      const complete = await preview(example({...installed, ...sklearnStub(site)}), ['--no-python', 'run'])
      expect(complete.requests[0].body.properties).to.include({number_of_nodes: 6, number_of_pipelines: 3})
      // An installed scikit-learn older than the nodes need (seen with Debian's 1.2 and a public project): a name its
      // module does not bind, or a submodule its package does not have, fails the import as surely as no package.
      for (const older of [
        {[`${site}/sklearn/metrics.py`]: 'def mean_squared_error(y_true, y_pred):\n    pass\n'},
        {[`${site}/sklearn/metrics.py`]: undefined},
      ]) {
        const files = Object.fromEntries(Object.entries({...installed, ...sklearnStub(site), ...older}).filter(([, text]) => text !== undefined)) as Record<string, string>
        const old = await preview(example(files), ['--no-python', 'run'])
        expect(old.requests[0].body.properties).to.include({number_of_nodes: 3, number_of_pipelines: 2})
        expect(old.warnings.join(' ')).to.match(/cannot import name 'r2_score' from 'sklearn\.metrics'|No module named 'sklearn\.metrics'/)
      }

      // Names its files cannot tell about (a star import, a module __getattr__) are taken to be there.
      for (const dynamic of ['from ._regression import *\n', 'def __getattr__(name):\n    return name\n']) {
        const lazy = await preview(example({...installed, ...sklearnStub(site), [`${site}/sklearn/metrics.py`]: dynamic}), ['--no-python', 'run'])
        expect(lazy.requests[0].body.properties, dynamic).to.include({number_of_nodes: 6, number_of_pipelines: 3})
      }

      // A .pth file's folder is imported from too (an editable or develop install): sklearn there is installed.
      const develop = example({...installed, ...sklearnStub('vendor/ml'), [`${site}/local-sklearn.pth`]: '# a develop install\n../../../../vendor/ml\n'})
      const viaPth = await preview(develop, ['--no-python', 'run'])
      expect(viaPth.estimated).not.to.include('properties.number_of_nodes')
      expect(viaPth.requests[0].body.properties).to.include({number_of_nodes: 6, number_of_pipelines: 3})
      // One the checkout's own environment names outside the project is not read: whether sklearn imports is not known.
      const elsewhere = tempDir('kc-develop-')
      writeFiles(elsewhere, sklearnStub('.'))
      const outside = await preview(example({...installed, [`${site}/local-sklearn.pth`]: `# a develop install\n${elsewhere}\n`}), ['--no-python', 'run'])
      expect(outside.estimated).to.include('properties.number_of_nodes')
      // An editable install's finder provides modules no folder shows: whether sklearn imports is not known.
      const editable = await preview(example({...installed, [`${site}/__editable__.ml-1.0.pth`]: 'import __editable___ml_1_0_finder; __editable___ml_1_0_finder.install()\n'}), ['--no-python', 'run'])
      expect(editable.estimated).to.include('properties.number_of_nodes')
      // So does a zip a .pth file names (a zipped egg): Python imports from it.
      writeFiles(elsewhere, {'eggs/sklearn-1.0-py3.11.egg': 'PK'})
      const zipped = await preview(example({...installed, [`${site}/easy-install.pth`]: `${elsewhere}/eggs/sklearn-1.0-py3.11.egg\n`}), ['--no-python', 'run'])
      expect(zipped.estimated).to.include('properties.number_of_nodes')
      // A venv that also imports the base interpreter's packages (--system-site-packages) may find sklearn there.
      const system = await preview(example({...installed, '.venv/pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = true\n'}), ['--no-python', 'run'])
      expect(system.estimated).to.include('properties.number_of_nodes')
    })
  })

  describe('what the dataset classes import', () => {
    it('an installed class whose own module needs a package the environment lacks fails kedro-telemetry\'s hook: only "CLI command"', async () => {
      const site = '.venv/lib/python3.11/site-packages'
      const environment = {
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n',
        [`${site}/kedro_datasets-9.6.0.dist-info/METADATA`]: 'Name: kedro-datasets\nVersion: 9.6.0\n',
        [`${site}/kedro_datasets/spark/__init__.py`]: 'from .spark_dataset import SparkDataset\n',
        // Imports in a try or a function may be guarded; the module-level one is what importing the class needs.
        [`${site}/kedro_datasets/spark/spark_dataset.py`]: [
          'from __future__ import annotations', 'import os', 'from kedro.io.core import AbstractDataset', 'from kedro_datasets._io import x',
          'try:', '    import delta', 'except ImportError:', '    delta = None', 'from pyspark.sql import DataFrame', 'class SparkDataset(AbstractDataset):', '    pass',
        ].join('\n'),
        'conf/base/catalog.yml': 'orders:\n  type: spark.SparkDataset\n  filepath: data/orders.parquet\n',
        [`${site}/pandas/__init__.py`]: '',
      }
      const lacking = await preview(example(environment), ['--no-python', 'run'])
      expect(lacking.requests.map((request) => request.event)).to.deep.equal(['CLI command'])
      expect(lacking.estimated).not.to.include('event')
      expect(lacking.warnings.join(' ')).to.match(/spark\.SparkDataset \(catalog entry orders\) needs pyspark, which is not installed/)
      const complete = await preview(example({...environment, [`${site}/pyspark/__init__.py`]: ''}), ['--no-python', 'run'])
      expect(complete.requests.map((request) => request.event)).to.deep.equal(['Kedro Project Statistics'])
      expect(complete.requests[0].body.properties).to.have.property('dataset_type_count.kedro_datasets.spark.spark_dataset.SparkDataset', 1)
    })
  })

  describe('a bare dataset type, tried as kedro.io\'s', () => {
    it('one the release\'s kedro.io lacks (MemoryDataSet from 0.19.0) is a DatasetError; one it has is counted', async () => {
      const old = await preview(example({'conf/base/catalog.yml': 'kept:\n  type: MemoryDataSet\n'}), ['--no-python', 'run'])
      expect(events(old)).to.deep.equal(['CLI command'])
      expect(old.warnings.join(' ')).to.match(/DatasetError: MemoryDataSet \(catalog entry kept\): the release's kedro\.io has no MemoryDataSet/)
      const current = await preview(example({'conf/base/catalog.yml': 'kept:\n  type: MemoryDataset\n'}), ['--no-python', 'run'])
      expect(events(current)).to.deep.equal(['Kedro Project Statistics'])
      expect(current.requests[0].body.properties).to.include({'dataset_type_count.kedro.io.memory_dataset.MemoryDataset': 1})
    })
  })

  describe('a dataset class of the project\'s own', () => {
    it('whose module imports a package kedro\'s environment lacks fails the statistics; not read, it is estimated; defined, it is counted as custom', async () => {
      const site = '.venv/lib/python3.11/site-packages'
      const environment = {
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n', [`${site}/pandas/__init__.py`]: '',
      }
      const dataset = (preamble: string) => ({
        'conf/base/catalog.yml': 'extra:\n  type: spaceflights.datasets.MyDataset\n',
        'src/spaceflights/datasets.py': `${preamble}from kedro.io import AbstractDataset\n\n\nclass MyDataset(AbstractDataset):\n    pass\n`,
      })
      const lacking = await preview(example({...environment, ...dataset('import mlflow\n')}), ['--no-python', 'run'])
      expect(events(lacking)).to.deep.equal(['CLI command'])
      expect(lacking.warnings.join(' ')).to.match(/spaceflights\.datasets\.MyDataset \(catalog entry extra\): importing its module raises ModuleNotFoundError: No module named 'mlflow'/)
      const unread = await preview(example(dataset('import mlflow\n')), ['--no-python', 'run'])
      expect(events(unread)).to.deep.equal(['Kedro Project Statistics'])
      expect(unread.origins.find((origin) => origin.field === 'event')?.estimated).to.match(/spaceflights\.datasets\.MyDataset \(entry extra\) needs mlflow/)
      const defined = await preview(example({...environment, ...dataset('')}), ['--no-python', 'run'])
      expect(events(defined)).to.deep.equal(['Kedro Project Statistics'])
      expect(defined.requests[0].body.properties).to.include({'dataset_type_count.custom': 1})
      const misnamed = await preview(example({...environment, ...dataset(''), 'conf/base/catalog.yml': 'extra:\n  type: spaceflights.datasets.Other\n'}), ['--no-python', 'run'])
      expect(events(misnamed)).to.deep.equal(['CLI command'])
    })
  })

  describe('commands whose definitions are borrowed', () => {
    it('a Kedro release, or a plugin release, whose commands are not stored makes the masked command estimated', async () => {
      const project = example()
      expect((await preview(project, ['--kedro-version', '1.5.0', 'run'])).estimated).not.to.include('properties.command')
      expect((await preview(project, ['--kedro-version', '1.5.9', 'run'])).estimated).to.include('properties.command')
      const site = '.venv/lib/python3.11/site-packages'
      const withViz = (version: string) => example({
        '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${site}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
        [`${site}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n', [`${site}/kedro_viz-${version}.dist-info/METADATA`]: `Name: kedro-viz\nVersion: ${version}\n`,
      })
      // A release after the newest stored one (12.4.0): that release's commands, marked estimated.
      const unread = await preview(withViz('12.5.0'), ['--no-python', 'viz', 'run', '--autoreload'])
      expect(unread.estimated).to.include('properties.command')
      expect(unread.origins.find((origin) => origin.field === 'properties.command')?.estimated).to.match(/kedro-viz 12\.5\.0's commands are not stored: those of kedro-viz 12\.4\.0 are used/)
      // Every stored release answers from its own commands, 8.0 to 9.2 (read with the server modules stood in) and the
      // .0 releases a lazy group once left empty included: `run` and its flag are kedro-viz's own, so they stay.
      // kedro-viz 6 has no sub-commands, so there `run` is an argument and is masked.
      for (const [version, masked] of [['6.7.0', 'kedro viz ***** --autoreload'], ...['8.0.1', '9.2.0', '10.0.0', '11.0.0', '12.0.0', '12.4.0'].map((later) => [later, 'kedro viz run --autoreload'])]) {
        const result = await preview(withViz(version), ['--no-python', 'viz', 'run', '--autoreload'])
        expect(result.estimated, version).not.to.include('properties.command')
        expect(result.requests[0].body.properties.command, version).to.equal(masked)
      }
    })
  })
})
