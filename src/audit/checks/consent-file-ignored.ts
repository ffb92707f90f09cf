/** TEL003: .telemetry is gitignored. */
import path from 'node:path'

import {type Check, type CheckDefinition, result} from './check.js'
import {gitUnanswered} from './evidence.js'

const definition: CheckDefinition = {
  description: '.telemetry is ignored by a git rule, so a personal consent decision never lands in the repository.',
  help: 'Run `telemetry opt-out` or `telemetry opt-in` (both add .telemetry to .gitignore), or add a `.telemetry` line to .gitignore.',
  fixedBy: ['gitignore'],
  id: 'TEL003', name: 'consent-file-ignored', severity: 'fail', title: '.telemetry is gitignored',
}

export const consentFileIgnored: Check = {
  definition,
  run({status}) {
    const unanswered = gitUnanswered(definition, status)
    if (unanswered) return unanswered
    const {git} = status
    const rule = git.ignoredBy ? {file: path.resolve(git.root!, git.ignoredBy.source), line: git.ignoredBy.line} : null
    if (git.ignored) return result(definition, 'pass', `ignored by ${git.ignoredBy?.source}:${git.ignoredBy?.line}`, rule ? [{...rule, message: git.ignoredBy!.pattern}] : [])
    return result(definition, 'fail', '.telemetry is not gitignored', rule
      ? [{...rule, message: `un-ignored by ${git.ignoredBy!.pattern}`}]
      : [{file: path.join(status.project.root!, '.gitignore'), message: 'no rule ignores .telemetry'}])
  },
}
