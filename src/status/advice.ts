/** The one line of advice `status` ends with: the most important thing to do next, given the state. */
import path from 'node:path'

import type {PolicyRuleResult} from '../policy/policy.js'
import {independentlySending} from '../stack/stack.js'
import type {StatusReport} from './report.js'

export function adviseFor(report: StatusReport): string {
  const {ci, consent, file, git, project} = report
  // In CI a .telemetry written by the job does not outlive it: the opt-out that holds there is the environment.
  const inCi = ci.kedroDetects || ci.wideDetects
  const fileName = file.path ?? '.telemetry'
  if (consent.kedroWouldFail) {
    return `Fix ${fileName}: kedro fails reading it (${file.problem}). \`telemetry opt-out --force\` saves it as .telemetry.bak and writes "consent: false".`
  }

  if (git.tracked) return '.telemetry is committed: run `telemetry opt-out --untrack` (or `git rm --cached .telemetry`) and commit the removal.'
  const unmet = report.policy?.rules.find((rule) => !rule.met)
  if (unmet) return policyAdvice(unmet, `${displayName(report.policy!.file, report)}:${unmet.line}`, inCi, true)
  if (consent.willSend && file.meant === false) {
    return `${fileName} says consent: ${file.rawConsent}, which kedro does not read as "no": run \`telemetry opt-out\` to write consent: false (unquoted).`
  }

  const machineLine = report.machineWide.lines[0]
  if (consent.willSend && machineLine && !report.machineWide.activeHere) {
    return `Your shell startup files opt out (${machineLine.file}:${machineLine.line}), but this shell does not have ${machineLine.variable}: open a new terminal, or run \`export DO_NOT_TRACK=1\`.`
  }

  if (consent.willSend && consent.implicit && inCi) {
    return 'To stop this CI job sending: run `telemetry opt-out --ci` before kedro (it sets DO_NOT_TRACK=1 for the rest of the job).'
  }

  if (consent.willSend && consent.implicit) {
    return project.isKedroProject
      ? 'To stop it: `telemetry opt-out` here, or `telemetry opt-out --global` for every project on this machine.'
      : 'Outside a project only environment variables count: `telemetry opt-out --global` sets DO_NOT_TRACK=1 in your shells (in CI: `telemetry opt-out --ci`).'
  }

  if (consent.promptPending) {
    return `Decide before kedro asks: kedro-telemetry ${project.telemetryVersion} would prompt, and a non-interactive run hangs. Run \`telemetry opt-out\` (or \`telemetry opt-in\`).`
  }

  if (git.refusal) return `Whether git ignores or holds .telemetry is unknown: ${git.refusal.message}; ${git.refusal.remedy}.`
  if (git.repository && git.ignored === false) {
    return 'Add .telemetry to .gitignore so a consent decision stays personal (`telemetry opt-out` and `opt-in` do this when they write).'
  }

  if (consent.willSend) return 'Usage data is sent with explicit consent. To stop: `telemetry opt-out`; to withdraw and delete the identifiers: `telemetry revoke`.'
  const others = independentlySending(report.stack).map((tool) => tool.name)
  if (others.length > 0) {
    const names = others.length === 1 ? others[0] : `${others.slice(0, -1).join(', ')} and ${others.at(-1)}`
    return `kedro-telemetry sends nothing from here, but ${names} would: \`telemetry status --verbose\` shows each one's switch (in CI, \`telemetry opt-out --ci --stack\` sets them).`
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
