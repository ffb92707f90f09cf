import * as Flags from '@oclif/core/flags'

import {BaseCommand, paragraph} from '../base-command.js'
import {InputError} from '../errors.js'
import type {Notice} from '../notice/notice.js'
import {NEWEST_KNOWN} from '../releases/newest.js'

export default class NoticeCommand extends BaseCommand {
  static description = paragraph`For each field kedro-telemetry sends: an example input and what the collector receives (raw,
masked, hashed, or a count); what it never sees; and that the collector sees your IP address. Without
--telemetry-version, the version that applies to the project in the current directory (as status detects it), else the
latest known. The notice version (its first release and a revision, such as 0.9.0r1) is recorded with every consent decision.`

  static examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --telemetry-version 0.5.0', description: 'what the opt-in era collected'},
  ]

  static flags = {
    'telemetry-version': Flags.string({description: `kedro-telemetry version to describe, e.g. ${NEWEST_KNOWN.kedroTelemetry}`}),
  }

  // Takes no arguments, said clearly (see BaseCommand.rejectArguments).
  static strict = false

  static summary = 'Show what kedro-telemetry collects, field by field.'

  async run(): Promise<Notice> {
    const {argv, flags} = await this.parse(NoticeCommand)
    this.rejectArguments(argv)
    let version = flags['telemetry-version']
    const {isValidVersion} = await import('../python/pep440.js')
    if (version !== undefined && !isValidVersion(version)) {
      throw new InputError(`--telemetry-version ${version}: not a version`, {code: 'BAD_VERSION', hint: `give a kedro-telemetry version such as ${NEWEST_KNOWN.kedroTelemetry}`})
    }

    if (version === undefined) {
      const [{loadProject}, {LATEST_KNOWN_TELEMETRY_VERSION}] = await Promise.all([import('../project/project.js'), import('../project/versions.js')])
      const detected = (await loadProject(process.cwd(), process.env)).versions.telemetry.version
      version = detected && isValidVersion(detected) ? detected : LATEST_KNOWN_TELEMETRY_VERSION
    }

    const {buildNotice} = await import('../notice/notice.js')
    const notice = buildNotice(version)
    if (!this.jsonEnabled()) await this.render(notice, (await import('../render/notice.js')).renderNotice)
    return notice
  }
}
