/**
 * Real PyYAML as an oracle: kedro-telemetry's decision for each text (True, False, None, or FAILS when safe_load
 * raises), computed in one run by the first Python that has PyYAML: $PYYAML_PYTHON, python3 on PATH, or Debian's
 * /usr/bin/python3 (package python3-yaml, which .ci/run installs when no Python here has PyYAML).
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

/** The interpreter that can import yaml, or null. */
export function pythonWithPyyaml(): null | string {
  const candidates = [process.env.PYYAML_PYTHON, 'python3', '/usr/bin/python3'].filter((candidate): candidate is string => Boolean(candidate))
  return candidates.find((python) => spawnSync(python, ['-c', 'import yaml'], {stdio: 'ignore'}).status === 0) ?? null
}

export function pyyamlDecisions(python: string, texts: string[]): string[] {
  const result = spawnSync(python, ['-c', SCRIPT], {encoding: 'utf8', input: JSON.stringify(texts), maxBuffer: 64 * 1024 * 1024})
  if (result.status !== 0) throw new Error(`${python} failed to run PyYAML: ${result.stderr}`)
  return JSON.parse(result.stdout) as string[]
}
