import * as Flags from '@oclif/core/flags'

import {BaseCommand, consentWriteFlags, pathArg, paragraph} from '../base-command.js'
import type {ChangeResult} from '../consent/change.js'
import type {MachineWideUndoResult} from '../consent/machine-wide.js'
import {InputError} from '../errors.js'

interface MachineWideDeclined {
  changed: false
  reason: string
}

export default class OptOut extends BaseCommand {
  static aliases = ['disable']

  static args = pathArg

  static description = paragraph`Writes consent: false to .telemetry at the project root, keeping its other keys and comments, with
no prompt. Makes sure git ignores .telemetry, and records the decision in the history. With --ci it also keeps
telemetry off for the rest of a CI job: on GitHub Actions by appending DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1
to $GITHUB_ENV, elsewhere by printing export lines to eval; --ci works outside a Kedro project and outside git.
With --global it opts out for every project of this user on this machine: it adds export DO_NOT_TRACK=1 and
KEDRO_DISABLE_TELEMETRY=1 to the shell startup files (~/.bashrc and the bash login file, ~/.zshenv, a fish conf.d file,
~/.profile), after showing the lines and asking (--yes without a terminal); a file that already exports them, as the
shell runs it (not inside an if, a function or a heredoc, not unset later), is left as it is. \`telemetry status\` then
says where the opt-out comes from. --global --undo removes exactly the lines it added, each file byte for byte as before.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'opt out for the project in the current directory'},
    {command: '<%= config.bin %> <%= command.id %> path/to/project --no-gitignore', description: 'without touching .gitignore'},
    {command: '<%= config.bin %> <%= command.id %> --ci', description: 'in a GitHub Actions step: later steps run with telemetry off'},
    {command: 'eval "$(<%= config.bin %> <%= command.id %> --ci)"', description: 'in any other CI shell'},
    {command: '<%= config.bin %> <%= command.id %> --ci --stack', description: 'and the other tools of the stack the project uses (dbt, MLflow, Streamlit...)'},
    {command: '<%= config.bin %> <%= command.id %> --global', description: 'every project on this machine: DO_NOT_TRACK=1 in your shell startup files'},
    {command: '<%= config.bin %> <%= command.id %> --global --undo', description: 'take those lines out again'},
  ]

  static flags = {
    ...consentWriteFlags,
    ci: Flags.boolean({description: 'also keep telemetry off for the rest of the CI job ($GITHUB_ENV, or export lines to eval); works outside a project', exclusive: ['global']}),
    stack: Flags.boolean({
      dependsOn: ['ci'],
      description: 'with --ci: also switch off, for the job, the other tools of the stack the project brings in (dbt, MLflow, Streamlit...), by their documented variables',
    }),
    global: Flags.boolean({description: 'also opt out machine-wide: DO_NOT_TRACK=1 and KEDRO_DISABLE_TELEMETRY=1 in your shell startup files, after a confirmation; works outside a project'}),
    undo: Flags.boolean({dependsOn: ['global'], description: 'with --global: remove the lines opt-out --global added to your shell startup files, leaving each file as it was'}),
    yes: Flags.boolean({char: 'y', dependsOn: ['global'], description: 'with --global: change the startup files without asking (required without a terminal)'}),
  }

  static summary = 'Refuse consent: write consent: false to .telemetry. No prompt, ever.'

  async run(): Promise<ChangeResult | MachineWideDeclined | MachineWideUndoResult> {
    const {args, flags} = await this.parse(OptOut)
    const canAsk = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !this.jsonEnabled()
    if (flags.global && !flags.yes && !canAsk) {
      throw new InputError('opt-out --global changes your shell startup files, and there is no terminal to confirm in: nothing was written', {
        code: 'GLOBAL_NEEDS_YES', hint: 'run it in a terminal to see the lines first, or add --yes',
      })
    }

    if (flags.undo) return this.undoGlobal(flags.yes)
    // The consent machinery (the YAML editor, git) loads only for the commands that write.
    const {applyConsentChange, planConsentChange} = await import('../consent/change.js')
    const plan = await planConsentChange({
      action: 'opt-out', ci: flags.ci, force: flags.force, gitignore: flags.gitignore, global: flags.global, how: flags.ci ? 'ci' : 'command',
      path: args.path, stack: flags.stack, toolVersion: this.config.version, untrack: flags.untrack,
    })
    if (plan.machineWide && !flags.yes) {
      const {renderMachineWidePlan} = await import('../render/consent.js')
      await this.render(plan.machineWide, renderMachineWidePlan)
      const {askYesNo} = await import('../render/prompt.js')
      if (plan.machineWide.some((entry) => entry.action === 'append') && !(await askYesNo('Add them?'))) {
        this.log('Nothing was changed.')
        return {changed: false, reason: 'the prompt was not answered yes'}
      }
    }

    const result = await applyConsentChange(plan)
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

  /** `--global --undo`: shows the lines to remove and asks (unless --yes), then removes them. */
  private async undoGlobal(yes: boolean): Promise<MachineWideDeclined | MachineWideUndoResult> {
    const {planMachineWideUndo, undoMachineWideOptOut} = await import('../consent/machine-wide.js')
    const plan = planMachineWideUndo(process.env, process.platform)
    const {renderMachineWideUndo} = await import('../render/consent.js')
    if (!yes && plan.writes.length > 0) {
      this.log(plan.files.filter((entry) => entry.action === 'removed').map((entry) => `${entry.file}:\n  ${entry.lines.join('\n  ')}`).join('\n'))
      const {askYesNo} = await import('../render/prompt.js')
      if (!(await askYesNo('Remove them?'))) {
        this.log('Nothing was changed.')
        return {changed: false, reason: 'the prompt was not answered yes'}
      }
    }

    const result = await undoMachineWideOptOut(plan)
    if (!this.jsonEnabled()) await this.render(result, renderMachineWideUndo)
    return result
  }
}
