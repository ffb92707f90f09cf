import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {AuditReport} from '../src/audit/audit.js'
import type {ChangeResult} from '../src/consent/change.js'
import {STACK_TOOLS} from '../src/stack/tools.js'
import type {StatusReport} from '../src/status/status.js'
import {runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {makeProject, removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'
import {expectValid} from './helpers/schemas.js'

/** status --json of a project whose requirements name `requirement`, with `env` on top of a HOME of its own. */
async function stackOf(files: Record<string, string>, env: Record<string, string> = {}) {
  const home = tempDir('kc-home-')
  const root = makeProject(files)
  const run = await runJsonInProcess<StatusReport>(['status', root], {env: {HOME: home, ...env}})
  expectValid('status.schema.json', run.json)
  return {root, stack: run.json.stack}
}

const finding = async (requirement: string, env: Record<string, string> = {}, files: Record<string, string> = {}) => {
  const {stack} = await stackOf({'requirements.txt': `kedro==1.5.0\n${requirement}\n`, ...files}, env)
  return stack[0]
}

describe('the rest of the data stack', () => {
  after(removeTempDirs)

  it('every tool cites its documentation and says how to switch it off', () => {
    for (const tool of STACK_TOOLS) {
      expect(tool.docs, tool.id).to.match(/^https:\/\//)
      expect(tool.switches.length + tool.files.length + (tool.followsKedroConsent ? 1 : 0), tool.id).to.be.greaterThan(0)
    }
  })

  it('a project without any of them reports none', async () => {
    expect((await stackOf({'requirements.txt': 'kedro==1.5.0\npandas\n'})).stack).to.deep.equal([])
  })

  it('dbt Core: sends by default; DO_NOT_TRACK=1 or DBT_SEND_ANONYMOUS_USAGE_STATS=False stops it; so does dbt_project.yml', async () => {
    const on = await finding('dbt-postgres==1.8.0\ndbt-core==1.8.2')
    expect(on).to.deep.include({decidedBy: 'its default (on)', id: 'dbt', version: '1.8.2', wouldSend: true})
    expect(on.declaredIn).to.deep.equal(['requirements.txt:3 (dbt-core==1.8.2)', 'requirements.txt:2 (dbt-postgres==1.8.0)'])
    // An adapter alone brings dbt Core in; its own version is not dbt's.
    expect(await finding('dbt-snowflake==1.9.1')).to.deep.include({id: 'dbt', version: null, wouldSend: true})
    expect(await finding('dbt-core', {DO_NOT_TRACK: '1'})).to.deep.include({decidedBy: 'DO_NOT_TRACK=1', wouldSend: false})
    expect(await finding('dbt-core', {DBT_SEND_ANONYMOUS_USAGE_STATS: 'False'})).to.include({wouldSend: false})
    const byFile = await finding('dbt-core', {}, {'dbt_project.yml': 'name: shop\nflags:\n  send_anonymous_usage_stats: false\n'})
    expect(byFile.wouldSend).to.equal(false)
    expect(byFile.decidedBy).to.match(/flags\.send_anonymous_usage_stats = false in .*dbt_project\.yml/)
    // A value dbt does not document for switching off: still sending, and said to be estimated.
    expect(await finding('dbt-core', {DO_NOT_TRACK: 'please'})).to.deep.include({estimated: 'DO_NOT_TRACK=please: a value its documentation does not give for switching off', wouldSend: true})
  })

  it('MLflow: only 3.2.0 and later send; DO_NOT_TRACK=1 does not stop it (it must be "true"), MLFLOW_DISABLE_TELEMETRY=true does', async () => {
    expect(await finding('mlflow==2.17.0')).to.deep.include({decidedBy: 'version 2.17.0: only >=3.2.0 sends', wouldSend: false})
    expect((await finding('mlflow==3.4.0', {DO_NOT_TRACK: '1'})).wouldSend).to.equal(true)
    expect((await finding('mlflow==3.4.0', {DO_NOT_TRACK: 'true'})).wouldSend).to.equal(false)
    expect((await finding('mlflow-skinny==3.4.0', {MLFLOW_DISABLE_TELEMETRY: 'TRUE'})).wouldSend).to.equal(false)
    expect((await finding('mlflow>=3')).estimated).to.match(/version is not known, and only >=3\.2\.0 sends/)
  })

  it('Hugging Face Hub, through transformers too: HF_HUB_DISABLE_TELEMETRY or DO_NOT_TRACK with a true value', async () => {
    expect(await finding('transformers==4.46.0')).to.deep.include({id: 'huggingface-hub', wouldSend: true})
    expect((await finding('huggingface_hub', {HF_HUB_DISABLE_TELEMETRY: 'yes'})).wouldSend).to.equal(false)
    expect((await finding('datasets', {DO_NOT_TRACK: 'ON'})).wouldSend).to.equal(false)
  })

  it('Streamlit: the environment variable, the project\'s .streamlit/config.toml, or the user\'s own', async () => {
    expect((await finding('streamlit')).wouldSend).to.equal(true)
    expect((await finding('streamlit', {STREAMLIT_BROWSER_GATHER_USAGE_STATS: 'false'})).wouldSend).to.equal(false)
    expect((await finding('streamlit', {}, {'.streamlit/config.toml': '[browser]\ngatherUsageStats = false\n'})).wouldSend).to.equal(false)
    const home = tempDir('kc-home-')
    writeFiles(home, {'.streamlit/config.toml': '[browser]\ngatherUsageStats = false\n'})
    const root = makeProject({'requirements.txt': 'streamlit\n'})
    const run = await runJsonInProcess<StatusReport>(['status', root], {env: {HOME: home}})
    expect(run.json.stack[0].decidedBy).to.contain(path.join(home, '.streamlit', 'config.toml'))
  })

  it('Gradio, Great Expectations, ydata-profiling: their documented variables', async () => {
    expect((await finding('gradio', {GRADIO_ANALYTICS_ENABLED: 'False'})).wouldSend).to.equal(false)
    expect((await finding('gradio')).wouldSend).to.equal(true)
    expect((await finding('great_expectations==1.2.0', {GX_ANALYTICS_ENABLED: 'false'})).wouldSend).to.equal(false)
    expect((await finding('great-expectations==0.18.21', {GE_USAGE_STATS: 'FALSE'})).wouldSend).to.equal(false)
    // Each variable works in one line of releases only.
    expect(await finding('great-expectations==1.2.0', {GE_USAGE_STATS: 'FALSE'})).to.deep.include({
      estimated: 'GE_USAGE_STATS=FALSE: it works in Great Expectations <1.0.0 only, not 1.2.0', wouldSend: true,
    })
    expect((await finding('great-expectations', {GX_ANALYTICS_ENABLED: 'False'})).estimated).to.equal('GX_ANALYTICS_ENABLED works in Great Expectations >=1.0.0 only, and the version is not known')
    // ydata-profiling only checks that the variable is set.
    expect((await finding('ydata-profiling', {YDATA_PROFILING_NO_ANALYTICS: 'anything'})).wouldSend).to.equal(false)
  })

  it('Prefect turns itself off in CI; Dagster has no variable, only $DAGSTER_HOME/dagster.yaml', async () => {
    expect(await finding('prefect')).to.include({wouldSend: true})
    expect((await finding('prefect', {GITHUB_ACTIONS: 'true'})).decidedBy).to.match(/a CI run \(GITHUB_ACTIONS is set\)/)
    const dagster = await finding('dagster==1.9.0')
    expect(dagster).to.deep.include({ciVariables: null, wouldSend: true})
    expect(dagster.switchOff).to.contain('$DAGSTER_HOME/dagster.yaml')
    const dagsterHome = tempDir()
    writeFiles(dagsterHome, {'dagster.yaml': 'telemetry:\n  enabled: false\n'})
    expect((await finding('dagster', {DAGSTER_HOME: dagsterHome})).wouldSend).to.equal(false)
  })

  it('Kedro-Viz sends under kedro-telemetry\'s consent; an installed tool counts though the requirements do not name it', async () => {
    expect(await finding('kedro-viz')).to.deep.include({id: 'kedro-viz', wouldSend: true})
    expect((await finding('kedro-viz', {KEDRO_DISABLE_TELEMETRY: '1'})).wouldSend).to.equal(false)
    const {stack} = await stackOf({
      '.venv/lib/python3.11/site-packages/gradio-5.0.0.dist-info/METADATA': 'Name: gradio\nVersion: 5.0.0\n', 'requirements.txt': 'kedro==1.5.0\n',
    })
    expect(stack.map((tool) => [tool.id, tool.version])).to.deep.equal([['gradio', '5.0.0']])
    expect(stack[0].declaredIn[0]).to.match(/^installed in .*\(gradio 5\.0\.0\)$/)
  })

  it('status says which other tools would send; --verbose says how to stop each and cites its documentation', async () => {
    const home = tempDir('kc-home-')
    const root = makeProject({'requirements.txt': 'kedro==1.5.0\nmlflow==3.4.0\nstreamlit\n'})
    const short = await runInProcess(['status', root], {env: {DO_NOT_TRACK: '1', HOME: home, NO_COLOR: '1'}})
    expect(short.stdout).to.contain('Also sending: Streamlit, MLflow (how to stop each: --verbose)')
    const verbose = await runInProcess(['status', root, '--verbose'], {env: {DO_NOT_TRACK: '1', HOME: home, NO_COLOR: '1'}})
    expect(verbose.stdout).to.contain('MLFLOW_DISABLE_TELEMETRY=true').and.to.contain('https://mlflow.org/docs/latest/community/usage-tracking')
    expect(short.stdout).to.match(/^Next: kedro-telemetry sends nothing from here, but Streamlit and MLflow would/m)
  })
})

describe('opt-out --ci --stack', () => {
  after(removeTempDirs)

  it('sets, for the rest of the job, the documented variable of every stack tool the project brings in', async () => {
    const root = makeProject({'requirements.txt': 'kedro==1.5.0\nmlflow==3.4.0\nstreamlit\ngradio\n'})
    const githubEnv = path.join(tempDir(), 'github_env')
    writeFileSync(githubEnv, 'GRADIO_ANALYTICS_ENABLED=True\nDO_NOT_TRACK=1\n')
    const run = await runJsonInProcess<ChangeResult>(['opt-out', root, '--ci', '--stack'], {env: {GITHUB_ENV: githubEnv, HOME: tempDir('kc-home-')}})
    expect(run.code).to.equal(0)
    expect(run.json.ci?.appended).to.deep.equal([
      'KEDRO_DISABLE_TELEMETRY=1', 'STREAMLIT_BROWSER_GATHER_USAGE_STATS=false', 'GRADIO_ANALYTICS_ENABLED=False', 'MLFLOW_DISABLE_TELEMETRY=true',
    ])
    // A later line wins in $GITHUB_ENV: Gradio's earlier True is overridden.
    expect(readFileSync(githubEnv, 'utf8')).to.match(/GRADIO_ANALYTICS_ENABLED=True\n[^]*GRADIO_ANALYTICS_ENABLED=False\n/)
    // What the next step of the job then sees: nothing of the stack sends.
    const env = Object.fromEntries(readFileSync(githubEnv, 'utf8').trim().split('\n').map((line) => line.split('=') as [string, string]))
    const status = await runJsonInProcess<StatusReport>(['status', root], {env: {...env, HOME: tempDir('kc-home-')}})
    expect(status.json.stack.filter((tool) => tool.wouldSend)).to.deep.equal([])
  })

  it('outside a project, every known tool\'s variable, as export lines without $GITHUB_ENV; --stack needs --ci', async () => {
    const run = await runInProcess(['opt-out', '--ci', '--stack'], {cwd: tempDir(), env: {HOME: tempDir('kc-home-')}})
    expect(run.code).to.equal(0)
    for (const line of ['export DBT_SEND_ANONYMOUS_USAGE_STATS=False', 'export HF_HUB_DISABLE_TELEMETRY=1', 'export YDATA_PROFILING_NO_ANALYTICS=True']) {
      expect(run.stdout).to.contain(line)
    }

    expect((await runInProcess(['opt-out', '--stack'], {cwd: tempDir(), env: {HOME: tempDir('kc-home-')}})).code).to.equal(2)
  })
})

describe('the stack in the audit and the team policy', () => {
  after(removeTempDirs)

  it('TEL011 warns, on the requirement line, for each tool that would send; passes when their switches are set; skips without any', async () => {
    const root = makeProject({'requirements.txt': 'kedro==1.5.0\nmlflow==3.4.0\n'})
    const audit = async (env: Record<string, string> = {}) => {
      const run = await runInProcess(['audit', root, '--format', 'json'], {env: {HOME: tempDir('kc-home-'), ...env}})
      return (JSON.parse(run.stdout) as AuditReport).projects[0].checks.find((check) => check.id === 'TEL011')!
    }

    const sending = await audit()
    expect(sending).to.deep.include({status: 'warn', summary: 'MLflow would send usage data from here'})
    expect(sending.evidence[0]).to.deep.include({file: path.join(root, 'requirements.txt'), line: 2})
    expect(sending.evidence[0].message).to.contain('MLFLOW_DISABLE_TELEMETRY=true').and.to.contain('https://mlflow.org/')
    expect((await audit({MLFLOW_DISABLE_TELEMETRY: 'true'})).status).to.equal('pass')
    const none = makeProject({'requirements.txt': 'kedro==1.5.0\n'})
    const skipped = JSON.parse((await runInProcess(['audit', none, '--format', 'json'], {env: {HOME: tempDir('kc-home-')}})).stdout) as AuditReport
    expect(skipped.projects[0].checks.find((check) => check.id === 'TEL011')?.status).to.equal('skip')
  })

  it('a policy with "stack: opted-out" is not met while a tool would send, and is once its switch is set', async () => {
    const repository = tempDir('kc-repo-')
    spawnSync('git', ['init', '-q'], {cwd: repository})
    writeFileSync(path.join(repository, '.kedro-consent.yml'), 'version: 1\nstack: opted-out\n')
    const root = makeProject({'requirements.txt': 'kedro==1.5.0\nstreamlit\n'}, path.join(repository, 'project'))
    const unmet = (await runJsonInProcess<StatusReport>(['status', root], {env: {HOME: tempDir('kc-home-')}})).json
    expect(unmet.policy?.rules).to.deep.include({estimated: null, line: 2, met: false, required: 'opted-out', result: 'Streamlit would send usage data from here', rule: 'stack'})
    expect(unmet.advice).to.contain('requires the rest of the stack to send nothing')
    const met = (await runJsonInProcess<StatusReport>(['status', root], {env: {HOME: tempDir('kc-home-'), STREAMLIT_BROWSER_GATHER_USAGE_STATS: 'false'}})).json
    expect(met.policy?.met).to.equal(true)
  })
})
