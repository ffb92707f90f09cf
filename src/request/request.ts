/**
 * The HTTP requests kedro-telemetry would send for one kedro command, built without sending anything: consent
 * first, then the body as kedro-telemetry builds it (spec section 6), with how each field was derived.
 */
import {hostname, userInfo} from 'node:os'
import path from 'node:path'

import {kedroDetectsCi} from '../ci/detect.js'
import {appendAll} from '../collections.js'
import {type ConsentDecision, resolveConsent} from '../consent/rules.js'
import {readTelemetryFile} from '../consent/telemetry-file.js'
import {hashedProjectId, kedroHash} from '../identity/hash.js'
import {kedroUserIdPath, readUserId} from '../identity/user-id.js'
import {
  commandProperties, MASKING_ESTIMATED, MaskingError, maskingRulesFor, maskWithStructure, passesThrough, structureFor,
} from '../masking/masking.js'
import {type LoadedProject, loadProject} from '../project/project.js'
import {LATEST_KNOWN_KEDRO_VERSION, LATEST_KNOWN_TELEMETRY_VERSION} from '../project/versions.js'
import {resolveWorkingDirectory} from '../project/working-directory.js'
import {isRemote} from '../statistics/catalog.js'
import {readStatistics} from '../statistics/statistics.js'
import {compareVersions, isValidVersion} from '../versions.js'
import {type PyJson, pythonJsonDumps} from './python-json.js'
import {probePython, type PythonProbe} from './python-probe.js'

export const HEAP_ENDPOINT = 'https://heapanalytics.com/api/track'
export const HEAP_APP_ID = '2388822444'
export const STATISTICS_EVENT = 'Kedro Project Statistics'

export type Derivation = 'count' | 'derived' | 'hashed' | 'masked' | 'raw'

export interface FieldOrigin {
  derivation: Derivation
  /** Why the value may differ from what kedro would send, or null when it is exact. */
  estimated: null | string
  /** The body path, e.g. properties.command. */
  field: string
  note: string
  /** Where the value comes from: a file, the command line, the interpreter, the environment. */
  source: string
}

export interface TelemetryRequest {
  body: {[key: string]: PyJson}
  bodyText: string
  event: string
  headers: Record<string, string>
  method: 'POST'
  url: string
}

export interface PreviewOptions {
  /** The kedro command's arguments, verbatim (without `kedro`). */
  args: string[]
  /** The environment kedro would run in. */
  env: NodeJS.ProcessEnv
  /** Show the request even when consent is declined. */
  ignoreConsent?: boolean
  kedroVersion?: string
  now?: Date
  platform?: NodeJS.Platform
  /** Where kedro would run (default: the current directory). */
  project?: string
  /** The project at `project`, when the caller has loaded it already (with its resolved directory). */
  loaded?: {project: LoadedProject; workingDirectory: string}
  /** Run the project's Python for sys.version and installed versions (default true), when the checkout rule allows. */
  probePython?: boolean
  /** A probe already started (see launchPythonProbe), so that it overlaps loading this module. */
  python?: Promise<PythonProbe>
  /** Run the project's interpreter even where it lies in the project (see src/checkout/interpreter.ts). */
  trustProjectPython?: boolean
  telemetryVersion?: string
}

export interface PreviewResult {
  consent: Pick<ConsentDecision, 'decidedBy' | 'explicit' | 'implicit' | 'reason' | 'willSend'>
  context: {
    kedroStructureVersion: string
    kedroVersion: string
    kedroVersionSource: string
    maskingRules: string
    plugins: string[]
    projectRoot: null | string
    python: null | string
    telemetryVersion: string
    telemetryVersionSource: string
  }
  decidedBy: ConsentDecision['decidedBy']
  /** Body fields whose value is estimated rather than known (e.g. properties.python_version). */
  estimated: string[]
  /** The request was built although consent is declined (--ignore-consent). */
  ignoredConsent: boolean
  /** Tokens a leading --help/--version/-h/-v lets through unmasked. */
  leaked: string[]
  origins: FieldOrigin[]
  requests: TelemetryRequest[]
  warnings: string[]
  wouldSend: boolean
}

