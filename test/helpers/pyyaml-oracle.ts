/**
 * Real PyYAML as an oracle: kedro-telemetry's decision for each text (True, False, None, or FAILS when safe_load
 * raises), computed by python3 in one run. Null when python3 with PyYAML is not available.
 */
import {spawnSync} from 'node:child_process'

const SCRIPT = String.raw`
import json, sys, yaml
out = []
for text in json.load(sys.stdin):
    try:
        value = yaml.safe_load(text.replace("\r\n", "\n").replace("\r", "\n"))
        ok = isinstance(value, dict) and isinstance(value.get("consent", None), bool)
        out.append(str(value["consent"]) if ok else "None")
    except Exception:
        out.append("FAILS")
print(json.dumps(out))
`

export function pyyamlDecisions(texts: string[]): null | string[] {
  const result = spawnSync('python3', ['-c', SCRIPT], {encoding: 'utf8', input: JSON.stringify(texts), maxBuffer: 64 * 1024 * 1024})
  if (result.status !== 0) return null
  return JSON.parse(result.stdout) as string[]
}
