/**
 * `telemetry preview [FLAGS] KEDRO_ARGS...` (and `telemetry capture`): every token from the first one that is not one of preview's own flags is
 * kedro's, verbatim, even `--help` or `--json`. oclif would act on those anywhere before a `--` (show our help, turn on
 * JSON), so the entry point inserts `--` where kedro's arguments begin. Preview's flags are read from the command's
 * own flag definitions, plus oclif's --json and --help.
 */
interface FlagShapes {
  [name: string]: {char?: string; type: 'boolean' | 'option'}
}

/** Every spelling of the command's flags, split into those that take a value and those that do not. */
function flagSpellings(flags: FlagShapes): {boolean: Set<string>; takesValue: Set<string>} {
  const takesValue = new Set<string>()
  const boolean = new Set(['--json', '--help', '-h'])
  for (const [name, shape] of Object.entries(flags)) {
    for (const spelling of [`--${name}`, ...(shape.char ? [`-${shape.char}`] : [])]) (shape.type === 'option' ? takesValue : boolean).add(spelling)
    if (shape.type === 'boolean') boolean.add(`--no-${name}`)
  }

  return {boolean, takesValue}
}

export function delimitPreviewArgv(argv: string[], commands: Record<string, FlagShapes>): string[] {
  const flags = commands[argv[0] ?? '']
  if (!flags) return argv
  const {boolean, takesValue} = flagSpellings(flags)
  let i = 1
  while (i < argv.length) {
    const token = argv[i]
    if (token === '--') return argv
    const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token
    // A flag missing its value is left for oclif to report ("expects a value"), not given the `--` as one.
    if (takesValue.has(name) && !token.includes('=') && i + 1 >= argv.length) return argv
    if (takesValue.has(name)) i += token.includes('=') ? 1 : 2
    else if (boolean.has(token)) i += 1
    else break
  }

  return [...argv.slice(0, i), '--', ...argv.slice(i)]
}
