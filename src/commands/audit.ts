import * as Flags from '@oclif/core/flags'

import type {AuditReport} from '../audit/audit.js'
import {BaseCommand, paragraph, policyChoice, policyFlags} from '../base-command.js'
import {AUDIT_FORMATS, type AuditFormat, reportFormat, reportTargets} from '../render/report-formats.js'


export default class Audit extends BaseCommand {
  static description = paragraph`Finds every Kedro project at or below each PATH (a pyproject.toml with [tool.kedro]; what git ignores,
node_modules, .venv and .git are skipped) and runs the audit's checks on it: consent (explicit, valid, kept out of
git, recorded), the CI opt-out, what the payload would leak, identifiers, the kedro-telemetry version, the team
policy and the other tools of the data stack that send usage data by default. Each check (TEL001 and on), what it
verifies and its fix are in docs/audit-checks.md, generated from the checks themselves. The payload check previews
each --command and every kedro invocation found in the project's CI files, Makefile and README. A team policy
(.kedro-consent.yml at or above a project, within its repository) sets each check's level and the folders skipped,
and its rules are checked too. Exit code 1 when a check fails (with --strict, when one warns too).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --only-failures', description: 'only what needs fixing, each with its fix'},
    {command: '<%= config.bin %> <%= command.id %>', description: 'the project in the current directory, as a table'},
    {command: '<%= config.bin %> <%= command.id %> projects/ --format sarif --output telemetry.sarif', description: 'a tree of projects, for GitHub code scanning'},
    {command: '<%= config.bin %> <%= command.id %> --strict --format junit --output audit.xml', description: 'a CI gate where warnings fail too'},
    {command: '<%= config.bin %> <%= command.id %> --format codequality --output gl-code-quality.json', description: 'for GitLab merge requests (artifacts:reports:codequality)'},
    {command: '<%= config.bin %> <%= command.id %> --command "run --pipelines ds" --format markdown', description: 'also check what `kedro run --pipelines ds` would send'},
  ]

  static flags = {
    ...policyFlags,
    command: Flags.string({description: 'a kedro command (what follows `kedro`) whose request to check for leaks; repeatable', multiple: true}),
    format: Flags.string({default: 'table', description: 'report format (docs/audit.md describes each)', options: [...AUDIT_FORMATS]}),
    output: Flags.string({description: 'write the report to FILE (atomically) instead of stdout'}),
    report: Flags.string({
      description: 'also write the report in FORMAT to FILE (atomically), from the same run; repeatable (e.g. --report sarif=a.sarif --report junit=a.xml)',
      helpValue: 'FORMAT=FILE', multiple: true,
    }),
    'only-failures': Flags.boolean({description: 'in the table, show only the checks that failed or warned (the summary still counts all)'}),
    'allow-implicit-consent': Flags.boolean({description: 'data sent without an explicit decision warns instead of failing (TEL001)'}),
    strict: Flags.boolean({description: 'warnings fail too'}),
  }

  static strict = false

  static summary = 'Check Kedro projects\' telemetry privacy, for people and for CI gates.'

  static usage = `<%= command.id %> [PATHS...] [--format ${AUDIT_FORMATS.join('|')}] [--output FILE] [--report FORMAT=FILE]... [--strict] [--command "KEDRO ARGS"]...`

  async run(): Promise<AuditReport> {
    const {argv, flags} = await this.parse(Audit)
    // A wrong --report, or one file named twice, is a usage error before any project is read.
    const targets = reportTargets(flags.report ?? [], flags.output)
    // The audit (checks, previews, the Python parser) and its renderers load only for this command.
    const [{audit}, {summaryLine}, {formatAuditReport}, {progressBar}, {terminalStyle}, {ciInert, printable}] = await Promise.all([
      import('../audit/audit.js'), import('../audit/summary.js'), import('../render/report-formats.js'), import('../render/progress.js'),
      import('../render/style.js'), import('../render/escape.js'),
    ])
    const report = await audit({
      allowImplicitConsent: flags['allow-implicit-consent'], commands: flags.command, onProject: progressBar(process.stderr, 'projects'),
      paths: argv as string[], policy: policyChoice(flags), strict: flags.strict,
    })
    const format = this.jsonEnabled() ? 'json' : flags.format as AuditFormat
    const options = {base: process.cwd(), toolVersion: this.config.version}
    // A file gets no colour, whatever the terminal; each file its own format.
    const plain = terminalStyle({}, process.env)
    const files = [...targets, ...(flags.output ? [{file: flags.output, format}] : [])]
    if (files.length > 0) {
      const {writeFileAtomic} = await import('../fs/transaction.js')
      for (const target of files) {
        await writeFileAtomic(target.file, await formatAuditReport(report, target.format, {...options, style: plain}))
        this.logToStderr(`Wrote ${printable(target.file)} (${target.format}): ${summaryLine(report)}`)
      }
    }

    if (!flags.output && !this.jsonEnabled()) {
      const text = await formatAuditReport(report, format, {...options, onlyFailures: flags['only-failures'], style: terminalStyle(process.stdout, process.env)})
      process.stdout.write(ciInert(text, reportFormat(format).flavour))
    }

    process.exitCode = report.exitCode
    return report
  }
}
