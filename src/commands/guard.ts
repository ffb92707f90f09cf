import {BaseCommand, paragraph, policyChoice, policyFlags} from '../base-command.js'
import type {GuardReport} from '../audit/guard.js'

export default class Guard extends BaseCommand {
  static description = paragraph`The check before a commit (the telemetry-guard pre-commit hook runs it): refuses every .telemetry among
FILES, the files about to be committed (a consent decision is personal: committed, it would be imposed on everyone who
clones the repository and stay in its history), and checks that git ignores .telemetry in every Kedro project at or
below the working directory (those the team policy excludes are skipped). Exit code 1, with the fix, when either
fails. Fast: git is asked once per project and nothing is previewed.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'every project below the current directory keeps .telemetry out of git'},
    {command: '<%= config.bin %> <%= command.id %> $(git diff --cached --name-only)', description: 'and nothing staged is a .telemetry'},
  ]

  static flags = {...policyFlags}

  static strict = false

  static summary = 'Check a commit: no .telemetry in it, and .telemetry gitignored in every project.'

  static usage = '<%= command.id %> [FILES...] [--policy FILE | --no-policy]'

  async run(): Promise<GuardReport> {
    const {argv, flags} = await this.parse(Guard)
    const {guardCommit} = await import('../audit/guard.js')
    const report = await guardCommit({files: argv as string[], policy: policyChoice(flags)})
    if (!this.jsonEnabled()) await this.render(report, (await import('../render/guard.js')).renderGuard)
    process.exitCode = report.exitCode
    return report
  }
}
