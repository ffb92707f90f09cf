/**
 * The one rule for whether a Python interpreter may run for a project: never one the checkout controls, unless the
 * user says so. CPython decides where its standard library comes from (the modules it imports before running a line
 * of ours) from the executable's path as invoked and as resolved, a `pyvenv.cfg` beside it or one level up (its
 * `home` key), and a `<executable>._pth` file beside it (read from CPython's Modules/getpath.py). So an interpreter
 * is trusted only when its real path, its pyvenv.cfg `home` and any `._pth` it would read lie outside the project,
 * and its real file is named like a Python interpreter. A pyenv shim is never run: the version it would pick is
 * resolved here, from plain version names under the pyenv root only.
 */
import path from 'node:path'

import {entryKindSync, isInside, listDirectorySync, readTextSafeSync, realPathOr} from './files.js'

interface InterpreterChoice {
  /** The interpreter to run, or null when none may (or can) run. */
  executable: null | string
  /** Why no interpreter runs (and how to allow it), or null. */
  refused: null | string
}

export interface InterpreterOptions {
  env: NodeJS.ProcessEnv
  /** The Python environment found for the project (its prefix), if any. */
  environmentPrefix: null | string
  /** Where kedro would run: pyenv looks for .python-version from here up. */
  workingDirectory: string
  /** The project root (a real path), or null outside a project. */
  projectRoot: null | string
  /** The user trusts the project's own interpreter: run it even where it lies in the project. */
  trustProjectPython?: boolean
}

const PYTHON_NAME = /^(?:python|pypy)(?:\d+(?:\.\d+)*)?(?:\.exe)?$/i
/** pyenv version names as pyenv writes them (3.11.7, pypy3.10-7.3.12, miniconda3-latest, system). */
const VERSION_NAME = /^[\w][\w.+-]*$/
const TRUST_HINT = 'pass --trust-project-python to run it anyway (it runs isolated: -I -S, no inherited environment)'

function inProject(file: string, projectRoot: null | string): boolean {
  return projectRoot !== null && isInside(projectRoot, realPathOr(file))
}

/** The `home` of the pyvenv.cfg CPython would read for `executable`, or why it cannot be trusted. */
function venvHome(executable: string, projectRoot: null | string): {home: null | string} | {refused: string} {
  for (const directory of [path.dirname(path.dirname(executable)), path.dirname(executable)]) {
    const file = path.join(directory, 'pyvenv.cfg')
    const kind = entryKindSync(file, null)
    if (kind === 'missing') continue
    const read = readTextSafeSync(file, {within: inProject(file, projectRoot) ? projectRoot : null})
    if (!read.ok) return {refused: `${file}: ${read.reason}`}
    for (const line of read.text.split(/\r?\n/)) {
      const [key, ...rest] = line.split('=')
      if (rest.length === 0 || key.trim().toLowerCase() !== 'home') continue
      const home = rest.join('=').trim()
      if (!path.isAbsolute(home)) return {refused: `${file} gives a relative home (${home})`}
      return {home}
    }

    return {home: null}
  }

  return {home: null}
}

interface InterpreterRefusal {
  reason: string
  /** The user may still choose to run it (--trust-project-python); false for what is not an interpreter at all. */
  trustable: boolean
}

/** Why the interpreter at `executable` may not run for this project, or null when it may. */
function interpreterRefusal(executable: string, projectRoot: null | string): InterpreterRefusal | null {
  const real = realPathOr(executable)
  const refuse = (reason: string, trustable = true): InterpreterRefusal => ({reason, trustable})
  if (!PYTHON_NAME.test(path.basename(real))) return refuse(`${executable} resolves to ${path.basename(real)}, which is not named like a Python interpreter`, false)
  if (inProject(real, projectRoot)) return refuse(`${executable} is a program inside the project`)
  const venv = venvHome(executable, projectRoot)
  if ('refused' in venv) return refuse(venv.refused)
  if (venv.home !== null && inProject(venv.home, projectRoot)) return refuse(`the pyvenv.cfg of ${executable} takes its standard library from inside the project (home = ${venv.home})`)
  const stem = executable.replace(/\.exe$/i, '')
  for (const pth of [`${stem}._pth`, `${real.replace(/\.exe$/i, '')}._pth`]) {
    if (inProject(pth, projectRoot) && entryKindSync(pth, null) !== 'missing') return refuse(`${pth} would set the interpreter's module path from inside the project`)
  }

  return null
}

