import * as Flags from '@oclif/core/flags'

import {BaseCommand, consentWriteFlags, pathArg, paragraph} from '../base-command.js'
import type {ChangeResult} from '../consent/change.js'
import {InputError} from '../errors.js'

interface OptInDeclined {
  given: false
  noticeVersion: string
  reason: string
}

export default class OptIn extends BaseCommand {
  static aliases = ['enable']

  static args = pathArg

  static description = paragraph`Consent is a clear act: on a terminal this shows what kedro-telemetry collects (the notice for the
project's kedro-telemetry version) and asks, with "no" as the default answer. Without a terminal (CI, pipes, --json) it
refuses unless --yes is given. Nothing is written by silence or by default. On yes it writes consent: true to
.telemetry, keeping its other keys and comments, makes sure git ignores the file, and records the decision. Where
the team policy (.kedro-consent.yml) requires projects (or, in CI, CI jobs) to be opted out, it refuses unless
--override-policy gives a reason, which the history records.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'read the notice and answer the prompt'},
    {command: '<%= config.bin %> <%= command.id %> --yes', description: 'opt in without a prompt (after reading `telemetry notice`)'},
  ]

  static flags = {
    ...consentWriteFlags,
    'override-policy': Flags.string({
      description: 'opt in although the team policy (.kedro-consent.yml) forbids it; REASON is recorded in the history with the decision', helpValue: 'REASON',
    }),
    yes: Flags.boolean({char: 'y', description: 'give consent without the prompt: required without a terminal'}),
  }

  static summary = 'Give consent to send usage data, after an explicit yes.'

  async run(): Promise<ChangeResult | OptInDeclined> {
    const {args, flags} = await this.parse(OptIn)
    const canAsk = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !this.jsonEnabled()
    if (!flags.yes && !canAsk) {
      throw new InputError('opt-in needs an explicit yes, and there is no terminal to ask in: nothing was written', {
        code: 'CONSENT_NEEDS_YES', hint: 'run it in a terminal to read what is collected and answer, or pass --yes after reading `telemetry notice`',
      })
    }

    // The consent machinery (the YAML editor, git) loads only for the commands that write.
    const {applyConsentChange, planConsentChange} = await import('../consent/change.js')
    const plan = await planConsentChange({
      action: 'opt-in', force: flags.force, gitignore: flags.gitignore, how: flags.yes ? '--yes' : 'prompt',
      noticeShown: !flags.yes, overridePolicy: flags['override-policy'], path: args.path, toolVersion: this.config.version, untrack: flags.untrack,
    })
    if (!flags.yes) {
      const {renderConsentScreen} = await import('../render/notice.js')
      await this.render({notice: plan.notice, projectRoot: plan.projectRoot}, renderConsentScreen)
      const {askYesNo} = await import('../render/prompt.js')
      const yes = await askYesNo('Send usage data to the Kedro team from this project?')
      if (!yes) {
        this.log('No consent given: nothing was written.')
        return {given: false, noticeVersion: plan.notice.version, reason: 'the prompt was not answered yes'}
      }
    }

    const result = await applyConsentChange(plan)
    if (!this.jsonEnabled()) await this.render(result, (await import('../render/consent.js')).renderChange)
    return result
  }
}
