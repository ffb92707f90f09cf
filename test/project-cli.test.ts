/**
 * A project's own cli.py: kedro imports it as it starts, and its commands replace kedro's own of the same name
 * (kedro/framework/cli/cli.py, KedroCLI.project_groups, 0.18 to 1.5). Seen with the real 0.19.5 on a public project
 * whose cli.py replaces `run` without `--namespace`: click refused the option, which the preview had masked as kedro's.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {cpSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {PreviewResult} from '../src/request/request.js'
import {runInProcess} from './helpers/in-process.js'
import {EXAMPLE, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

const SITE = '.venv/lib/python3.11/site-packages'

/** An environment with kedro (the names cli.py imports) and click, as files. */
const ENVIRONMENT = {
  '.venv/pyvenv.cfg': 'home = /usr/bin\n', [`${SITE}/kedro-1.5.0.dist-info/METADATA`]: 'Name: kedro\nVersion: 1.5.0\n',
  [`${SITE}/kedro_telemetry-0.8.0.dist-info/METADATA`]: 'Name: kedro-telemetry\nVersion: 0.8.0\n',
  [`${SITE}/kedro/__init__.py`]: '', [`${SITE}/kedro/framework/__init__.py`]: '', [`${SITE}/kedro/framework/cli/__init__.py`]: '',
  [`${SITE}/kedro/framework/cli/project.py`]: 'import click\nproject_group = click.group()\nASYNC_ARG_HELP = "x"\n',
  [`${SITE}/click/__init__.py`]: 'def group(): pass\ndef command(): pass\ndef option(): pass\n',
  [`${SITE}/pandas/__init__.py`]: '', [`${SITE}/sklearn/__init__.py`]: '', [`${SITE}/sklearn/model_selection.py`]: 'def train_test_split(): pass\n',
  [`${SITE}/sklearn/linear_model.py`]: 'class LinearRegression: pass\n', [`${SITE}/sklearn/metrics.py`]: 'def r2_score(): pass\n',
}

const CLI = `"""Command line tools for manipulating a Kedro project."""
import logging

import click
from kedro.framework.cli.project import ASYNC_ARG_HELP, project_group

logger = logging.getLogger(__name__)
HELP = ("Runs the project"
        " our way.")


@click.group(name=__file__)
def cli():
    """Command line tools."""


@project_group.command()
@click.option("--async", "is_async", is_flag=True, help=ASYNC_ARG_HELP)
def run(is_async):
    """Run the pipeline."""


@cli.command()
def tidy_up():
    """Our own command."""
`

function project(files: Record<string, string>): string {
  const root = path.join(tempDir('kc-project-cli-'), 'spaceflights')
  cpSync(EXAMPLE, root, {recursive: true})
  writeFiles(root, files)
  return root
}

async function preview(root: string, args: string[]): Promise<PreviewResult> {
  const result = await runInProcess(['preview', '--json', '--project', root, '--no-python', ...args], {cwd: root})
  expect(result.code, result.stderr).to.equal(0)
  const json = JSON.parse(result.stdout) as PreviewResult
  expectValid('preview.schema.json', json)
  return json
}

const doubtOf = (json: PreviewResult, field: string) => json.origins.find((origin) => origin.field === field)?.estimated ?? null

