import * as Flags from '@oclif/core/flags'

import {BaseCommand, consentWriteFlags, pathArg, paragraph} from '../base-command.js'
import type {RevokeResult} from '../consent/change.js'

export default class Revoke extends BaseCommand {
  static args = pathArg

  static description = paragraph`Writes consent: false like opt-out, and deletes the user uuid from kedro's telemetry.toml (other keys
stay; --keep-identity keeps the uuid). First it shows the identifiers the collector may hold (the uuid, and the project
id as it was sent) and explains that erasing data already sent is a request to the data controller, quoting them.
--project-id also removes [tool.kedro_telemetry] from pyproject.toml, a shared and usually committed file, leaving
the rest of it byte for byte.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'withdraw consent and delete the user id'},
    {command: '<%= config.bin %> <%= command.id %> --project-id', description: 'also remove the project id from pyproject.toml'},
    {command: '<%= config.bin %> <%= command.id %> --keep-identity --json', description: 'withdraw, keep the uuid, print JSON'},
  ]

  static flags = {
    ...consentWriteFlags,
    'keep-identity': Flags.boolean({description: 'keep the user uuid in telemetry.toml'}),
    'project-id': Flags.boolean({description: 'also remove [tool.kedro_telemetry] (the project id) from pyproject.toml'}),
  }

  static summary = 'Withdraw consent and delete the identifiers kedro-telemetry keeps.'

  async run(): Promise<RevokeResult> {
    const {args, flags} = await this.parse(Revoke)
    // The consent machinery (the YAML editor, git) loads only for the commands that write.
    const [{applyConsentChange, planConsentChange}, {erasureStatement}] = await Promise.all([import('../consent/change.js'), import('../consent/erasure.js')])
    const plan = await planConsentChange({
      action: 'revoke', force: flags.force, gitignore: flags.gitignore, how: 'command', keepIdentity: flags['keep-identity'],
      path: args.path, removeProjectId: flags['project-id'], toolVersion: this.config.version, untrack: flags.untrack,
    })
    const {renderChange, renderErasure, renderIdentifiers} = await import('../render/consent.js')
    // The identifiers are shown before anything is deleted; what was done, in plain words, before the legal part.
    if (!this.jsonEnabled()) await this.render(plan, renderIdentifiers)
    const result = await applyConsentChange(plan)
    if (!this.jsonEnabled()) {
      await this.render(result, renderChange)
      await this.render(plan, renderErasure)
    }

    return {...result, erasure: erasureStatement(plan.identifiers)}
  }
}
