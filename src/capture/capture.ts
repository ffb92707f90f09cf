/**
 * `telemetry capture` as a library call: runs the project's real kedro with the interceptor (interceptor.ts) first on
 * its PYTHONPATH, collects what kedro-telemetry tried to send (answered as a success, never sent), and compares each
 * request with what `telemetry preview` says for the same command line and environment. Unlike every other command,
 * this one runs the project's code, as kedro itself does: only on the user's request.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {lstatOrNullSync, walkFilesSync} from '../checkout/files.js'
import {InputError} from '../errors.js'
import {loadProject} from '../project/project.js'
import {resolveWorkingDirectory} from '../project/working-directory.js'
import {probeFromFacts, type RunFacts} from '../request/python-probe.js'
import {compareWithPreview, type Comparison} from './compare.js'
import type {CapturedRequest} from './request.js'
import {findKedro, type KedroExecutable} from './find-kedro.js'
import {INTERCEPTOR_MODULE, INTERCEPTOR_SOURCE} from './interceptor.js'

export type {CapturedRequest} from './request.js'

export interface CaptureOptions {
  /** The kedro command's arguments, verbatim (without `kedro`). */
  args: string[]
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** kedro's output, line by line as it comes (default: dropped); the last line is kept either way. */
  onOutput?: (chunk: Buffer) => void
  /** Where kedro runs (default: the current directory). */
  project?: string
  /** Run the pipeline's nodes for real (default: the runner is replaced and no node runs). */
  runNodes?: boolean
  /** Called once kedro has started, with a function that stops it (for Ctrl-C). */
  onStart?: (stop: () => void) => void
}

export interface CaptureResult {
  /** Connections to the collector by a transport other than requests: refused before they started, not captured. */
  blocked: {host: string; pid: number}[]
  /**
   * Files of the project's conf/ and source folder that kedro added, changed or removed as it ran (`catalog create`):
   * the preview, made after the run, reads them as they are now, where kedro-telemetry read them before.
   */
  changed: string[]
  command: {args: string[]; executable: string; found: KedroExecutable['source']; runNodes: boolean; workingDirectory: string}
  /** The requests beside the preview built from what the interpreter that ran kedro reported (its sys.path, its versions). */
  comparison: Comparison
  kedro: {exitCode: null | number; lastLine: null | string; signal: null | string}
  requests: CapturedRequest[]
  /**
   * The requests beside the preview exactly as `telemetry preview` builds it here: it finds and asks the interpreter
   * itself, and does not run one the project controls. Where it differs from `comparison`, a user's preview differs.
   */
  standalone: Comparison
  /** What the capture could not vouch for (the interceptor not loaded in kedro's Python). */
  warnings: string[]
}

interface InterceptorEntry {
  blocked?: boolean
  interpreter?: {executable: string; path: string[]; platform: string; version: string}
  body?: string
  headers?: [string, string][]
  host?: string
  method?: string
  pid: number
  url?: string
}

// eslint-disable-next-line no-control-regex -- a colour code starts with ESC
const COLOUR_CODES = /\u001B\[[\d;]*m/g

/**
 * The last line kedro printed, without colour codes: of a record that goes on over indented lines (Rich's log
 * wrapping), its first line; spaces run together.
 */
function lastLineOf(output: string): null | string {
  const lines = output.replaceAll(COLOUR_CODES, '').split(/\r?\n/).filter((line) => line.trim() !== '')
  const head = lines.findLast((line) => !/^\s/.test(line)) ?? lines.at(-1)
  return head === undefined ? null : head.trim().replaceAll(/\s+/g, ' ')
}

/** The environment kedro runs in: the user's, with the interceptor first on PYTHONPATH and the collector never proxied. */
function captureEnvironment(env: NodeJS.ProcessEnv, folder: string, captureFile: string, runNodes: boolean): NodeJS.ProcessEnv {
  const noProxy = [env.NO_PROXY ?? env.no_proxy, 'heapanalytics.com', '.heapanalytics.com'].filter(Boolean).join(',')
  return {
    ...env,
    KEDRO_CONSENT_CAPTURE_FILE: captureFile,
    KEDRO_CONSENT_RUN_NODES: runNodes ? '1' : '0',
    NO_PROXY: noProxy,
    PYTHONPATH: [folder, env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    no_proxy: noProxy,
  }
}

function readCapture(captureFile: string): {blocked: CaptureResult['blocked']; interpreter: null | RunFacts; requests: CapturedRequest[]} {
  let text = ''
  try {
    text = readFileSync(captureFile, 'utf8')
  } catch {
    // Nothing was captured: kedro-telemetry made no request.
  }

  const requests: CapturedRequest[] = []
  const blocked: CaptureResult['blocked'] = []
  let interpreter: null | RunFacts = null
  for (const line of text.split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as InterceptorEntry
    if (entry.interpreter) {
      // The first is kedro's own; later ones are processes it started.
      const {executable, path: folders, platform, version} = entry.interpreter
      interpreter ??= {executable, importPath: folders, platform, sitePackages: folders, version}
      continue
    }

    if (entry.blocked) {
      blocked.push({host: entry.host ?? '', pid: entry.pid})
      continue
    }

    const body = Buffer.from(entry.body ?? '', 'base64').toString('utf8')
    let event: null | string = null
    try {
      event = (JSON.parse(body) as {event?: string}).event ?? null
    } catch {
      // Not JSON: reported as it is.
    }

    requests.push({body, event, headers: entry.headers ?? [], method: entry.method ?? '', pid: entry.pid, url: entry.url ?? ''})
  }

  return {blocked, interpreter, requests}
}

/**
 * The project's configuration and source files, each with its size and time: what a kedro command may change as it
 * runs (`catalog create` writes a catalog file), after kedro-telemetry has read them.
 */
function projectFilesState(root: null | string, sourceDir: string): Map<string, string> {
  const state = new Map<string, string>()
  for (const folder of root ? ['conf', sourceDir] : []) {
    const walk = walkFilesSync(path.join(root!, folder), {descend: (_, name) => name !== '__pycache__', keep: () => true, within: root!})
    for (const file of walk.files) {
      const info = lstatOrNullSync(path.join(root!, folder, file))
      state.set(`${folder}/${file}`, info ? `${info.size}:${info.mtimeMs}` : 'unreadable')
    }
  }

  return state
}

/** The files kedro added, changed or removed as it ran, from two states. */
function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()])
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort()
}

