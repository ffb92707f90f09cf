/**
 * The team policy file's JSON Schema: the one source of schemas/policy.schema.json and of the policy reference in
 * docs/teams.md (both written by scripts/docs.js), and what a policy is validated against when it is read.
 */
import {CHECKS} from '../audit/checks/index.js'

const POLICY_VERSION = 1

const CHECK_LEVEL = {
  description: 'fail: the check fails the audit when it does not hold; warn: it warns (fails under --strict); off: it is reported as skipped, whatever it finds',
  enum: ['fail', 'warn', 'off'],
}

export const POLICY_SCHEMA = {
  $id: 'https://github.com/kedro-consent/kedro-consent/schemas/policy.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  additionalProperties: false,
  description: 'A team\'s rule about Kedro usage data, committed at a repository or project root as .kedro-consent.yml and applied by status, audit, opt-in and enforce to every project at or below it.',
  properties: {
    checks: {
      additionalProperties: CHECK_LEVEL,
      description: 'The level of audit checks, by id (TEL007) or name (identifiers): replaces the default level of each check named.',
      propertyNames: {enum: CHECKS.flatMap((check) => [check.id, check.name])},
      type: 'object',
    },
    ci: {
      default: 'any',
      description: 'opted-out: CI jobs must not send (every CI configuration that runs kedro disables telemetry first: TEL005 fails; a run in CI must not send); any: no rule.',
      enum: ['opted-out', 'any'],
    },
    consent: {
      default: 'any',
      description: 'The consent state every project must be in. opted-out: kedro-telemetry sends nothing (a .telemetry decision or an opt-out variable), and opt-in is refused; explicit: a decision was made (either way) rather than implicit consent; any: no rule.',
      enum: ['opted-out', 'explicit', 'any'],
    },
    exclude: {
      description: 'Folders the audit and enforce skip, as glob patterns relative to the policy file\'s folder (legacy/**, sandbox/*).',
      items: {minLength: 1, type: 'string'},
      type: 'array',
    },
    'kedro-telemetry': {
      description: 'The kedro-telemetry versions allowed, as PEP 440 specifiers (">=0.6.0,!=0.7.0"); a project with another version does not meet the policy. A project without kedro-telemetry always does.',
      minLength: 1,
      type: 'string',
    },
    stack: {
      default: 'any',
      description: 'opted-out: no other tool of the data stack the project brings in (dbt, MLflow, Streamlit...) may send usage data from here; any: no rule.',
      enum: ['opted-out', 'any'],
    },
    version: {const: POLICY_VERSION, description: 'The policy format\'s version: 1.'},
  },
  required: ['version'],
  title: 'Team policy (.kedro-consent.yml)',
  type: 'object',
} as const
