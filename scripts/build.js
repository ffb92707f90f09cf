// The build: clean dist/, compile with tsc (library, types, commands), bundle the CLI entry (scripts/bundle.js), and
// regenerate oclif.manifest.json from the result. Run by `npm run build`, and by `npm test` with --if-changed: then
// nothing is rebuilt when the inputs are those of the last build (CI builds once, and a test run after a build
// starts at once), judged by a hash of every input file recorded in dist/.build-inputs.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
// The oclif dev CLI asks the npm registry for a newer version of itself unless told not to: a build stays offline.
const env = {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: '1'}

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], {cwd: root, env, stdio: 'inherit'})
  if (result.status !== 0) process.exit(result.status ?? 1)
}

/** A hash of everything the build reads: sources, build scripts, configuration and the locked dependencies. */
function inputsHash() {
  const files = (folder) => readdirSync(path.join(root, folder), {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
  const inputs = [...files('src'), ...files('scripts'), 'package.json', 'package-lock.json', 'tsconfig.json'].sort()
  const hash = createHash('sha256')
  for (const file of inputs) hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update('\0')
  return hash.digest('hex')
}

const stamp = path.join(root, 'dist', '.build-inputs')
const inputs = inputsHash()
if (process.argv.includes('--if-changed')) {
  let built = null
  try {
    built = readFileSync(stamp, 'utf8')
  } catch {
    // Never built here: build.
  }

  if (built === inputs) {
    console.log('dist/ is up to date with src/ (no rebuild)')
    process.exit(0)
  }
}

// A deleted command must not linger in dist/ or the manifest.
rmSync(path.join(root, 'dist'), {force: true, recursive: true})
run(require.resolve('typescript/bin/tsc'), ['-p', 'tsconfig.json'])
run(path.join(root, 'scripts', 'bundle.js'), [])
run(path.join(path.dirname(require.resolve('oclif/package.json')), 'bin', 'run.js'), ['manifest'])
writeFileSync(stamp, inputs)
