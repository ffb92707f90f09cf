/**
 * The properties every request of a release carries: who the user is (uuid, or a hash of the login or host name in
 * old releases), the project (hashed id, or hashed package name), versions, platform, CI, and the [tool.kedro] fields.
 */
import {hostname} from 'node:os'

import {kedroDetectsCi} from '../ci/detect.js'
import {hashedProjectId, kedroHash} from '../identity/hash.js'
import {kedroUserIdPath, readUserId} from '../identity/user-id.js'
import {getuser} from '../python/getpass.js'
import type {PyJson} from '../python/json-dumps.js'
import {evaluate, EvaluationGuard, parsePython, type PyValue} from '../python/evaluator.js'
import type {PreviewContext} from './context.js'
import type {PreviewSheet} from './sheet.js'

export const NEW_USER_ID = '<a new uuid4 hex, created on the first send>'

/** The `identity` and `username` of the release's era. */
export async function userIdentity(context: PreviewContext, sheet: PreviewSheet): Promise<{identity: string; username: string}> {
  const {env, platform, project, telemetryRelease, workingDirectory} = context
  if (telemetryRelease.identity !== 'uuid') {
    // Before 0.4.0 (from the sources): sha512 of getpass.getuser() as both (0.2.2 to 0.3.x); before 0.2.2 sha512 of
    // the host name as identity and of os.getlogin() (the terminal's login, not known here) as username.
    const hostEra = telemetryRelease.identity === 'hostname-hash'
    sheet.origin('identity', 'hashed', hostEra ? 'the host name' : 'the login name (getpass.getuser())', 'sha512')
    if (!hostEra) {
      sheet.origin('properties.username', 'hashed', 'the login name', 'sha512, the identity again')
      return {identity: kedroHash(getuser(env)), username: kedroHash(getuser(env))}
    }

    // os.getlogin() fails without a login session or a terminal on standard input (as in CI): "anonymous".
    const ci = kedroDetectsCi(env).detected
    sheet.origin('properties.username', 'hashed', 'the login name', 'sha512 of os.getlogin(), "anonymous" when it fails',
      `os.getlogin() reads the login session or the terminal kedro runs in, not known here: taken to ${ci ? 'fail, as in CI' : 'be the login name'}`)
    return {identity: kedroHash(hostname()), username: ci ? 'anonymous' : kedroHash(getuser(env))}
  }

  const user = await readUserId(kedroUserIdPath({env, platform, workingDirectory}), project.root)
  if (user.onSend === 'uses') {
    sheet.origin('identity', 'raw', user.path, 'the user uuid')
    sheet.origin('properties.username', 'raw', user.path, 'the user uuid again')
    return {identity: user.userId!, username: user.userId!}
  }

  if (user.onSend === 'creates') {
    sheet.warn(`kedro would create a new user id in ${user.path} on its first send; this preview writes nothing`)
    sheet.origin('identity', 'raw', user.path, 'created on the first send', 'not created yet')
    sheet.origin('properties.username', 'raw', user.path, 'the user uuid again', 'not created yet')
    return {identity: NEW_USER_ID, username: NEW_USER_ID}
  }

  sheet.origin('identity', 'raw', user.path, `${user.problem}: "missing_user_identity"`)
  sheet.origin('properties.username', 'raw', user.path, `${user.problem}: ""`)
  return {identity: '', username: ''}
}

/** Before 0.2.3: the hashed package and project names, through Kedro's ProjectMetadata (which requires both). */
function metadataHashes({project: {pyproject}}: PreviewContext, sheet: PreviewSheet): Record<string, PyJson> {
  const hashed: Record<string, PyJson> = {}
  for (const [key, value] of [['package_name', pyproject?.packageName], ['project_name', pyproject?.projectName]] as const) {
    sheet.origin(`properties.${key}`, 'hashed', 'pyproject.toml [tool.kedro]', `sha512(${key})`, value ? null : `no ${key}: Kedro refuses such a project`)
    hashed[key] = value ? kedroHash(value) : ''
  }

  return hashed
}

/** From 0.5.0: the hashed project id of [tool.kedro_telemetry], null outside a project, or one kedro would create. */
function projectIdOf({project: {pyproject, root}}: PreviewContext, sheet: PreviewSheet): Record<string, PyJson> {
  if (!root) {
    sheet.origin('properties.project_id', 'raw', 'not in a project', 'null outside a project')
    return {project_id: null}
  }

  const projectId = pyproject?.projectId ?? null
  if (projectId === null) {
    sheet.warn('pyproject.toml has no [tool.kedro_telemetry] project_id: kedro would append one to it (a change to a committed file) on its first send')
    sheet.origin('properties.project_id', 'hashed', 'pyproject.toml', 'sha512(project_id + package_name)', 'the project id does not exist yet')
    return {project_id: NEW_PROJECT_ID}
  }

  sheet.origin('properties.project_id', 'hashed', 'pyproject.toml', 'sha512(project_id + package_name), unsalted')
  return {project_id: hashedProjectId(projectId, pyproject?.packageName ?? null)}
}

