/**
 * The audit report as Markdown, JUnit XML and SARIF 2.1.0: pure functions of the report. Text from the checkout in
 * it is escaped for each format (render/escape.ts).
 */
import {createHash} from 'node:crypto'
import path from 'node:path'

import type {AuditReport, ProjectAudit} from '../audit/audit.js'
import {CHECKS, type CheckResult, type Evidence} from '../audit/checks/index.js'
import {policiesLine, summaryLine} from '../audit/summary.js'
import {entryKindSync} from '../checkout/files.js'
import {markdownInline, markdownText, printable, uriPath, xmlText} from './escape.js'

const ICON: Record<CheckResult['status'], string> = {fail: '❌ fail', pass: '✅ pass', skip: '⏭️ skip', warn: '⚠️ warn'}

function where(evidence: Evidence, base: string): string {
  if (!evidence.file) return ''
  return `${path.relative(base, evidence.file) || path.basename(evidence.file)}${evidence.line ? `:${evidence.line}` : ''}`
}

export function toMarkdown(report: AuditReport, base: string): string {
  const lines = ['# Kedro telemetry audit', '', `**${report.exitCode === 0 ? 'Passed' : 'Failed'}**: ${summaryLine(report)}`, '']
  const policies = policiesLine(report, base)
  if (policies) lines.push(markdownText(policies), '')
  for (const project of report.projects) {
    lines.push(`## ${markdownText(path.relative(base, project.root) || '.')}`, '')
    if (project.error) {
      lines.push(`Could not be audited: ${markdownText(project.error)}`, '')
      continue
    }

    lines.push('| Check | Status | Finding | Remedy |', '|---|---|---|---|')
    for (const check of project.checks) {
      // Only the <br> between evidence lines is markup of ours; every text is escaped.
      const evidence = check.evidence.slice(0, 3).map((item) => `${where(item, base) ? `${markdownInline(`\`${where(item, base)}\``)} ` : ''}${markdownText(item.message)}`)
      const finding = [markdownText(check.summary), ...evidence].join('<br>')
      lines.push(`| ${check.id} ${check.name} | ${ICON[check.status]} | ${finding} | ${markdownInline(check.remedy ?? '')} |`)
    }

    lines.push('')
  }

  return lines.join('\n')
}

function suiteOf(project: ProjectAudit, base: string, strict: boolean): string {
  const name = xmlText(path.relative(base, project.root) || '.')
  if (project.error) {
    return `  <testsuite name="${name}" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="${name}" name="audit"><error message="${xmlText(project.error)}"/></testcase>\n  </testsuite>`
  }

  const cases = project.checks.map((check) => {
    const details = [check.summary, ...check.evidence.map((item) => `${where(item, base) ? `${where(item, base)}: ` : ''}${item.message}`), check.remedy ? `Remedy: ${check.remedy}` : ''].filter(Boolean).join('\n')
    const open = `    <testcase classname="${name}" name="${xmlText(`${check.id} ${check.name}`)}">`
    if (check.status === 'fail' || (check.status === 'warn' && strict)) return `${open}<failure message="${xmlText(check.summary)}">${xmlText(details)}</failure></testcase>`
    if (check.status === 'warn' || check.status === 'skip') return `${open}<skipped message="${xmlText(`${check.status}: ${check.summary}`)}"/></testcase>`
    return `${open}</testcase>`
  })
  const failures = project.checks.filter((check) => check.status === 'fail').length
  const skipped = project.checks.filter((check) => check.status === 'skip' || check.status === 'warn').length
  const properties = project.policy ? `    <properties><property name="team-policy" value="${xmlText(path.relative(base, project.policy) || project.policy)}"/></properties>\n` : ''
  return `  <testsuite name="${name}" tests="${project.checks.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${properties}${cases.join('\n')}\n  </testsuite>`
}

/** JUnit XML: one testsuite per project, one testcase per check; a warning is <skipped> unless --strict. */
export function toJunit(report: AuditReport, base: string): string {
  const suites = report.projects.map((project) => suiteOf(project, base, report.strict))
  const count = (status: string) => report.projects.reduce((sum, project) => sum + project.checks.filter((check) => check.status === status).length, 0)
  const tests = report.projects.reduce((sum, project) => sum + (project.error ? 1 : project.checks.length), 0)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="telemetry audit" tests="${tests}" failures="${count('fail')}" errors="${report.summary.errors}" skipped="${count('skip') + count('warn')}">\n${suites.join('\n')}\n</testsuites>\n`
}

function artifact(file: string, base: string): {uri: string; uriBaseId?: string} {
  const relative = path.relative(base, file)
  return relative.startsWith('..') || path.isAbsolute(relative)
    ? {uri: `file://${uriPath(path.resolve(file).split(path.sep).join('/'))}`}
    : {uri: uriPath(relative.split(path.sep).join('/')), uriBaseId: '%SRCROOT%'}
}

/** `text` as a sentence: a capital first letter and a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim()
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? '' : '.'}`
}

/**
 * Where a finding is shown in a code review (GitHub code scanning, GitLab Code Quality): a file of the checkout that
 * exists (the evidence's, else the project's pyproject.toml), and a line (1 for a finding about a whole file).
 */
function findingLocation(project: ProjectAudit, check: CheckResult, base: string): {file: string; line: number} {
  // A file inside the checkout, as code review shows only those; a missing .telemetry or a folder has no line.
  const shown = check.evidence.find((item) => item.file && !path.relative(base, item.file).startsWith('..') && entryKindSync(item.file, null) === 'file')
  return shown?.file ? {file: shown.file, line: shown.line ?? 1} : {file: path.join(project.root, 'pyproject.toml'), line: 1}
}

