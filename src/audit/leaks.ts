/**
 * What must never be in a telemetry request: the user's name, home directory or host name, an absolute path, an email
 * address, an environment variable's value, or a credential. Findings name the kind and the field, never the value.
 */
import {homedir, hostname, userInfo} from 'node:os'

import type {PyJson} from '../python/json-dumps.js'
import {bodyField} from '../request/fields.js'

interface LeakFinding {
  field: string
  kind: string
}

const CREDENTIALS: [string, RegExp][] = [
  ['a credential assignment', /\b(?:pass(?:word|wd)?|pwd|token|secret|api[_-]?key|access[_-]?key|auth)\w*\s*[=:]\s*\S/i],
  ['an AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a JSON Web Token', /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/],
  ['an email address', /[\w.+-]+@[\w-]+\.[\w.-]+/],
  ['an absolute path', /(?:^|[\s=:"'(,])(?:\/(?:[\w.-]+\/)+[\w.-]*|[A-Za-z]:\\[^\s"']*|~\/[\w.-]+)/],
]

/** Variables whose values are everywhere or are not personal; the personal ones are checked on their own. */
const IGNORED_VARIABLES = new Set(['_', 'COLUMNS', 'HOME', 'HOSTNAME', 'LANG', 'LINES', 'LOGNAME', 'OLDPWD', 'PATH', 'PWD', 'SHELL', 'SHLVL', 'TERM', 'USER', 'USERNAME'])

function strings(value: PyJson, at: string, into: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') into.push([at, value])
  else if (Array.isArray(value)) for (const [index, item] of value.entries()) strings(item, `${at}[${index}]`, into)
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) strings(item, at ? `${at}.${key}` : key, into)
  return into
}

function containsWord(haystack: string, needle: string): boolean {
  return needle.length >= 3 && new RegExp(`(^|[^\\w])${needle.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}($|[^\\w])`).test(haystack)
}

/** What of the environment one value holds: the user's names, a credential's shape, an environment variable's value. */
function leaksIn(value: string, personal: [string, string][], env: NodeJS.ProcessEnv): string[] {
  const kinds: string[] = []
  for (const [kind, needle] of personal) if (needle && needle !== '/' && containsWord(value, needle)) kinds.push(kind)
  for (const [kind, pattern] of CREDENTIALS) if (pattern.test(value)) kinds.push(kind)
  for (const [name, variable] of Object.entries(env)) {
    const worthChecking = variable && variable.length >= 8 && !IGNORED_VARIABLES.has(name) && !/^\d+$/.test(variable)
    if (worthChecking && value.includes(variable)) kinds.push(`the value of $${name}`)
  }

  return kinds
}

export function findLeaks(body: PyJson, env: NodeJS.ProcessEnv): LeakFinding[] {
  const personal: [string, string][] = [
    ['the user name', env.USER ?? env.LOGNAME ?? userInfo().username],
    ['the home directory', env.HOME ?? homedir()],
    ['the host name', hostname()],
  ]
  // The hashed ids and the interpreter's own version string are not user input (the registry says which).
  return strings(body, '')
    .filter(([field]) => !bodyField(field)?.leakScanExempt)
    .flatMap(([field, value]) => leaksIn(value, personal, env).map((kind) => ({field, kind})))
}
