import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand, paragraph, policyChoice, policyFlags} from '../base-command.js'
import type {StatusReport} from '../status/status.js'

export default class Status extends BaseCommand {
  static args = {
    path: Args.string({default: '.', description: 'directory where a kedro command would run (the project or below it)'}),
  }

  static description = paragraph`Walks up from PATH to the Kedro project root as kedro does, detects the kedro-telemetry version
(installed in the project's virtualenv, pinned in requirements, or assumed), and applies its consent rules in order:
DO_NOT_TRACK, KEDRO_DISABLE_TELEMETRY, GITHUB_REPOSITORY_OWNER, .telemetry (read with PyYAML 1.1 rules), default.
Also reports .telemetry in git, the identifiers kedro sends, whether kedro marks the run as CI, and whether the
project meets its team policy (.kedro-consent.yml).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'the project in the current directory'},
    {command: '<%= config.bin %> <%= command.id %> examples/spaceflights', description: 'another directory'},
    {command: '<%= config.bin %> <%= command.id %> --verbose', description: 'every consent source in order, .telemetry in git, the identifiers, CI'},
    {command: 'DO_NOT_TRACK=1 <%= config.bin %> <%= command.id %> --json', description: 'what a CI job with DO_NOT_TRACK would do, as JSON'},
    {command: '<%= config.bin %> <%= command.id %> --check --quiet', description: 'a CI gate: exit 1 when kedro would send from here, 0 when not, printing nothing'},
  ]

  static flags = {
    ...policyFlags,
    check: Flags.boolean({description: 'exit 1 when kedro-telemetry would send usage data from here, 0 when not (a CI gate)'}),
    quiet: Flags.boolean({char: 'q', description: 'print nothing (with --check, only the exit code answers)', exclusive: ['verbose']}),
    verbose: Flags.boolean({char: 'v', description: 'the full trace: every consent source in order, the project, .telemetry in git, the identifiers, CI'}),
  }

  static summary = 'Say whether kedro-telemetry will send usage data from a project, and why.'

  async run(): Promise<StatusReport> {
    const {args, flags} = await this.parse(Status)
    const {inspectStatus} = await import('../status/status.js')
    const report = await inspectStatus({path: args.path, policy: policyChoice(flags)})
    if (!this.jsonEnabled() && !flags.quiet) {
      const {renderStatus, renderStatusSummary} = await import('../render/status.js')
      await this.render(report, flags.verbose ? renderStatus : renderStatusSummary)
    }

    // A gate: 1 means a check failed (kedro would send), as for audit.
    if (flags.check && report.consent.willSend) process.exitCode = 1
    return report
  }
}