/** Python's datetime.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"): local time with a literal Z. */
export function kedroTimestamp(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds() * 1000, 6)}Z`
}

/** `[tool.kedro] tools` as kedro-telemetry sends it, or undefined when it omits the property. */
export function formatTools(tools: unknown): string | undefined {
  if (Array.isArray(tools)) return tools.length > 0 ? tools.map(String).join(', ') : undefined
  if (typeof tools !== 'string' || tools === '' || tools === '[]') return undefined
  const list = /^\[(.*)\]$/s.exec(tools.trim())
  if (!list) return tools
  const items = list[1].split(',').map((item) => item.trim().replace(/^(['"])(.*)\1$/, '$2')).filter(Boolean)
  return items.length > 0 ? items.join(', ') : undefined
}

/** Python's getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, then the password database. */
function loginName(env: NodeJS.ProcessEnv): string {
  return env.LOGNAME || env.USER || env.LNAME || env.USERNAME || userInfo().username
}

/** kedro-telemetry before 0.6.0: Python's `", ".join(tools)`, which joins a string's characters. */
export function joinToolsPython(tools: unknown): string | undefined {
  if (typeof tools === 'string') return [...tools].join(', ')
  if (Array.isArray(tools) && tools.every((tool) => typeof tool === 'string')) return tools.join(', ')
  return undefined
}

/** Kedro commands that build the project's catalog, so that kedro-telemetry sends the statistics event. */
function createsCatalog(path: string[]): boolean {
  return path[0] === 'run' || (path[0] === 'catalog' && path.length > 1)
}

function optionValues(args: string[], names: string[]): string[] {
  const values: string[] = []
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined]
    if (!names.includes(name)) continue
    const value = inline ?? args[i + 1]
    if (value !== undefined) values.push(value)
  }

  return values
}

/** Files named in a field's origin: all of a few, else the first ones and how many more. */
function fileList(files: string[]): string {
  return files.length <= 4 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`
}

