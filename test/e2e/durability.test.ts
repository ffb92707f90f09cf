import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'

import {interpretTelemetryBytes} from '../../src/consent/interpret.js'
import {historyFile, readHistory} from '../../src/history/history.js'
import {BIN, cleanEnv, gitInit, makeProject, REPO_ROOT, removeTempDirs, tempDir} from '../helpers/sandbox.js'
import {expectValid} from '../helpers/schemas.js'

const WRITER = path.join(REPO_ROOT, 'test', 'fixtures', 'consent-writer.mjs')

function expectReadableByKedro(root: string): void {
  const reading = interpretTelemetryBytes(readFileSync(path.join(root, '.telemetry')))
  expect(reading.kedroWouldFail, reading.problem ?? '').to.equal(false)
  expect(reading.valid, reading.problem ?? '').to.equal(true)
}

/** Runs the writer until it has written once, then kills it with SIGKILL after `after` ms. Returns its pid. */
async function killMidway(root: string, env: Record<string, string>, after: number): Promise<number> {
  const child = spawn(process.execPath, [WRITER, root], {cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit']})
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)))
  })
  await delay(after)
  const exited = new Promise((resolve) => {
    child.once('exit', resolve)
  })
  child.kill('SIGKILL')
  await exited
  return child.pid!
}

describe('durability', () => {
  after(removeTempDirs)

  it('a writer killed at moments spread over its run never leaves a .telemetry that fails to parse', async () => {
    const root = makeProject({'.telemetry': '# keep me\nowner: data\nconsent: true\n'})
    const env = cleanEnv({HOME: tempDir()})
    const kills = 25
    for (let i = 0; i < kills; i++) {
      // Delays from 0 to 120 ms in a fixed, spread-out order (37 is coprime to 121): the same run every time.
      await killMidway(root, env, (i * 37) % 121)
      expectReadableByKedro(root)
      expect(readFileSync(path.join(root, '.telemetry'), 'utf8')).to.match(/^# keep me\nowner: data\nconsent: (true|false)\n$/)
    }

    // Temp and undo files of killed writers are removed by the next write: what is left is the last writer's own.
    const last = await killMidway(root, env, 0)
    const leftovers = readdirSync(root).filter((name) => name.includes('.kc-tmp-'))
    expect(leftovers.filter((name) => !name.includes(`.kc-tmp-${last}-`))).to.deep.equal([])
    const history = await readHistory(historyFile(env, process.platform))
    expect(history.skipped).to.deep.equal([])
    expect(history.records.length).to.be.greaterThan(kills)
  })

  it('many writers at once leave a valid file, one .gitignore line, and one history line each', async () => {
    const root = makeProject()
    gitInit(root)
    const env = cleanEnv({HOME: tempDir()})
    const writers = 10
    const runs = Array.from({length: writers}, (_, i) => new Promise<number | null>((resolve) => {
      const args = i % 2 === 0 ? ['opt-out', root, '--json'] : ['opt-in', root, '--yes', '--json']
      const child = spawn(process.execPath, [BIN, ...args], {env, stdio: 'ignore'})
      child.once('exit', resolve)
    }))
    expect(await Promise.all(runs)).to.deep.equal(Array.from({length: writers}, () => 0))
    expectReadableByKedro(root)
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).to.equal('.telemetry\n')
    const history = await readHistory(historyFile(env, process.platform))
    expect(history.skipped).to.deep.equal([])
    expect(history.records).to.have.length(writers)
    expect(history.records.filter((r) => r.action === 'opt-in')).to.have.length(writers / 2)
    for (const record of history.records) expectValid('history-record.schema.json', record)
  })
})
