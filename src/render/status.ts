/** The human-readable `telemetry status` report. */
import {plainReason} from './plain-reason.js'
import type {SourceEffect} from '../consent/rules.js'
import type {PolicyEvaluation} from '../policy/policy.js'
import {independentlySending} from '../stack/stack.js'
import type {VersionSource} from '../project/versions.js'
import type {StatusReport} from '../status/status.js'
import {displayPath, homePath} from './paths.js'
import {renderTable, type Style} from './style.js'

function yesNo(value: boolean | null, unknown = 'unknown'): string {
  if (value === null) return unknown
  return value ? 'yes' : 'no'
}

function headline(report: StatusReport, style: Style): string {
  const {chalk} = style
  const {consent} = report
  if (consent.kedroWouldFail) return chalk.red.bold('KEDRO WOULD FAIL reading .telemetry: nothing is sent, but kedro commands break')
  if (consent.promptPending) return chalk.yellow.bold('WILL ASK before sending usage data: nothing is sent yet')
  if (!consent.willSend) return chalk.green.bold('WILL NOT SEND usage data')
  if (consent.implicit) return chalk.red.bold('WILL SEND usage data, although nobody said yes')
  return chalk.yellow.bold('WILL SEND usage data: explicit consent')
}

function effectText(effect: SourceEffect, style: Style): string {
  const {chalk} = style
  switch (effect) {
    case 'accepts': { return chalk.yellow('accepts') }
    case 'declines': { return chalk.green('declines') }
    case 'fails': { return chalk.red('kedro fails') }
    case 'no-decision': { return 'no decision' }
    case 'not-read': { return chalk.dim('not read') }
  }
}

const SOURCE_LABEL: Record<VersionSource, string> = {
  assumed: 'estimated', installed: 'installed', 'not-installed': 'not installed', pinned: 'pinned',
}

function versionText(version: null | string, source: VersionSource, detail: string): string {
  return `${version ?? 'none'} (${SOURCE_LABEL[source]}: ${detail})`
}

/** A table cell would cut a long hash with an ellipsis: split it into whole lines of 64 instead. */
function unbreakable(text: string, style: Style): string {
  return style.tables ? (text.match(/.{1,64}/g) ?? [text]).join('\n') : text
}

function section(title: string, body: string, style: Style): string {
  return `${style.chalk.bold(title)}\n${body}`
}

/** .telemetry in one line: what it says, and whether git ignores, tracks or ever held it. */
function fileLine({file, git, project}: StatusReport, style: Style): string {
  const {chalk} = style
  if (!project.isKedroProject) return 'Not in a Kedro project: only environment variables count here'
  const telemetryFile = file.exists ? (file.valid ? `consent: ${file.rawConsent}` : (file.problem ?? 'no decision')) : 'none'
  const ignored = git.repository ? (git.ignored ? 'gitignored' : chalk.red('not gitignored')) : 'not in git'
  const committed = git.tracked ? chalk.red(', tracked') : (git.everCommitted ? chalk.red(', committed in history') : '')
  return `.telemetry: ${telemetryFile} (${ignored}${committed})`
}

/** The versions and the identifiers, a line each. */
function versionAndIdentifierLines({identity, project}: StatusReport): string[] {
  const version = (value: null | string, source: VersionSource) => `${value ?? 'none'} (${SOURCE_LABEL[source]})`
  const userId = identity.userId ? 'user id set' : 'user id none yet (made on first send)'
  let projectId = 'no project id'
  if (identity.projectId !== null) projectId = identity.projectIdCommitted ? 'project id committed (its hash can be recomputed)' : 'project id in pyproject.toml'
  return [
    `Versions: Kedro ${version(project.kedroVersion, project.kedroVersionSource)}, kedro-telemetry ${version(project.telemetryVersion, project.telemetryVersionSource)}`,
    `Identifiers: ${userId}; ${projectId}`,
  ]
}

/** The machine-wide opt-out, the other tools sending, and CI: what else bears on the verdict. */
function surroundingLines(report: StatusReport, style: Style): string[] {
  const {ci} = report
  const machine = machineWide(report)
  const sending = independentlySending(report.stack)
  const inCi = ci.kedroDetects || ci.wideDetects
  return [
    ...(machine ? [`Machine-wide opt-out: ${machine}`] : []),
    ...(sending.length > 0 ? [`${style.chalk.yellow('Also sending')}: ${sending.map((tool) => tool.name).join(', ')} (how to stop each: --verbose)`] : []),
    `CI: ${inCi ? `yes${ci.wideVendor ? ` (${ci.wideVendor})` : ''}; being in CI never stops sending` : 'no'}`,
  ]
}

/**
 * The short report: the verdict, the deciding rule, the facts an owner acts on, and the one next action, a line
 * each (about a dozen on a project). `--verbose` shows the full trace (renderStatus).
 */
