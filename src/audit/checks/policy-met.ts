/** TEL010: the project meets its team policy. */
import {policyRemedy} from '../../status/advice.js'
import {type Check, type CheckDefinition, result} from './check.js'

const definition: CheckDefinition = {
  description: 'The project meets the team policy that governs it (the nearest .kedro-consent.yml at or above it in its repository): the consent state it requires (opted out, or an explicit decision), no usage data sent from a CI run when it requires CI jobs to opt out, and a kedro-telemetry version it allows. Skipped without a policy.',
  help: 'Run `telemetry enforce` to bring every project of the tree into line (`--dry-run` lists the changes first), or fix the rule named.',
  id: 'TEL010', name: 'policy-met', severity: 'fail', title: 'The project meets the team policy',
}

export const policyMet: Check = {
  definition,
  run({status}) {
    const {policy} = status
    if (!policy) return result(definition, 'skip', 'No team policy governs this project (no .kedro-consent.yml at or above it in its repository).')
    const evidence = policy.rules.map((rule) => ({
      file: policy.file, line: rule.line, message: `${rule.rule} must be ${rule.required}: ${rule.met ? 'met' : 'NOT met'}: ${rule.result}${rule.estimated ? ` (estimated: ${rule.estimated})` : ''}`,
    }))
    const unmet = policy.rules.filter((rule) => !rule.met)
    if (unmet.length === 0) {
      return result(definition, 'pass', policy.rules.length === 0 ? 'The team policy sets no rule a project must meet.' : `Every rule of the team policy is met (${policy.rules.map((rule) => rule.rule).join(', ')}).`, evidence)
    }

    const summary = `The team policy is not met: ${unmet.map((rule) => `${rule.rule} must be ${rule.required} (${rule.result})`).join('; ')}.`
    // The fix of the rule itself: enforce, which lists this check as what it cannot do, must not point back to enforce.
    return result(definition, 'fail', summary, evidence.filter((_, index) => !policy.rules[index].met), policyRemedy(status) ?? undefined)
  },
}
