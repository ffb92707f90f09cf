/**
 * `telemetry preview [FLAGS] KEDRO_ARGS...`: every token from the first one that is not one of preview's own flags is
 * kedro's, verbatim, even `--help` or `--json`. oclif would act on those anywhere before a `--` (show our help, turn on
 * JSON), so the entry point inserts `--` where kedro's arguments begin.
 */
export const PREVIEW_VALUE_FLAGS = ['--project', '--kedro-version', '--telemetry-version', '--env']
export const PREVIEW_BOOLEAN_FLAGS = ['--ignore-consent', '--json', '--help', '-h']

export function delimitPreviewArgv(argv: string[]): string[] {
  if (argv[0] !== 'preview') return argv
  let i = 1
  while (i < argv.length) {
    const token = argv[i]
    if (token === '--') return argv
    const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token
    if (PREVIEW_VALUE_FLAGS.includes(name)) i += token.includes('=') ? 1 : 2
    else if (PREVIEW_BOOLEAN_FLAGS.includes(token)) i += 1
    else break
  }

  return [...argv.slice(0, i), '--', ...argv.slice(i)]
}
