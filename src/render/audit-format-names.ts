/** The audit's report formats, by name: small, so that a command can declare them without loading the renderers. */
import {InputError} from '../errors.js'

export type AuditFormat = 'codequality' | 'json' | 'junit' | 'markdown' | 'sarif' | 'table'

export const AUDIT_FORMATS: AuditFormat[] = ['table', 'json', 'markdown', 'junit', 'sarif', 'codequality']

/** `--report FORMAT=FILE` values as targets; a wrong one is an InputError (exit 2) before anything runs. */
export function reportTargets(values: string[]): {file: string; format: AuditFormat}[] {
  return values.map((value) => {
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
}