/** Runs kedro; resolves with how it ended, or rejects when it could not be started. */
function runKedro(
  executable: string, args: string[], options: {cwd: string; env: NodeJS.ProcessEnv; onOutput?: (chunk: Buffer) => void; onStart?: (stop: () => void) => void},
): Promise<{exitCode: null | number; output: string; signal: null | string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {cwd: options.cwd, env: options.env, stdio: ['inherit', 'pipe', 'pipe']})
    let output = ''
    const collect = (chunk: Buffer) => {
      // Only the end matters (the last line): keep a bounded tail.
      output = (output + chunk.toString('utf8')).slice(-65_536)
      options.onOutput?.(chunk)
    }

    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', reject)
    child.on('spawn', () => options.onStart?.(() => child.kill('SIGINT')))
    child.on('close', (exitCode, signal) => resolve({exitCode, output, signal}))
  })
}

export async function captureKedro(options: CaptureOptions): Promise<CaptureResult> {
  const env = options.env ?? process.env
  const workingDirectory = await resolveWorkingDirectory(options.project ?? '.', options.cwd ?? process.cwd())
  const project = await loadProject(workingDirectory, env)
  const kedro = findKedro({env, environmentPrefix: project.versions.environment?.prefix ?? null, projectRoot: project.root})
  if (!kedro) {
    throw new InputError('kedro could not be started: no kedro in the active virtualenv, the project\'s .venv or venv, or on PATH', {
      code: 'KEDRO_NOT_FOUND', hint: 'activate the project\'s environment (or install kedro in it), then run the capture again',
    })
  }

  const runNodes = Boolean(options.runNodes)
  const sourceDir = project.pyproject?.sourceDir ?? 'src'
  const filesBefore = projectFilesState(project.root, sourceDir)
  // The interceptor and what it records live in a folder of the system's temporary directory, never in the project
  // or the environment, and are removed however the capture ends.
  const folder = mkdtempSync(path.join(tmpdir(), 'kedro-consent-capture-'))
  try {
    writeFileSync(path.join(folder, `${INTERCEPTOR_MODULE}.py`), INTERCEPTOR_SOURCE)
    const captureFile = path.join(folder, 'requests.jsonl')
    let ran: Awaited<ReturnType<typeof runKedro>>
    try {
      ran = await runKedro(kedro.path, options.args, {
        cwd: workingDirectory, env: captureEnvironment(env, folder, captureFile, runNodes), onOutput: options.onOutput, onStart: options.onStart,
      })
    } catch (error) {
      throw new InputError(`kedro could not be started: ${kedro.path}: ${(error as Error).message}`, {
        code: 'KEDRO_NOT_STARTED', hint: 'check that the file is a working kedro (run it yourself with --version)',
      })
    }

    const captured = readCapture(captureFile)
    // The preview is asked about the interpreter that ran kedro, as it reported itself: its versions, its packages.
    const python = captured.interpreter ? probeFromFacts(captured.interpreter, project.root) : undefined
    // Read again: kedro-telemetry may have created the user id or appended a project id as it ran.
    const after = await loadProject(workingDirectory, env)
    const comparison = await compareWithPreview(captured.requests, {args: options.args, env, project: {loaded: after, workingDirectory}, python})
    // And as `telemetry preview` builds it: its own look at the interpreter, the project's own not run.
    const standalone = await compareWithPreview(captured.requests, {
      args: options.args, env, project: {loaded: after, workingDirectory}, trustProjectPython: false,
    })
    // The interceptor says so first thing when Python loads it: without that, nothing was caught, and kedro's
    // interpreter (started with -S or -I, or not Python) may have sent what it would.
    const warnings = captured.interpreter ? [] : [`the interceptor did not load in the Python that ran ${kedro.path} (started with -I or -S?): kedro-telemetry's requests were not caught, and may have been sent`]
    // The preview reads the files as they are after the run; kedro-telemetry read them before kedro changed them.
    const changed = changedFiles(filesBefore, projectFilesState(project.root, sourceDir))
    return {
      blocked: captured.blocked,
      command: {args: options.args, executable: kedro.path, found: kedro.source, runNodes, workingDirectory},
      comparison,
      kedro: {exitCode: ran.exitCode, lastLine: lastLineOf(ran.output), signal: ran.signal},
      changed, requests: captured.requests, standalone, warnings,
    }
  } finally {
    rmSync(folder, {force: true, recursive: true})
  }
}
