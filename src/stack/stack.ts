/**
 * The rest of the data stack: which tools that send usage data by default the project declares (its requirements
 * files and pyproject.toml) or has installed (its Python environment), and whether each would send from here, decided
 * by the switches its documentation gives (environment variables, then its configuration files, read as data).
 */
import os from 'node:os'
import path from 'node:path'

import {parse as parseToml} from 'smol-toml'

import {readTextSafeSync} from '../checkout/files.js'
import {normaliseDistributionName} from '../project/environment.js'
import {findRequirements} from '../project/requirements.js'
import {type ConfigFileSwitch, STACK_TOOLS, type StackTool} from './tools.js'

export interface StackFinding {
  /** `KEY=VALUE` lines that switch it off in a CI job (`telemetry opt-out --ci --stack`), or null when none can. */
  ciVariables: null | Record<string, string>
  /** What decided: a variable and its value, a file and its setting, CI, the version, or the tool's default. */
  decidedBy: string
  /** Where the project brings it in: `requirements.txt:3`, `pyproject.toml`, or the environment it is installed in. */
  declaredIn: string[]
  docs: string
  /** Why the answer is not certain, else null. */
  estimated: null | string
  id: string
  name: string
  sends: string
  /** It sends through kedro-telemetry, under its consent: kedro-telemetry's verdict covers it. */
  underKedroConsent: boolean
  /** How to switch it off, in words. */
  switchOff: string
  /** The version installed or pinned, when known. */
  version: null | string
  wouldSend: boolean
}

interface StackInputs {
  env: NodeJS.ProcessEnv
  /** Distributions installed in the project's environment (PEP 503 name -> version), and where that environment is. */
  installed: Record<string, string>
  installedWhere: null | string
  /** kedro-telemetry's verdict for this project (Kedro-Viz sends under it). */
  kedroWillSend: boolean
  projectRoot: string
  pyprojectDependencies: string[]
}

function switchOffText(tool: StackTool): string {
  const variables = Object.entries(tool.ciVariables ?? {}).map(([key, value]) => `${key}=${value}`)
  if (tool.followsKedroConsent) return '`telemetry opt-out` (the same consent as kedro-telemetry)'
  const files = tool.files.map((file) => `${file.keys.join('.')}: ${String(file.off)} in ${file.file}`)
  return [...variables, ...files, ...(tool.manualSwitch ? [tool.manualSwitch] : [])].join(', or ')
}

/**
 * The setting a configuration file gives, undefined when the file or the key is not there, or why a file that is there
 * cannot be read (the tool might read a switch in it).
 */
async function fileSetting(
  file: ConfigFileSwitch, projectRoot: string, env: NodeJS.ProcessEnv,
): Promise<{path: string; unread?: string; value?: unknown} | undefined> {
  let location: string
  if (file.file.startsWith('~/')) location = path.join(env.HOME || os.homedir(), file.file.slice(2))
  else if (file.file.startsWith('$DAGSTER_HOME/')) {
    if (!env.DAGSTER_HOME) return undefined
    location = path.join(env.DAGSTER_HOME, file.file.slice('$DAGSTER_HOME/'.length))
  } else location = path.join(projectRoot, file.file)
  // A file in the project is the checkout's data: it may not lead out of it.
  const within = location.startsWith(`${projectRoot}${path.sep}`) ? projectRoot : null
  const read = readTextSafeSync(location, {maxBytes: 256 * 1024, within})
  if (!read.ok) return read.kind === 'missing' ? undefined : {path: location, unread: read.reason}
  let data: unknown
  try {
    // YAML as the tools read it (PyYAML: `no` and `off` are false), bounded, and silent: nothing of the file reaches stderr.
    if (file.format === 'toml') {
      data = parseToml(read.text)
    } else {
      // The YAML reader loads only for a tool whose settings file is there.
      const loaded = (await import('../python/pyyaml.js')).safeLoad(read.text)
      if (!loaded.ok) throw new Error(loaded.error)
      data = loaded.value
    }
  } catch (error) {
    return {path: location, unread: `${path.basename(location)} could not be parsed here (${(error as Error).message.split('\n')[0]})`}
  }

  let value: unknown = data
  for (const key of file.keys) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  return value === undefined ? undefined : {path: location, value}
}

type Verdict = Pick<StackFinding, 'decidedBy' | 'estimated' | 'wouldSend'>
type Satisfies = (specifiers: string) => Promise<boolean | null>

/** The tool's environment switches: the first that turns it off decides; values it does not document are collected. */
async function switchVerdict(
  tool: StackTool, env: NodeJS.ProcessEnv, version: null | string, satisfies: Satisfies, unrecognised: string[],
): Promise<null | Verdict> {
  for (const option of tool.switches) {
    const value = env[option.variable]
    if (value === undefined || value === '') continue
    if (!option.anyValueIsOff && !option.off.includes(value.trim().toLowerCase())) {
      unrecognised.push(`${option.variable}=${value}: a value its documentation does not give for switching off`)
      continue
    }

    if (!option.appliesTo) return {decidedBy: `${option.variable}=${value}`, estimated: null, wouldSend: false}
    // A switch of some versions only: it decides when the version is known, and the answer is estimated when not.
    const applies = await satisfies(option.appliesTo)
    if (applies === null) {
      const why = `${option.variable} works in ${tool.name} ${option.appliesTo} only, and the version is not known${version ? ` ("${version}" is not a PEP 440 version)` : ''}`
      return {decidedBy: `${option.variable}=${value}`, estimated: why, wouldSend: false}
    }

    if (applies) return {decidedBy: `${option.variable}=${value}`, estimated: null, wouldSend: false}
    unrecognised.push(`${option.variable}=${value}: it works in ${tool.name} ${option.appliesTo} only, not ${version}`)
  }

  return null
}

