/**
 * The CI integrations as CI runs them: the GitHub Action's steps (action.yml) with GitHub's environment files
 * simulated, and the GitLab job template's script with its variables, each on a real tree of projects.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {XMLValidator} from 'fast-xml-parser'
import {parse} from 'yaml'

import type {CodeQualityIssue, SarifLog} from '../../src/render/audit-formats.js'
import {BIN, cleanEnv, gitInit, makeProject, REPO_ROOT, removeTempDirs, tempDir} from '../helpers/sandbox.js'

interface ActionStep {
  env?: Record<string, string>
  id?: string
  if?: string
  run?: string
  shell?: string
  uses?: string
  with?: Record<string, string>
}

interface Action {
  inputs: Record<string, {default: string}>
  outputs: Record<string, {value: string}>
  runs: {steps: ActionStep[]; using: string}
}

/** A tree with a project that meets nothing and one that is fine, in one repository with a team policy. */
function tree(): string {
  const root = tempDir('kc-ci-')
  gitInit(root)
  writeFileSync(path.join(root, '.kedro-consent.yml'), 'version: 1\nconsent: opted-out\nchecks: {consent-recorded: off}\n')
  makeProject({'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'}, path.join(root, 'fine'))
  makeProject({'.gitignore': '.telemetry\n'}, path.join(root, 'sending'))
  return root
}

/**
 * The value of a GitHub expression, for the few forms action.yml uses: `inputs.x`, `steps.s.outputs.x`, string
 * literals, `always()`, `==`, `!=` and `&&`.
 */
function evaluate(expression: string, context: {inputs: Record<string, string>; steps: Record<string, Record<string, string>>}): boolean | string {
  const inner = expression.trim().replace(/^\$\{\{(.*)\}\}$/s, '$1').trim()
  if (inner.includes('&&')) return inner.split('&&').every((part) => evaluate(part, context) === true)
  const comparison = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(inner)
  if (comparison) {
    const [left, right] = [evaluate(comparison[1], context), evaluate(comparison[3], context)]
    return comparison[2] === '==' ? left === right : left !== right
  }

  if (inner === 'always()') return true
  if (/^'.*'$/.test(inner)) return inner.slice(1, -1)
  const input = /^inputs\.([\w-]+)$/.exec(inner)
  if (input) return context.inputs[input[1]] ?? ''
  const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(inner)
  if (output) return context.steps[output[1]]?.[output[2]] ?? ''
  throw new Error(`expression not understood by this test: ${inner}`)
}

function substitute(text: string, context: Parameters<typeof evaluate>[1]): string {
  return text.replaceAll(/\$\{\{(.*?)\}\}/g, (_, inner: string) => String(evaluate(`\${{${inner}}}`, context)))
}

/** Runs the action's steps in `workspace` as a runner would; `uses:` steps (GitHub's own actions) are recorded, not run. */
function runAction(workspace: string, given: Record<string, string>) {
  const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as Action
  expect(action.runs.using).to.equal('composite')
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, given[name] ?? input.default]))
  const runner = tempDir('kc-runner-')
  const files = {GITHUB_ENV: 'env', GITHUB_OUTPUT: 'output', GITHUB_STEP_SUMMARY: 'summary'}
  const githubFiles = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, path.join(runner, file)]))
  for (const file of Object.values(githubFiles)) writeFileSync(file, '')
  const home = tempDir('kc-home-')
  const steps: Record<string, Record<string, string>> = {}
  const ran: {code: null | number; step: ActionStep; stdout: string}[] = []
  const used: ActionStep[] = []
  for (const step of action.runs.steps) {
    const context = {inputs, steps}
    if (step.if && evaluate(step.if, context) !== true) continue
    if (step.uses) {
      used.push({...step, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(value, context)]))})
      continue
    }

    writeFileSync(githubFiles.GITHUB_OUTPUT, '')
    const env = cleanEnv({
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(value, context)])),
      ...githubFiles, CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_ACTION_PATH: REPO_ROOT, GITHUB_WORKSPACE: workspace, HOME: home, RUNNER_TEMP: runner,
    })
    const result = spawnSync('bash', ['-e', '-c', step.run!], {cwd: workspace, encoding: 'utf8', env})
    ran.push({code: result.status, step, stdout: result.stdout + result.stderr})
    const lines = readFileSync(githubFiles.GITHUB_OUTPUT, 'utf8').split('\n').filter(Boolean)
    if (step.id) steps[step.id] = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
    if (result.status !== 0) break
  }

  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, substitute(output.value, {inputs, steps})]))
  return {outputs, ran, summary: readFileSync(githubFiles.GITHUB_STEP_SUMMARY, 'utf8'), used}
}

