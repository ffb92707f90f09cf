/** TEL011: the other tools of the data stack send nothing either. */
import path from 'node:path'

import {independentlySending} from '../../stack/stack.js'
import {type Check, type CheckDefinition, type Evidence, failing, result} from './check.js'

const definition: CheckDefinition = {
  description: 'No other tool the project declares or has installed sends usage data from here: Kedro-Viz, dbt Core, Great Expectations, Streamlit, Gradio, the Hugging Face libraries, MLflow, ydata-profiling, Dagster and Prefect send by default unless the switch their documentation gives is set. Skipped when the project brings in none of them.',
  help: 'Set each tool\'s documented switch (`telemetry status --verbose` lists them, with their documentation); in CI, run `telemetry opt-out --ci --stack`.',
  id: 'TEL011', name: 'stack-telemetry', severity: 'warn', title: 'The rest of the stack sends nothing',
}

/** `requirements.txt:3 (mlflow==3.4.0)` as evidence at that file and line; anything else as a message. */
function evidenceOf(root: string, declared: string, message: string): Evidence {
  const at = /^([^:()]+):(\d+) /.exec(declared)
  return at ? {file: path.join(root, at[1]), line: Number(at[2]), message} : {message: `${message} (${declared})`}
}

export const stackTelemetry: Check = {
  definition,
  run({root, status}) {
    // A tool that sends under kedro-telemetry's consent (Kedro-Viz) is TEL001's finding.
    const stack = status.stack.filter((tool) => !tool.underKedroConsent)
    if (stack.length === 0) return result(definition, 'skip', 'the project brings in none of the other tools known to send usage data on their own')
    const sending = independentlySending(stack)
    if (sending.length === 0) return result(definition, 'pass', `${stack.map((tool) => `${tool.name} (${tool.decidedBy})`).join('; ')}: none sends from here`)
    const evidence = sending.map((tool) => evidenceOf(root, tool.declaredIn[0], `${tool.name} sends ${tool.sends}; to stop it: ${tool.switchOff} (${tool.docs})`))
    return result(definition, failing(definition), `${sending.map((tool) => tool.name).join(', ')} would send usage data from here`, evidence)
  },
}
