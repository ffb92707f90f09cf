/** The human-readable `telemetry status` report. */
import type {SourceEffect} from '../consent/rules.js'
import type {VersionSource} from '../project/versions.js'
import type {StatusReport} from '../status/status.js'
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
  if (consent.implicit) return chalk.red.bold('WILL SEND usage data: IMPLICIT CONSENT, nobody said yes')
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

export function renderStatus(report: StatusReport, style: Style): string {
  const {chalk} = style
  const {ci, consent, file, git, identity, project} = report
  const parts: string[] = []

  parts.push(
    `${chalk.bold('Kedro telemetry')} for ${report.path}\n${headline(report, style)}\n` +
    `Decided by ${chalk.bold(consent.decidedBy)}: ${consent.reason}` +
    (consent.estimated ? `\n${chalk.yellow('Estimated')}: ${consent.estimated}` : ''),
  )

  const sources = consent.sources.map((source) => [
    source.name,
    // An environment variable's value is quoted to show its bounds; the file's consent value is shown as written.
    source.value === null ? chalk.dim('(unset)') : (source.name === '.telemetry' ? source.value : JSON.stringify(source.value)),
    effectText(source.effect, style) + (source.decisive ? chalk.bold('  <- decided') : ''),
    source.note,
  ])
  parts.push(section('Sources looked at, in kedro-telemetry\'s order (first match wins)', renderTable(style, sources, ['source', 'value', 'effect', 'why']), style))

  const projectRows = [
    ['project root', project.root ?? 'not a Kedro project (no pyproject.toml with [tool.kedro] here or above)'],
    ...(project.packageName ? [['package', project.packageName]] : []),
    ['kedro', versionText(project.kedroVersion, project.kedroVersionSource, project.kedroVersionDetail)],
    ['kedro-telemetry', versionText(project.telemetryVersion, project.telemetryVersionSource, project.telemetryVersionDetail)
      + (consent.model ? `, ${consent.model} model` : '')],
    ...(project.note ? [['note', project.note]] : []),
  ]
  parts.push(section('Project', renderTable(style, projectRows), style))

  if (project.isKedroProject) {
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
    parts.push(section('.telemetry and git', renderTable(style, [['file', `${file.path}: ${fileState}`], ...gitRows]), style))
  }

  const identityRows = [
    ['user id file', identity.userIdPath],
    ['user id', identity.userId ?? identity.userIdNote ?? 'none'],
    ['project id', identity.projectId ?? identity.projectIdNote],
    ...(identity.projectId === null ? [] : [
      ['', identity.projectIdNote],
      ['sent as', `${unbreakable(identity.hashedProjectId!, style)}\n(sha512 of project_id + package name)`],
    ]),
  ]
  parts.push(section('Identity', renderTable(style, identityRows), style))

  const ciRows = [
    ['kedro is_ci_env', ci.kedroDetects ? `yes (${ci.kedroMatchedBy})` : 'no'],
    ['ci-info', ci.wideDetects ? `yes${ci.wideVendor ? ` (${ci.wideVendor})` : ''}` : 'no'],
  ]
  parts.push(section('CI', `${renderTable(style, ciRows)}\n${ci.note}`, style))
  parts.push(`${chalk.bold('Applies to')}: ${report.scope.join(', ')}`)
  for (const warning of report.warnings) parts.push(chalk.yellow(`Warning: ${warning}`))
  parts.push(`${chalk.bold('Advice')}: ${report.advice}`)
  return parts.join('\n\n')
}
