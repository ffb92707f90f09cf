/** TEL004: .telemetry was never committed. */
import {type Check, type CheckDefinition, result} from './check.js'
import {gitUnanswered} from './evidence.js'

const definition: CheckDefinition = {
  description: '.telemetry is not tracked now and was never committed on any branch: a committed decision is imposed on everyone who clones the repository, and stays in its history.',
  help: 'Run `telemetry opt-out --untrack` (git rm --cached .telemetry) and commit; removing it from history needs a history rewrite.',
  id: 'TEL004', name: 'consent-file-not-committed', severity: 'fail', title: '.telemetry was never committed',
}

export const consentFileNotCommitted: Check = {
  definition,
  run({status, telemetryFile}) {
    const unanswered = gitUnanswered(definition, status)
    if (unanswered) return unanswered
    const {git} = status
    if (!git.tracked && !git.everCommitted) return result(definition, 'pass', 'never committed')
    const commits = git.commits.map((commit) => ({message: `${commit.hash.slice(0, 12)} ${commit.date} ${commit.subject}`}))
    return result(definition, 'fail', git.tracked ? '.telemetry is tracked by git' : `.telemetry was committed in ${git.commits.length} commit(s)`,
      [{...telemetryFile, message: git.tracked ? 'tracked now' : 'in history'}, ...commits])
  },
}
