/**
 * Other tools of a Kedro project's data stack that send usage data by default, with the switches their documentation
 * gives to stop it. Only tools whose switch is documented publicly are listed; each entry names its documentation.
 * A switch's values are those the tool reads as "off" (from its documentation and, where it is stricter, its code);
 * any other value is reported as estimated, never guessed.
 */

interface EnvironmentSwitch {
  /** The versions the switch works in (PEP 440 specifiers), when not all. */
  appliesTo?: string
  /** Values (compared without case) that switch usage data off. */
  off: string[]
  /** Any value at all switches it off (the tool only checks that the variable is set). */
  anyValueIsOff?: boolean
  variable: string
}

export interface ConfigFileSwitch {
  /** The file, relative to the project root, or `~/` for the user's home. */
  file: string
  /** Where in the file the setting is (a TOML table and key, or YAML keys), and the value that switches it off. */
  format: 'toml' | 'yaml'
  keys: string[]
  off: boolean
}

export interface StackTool {
  /** The environment variables to set in a CI job to switch it off (`telemetry opt-out --ci --stack`), or null. */
  ciVariables: null | Record<string, string>
  /** Variables whose presence means a CI run, in which the tool sends nothing by itself. */
  ciDetection?: string[]
  docs: string
  files: ConfigFileSwitch[]
  /** Sends through kedro-telemetry, so kedro-telemetry's consent decides (status's verdict). */
  followsKedroConsent?: boolean
  id: string
  /** How to switch it off when no environment variable can (shown to the user). */
  manualSwitch?: string
  name: string
  /** Distributions (PEP 503 names) whose presence brings the tool into the project. */
  packages: string[]
  /** The packages whose version is the tool's (default: all of `packages`). */
  versionOf?: string[]
  /** Versions that send, as PEP 440 specifiers, when only some do. */
  sendsFrom?: string
  /** What it sends, in a phrase. */
  sends: string
  /** Switches, each enough on its own. */
  switches: EnvironmentSwitch[]
}

const CLICK_FALSE = ['0', 'false', 'f', 'no', 'n', 'off']
const HF_TRUE = ['1', 'on', 'yes', 'true']

