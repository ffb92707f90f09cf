// The build: clean dist/, compile with tsc (library, types, commands), bundle the CLI entry (scripts/bundle.js), and
// regenerate oclif.manifest.json from the result. Run by `npm run build` and `npm test`.
import {spawnSync} from 'node:child_process'
import {rmSync} from 'node:fs'
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

// A deleted command must not linger in dist/ or the manifest.
rmSync(path.join(root, 'dist'), {force: true, recursive: true})
run(require.resolve('typescript/bin/tsc'), ['-p', 'tsconfig.json'])
run(path.join(root, 'scripts', 'bundle.js'), [])
run(path.join(path.dirname(require.resolve('oclif/package.json')), 'bin', 'run.js'), ['manifest'])
