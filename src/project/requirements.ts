/** Exact version pins (`==`, `===`) of named distributions in requirements files and pyproject dependencies. */
import path from 'node:path'

import {listDirectorySync, readTextSafeSync} from '../checkout/files.js'
import {normaliseDistributionName} from './environment.js'

export interface Requirement {
  /** `path:line` or `pyproject.toml` where the requirement was written. */
  origin: string
  /** The exact version when the only specifier is `==X` or `===X` without a wildcard, else null. */
  pinned: null | string
  specifier: string
}

const REQUIREMENT = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;#]*?)\s*(?:;.*)?$/

export function parseRequirement(line: string): null | {name: string; pinned: null | string; specifier: string} {
  const text = line.replace(/\s+#.*$/, '').trim()
  if (!text || text.startsWith('#') || text.startsWith('-')) return null
  const match = REQUIREMENT.exec(text)
  if (!match) return null
  const specifier = match[2].replaceAll(/\s+/g, '')
  const pin = /^={2,3}([^,=*<>!~]+)$/.exec(specifier)
  return {name: normaliseDistributionName(match[1]), pinned: pin ? pin[1] : null, specifier}
}

function requirementFiles(projectRoot: string): string[] {
  const files: string[] = []
  // Kedro 0.19+ templates keep requirements at the root; 0.18 templates under src/.
  for (const directory of [projectRoot, path.join(projectRoot, 'src')]) {
    const listing = listDirectorySync(directory, projectRoot)
    const names = listing.ok ? listing.entries.filter((entry) => entry.kind === 'file').map((entry) => entry.name) : []
    files.push(...names.filter((name) => /^requirements.*\.txt$/.test(name)).map((name) => path.join(directory, name)))
  }

  return files
}

/** Calls `visit` with each requirement line of the project, in file order (requirements files, then pyproject). */
function eachRequirementLine(projectRoot: string, pyprojectDependencies: string[], visit: (origin: string, line: string) => void): void {
  for (const file of requirementFiles(projectRoot)) {
    const read = readTextSafeSync(file, {within: projectRoot})
    if (!read.ok) continue
    for (const [index, line] of read.text.split(/\r?\n/).entries()) visit(`${path.relative(projectRoot, file)}:${index + 1}`, line)
  }

  for (const dependency of pyprojectDependencies) visit('pyproject.toml', dependency)
}

/** Every requirement naming `names`, keyed by normalised name, in file order (requirements files, then pyproject). */
export async function findRequirements(
  projectRoot: string,
  pyprojectDependencies: string[],
  names: string[],
): Promise<Map<string, Requirement[]>> {
  const wanted = new Set(names.map((name) => normaliseDistributionName(name)))
  const found = new Map<string, Requirement[]>()
  eachRequirementLine(projectRoot, pyprojectDependencies, (origin, line) => {
    const requirement = parseRequirement(line)
    if (!requirement || !wanted.has(requirement.name)) return
    const list = found.get(requirement.name) ?? []
    list.push({origin, pinned: requirement.pinned, specifier: requirement.specifier})
    found.set(requirement.name, list)
  })
  return found
}

/** The distributions the project requires (normalised names) with where each is first asked for. */
export function requiredDistributions(projectRoot: string, pyprojectDependencies: string[]): Map<string, string> {
  const required = new Map<string, string>()
  eachRequirementLine(projectRoot, pyprojectDependencies, (origin, line) => {
    const name = parseRequirement(line)?.name
    if (name && !required.has(name)) required.set(name, origin)
  })
  return required
}