/** An executable file named `command` in the absolute PATH entries outside the project (and not in `skip`). */
function onPath(command: string, options: Pick<InterpreterOptions, 'env' | 'projectRoot'>, skip: null | string = null): null | string {
  for (const directory of (options.env.PATH ?? '').split(path.delimiter)) {
    // A relative entry (".", "bin") would resolve against a directory that may be the checkout.
    if (!directory || !path.isAbsolute(directory) || directory === skip || inProject(directory, options.projectRoot)) continue
    const candidate = path.join(directory, command)
    if (entryKindSync(candidate, null) === 'file') return candidate
  }

  return null
}

/** Numeric-aware order of version names, so that 3.11.10 comes after 3.11.9 (no ICU collator needed). */
function compareNames(a: string, b: string): number {
  const partsA = a.split(/(\d+)/)
  const partsB = b.split(/(\d+)/)
  for (let i = 0; i < Math.min(partsA.length, partsB.length); i++) {
    if (partsA[i] === partsB[i]) continue
    const numeric = i % 2 === 1
    return numeric ? Number(partsA[i]) - Number(partsB[i]) : (partsA[i] < partsB[i] ? -1 : 1)
  }

  return partsA.length - partsB.length
}

/**
 * The interpreter a pyenv shim would run, as pyenv picks it: PYENV_VERSION, else the nearest .python-version from
 * the working directory up, else $PYENV_ROOT/version; each name an installed version (or, as pyenv does, the latest
 * installed one it is a prefix of). `system` is the next python3 on PATH. Null with a reason when a name is not a
 * plain version name, or nothing is found.
 */
/** The pyenv version names in force and where they come from (PYENV_VERSION, a .python-version, the global file), or why not. */
function pyenvVersionNames(root: string, options: InterpreterOptions): {names: string[]; origin: string} | {refused: string} {
  if (options.env.PYENV_VERSION) return {names: options.env.PYENV_VERSION.split(':'), origin: 'PYENV_VERSION'}
  for (let directory = options.workingDirectory; ; directory = path.dirname(directory)) {
    const file = path.join(directory, '.python-version')
    const read = readTextSafeSync(file, {within: inProject(file, options.projectRoot) ? options.projectRoot : null})
    if (read.ok) return {names: read.text.split(/\s+/), origin: file}
    if (read.kind !== 'missing') return {refused: `${file}: ${read.reason}`}
    if (path.dirname(directory) === directory) {
      const global = readTextSafeSync(path.join(root, 'version'), {within: null})
      return {names: global.ok ? global.text.split(/\s+/) : ['system'], origin: path.join(root, 'version')}
    }
  }
}

/** The installed pyenv version's executable for `name` (an exact or the newest prefix match), or null. */
function pyenvExecutable(versionsDirectory: string, name: string, command: string): null | string {
  const installed = listDirectorySync(versionsDirectory, null)
  const candidates = installed.ok
    ? installed.entries.filter((entry) => entry.name === name || entry.name.startsWith(`${name}.`)).map((entry) => entry.name).sort(compareNames)
    : []
  const chosen = candidates.includes(name) ? name : candidates.at(-1)
  const executable = chosen === undefined ? null : path.join(versionsDirectory, chosen, 'bin', command)
  // The version folder must really be pyenv's: not a symlink leading elsewhere.
  const genuine = executable && entryKindSync(executable, null) === 'file' && isInside(realPathOr(versionsDirectory), realPathOr(path.dirname(path.dirname(executable))))
  return genuine ? executable : null
}

