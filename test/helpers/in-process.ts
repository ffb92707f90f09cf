/**
 * Runs `telemetry ARGS` in this process: oclif's own `execute` with the commands loaded from src/ (not the bundle),
 * an environment built from scratch (cleanEnv), the working directory set, and stdout and stderr captured. About a
 * fifth of a child process's time, and the code it runs counts for coverage as it is. What needs a real process stays
 * with runCli: a terminal (tty), standard input, the network guard, the built and packed CLI.
 */
import {Exit} from '@oclif/core/handle'
import path from 'node:path'

import {main} from '../../src/cli.js'
import {type CliResult, cleanEnv, jsonResult, REPO_ROOT} from './sandbox.js'

export interface InProcessOptions {
  cwd?: string
  /** Variables on top of the clean base environment, as for runCli. */
  env?: Record<string, string | undefined>
}

type Write = typeof process.stdout.write

export async function runInProcess(args: string[], options: InProcessOptions = {}): Promise<CliResult> {
  const saved = {
    argv: process.argv, cwd: process.cwd(), drain: process.stdout.listenerCount('drain'), env: process.env, exitCode: process.exitCode,
    // Kept to be put back on their own objects, never called apart from them.
    /* eslint-disable @typescript-eslint/unbound-method */
    exit: Exit.exit, stderr: process.stderr.write, stdout: process.stdout.write,
    /* eslint-enable @typescript-eslint/unbound-method */
  }
  const output = {stderr: '', stdout: ''}
  const capture = (stream: 'stderr' | 'stdout'): Write => ((chunk: string | Uint8Array) => {
    output[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  })
  let exit: number | undefined
  process.env = cleanEnv(options.env)
  // oclif's error handler reads the command line from process.argv (to show help for a usage error).
  process.argv = [process.execPath, path.join(REPO_ROOT, 'bin', 'run.js'), ...args]
  process.exitCode = undefined
  if (options.cwd) process.chdir(options.cwd)
  // oclif ends an error with Exit.exit (process.exit), which it provides for tests to replace.
  Exit.exit = ((code?: number) => {
    exit = code
  }) as typeof Exit.exit

  process.stdout.write = capture('stdout')
  process.stderr.write = capture('stderr')
  try {
    // The command classes from the TypeScript sources, through the tsx loader mocha runs with.
    await main(args, REPO_ROOT, './src/cli.ts')
    return {code: exit ?? Number(process.exitCode ?? 0), stderr: output.stderr, stdout: output.stdout}
  } finally {
    process.stdout.write = saved.stdout
    process.stderr.write = saved.stderr
    // oclif's flush waits for a 'drain' that a captured write never emits: its listeners go with the run.
    for (const listener of process.stdout.listeners('drain').slice(saved.drain)) process.stdout.removeListener('drain', listener as () => void)
    Exit.exit = saved.exit
    process.env = saved.env
    process.argv = saved.argv
    process.exitCode = saved.exitCode
    process.chdir(saved.cwd)
  }
}

/** runInProcess with `--json`, the output parsed. */
export async function runJsonInProcess<T>(args: string[], options: InProcessOptions = {}): Promise<{code: null | number; json: T; stderr: string}> {
  return jsonResult<T>(await runInProcess([...args, '--json'], options))
}
