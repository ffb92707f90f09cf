import * as Flags from '@oclif/core/flags'
import type {InferredFlags} from '@oclif/core/interfaces'

import {BaseCommand, paragraph} from '../base-command.js'
import {InputError} from '../errors.js'
import {shellWord} from '../shell.js'
import type {PyJson} from '../python/json-dumps.js'
import type {PluginEvent, PreviewResult} from '../request/request.js'
import {NEWEST_KNOWN} from '../releases/newest.js'

/** `--event-property KEY=VALUE`s: a value that parses as JSON is that value, anything else the text itself. */
function eventProperties(assignments: string[]): Record<string, PyJson> {
  const properties: Record<string, PyJson> = {}
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=')
    if (equals < 1) throw new InputError(`--event-property ${assignment}: expected KEY=VALUE`, {code: 'BAD_EVENT_PROPERTY', hint: 'for example --event-property success=true'})
    const raw = assignment.slice(equals + 1)
    let value: PyJson
    try {
      value = JSON.parse(raw) as PyJson
    } catch {
      value = raw
    }

    properties[assignment.slice(0, equals)] = value
  }

  return properties
}

type PreviewFlags = InferredFlags<typeof Preview.flags>

export default class Preview extends BaseCommand {
  static description = paragraph`Builds, without sending anything, the request kedro-telemetry would send for \`kedro KEDRO_ARGS...\` run
in the project: consent first (as status decides it), then the body exactly as kedro-telemetry builds it for the
project's Kedro and kedro-telemetry versions: the masked command line, the hashed project id, the user id, versions,
is_ci_env and, for commands that build the catalog, project statistics read from the project's files. Every token
from the first one that is not a flag below is kedro's, verbatim; \`--\` also ends the flags. Values kedro cannot
know here (a user id not created yet, a module path without kedro-datasets installed) are marked estimated.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> run --pipelines ds', description: 'what `kedro run --pipelines ds` would send from this project'},
    {command: '<%= config.bin %> <%= command.id %> --project examples/spaceflights run --env test', description: 'another project'},
    {command: '<%= config.bin %> <%= command.id %> --explain run', description: 'every field: where it comes from, how it is masked or hashed'},
    {command: '<%= config.bin %> <%= command.id %> --body run | python3 -m json.tool', description: 'only the body, exactly as it would be sent'},
    {command: '<%= config.bin %> <%= command.id %> --set-env CI=true --set-env GITLAB_CI=true run', description: 'as a CI job would'},
    {command: '<%= config.bin %> <%= command.id %> run --env prod', description: 'kedro\'s own --env goes after the kedro command, like every kedro option'},
    {command: '<%= config.bin %> <%= command.id %> --ignore-consent --json new --starter spaceflights-pandas', description: 'even when consent is declined, as JSON'},
    {
      command: '<%= config.bin %> <%= command.id %> --plugin-event kedro_skills_uninstall --event-property skill_id=unknown',
      description: 'the event a plugin would send through kedro-telemetry 0.9.0\'s send_telemetry_event',
    },
  ]

  static flags = {
    // Before the kedro command, --env would read as kedro's --env: it only explains, and set-env does the work.
    env: Flags.string({hidden: true, multiple: true}),
    'event-property': Flags.string({
      dependsOn: ['plugin-event'], description: 'a property of the plugin event, KEY=VALUE; VALUE is read as JSON when it parses (3, true, ["a"]), else as text (repeatable)',
      multiple: true,
    }),
    body: Flags.boolean({description: 'print only the body of each request, one line each, exactly as it would be sent', exclusive: ['explain']}),
    explain: Flags.boolean({description: 'the field-by-field sheet: every value, where it comes from and how it is masked or hashed, the headers'}),
    'ignore-consent': Flags.boolean({description: 'show the request even when consent is declined (clearly labelled)'}),
    'kedro-version': Flags.string({description: `Kedro version to assume, e.g. ${NEWEST_KNOWN.kedro}`}),
    python: Flags.boolean({allowNo: true, default: true, description: 'ask the project\'s Python (its virtualenv\'s, else python3) for sys.version, when it lies outside the project; --no-python runs nothing'}),
    'plugin-event': Flags.string({description: 'preview the event a plugin sends through kedro_telemetry.api.send_telemetry_event (kedro-telemetry 0.9.0 on), instead of a kedro command\'s'}),
    project: Flags.string({default: '.', description: 'directory where kedro would run'}),
    'set-env': Flags.string({description: 'simulate an environment variable for kedro, KEY=VALUE (repeatable); kedro\'s own --env goes after the kedro command', multiple: true}),
    'telemetry-version': Flags.string({description: `kedro-telemetry version to assume, e.g. ${NEWEST_KNOWN.kedroTelemetry}`}),
    'trust-project-python': Flags.boolean({description: 'also run an interpreter that lies in the project (a checked-in virtualenv); only for a checkout you trust'}),
  }

  static strict = false

  static summary = 'Show, byte for byte, what kedro-telemetry would send for a kedro command.'

  static usage = [
    '<%= command.id %> [--project PATH] [--kedro-version V] [--telemetry-version V] [--set-env KEY=VALUE]... [--ignore-consent] [--no-python | --trust-project-python] [--json] [KEDRO_ARGS...]',
    '<%= command.id %> --plugin-event NAME [--event-property KEY=VALUE]... [--project PATH] [--telemetry-version V] [--json]',
  ]

  private kedroArgs(): string[] {
    const delimiter = this.argv.indexOf('--')
    return delimiter === -1 ? [] : this.argv.slice(delimiter + 1)
  }

  /** The flags checked before anything is read: versions, --env in the wrong place, the simulated environment. */
  private async checkedEnvironment(flags: PreviewFlags): Promise<NodeJS.ProcessEnv> {
    for (const [flag, value] of [['--kedro-version', flags['kedro-version']], ['--telemetry-version', flags['telemetry-version']]] as const) {
      // The PEP 440 library loads only when a version is given.
      if (value !== undefined && !(await import('../python/pep440.js')).isValidVersion(value)) throw new InputError(`${flag} ${value}: not a version`, {code: 'BAD_VERSION', hint: `give a version such as ${NEWEST_KNOWN.kedro}`})
    }

    if (flags.env) {
      throw new InputError('--env before the kedro command is not kedro\'s --env', {
        code: 'ENV_BEFORE_COMMAND', hint: 'write `telemetry preview run --env prod` for kedro\'s environment, or --set-env KEY=VALUE to simulate an environment variable',
      })
    }

    const env: NodeJS.ProcessEnv = {...process.env}
    for (const assignment of flags['set-env'] ?? []) {
      const equals = assignment.indexOf('=')
      if (equals < 1) throw new InputError(`--set-env ${assignment}: expected KEY=VALUE`, {code: 'BAD_ENV', hint: 'for example --set-env CI=true'})
      env[assignment.slice(0, equals)] = assignment.slice(equals + 1)
    }

    return env
  }

  /** The plugin event asked for, if any; refused beside a kedro command, as is a leading `kedro`. */
  private pluginEventOf(flags: PreviewFlags): PluginEvent | undefined {
    const pluginEvent = flags['plugin-event'] === undefined ? undefined : {name: flags['plugin-event'], properties: eventProperties(flags['event-property'] ?? [])}
    if (pluginEvent && this.kedroArgs().length > 0) {
      throw new InputError('--plugin-event previews one plugin event: give no kedro command with it', {code: 'PLUGIN_EVENT_WITH_COMMAND', hint: 'preview the kedro command separately'})
    }

    const [first, ...rest] = this.kedroArgs()
    if (first === 'kedro') {
      // `telemetry preview kedro run` would preview a kedro command named "kedro".
      const without = ['telemetry', 'preview', ...rest].map((word) => shellWord(word)).join(' ')
      throw new InputError('the kedro command starts after preview: leave out the leading "kedro"', {code: 'LEADING_KEDRO', hint: `write \`${without}\``})
    }

    return pluginEvent
  }

  async run(): Promise<PreviewResult> {
    const {flags} = await this.parse(Preview)
    const env = await this.checkedEnvironment(flags)
    const pluginEvent = this.pluginEventOf(flags)
    // The project is loaded once. Its Python starts slowly, so it starts first; the preview module (the Python
    // parser, the statistics) loads meanwhile, here rather than at start-up, since no other command needs it.
    const [{loadProject}, {resolveWorkingDirectory}, {launchPythonProbe}, {interpreterCacheFile}] = await Promise.all([
      import('../project/project.js'), import('../project/working-directory.js'), import('../request/python-probe.js'), import('../request/interpreter-cache.js'),
    ])
    const workingDirectory = await resolveWorkingDirectory(flags.project, process.cwd())
    const project = await loadProject(workingDirectory, env)
    const python = flags.python
      ? launchPythonProbe({
        // What an unchanged interpreter said last time is remembered in the user's cache.
        cacheFile: interpreterCacheFile(env, process.platform), env, environment: project.versions.environment ?? null,
        environmentPrefix: project.versions.environment?.prefix ?? null, projectRoot: project.root,
        trustProjectPython: flags['trust-project-python'], workingDirectory,
      }).result
      : undefined
    const {buildTelemetryRequests} = await import('../request/request.js')
    const result = await buildTelemetryRequests({
      args: this.kedroArgs(), env, ignoreConsent: flags['ignore-consent'], kedroVersion: flags['kedro-version'],
      loaded: {project, workingDirectory}, pluginEvent, probePython: flags.python, python, telemetryVersion: flags['telemetry-version'],
      trustProjectPython: flags['trust-project-python'],
    })
    if (!this.jsonEnabled()) {
      const {renderPreview, renderPreviewBody, renderPreviewExplained} = await import('../render/preview.js')
      await this.render(result, flags.body ? renderPreviewBody : (flags.explain ? renderPreviewExplained : renderPreview))
    }

    return result
  }
}
