/** TEL002: .telemetry is read as intended. */
import {type Check, type CheckDefinition, result} from './check.js'

const definition: CheckDefinition = {
  description: '.telemetry parses as kedro-telemetry reads it (PyYAML safe_load) and says what the user meant: a value such as consent: "false", n or 0 is not a boolean for PyYAML and means implicit consent; a YAML error makes every kedro command fail.',
  help: 'Run `telemetry opt-out` to rewrite the value (or `telemetry opt-out --force` when the file does not parse).',
  fixedBy: ['consent'],
  id: 'TEL002', name: 'consent-file-valid', severity: 'fail', title: '.telemetry is read as intended',
}

export const consentFileValid: Check = {
  definition,
  run({status, telemetryFile}) {
    const {file} = status
    if (!file.exists) return result(definition, 'skip', 'no .telemetry file')
    if (file.valid) return result(definition, 'pass', 'kedro reads a boolean consent')
    return result(definition, 'fail', file.kedroWouldFail ? 'kedro fails reading .telemetry' : 'kedro does not read a decision from .telemetry', [{...telemetryFile, message: file.problem ?? 'not a valid decision'}])
  },
}
