/** A team policy as read from its file: what it requires, and where in the file each setting is. */

export type ConsentRequirement = 'any' | 'explicit' | 'opted-out'
export type CiRequirement = 'any' | 'opted-out'
export type CheckLevel = 'fail' | 'off' | 'warn'
export type StackRequirement = 'any' | 'opted-out'

export interface Policy {
  /** The policy's checks' levels, by check id (a name in the file is turned into its id). */
  checks: Record<string, CheckLevel>
  ci: CiRequirement
  consent: ConsentRequirement
  /** Glob patterns of folders to skip, relative to `folder`. */
  exclude: string[]
  /** Absolute path of the policy file. */
  file: string
  /** The folder the policy governs (the file's folder). */
  folder: string
  /** The 1-based line of each setting in the file (`consent`, `checks.TEL007`...), for evidence. */
  lines: Record<string, number>
  /** Whether the other tools of the data stack must send nothing. */
  stack: StackRequirement
  /** PEP 440 specifiers of the kedro-telemetry versions allowed, or null for any. */
  telemetryVersions: null | string
}

/** How a command chooses its policy: found from the project (default), a given file, or none (--no-policy). */
export type PolicyChoice = 'find' | 'none' | {file: string}

/** The rules a policy can set that a project must meet (its checks' levels and exclusions are not rules). */
export type PolicyRule = 'ci' | 'consent' | 'kedro-telemetry' | 'stack'

export interface PolicyRuleResult {
  /** Why the answer is not certain (a version assumed rather than read), else null. */
  estimated: null | string
  /** The line of the rule in the policy file. */
  line: number
  met: boolean
  /** What the policy requires, as written in it. */
  required: string
  /** Why the rule is met or not, in one sentence. */
  result: string
  rule: PolicyRule
}

export interface PolicyEvaluation {
  file: string
  met: boolean
  rules: PolicyRuleResult[]
}
