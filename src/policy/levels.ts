/** A team policy's levels applied to an audit's results: each check's level replaces its default. */
import type {CheckResult} from '../audit/checks/index.js'
import type {CheckLevel, Policy} from './policy.js'

/** The level a policy sets for a check: its own `checks:` entry, else what a rule implies (ci: opted-out makes TEL005 fail). */
function levelFor(policy: Policy, checkId: string): CheckLevel | null {
  if (policy.checks[checkId]) return policy.checks[checkId]
  if (checkId === 'TEL005' && policy.ci === 'opted-out') return 'fail'
  return null
}

/** The results with the policy's levels: an "off" check is skipped (and says why); a failing one takes the level. */
export function applyLevels(results: CheckResult[], policy: Policy, policyName: string): CheckResult[] {
  return results.map((check) => {
    const level = levelFor(policy, check.id)
    if (level === null) return check
    const line = policy.lines[`checks.${check.id}`] ?? policy.lines.ci
    if (level === 'off') return {...check, evidence: [], remedy: null, status: 'skip', summary: `Turned off by the team policy (${policyName}${line ? `:${line}` : ''}).`}
    return check.status === 'fail' || check.status === 'warn' ? {...check, status: level} : check
  })
}
