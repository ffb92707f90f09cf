/** Whether a project, as status sees it, meets a team policy: one result per rule the policy sets. */
import {versionSatisfies} from '../python/specifiers.js'

import {independentlySending} from '../stack/stack.js'
import type {StatusReport} from '../status/report.js'
import type {Policy, PolicyEvaluation, PolicyRuleResult} from './policy.js'

export type {PolicyEvaluation, PolicyRule, PolicyRuleResult} from './policy.js'

function consentRule(policy: Policy, status: StatusReport): null | Omit<PolicyRuleResult, 'line'> {
  const {consent} = status
  if (policy.consent === 'any') return null
  const base = {estimated: consent.estimated, required: policy.consent, rule: 'consent' as const}
  if (policy.consent === 'opted-out') {
    return consent.willSend
      ? {...base, met: false, result: `kedro-telemetry would send usage data (decided by ${consent.decidedBy})`}
      : {...base, met: true, result: `kedro-telemetry sends nothing (decided by ${consent.decidedBy})`}
  }

  // An explicit decision, either way: not implicit consent, a pending prompt, or a .telemetry kedro cannot read.
  return consent.explicit
    ? {...base, met: true, result: `a decision was made (decided by ${consent.decidedBy})`}
    : {...base, met: false, result: `no consent decision was made (decided by ${consent.decidedBy})`}
}

function ciRule(policy: Policy, status: StatusReport): null | Omit<PolicyRuleResult, 'line'> {
  if (policy.ci === 'any') return null
  const base = {estimated: null, required: policy.ci, rule: 'ci' as const}
  const inCi = status.ci.kedroDetects || status.ci.wideDetects
  if (!inCi) return {...base, met: true, result: 'this is not a CI run (the audit\'s TEL005 checks the CI configuration)'}
  return status.consent.willSend
    ? {...base, met: false, result: 'this CI run would send usage data: run `telemetry opt-out --ci` first, or set DO_NOT_TRACK=1'}
    : {...base, met: true, result: 'this CI run sends nothing'}
}

function versionRule(policy: Policy, status: StatusReport): null | Omit<PolicyRuleResult, 'line'> {
  if (policy.telemetryVersions === null) return null
  const {telemetryVersion: version, telemetryVersionDetail: detail, telemetryVersionSource: source} = status.project
  const base = {required: policy.telemetryVersions, rule: 'kedro-telemetry' as const}
  if (source === 'not-installed' || version === null) return {...base, estimated: null, met: true, result: `kedro-telemetry is not installed (${detail}): nothing sends`}
  const estimated = source === 'assumed' ? `the version is assumed, not read: ${detail}` : null
  const allowed = versionSatisfies(version, policy.telemetryVersions)
  if (allowed === null) return {...base, estimated: `"${version}" is not a PEP 440 version (${detail})`, met: false, result: `kedro-telemetry "${version}" cannot be checked against ${policy.telemetryVersions}`}
  return allowed
    ? {...base, estimated, met: true, result: `kedro-telemetry ${version} is allowed`}
    : {...base, estimated, met: false, result: `kedro-telemetry ${version} is not allowed (${detail})`}
}

function stackRule(policy: Policy, status: StatusReport): null | Omit<PolicyRuleResult, 'line'> {
  if (policy.stack === 'any') return null
  const base = {estimated: status.stack.find((tool) => tool.estimated)?.estimated ?? null, required: policy.stack, rule: 'stack' as const}
  // Kedro-Viz sends under kedro-telemetry's consent: the consent rule's matter.
  const sending = independentlySending(status.stack)
  if (sending.length === 0) return {...base, met: true, result: 'no other tool of the stack sends from here on its own'}
  return {...base, met: false, result: `${sending.map((tool) => tool.name).join(', ')} would send usage data from here`}
}

export function evaluatePolicy(policy: Policy, status: StatusReport): PolicyEvaluation {
  const rules = [consentRule(policy, status), ciRule(policy, status), versionRule(policy, status), stackRule(policy, status)]
    .filter((rule) => rule !== null)
    .map((rule) => ({...rule, line: policy.lines[rule.rule] ?? 1}))
  return {file: policy.file, met: rules.every((rule) => rule.met), rules}
}
