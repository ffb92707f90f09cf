/**
 * Command structures of Kedro releases whose CLI is in no public source this tool could read: a stored structure
 * with the changes the release notes describe, always marked estimated. Replace an entry with a
 * generated structure (scripts/import-kedro-cli.js) once the release's dump is available.
 */
import type {CliStructure} from './structures.js'

interface DerivedStructure {
  /** Commands added to (or replacing) those of `from`, by top-level command. */
  changes: (base: CliStructure) => CliStructure
  estimated: string
  from: string
  /** The commands (space-separated paths) whose options are not known. */
  unknownOptions: string[]
}

export const DERIVED_STRUCTURES: Record<string, DerivedStructure> = {
  '1.6.0': {
    changes: (base) => ({
      ...base,
      // Only --help is certain: every click command has it. Any other option of `catalog validate` is masked, as
      // kedro-telemetry masks an option its structure does not hold.
      catalog: {...base.catalog as CliStructure, validate: {'--help': null}},
    }),
    estimated: 'Kedro 1.6.0\'s command structure is not in a public source: 1.5.0\'s is used, with `catalog validate` added (its options are not known, so any of them is shown masked)',
    from: '1.5.0',
    unknownOptions: ['catalog validate'],
  },
}
