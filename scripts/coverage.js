// `npm run coverage`: the whole test suite under c8, in-process code and every CLI child process alike, reported
// against src/ and failing below the thresholds (85% of lines, 75% of branches). The CLI children run tsc's
// unbundled build (scripts/coverage-bin.js), whose source maps map one file to one source.
import {spawnSync} from 'node:child_process'
import {rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function run(script, args, env = process.env) {
  const result = spawnSync(process.execPath, [script, ...args], {cwd: root, env, stdio: 'inherit'})
  if (result.status !== 0) process.exit(result.status ?? 1)
}

rmSync(path.join(root, '.coverage'), {force: true, recursive: true})
run(require.resolve('typescript/bin/tsc'), ['-p', 'tsconfig.json', '--outDir', '.coverage/build', '--sourceMap', '--declaration', 'false'])
run(path.join(path.dirname(require.resolve('c8/package.json')), 'bin', 'c8.js'), [
  '--all', '--src', 'src', '--include', 'src/**', '--exclude-after-remap',
  '--reporter', 'text-summary', '--reporter', 'html', '--reporter', 'json-summary', '--report-dir', 'coverage',
  '--temp-directory', '.coverage/v8',
  '--check-coverage', '--lines', '85', '--branches', '75',
  path.join(path.dirname(require.resolve('mocha/package.json')), 'bin', 'mocha.js'), '--parallel', '--jobs', '2', 'test/**/*.test.ts',
], {...process.env, KC_TEST_BIN: path.join(root, 'scripts', 'coverage-bin.js')})
