/** How an InputError reads: the JSON every command's --json gives, or the lines on stderr. */
import type {ErrorReport, InputError} from '../errors.js'

import {printable} from './escape.js'
import {fitToWidth, terminalStyle} from './style.js'

export function errorReport(error: InputError): ErrorReport {
  return {error: {code: error.code, ...(error.details.length > 0 ? {details: error.details} : {}), hint: error.hint ?? null, message: error.message}}
}

/** One line, its details and a hint; on a terminal wrapped at words and never inside a command, so that a hint's command can be copied. */
export function errorText(error: InputError, stream: {columns?: number; isTTY?: boolean}, env: NodeJS.ProcessEnv): string {
  const lines = [`Error: ${printable(error.message)}`, ...error.details.map((detail) => `  ${printable(detail)}`)]
  if (error.hint) lines.push(`Hint: ${printable(error.hint)}`)
  const style = terminalStyle(stream, env)
  return style.tables ? fitToWidth(lines.join('\n'), style.width) : lines.join('\n')
}
