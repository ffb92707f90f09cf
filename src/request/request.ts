/**
 * The HTTP requests kedro-telemetry would send for one kedro command, built without sending anything, as a short
 * pipeline of steps: the context (versions and what those releases do), consent, kedro's own outcome, the command,
 * identity and project properties, the statistics, and the assembly of the requests the release sends.
 */
import {type ConsentDecision, resolveConsent} from '../consent/rules.js'
import {readTelemetryFile} from '../consent/telemetry-file.js'
import {kedroTimestamp} from '../python/datetime.js'
import {type PyJson, pythonJsonDumps, pythonStr} from '../python/json-dumps.js'
import {telemetryReleasesWith} from '../releases/releases.js'
import {type MaskedCommand, maskedCommand} from './command.js'
import {type PreviewContext, previewContext, type PreviewInputs} from './context.js'
import {catalogOutcome, kedroRefuses, pythonRefusal, settingsImportOf, statisticsHookDisabled, telemetryImportFailure, warningErrorsDoubt} from './outcome.js'
import {pluginCommandDoubt, pluginHookDoubts} from './plugins.js'
import {projectCliDoubts} from './project-cli.js'
import {NEW_PROJECT_ID, NEW_USER_ID, projectProperties, userIdentity} from './properties.js'
import {type FieldOrigin, PreviewSheet} from './sheet.js'
import {projectStatistics} from './statistics-step.js'
import {wireHeaders} from './wire.js'

export {formatTools} from './properties.js'
export type {Derivation, FieldOrigin} from './sheet.js'

const HEAP_ENDPOINT = 'https://heapanalytics.com/api/track'
const HEAP_APP_ID = '2388822444'
const STATISTICS_EVENT = 'Kedro Project Statistics'

/** The JSON body kedro-telemetry posts to Heap, keys in its order (a type, not an interface: it is also PyJson). */
export type TelemetryBody = {
  app_id: string
  event: string
  /** The user id; absent from a plugin event sent before one exists. */
  identity?: string
  properties: Record<string, PyJson>
  timestamp: string
}

export interface TelemetryRequest {
  body: TelemetryBody
  bodyText: string
  event: string
  /** What kedro-telemetry passes to requests. */
  headers: Record<string, string>
  /** What requests puts on the wire: its defaults, these headers, Content-Length. */
  wireHeaders: Record<string, string>
  /** Why the wire headers may differ (a version not read), or null. */
  wireHeadersEstimated: null | string
  method: 'POST'
  url: string
}

/** An event a plugin sends through kedro_telemetry.api.send_telemetry_event (kedro-telemetry 0.9.0 on). */
export interface PluginEvent {
  name: string
  properties: Record<string, PyJson>
}

