/**
 * `telemetry capture` with a stand-in for kedro: a small program of our own that posts to kedro-telemetry's
 * collector with the real `requests` library (Debian's python3-requests), posts to another host, tries the collector
 * through urllib too, and runs a runner. What the capture must show: the exact bytes of the collector's request, the
 * other request untouched, the urllib attempt refused, no node run unless asked, kedro's exit code and last line, the
 * user's own sitecustomize still loaded, and nothing left behind in the project or the temporary directory.
 */
import {expect} from 'chai'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'

import type {CaptureResult} from '../src/capture/capture.js'
import {runInProcess} from './helpers/in-process.js'
import {BIN, cleanEnv, makeProject, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

const PYTHON = '/usr/bin/python3'

const STAND_IN = String.raw`#!${PYTHON}
"""A stand-in for kedro (not kedro): what kedro-telemetry and a project would do, with the real requests library."""
import json, os, sys, urllib.request
import requests

body = json.dumps({"app_id": "2388822444", "event": "CLI command", "timestamp": "2026-01-01T00:00:00.000000Z",
                   "properties": {"command": "kedro " + " ".join(sys.argv[1:]), "text": "caf\u00e9"}, "identity": "x"})
with open(os.environ["STANDIN_SENT"], "w") as sent:
    sent.write(body)
response = requests.post("https://heapanalytics.com/api/track", headers={"Content-Type": "application/json"}, data=body, timeout=10)
print("collector answered", response.status_code)
try:
    other = requests.post(os.environ["OTHER_URL"], data=b"other body", timeout=5)
    print("other answered", other.status_code)
except requests.exceptions.RequestException as error:
    print("other failed", type(error).__name__)
try:
    urllib.request.urlopen("https://api.heapanalytics.com/api/track", data=b"{}", timeout=5)
    print("urllib went through")
except OSError as error:
    print("urllib refused")
import sitecustomize
print("user sitecustomize", getattr(sitecustomize, "USERS", "missing"))
from kedro.runner.runner import AbstractRunner
print("runner returned", AbstractRunner().run())
if os.environ.get("STANDIN_WRITE"):
    with open(os.path.join("conf", "base", "catalog_new.yml"), "w") as written:
        written.write("x: {type: MemoryDataset}\n")
print("stand-in done")
sys.exit(3)
`

/** A project whose .venv holds the stand-in as its kedro, a user PYTHONPATH folder with a sitecustomize and a runner. */
function standInProject(): {project: string; userPath: string} {
  const project = makeProject({
    '.venv/pyvenv.cfg': 'home = /usr/bin\n',
    '.venv/lib/python3.11/site-packages/kedro-1.5.0.dist-info/METADATA': 'Name: kedro\nVersion: 1.5.0\n',
    '.venv/lib/python3.11/site-packages/kedro_telemetry-0.8.0.dist-info/METADATA': 'Name: kedro-telemetry\nVersion: 0.8.0\n',
    '.venv/bin/kedro': STAND_IN,
    // A configuration and a package kedro can load, so that the preview expects the statistics of `kedro run`.
    'conf/base/catalog.yml': 'companies: {type: pandas.CSVDataset, filepath: companies.csv}\n', 'conf/local/.gitkeep': '',
    'src/demo/__init__.py': '',
    'src/demo/pipeline_registry.py': 'from kedro.pipeline import Pipeline, node\n\n\ndef register_pipelines():\n    ds = Pipeline([node(len, "companies", "size", name="size")])\n    return {"__default__": ds, "ds": ds}\n',
  })
  chmodSync(path.join(project, '.venv', 'bin', 'kedro'), 0o755)
  const userPath = tempDir('kc-userpath-')
  writeFiles(userPath, {
    'kedro/__init__.py': '',
    'kedro/runner/__init__.py': '',
    'kedro/runner/runner.py': 'class AbstractRunner:\n    def run(self, *args, **kwargs):\n        return {"nodes": "ran"}\n',
    'sitecustomize.py': 'USERS = "loaded"\n',
  })
  return {project, userPath}
}

/** Every file of a folder with its bytes and mode: a project must come out of a capture as it went in. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readdirSync(folder, {recursive: true, withFileTypes: true})) {
    const file = path.join(entry.parentPath, entry.name)
    files[path.relative(folder, file)] = entry.isFile() ? `${statSync(file).mode}:${readFileSync(file, 'base64')}` : 'dir'
  }

  return files
}

describe('telemetry capture (a stand-in for kedro, the real requests library)', function () {
  // Each case starts Python: seconds, not a timing.
  this.timeout(60_000)
  let server: Server
  let received: {body: string; method: string; url: string}[]
  let otherUrl: string

  before(async function () {
    const check = spawnSync(PYTHON, ['-c', 'import requests'], {encoding: 'utf8'})
    if (check.status !== 0) throw new Error(`these tests need Python's requests at ${PYTHON}: install Debian's python3-requests (apt-get install python3-requests)`)
    received = []
    server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8')
      })
      request.on('end', () => {
        received.push({body, method: request.method ?? '', url: request.url ?? ''})
        response.end('ok')
      })
    })
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve)
    })
    otherUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/other`
  })

  after(async () => {
    await new Promise((resolve) => {
      server.close(resolve)
    })
    removeTempDirs()
  })

  it('records the collector\'s request byte for byte and sends nothing; the rest goes through untouched; the project is unchanged', async () => {
    const {project, userPath} = standInProject()
    const sent = path.join(tempDir(), 'sent.json')
    const temporary = tempDir('kc-tmp-')
    const before = snapshot(project)
    const run = await runInProcess(['capture', '--json', 'run', '--pipeline', 'ds'], {
      cwd: project, env: {OTHER_URL: otherUrl, PYTHONPATH: userPath, STANDIN_SENT: sent, TMPDIR: temporary},
    })
    expect(run.code, run.stderr).to.equal(0)
    const result = JSON.parse(run.stdout) as CaptureResult
    expectValid('capture.schema.json', result)
    expect(result.requests).to.have.length(1)
    const [request] = result.requests
    expect(request.body).to.equal(readFileSync(sent, 'utf8'))
    expect(request).to.include({event: 'CLI command', method: 'POST', url: 'https://heapanalytics.com/api/track'})
    expect(request.headers).to.deep.include(['Content-Type', 'application/json'])
    expect(request.headers).to.deep.include(['Content-Length', String(Buffer.byteLength(request.body))])
    // kedro's output, on stderr: the collector got a success, the other host the request itself.
    expect(run.stderr).to.contain('collector answered 200').and.to.contain('other answered 200')
    expect(received).to.deep.equal([{body: 'other body', method: 'POST', url: '/other'}])
    // Another transport cannot reach the collector: refused before it starts, and said.
    expect(run.stderr).to.contain('urllib refused')
    expect(result.blocked.map((blocked) => blocked.host)).to.deep.equal(['api.heapanalytics.com'])
    // The user's own PYTHONPATH and sitecustomize still work; the runner ran no node.
    expect(run.stderr).to.contain('user sitecustomize loaded').and.to.contain('runner returned {}')
    expect(result.kedro).to.deep.equal({exitCode: 3, lastLine: 'stand-in done', signal: null})
    expect(result.command).to.include({executable: path.join(project, '.venv', 'bin', 'kedro'), found: 'environment', runNodes: false})
    expect(result.command.args).to.deep.equal(['run', '--pipeline', 'ds'])
    // The preview expects what kedro-telemetry 0.8.0 sends for `kedro run`, not the stand-in's event: said, field by field.
    expect(result.comparison.verdict).to.equal('differs')
    expect(result.comparison.differences.map((difference) => difference.field)).to.deep.equal(['events'])
    // And as telemetry preview builds it: the stand-in's interpreter lies in the project, so it is not run, and the
    // events differ all the same.
    expect(result.standalone.verdict).to.equal('differs')
    expect(result.standalone.differences.map((difference) => difference.field)).to.include('events')
    expect(snapshot(project)).to.deep.equal(before)
    expect(readdirSync(temporary)).to.deep.equal([])
    expect(result.warnings).to.deep.equal([])
    expect(result.changed).to.deep.equal([])
  })

  it('says which files kedro changed as it ran: the preview, made after, reads them as they are now', async () => {
    const {project, userPath} = standInProject()
    const run = await runInProcess(['capture', '--json', 'run'], {
      cwd: project, env: {OTHER_URL: otherUrl, PYTHONPATH: userPath, STANDIN_SENT: path.join(tempDir(), 'sent.json'), STANDIN_WRITE: '1'},
    })
    const result = JSON.parse(run.stdout) as CaptureResult
    expectValid('capture.schema.json', result)
    expect(result.changed).to.deep.equal(['conf/base/catalog_new.yml'])
    expect(result.warnings).to.deep.equal([])
    const text = await runInProcess(['capture', 'run'], {
      cwd: project, env: {NO_COLOR: '1', OTHER_URL: otherUrl, PYTHONPATH: userPath, STANDIN_SENT: path.join(tempDir(), 'sent.json'), STANDIN_WRITE: '1'},
    })
    // Written again with the same bytes: changed all the same, as its time says.
    expect(text.stdout).to.match(/kedro changed conf\/base\/catalog_new\.yml as it ran: the preview reads the project as it is now/)
    expect(text.stdout).to.include('NOTHING WAS SENT')
  })

  it('--run-nodes lets the runner run; --check exits 1 when the preview differed; --output keeps the JSON', async () => {
    const {project, userPath} = standInProject()
    const evidence = path.join(tempDir(), 'evidence.json')
    const run = await runInProcess(['capture', '--run-nodes', '--check', '--output', evidence, 'run'], {
      cwd: project, env: {OTHER_URL: otherUrl, PYTHONPATH: userPath, STANDIN_SENT: path.join(tempDir(), 'sent.json')},
    })
    expect(run.code).to.equal(1)
    expect(run.stderr).to.contain("runner returned {'nodes': 'ran'}")
    expect(run.stdout).to.contain('NOTHING WAS SENT').and.to.contain('kedro exited 3; its last line: stand-in done')
    expect(run.stdout).to.contain('"app_id": "2388822444"')
    const kept = JSON.parse(readFileSync(evidence, 'utf8')) as CaptureResult
    expect(kept.command.runNodes).to.equal(true)
    expect(kept.requests).to.have.length(1)
  })

  it('with the network cut (unshare -rn where the machine allows it): the same capture, and the other request fails at its transport', () => {
    const {project, userPath} = standInProject()
    const env = cleanEnv({OTHER_URL: 'http://127.0.0.1:9/other', PYTHONPATH: userPath, STANDIN_SENT: path.join(tempDir(), 'sent.json')})
    const cut = spawnSync('unshare', ['-rn', 'true']).status === 0
    const command = [process.execPath, BIN, 'capture', '--json', 'run']
    const ran = cut ? spawnSync('unshare', ['-rn', ...command], {cwd: project, encoding: 'utf8', env}) : spawnSync(command[0], command.slice(1), {cwd: project, encoding: 'utf8', env})
    expect(ran.status, ran.stderr).to.equal(0)
    const result = JSON.parse(ran.stdout) as CaptureResult
    // The collector was answered here; the other host was asked for real, and could not be reached.
    expect(ran.stderr).to.contain('collector answered 200').and.to.contain('other failed ConnectionError')
    expect(result.requests.map((request) => request.event)).to.deep.equal(['CLI command'])
    expect(result.kedro).to.deep.equal({exitCode: 3, lastLine: 'stand-in done', signal: null})
  })

  it('Ctrl-C stops kedro, and the capture still reports what it caught and leaves nothing behind', async () => {
    const {project, userPath} = standInProject()
    // This stand-in sends, then waits until it is interrupted.
    writeFiles(project, {'.venv/bin/kedro': STAND_IN.replace('sys.exit(3)', 'import time\nprint("waiting", flush=True)\ntime.sleep(60)')})
    chmodSync(path.join(project, '.venv', 'bin', 'kedro'), 0o755)
    const temporary = tempDir('kc-tmp-')
    const env = cleanEnv({OTHER_URL: otherUrl, PYTHONPATH: userPath, STANDIN_SENT: path.join(tempDir(), 'sent.json'), TMPDIR: temporary})
    const child = spawn(process.execPath, [BIN, 'capture', '--json', 'run'], {cwd: project, env})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    const waiting = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8')
        if (stderr.includes('waiting')) resolve()
      })
    })
    await waiting
    child.kill('SIGINT')
    const code = await new Promise<null | number>((resolve) => {
      child.on('close', resolve)
    })
    expect(code, stderr).to.equal(0)
    const result = JSON.parse(stdout) as CaptureResult
    expect(result.requests.map((request) => request.event)).to.deep.equal(['CLI command'])
    expect(result.kedro.exitCode === 0).to.equal(false)
    expect(readdirSync(temporary)).to.deep.equal([])
  })

  it('a kedro whose Python does not load the interceptor (-I) is said to be uncaught, never reported as sending nothing', async () => {
    const {project, userPath} = standInProject()
    // It makes no request at all: with the interceptor not loaded, one would really go out.
    writeFiles(project, {'.venv/bin/kedro': `#!${PYTHON} -I\nprint("isolated stand-in done")\n`})
    chmodSync(path.join(project, '.venv', 'bin', 'kedro'), 0o755)
    const run = await runInProcess(['capture', 'run'], {cwd: project, env: {OTHER_URL: otherUrl, PYTHONPATH: userPath, STANDIN_SENT: path.join(tempDir(), 'sent.json')}})
    expect(run.code).to.equal(0)
    expect(run.stdout).to.contain('the interceptor did not load').and.to.contain('Nothing was caught.').and.not.to.contain('NOTHING WAS SENT')
  })

  it('exit 2 when there is no kedro to run, and a leading "kedro" or no command is refused', async () => {
    const project = makeProject()
    const none = await runInProcess(['capture', 'run'], {cwd: project, env: {PATH: tempDir()}})
    expect(none.code).to.equal(2)
    expect(none.stderr).to.match(/kedro could not be started: no kedro/)
    const leading = await runInProcess(['capture', 'kedro', 'run'], {cwd: project})
    expect(leading.code).to.equal(2)
    expect(leading.stderr).to.contain('telemetry capture run')
    expect((await runInProcess(['capture'], {cwd: project})).code).to.equal(2)
  })
})
