/**
 * oclif's parse errors (an unknown flag, a missing value, flags that exclude each other) as the one line and hint
 * every other error of this tool ends with, instead of the error followed by the command's whole usage.
 */
import {InputError} from './errors.js'

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }

    previous = current
  }

  return previous[b.length]
}

/** The known name closest to `word`, when it is close enough to be a typo (a third of its letters at most). */
export function closestName(word: string, known: readonly string[]): string | undefined {
  let best: {distance: number; name: string} | undefined
  for (const name of known) {
    const distance = editDistance(word, name)
    if (!best || distance < best.distance) best = {distance, name}
  }

  return best && best.distance <= Math.max(1, Math.floor(word.length / 3)) ? best.name : undefined
}

/** What a parse error says, on one line: its first line, or the reasons it lists under "The following error occurred:". */
function oneLine(message: string): string {
  // oclif colours the reasons (dim); the message is ours to print, plain.
  // eslint-disable-next-line no-control-regex
  const lines = message.replaceAll(/\u001B\[[\d;]*m/g, '').split('\n').map((line) => line.trim())
    .filter((line) => line && line !== 'See more help with --help')
  if (lines.length > 1 && lines[0].endsWith(':')) return lines.slice(1).join('; ')
  return lines[0] ?? 'invalid command line'
}

/**
 * A parse error of `telemetry <command>` as an InputError (exit 2): one line, and a hint naming the closest flag
 * when an unknown one looks like a typo, and where the help is.
 */
export function usageError(message: string, command: string, unknownFlags: readonly string[], knownFlags: readonly string[]): InputError {
  const help = `see \`${['telemetry', command, '--help'].filter(Boolean).join(' ')}\``
  const suggestions = unknownFlags
    .filter((flag) => flag.startsWith('--'))
    .map((flag) => closestName(flag.slice(2).split('=')[0], knownFlags))
    .filter((name): name is string => name !== undefined)
  const hint = suggestions.length > 0 ? `did you mean ${suggestions.map((name) => `--${name}`).join(', ')}? Or ${help}` : help
  return new InputError(oneLine(message), {code: 'USAGE', hint})
}

/**
 * An unknown command (`telemetry statsu`) as one line and a hint naming the closest command, when one looks like a
 * typo, and where the list of commands is. `known` holds command ids as oclif spells them (`a:b` for `a b`).
 */
export function unknownCommand(id: string, known: readonly string[]): {hint: string; message: string} {
  const spoken = (commandId: string) => commandId.replaceAll(':', ' ')
  const closest = closestName(id, known)
  const help = 'see `telemetry --help`'
  return {
    hint: closest === undefined ? help : `did you mean \`telemetry ${spoken(closest)}\`? Or ${help}`,
    message: `${spoken(id)} is not a telemetry command`,
  }
}
