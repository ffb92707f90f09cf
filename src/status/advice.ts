/** The one line of advice `status` ends with: the most important thing to do next, given the state. */
import type {StatusReport} from './status.js'

export function adviseFor(report: StatusReport): string {
  const {consent, file, git, project} = report
  const fileName = file.path ?? '.telemetry'
  if (consent.kedroWouldFail) {
    return `Fix ${fileName}: kedro fails reading it (${file.problem}). Replace its content with "consent: false" to opt out.`
  }

  if (git.tracked) return '.telemetry is committed: untrack it with `git rm --cached .telemetry` and add it to .gitignore.'
  if (consent.willSend && file.meant === false) {
    return `${fileName} says consent: ${file.rawConsent}, which kedro does not read as "no": write consent: false (unquoted) to opt out.`
  }

  if (consent.willSend && consent.implicit) {
    return project.isKedroProject
      ? `Kedro sends usage data although nobody said yes: write "consent: false" to ${fileName}, or set DO_NOT_TRACK=1, to opt out.`
      : 'Outside a project only environment variables count: set DO_NOT_TRACK=1 to stop kedro (e.g. `kedro new`) from sending.'
  }

  if (consent.promptPending) {
    return `Write "consent: false" (or true) to ${fileName} before kedro runs: kedro-telemetry ${project.telemetryVersion} would prompt, and a non-interactive run hangs.`
  }

  if (git.repository && git.ignored === false) {
    return 'Add .telemetry to .gitignore so a consent decision stays personal and never lands in the repository.'
  }

  if (consent.willSend) return 'Usage data is sent with explicit consent. To stop, write "consent: false" to .telemetry or set DO_NOT_TRACK=1.'
  return 'Nothing to do: no usage data is sent from here.'
}
