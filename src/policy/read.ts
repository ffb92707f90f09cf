/**
 * Reading a team policy: the file read as a checkout's data (size-limited, a regular file, not leading out of the
 * repository), parsed as YAML with every position kept, validated against POLICY_SCHEMA with ajv and then for what a
 * schema cannot say (PEP 440 specifiers, patterns that stay inside the folder). An invalid policy is one InputError
 * naming every problem with its line, never a partial policy.
 */
import path from 'node:path'

import {Ajv, type ErrorObject} from 'ajv'
import {type Document, isMap, isScalar, LineCounter, parseDocument} from 'yaml'

import {CHECKS} from '../audit/checks/index.js'
import {readTextSafeSync} from '../checkout/files.js'
import {InputError} from '../errors.js'
import {displayPath} from '../fs/display-path.js'
import {isValidSpecifierSet} from '../python/specifiers.js'
import type {CheckLevel, CiRequirement, ConsentRequirement, Policy, StackRequirement} from './policy.js'
import {POLICY_SCHEMA} from './schema.js'

/** A policy is a few lines; anything this large is not one. */
const MAX_POLICY_BYTES = 64 * 1024

interface Problem {
  line: number
  message: string
  /** Where in the policy, as dotted keys (`checks.TEL011`); empty for the file as a whole. */
  where: string
}

/** The policy as the schema guarantees it after validation. */
interface PolicyData {
  checks?: Record<string, CheckLevel>
  ci?: CiRequirement
  consent?: ConsentRequirement
  exclude?: string[]
  'kedro-telemetry'?: string
  stack?: StackRequirement
  version: number
}

let validator: ReturnType<Ajv['compile']> | undefined
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({allErrors: true, strict: true}).compile(POLICY_SCHEMA)
  return validator(data) ? [] : [...(validator.errors ?? [])]
}

/** Edit distance, to suggest the setting or check a typo meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }

  return previous[b.length]
}

function suggestion(word: string, candidates: string[]): string {
  const best = candidates.map((candidate) => ({candidate, score: distance(word.toLowerCase(), candidate.toLowerCase())})).sort((a, b) => a.score - b.score)[0]
  return best && best.score <= Math.max(2, Math.floor(word.length / 3)) ? `; did you mean "${best.candidate}"?` : ''
}

/** Positions in the file: the line of a value, or of a key when `key` is given. */
class Positions {
  constructor(private readonly document: Document, private readonly lineCounter: LineCounter) {}

  line(segments: string[], key?: string): number {
    const node = segments.length === 0 ? this.document.contents : this.document.getIn(segments, true)
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key)
      if (isScalar(pair?.key) && pair.key.range) return this.lineCounter.linePos(pair.key.range[0]).line
    }

    const range = (node as null | {range?: [number, number, number]})?.range
    return range ? this.lineCounter.linePos(range[0]).line : 1
  }
}

const TYPE_NAMES: Record<string, string> = {array: 'a list', object: 'a mapping of settings', string: 'a string (quote it)'}

