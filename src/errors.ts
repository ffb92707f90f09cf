/** Exit codes shared by every command (documented in the README). */
export const EXIT_OK = 0
export const EXIT_CHECK_FAILED = 1
export const EXIT_USAGE = 2

/** What every command prints with `--json` when it fails (schemas/error.schema.json). */
export interface ErrorReport {
  /** `details`: every problem when there are several (each line of an invalid policy). */
  error: {code: string; details?: string[]; hint: null | string; message: string}
}

/**
 * Bad input from the user (a missing path, a file we refuse to touch). Commands turn it into one line on stderr,
 * a hint, and exit code 2; it carries no stack because it is not a bug.
 */
export class InputError extends Error {
  readonly hint: string | undefined
  readonly code: string
  /** Each problem on its own line, when the message sums up several. */
  readonly details: string[]

  constructor(message: string, options: {code?: string; details?: string[]; hint?: string} = {}) {
    super(message)
    this.name = 'InputError'
    this.code = options.code ?? 'INPUT'
    this.details = options.details ?? []
    this.hint = options.hint
  }
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied', EDQUOT: 'disk quota exceeded', EEXIST: 'it exists already', EIO: 'an input/output error',
  EISDIR: 'it is a directory', ELOOP: 'too many symbolic links', ENOENT: 'no such file or directory', ENOSPC: 'no space left on the device',
  ENOTDIR: 'a part of the path is not a directory', EPERM: 'the operation is not permitted (an immutable file?)', EROFS: 'a read-only file system',
}

/** An I/O failure as a one-line error with a hint (exit 2), naming what was being done and to which file. */
export function ioError(error: unknown, doing: string, file: string, changed = 'nothing was changed'): InputError {
  if (error instanceof InputError) return error
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
  const hint = code === 'ENOSPC' || code === 'EDQUOT'
    ? 'free some space and run this again'
    : 'check the file, its directory and their permissions, then run this again'
  return new InputError(`${doing} ${file} failed: ${ERRNO_TEXT[code] ?? code}; ${changed}`, {code, hint})
}

/** An error of the file system or the operating system (EACCES, ENOSPC...), as opposed to a bug. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const system = error as NodeJS.ErrnoException
  return typeof system?.code === 'string' && /^E[A-Z]+$/.test(system.code) && Boolean(system.syscall)
}

/**
 * Any error as the one-line message and hint every command ends with (exit 2): an I/O error names the file and what
 * went wrong; anything else is a bug of this tool, said as such.
 */
export function asInputError(error: unknown): InputError {
  if (error instanceof InputError) return error
  if (isSystemError(error)) return ioError(error, error.syscall!, error.path ?? 'a file')

  const message = (error as Error)?.message?.split('\n')[0] ?? String(error)
  return new InputError(`internal error: ${message}`, {
    code: 'INTERNAL', hint: 'this is a bug in telemetry: please report it with the command you ran (DEBUG=* shows more)',
  })
}
