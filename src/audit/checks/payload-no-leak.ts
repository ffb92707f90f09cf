/** TEL006: the request leaks nothing personal. */
import {buildTelemetryRequests} from '../../request/request.js'
import {readDocumentedInvocations} from '../ci-files.js'
import {findLeaks} from '../leaks.js'
import {type Check, type CheckDefinition, type Evidence, result} from './check.js'

const definition: CheckDefinition = {
  description: 'For each kedro command checked, no value in the request kedro-telemetry would send matches the user name, home directory, host name, an absolute path, an email address, an environment variable\'s value or a credential pattern, and nothing is sent unmasked after a leading --help.',
  help: 'Do not put values after a leading --help/--version; see what a command sends with `telemetry preview KEDRO_ARGS...`; opt out with `telemetry opt-out`.',
  id: 'TEL006', name: 'payload-no-leak', severity: 'fail', title: 'The request leaks nothing personal',
}

export const payloadNoLeak: Check = {
  definition,
  async run({ci, commands, env, project, root}) {
    const documented = await readDocumentedInvocations(root)
    const seen = new Map<string, Evidence | undefined>()
    for (const command of commands) seen.set(command, undefined)
    for (const invocation of [...ci.flatMap((file) => file.invocations), ...documented]) {
      const key = invocation.args.join(' ')
      if (!seen.has(key)) seen.set(key, {file: invocation.file, line: invocation.line, message: `kedro ${invocation.args[0] ?? ''}`})
    }

    if (seen.size === 0) return result(definition, 'skip', 'no kedro command given (--command) or found in CI files, the Makefile or the README')
    const findings: Evidence[] = []
    for (const [command, origin] of seen) {
      const args = command ? command.split(/\s+/) : []
      const preview = await buildTelemetryRequests({args, env, ignoreConsent: true, loaded: project, probePython: false, project: root})
      const at = origin ? {file: origin.file, line: origin.line} : {}
      if (preview.leaked.length > 0) findings.push({...at, message: `${preview.leaked.length} token(s) after a leading ${args[0]} are sent unmasked`})
      for (const request of preview.requests) {
        for (const leak of findLeaks(request.body, env)) findings.push({...at, message: `${leak.field} would contain ${leak.kind} (${request.event})`})
      }
    }

    return findings.length === 0
      ? result(definition, 'pass', `${seen.size} command(s) checked, nothing personal in the request`)
      : result(definition, 'fail', `${findings.length} leak(s) in ${seen.size} command(s)`, findings)
  },
}
