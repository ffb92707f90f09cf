// Benchmarks, each reported as a ratio against a floor measured in the same run, on this machine, now.
//   status: median wall time of `telemetry status --json` on the bundled example vs `node -e 0`. Target: ratio <= 3.
// Each case runs in two environments: the inherited one (what a user of this machine sees; HOME and XDG_CONFIG_HOME
// point at an empty temp dir so their files do not matter) and a bare one (PATH and HOME only), because variables
// such as NODE_EXTRA_CA_CERTS change node's own start-up a lot. `telemetry --version` shows oclif's own start-up.
// Runs are interleaved so that load on the machine affects every case alike. Usage: npm run bench [-- --runs N]
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runsFlag = process.argv.indexOf('--runs')
const runs = runsFlag === -1 ? 21 : Number(process.argv[runsFlag + 1])
const home = mkdtempSync(path.join(tmpdir(), 'kc-bench-'))
const isolated = {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.data')}
const environments = {
  bare: {PATH: process.env.PATH, ...isolated},
  inherited: {...process.env, ...isolated},
}
const bin = path.join(root, 'bin', 'run.js')
const commands = {
  floor: ['-e', '0'],
  status: [bin, 'status', '--json', path.join(root, 'examples', 'spaceflights')],
  version: [bin, '--version'],
}

function timeOnce(args, env) {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env})
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return elapsed
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const samples = {}
for (const [envName, env] of Object.entries(environments)) {
  for (const [name, args] of Object.entries(commands)) {
    samples[`${envName}/${name}`] = []
    timeOnce(args, env) // warm the file cache
  }
}

for (let i = 0; i < runs; i++) {
  for (const [envName, env] of Object.entries(environments)) {
    for (const [name, args] of Object.entries(commands)) samples[`${envName}/${name}`].push(timeOnce(args, env))
  }
}

rmSync(home, {force: true, recursive: true})

const target = 3
console.log(`telemetry status --json on examples/spaceflights vs node -e 0; ${runs} interleaved runs per case; node ${process.version} ${process.platform}-${process.arch}`)
console.log('environment  node -e 0   telemetry --version   telemetry status --json   status/floor   --version/floor')
for (const envName of Object.keys(environments)) {
  const [floor, version, status] = ['floor', 'version', 'status'].map((name) => median(samples[`${envName}/${name}`]))
  const ratio = status / floor
  console.log(
    `${envName.padEnd(11)}  ${floor.toFixed(1).padStart(6)} ms  ${version.toFixed(1).padStart(14)} ms  ` +
    `${status.toFixed(1).padStart(18)} ms  ${ratio.toFixed(2).padStart(8)} (${ratio <= target ? 'met' : 'NOT met'})  ${(version / floor).toFixed(2).padStart(10)}`,
  )
}

console.log(`target: status/floor <= ${target}. --version/floor is oclif's own start-up, the least any command can cost.`)
