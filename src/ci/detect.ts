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

/** One vendor of ci-info's list (its vendors.json), read as data. */
interface CiVendor {
  constant: string
  env: CiCondition | CiCondition[]
  name: string
}

type CiCondition = string | {any: string[]} | {env: string; includes: string} | Record<string, string>

/** ci-info's checkEnv: a variable set, one of several set, a variable that includes a text, or exact values. */
function conditionHolds(condition: CiCondition, env: NodeJS.ProcessEnv): boolean {
  if (typeof condition === 'string') return Boolean(env[condition])
  if ('env' in condition && 'includes' in condition) return Boolean(env[condition.env]?.includes(condition.includes))
  if ('any' in condition && Array.isArray(condition.any)) return condition.any.some((name) => Boolean(env[name]))
  return Object.entries(condition as Record<string, string>).every(([name, value]) => env[name] === value)
}

let vendors: CiVendor[] | undefined

/**
 * ci-info's answer for `env`, computed from its vendor list as data (ci-info itself reads `process.env` once, when it
 * is loaded): the last vendor whose conditions all hold, and isCI from the same variables it checks.
 */
export function wideDetectsCi(env: NodeJS.ProcessEnv): WideCiDetection {
  if (env.CI === 'false') return {detected: false, vendor: null}
  vendors ??= require('ci-info/vendors.json') as CiVendor[]
  let vendor: null | string = null
  for (const candidate of vendors) {
    const conditions = Array.isArray(candidate.env) ? candidate.env : [candidate.env]
    if (conditions.every((condition) => conditionHolds(condition, env))) vendor = candidate.name
  }

  const detected = Boolean(env.BUILD_ID || env.BUILD_NUMBER || env.CI || env.CI_APP_ID || env.CI_BUILD_ID || env.CI_BUILD_NUMBER || env.CI_NAME
    || env.CONTINUOUS_INTEGRATION || env.RUN_ID || vendor)
  return {detected, vendor}
}
