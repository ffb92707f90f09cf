/**
 * Python's warning options as the interpreter applies them at start-up (CPython's config.c and Lib/warnings.py,
 * `_processoptions` / `_setoption`): which action a given warning gets from `-W`-style options, read from the
 * environment kedro would run in. Only what a warning raised as a module is imported needs: no code runs.
 */

/** The options of sys.warnoptions that the environment gives a console script (which passes no -W of its own). */
export function warnOptionsOf(env: NodeJS.ProcessEnv): string[] {
  // Dev mode (PYTHONDEVMODE set, non-empty) puts "default" first; PYTHONWARNINGS is split on commas, empty parts skipped.
  const devMode = env.PYTHONDEVMODE ? ['default'] : []
  return [...devMode, ...(env.PYTHONWARNINGS ?? '').split(',').filter((option) => option !== '')]
}

/** A warning as Python issues it: its text, its category and the categories it derives from, its module. */
export interface IssuedWarning {
  categories: readonly string[]
  message: string
  module: string
}

const ACTIONS = ['default', 'always', 'ignore', 'module', 'once', 'error'] as const
type Action = (typeof ACTIONS)[number]

/** The builtin warning categories, which an option names without a module. */
const BUILTIN_WARNINGS = new Set([
  'BytesWarning', 'DeprecationWarning', 'EncodingWarning', 'FutureWarning', 'ImportWarning', 'PendingDeprecationWarning',
  'ResourceWarning', 'RuntimeWarning', 'SyntaxWarning', 'UnicodeWarning', 'UserWarning', 'Warning',
])

/** One option as _setoption reads it: a filter, an option Python ignores ("Invalid -W option ignored"), or one not followed here. */
type ParsedOption = {filter: {action: Action; category: string; message: string; module: string}} | {ignored: string} | {unknown: string}

function actionOf(text: string): Action | null {
  if (text === '') return 'default'
  if (text === 'all') return 'always'
  return ACTIONS.find((action) => action.startsWith(text)) ?? null
}

function parseOption(option: string, pythonMinor: number): ParsedOption {
  const parts = option.split(':')
  if (parts.length > 5) return {ignored: `too many fields in ${option}`}
  const [actionText, message, category, module, lineno] = [...parts, '', '', '', ''].slice(0, 5).map((part) => part.trim())
  const action = actionOf(actionText)
  if (!action) return {ignored: `invalid action ${actionText}`}
  if (category.includes('.')) return {unknown: `the category ${category} is imported from its module to be checked`}
  if (category !== '' && !BUILTIN_WARNINGS.has(category)) return {unknown: `the category ${category} is not a builtin warning category`}
  // Python 3.15 reads a message or module between slashes as a regular expression.
  const regex = (field: string) => pythonMinor >= 15 && field.length > 1 && field.startsWith('/') && field.endsWith('/')
  if (regex(message) || regex(module)) return {unknown: `${option} holds a regular expression`}
  // The message is matched case-insensitively, as Unicode folds case; outside ASCII that is not followed here.
  if ([...message].some((character) => character.codePointAt(0)! > 0x7F)) return {unknown: `${option} has a message outside ASCII`}
  if (lineno !== '') {
    // int() as Python reads it (a sign, digits, single underscores between them); a negative line is refused.
    if (!/^[+-]?\d+(?:_\d+)*$/.test(lineno)) return {ignored: `invalid lineno ${lineno}`}
    const value = Number(lineno.replaceAll('_', ''))
    if (value < 0) return {ignored: `invalid lineno ${lineno}`}
    if (value !== 0) return {unknown: `${option} names a line number`}
  }

  return {filter: {action, category: category || 'Warning', message, module}}
}

/** The options that make some warnings errors (an `error` action Python accepts), as written. */
export function errorOptions(options: readonly string[], pythonMinor: number): string[] {
  return options.filter((option) => {
    const parsed = parseOption(option, pythonMinor)
    return !('ignored' in parsed) && actionOf(option.split(':')[0].trim()) === 'error'
  })
}

/**
 * The action `warning` gets: the last option that matches it wins (each is put first in warnings.filters), and with
 * none, Python's default for it ("default": printed once). `unknown` says why it cannot be told here.
 */
export function warningAction(options: readonly string[], warning: IssuedWarning, pythonMinor: number): {action: Action} | {unknown: string} {
  for (const option of [...options].reverse()) {
    const parsed = parseOption(option, pythonMinor)
    if ('ignored' in parsed) continue
    if ('unknown' in parsed) return {unknown: parsed.unknown}
    const {action, category, message, module} = parsed.filter
    const matches = warning.categories.includes(category)
      && warning.message.toLowerCase().startsWith(message.toLowerCase())
      && (module === '' || module === warning.module)
    if (matches) return {action}
  }

  return {action: 'default'}
}
