import {BaseCommand, paragraph, policyChoice, policyFlags} from '../base-command.js'
import type {GuardReport} from '../audit/guard.js'
import {splitGuardArguments} from './guard-argv.js'

export default class Guard extends BaseCommand {
  static description = paragraph`The check before a commit (the telemetry-guard pre-commit hook runs it): refuses every .telemetry that
git's index holds for the next commit, and every .telemetry among FILES (a consent decision is personal: committed, it
would be imposed on everyone who clones the repository and stay in its history), and checks that git ignores .telemetry
in every Kedro project at or below the working directory (those the team policy excludes are skipped). An argument that
names an existing path or a .telemetry is a file name even when it starts with a dash, as pre-commit passes them.
Exit code 1, with the fix, when either fails. Fast: git is asked a few times per repository and nothing is previewed.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'nothing staged is a .telemetry, and every project below the current directory keeps .telemetry out of git'},
    {command: '<%= config.bin %> <%= command.id %> -- path/to/file', description: 'also refuse these files if one is a .telemetry'},
  ]

  static flags = {...policyFlags}

  static strict = false

  static summary = 'Check a commit: no .telemetry in it, and .telemetry gitignored in every project.'

  static usage = '<%= command.id %> [FILES...] [--policy FILE | --no-policy]'

  async run(): Promise<GuardReport> {
    const {files, options} = splitGuardArguments(this.argv, process.cwd())
    const {flags} = await this.parse(Guard, options)
    const {guardCommit} = await import('../audit/guard.js')
    const report = await guardCommit({files, policy: policyChoice(flags)})
    if (!this.jsonEnabled()) await this.render(report, (await import('../render/guard.js')).renderGuard)
    process.exitCode = report.exitCode
    return report
  }
}
