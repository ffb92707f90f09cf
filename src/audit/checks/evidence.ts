/** Evidence and outcomes several checks share: where .telemetry's decision is, and git facts that are unknown. */
import {readTextSafeSync} from '../../checkout/files.js'
import type {StatusReport} from '../../status/status.js'
import {type CheckDefinition, type CheckResult, type Evidence, result} from './check.js'

function consentLine(file: string, projectRoot: string): number | undefined {
  const read = readTextSafeSync(file, {within: projectRoot})
  const index = read.ok ? read.text.split(/\r\n?|\n/).findIndex((line) => /^\s*["']?consent["']?\s*:/.test(line)) : -1
  return index === -1 ? undefined : index + 1
}

/** The project's .telemetry, at its `consent:` line when there is one. */
export function telemetryFileEvidence(status: StatusReport): Evidence {
  const {file} = status
  const line = file.exists && file.path ? consentLine(file.path, status.project.root!) : undefined
  return {file: file.path ?? undefined, line, message: file.path ?? '.telemetry'}
}

/**
 * The result of a git check when git could not answer: a repository git refused to read (unknown facts, which an
 * audit must not pass), or no repository at all (nothing to check). Null when git answered.
 */
export function gitUnanswered(check: CheckDefinition, status: StatusReport): CheckResult | null {
  const {git} = status
  if (git.refusal) {
    const remedy = `${git.refusal.remedy[0].toUpperCase()}${git.refusal.remedy.slice(1)}.`
    return result(check, 'fail', `unknown: ${git.refusal.message}`, [], remedy)
  }

  return git.repository ? null : result(check, 'skip', git.note ?? 'not a git repository')
}
