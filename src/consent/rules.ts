/**
 * kedro-telemetry's consent decision, per version (its plugin.py; docs/status.md gives the order). First match wins.
 * - 0.6.0+ (opt-out): DO_NOT_TRACK, KEDRO_DISABLE_TELEMETRY, GITHUB_REPOSITORY_OWNER == kedro-org (0.6.5+),
 *   `.telemetry`, else implicit consent.
 * - before 0.6.0 (opt-in): no environment variables; only inside a project; `.telemetry`, else a prompt.
 */
import {telemetry, telemetryReleasesWith} from '../releases/releases.js'
import type {TelemetryFileReading} from './telemetry-file.js'

const KEDRO_ORG = 'kedro-org'

export type DecidedBy =
  | 'default'
  | 'DO_NOT_TRACK'
  | 'GITHUB_REPOSITORY_OWNER'
  | 'KEDRO_DISABLE_TELEMETRY'
  | 'not-installed'
  | 'prompt-pending'
  | 'telemetry-file'

export type ConsentModel = 'opt-in' | 'opt-out'

export type SourceEffect = 'accepts' | 'declines' | 'fails' | 'no-decision' | 'not-read'

export interface ConsentSource {
  /** This source is the one that decided. */
  decisive: boolean
  effect: SourceEffect
  name: string
  note: string
  /** The raw value looked at (an environment variable's value, the file's consent text), null when absent. */
  value: null | string
}

export interface ConsentDecision {
  decidedBy: DecidedBy
  /** Why the decision is not certain (the file kedro would read cannot be read here), else null. */
  estimated: null | string
  /** The user (or their environment) made a decision; false for implicit consent, a pending prompt or a failure. */
  explicit: boolean
  /** Data is sent although nobody said yes: the opt-out default. */
  implicit: boolean
  /** The kedro command itself fails reading `.telemetry`, so nothing is sent. */
  kedroWouldFail: boolean
  model: ConsentModel | null
  /** Opt-in era with no decision: kedro asks first; without a terminal the question aborts (input closed) or waits. */
  promptPending: boolean
  reason: string
  sources: ConsentSource[]
  willSend: boolean
}

export interface ConsentInput {
  env: NodeJS.ProcessEnv
  /** `.telemetry` as read at the project root; null outside a project. */
  file: null | TelemetryFileReading
  projectRoot: null | string
  /** The kedro-telemetry version that applies, or null when it is not installed. */
  telemetryVersion: null | string
}

export function consentModel(telemetryVersion: string): ConsentModel {
  return telemetry(telemetryVersion).consentModel
}

function envSource(env: NodeJS.ProcessEnv, name: string, read: boolean, readNote: string): ConsentSource {
  const value = env[name] ?? null
  if (!read) return {decisive: false, effect: 'not-read', name, note: readNote, value}
  if (value === null) return {decisive: false, effect: 'no-decision', name, note: 'not set', value}
  if (name === 'GITHUB_REPOSITORY_OWNER') {
    return value === KEDRO_ORG
      ? {decisive: false, effect: 'declines', name, note: 'equals "kedro-org": kedro-org\'s own CI is never tracked', value}
      : {decisive: false, effect: 'no-decision', name, note: 'only the exact value "kedro-org" declines', value}
  }

  return value === ''
    ? {decisive: false, effect: 'no-decision', name, note: 'set but empty: an empty value does not count', value}
    : {decisive: false, effect: 'declines', name, note: 'any non-empty value declines, even "0" or "false"', value}
}

function fileSource(file: null | TelemetryFileReading, projectRoot: null | string): ConsentSource {
  const name = '.telemetry'
  if (!projectRoot || !file) {
    return {decisive: false, effect: 'not-read', name, note: 'not inside a Kedro project: kedro reads no .telemetry', value: null}
  }

  if (!file.exists) return {decisive: false, effect: 'no-decision', name, note: file.problem ?? 'no file at the project root', value: null}
  if (file.kedroWouldFail) return {decisive: false, effect: 'fails', name, note: file.problem ?? 'kedro fails reading it', value: file.rawConsent}
  if (file.valid) {
    return {decisive: false, effect: file.consent ? 'accepts' : 'declines', name, note: `consent is the boolean ${file.consent ? 'True' : 'False'}`, value: file.rawConsent}
  }

  return {decisive: false, effect: 'no-decision', name, note: file.problem ?? 'no boolean consent', value: file.rawConsent}
}