describe('a project\'s own cli.py', () => {
  after(removeTempDirs)

  it('a command it defines replaces kedro\'s: its masking and its event are estimated, naming the file', async () => {
    const root = project({...ENVIRONMENT, 'src/spaceflights/cli.py': CLI})
    // Up to 0.19.6, a command added to Kedro's own project_group replaces Kedro's `run`; from 0.19.7 kedro loads
    // `run` from its module, and that group is not read.
    const older = project({
      ...ENVIRONMENT, 'pyproject.toml': readFileSync(path.join(EXAMPLE, 'pyproject.toml'), 'utf8').replaceAll('1.5.0', '0.19.5'), 'src/spaceflights/cli.py': CLI,
    })
    expect(doubtOf(await preview(root, ['run', '--namespaces', 'x']), 'properties.command')).to.equal(null)
    for (const [args, where] of [[['--kedro-version', '0.19.5', 'run', '--namespace', 'x'], older], [['tidy-up'], root]] as const) {
      const json = await preview(where, [...args])
      const first = args.find((arg) => !arg.startsWith('-') && !/^\d/.test(arg))!
      expect(doubtOf(json, 'event'), args.join(' ')).to.include('src/spaceflights/cli.py').and.to.include(`a \`${first}\` command`)
      expect(doubtOf(json, 'properties.command'), args.join(' ')).to.include('replacing kedro\'s own')
    }

    // Any other command is kedro's own, and cli.py imports where kedro runs: nothing is unsure.
    // A builtin used as a decorator is bound without the module binding it: no NameError.
    const builtin = await preview(project({...ENVIRONMENT, 'src/spaceflights/cli.py': `${CLI}\n@staticmethod\ndef helper():\n    pass\n`}), ['info'])
    expect(builtin.requests.map((request) => request.body.event)).to.deep.equal(['CLI command'])
    const info = await preview(root, ['info'])
    expect(doubtOf(info, 'event')).to.equal(null)
    expect(doubtOf(info, 'properties.command')).to.equal(null)
    expect(info.requests.map((request) => request.body.event)).to.deep.equal(['CLI command'])
  })

  it('without an environment, whether it imports is not known: every command\'s event is estimated', async () => {
    const json = await preview(project({'src/spaceflights/cli.py': CLI}), ['info'])
    expect(doubtOf(json, 'event')).to.include('no environment was read to tell whether its imports resolve (click, kedro.framework.cli.project)')
    expect(doubtOf(json, 'properties.command')).to.equal(null)
  })

  it('code at its top level that may raise is not followed: the event is estimated', async () => {
    const json = await preview(project({...ENVIRONMENT, 'src/spaceflights/cli.py': `${CLI}\nSETTINGS = load_settings()\n`}), ['info'])
    expect(doubtOf(json, 'event')).to.match(/its top-level code \(line \d+\) is not followed/)
  })

  it('a name the installed module lacks, no `cli`, or a syntax error stops kedro as it starts: nothing is sent', async () => {
    const cases = {
      'has no `cli`': 'import click\n\n\n@click.command()\ndef hello():\n    pass\n',
      'ImportError: cannot import name \'NO_SUCH_HELP\'': CLI.replace('ASYNC_ARG_HELP, project_group', 'NO_SUCH_HELP, project_group'),
      'SyntaxError': `${CLI}\ndef broken(:\n`,
      'NameError (a decorator uses commands': `${CLI}\n@commands.command()\ndef more():\n    pass\n`,
    }
    for (const [reason, source] of Object.entries(cases)) {
      const json = await preview(project({...ENVIRONMENT, 'src/spaceflights/cli.py': source}), ['run'])
      expect(json.requests, reason).to.deep.equal([])
      expect(json.wouldSend, reason).to.equal(false)
      expect(json.warnings.join(' '), reason).to.include(reason)
    }
  })

  it('a project module it imports first is not followed: what a later import raises is then not certain', async () => {
    const source = CLI.replace('import click\n', 'import click\nfrom .helpers import tidy\n').replace('ASYNC_ARG_HELP, project_group', 'NO_SUCH_HELP, project_group')
    const json = await preview(project({...ENVIRONMENT, 'src/spaceflights/cli.py': source}), ['info'])
    expect(json.requests.map((request) => request.body.event)).to.deep.equal(['CLI command'])
    expect(doubtOf(json, 'event')).to.include('the project\'s own modules it imports are not followed (.helpers)')
  })

  it('one whose import finds no module is ignored by kedro (ModuleNotFoundError is caught): kedro\'s own run, exactly', async () => {
    const json = await preview(project({...ENVIRONMENT, 'src/spaceflights/cli.py': `import not_installed_anywhere\n${CLI}`}), ['run'])
    expect(doubtOf(json, 'properties.command')).to.equal(null)
    expect(doubtOf(json, 'event') ?? '').not.to.include('cli.py')
    expect(json.requests.map((request) => request.body.event)).to.deep.equal(['Kedro Project Statistics'])
  })

  it('a cli package, or a cli.py that cannot be read (a FIFO), leaves every command unsure, and nothing is read through it', async () => {
    const asPackage = await preview(project({...ENVIRONMENT, 'src/spaceflights/cli/__init__.py': CLI}), ['info'])
    expect(doubtOf(asPackage, 'properties.command')).to.include('src/spaceflights/cli/__init__.py').and.to.include('commands it does not show plainly')
    const root = project(ENVIRONMENT)
    execFileSync('mkfifo', [path.join(root, 'src', 'spaceflights', 'cli.py')])
    const fifo = await preview(root, ['info'])
    expect(doubtOf(fifo, 'event')).to.include('src/spaceflights/cli.py').and.to.include('not a regular file')
  })

  it('commands it adds in ways its decorators do not show (add_command, a name not given literally) leave every command unsure', async () => {
    for (const extra of ['\ncli.add_command(run)\n', '\n@cli.command(name=NAME)\ndef other():\n    pass\n']) {
      const json = await preview(project({...ENVIRONMENT, 'src/spaceflights/cli.py': `${CLI}${extra}`}), ['info'])
      expect(doubtOf(json, 'properties.command'), extra).to.include('commands it does not show plainly')
    }
  })
})

describe('another plugin\'s commands (kedro.project_commands, kedro.global_commands)', () => {
  after(removeTempDirs)

  const MLFLOW = {
    [`${SITE}/kedro_mlflow-0.14.4.dist-info/METADATA`]: 'Name: kedro_mlflow\nVersion: 0.14.4\n',
    [`${SITE}/kedro_mlflow-0.14.4.dist-info/entry_points.txt`]: '[kedro.project_commands]\nmlflow = kedro_mlflow.framework.cli.cli:commands\n',
  }

  it('a word kedro does not know may be one of them: its masking and event are estimated, not "No such command"', async () => {
    const root = project({...ENVIRONMENT, ...MLFLOW})
    const json = await preview(root, ['mlflow', 'init', '--env', 'local'])
    expect(doubtOf(json, 'properties.command')).to.include('kedro_mlflow 0.14.4 adds kedro commands (mlflow = kedro_mlflow.framework.cli.cli:commands)')
    expect(doubtOf(json, 'event')).to.include('`mlflow` may be one of them')
    expect(json.warnings.join(' ')).not.to.include('No such command')
    // kedro's own commands stay kedro's: a plugin overriding one is named after it.
    expect(doubtOf(await preview(root, ['info']), 'properties.command')).to.equal(null)
    // Without the plugin, the word is no command: exact.
    const plain = await preview(project(ENVIRONMENT), ['mlflow', 'init'])
    expect(doubtOf(plain, 'properties.command')).to.equal(null)
    expect(plain.warnings.join(' ')).to.include('No such command')
  })

  it('without an environment, a kedro-* plugin the requirements ask for may add it', async () => {
    const json = await preview(project({'requirements.txt': 'kedro~=1.5.0\nkedro-mlflow==0.14.4\n'}), ['mlflow', 'ui'])
    expect(doubtOf(json, 'properties.command')).to.include('requirements.txt:2 asks for kedro-mlflow, which may add kedro commands (no environment was read to tell)')
  })
})
