/**
 * What a project's settings.py changes about where Kedro reads configuration: CONF_SOURCE (the folder, relative to
 * the project root) and CONFIG_LOADER_ARGS' base_env and default_run_env. Read statically with the Python evaluator;
 * a value it cannot follow is reported rather than guessed.
 */
import path from 'node:path'

import {readTextSafeSync} from '../checkout/files.js'
import {analysePython, childrenOf, EvaluationGuard, type PyValue, runStatement, type Scope} from './python.js'

export interface ProjectSettings {
  baseEnv: null | string
  confSource: null | string
  defaultRunEnv: null | string
  /** Why the figures that depend on these settings may be off. */
  estimated: string[]
}

function stringOf(value: PyValue | undefined, name: string, estimated: string[]): null | string {
  if (value === undefined) return null
  if (value.kind === 'str') return value.value
  estimated.push(`settings.py sets ${name} to something this tool does not follow`)
  return null
}

export function readSettings(projectRoot: string, sourceDir: string, packageName: string): ProjectSettings {
  const settings: ProjectSettings = {baseEnv: null, confSource: null, defaultRunEnv: null, estimated: []}
  const read = readTextSafeSync(path.join(projectRoot, sourceDir, ...packageName.split('.'), 'settings.py'), {within: projectRoot})
  if (!read.ok) {
    // No settings.py: Kedro's defaults. One that exists but cannot be read here may move the configuration.
    if (read.kind !== 'missing') settings.estimated.push(`${read.reason}, so where it puts the configuration is not known`)
    return settings
  }

  const source = read.text

  const scope: Scope = new Map()
  const {syntax, tree} = analysePython(source)
  if (syntax.kind !== 'ok' || !tree) {
    settings.estimated.push(`settings.py ${syntax.kind === 'error' ? `has a syntax error (${syntax.message})` : `holds ${syntax.kind === 'beyond-parser' ? syntax.reason : 'code this tool cannot parse'}`}, so where it puts the configuration is not known`)
    return settings
  }

  const context = {guard: new EvaluationGuard(), scope, source}
  for (const statement of childrenOf(tree.topNode)) if (statement.name === 'AssignStatement') runStatement(statement, context)
  settings.confSource = stringOf(scope.get('CONF_SOURCE'), 'CONF_SOURCE', settings.estimated)
  const loaderArgs = scope.get('CONFIG_LOADER_ARGS')
  if (loaderArgs?.kind === 'dict') {
    const entry = (key: string) => loaderArgs.entries.find(([name]) => name.kind === 'str' && name.value === key)?.[1]
    settings.baseEnv = stringOf(entry('base_env'), 'base_env', settings.estimated)
    settings.defaultRunEnv = stringOf(entry('default_run_env'), 'default_run_env', settings.estimated)
  } else if (loaderArgs !== undefined) {
    settings.estimated.push('settings.py sets CONFIG_LOADER_ARGS to something this tool does not follow')
  }

  return settings
}