function decide(
  sources: ConsentSource[],
  decisiveName: null | string,
  decision: Omit<ConsentDecision, 'sources'>,
): ConsentDecision {
  // Key order is the order a reader of --json wants: the answer first, the evidence last.
  return {
    willSend: decision.willSend,
    decidedBy: decision.decidedBy,
    estimated: decision.estimated,
    explicit: decision.explicit,
    implicit: decision.implicit,
    model: decision.model,
    promptPending: decision.promptPending,
    kedroWouldFail: decision.kedroWouldFail,
    reason: decision.reason,
    sources: sources.map((source) => ({...source, decisive: source.name === decisiveName})),
  }
}

export function resolveConsent(input: ConsentInput): ConsentDecision {
  const {env, file, projectRoot, telemetryVersion} = input
  const base = {estimated: null, explicit: false, implicit: false, kedroWouldFail: false, promptPending: false}

  if (telemetryVersion === null) {
    const sources = [fileSource(file, projectRoot)]
    return decide(sources, null, {
      ...base, decidedBy: 'not-installed', model: null,
      reason: 'kedro-telemetry is not installed, so neither Kedro nor Kedro-Viz sends usage data', willSend: false,
    })
  }

  const model = consentModel(telemetryVersion)
  const optOut = model === 'opt-out'
  const ownerRule = optOut && telemetry(telemetryVersion).githubOwnerRule
  const notRead = `kedro-telemetry ${telemetryVersion} does not read it`
  const sources = [
    envSource(env, 'DO_NOT_TRACK', optOut, notRead),
    envSource(env, 'KEDRO_DISABLE_TELEMETRY', optOut, notRead),
    envSource(env, 'GITHUB_REPOSITORY_OWNER', ownerRule, optOut ? `${notRead} (kedro-telemetry ${telemetryReleasesWith('githubOwnerRule', true)})` : notRead),
    fileSource(file, projectRoot),
  ]

  const declining = sources.slice(0, 3).find((source) => source.effect === 'declines')
  if (declining) {
    return decide(sources, declining.name, {
      ...base, decidedBy: declining.name as DecidedBy, explicit: true, model,
      reason: `${declining.name}=${JSON.stringify(declining.value)} disables kedro-telemetry before .telemetry is read`, willSend: false,
    })
  }

  const fileResult = sources[3]
  if (!optOut && !projectRoot) {
    return decide(sources, null, {
      ...base, decidedBy: 'default', model,
      reason: `kedro-telemetry ${telemetryVersion} sends nothing outside a Kedro project`, willSend: false,
    })
  }

  if (fileResult.effect === 'fails') {
    return decide(sources, '.telemetry', {
      ...base, decidedBy: 'telemetry-file', kedroWouldFail: true, model,
      reason: `kedro would fail reading .telemetry (${fileResult.note}); the kedro command stops before anything is sent`,
      willSend: false,
    })
  }

  if (fileResult.effect === 'accepts' || fileResult.effect === 'declines') {
    const accepts = fileResult.effect === 'accepts'
    return decide(sources, '.telemetry', {
      ...base, decidedBy: 'telemetry-file', explicit: true, model,
      reason: `.telemetry at the project root says consent: ${fileResult.value ?? String(accepts)} (${accepts ? 'yes' : 'no'})`,
      willSend: accepts,
    })
  }

  // A file this tool does not read may hold a decision: the default below is then only the likely outcome.
  const estimated = file?.estimated ? `.telemetry: ${file.estimated}` : null
  if (optOut) {
    return decide(sources, null, {
      ...base, decidedBy: 'default', estimated, implicit: true, model,
      reason: `no decision anywhere, so kedro-telemetry ${telemetryVersion} sends by default (opt-out model): implicit consent, nobody said yes`,
      willSend: true,
    })
  }

  return decide(sources, null, {
    ...base, decidedBy: 'prompt-pending', estimated, model, promptPending: true,
    reason: `kedro-telemetry ${telemetryVersion} (opt-in model) will ask before sending; nothing is sent yet. Without a terminal the question is aborted where standard input is closed (most CI): nothing is sent, and .telemetry is left empty (whatever it held), so the next run asks again; where input stays open with nobody to answer (some notebooks, schedulers), the run waits at the prompt`,
    willSend: false,
  })
}
