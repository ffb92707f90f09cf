import * as Flags from '@oclif/core/flags'

import {BaseCommand, paragraph} from '../base-command.js'
import type {CaptureResult} from '../capture/capture.js'
import {InputError} from '../errors.js'
import {shellWord} from '../shell.js'

export default class Capture extends BaseCommand {
  static description = paragraph`Runs the project's own kedro (the active virtualenv's, else the project's .venv or venv, else kedro on
PATH) with \`KEDRO_ARGS...\`, and catches every request kedro-telemetry makes: each is recorded exactly (URL, method,
headers, body) and answered as a success, so NOTHING IS SENT, whatever happens. Other requests the project makes go
through untouched. Unlike every other command, capture runs the project's code, as kedro does: use it in projects
you trust. \`kedro run\` runs no node unless --run-nodes: the runner is replaced, and the session, the catalog, the
pipelines and every hook behave as in a real run. Then each request is compared with what \`telemetry preview\` says
for the same command line and environment. Exit code 0 when the capture worked, whatever kedro's own (reported); 1
with --check when the preview differed; 2 when kedro could not be started.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> run --pipeline ds', description: 'what `kedro run --pipeline ds` really sends here, beside the preview'},
    {command: '<%= config.bin %> <%= command.id %> --json --output evidence.json run', description: 'keep the evidence as JSON'},
    {command: '<%= config.bin %> <%= command.id %> --check catalog list', description: 'exit 1 when the preview differed'},
  ]

  static flags = {
    check: Flags.boolean({description: 'exit 1 when the preview differed from what was captured'}),
    output: Flags.string({description: 'also write the result as JSON to FILE (atomically), as evidence to keep'}),
    project: Flags.string({default: '.', description: 'directory where kedro runs'}),
    'run-nodes': Flags.boolean({description: 'let `kedro run` run its nodes for real (by default none runs)'}),
  }

  static strict = false

  static summary = 'Run the real kedro command and catch what it would send; nothing is sent.'

  static usage = '<%= command.id %> [--project PATH] [--run-nodes] [--check] [--output FILE] [--json] KEDRO_ARGS...'

  private kedroArgs(): string[] {
    const delimiter = this.argv.indexOf('--')
    return delimiter === -1 ? [] : this.argv.slice(delimiter + 1)
  }

  async run(): Promise<CaptureResult> {
    const {flags} = await this.parse(Capture)
    const args = this.kedroArgs()
    if (args.length === 0) throw new InputError('capture needs a kedro command to run', {code: 'NO_COMMAND', hint: 'for example `telemetry capture run`'})
    if (args[0] === 'kedro') {
      const without = ['telemetry', 'capture', ...args.slice(1)].map((word) => shellWord(word)).join(' ')
      throw new InputError('the kedro command starts after capture: leave out the leading "kedro"', {code: 'LEADING_KEDRO', hint: `write \`${without}\``})
    }

    const {captureKedro} = await import('../capture/capture.js')
    let stop: (() => void) | undefined
    const interrupt = () => stop?.()
    // Ctrl-C stops kedro; the capture still ends, cleans up and reports what was caught.
    process.on('SIGINT', interrupt)
    process.on('SIGTERM', interrupt)
    let result: CaptureResult
    try {
      result = await captureKedro({
        args, onOutput: (chunk) => process.stderr.write(chunk), onStart: (stopKedro) => {
          stop = stopKedro
        }, project: flags.project, runNodes: flags['run-nodes'],
      })
    } finally {
      process.off('SIGINT', interrupt)
      process.off('SIGTERM', interrupt)
    }

    if (flags.output) {
      const {writeFileAtomic} = await import('../fs/transaction.js')
      await writeFileAtomic(flags.output, `${JSON.stringify(result, null, 2)}\n`)
    }

    if (!this.jsonEnabled()) await this.render(result, (await import('../render/capture.js')).renderCapture)
    if (flags.check && result.comparison.verdict !== 'exact') process.exitCode = 1
    return result
  }
}