export const STACK_TOOLS: StackTool[] = [
  {
    ciVariables: null,
    docs: 'https://docs.kedro.org/en/stable/about/telemetry/',
    files: [],
    followsKedroConsent: true,
    id: 'kedro-viz',
    name: 'Kedro-Viz',
    packages: ['kedro-viz'],
    sends: 'usage data of its CLI and web UI through kedro-telemetry, under the same consent',
    switches: [],
  },
  {
    ciVariables: {DBT_SEND_ANONYMOUS_USAGE_STATS: 'False'},
    docs: 'https://docs.getdbt.com/reference/global-configs/usage-stats',
    files: [{file: 'dbt_project.yml', format: 'yaml', keys: ['flags', 'send_anonymous_usage_stats'], off: false}],
    id: 'dbt',
    name: 'dbt Core',
    // dbt-core, or an adapter that installs it.
    packages: [
      'dbt-core', 'dbt-athena-community', 'dbt-bigquery', 'dbt-databricks', 'dbt-duckdb', 'dbt-fabric', 'dbt-postgres', 'dbt-redshift', 'dbt-snowflake',
      'dbt-spark', 'dbt-sqlserver', 'dbt-trino',
    ],
    versionOf: ['dbt-core'],
    sends: 'anonymous usage events (Snowplow) on every invocation and model run',
    switches: [
      {off: ['1', 't', 'true', 'y', 'yes'], variable: 'DO_NOT_TRACK'},
      {off: CLICK_FALSE, variable: 'DBT_SEND_ANONYMOUS_USAGE_STATS'},
    ],
  },
  {
    ciVariables: {GE_USAGE_STATS: 'FALSE', GX_ANALYTICS_ENABLED: 'False'},
    docs: 'https://docs.greatexpectations.io/docs/reference/usage_statistics/',
    files: [],
    id: 'great-expectations',
    name: 'Great Expectations',
    packages: ['great-expectations'],
    sends: 'analytics events of the features used (GX_ANALYTICS_ENABLED in GX Core 1.x, GE_USAGE_STATS in 0.x)',
    switches: [
      {appliesTo: '>=1.0.0', off: ['false'], variable: 'GX_ANALYTICS_ENABLED'},
      {appliesTo: '<1.0.0', off: ['false'], variable: 'GE_USAGE_STATS'},
    ],
    versionOf: ['great-expectations'],
  },
  {
    ciVariables: {STREAMLIT_BROWSER_GATHER_USAGE_STATS: 'false'},
    docs: 'https://docs.streamlit.io/develop/concepts/configuration/options',
    files: [
      {file: '.streamlit/config.toml', format: 'toml', keys: ['browser', 'gatherUsageStats'], off: false},
      {file: '~/.streamlit/config.toml', format: 'toml', keys: ['browser', 'gatherUsageStats'], off: false},
    ],
    id: 'streamlit',
    name: 'Streamlit',
    packages: ['streamlit'],
    sends: 'usage statistics from the browser of everyone who opens an app (browser.gatherUsageStats)',
    switches: [{off: ['false'], variable: 'STREAMLIT_BROWSER_GATHER_USAGE_STATS'}],
  },
  {
    ciVariables: {GRADIO_ANALYTICS_ENABLED: 'False'},
    docs: 'https://www.gradio.app/guides/environment-variables',
    files: [],
    id: 'gradio',
    name: 'Gradio',
    packages: ['gradio'],
    sends: 'analytics about the apps launched',
    switches: [{off: ['false'], variable: 'GRADIO_ANALYTICS_ENABLED'}],
  },
  {
    ciVariables: {HF_HUB_DISABLE_TELEMETRY: '1'},
    docs: 'https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables',
    files: [],
    id: 'huggingface-hub',
    name: 'Hugging Face Hub (transformers, datasets, diffusers)',
    packages: ['huggingface-hub', 'transformers', 'datasets', 'diffusers'],
    versionOf: ['huggingface-hub'],
    sends: 'telemetry of the Hugging Face libraries, through huggingface_hub',
    switches: [
      {off: HF_TRUE, variable: 'HF_HUB_DISABLE_TELEMETRY'},
      {off: HF_TRUE, variable: 'DISABLE_TELEMETRY'},
      {off: HF_TRUE, variable: 'DO_NOT_TRACK'},
    ],
  },
  {
    ciVariables: {MLFLOW_DISABLE_TELEMETRY: 'true'},
    docs: 'https://mlflow.org/docs/latest/community/usage-tracking',
    files: [],
    id: 'mlflow',
    name: 'MLflow',
    packages: ['mlflow', 'mlflow-skinny'],
    sends: 'anonymized usage data (MLflow 3.2.0 and later)',
    sendsFrom: '>=3.2.0',
    switches: [
      {off: ['true', '1'], variable: 'MLFLOW_DISABLE_TELEMETRY'},
      // Compared with "true" only: DO_NOT_TRACK=1 leaves MLflow sending.
      {off: ['true'], variable: 'DO_NOT_TRACK'},
    ],
  },
  {
    ciVariables: {YDATA_PROFILING_NO_ANALYTICS: 'True'},
    docs: 'https://docs.profiling.ydata.ai/latest/advanced_settings/analytics/',
    files: [],
    id: 'ydata-profiling',
    name: 'ydata-profiling',
    packages: ['ydata-profiling'],
    sends: 'anonymous usage analytics of the reports made',
    switches: [{anyValueIsOff: true, off: [], variable: 'YDATA_PROFILING_NO_ANALYTICS'}],
  },
  {
    ciVariables: null,
    docs: 'https://docs.dagster.io/about/telemetry',
    files: [{file: '$DAGSTER_HOME/dagster.yaml', format: 'yaml', keys: ['telemetry', 'enabled'], off: false}],
    id: 'dagster',
    manualSwitch: 'add `telemetry: {enabled: false}` to $DAGSTER_HOME/dagster.yaml (set DAGSTER_HOME first)',
    name: 'Dagster',
    packages: ['dagster'],
    sends: 'usage statistics from its backend and web UI',
    switches: [],
  },
  {
    ciDetection: [
      'CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'JENKINS_URL', 'TRAVIS', 'CIRCLECI', 'BUILDKITE', 'TF_BUILD', 'CODEBUILD_BUILD_ID', 'BITBUCKET_COMMIT',
      'TEAMCITY_VERSION', 'DRONE', 'SEMAPHORE', 'APPVEYOR', 'BUDDY', 'CI_NAME',
    ],
    ciVariables: {PREFECT_SERVER_ANALYTICS_ENABLED: 'false'},
    docs: 'https://docs.prefect.io/v3/concepts/telemetry',
    files: [],
    id: 'prefect',
    name: 'Prefect',
    packages: ['prefect'],
    sends: 'anonymous SDK milestone events and server heartbeats',
    switches: [
      {off: ['1', 'true', 'yes'], variable: 'DO_NOT_TRACK'},
      {off: ['false'], variable: 'PREFECT_SERVER_ANALYTICS_ENABLED'},
    ],
  },
]

/** Every distribution that brings one of the tools, for reading an environment's metadata. */
export const STACK_PACKAGES = new Set(STACK_TOOLS.flatMap((tool) => tool.packages))