/**
 * The project's identifier: its hashed project id (0.5.0+), the hashed package name (0.2.3 to 0.4.x), or the hashed
 * package and project names of [tool.kedro] (before 0.2.3).
 */
function projectIdentity(context: PreviewContext, sheet: PreviewSheet): Record<string, PyJson> {
  const {project: {pyproject}, telemetryRelease} = context
  if (telemetryRelease.projectIdentity === 'metadata-hashes') return metadataHashes(context, sheet)
  if (telemetryRelease.projectIdentity === 'project-id') return projectIdOf(context, sheet)
  // `_hash(PACKAGE_NAME) if PACKAGE_NAME else "undefined"`: the literal, not its hash.
  sheet.origin('properties.package_name', 'hashed', 'pyproject.toml', pyproject?.packageName ? 'sha512(package_name)' : '"undefined": no package_name')
  return {package_name: pyproject?.packageName ? kedroHash(pyproject.packageName) : 'undefined'}
}

/** Python's str() of a literal's value, where this tool can reproduce it exactly. */
function pythonStr(value: PyValue): null | string {
  if (value.kind === 'str') return value.value
  if (value.kind === 'number' && Number.isInteger(value.value)) return String(value.value)
  if (value.kind === 'bool') return value.value ? 'True' : 'False'
  if (value.kind === 'none') return 'None'
  return null
}

/** `ast.literal_eval(text)` when it gives a list or tuple, as the str() of each item; undefined when it does not. */
function literalList(text: string): null | string[] | undefined {
  const source = `value = (${text}\n)`
  const statement = parsePython(source).topNode.firstChild
  const expression = statement?.lastChild
  if (!statement || statement.name !== 'AssignStatement' || !expression) return undefined
  const value = evaluate(expression, {guard: new EvaluationGuard(), scope: new Map(), source})
  if (value.kind !== 'list') return undefined
  const items = value.items.map((item) => pythonStr(item))
  return items.every((item) => item !== null) ? items : null
}

/**
 * `tools` as the release sends it, or undefined when it leaves the property out. 0.8.0's `_format_tools`: a string
 * is first `ast.literal_eval`-ed; a list or tuple becomes `", ".join(str(t) ...)` (left out when empty); any other
 * non-empty string is sent as it is. Before 0.8.0: Python's `", ".join(raw)`, which joins a string's characters.
 */
export function formatTools(tools: unknown, era: 'format' | 'join' | 'none' | 'raw'): {estimated: null | string; value: PyJson | undefined} {
  if (era === 'none') return {estimated: null, value: undefined}
  if (era === 'raw') return {estimated: null, value: tools as PyJson}
  return era === 'join' ? joinedTools(tools) : formattedTools(tools)
}

type FormattedTools = ReturnType<typeof formatTools>

/** Before 0.8.0: Python's `", ".join(raw)`, which joins a string's characters. */
function joinedTools(tools: unknown): FormattedTools {
  if (typeof tools === 'string') return {estimated: null, value: [...tools].join(', ')}
  if (Array.isArray(tools) && tools.every((tool) => typeof tool === 'string')) return {estimated: null, value: tools.join(', ')}
  return {estimated: 'Python\'s ", ".join() raises on a tools value that is not a string or a list of strings', value: undefined}
}

const UNSURE_TOOLS = 'a tools value this tool does not reproduce exactly (a nested or non-integer literal)'

/** 0.8.0's `_format_tools`. */
function formattedTools(tools: unknown): FormattedTools {
  let list: unknown = tools
  if (typeof tools === 'string') {
    const parsed = literalList(tools)
    if (parsed === null) return {estimated: UNSURE_TOOLS, value: undefined}
    if (parsed !== undefined) list = parsed
  }

  if (Array.isArray(list)) {
    const items = list.map((item) => (typeof item === 'string' ? item : (typeof item === 'number' && Number.isInteger(item) ? String(item) : null)))
    if (items.some((item) => item === null)) return {estimated: UNSURE_TOOLS, value: undefined}
    return {estimated: null, value: items.length > 0 && items.join(', ') !== '' ? items.join(', ') : undefined}
  }

  return {estimated: null, value: typeof list === 'string' && list !== '' ? list : undefined}
}

/**
 * ProjectMetadata.project_version, which kedro-telemetry before 0.2.3 sends: [tool.kedro] project_version, or from
 * Kedro 0.18.5 kedro_init_version when project_version is absent. Kedro 0.19's ProjectMetadata has no such field
 * (these releases require Kedro 0.18), so there the value is estimated.
 */
