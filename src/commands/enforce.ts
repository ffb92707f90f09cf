import * as Flags from '@oclif/core/flags'

import {BaseCommand, paragraph, policyChoice} from '../base-command.js'
import type {EnforceReport} from '../enforce/enforce.js'

export default class Enforce extends BaseCommand {
  static description = paragraph`Finds every Kedro project at or below each PATH (as audit does, skipping what the policy excludes) and
brings it into line with the team policy that governs it (.kedro-consent.yml), on this machine: where the policy
requires projects to be opted out, .telemetry gets consent: false; where it requires an explicit decision and none was
made, the decision written is an opt-out (nobody is opted in on their behalf); and .telemetry is added to .gitignore
wherever git does not ignore it. Each opt-out is recorded in the history. What needs a person (a CI configuration, a
kedro-telemetry version, a committed .telemetry) is listed from the audit under the policy. --dry-run lists the changes
and writes nothing. Projects no policy governs are left alone. Exit code 1 when a project still does not meet its
policy (after a dry run: would not).`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> --dry-run', description: 'list what would change in the projects below the current directory'},
    {command: '<%= config.bin %> <%= command.id %>', description: 'make the changes'},
    {command: '<%= config.bin %> <%= command.id %> teams/ --policy team-policy.yml --json', description: 'a tree, under a policy file named here, as JSON'},
  ]

  static flags = {
    'dry-run': Flags.boolean({description: 'list the changes; write nothing'}),
    policy: Flags.string({description: 'the team policy file to enforce (default: each project\'s own .kedro-consent.yml)', helpValue: 'FILE'}),
  }

  static strict = false

  static summary = 'Bring every project of a tree into line with the team policy.'

  static usage = '<%= command.id %> [PATHS...] [--dry-run] [--policy FILE]'

  async run(): Promise<EnforceReport> {
    const {argv, flags} = await this.parse(Enforce)
    const [{enforcePolicy}, {progressBar}] = await Promise.all([import('../enforce/enforce.js'), import('../render/progress.js')])
    const report = await enforcePolicy({
      dryRun: flags['dry-run'], onProject: progressBar(process.stderr, 'projects'), paths: argv as string[], policy: policyChoice(flags),
      toolVersion: this.config.version,
    })
    if (!this.jsonEnabled()) await this.render(report, (await import('../render/enforce.js')).renderEnforce)
    process.exitCode = report.exitCode
    return report
  }
}
