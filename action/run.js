// The GitHub Action's audit step (action.yml): runs `telemetry audit` once, writing JSON, SARIF and Markdown (and the
// format asked for), then sets the step's outputs (GITHUB_OUTPUT) and appends the Markdown to the job summary
// (GITHUB_STEP_SUMMARY). It exits 0 when the audit ran, whatever its verdict, so that the SARIF upload still runs; the
// action's last step fails the job by the fail-level input. A usage or input error (exit 2) fails at once.
// Plain Node.js with no dependencies: it runs from the action's checkout, before anything is installed.
import {spawnSync} from 'node:child_process'
import {appendFileSync, existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const actionPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const env = process.env
const temp = env.RUNNER_TEMP || env.TMPDIR || '/tmp'
// Each report format the audit can write to a file, with its file name ending (generated from the CLI's registry).
const EXTENSIONS = JSON.parse(readFileSync(path.join(actionPath, 'action', 'report-formats.json'), 'utf8'))

function fail(message) {
  console.log(`::error title=Kedro telemetry audit::${message.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')}`)
  process.exit(2)
}

/** The CLI: this checkout's own build when it has one, else the release of this checkout's version from npm. */
function cli() {
  if (existsSync(path.join(actionPath, 'dist', 'cli.cjs'))) return [process.execPath, path.join(actionPath, 'bin', 'run.js')]
  const {version} = JSON.parse(readFileSync(path.join(actionPath, 'package.json'), 'utf8'))
  return ['npx', '--yes', '--package', `kedro-consent@${version}`, 'telemetry']
}

const format = (env.INPUT_FORMAT || 'json').trim()
if (!(format in EXTENSIONS)) fail(`format "${format}" is not one of ${Object.keys(EXTENSIONS).join(', ')}`)
const failLevel = (env.INPUT_FAIL_LEVEL || 'fail').trim()
if (!['fail', 'warn', 'never'].includes(failLevel)) fail(`fail-level "${failLevel}" is not one of fail, warn, never`)
const raw = env.INPUT_PATHS || '.'
const paths = (raw.includes('\n') ? raw.split('\n') : raw.split(/\s+/)).map((item) => item.trim()).filter(Boolean)
const policy = (env.INPUT_POLICY || '').trim()

const files = {json: path.join(temp, 'telemetry-audit.json'), markdown: path.join(temp, 'telemetry-audit.md'), sarif: path.join(temp, 'telemetry-audit.sarif')}
const reportFile = files[format] ?? path.join(temp, `telemetry-audit.${EXTENSIONS[format]}`)
const args = [
  'audit', ...paths, ...(policy === '' ? [] : (policy === 'none' ? ['--no-policy'] : ['--policy', policy])), ...(failLevel === 'warn' ? ['--strict'] : []),
  '--report', `json=${files.json}`, '--report', `sarif=${files.sarif}`, '--report', `markdown=${files.markdown}`,
  ...(files[format] ? [] : ['--report', `${format}=${reportFile}`]),
]
const [command, ...prefix] = cli()
const run = spawnSync(command, [...prefix, ...args], {encoding: 'utf8', env: {...env, OCLIF_SKIP_NEW_VERSION_CHECK: '1'}, stdio: ['ignore', 'inherit', 'pipe']})
process.stderr.write(run.stderr ?? '')
if (run.status !== 0 && run.status !== 1) fail(`telemetry audit failed (exit ${run.status ?? run.signal}): ${(run.stderr ?? '').trim().split('\n')[0]}`)

const report = JSON.parse(readFileSync(files.json, 'utf8'))
const {summary} = report
const line = `${summary.projects} project(s): ${summary.pass} passed, ${summary.fail} failed, ${summary.warn} warned, ${summary.skip} skipped` +
  (summary.errors > 0 ? `, ${summary.errors} could not be audited` : '')
const outputs = {
  errors: summary.errors, failed: summary.fail, passed: summary.pass, projects: summary.projects, 'report-file': reportFile, 'sarif-file': files.sarif,
  skipped: summary.skip, summary: line, verdict: report.exitCode === 0 ? 'passed' : 'failed', warned: summary.warn,
}
if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, Object.entries(outputs).map(([name, value]) => `${name}=${value}\n`).join(''))
if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, readFileSync(files.markdown, 'utf8'))
console.log(`Kedro telemetry audit ${outputs.verdict}: ${line}`)
