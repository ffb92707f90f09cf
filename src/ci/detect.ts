/** Whether a run is in CI: kedro-telemetry's own narrow rule, and ci-info's wider one. */
import {createRequire} from 'node:module'

/** kedro-telemetry's KNOWN_CI_ENV_VAR_KEYS: any of these non-empty marks the run `is_ci_env`. */
export const KEDRO_CI_VARIABLES = [
  'GITLAB_CI', 'GITHUB_ACTION', 'BITBUCKET_BUILD_NUMBER', 'JENKINS_URL', 'CODEBUILD_BUILD_ID', 'CIRCLECI', 'TRAVIS', 'BUILDKITE',
] as const

export interface KedroCiDetection {
  detected: boolean
  /** The variable that made it CI (`CI=true` or a name from KEDRO_CI_VARIABLES), or null. */
  matchedBy: null | string
}

export function kedroDetectsCi(env: NodeJS.ProcessEnv): KedroCiDetection {
  if (env.CI === 'true') return {detected: true, matchedBy: 'CI=true'}
  const name = KEDRO_CI_VARIABLES.find((key) => Boolean(env[key]))
  return {detected: Boolean(name), matchedBy: name ?? null}
}

export interface WideCiDetection {
  detected: boolean
  vendor: null | string
}

const require = createRequire(import.meta.url)
const CI_INFO = require.resolve('ci-info')

/** The environment the cached ci-info read when it was loaded. */
let loadedWith: NodeJS.ProcessEnv | undefined

/**
 * ci-info reads `process.env` once, when loaded; to answer for another environment it is loaded afresh with that
 * environment in place (synchronously, so nothing else can observe the swap). The cached load answers only for the
 * environment it read (a host that replaces process.env, as in-process tests do, gets a fresh reading).
 */
export function wideDetectsCi(env: NodeJS.ProcessEnv): WideCiDetection {
  if (env === process.env && (loadedWith === undefined || loadedWith === env)) {
    loadedWith = env
    const info = require(CI_INFO) as {isCI: boolean; name: null | string}
    return {detected: info.isCI, vendor: info.name}
  }

  const saved = process.env
  const cached = require.cache[CI_INFO]
  try {
    process.env = env
    delete require.cache[CI_INFO]
    const info = require(CI_INFO) as {isCI: boolean; name: null | string}
    return {detected: info.isCI, vendor: info.name}
  } finally {
    process.env = saved
    if (cached) require.cache[CI_INFO] = cached
    else delete require.cache[CI_INFO]
  }
}
