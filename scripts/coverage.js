// `npm run coverage`: the whole test suite under c8, in-process code and every CLI child process alike, reported
// against src/ and failing below the thresholds (85% of lines, 75% of branches). The CLI children run tsc's
// unbundled build (scripts/coverage-bin.js), whose source maps map one file to one source.
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function run(script, args, env = process.env) {
  const result = spawnSync(process.execPath, [script, ...args], {cwd: root, env, stdio: 'inherit'})
  if (result.status !== 0) process.exit(result.status ?? 1)
}

rmSync(path.join(root, '.coverage'), {force: true, recursive: true})
run(require.resolve('typescript/bin/tsc'), ['-p', 'tsconfig.json', '--outDir', '.coverage/build', '--sourceMap', '--declaration', 'false'])
const c8 = path.join(path.dirname(require.resolve('c8/package.json')), 'bin', 'c8.js')
run(c8, [
  '--reporter', 'none', '--temp-directory', '.coverage/v8',
  path.join(path.dirname(require.resolve('mocha/package.json')), 'bin', 'mocha.js'), '--parallel', '--jobs', '2', 'test/**/*.test.ts',
], {...process.env, KC_TEST_BIN: path.join(root, 'scripts', 'coverage-bin.js')})

// A few tests run the built CLI itself (the Action, the pre-commit hooks, the start-up). Its bundle is minified onto a
// few long lines, so V8's coverage of it, mapped back to src/, marks whole files covered that the run never entered:
// it is left out, and what is measured is what the tests ran of tsc's build and of the sources.
const temporary = path.join(root, '.coverage', 'v8')
const bundle = pathToFileURL(path.join(root, 'dist')).href
for (const file of readdirSync(temporary)) {
  const coverage = JSON.parse(readFileSync(path.join(temporary, file), 'utf8'))
  const kept = coverage.result.filter((script) => !script.url.startsWith(`${bundle}/`))
  if (kept.length !== coverage.result.length) writeFileSync(path.join(temporary, file), JSON.stringify({...coverage, result: kept}))
}

run(c8, [
  'report', '--all', '--src', 'src', '--include', 'src/**', '--exclude-after-remap',
  '--reporter', 'text-summary', '--reporter', 'html', '--reporter', 'json-summary', '--report-dir', 'coverage',
  '--temp-directory', '.coverage/v8',
  '--check-coverage', '--lines', '85', '--branches', '75',
])
