import {BaseCommand, paragraph} from '../base-command.js'
import type {HistoryReading} from '../history/history.js'

export default class History extends BaseCommand {
  static description = paragraph`Lists the opt-in, opt-out and revoke decisions made with this tool on this machine, oldest first:
time (UTC), action, project, how the decision was given (prompt, --yes, ci, command), the notice version, and the
tool and kedro-telemetry versions. The history is JSON Lines in $XDG_DATA_HOME/kedro-consent/history.jsonl (or the
platform's equivalent), never inside a project. A corrupt line is skipped with a warning.`

  static examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'for an audit file'},
  ]

  // Takes no arguments, said clearly (see BaseCommand.rejectArguments).
  static strict = false

  static summary = 'List the consent decisions recorded on this machine.'

  async run(): Promise<HistoryReading> {
    const {argv} = await this.parse(History)
    this.rejectArguments(argv)
    const {historyFile, readHistory} = await import('../history/history.js')
    const reading = await readHistory(historyFile(process.env, process.platform))
    for (const skipped of reading.skipped) this.logToStderr(`Warning: ${reading.file}:${skipped.line} skipped: ${skipped.reason}`)
    if (!this.jsonEnabled()) await this.render(reading, (await import('../render/history.js')).renderHistory)
    return reading
  }
}