/** One finding's identity across runs: the project (relative to the checkout) and the check. */
function projectCheckKey(project: ProjectAudit, check: CheckResult, base: string): string {
  return `${path.relative(base, project.root) || '.'}:${check.id}`
}

/** What a result says, stated once: the finding (and what to do), that the check holds, or why it does not apply. */
function findingMessage(check: CheckResult): string {
  if (check.status === 'pass') return `${sentence(check.title)} ${sentence(check.summary)}`
  if (check.status === 'skip') return `Not applicable: ${sentence(check.summary)}`
  return `${sentence(check.summary)}${check.remedy ? ` ${sentence(check.remedy)}` : ''}`
}

/** The parts of a SARIF 2.1.0 log that `toSarif` writes. */
export interface SarifLog {
  $schema: string
  runs: SarifRun[]
  version: '2.1.0'
}

export interface SarifRun {
  originalUriBaseIds: Record<string, {uri: string}>
  /** The team policies applied (relative to the checkout when inside it). */
  properties?: {policies: string[]}
  results: SarifResult[]
  tool: {driver: {name: string; rules: SarifRule[]; semanticVersion: string; version: string}}
}

/** A check, as a rule. */
export interface SarifRule {
  defaultConfiguration: {level: 'error' | 'warning'}
  fullDescription: {text: string}
  help: {markdown: string; text: string}
  id: string
  name: string
  properties: {tags: string[]}
  shortDescription: {text: string}
}

/** One check's outcome for one project. */
export interface SarifResult {
  kind: 'fail' | 'notApplicable' | 'pass'
  level?: 'error' | 'warning'
  locations: {physicalLocation: {artifactLocation: {uri: string; uriBaseId?: string}; region: {startLine: number}}}[]
  message: {text: string}
  partialFingerprints: {projectCheck: string}
  ruleId: string
  ruleIndex: number
}

/**
 * SARIF 2.1.0: the checks as rules, one result per check per project. `kind` is pass, fail (warnings too), or
 * notApplicable (skipped); `level` only on failures, as the specification requires. For GitHub code scanning every
 * result has a location in the checkout with a start line (the evidence's file and line, else the project's
 * pyproject.toml, line 1), and every rule a short and full description and help text.
 */
export function toSarif(report: AuditReport, base: string, toolVersion: string): SarifLog {
  const rules = CHECKS.map((check): SarifRule => ({
    defaultConfiguration: {level: check.severity === 'fail' ? 'error' : 'warning'},
    fullDescription: {text: check.description},
    help: {markdown: check.help, text: check.help},
    id: check.id,
    name: check.name,
    properties: {tags: ['privacy', 'telemetry', 'kedro']},
    shortDescription: {text: check.title},
  }))
  const results = report.projects.flatMap((project) => project.checks.map((check): SarifResult => {
    const located = findingLocation(project, check, base)
    const kind = check.status === 'pass' ? 'pass' : (check.status === 'skip' ? 'notApplicable' : 'fail')
    return {
      kind,
      ...(kind === 'fail' ? {level: check.status === 'fail' ? 'error' : 'warning'} : {}),
      locations: [{physicalLocation: {artifactLocation: artifact(located.file, base), region: {startLine: located.line}}}],
      message: {text: printable(findingMessage(check))},
      partialFingerprints: {projectCheck: projectCheckKey(project, check, base)},
      ruleId: check.id,
      ruleIndex: CHECKS.findIndex((item) => item.id === check.id),
    }
  }))
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      originalUriBaseIds: {'%SRCROOT%': {uri: `file://${uriPath(path.resolve(base).split(path.sep).join('/'))}/`}},
      ...(report.policies.length > 0 ? {properties: {policies: report.policies.map((file) => artifact(file, base).uri)}} : {}),
      results,
      tool: {driver: {name: 'telemetry audit', rules, semanticVersion: toolVersion, version: toolVersion}},
    }],
    version: '2.1.0',
  }
}

/** A GitLab Code Quality issue: the subset of the Code Climate spec GitLab reads. */
export interface CodeQualityIssue {
  check_name: string
  description: string
  fingerprint: string
  location: {lines: {begin: number}; path: string}
  severity: 'blocker' | 'critical' | 'info' | 'major' | 'minor'
}

/**
 * GitLab Code Quality (artifacts:reports:codequality): one issue per check that fails or warns, on the line of the
 * checkout it is about; a failure is "major", a warning "minor" (--strict made warnings failures already). The
 * fingerprint is the project and the check, so an issue keeps its identity from one pipeline to the next.
 */
export function toCodeQuality(report: AuditReport, base: string): CodeQualityIssue[] {
  return report.projects.flatMap((project) => project.checks.filter((check) => check.status === 'fail' || check.status === 'warn').map((check) => {
    const located = findingLocation(project, check, base)
    return {
      check_name: `${check.id} ${check.name}`,
      description: printable(`${path.relative(base, project.root) || '.'}: ${findingMessage(check)}`),
      fingerprint: createHash('sha256').update(projectCheckKey(project, check, base)).digest('hex').slice(0, 32),
      location: {lines: {begin: located.line}, path: path.relative(base, located.file).split(path.sep).join('/')},
      severity: check.status === 'fail' ? 'major' : 'minor',
    }
  }))
}