export interface PreviewOptions extends PreviewInputs {
  /** Show the request even when consent is declined. */
  ignoreConsent?: boolean
  /** Preview a plugin's own event instead of a kedro command's requests. */
  pluginEvent?: PluginEvent
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

function consentOf(context: PreviewContext, sheet: PreviewSheet): Promise<ConsentDecision> {
  const {env, project: {root}, telemetry, telemetryNotInstalled} = context
  return (root ? readTelemetryFile(root) : Promise.resolve(null)).then((file) => {
    const decision = resolveConsent({env, file, projectRoot: root, telemetryVersion: telemetryNotInstalled ? null : telemetry.version})
    if (decision.estimated) sheet.warn(`the consent decision is estimated: ${decision.estimated}`)
    return decision
  })
}

interface Parts {
  command: MaskedCommand
  /** Why the event may not be the one shown, when the command builds no catalog itself (kedro viz, kedro server). */
  eventDoubt: null | string
  identity: string
  properties: Record<string, PyJson>
  /** The statistics, with where they are sent from: kedro's own process, or one it starts (ipython, jupyter). */
  statistics: null | {elsewhere: boolean; properties: Record<string, PyJson>; unreadCommand: null | string}
}

type RequestBuilder = (event: string, eventProperties: Record<string, PyJson>, identity: null | string) => TelemetryRequest

/** Builds the requests of one preview: one app id and timestamp for all, as kedro-telemetry's body has them. */
function requestBuilder(context: PreviewContext, sheet: PreviewSheet): RequestBuilder {
  const {env, now} = context
  const appId = env.HEAP_APPID_DEV ?? HEAP_APP_ID
  const timestamp = kedroTimestamp(now)
  sheet.origin('app_id', 'raw', env.HEAP_APPID_DEV === undefined ? 'kedro-telemetry' : 'HEAP_APPID_DEV', '')
  sheet.origin('timestamp', 'raw', 'the clock', 'local time with a literal Z; this preview\'s time')
  // Before kedro-telemetry 0.2.2 the identity came second; from 0.2.2 last (and only when there is one).
  const identitySecond = context.telemetryRelease.bodyLayout === 'identity-second'
  return (event, eventProperties, identity) => {
    const body: TelemetryBody = identitySecond && identity !== null
      ? {app_id: appId, identity, event, timestamp, properties: eventProperties}
      : {app_id: appId, event, timestamp, properties: eventProperties, ...(identity === null ? {} : {identity})}
    const bodyText = pythonJsonDumps(body)
    const headers = {'Content-Type': 'application/json'}
    // A project id created at run time is unknown, but its hash always has 128 hex digits, and a new user id 32: the
    // length is known.
    const sentText = bodyText.replace(pythonJsonDumps(NEW_PROJECT_ID), `"${'0'.repeat(128)}"`).replaceAll(pythonJsonDumps(NEW_USER_ID), `"${'0'.repeat(32)}"`)
    const wire = wireHeaders(headers, sentText, context.installed)
    return {body, bodyText, event, headers, method: 'POST', url: HEAP_ENDPOINT, wireHeaders: wire.headers, wireHeadersEstimated: wire.estimated}
  }
}

/** The requests the release sends for these parts: one per command since 0.6.0; before, two and the statistics. */
function assemble(context: PreviewContext, sheet: PreviewSheet, parts: Parts): TelemetryRequest[] {
  const {telemetryRelease} = context
  const request = requestBuilder(context, sheet)
  const {command, mainCommand} = parts.command
  const {properties, statistics} = parts
  const eventDoubt = [statistics?.unreadCommand, parts.eventDoubt].filter(Boolean).join('; ') || null
  if (telemetryRelease.events === 'several') {
    // Before 0.6.0 (from their source): two events before the command runs, the statistics separately after the
    // catalog is built; identity left out when empty (from 0.2.2). Before 0.2.2 `command` follows `username`.
    const identity = telemetryRelease.bodyLayout === 'identity-second' ? parts.identity : parts.identity || null
    const {username, ...rest} = properties
    const cliProperties = telemetryRelease.bodyLayout === 'identity-second' ? {username, command, ...rest} : {...properties, command}
    sheet.origin('event', 'derived', 'the command', `two events per command in kedro-telemetry ${telemetryReleasesWith('events', 'several')}, and the statistics separately`, eventDoubt)
    return [
      request(`Command run: ${mainCommand}`, cliProperties, identity),
      request('CLI command', {...cliProperties, main_command: mainCommand}, identity),
      ...(statistics ? [request(STATISTICS_EVENT, {...properties, ...statistics.properties}, identity)] : []),
    ]
  }

  const identity = parts.identity || 'missing_user_identity'
  const cliProperties = {...properties, command, main_command: mainCommand}
  if (statistics?.elsewhere) {
    // The other process's hook never saw the command line; kedro's own "CLI command" follows when it exits.
    sheet.origin('event', 'derived', 'the command', 'the catalog is built in another process, which sends the statistics; then "CLI command"', eventDoubt)
    return [request(STATISTICS_EVENT, {...properties, ...statistics.properties}, identity), request('CLI command', cliProperties, identity)]
  }

  sheet.origin('event', 'derived', 'the command', statistics ? 'the command builds the catalog' : 'the command builds no catalog', eventDoubt)
  return [statistics ? request(STATISTICS_EVENT, {...cliProperties, ...statistics.properties}, identity) : request('CLI command', cliProperties, identity)]
}

function warnNoCatalog(reason: null | string | undefined, first: string | undefined, sheet: PreviewSheet): void {
  if (reason) sheet.warn(`${reason}, so only "CLI command" is sent`)
  const later = laterCatalog(first)
  if (later) sheet.warn(later)
}

/**
 * `kedro viz` and `kedro server` build no catalog as they start, but may build one later, in a process of their own
 * (kedro-viz's server, a run requested from the server), which then sends the statistics: not followed here.
 */
function laterCatalog(first: string | undefined): null | string {
  return first === 'server' || first === 'viz' ? `kedro ${first} can load the catalog later in its own process, which then sends "${STATISTICS_EVENT}" separately` : null
}

/** kedro ipython and kedro jupyter build the catalog in processes of their own, which send the statistics. */
function warnStatisticsElsewhere(first: string | undefined, sheet: PreviewSheet): void {
  sheet.warn(first === 'ipython'
    ? `kedro ipython starts IPython in a process of its own, where Kedro's extension loads the catalog: that process sends "${STATISTICS_EVENT}" without the command, and kedro sends "CLI command" when IPython exits`
    : `every notebook kernel kedro jupyter starts loads the catalog in a process of its own and sends "${STATISTICS_EVENT}" without the command (shown once); kedro sends "CLI command" when jupyter exits`)
}

/**
 * What settings.py does to the statistics: null when it stops them (said in a warning: the plugin's hooks disabled, an
 * import that fails as the session is created), else why they may not be sent (an empty list when nothing is unsure).
 */
function settingsDoubtsOrStop(context: PreviewContext, sheet: PreviewSheet, command: MaskedCommand): null | string[] {
  const hookDisabled = statisticsHookDisabled(context)
  if (hookDisabled === true) {
    sheet.warn('settings.py disables kedro-telemetry\'s project hooks (DISABLE_HOOKS_FOR_PLUGINS): the catalog is built, but no statistics are sent, only "CLI command"')
    return null
  }

  const settings = settingsImportOf(context)
  if (settings?.kind === 'fails') {
    sheet.warn(`importing the project's settings.py raises ${settings.error}: kedro ${command.commandPath[0]} fails as it creates the session, before it builds the catalog, so only "CLI command" is sent (on exit)`)
    return null
  }

  return [...typeof hookDisabled === 'string' ? [hookDisabled] : [], ...settings?.unsure ?? [], ...pluginHookDoubts(context)]
}

/** The statistics the command sends, or null (no catalog, or kedro fails before building it: said in a warning). */
async function statisticsOf(context: PreviewContext, sheet: PreviewSheet, command: MaskedCommand): Promise<Parts['statistics']> {
  const outcome = catalogOutcome(context, command)
  if (outcome.kind === 'no-catalog') {
    warnNoCatalog(outcome.reason, command.commandPath[0], sheet)
    return null
  }

  if (!context.telemetryRelease.sendsStatistics) return null
  const settingsDoubts = settingsDoubtsOrStop(context, sheet, command)
  if (settingsDoubts === null) return null

  const reading = await projectStatistics(context, sheet, command)
  if (reading.kind === 'fails') {
    if (reading.unsure) sheet.origin('event', 'derived', 'the command', 'kedro fails before the statistics', reading.unsure)
    const when = reading.stage === 'in-hook' ? 'as it builds the catalog' : 'before it builds the catalog'
    sheet.warn(`${reading.failure}: kedro ${command.commandPath[0]} fails ${when}, so only "CLI command" is sent (on exit)`)
    return null
  }

  if (outcome.elsewhere) warnStatisticsElsewhere(command.commandPath[0], sheet)
  const [group, subcommand] = command.commandPath
  const unreadCommand = group === 'catalog' && context.kedroRelease.catalogCommandsUnread.includes(subcommand)
    ? `the source of kedro catalog ${subcommand} (Kedro ${context.kedro.version}) is not public: it is taken to create the catalog as the other catalog commands do, so that the statistics are sent`
    : outcome.estimated
  const doubts = [unreadCommand, ...settingsDoubts, reading.unsure]
  return {elsewhere: outcome.elsewhere, properties: reading.properties, unreadCommand: doubts.filter(Boolean).join('; ') || null}
}

/**
 * kedro_telemetry.api.send_telemetry_event(name, properties, project_path): the same consent, the user uuid as
 * identity, the plugin's properties (scalars as they are, anything else as Python's str()) updated with the project's
 * (a project key replaces a plugin key where it stands), and no command.
 */
async function pluginEventRequests(context: PreviewContext, sheet: PreviewSheet, event: PluginEvent): Promise<TelemetryRequest[]> {
  if (!context.telemetryRelease.pluginEvents) {
    sheet.warn(`kedro-telemetry ${context.telemetry.version} has no send_telemetry_event (only ${telemetryReleasesWith('pluginEvents', true)} has it): a plugin cannot send "${event.name}" through it`)
    return []
  }

  const {identity, username} = await userIdentity(context, sheet)
  const project = projectProperties(context, sheet, username)
  const plugin = Object.fromEntries(Object.entries(event.properties).map(([key, value]) => [
    key, value === null || typeof value === 'object' ? pythonStr(value) : value,
  ]))
  for (const key of Object.keys(plugin)) sheet.origin(`properties.${key}`, 'raw', 'the plugin', Object.hasOwn(project, key) ? 'replaced by the project property of that name' : '')
  sheet.origin('event', 'raw', 'the plugin', 'send_telemetry_event(event_name, properties, project_path)')
  return [requestBuilder(context, sheet)(event.name, {...plugin, ...project}, identity || 'missing_user_identity')]
}

/**
 * Why the event itself may differ: a Python kedro may refuse, a module kedro-telemetry may lack, warnings made
 * errors, the project's cli.py, or a catalog built later.
 */
function eventDoubtOf(context: PreviewContext, command: MaskedCommand, statistics: boolean): null | string {
  const doubts = [
    pythonRefusal(context).unsure, telemetryImportFailure(context).unsure, warningErrorsDoubt(context),
    projectCliDoubts(context).event ?? pluginCommandDoubt(context) ?? (command.runs && !statistics ? laterCatalog(command.commandPath[0]) : null),
  ]
  return doubts.filter(Boolean).join('; ') || null
}

export async function buildTelemetryRequests(options: PreviewOptions): Promise<PreviewResult> {
  const sheet = new PreviewSheet()
  const context = await previewContext(options, sheet)
  const decision = await consentOf(context, sheet)
  const result: PreviewResult = {
    consent: {decidedBy: decision.decidedBy, explicit: decision.explicit, implicit: decision.implicit, reason: decision.reason, willSend: decision.willSend},
    context: {
      kedroStructureVersion: context.structure.kedroStructureVersion, kedroVersion: context.kedro.version,
      kedroVersionSource: context.kedro.assumed ? `assumed: ${context.kedro.source}` : context.kedro.source,
      maskingRules: context.telemetryRelease.masking, plugins: context.plugins, projectRoot: context.project.root,
      python: context.python.facts?.executable ?? null, telemetryVersion: context.telemetry.version,
      telemetryVersionSource: context.telemetry.assumed ? `assumed: ${context.telemetry.source}` : context.telemetry.source,
    },
    decidedBy: decision.decidedBy, estimated: [], ignoredConsent: !decision.willSend, leaked: [], origins: sheet.origins, requests: [],
    warnings: sheet.warnings, wouldSend: decision.willSend,
  }
  if (!decision.willSend && !options.ignoreConsent) return {...result, ignoredConsent: false}
  if (context.telemetryRelease.consentModel === 'opt-in' && !context.project.root) {
    sheet.warn(`kedro-telemetry ${context.telemetry.version} sends nothing outside a Kedro project`)
    return {...result, wouldSend: false}
  }

  const refused = kedroRefuses(context, sheet)
  if (refused) {
    sheet.warn(`${refused}; nothing is sent`)
    return {...result, wouldSend: false}
  }

  if (options.pluginEvent) {
    const requests = await pluginEventRequests(context, sheet, options.pluginEvent)
    return {...result, estimated: [...sheet.estimated], requests, wouldSend: result.wouldSend && requests.length > 0}
  }

  const command = maskedCommand(context, sheet)
  if (!command) return {...result, wouldSend: false}
  const {identity, username} = await userIdentity(context, sheet)
  const properties = projectProperties(context, sheet, username)
  const statistics = await statisticsOf(context, sheet, command)
  const eventDoubt = eventDoubtOf(context, command, Boolean(statistics))
  const requests = assemble(context, sheet, {command, eventDoubt, identity, properties, statistics})
  return {...result, estimated: [...sheet.estimated], leaked: command.leaked, requests: requests.map((request) => withLengthDoubt(request, sheet.estimated))}
}

/**
 * Content-Length counts the body's bytes: a field in it whose value is estimated makes the header estimated too,
 * unless the value is a placeholder whose length is known (a new project id's hash, a new user id).
 */
function withLengthDoubt(request: TelemetryRequest, estimated: Iterable<string>): TelemetryRequest {
  const valueOf = (field: string): unknown => (field.startsWith('properties.') ? request.body.properties[field.slice('properties.'.length)] : (request.body as unknown as Record<string, unknown>)[field])
  const lengthUnknown = (field: string) => field === 'event' || (field !== 'properties' && valueOf(field) !== undefined && ![NEW_PROJECT_ID, NEW_USER_ID].includes(valueOf(field) as string))
  const fields = [...estimated].filter((field) => lengthUnknown(field))
  if (fields.length === 0) return request
  const reason = `Content-Length counts the body, where ${fields.join(', ')} may differ`
  return {...request, wireHeadersEstimated: request.wireHeadersEstimated ? `${request.wireHeadersEstimated}; ${reason}` : reason}
}