export async function buildTelemetryRequests(options: PreviewOptions): Promise<PreviewResult> {
  const env = options.env
  const platform = options.platform ?? process.platform
  const workingDirectory = options.loaded?.workingDirectory ?? await resolveWorkingDirectory(options.project ?? '.', process.cwd())
  const project = options.loaded?.project ?? await loadProject(workingDirectory, env)
  const {pyproject, root, versions} = project
  const warnings: string[] = []
  const origins: FieldOrigin[] = []
  const origin = (field: string, derivation: Derivation, source: string, note = '', estimated: null | string = null) => {
    origins.push({derivation, estimated, field, note, source})
  }

  const {environment} = versions
  // The interpreter starts slowly: it runs while the project's files are read, and is awaited when needed.
  const pythonPending: Promise<PythonProbe> = options.probePython === false
    ? Promise.resolve({facts: null, missing: 'no interpreter was run (--no-python)'})
    : options.python ?? probePython({
      env, environmentPrefix: environment?.prefix ?? null, projectRoot: root, trustProjectPython: options.trustProjectPython, workingDirectory,
    })
  const userPending = readUserId(kedroUserIdPath({env, platform, workingDirectory}), root)

  const pick = (override: string | undefined, probed: null | string | undefined, detected: {detail: string; source: string; version: null | string}, fallback: string) => {
    if (override) return {source: 'given with a flag', version: override}
    if (probed) return {source: `reported by ${python!.executable}`, version: probed}
    if (detected.version && isValidVersion(detected.version) && detected.source !== 'assumed') return {source: `${detected.source}: ${detected.detail}`, version: detected.version}
    return {source: `assumed: ${detected.source === 'assumed' ? detected.detail : 'the latest known'}`, version: detected.source === 'assumed' && detected.version ? detected.version : fallback}
  }

  const probe = await pythonPending
  const python = probe.facts
  const kedro = pick(options.kedroVersion, python?.kedro, versions.kedro, LATEST_KNOWN_KEDRO_VERSION)
  const telemetry = pick(options.telemetryVersion, python?.kedroTelemetry, versions.telemetry, LATEST_KNOWN_TELEMETRY_VERSION)
  const file = root ? await readTelemetryFile(root) : null
  const decision = resolveConsent({env, file, projectRoot: root, telemetryVersion: versions.telemetry.source === 'not-installed' && !options.telemetryVersion ? null : telemetry.version})
  // Plugins installed in the project's environment, or for the interpreter that runs kedro.
  const installed = new Set([...Object.keys(versions.installed), ...(python?.distributions ?? [])])
  const plugins = ['kedro-airflow', 'kedro-docker', 'kedro-viz'].filter((name) => installed.has(name))
  const chosen = structureFor(kedro.version, plugins, root !== null)
  const rules = maskingRulesFor(telemetry.version)
  const estimated = new Set<string>()
  if (decision.estimated) warnings.push(`the consent decision is estimated: ${decision.estimated}`)
  if (chosen.estimated) warnings.push(chosen.estimated)

  const result: PreviewResult = {
    consent: {decidedBy: decision.decidedBy, explicit: decision.explicit, implicit: decision.implicit, reason: decision.reason, willSend: decision.willSend},
    context: {
      kedroStructureVersion: chosen.kedroStructureVersion, kedroVersion: kedro.version, kedroVersionSource: kedro.source, maskingRules: rules,
      plugins, projectRoot: root, python: python?.executable ?? null, telemetryVersion: telemetry.version, telemetryVersionSource: telemetry.source,
    },
    decidedBy: decision.decidedBy,
    estimated: [],
    ignoredConsent: false,
    leaked: [],
    origins,
    requests: [],
    warnings,
    wouldSend: decision.willSend,
  }
  if (!decision.willSend && !options.ignoreConsent) return result
  result.ignoredConsent = !decision.willSend
  const optInEra = compareVersions(telemetry.version, '0.6.0') < 0
  if (optInEra && !root) {
    warnings.push(`kedro-telemetry ${telemetry.version} sends nothing outside a Kedro project`)
    result.wouldSend = false
    return result
  }

  let masked: string[]
  try {
    masked = maskWithStructure(options.args, chosen, rules)
  } catch (error) {
    if (!(error instanceof MaskingError)) throw error
    // The offending token itself is not repeated: it is the user's, and previews get pasted into tickets.
    warnings.push(`kedro-telemetry raises a TypeError: a token follows ${JSON.stringify(error.argumentName)}, an argument name in the command structure; the kedro command fails in kedro-telemetry's hook, and nothing is sent`)
    result.wouldSend = false
    return result
  }

  if (options.args.length > 1 && passesThrough(options.args, rules)) {
    result.leaked = options.args.slice(1)
    warnings.push(`a leading ${JSON.stringify(options.args[0])} makes kedro-telemetry send every following token unmasked`)
  }

  // Identity: the uuid in telemetry.toml (0.4.0+); created on the first send when missing; "" when unreadable.
  // 0.2.2 to 0.3.x (from their source): sha512 of getpass.getuser() as both identity and username. Before 0.2.2:
  // sha512 of the host name as identity, and of os.getlogin() (the terminal's login, not known here) as username.
  const hashedLogin = compareVersions(telemetry.version, '0.4.0') < 0
  const hostIdentity = compareVersions(telemetry.version, '0.2.2') < 0
  const user = await userPending
  const userIdPath = user.path
  let userId: string
  if (hashedLogin) {
    userId = kedroHash(hostIdentity ? hostname() : loginName(env))
    origin('identity', 'hashed', hostIdentity ? 'the host name' : 'the login name (getpass.getuser())', 'sha512')
  } else if (user.userId) {
    userId = user.userId
    origin('identity', 'raw', userIdPath, 'the user uuid')
  } else if (!user.exists || /replaces the whole file/.test(user.problem ?? '')) {
    userId = '<a new uuid4 hex, created on the first send>'
    estimated.add('identity').add('properties.username')
    warnings.push(`kedro would create a new user id in ${userIdPath} on its first send; this preview writes nothing`)
    origin('identity', 'raw', userIdPath, 'created on the first send', 'not created yet')
  } else {
    userId = ''
    origin('identity', 'raw', userIdPath, `${user.problem}: "missing_user_identity"`)
  }

  const properties: {[key: string]: PyJson} = {username: hashedLogin ? kedroHash(loginName(env)) : userId}
  if (hostIdentity) {
    estimated.add('properties.username')
    origin('properties.username', 'hashed', 'the login name', 'sha512', 'kedro-telemetry hashed os.getlogin(), the login of the controlling terminal, which may differ')
  } else if (hashedLogin) {
    origin('properties.username', 'hashed', 'the login name (getpass.getuser())', 'sha512, the identity again')
  } else {
    origin('properties.username', 'raw', userIdPath, 'the user uuid again', estimated.has('properties.username') ? 'not created yet' : null)
  }
  if (root) {
    const projectId = pyproject?.projectId ?? null
    if (projectId === null) {
      properties.project_id = '<sha512 of a new random project_id>'
      estimated.add('properties.project_id')
      warnings.push('pyproject.toml has no [tool.kedro_telemetry] project_id: kedro would append one to it (a change to a committed file) on its first send')
      origin('properties.project_id', 'hashed', 'pyproject.toml', 'sha512(project_id + package_name)', 'the project id does not exist yet')
    } else {
      properties.project_id = hashedProjectId(projectId, pyproject?.packageName ?? null)
      origin('properties.project_id', 'hashed', 'pyproject.toml', 'sha512(project_id + package_name), unsalted')
    }
  } else {
    properties.project_id = null
    origin('properties.project_id', 'raw', 'not in a project', 'null outside a project')
  }

  if (optInEra && compareVersions(telemetry.version, '0.5.0') < 0) {
    // Before 0.5.0: no project id; `_hash(PACKAGE_NAME) if PACKAGE_NAME else "undefined"` (the literal, not its hash).
    delete properties.project_id
    properties.package_name = pyproject?.packageName ? kedroHash(pyproject.packageName) : 'undefined'
    origin('properties.package_name', 'hashed', 'pyproject.toml', pyproject?.packageName ? 'sha512(package_name)' : '"undefined": no package_name')
  }

  if (compareVersions(telemetry.version, '0.2.3') < 0) {
    // The oldest request this preview builds from source is 0.2.3's; earlier ones also sent project_name and the
    // project's own version, in another key order.
    for (const field of ['identity', 'properties.username', 'properties.package_name', 'properties.project_version']) estimated.add(field)
    warnings.push(`kedro-telemetry ${telemetry.version} is older than the oldest request shape this preview reproduces (0.2.3): it also sent a hashed project_name and the project's own version, in another key order, so the request is estimated`)
  }

  for (const [field, detected, what] of [['project_version', kedro, 'the Kedro version'], ['telemetry_version', telemetry, 'the kedro-telemetry version']] as const) {
    properties[field] = detected.version
    const assumed = detected.source.startsWith('assumed: ')
    if (assumed) estimated.add(`properties.${field}`)
    origin(`properties.${field}`, 'raw', assumed ? 'no installed or pinned version found' : detected.source, what, assumed ? detected.source.slice('assumed: '.length) : null)
  }
  properties.python_version = python?.version ?? '<sys.version of the project\'s Python: none found>'
  if (!python) estimated.add('properties.python_version')
  origin('properties.python_version', 'raw', python?.executable ?? 'no Python run', 'sys.version', probe.missing)
  properties.os = python?.platform ?? (platform === 'win32' ? 'win32' : platform)
  origin('properties.os', 'raw', python?.executable ?? 'this machine', 'sys.platform')
  // kedro-telemetry 0.2.x's source sends neither is_ci_env nor the [tool.kedro] fields; 0.3.x's sends both.
  const sendsProjectTools = compareVersions(telemetry.version, '0.3.0') >= 0
  const ci = kedroDetectsCi(env)
  if (sendsProjectTools) {
    properties.is_ci_env = ci.detected
    origin('properties.is_ci_env', 'derived', 'environment', ci.matchedBy ? `set by ${ci.matchedBy}` : 'no CI variable kedro knows')
  }

  if (root && sendsProjectTools) {
    const tools = optInEra ? joinToolsPython(pyproject?.tools) : formatTools(pyproject?.tools)
    if (tools !== undefined) {
      properties.tools = tools
      origin('properties.tools', 'raw', 'pyproject.toml [tool.kedro] tools', optInEra ? 'Python ", ".join(tools): a string is joined character by character' : 'list items joined with ", "')
    }

    if (pyproject?.examplePipeline !== undefined) {
      properties.example_pipeline = pyproject.examplePipeline as PyJson
      origin('properties.example_pipeline', 'raw', 'pyproject.toml [tool.kedro] example_pipeline', 'as written')
    }
  }

  const {command, main_command: mainCommand} = commandProperties(masked)
  const maskCount = masked.filter((token) => token === '*****').length
  const maskingEstimated = rules === 'current' ? null : MASKING_ESTIMATED[rules]
  if (maskingEstimated) estimated.add('properties.command').add('properties.main_command')
  origin('properties.command', 'masked', 'the command line', `${maskCount} value${maskCount === 1 ? '' : 's'} replaced by *****`, maskingEstimated)
  origin('properties.main_command', 'masked', 'the command line', 'the first masked token', maskingEstimated)

  const commandPath = masked.filter((token, index) => token === options.args[index] && !token.startsWith('-'))
  const helpRequested = options.args.includes('--help')
  // click rejects an option the command does not have before the command runs: no catalog, only "CLI command".
  let commandOptions: Record<string, unknown> | null = chosen.structure
  for (const name of commandPath) commandOptions = (commandOptions?.[name] ?? null) as Record<string, unknown> | null
  const unknownOption = options.args.slice(commandPath.length).some((token) => {
    const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token
    return token.startsWith('-') && token !== '-' && !(commandOptions && Object.hasOwn(commandOptions, name))
  })
  // `kedro ipython` runs IPython, and `kedro jupyter lab/notebook` notebook kernels, in processes of their own, where
  // Kedro's IPython extension loads the project's catalog (reload_kedro): that process sends the statistics.
  const catalogElsewhere = commandPath[0] === 'ipython' || (commandPath[0] === 'jupyter' && ['lab', 'notebook'].includes(commandPath[1] ?? ''))
  const buildsCatalog = createsCatalog(commandPath) || catalogElsewhere
  if (unknownOption && buildsCatalog) warnings.push('the command line has an option the command does not know: click rejects it before the command runs, so only "CLI command" is sent')
  let statistics: null | Record<string, PyJson> = null
  // Project statistics arrived in kedro-telemetry 0.2.2.
  const sendsStatistics = compareVersions(telemetry.version, '0.2.2') >= 0
  if (root && sendsStatistics && buildsCatalog && !helpRequested && !unknownOption) {
    const confSource = optionValues(options.args, ['--conf-source']).at(-1)
    const requested = commandPath[0] === 'run' ? optionValues(options.args, ['--pipeline', '-p', '--pipelines']).flatMap((value) => value.split(',')) : []
    const reading = await readStatistics({
      // A remote source (s3://...) is passed as it is, for the catalog reader to report.
      confSource: confSource === undefined ? null : (isRemote(confSource) ? confSource : path.resolve(workingDirectory, confSource)),
      env: optionValues(options.args, ['--env', '-e']).at(-1) ?? env.KEDRO_ENV ?? null, kedroVersion: kedro.version, packageName: pyproject?.packageName ?? null, projectRoot: root,
      requested: requested.length > 0 ? requested : null, sitePackages: environment?.sitePackages ?? python?.sitePackages ?? [],
      sourceDir: pyproject?.sourceDir ?? 'src', telemetryVersion: telemetry.version,
    })
    appendAll(warnings, reading.warnings)
    if (catalogElsewhere) {
      statistics = reading.properties
      warnings.push(commandPath[0] === 'ipython'
        ? `kedro ipython starts IPython in a process of its own, where Kedro's extension loads the catalog: that process sends "${STATISTICS_EVENT}" without the command, and kedro sends "CLI command" when IPython exits`
        : `every notebook kernel kedro jupyter starts loads the catalog in a process of its own and sends "${STATISTICS_EVENT}" without the command (shown once); kedro sends "CLI command" when jupyter exits`)
    } else if (reading.registryFails && commandPath[0] === 'run') {
      warnings.push(`${reading.registryFails}: importing pipeline_registry.py fails, so kedro run fails before it builds the catalog and only "CLI command" is sent (on exit)`)
    } else if (reading.missingPipelines.length > 0) {
      // The names are not repeated: masking hides them in the request, and previews get pasted into tickets.
      const count = reading.missingPipelines.length
      warnings.push(`${count} requested pipeline${count === 1 ? ' is' : 's are'} not registered: kedro run fails before it builds the catalog, so only "CLI command" is sent (on exit)`)
    } else {
      statistics = reading.properties
    }
    // `kedro run --config FILE` takes further options (env, pipelines, conf source) from a file not read here.
    const fromConfigFile = commandPath[0] === 'run' && optionValues(options.args, ['--config', '-c']).length > 0
      ? ['kedro run --config reads more options (the environment, the pipelines) from a file this preview does not read']
      : []
    for (const key of Object.keys(statistics ?? {})) {
      const reasons = [...reading.estimated[key] ?? [], ...fromConfigFile]
      if (reasons.length > 0) estimated.add(`properties.${key}`)
      const fromCatalog = key === 'number_of_datasets' || key.startsWith('dataset_type_count')
      const files = fromCatalog ? reading.files.catalog : reading.files.pipelines
      const source = files.length === 0 ? (fromCatalog ? `no catalog file for the ${reading.env} environment` : 'no pipeline file') : fileList(files)
      origin(`properties.${key}`, 'count', source, '', reasons.length > 0 ? reasons.join('; ') : null)
    }
  } else if (['server', 'viz'].includes(commandPath[0] ?? '')) {
    warnings.push(`kedro ${commandPath[0]} can load the catalog later in its own process, which then sends "${STATISTICS_EVENT}" separately`)
  }

  const appId = env.HEAP_APPID_DEV ?? HEAP_APP_ID
  const timestamp = kedroTimestamp(options.now ?? new Date())
  const request = (event: string, body: {[key: string]: PyJson}): TelemetryRequest => ({
    body, bodyText: pythonJsonDumps(body), event, headers: {'Content-Type': 'application/json'}, method: 'POST', url: HEAP_ENDPOINT,
  })
  origin('app_id', 'raw', env.HEAP_APPID_DEV === undefined ? 'kedro-telemetry' : 'HEAP_APPID_DEV', '')
  origin('timestamp', 'raw', 'the clock', 'local time with a literal Z; this preview\'s time')
  if (optInEra) {
    // 0.5.x (read from its source): two events before the command runs, the statistics separately after the catalog
    // is built; identity last, and left out when empty.
    const envelope = (event: string, props: {[key: string]: PyJson}) => ({app_id: appId, event, timestamp, properties: props, ...(userId ? {identity: userId} : {})})
    const cliProperties = {...properties, command}
    result.requests = [
      request(`Command run: ${mainCommand}`, envelope(`Command run: ${mainCommand}`, cliProperties)),
      request('CLI command', envelope('CLI command', {...cliProperties, main_command: mainCommand})),
    ]
    if (statistics) result.requests.push(request(STATISTICS_EVENT, envelope(STATISTICS_EVENT, {...properties, ...statistics})))
    origin('event', 'derived', 'the command', 'two events per command before 0.6.0, and the statistics separately')
  } else {
    // 0.6.0+: one event per command: the statistics event when a catalog is built, else "CLI command".
    const identity = userId || 'missing_user_identity'
    const cliProperties = {...properties, command, main_command: mainCommand}
    if (catalogElsewhere && statistics) {
      // The other process's hook never saw the command line; kedro's own "CLI command" follows when it exits.
      result.requests = [
        request(STATISTICS_EVENT, {app_id: appId, event: STATISTICS_EVENT, timestamp, properties: {...properties, ...statistics}, identity}),
        request('CLI command', {app_id: appId, event: 'CLI command', timestamp, properties: cliProperties, identity}),
      ]
      origin('event', 'derived', 'the command', 'the catalog is built in another process, which sends the statistics; then "CLI command"')
    } else {
      const event = statistics ? STATISTICS_EVENT : 'CLI command'
      result.requests = [request(event, {app_id: appId, event, timestamp, properties: {...cliProperties, ...statistics}, identity})]
      origin('event', 'derived', 'the command', statistics ? 'the command builds the catalog' : 'the command builds no catalog')
    }
  }

  result.estimated = [...estimated]
  return result
}
