/** TEL005: CI disables telemetry before running kedro. */
import path from 'node:path'

import {isInside} from '../../checkout/files.js'
import {isKedroProject} from '../../project/root.js'
import {type Check, type CheckDefinition, type Evidence, failing, result} from './check.js'

const definition: CheckDefinition = {
  description: 'Every CI configuration that runs kedro also disables telemetry before it (DO_NOT_TRACK, KEDRO_DISABLE_TELEMETRY, or `telemetry opt-out --ci`): a fresh CI checkout has no .telemetry, so kedro sends usage data from CI by default.',
  help: 'Add a step that runs `telemetry opt-out --ci` before kedro, or set DO_NOT_TRACK=1 in the job\'s environment.',
  id: 'TEL005', name: 'ci-opt-out', severity: 'warn', title: 'CI disables telemetry before running kedro',
}

/**
 * Whether a kedro step runs in this project: kedro finds its project by walking up from where it runs, so the step's
 * folder must lie in the project, with no other Kedro project between them.
 */
async function runsIn(root: string, base: string, directory: null | string): Promise<boolean> {
  const folder = path.resolve(base, directory ?? '.')
  if (!isInside(root, folder)) return false
  for (let current = folder; current !== root; current = path.dirname(current)) if (await isKedroProject(current)) return false
  return true
}

export const ciOptOut: Check = {
  definition,
  async run({ci: files, root}) {
    if (files.length === 0) return result(definition, 'skip', 'no CI configuration found')
    const unprotected: Evidence[] = []
    let runs = 0
    for (const file of files) {
      for (const invocation of file.invocations) {
        // A step that runs another project of the repository is that project's finding, not this one's.
        if (!await runsIn(root, file.base, invocation.directory)) continue
        runs++
        if (!file.optOutLines.some((line) => line < invocation.line)) {
          unprotected.push({file: invocation.file, line: invocation.line, message: `${file.system} runs kedro ${invocation.args[0] ?? ''} without disabling telemetry first`.trimEnd()})
        }
      }
    }

    if (runs === 0) return result(definition, 'pass', `${files.length} CI file(s), none runs kedro in this project`)
    return unprotected.length === 0
      ? result(definition, 'pass', `every kedro step (${runs}) comes after an opt-out`)
      : result(definition, failing(definition), `${unprotected.length} of ${runs} kedro step(s) in CI run with telemetry on`, unprotected)
  },
}
