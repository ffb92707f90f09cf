/** The one line of advice `status` ends with: the most important thing to do next, given the state. */
import path from 'node:path'

import type {PolicyRuleResult} from '../policy/policy.js'
import {independentlySending} from '../stack/stack.js'
import type {StatusReport} from './report.js'

/** What one piece of advice needs besides the report. */
interface AdviceContext {
  fileName: string
  /** In CI a .telemetry written by the job does not outlive it: the opt-out that holds there is the environment. */
  inCi: boolean
}

type Advice = (report: StatusReport, context: AdviceContext) => null | string

/** The advice, most pressing first: the first that applies is given. */
const ADVICE: Advice[] = [
  ({consent, file}, {fileName}) => (consent.kedroWouldFail
    ? `Fix ${fileName}: kedro fails reading it (${file.problem}). \`telemetry opt-out --force\` saves it as .telemetry.bak and writes "consent: false".`
    : null),
  ({git}) => (git.tracked ? '.telemetry is committed: run `telemetry opt-out --untrack` (or `git rm --cached .telemetry`) and commit the removal.' : null),
  (report, {inCi}) => {
    const unmet = report.policy?.rules.find((rule) => !rule.met)
    return unmet ? policyAdvice(unmet, `${displayName(report.policy!.file, report)}:${unmet.line}`, inCi, true) : null
  },
  ({consent, file}, {fileName}) => (consent.willSend && file.meant === false
    ? `${fileName} says consent: ${file.rawConsent}, which kedro does not read as "no": run \`telemetry opt-out\` to write consent: false (unquoted).`
    : null),
  ({consent, machineWide}) => {
    const line = machineWide.lines[0]
    return consent.willSend && line && !machineWide.activeHere
      ? `Your shell startup files opt out (${line.file}:${line.line}), but this shell does not have ${line.variable}: open a new terminal, or run \`export DO_NOT_TRACK=1\`.`
      : null
  },
  ({consent}, {inCi}) => (consent.willSend && consent.implicit && inCi
    ? 'To stop this CI job sending: run `telemetry opt-out --ci` before kedro (it sets DO_NOT_TRACK=1 for the rest of the job).'
    : null),
  ({consent, project}) => {
    if (!consent.willSend || !consent.implicit) return null
    return project.isKedroProject
      ? 'To stop it: `telemetry opt-out` here, or `telemetry opt-out --global` for every project on this machine.'
      : 'Outside a project only environment variables count: `telemetry opt-out --global` sets DO_NOT_TRACK=1 in your shells (in CI: `telemetry opt-out --ci`).'
  },
  ({consent, project}) => (consent.promptPending
    ? `Decide before kedro asks: kedro-telemetry ${project.telemetryVersion} would prompt, and a non-interactive run hangs. Run \`telemetry opt-out\` (or \`telemetry opt-in\`).`
    : null),
  ({git}) => (git.refusal ? `Whether git ignores or holds .telemetry is unknown: ${git.refusal.message}; ${git.refusal.remedy}.` : null),
  ({git}) => (git.repository && git.ignored === false
    ? 'Add .telemetry to .gitignore so a consent decision stays personal (`telemetry opt-out` and `opt-in` do this when they write).'
    : null),
  ({consent}) => (consent.willSend ? 'Usage data is sent with explicit consent. To stop: `telemetry opt-out`; to withdraw and delete the identifiers: `telemetry revoke`.' : null),
  ({stack}) => {
    const others = independentlySending(stack).map((tool) => tool.name)
    if (others.length === 0) return null
    const names = others.length === 1 ? others[0] : `${others.slice(0, -1).join(', ')} and ${others.at(-1)}`
    return `kedro-telemetry sends nothing from here, but ${names} would: \`telemetry status --verbose\` shows each one's switch (in CI, \`telemetry opt-out --ci --stack\` sets them).`
  },
]

export function adviseFor(report: StatusReport): string {
  const context = {fileName: report.file.path ?? '.telemetry', inCi: report.ci.kedroDetects || report.ci.wideDetects}
  for (const advice of ADVICE) {
    const given = advice(report, context)
    if (given !== null) return given
  }

  return 'Nothing to do: no usage data is sent from here.'
}

/** The policy file as a user finds it: relative to the project when it lies there or above, else as given. */
function displayName(file: string, report: StatusReport): string {
  const from = report.project.root ?? report.path
  const relative = path.relative(from, file)
  return relative.split(path.sep).length <= 4 ? relative : file
}

/**
 * What meets each rule of the team policy the project does not meet (the audit's TEL010 fix), or null. It names the
 * commands of each rule, not `telemetry enforce`: enforce lists this fix as what it leaves to a person.
 */
export function policyRemedy(report: StatusReport): null | string {
  const unmet = report.policy?.rules.filter((rule) => !rule.met) ?? []
  const inCi = report.ci.kedroDetects || report.ci.wideDetects
  return unmet.length === 0 ? null : unmet.map((rule) => policyAdvice(rule, `${displayName(report.policy!.file, report)}:${rule.line}`, inCi, false)).join(' ')
}

function policyAdvice(rule: PolicyRuleResult, where: string, inCi: boolean, mentionEnforce: boolean): string {
  switch (rule.rule) {
    case 'consent': {
      const command = inCi ? '`telemetry opt-out --ci`' : '`telemetry opt-out`'
      return rule.required === 'opted-out'
        ? `The team policy (${where}) requires projects to be opted out: run ${command}${mentionEnforce ? ' (`telemetry enforce` does every project of the tree)' : ''}.`
        : `The team policy (${where}) requires a consent decision: run \`telemetry opt-out\` (or \`telemetry opt-in\`).`
    }

    case 'ci': {
      return `The team policy (${where}) requires CI jobs to opt out: run \`telemetry opt-out --ci\` before kedro, or set DO_NOT_TRACK=1 for the job.`
    }

    case 'stack': {
      return `The team policy (${where}) requires the rest of the stack to send nothing: ${rule.result}. \`telemetry status --verbose\` shows each one's switch (in CI: \`telemetry opt-out --ci --stack\`).`
    }

    case 'kedro-telemetry': {
      return `The team policy (${where}) allows kedro-telemetry ${rule.required}: ${rule.result}. Install or pin an allowed version.`
    }
  }
}
