/**
 * Real files, real git, real processes: every test builds its projects in a fresh temp directory and runs the CLI as
 * a child process with an environment built from scratch, so no variable of this machine (CI=true, HOME,
 * XDG_CONFIG_HOME) leaks into a result.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The CLI the tests run: the built one, or under `npm run coverage` its unbundled twin (scripts/coverage-bin.js). */
export const BIN = process.env.KC_TEST_BIN ?? path.join(REPO_ROOT, 'bin', 'run.js')
export const EXAMPLE = path.join(REPO_ROOT, 'examples', 'spaceflights')
const NO_NETWORK = path.join(REPO_ROOT, 'test', 'fixtures', 'no-network.mjs')

const created: string[] = []

/** A fresh, resolved temp directory, removed after the run. */
export function tempDir(prefix = 'kc-'): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)))
  created.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, {force: true, recursive: true})
}

/** Writes files (path -> content) under `root`, creating folders. */
export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name)
    mkdirSync(path.dirname(file), {recursive: true})
    writeFileSync(file, content)
  }
}

/**
 * A real virtualenv outside any project (`python3 -m venv --without-pip`) whose site-packages holds `distributions`
 * (name -> version) as metadata only: an interpreter kedro is installed for, as far as this tool reads it. Its path
 * is what VIRTUAL_ENV would say.
 */
export function pythonEnvironment(distributions: Record<string, string>, options: {systemSitePackages?: boolean} = {}): string {
  const prefix = tempDir('kc-venv-')
  execFileSync('python3', ['-m', 'venv', '--without-pip', ...(options.systemSitePackages ? ['--system-site-packages'] : []), prefix])
  const lib = readdirSync(path.join(prefix, 'lib')).find((name) => name.startsWith('python'))!
  const site = path.join(prefix, 'lib', lib, 'site-packages')
  for (const [name, version] of Object.entries(distributions)) {
    writeFiles(site, {[`${name.replaceAll('-', '_')}-${version}.dist-info/METADATA`]: `Name: ${name}\nVersion: ${version}\n`})
  }

  return prefix
}

export const PYPROJECT = `[project]
name = "demo"
dependencies = ["kedro==1.5.0"]

[tool.kedro]
package_name = "demo"
project_name = "demo"
kedro_init_version = "1.5.0"
tools = "['Linting']"
example_pipeline = "False"
source_dir = "src"
`

/** A minimal Kedro project; `extra` files are added or override the defaults. */
export function makeProject(extra: Record<string, string | Uint8Array> = {}, root = tempDir('kc-project-')): string {
  writeFiles(root, {'pyproject.toml': PYPROJECT, ...extra})
  return root
}

const GIT_ENV = {
  GIT_AUTHOR_EMAIL: 'test@example.invalid', GIT_AUTHOR_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir(),
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {cwd, encoding: 'utf8', env: {...process.env, ...GIT_ENV}}).trim()
}

export function gitInit(cwd: string): void {
  git(cwd, 'init', '-q')
}

export function gitCommitAll(cwd: string, message: string): string {
  git(cwd, 'add', '-A')
  git(cwd, 'commit', '-q', '--allow-empty', '-m', message)
  return git(cwd, 'rev-parse', 'HEAD')
}

/**
 * The bundled example as a repository of its own, committed: its git facts then do not depend on where the tests
 * run (a clone of this repository, an unpacked tarball, a folder without git).
 */
export function exampleRepository(): string {
  const root = path.join(tempDir('kc-example-'), 'spaceflights')
  cpSync(EXAMPLE, root, {recursive: true})
  gitInit(root)
  gitCommitAll(root, 'the example project')
  return root
}

export interface CliResult {
  code: null | number
  stderr: string
  stdout: string
}

export interface CliOptions {
  cwd?: string
  /** Variables on top of the clean base environment (HOME and XDG_CONFIG_HOME in a temp dir, PATH). */
  env?: Record<string, string | undefined>
  /** Text for standard input (with `tty`, typed into the terminal). */
  input?: string
  /** Run under a pseudo-terminal (util-linux `script`), so stdout is a TTY. */
  tty?: boolean
  /** With `tty`: the terminal's width (`stty cols`), as a real terminal window of that size reports it. */
  ttyColumns?: number
}

/** The environment a test's CLI run starts from: nothing of this machine's but PATH. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const home = tempDir('kc-home-')
  const env: Record<string, string | undefined> = {
    HOME: home, LANG: 'C.UTF-8', NODE_OPTIONS: `--import=${NO_NETWORK}`,
    // Under `npm run coverage`, child processes write their coverage where c8 collects it.
    NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE, PATH: process.env.PATH,
    XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), ...extra,
  }
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

export function runCli(args: string[], options: CliOptions = {}): CliResult {
  const env = cleanEnv(options.env)
  const result = options.tty
    ? spawnSync('script', ['-qefc', ttyCommand(args, options.ttyColumns), '/dev/null'], {cwd: options.cwd, encoding: 'utf8', env, input: options.input})
    : spawnSync(process.execPath, [BIN, ...args], {cwd: options.cwd, encoding: 'utf8', env, input: options.input})
  return {code: result.status, stderr: result.stderr, stdout: result.stdout}
}

function ttyCommand(args: string[], columns?: number): string {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ')
  return columns === undefined ? command : `stty cols ${columns} rows 24; exec ${command}`
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", String.raw`'\''`)}'`
}

/** A `--json` run's output, parsed; a run that printed something else fails the test with what it printed. */
export function jsonResult<T>(result: CliResult): {code: null | number; json: T; stderr: string} {
  try {
    return {code: result.code, json: JSON.parse(result.stdout) as T, stderr: result.stderr}
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}


/**
 * What the bundled example's nodes import from scikit-learn, as files in `site` (a site-packages folder of the
 * project's): an empty `sklearn` package would lack the submodules they import.
 */
export function sklearnStub(site: string): Record<string, string> {
  return {
    [`${site}/sklearn/__init__.py`]: '', [`${site}/sklearn/linear_model.py`]: 'class LinearRegression:\n    pass\n',
    [`${site}/sklearn/metrics.py`]: 'def r2_score(y_true, y_pred):\n    pass\n', [`${site}/sklearn/model_selection.py`]: 'def train_test_split(*arrays, **options):\n    pass\n',
  }
}
