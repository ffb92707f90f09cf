/** The audit's report formats, by name: small, so that a command can declare them without loading the renderers. */
import path from 'node:path'

import {InputError} from '../errors.js'

export type AuditFormat = 'codequality' | 'json' | 'junit' | 'markdown' | 'sarif' | 'table'

export const AUDIT_FORMATS: AuditFormat[] = ['table', 'json', 'markdown', 'junit', 'sarif', 'codequality']

/** The syntax of each format, for escaping what a CI runner would read as a command (see ciInert). */
export const AUDIT_FORMAT_FLAVOURS: Record<AuditFormat, 'json' | 'markdown' | 'text' | 'xml'> = {
  codequality: 'json', json: 'json', junit: 'xml', markdown: 'markdown', sarif: 'json', table: 'text',
}

/**
 * `--report FORMAT=FILE` values as targets; a wrong one, or a file named twice (by two --report or with --output),
 * is an InputError (exit 2) before anything runs.
 */
export function reportTargets(values: string[], output?: string): {file: string; format: AuditFormat}[] {
  const targets = values.map((value) => {
    const equals = value.indexOf('=')
    const format = value.slice(0, Math.max(0, equals)) as AuditFormat
    const file = value.slice(equals + 1)
    if (equals < 1 || !AUDIT_FORMATS.includes(format) || file === '') {
      throw new InputError(`--report ${value}: expected FORMAT=FILE, FORMAT one of ${AUDIT_FORMATS.join(', ')}`, {
        code: 'BAD_REPORT', hint: 'for example --report sarif=telemetry.sarif --report junit=telemetry.xml',
      })
    }

    return {file, format}
  })
  const named = [...targets.map((target) => target.file), ...(output === undefined ? [] : [output])].map((file) => path.resolve(file))
  const twice = named.find((file, index) => named.indexOf(file) !== index)
  if (twice !== undefined) {
    throw new InputError(`${twice} is named twice (by --report or --output): one file holds one report`, {code: 'BAD_REPORT', hint: 'give each report a file of its own'})
  }

  return targets
}