/** The tool's settings files: one that turns it off decides; one that cannot be read is collected. */
async function fileVerdict(tool: StackTool, inputs: StackInputs, unread: string[]): Promise<null | Verdict> {
  for (const file of tool.files) {
    const setting = await fileSetting(file, inputs.projectRoot, inputs.env)
    if (setting?.unread) unread.push(`${setting.unread}: a switch in it is not known`)
    else if (setting && setting.value === file.off) return {decidedBy: `${file.keys.join('.')} = ${String(file.off)} in ${setting.path}`, estimated: null, wouldSend: false}
  }

  return null
}

async function evaluate(tool: StackTool, inputs: StackInputs, version: null | string): Promise<Verdict> {
  if (tool.followsKedroConsent) {
    return {decidedBy: 'kedro-telemetry\'s consent (see the verdict above)', estimated: null, wouldSend: inputs.kedroWillSend}
  }

  // The PEP 440 library loads only for a tool whose version matters; a version it cannot read counts as unknown.
  const satisfies: Satisfies = async (specifiers) => (version ? (await import('../python/specifiers.js')).versionSatisfies(version, specifiers) : null)
  const sendsHere = tool.sendsFrom ? await satisfies(tool.sendsFrom) : true
  if (sendsHere === false) return {decidedBy: `version ${version}: only ${tool.sendsFrom} sends`, estimated: null, wouldSend: false}
  const unreadable = version && sendsHere === null ? `its version "${version}" is not a PEP 440 version` : null
  const unrecognised: string[] = []
  const bySwitch = await switchVerdict(tool, inputs.env, version, satisfies, unrecognised)
  if (bySwitch) return bySwitch
  const ci = tool.ciDetection?.find((variable) => inputs.env[variable])
  if (ci) return {decidedBy: `a CI run (${ci} is set): ${tool.name} sends nothing in CI`, estimated: null, wouldSend: false}
  const unread: string[] = []
  const byFile = await fileVerdict(tool, inputs, unread)
  if (byFile) return byFile
  const doubts = [...unreadable ? [`${unreadable}, and only ${tool.sendsFrom} sends`] : [], ...unrecognised, ...unread]
  const versionNote = tool.sendsFrom && !version ? `the version is not known, and only ${tool.sendsFrom} sends` : null
  return {decidedBy: 'its default (on)', estimated: doubts.length > 0 ? doubts.join('; ') : versionNote, wouldSend: true}
}

/** A stack tool the project brings in: where, and its version when known. */
interface PresentTool {
  declaredIn: string[]
  tool: StackTool
  version: null | string
}

/** The stack tools the project declares (requirements files, pyproject.toml) or has installed (`installed`). */
export async function findStackTools(
  projectRoot: string, pyprojectDependencies: string[], installed: Record<string, string>, installedWhere: null | string,
): Promise<PresentTool[]> {
  const declared = await findRequirements(projectRoot, pyprojectDependencies, STACK_TOOLS.flatMap((tool) => tool.packages))
  const present: PresentTool[] = []
  for (const tool of STACK_TOOLS) {
    const packages = tool.packages.map((name) => normaliseDistributionName(name))
    const declaredIn = packages.flatMap((name) => (declared.get(name) ?? []).map((requirement) => `${requirement.origin} (${name}${requirement.specifier})`))
    for (const name of packages.filter((item) => installed[item])) declaredIn.push(`installed in ${installedWhere ?? 'the environment'} (${name} ${installed[name]})`)
    if (declaredIn.length === 0) continue
    // The tool's own version: an adapter's or a library's that only brings it in is not.
    const versioned = (tool.versionOf ?? tool.packages).map((name) => normaliseDistributionName(name))
    const pinned = versioned.flatMap((name) => declared.get(name) ?? []).find((requirement) => requirement.pinned)?.pinned ?? null
    present.push({declaredIn, tool, version: versioned.map((name) => installed[name]).find(Boolean) ?? pinned})
  }

  return present
}

/** The stack tools the project declares or has installed, each with whether it would send from here. */
export async function inspectStack(inputs: StackInputs): Promise<StackFinding[]> {
  const present = await findStackTools(inputs.projectRoot, inputs.pyprojectDependencies, inputs.installed, inputs.installedWhere)
  return Promise.all(present.map(async ({declaredIn, tool, version}) => ({
    ciVariables: tool.ciVariables, declaredIn, docs: tool.docs, id: tool.id, name: tool.name, sends: tool.sends, switchOff: switchOffText(tool),
    underKedroConsent: Boolean(tool.followsKedroConsent), version,
    ...await evaluate(tool, inputs, version),
  })))
}

/** The variables that switch these tools off in a CI job (those with an environment switch), for `opt-out --ci --stack`. */
export function stackCiVariables(tools: Pick<StackTool, 'ciVariables'>[]): Record<string, string> {
  return Object.assign({}, ...tools.map((tool) => tool.ciVariables ?? {})) as Record<string, string>
}

/** The tools that would send on their own account: those under kedro-telemetry's consent are its verdict's. */
export function independentlySending(findings: StackFinding[]): StackFinding[] {
  return findings.filter((finding) => finding.wouldSend && !finding.underKedroConsent)
}
