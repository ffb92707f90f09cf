/**
 * Opting in where a team policy forbids it: refused, unless the user overrides the policy explicitly, with a reason
 * that is recorded in the history beside the decision.
 */
import {kedroDetectsCi, wideDetectsCi} from '../ci/detect.js'
import {InputError} from '../errors.js'
import {displayPath} from '../fs/display-path.js'
import type {Policy} from './policy.js'

/** An opt-in made against the team policy, as the history records it. */
export interface PolicyOverride {
  file: string
  line: number
  reason: string
  rule: 'ci' | 'consent'
}

/** The rule of `policy` that forbids opting in here, or null. */
function forbiddingRule(policy: Policy, env: NodeJS.ProcessEnv): null | {line: number; requirement: string; rule: PolicyOverride['rule']} {
  if (policy.consent === 'opted-out') return {line: policy.lines.consent ?? 1, requirement: 'projects to be opted out', rule: 'consent'}
  const inCi = kedroDetectsCi(env).detected || wideDetectsCi(env).detected
  if (policy.ci === 'opted-out' && inCi) return {line: policy.lines.ci ?? 1, requirement: 'CI jobs to be opted out', rule: 'ci'}
  return null
}

/**
 * Null when the policy allows opting in; the override to record when it forbids it and `override` gives a reason;
 * else an InputError (exit 2) naming the policy and the rule.
 */
export function optInAgainstPolicy(policy: null | Policy, env: NodeJS.ProcessEnv, override: string | undefined): null | PolicyOverride {
  const forbidding = policy && forbiddingRule(policy, env)
  if (!policy || !forbidding) return null
  const reason = override?.trim()
  if (reason) return {file: policy.file, line: forbidding.line, reason, rule: forbidding.rule}
  throw new InputError(`the team policy ${displayPath(policy.file)}:${forbidding.line} requires ${forbidding.requirement}: opt-in is refused, nothing was written`, {
    code: 'POLICY_FORBIDS_CONSENT', hint: 'ask the team that owns the policy; to opt in anyway, pass --override-policy "REASON" (the override and its reason are recorded in the history)',
  })
}
