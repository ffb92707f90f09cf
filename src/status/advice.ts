/** The one line of advice `status` ends with: the most important thing to do next, given the state. */
import type {StatusReport} from './status.js'

export function adviseFor(report: StatusReport): string {
  const {ci, consent, file, git, project} = report
  // In CI a .telemetry written by the job does not outlive it: the opt-out that holds there is the environment.
  const inCi = ci.kedroDetects || ci.wideDetects
  const fileName = file.path ?? '.telemetry'
  if (consent.kedroWouldFail) {
    return `Fix ${fileName}: kedro fails reading it (${file.problem}). \`telemetry opt-out --force\` saves it as .telemetry.bak and writes "consent: false".`
  }

  if (git.tracked) return '.telemetry is committed: run `telemetry opt-out --untrack` (or `git rm --cached .telemetry`) and commit the removal.'
  if (consent.willSend && file.meant === false) {
    return `${fileName} says consent: ${file.rawConsent}, which kedro does not read as "no": run \`telemetry opt-out\` to write consent: false (unquoted).`
  }

  const machineLine = report.machineWide.lines[0]
  if (consent.willSend && machineLine && !report.machineWide.activeHere) {
    return `Your shell startup files opt out (${machineLine.file}:${machineLine.line}), but this shell does not have ${machineLine.variable}: open a new terminal, or run \`export DO_NOT_TRACK=1\`.`
  }

  if (consent.willSend && consent.implicit && inCi) {
    return 'This CI job sends Kedro usage data although nobody said yes: run `telemetry opt-out --ci` before kedro (it sets DO_NOT_TRACK=1 for the rest of the job).'
  }

  if (consent.willSend && consent.implicit) {
    return project.isKedroProject
      ? 'Kedro sends usage data although nobody said yes: `telemetry opt-out` stops it here, `telemetry opt-out --global` in every project.'
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
  return 'Nothing to do: no usage data is sent from here.'
}
