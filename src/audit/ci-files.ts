/**
 * Where a project runs kedro: CI configurations, the Makefile and the README, read as text. A kedro invocation is
 * `kedro ARGS` at the start of a shell command (after `- `, `run:`, `$ `, or a separator such as `&&`); an opt-out is
 * DO_NOT_TRACK or KEDRO_DISABLE_TELEMETRY given a non-empty value, or `opt-out --ci`.
 */
import path from 'node:path'

import {listDirectorySync, readTextSafeSync} from '../checkout/files.js'
import {appendAll} from '../collections.js'

export interface KedroInvocation {
  args: string[]
  file: string
  line: number
}

export interface CiFile {
  file: string
  invocations: KedroInvocation[]
  /** Lines that disable telemetry. */
  optOutLines: number[]
  system: string
}

const CI_FILES: [string, string][] = [
  ['.gitlab-ci.yml', 'GitLab CI'],
  ['Jenkinsfile', 'Jenkins'],
  ['azure-pipelines.yml', 'Azure Pipelines'],
  ['.circleci/config.yml', 'CircleCI'],
  ['bitbucket-pipelines.yml', 'Bitbucket Pipelines'],
]

const OPT_OUT = /\b(DO_NOT_TRACK|KEDRO_DISABLE_TELEMETRY)\b\s*[:=]\s*(?!["']?\s*["']?\s*$)\S|\bopt-out\b[^\n#]*--ci\b/

/** `kedro ARGS` invocations in one line of shell (or YAML holding shell). */
export function kedroInvocations(line: string): string[][] {
  const found: string[][] = []
  for (const segment of line.split(/&&|\|\||;|\|/)) {
    const command = segment.trim().replace(/^-\s+/, '').replace(/^run:\s*/, '').replace(/^\$\s+/, '').replace(/^[(`]/, '').replace(/^python3?\s+-m\s+/, '')
    const match = /^kedro(?:\s+(.*))?$/.exec(command.replace(/[`)]\s*$/, ''))
    if (!match) continue
    const args = (match[1] ?? '').replace(/\s+#.*$/, '').trim()
    found.push(args ? args.split(/\s+/).map((arg) => arg.replace(/^(["'])(.*)\1$/, '$2')) : [])
  }

  return found
}

function scan(file: string, system: string, within: string): CiFile | null {
  const read = readTextSafeSync(file, {within})
  if (!read.ok) return null
  const {text} = read
  const invocations: KedroInvocation[] = []
  const optOutLines: number[] = []
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (OPT_OUT.test(line)) optOutLines.push(index + 1)
    for (const args of kedroInvocations(line)) invocations.push({args, file, line: index + 1})
  }

  return {file, invocations, optOutLines, system}
}

/** CI configurations in `root` (and `extraRoot`, the git repository root, when different), each read inside its base. */
export async function readCiFiles(root: string, extraRoot: null | string = null): Promise<CiFile[]> {
  const files: CiFile[] = []
  for (const base of new Set([root, extraRoot ?? root])) {
    const workflows = path.join(base, '.github', 'workflows')
    const listing = listDirectorySync(workflows, base)
    for (const entry of (listing.ok ? listing.entries : []).filter((item) => /\.ya?ml$/.test(item.name))) {
      const scanned = scan(path.join(workflows, entry.name), 'GitHub Actions', base)
      if (scanned) files.push(scanned)
    }

    for (const [name, system] of CI_FILES) {
      const scanned = scan(path.join(base, name), system, base)
      if (scanned) files.push(scanned)
    }
  }

  return files
}

/** kedro commands in the project's Makefile and README, for the payload checks. */
export async function readDocumentedInvocations(root: string): Promise<KedroInvocation[]> {
  const found: KedroInvocation[] = []
  for (const name of ['Makefile', 'README.md']) {
    const scanned = scan(path.join(root, name), name, root)
    if (scanned) appendAll(found, scanned.invocations)
  }

  return found
}