function resolvePyenvShim(shim: string, command: string, options: InterpreterOptions): {executable: null | string; refused: null | string} {
  const root = path.dirname(path.dirname(shim))
  const versionsDirectory = path.join(root, 'versions')
  const chosen = pyenvVersionNames(root, options)
  if ('refused' in chosen) return {executable: null, refused: chosen.refused}
  const {names, origin} = chosen
  for (const name of names.map((item) => item.trim()).filter((item) => item && !item.startsWith('#'))) {
    if (name === 'system') return {executable: onPath(command, options, path.dirname(shim)), refused: null}
    if (!VERSION_NAME.test(name) || name.includes('..')) return {executable: null, refused: `${origin} names ${JSON.stringify(name)}, which is not a plain pyenv version name`}
    const executable = pyenvExecutable(versionsDirectory, name, command)
    if (executable) return {executable, refused: null}
  }

  return {executable: null, refused: `pyenv would pick a version from ${origin} that is not installed`}
}

function isPyenvShim(file: string): boolean {
  return path.basename(path.dirname(file)) === 'shims' && entryKindSync(path.join(path.dirname(path.dirname(file)), 'libexec', 'pyenv'), null) === 'file'
}

/** The largest `kedro` script read for the interpreter it names (pip's are a few hundred bytes). */
const MAX_SCRIPT_BYTES = 64 * 1024

/**
 * The interpreter named by the `kedro` a shell would run (the first on PATH, outside the project): pip's console
 * script starts `#!/path/to/python`, or, for a path too long for a shebang, `#!/bin/sh` and `'''exec' "/path/python"
 * "$0" "$@"`. Kedro installed with pipx or `uv tool`, or with `pip install --user`, runs under that interpreter,
 * whatever python3 is. Null when there is none, or it names none (`#!/usr/bin/env python3` is python3 from PATH).
 */
export function kedroScriptInterpreter(options: Pick<InterpreterOptions, 'env' | 'projectRoot'>): null | string {
  const script = onPath('kedro', options)
  const read = script ? readTextSafeSync(script, {maxBytes: MAX_SCRIPT_BYTES, within: null}) : null
  if (!read?.ok) return null
  const [first = '', ...rest] = read.text.split(/\r?\n/, 4)
  const direct = /^#!\s*(\/\S+)\s*$/.exec(first)?.[1]
  const named = direct && !/\/(?:env|sh|bash)$/.test(direct)
    ? direct
    : rest.map((line) => /^'''exec' (["']?)(\/.+?)\1 "\$0" "\$@"$/.exec(line)?.[2]).find(Boolean)
  return named && PYTHON_NAME.test(path.basename(named)) && entryKindSync(named, null) === 'file' ? named : null
}

/**
 * The interpreter kedro would run under (the project environment's, else the one the `kedro` on PATH names, else
 * python3 from PATH with a pyenv shim resolved), and whether it may run.
 */
export function chooseInterpreter(options: InterpreterOptions): InterpreterChoice {
  let executable: null | string = null
  if (options.environmentPrefix) {
    executable = [path.join(options.environmentPrefix, 'bin', 'python'), path.join(options.environmentPrefix, 'Scripts', 'python.exe')]
      .find((candidate) => entryKindSync(candidate, null) === 'file') ?? null
  }

  executable ??= kedroScriptInterpreter(options)
  if (!executable) {
    const found = onPath('python3', options)
    if (found && isPyenvShim(found)) {
      const resolved = resolvePyenvShim(found, 'python3', options)
      if (!resolved.executable) return {executable: null, refused: resolved.refused ?? 'pyenv finds no interpreter'}
      executable = resolved.executable
    } else {
      executable = found
    }
  }

  if (!executable) return {executable: null, refused: null}
  const refusal = interpreterRefusal(executable, options.projectRoot)
  if (refusal === null || (options.trustProjectPython && refusal.trustable)) return {executable, refused: null}
  return {executable: null, refused: `${refusal.reason}: not run, since the checkout may not be trusted${refusal.trustable ? `; ${TRUST_HINT}` : ''}`}
}
