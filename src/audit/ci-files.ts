/**
 * Where a project runs kedro: CI configurations, the Makefile and the README, read as text. A kedro invocation is
 * `kedro ARGS` at the start of a shell command (after `- `, `run:`, `$ `, or a separator such as `&&`); an opt-out is
 * DO_NOT_TRACK or KEDRO_DISABLE_TELEMETRY given a non-empty value, or `opt-out --ci`.
 */
import path from 'node:path'

import {listDirectorySync, readTextSafeSync} from '../checkout/files.js'
import {appendAll} from '../collections.js'

interface KedroInvocation {
  args: string[]
  /** Where the step runs, relative to the folder the file was found in (`cd DIR &&`, `working-directory: DIR`). */
  directory: null | string
  file: string
  line: number
}

export interface CiFile {
  /** The folder the file was found in: the project, or the repository root. */
  base: string
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
  return kedroInvocationsIn(line).map((invocation) => invocation.args)
}

/** Each `kedro ARGS` of a line with the directory a `cd DIR` before it in the same line moves to. */
function kedroInvocationsIn(line: string): {args: string[]; directory: null | string}[] {
  const found: {args: string[]; directory: null | string}[] = []
  let directory: null | string = null
  for (const segment of line.split(/&&|\|\||;|\|/)) {
    const cd = /^(?:-\s+)?(?:run:\s*)?(?:\$\s+)?cd\s+(["']?)([^"'\s]+)\1\s*$/.exec(segment.trim())
    if (cd) {
      directory = directory && !path.isAbsolute(cd[2]) ? path.join(directory, cd[2]) : cd[2]
      continue
    }

    const command = segment.trim().replace(/^-\s+/, '').replace(/^run:\s*/, '').replace(/^\$\s+/, '').replace(/^[(`]/, '').replace(/^python3?\s+-m\s+/, '')
    const match = /^kedro(?:\s+(.*))?$/.exec(command.replace(/[`)]\s*$/, ''))
    if (!match) continue
    const args = (match[1] ?? '').replace(/\s+#.*$/, '').trim()
    found.push({args: args ? args.split(/\s+/).map((arg) => arg.replace(/^(["'])(.*)\1$/, '$2')) : [], directory})
  }

  return found
}

/** The `working-directory:` of the YAML step a line belongs to (GitHub Actions): any key of that list item. */
function workingDirectory(lines: string[], index: number): null | string {
  const indent = (text: string) => /^\s*/.exec(text)![0].length
  let start = index
  while (start >= 0 && !(/^\s*-\s/.test(lines[start]) && indent(lines[start]) <= indent(lines[index]))) start--
  if (start < 0) return null
  const stepIndent = indent(lines[start])
  for (let at = start; at < lines.length && (at === start || lines[at].trim() === '' || indent(lines[at]) > stepIndent); at++) {
    const match = /^\s*(?:-\s+)?working-directory:\s*(["']?)([^"'#\s]+)\1/.exec(lines[at])
    if (match) return match[2]
  }

  return null
}

function scan(file: string, system: string, within: string): CiFile | null {
  const read = readTextSafeSync(file, {within})
  if (!read.ok) return null
  const lines = read.text.split(/\r?\n/)
  const invocations: KedroInvocation[] = []
  const optOutLines: number[] = []
  const markdown = file.endsWith('.md')
  for (const [index, line] of lines.entries()) {
    if (OPT_OUT.test(line)) optOutLines.push(index + 1)
    // In Markdown, a command may also stand in inline code: `kedro run --pipelines ds`.
    const shell = markdown ? [line, ...[...line.matchAll(/`(kedro\b[^`]*)`/g)].map((match) => match[1])] : [line]
    for (const text of shell) {
      for (const invocation of kedroInvocationsIn(text)) {
        invocations.push({args: invocation.args, directory: invocation.directory ?? (system === 'GitHub Actions' ? workingDirectory(lines, index) : null), file, line: index + 1})
      }
    }
  }

  return {base: within, file, invocations, optOutLines, system}
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