export function renderStatusSummary(report: StatusReport, style: Style): string {
  const {chalk} = style
  const {consent} = report
  return [
    `${chalk.bold('Kedro telemetry')} in ${displayPath(report.path)}`, headline(report, style), `Why: ${plainReason(report.consent)}`,
    ...(consent.estimated ? [`${chalk.yellow('Estimated')}: ${consent.estimated}`] : []),
    ...(report.policy ? [policyLine(report.policy, style)] : []),
    ...ignoredPolicyLines(report, style),
    fileLine(report, style), ...versionAndIdentifierLines(report), ...surroundingLines(report, style),
    ...report.warnings.map((warning) => chalk.yellow(`Warning: ${warning}`)),
    `${chalk.bold('Next')}: ${report.advice}`, chalk.dim('Every source, file and identifier: telemetry status --verbose'),
  ].join('\n')
}

/** A policy file above the project that does not govern it: said, so that nobody believes it applies. */
function ignoredPolicyLines(report: StatusReport, style: Style): string[] {
  return report.ignoredPolicies.map((ignored) => `${style.chalk.yellow('Team policy ignored')}: ${displayPath(ignored.file)}: ${ignored.reason}`)
}

/** The policy in one line: met, or the first rule that is not and why. */
function policyLine(policy: PolicyEvaluation, style: Style): string {
  const {chalk} = style
  const unmet = policy.rules.filter((rule) => !rule.met)
  const where = displayPath(policy.file)
  if (unmet.length === 0) return `Team policy: ${chalk.green('met')} (${where})`
  const [first] = unmet
  return `Team policy: ${chalk.red('NOT MET')} (${where}:${first.line}): ${first.rule} must be ${first.required}: ${first.result}` +
    (unmet.length > 1 ? `; and ${unmet.length - 1} more rule(s) (--verbose)` : '')
}

/**
 * Where the machine-wide opt-out comes from and whether this shell has it; what the startup files do that this tool
 * cannot follow; null when they say nothing about the variables.
 */
function machineWide(report: StatusReport): null | string {
  const {activeHere, lines, unclear} = report.machineWide
  const parts: string[] = []
  if (lines.length > 0) {
    // The first line of each file is enough to find the block.
    const where = lines.filter((line, index) => lines.findIndex((other) => other.file === line.file) === index).map((line) => `${homePath(line.file)}:${line.line}`).join(', ')
    parts.push(`${lines[0].variable} in ${where} (${activeHere ? 'set in this shell' : 'not set in this shell: open a new terminal'})`)
  }

  if (unclear.length > 0) {
    const [first] = unclear
    parts.push(`could not tell what ${homePath(first.file)}:${first.line} does with ${first.variable} (${first.reason})${unclear.length > 1 ? `, and ${unclear.length - 1} more` : ''}`)
  }

  return parts.length > 0 ? parts.join('; ') : null
}

/** The verdict and the rule that decided it. */
function decisionPart(report: StatusReport, style: Style): string {
  const {chalk} = style
  const {consent} = report
  return `${chalk.bold('Kedro telemetry')} in ${displayPath(report.path)}\n${headline(report, style)}\n` +
    `Decided by ${chalk.bold(consent.decidedBy)}: ${consent.reason}` +
    (consent.estimated ? `\n${chalk.yellow('Estimated')}: ${consent.estimated}` : '')
}

/** Every source kedro-telemetry looks at, in its order, and which decided. */
function sourcesPart({consent}: StatusReport, style: Style): string {
  const {chalk} = style
  const sources = consent.sources.map((source) => [
    source.name,
    // An environment variable's value is quoted to show its bounds; the file's consent value is shown as written.
    source.value === null ? chalk.dim('(unset)') : (source.name === '.telemetry' ? source.value : JSON.stringify(source.value)),
    effectText(source.effect, style) + (source.decisive ? chalk.bold('  <- decided') : ''),
    source.note,
  ])
  return section('Sources looked at, in kedro-telemetry\'s order (first match wins)', renderTable(style, sources, ['source', 'value', 'effect', 'why']), style)
}

function projectPart({consent, project}: StatusReport, style: Style): string {
  const projectRows = [
    ['project root', project.root === null ? 'not a Kedro project (no pyproject.toml with [tool.kedro] here or above)' : displayPath(project.root)],
    ...(project.packageName ? [['package', project.packageName]] : []),
    ['kedro', versionText(project.kedroVersion, project.kedroVersionSource, project.kedroVersionDetail)],
    ['kedro-telemetry', versionText(project.telemetryVersion, project.telemetryVersionSource, project.telemetryVersionDetail)
      + (consent.model ? `, ${consent.model} model` : '')],
    ...(project.note ? [['note', project.note]] : []),
  ]
  return section('Project', renderTable(style, projectRows), style)
}