function metadataProjectVersion(context: PreviewContext, sheet: PreviewSheet): PyJson {
  const {kedro, kedroRelease, project: {pyproject}} = context
  const written = pyproject?.kedroProjectVersion ?? null
  const init = pyproject?.kedroInitVersion ?? null
  const fallBack = kedroRelease.initVersionKey === 'either' ? init : null
  const value = written ?? fallBack
  const unsure = kedroRelease.initVersionKey === 'kedro_init_version'
    ? `kedro-telemetry ${context.telemetry.version} requires Kedro 0.18: Kedro ${kedro.version}'s ProjectMetadata has no project_version, so its hooks fail there`
    : (value === null ? 'no project_version in [tool.kedro]: Kedro refuses such a project' : null)
  sheet.origin('properties.project_version', 'raw', 'pyproject.toml [tool.kedro]', written === null && fallBack !== null ? 'the project\'s kedro_init_version (no project_version)' : 'the project\'s project_version', unsure)
  return value ?? init ?? ''
}

/** Stands for the hash of a project id kedro-telemetry creates when it first sends: 128 hex digits, not known before. */
export const NEW_PROJECT_ID = '<sha512 of a new random project_id>'

/** project_version and telemetry_version, each with where it comes from. */
function versionProperties(context: PreviewContext, sheet: PreviewSheet): Record<string, PyJson> {
  const {kedro, telemetry, telemetryRelease} = context
  const from = (version: PreviewContext['kedro']) => [version.assumed ? 'no installed or pinned version found' : version.source, version.assumed ? version.source : null] as const
  let projectVersion: PyJson
  if (telemetryRelease.projectVersion === 'project-metadata') {
    projectVersion = metadataProjectVersion(context, sheet)
  } else {
    projectVersion = kedro.version
    const [source, estimated] = from(kedro)
    sheet.origin('properties.project_version', 'raw', source, 'the Kedro version', estimated)
  }

  const [source, estimated] = from(telemetry)
  sheet.origin('properties.telemetry_version', 'raw', source, 'the kedro-telemetry version', estimated)
  return {project_version: projectVersion, telemetry_version: telemetry.version}
}

/** python_version and os, from the interpreter that runs kedro when it was asked; is_ci_env where the release sends it. */
function platformProperties(context: PreviewContext, sheet: PreviewSheet): Record<string, PyJson> {
  const {env, platform, python, telemetryRelease} = context
  const properties: Record<string, PyJson> = {
    python_version: python.facts?.version ?? '<sys.version of the project\'s Python: none found>',
    os: python.facts?.platform ?? (platform === 'win32' ? 'win32' : platform),
  }
  sheet.origin('properties.python_version', 'raw', python.facts?.executable ?? 'no Python run', 'sys.version', context.kedroPython.doubt)
  sheet.origin('properties.os', 'raw', python.facts?.executable ?? 'this machine', 'sys.platform')
  if (telemetryRelease.sendsCiAndExample) {
    const ci = kedroDetectsCi(env)
    properties.is_ci_env = ci.detected
    sheet.origin('properties.is_ci_env', 'derived', 'environment', ci.matchedBy ? `set by ${ci.matchedBy}` : 'no CI variable kedro knows')
  }

  return properties
}

/** tools and example_pipeline from [tool.kedro], as the release sends them (inside a project only). */
function toolProperties(context: PreviewContext, sheet: PreviewSheet): Record<string, PyJson> {
  const {project: {pyproject, root}, telemetryRelease} = context
  const properties: Record<string, PyJson> = {}
  if (!root) return properties
  const tools = pyproject?.tools === undefined ? null : formatTools(pyproject.tools, telemetryRelease.tools)
  if (tools && (tools.value !== undefined || tools.estimated)) {
    properties.tools = tools.value ?? ''
    const notes = {format: 'list items joined with ", "', join: 'Python ", ".join(tools): a string is joined character by character', none: '', raw: 'as written'}
    sheet.origin('properties.tools', 'raw', 'pyproject.toml [tool.kedro] tools', notes[telemetryRelease.tools], tools.estimated)
  }

  if (telemetryRelease.sendsCiAndExample && pyproject?.examplePipeline !== undefined) {
    properties.example_pipeline = pyproject.examplePipeline as PyJson
    sheet.origin('properties.example_pipeline', 'raw', 'pyproject.toml [tool.kedro] example_pipeline', 'as written')
  }

  return properties
}

/** Everything but the command and the statistics: identity, project, versions, platform, CI, [tool.kedro] fields. */
export function projectProperties(context: PreviewContext, sheet: PreviewSheet, username: string): Record<string, PyJson> {
  // In the release's order: user, project, versions, platform and CI, then [tool.kedro]'s.
  return {
    username, ...projectIdentity(context, sheet), ...versionProperties(context, sheet), ...platformProperties(context, sheet),
    ...toolProperties(context, sheet),
  }
}