describe('CI integrations', function () {
  this.timeout(120_000)
  after(removeTempDirs)

  describe('the GitHub Action (action.yml)', () => {
    it('audits under the policy, sets its outputs, writes the job summary and SARIF, uploads it, and fails the job on a failure', () => {
      const workspace = tree()
      const {outputs, ran, summary, used} = runAction(workspace, {})
      expect(outputs).to.deep.include({errors: '0', projects: '2', verdict: 'failed'})
      expect(Number(outputs.failed)).to.be.greaterThan(0)
      expect(summary).to.match(/^# Kedro telemetry audit\n\n\*\*Failed\*\*: 2 project\(s\)/).and.to.contain('Team policy: .kedro-consent.yml')
      const sarif = JSON.parse(readFileSync(outputs['sarif-file'], 'utf8')) as SarifLog
      expect(sarif.runs[0].results.find((result) => result.ruleId === 'TEL010' && result.kind === 'fail')?.locations[0].physicalLocation.artifactLocation.uri)
        .to.equal('.kedro-consent.yml')
      expect(used.map((step) => [step.uses, step.with?.sarif_file])).to.deep.equal([['github/codeql-action/upload-sarif@v3', outputs['sarif-file']]])
      // The audit step itself succeeds (so the upload runs); the last step fails the job, saying why.
      expect(ran.map((step) => step.code)).to.deep.equal([0, 1])
      expect(ran[1].stdout).to.match(/::error title=Kedro telemetry audit::2 project\(s\): \d+ passed, \d+ failed/)
      expect(JSON.parse(readFileSync(outputs['report-file'], 'utf8'))).to.have.property('policies')
    })

    it('fail-level never keeps the job green; the format input keeps another report; upload-sarif false skips the upload', () => {
      const workspace = tree()
      const {outputs, ran, used} = runAction(workspace, {'fail-level': 'never', format: 'codequality', 'upload-sarif': 'false'})
      expect(outputs.verdict).to.equal('failed')
      expect(ran.map((step) => step.code)).to.deep.equal([0])
      expect(used).to.deep.equal([])
      expect(JSON.parse(readFileSync(outputs['report-file'], 'utf8'))).to.be.an('array').with.length.above(0)
    })

    it('policy none and fail-level warn (warnings fail too); a bad input fails at once (exit 2)', () => {
      const workspace = tree()
      writeFileSync(path.join(workspace, 'fine', '.telemetry'), 'consent: false\n')
      const passing = runAction(workspace, {paths: 'fine', policy: 'none'})
      expect(passing.outputs.verdict).to.equal('passed')
      expect(passing.ran.map((step) => step.code)).to.deep.equal([0])
      expect(runAction(workspace, {'fail-level': 'warn', paths: 'fine', policy: 'none'}).outputs.verdict).to.equal('failed')
      const bad = runAction(workspace, {format: 'pdf'})
      expect(bad.ran[0].code).to.equal(2)
      expect(bad.ran[0].stdout).to.contain('::error title=Kedro telemetry audit::format "pdf" is not one of')
    })
  })

  describe('the GitLab job template (templates/telemetry-audit.gitlab-ci.yml)', () => {
    interface GitlabTemplate {
      'telemetry-audit': {artifacts: {reports: {codequality: string; junit: string}; when: string}; script: string[]}
      variables: Record<string, string>
    }

    const template = parse(readFileSync(path.join(REPO_ROOT, 'templates', 'telemetry-audit.gitlab-ci.yml'), 'utf8')) as GitlabTemplate

    it('pins the release of this package', () => {
      const {version} = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {version: string}
      expect(template.variables.TELEMETRY).to.equal(`npx --yes --package kedro-consent@${version} telemetry`)
    })

    it('its script fails the job on a failure and leaves both reports GitLab reads, whatever the verdict', () => {
      const workspace = tree()
      const job = template['telemetry-audit']
      // The tool itself instead of the release on npm: the variable the template exists to let users set.
      const variables = {...template.variables, TELEMETRY: `${process.execPath} ${BIN}`}
      const env = cleanEnv({...variables, CI: 'true', GITLAB_CI: 'true', HOME: tempDir('kc-home-')})
      const codes = job.script.map((line) => spawnSync('sh', ['-c', line], {cwd: workspace, encoding: 'utf8', env}).status)
      expect(codes).to.deep.equal([1])
      expect(job.artifacts.when).to.equal('always')
      const issues = JSON.parse(readFileSync(path.join(workspace, job.artifacts.reports.codequality), 'utf8')) as CodeQualityIssue[]
      expect(issues.some((issue) => issue.check_name === 'TEL010 policy-met' && issue.location.path === '.kedro-consent.yml')).to.equal(true)
      expect(XMLValidator.validate(readFileSync(path.join(workspace, job.artifacts.reports.junit), 'utf8'))).to.equal(true)
      // A tree that meets the policy passes the job.
      writeFileSync(path.join(workspace, 'sending', '.telemetry'), 'consent: false\n')
      expect(spawnSync('sh', ['-c', job.script[0]], {cwd: workspace, env}).status).to.equal(0)
      expect(existsSync(path.join(workspace, job.artifacts.reports.codequality))).to.equal(true)
    })
  })
})