/** .telemetry as kedro reads it, and what git says of it. */
function filePart({file, git}: StatusReport, style: Style): string {
  const {chalk} = style
  let fileState = file.exists ? `${file.kind}${file.symlink ? ' (symlink)' : ''}` : 'missing'
  if (file.valid) fileState += `, consent: ${file.rawConsent} (read as ${file.consent ? 'yes' : 'no'})`
  else if (file.problem) fileState += `: ${file.problem}`
  const ignoredBy = git.ignoredBy ? `, by ${git.ignoredBy.source}:${git.ignoredBy.line} (${git.ignoredBy.pattern})` : ''
  const gitRows = git.repository
    ? [
      ['gitignored', `${yesNo(git.ignored)}${ignoredBy}`],
      ['tracked', git.tracked ? chalk.red('yes: it is in the repository') : 'no'],
      ['ever committed', git.everCommitted
        ? chalk.red(`yes, in ${git.commits.length} commit(s): ${git.commits.slice(0, 3).map((c) => c.hash.slice(0, 10)).join(', ')}`)
        : 'no'],
    ]
    : [['git', git.note ?? 'not a git repository'], ...(git.refusal ? [['remedy', git.refusal.remedy]] : [])]
  return section('.telemetry and git', renderTable(style, [['file', `${file.path === null ? '.telemetry' : displayPath(file.path)}: ${fileState}`], ...gitRows]), style)
}

function identityPart({identity}: StatusReport, style: Style): string {
  const identityRows = [
    ['user id file', homePath(identity.userIdPath)],
    ['user id', identity.userId ?? identity.userIdNote ?? 'none'],
    ['project id', identity.projectId ?? identity.projectIdNote],
    ...(identity.projectId === null ? [] : [
      ['', identity.projectIdNote],
      ['sent as', `${unbreakable(identity.hashedProjectId!, style)}\n(sha512 of project_id + package name)`],
    ]),
  ]
  return section('Identity', renderTable(style, identityRows), style)
}

function ciPart({ci}: StatusReport, style: Style): string {
  const ciRows = [
    ['kedro is_ci_env', ci.kedroDetects ? `yes (${ci.kedroMatchedBy})` : 'no'],
    ['ci-info', ci.wideDetects ? `yes${ci.wideVendor ? ` (${ci.wideVendor})` : ''}` : 'no'],
  ]
  return section('CI', `${renderTable(style, ciRows)}\n${ci.note}`, style)
}

/** The team policy's rules, met or not, when one governs the project. */
function policyParts({policy}: StatusReport, style: Style): string[] {
  if (!policy) return []
  const {chalk} = style
  const rules = policy.rules.map((rule) => [
    `${rule.rule}: ${rule.required}`, rule.met ? chalk.green('met') : chalk.red('NOT MET'), `${rule.result}${rule.estimated ? ` (estimated: ${rule.estimated})` : ''}`,
  ])
  const body = rules.length > 0 ? renderTable(style, rules, ['rule', 'state', 'why']) : 'It sets no rule a project must meet (only audit levels or exclusions).'
  return [section(`Team policy (${displayPath(policy.file)})`, body, style)]
}

/** The other tools of the data stack found in the project. */
function stackParts({stack}: StatusReport, style: Style): string[] {
  if (stack.length === 0) return []
  const {chalk} = style
  const rows = stack.map((tool) => [
    `${tool.name}${tool.version ? ` ${tool.version}` : ''}`,
    tool.wouldSend ? chalk.red('sends') : chalk.green('off'),
    `${tool.decidedBy}${tool.estimated ? ` (estimated: ${tool.estimated})` : ''}`,
    `${tool.switchOff}\n${tool.docs}`,
  ])
  return [section('Other tools of the stack that send usage data by default', renderTable(style, rows, ['tool', 'here', 'decided by', 'to stop it']), style)]
}

export function renderStatus(report: StatusReport, style: Style): string {
  const {chalk} = style
  return [
    decisionPart(report, style), sourcesPart(report, style), projectPart(report, style),
    ...(report.project.isKedroProject ? [filePart(report, style)] : []),
    identityPart(report, style), ciPart(report, style), ...policyParts(report, style), ...ignoredPolicyLines(report, style), ...stackParts(report, style),
    `${chalk.bold('Machine-wide opt-out')}: ${machineWide(report) ?? 'none in your shell startup files (`telemetry opt-out --global` adds one)'}`,
    `${chalk.bold('Applies to')}: ${report.scope.join(', ')}`,
    ...report.warnings.map((warning) => chalk.yellow(`Warning: ${warning}`)),
    `${chalk.bold('Advice')}: ${report.advice}`,
  ].join('\n\n')
}
