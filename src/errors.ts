/** Exit codes shared by every command (documented in the README). */
export const EXIT_OK = 0
export const EXIT_CHECK_FAILED = 1
export const EXIT_USAGE = 2

/**
 * Bad input from the user (a missing path, a file we refuse to touch). Commands turn it into one line on stderr,
 * a hint, and exit code 2; it carries no stack because it is not a bug.
 */
export class InputError extends Error {
  readonly hint: string | undefined
  readonly code: string

  constructor(message: string, options: {code?: string; hint?: string} = {}) {
    super(message)
    this.name = 'InputError'
    this.code = options.code ?? 'INPUT'
    this.hint = options.hint
  }
}
