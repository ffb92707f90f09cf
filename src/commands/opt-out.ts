import * as Flags from '@oclif/core/flags'

import {BaseCommand, consentWriteFlags, pathArg, paragraph} from '../base-command.js'
import type {ChangeResult} from '../consent/change.js'

export default class OptOut extends BaseCommand {
  static aliases = ['disable']

  static args = pathArg

  static description = paragraph`Writes consent: false to .telemetry at the project root, keeping its other keys and comments, with
no prompt. Makes sure git ignores .telemetry, and records the decision in the history. With --ci it also keeps
telemetry off for the rest of a CI job: on GitHub Actions by appending DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1
to $GITHUB_ENV, elsewhere by printing export lines to eval; --ci works outside a Kedro project and outside git.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'opt out for the project in the current directory'},
    {command: '<%= config.bin %> <%= command.id %> path/to/project --no-gitignore', description: 'without touching .gitignore'},
    {command: '<%= config.bin %> <%= command.id %> --ci', description: 'in a GitHub Actions step: later steps run with telemetry off'},
    {command: 'eval "$(<%= config.bin %> <%= command.id %> --ci)"', description: 'in any other CI shell'},
  ]

  static flags = {
    ...consentWriteFlags,
    ci: Flags.boolean({description: 'also keep telemetry off for the rest of the CI job ($GITHUB_ENV, or export lines to eval); works outside a project'}),
  }

  static summary = 'Refuse consent: write consent: false to .telemetry. No prompt, ever.'

  async run(): Promise<ChangeResult> {
    const {args, flags} = await this.parse(OptOut)
    // The consent machinery (the YAML editor, git) loads only for the commands that write.
    const {changeConsent} = await import('../consent/change.js')
    const result = await changeConsent({
      action: 'opt-out', ci: flags.ci, force: flags.force, gitignore: flags.gitignore, how: flags.ci ? 'ci' : 'command',
      path: args.path, toolVersion: this.config.version, untrack: flags.untrack,
    })
    if (this.jsonEnabled()) return result
    const {renderChange, renderExports} = await import('../render/consent.js')
    if (result.ci?.exports.length) {
      // stdout carries only the export lines, so that `eval "$(telemetry opt-out --ci)"` works; the report goes to stderr.
      this.log(renderExports(result))
      await this.render(result, renderChange, 'stderr')
    } else {
      await this.render(result, renderChange)
    }

    return result
  }
}
