/**
 * The oracle: small Kedro projects and the requests the real kedro + kedro-telemetry sent for them (see
 * test/fixtures/oracle/README.md). Each case is previewed in a fresh copy of its project, with the environment the
 * recording had, and compared with what was really sent.
 */
import {cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {PythonProbe} from '../../src/request/python-probe.js'
import {buildTelemetryRequests, type PreviewResult} from '../../src/request/request.js'
import {REPO_ROOT, tempDir} from './sandbox.js'

export const ORACLE = path.join(REPO_ROOT, 'test', 'fixtures', 'oracle')
/** A stand-in for the recording's site-packages: kedro-datasets' layout and what its modules import (see its README). */
export const ORACLE_SITE_PACKAGES = path.join(REPO_ROOT, 'test', 'fixtures', 'oracle-environment', 'site-packages')
/** sys.version of the interpreter that recorded the oracle (test/fixtures/oracle/README.md). */
export const ORACLE_PYTHON = '3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]'

export interface OracleCase {
  args: string[]
  datasetTypeCountOrderVaries: boolean
  env: Record<string, string>
  file: string
  kedroDatasetsVersion: string
  kedroVersion: string
  project: string
  projectIdAppended: null | string
  requests: {bodyText: string; headers: Record<string, string>; method: string; url: string; wireHeaders?: Record<string, string>}[]
  runtime: string
  telemetryFile: null | string
  telemetryVersion: string
  userUuid: string
}

export function oracleCases(): OracleCase[] {
  const cases: OracleCase[] = []
  for (const runtime of readdirSync(path.join(ORACLE, 'expected')).sort()) {
    for (const name of readdirSync(path.join(ORACLE, 'expected', runtime)).sort()) {
      const data = JSON.parse(readFileSync(path.join(ORACLE, 'expected', runtime, name), 'utf8')) as Omit<OracleCase, 'file'>
      cases.push({...data, file: `${runtime}/${name}`})
    }
  }

  return cases
}

/** A body as compared: the timestamp and the interpreter's version blanked; unordered keys sorted when they vary. */
export function comparable(bodyText: string, options: {ignoreProjectId: boolean; sortTypeCounts: boolean}): unknown {
  const body = JSON.parse(bodyText) as {properties: Record<string, unknown>; timestamp?: string}
  body.timestamp = '…'
  body.properties.python_version = '…'
  if (options.ignoreProjectId) body.properties.project_id = '…'
  if (options.sortTypeCounts) {
    const entries = Object.entries(body.properties)
    const counts = entries.filter(([key]) => key.startsWith('dataset_type_count.')).sort(([a], [b]) => (a < b ? -1 : 1))
    let next = 0
    body.properties = Object.fromEntries(entries.map((entry) => (entry[0].startsWith('dataset_type_count.') ? counts[next++] : entry)))
  }

  return body
}

/**
 * The preview of one recorded case in a fresh copy of its project. With `environment`, the interpreter reports the
 * recording's distributions and site-packages; without, it reports none, as when no environment can be read.
 */
export async function previewCase(oracleCase: OracleCase, {environment}: {environment: boolean}): Promise<PreviewResult> {
  const project = path.join(tempDir('kc-oracle-'), oracleCase.project)
  cpSync(path.join(ORACLE, 'projects', oracleCase.project), project, {recursive: true})
  if (oracleCase.telemetryFile !== null) writeFileSync(path.join(project, '.telemetry'), oracleCase.telemetryFile)
  const home = tempDir('kc-oracle-home-')
  mkdirSync(path.join(home, '.config', 'kedro'), {recursive: true})
  writeFileSync(path.join(home, '.config', 'kedro', 'telemetry.toml'), `[telemetry]\nuuid = "${oracleCase.userUuid}"\n`)
  const env = {HOME: home, LANG: 'C.UTF-8', PATH: process.env.PATH, XDG_CONFIG_HOME: path.join(home, '.config'), ...oracleCase.env}
  // The recording's interpreter and environment, as a probe would report them: which syntax compiles depends on its
  // version, and which dataset classes import on what its site-packages hold.
  const installed: Pick<NonNullable<PythonProbe['facts']>, 'distributions' | 'kedro' | 'kedroTelemetry' | 'sitePackages'> = environment ? {
    distributions: {kedro: oracleCase.kedroVersion, 'kedro-datasets': oracleCase.kedroDatasetsVersion, 'kedro-telemetry': oracleCase.telemetryVersion},
    kedro: oracleCase.kedroVersion, kedroTelemetry: oracleCase.telemetryVersion, sitePackages: [ORACLE_SITE_PACKAGES],
  } : {distributions: {}, kedro: null, kedroTelemetry: null, sitePackages: []}
  const python = Promise.resolve({facts: {...installed, distributionsComplete: true, executable: '/usr/bin/python3', platform: 'linux', version: ORACLE_PYTHON}, missing: null})
  return buildTelemetryRequests({
    args: oracleCase.args, env, kedroVersion: oracleCase.kedroVersion, platform: 'linux', project, python,
    telemetryVersion: oracleCase.telemetryVersion,
  })
}

/** What differs between the preview and the recording, as short lines; empty when they agree. */
export function differences(oracleCase: OracleCase, preview: PreviewResult): string[] {
  const options = {ignoreProjectId: oracleCase.projectIdAppended !== null, sortTypeCounts: oracleCase.datasetTypeCountOrderVaries}
  const sent = preview.wouldSend ? preview.requests : []
  const expected = oracleCase.requests.map((request) => comparable(request.bodyText, options))
  const actual = sent.map((request) => comparable(request.bodyText, options))
  if (expected.length !== actual.length) {
    const events = (bodies: unknown[]) => bodies.map((body) => (body as {event: string}).event).join(', ') || 'nothing'
    return [`sent ${events(expected)}; preview: ${events(actual)}`]
  }

  const lines: string[] = []
  for (const [index, body] of expected.entries()) {
    const want = body as {properties: Record<string, unknown>} & Record<string, unknown>
    const got = actual[index] as {properties: Record<string, unknown>} & Record<string, unknown>
    for (const key of ['app_id', 'event', 'identity']) if (JSON.stringify(want[key]) !== JSON.stringify(got[key])) lines.push(`${key}: ${JSON.stringify(want[key])} vs ${JSON.stringify(got[key])}`)
    const keys = [...new Set([...Object.keys(want.properties), ...Object.keys(got.properties)])]
    for (const key of keys) {
      if (JSON.stringify(want.properties[key]) !== JSON.stringify(got.properties[key])) lines.push(`${key}: ${JSON.stringify(want.properties[key])} vs ${JSON.stringify(got.properties[key])}`)
    }

    if (lines.length === 0 && JSON.stringify(Object.keys(want.properties)) !== JSON.stringify(Object.keys(got.properties))) lines.push('property order differs')
    const recorded = oracleCase.requests[index]
    const previewed = sent[index]
    for (const key of ['url', 'method'] as const) if (recorded[key] !== previewed[key]) lines.push(`${key}: ${recorded[key]} vs ${previewed[key]}`)
    if (JSON.stringify(recorded.headers) !== JSON.stringify(previewed.headers)) lines.push(`headers: ${JSON.stringify(recorded.headers)} vs ${JSON.stringify(previewed.headers)}`)
    // On the wire: the same headers in the same order, and the body's byte length. (User-Agent and Accept-Encoding
    // depend on the recording's requests and urllib3, which the fixtures do not install.)
    const wire = recorded.wireHeaders ?? {}
    if (JSON.stringify(Object.keys(wire)) !== JSON.stringify(Object.keys(previewed.wireHeaders))) lines.push(`wire header names: ${Object.keys(wire).join(', ')} vs ${Object.keys(previewed.wireHeaders).join(', ')}`)
    for (const name of ['Accept', 'Connection', 'Content-Type', 'Content-Length']) {
      if (wire[name] !== previewed.wireHeaders[name]) lines.push(`wire ${name}: ${wire[name]} vs ${previewed.wireHeaders[name]}`)
    }
  }

  return lines
}

/**
 * The differences the preview does not mark estimated: where it sends other events, the event must be; where a
 * property differs, that property (or, for one the preview leaves out, the event) must be.
 */
export function unmarked(oracleCase: OracleCase, preview: PreviewResult): string[] {
  const options = {ignoreProjectId: oracleCase.projectIdAppended !== null, sortTypeCounts: oracleCase.datasetTypeCountOrderVaries}
  const sent = preview.wouldSend ? preview.requests : []
  const estimated = new Set(preview.estimated)
  const expected = oracleCase.requests.map((request) => comparable(request.bodyText, options) as {event: string; properties: Record<string, unknown>})
  const actual = sent.map((request) => comparable(request.bodyText, options) as {event: string; properties: Record<string, unknown>})
  const sameEvents = expected.length === actual.length && expected.every((body, index) => body.event === actual[index].event)
  if (!sameEvents) return estimated.has('event') ? [] : [`the events (${actual.map((body) => body.event).join(', ') || 'nothing'}) are presented as exact`]
  const lines: string[] = []
  for (const [index, want] of expected.entries()) {
    const got = actual[index]
    for (const key of new Set([...Object.keys(want.properties), ...Object.keys(got.properties)])) {
      if (JSON.stringify(want.properties[key]) === JSON.stringify(got.properties[key])) continue
      if (!estimated.has(`properties.${key}`) && !estimated.has('event')) lines.push(`properties.${key} is presented as exact`)
    }
  }

  return lines
}