function schemaProblem(error: ErrorObject, positions: Positions): Problem | null {
  const segments = error.instancePath.split('/').slice(1).map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
  const where = (extra?: string) => [...segments, ...(extra === undefined ? [] : [extra])].join('.')
  const {params} = error as {params: Record<string, unknown>}
  const checkNames = CHECKS.flatMap((check) => [check.id, check.name])
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const known = Object.keys(POLICY_SCHEMA.properties)
      return {line: positions.line(segments, key), message: `unknown setting${suggestion(key, known)} (the settings are ${known.join(', ')})`, where: where(key)}
    }

    case 'propertyNames': {
      // The key itself is named by the enum error that comes with this one.
      return null
    }

    case 'enum': {
      const {propertyName} = error as {propertyName?: string}
      if (propertyName !== undefined) {
        return {line: positions.line(segments, propertyName), message: `unknown check${suggestion(propertyName, checkNames)} (checks are named by id, TEL001 to ${CHECKS.at(-1)!.id}, or name)`, where: where(propertyName)}
      }

      return {line: positions.line(segments), message: `must be one of ${(params.allowedValues as string[]).join(', ')}`, where: where()}
    }

    case 'const': {
      return {line: positions.line(segments), message: `must be ${JSON.stringify(params.allowedValue)}, the only policy format there is`, where: where()}
    }

    case 'required': {
      const missing = String(params.missingProperty)
      return {line: positions.line(segments), message: `"${missing}" is missing${missing === 'version' ? ' (add `version: 1`)' : ''}`, where: where()}
    }

    case 'type': {
      return {line: positions.line(segments), message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}`, where: where()}
    }

    case 'minLength': {
      return {line: positions.line(segments), message: 'must not be empty', where: where()}
    }

    default: {
      return {line: positions.line(segments), message: error.message ?? error.keyword, where: where()}
    }
  }
}

/** What a schema cannot check: specifiers PEP 440 accepts, and patterns that stay inside the policy's folder. */
function meaningProblems(data: Partial<Record<string, unknown>>, positions: Positions): Problem[] {
  const problems: Problem[] = []
  // Read as found: the schema's own problems (a number where a string goes) are reported apart, all together.
  const specifiers = data['kedro-telemetry']
  if (typeof specifiers === 'string' && specifiers !== '' && !isValidSpecifierSet(specifiers)) {
    problems.push({line: positions.line(['kedro-telemetry']), message: `"${specifiers}" is not a list of PEP 440 version specifiers (e.g. ">=0.6.0,!=0.7.0")`, where: 'kedro-telemetry'})
  }

  for (const [index, pattern] of (Array.isArray(data.exclude) ? data.exclude as unknown[] : []).entries()) {
    if (typeof pattern === 'string' && (path.posix.isAbsolute(pattern) || pattern.split('/').includes('..'))) {
      problems.push({line: positions.line(['exclude', String(index)]), message: `"${pattern}" must be relative to the policy's folder, inside it`, where: `exclude.${index}`})
    }
  }

  return problems
}

function toPolicy(data: PolicyData, file: string, positions: Positions): Policy {
  const idOf = new Map(CHECKS.flatMap((check) => [[check.id, check.id], [check.name, check.id]]))
  const checks: Record<string, CheckLevel> = {}
  const lines: Record<string, number> = {}
  for (const key of Object.keys(data)) lines[key] = positions.line([], key)
  for (const [name, level] of Object.entries(data.checks ?? {})) {
    const id = idOf.get(name)!
    checks[id] = level
    lines[`checks.${id}`] = positions.line(['checks'], name)
  }

  return {
    checks, ci: data.ci ?? 'any', consent: data.consent ?? 'any', exclude: data.exclude ?? [], file, folder: path.dirname(file), lines, stack: data.stack ?? 'any',
    telemetryVersions: data['kedro-telemetry'] ?? null,
  }
}

function invalid(file: string, problems: Problem[]): InputError {
  const details = problems.sort((a, b) => a.line - b.line).map((problem) => `line ${problem.line}: ${problem.where ? `${problem.where}: ` : ''}${problem.message}`)
  return new InputError(`${displayPath(file)} is not a valid policy: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
    code: 'INVALID_POLICY', details, hint: 'fix each line named above (every setting: docs/policy.md, or schemas/policy.schema.json in the package), or pass --no-policy',
  })
}

/**
 * Reads and validates the policy at `file`. `within` bounds where a symlinked policy may lead (the repository that
 * commits it); null for a file the user named.
 */
export function readPolicy(file: string, within: null | string): Policy {
  const read = readTextSafeSync(file, {maxBytes: MAX_POLICY_BYTES, within})
  if (!read.ok) throw new InputError(`the policy ${file} cannot be read: ${read.reason}`, {code: 'POLICY_UNREADABLE', hint: 'fix the file, or pass --no-policy'})
  const lineCounter = new LineCounter()
  const document = parseDocument(read.text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const positions = new Positions(document, lineCounter)
  if (document.errors.length > 0) {
    throw invalid(file, document.errors.map((error) => ({line: lineCounter.linePos(error.pos[0]).line, message: `YAML: ${error.message.split('\n')[0]}`, where: ''})))
  }

  let data: unknown
  try {
    data = document.toJS({maxAliasCount: 100})
  } catch (error) {
    throw invalid(file, [{line: 1, message: `YAML: ${(error as Error).message}`, where: ''}])
  }

  const problems = validate(data ?? {}).map((error) => schemaProblem(error, positions)).filter((problem) => problem !== null)
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) problems.push(...meaningProblems(data, positions))
  if (problems.length > 0) throw invalid(file, problems)
  return toPolicy(data as PolicyData, file, positions)
}
