/**
 * What a project's settings.py changes about where Kedro reads configuration: CONF_SOURCE (the folder, relative to
 * the project root) and CONFIG_LOADER_ARGS' base_env and default_run_env. Read statically with the Python evaluator;
 * a value it cannot follow is reported rather than guessed.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {childrenOf, lookup, parsePython, type PyValue, runStatement, type Scope} from './python.js'

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
  let source: string
  try {
    source = readFileSync(path.join(projectRoot, sourceDir, ...packageName.split('.'), 'settings.py'), 'utf8')
  } catch {
    return settings // No settings.py: Kedro's defaults.
  }

  const scope: Scope = new Map()
  const tree = parsePython(source)
  for (const statement of childrenOf(tree.topNode)) if (statement.name === 'AssignStatement') runStatement(statement, {scope, source})
  settings.confSource = stringOf(lookup(scope, 'CONF_SOURCE'), 'CONF_SOURCE', settings.estimated)
  const loaderArgs = lookup(scope, 'CONFIG_LOADER_ARGS')
  if (loaderArgs?.kind === 'dict') {
    const entry = (key: string) => loaderArgs.entries.find(([name]) => name.kind === 'str' && name.value === key)?.[1]
    settings.baseEnv = stringOf(entry('base_env'), 'base_env', settings.estimated)
    settings.defaultRunEnv = stringOf(entry('default_run_env'), 'default_run_env', settings.estimated)
  } else if (loaderArgs !== undefined) {
    settings.estimated.push('settings.py sets CONFIG_LOADER_ARGS to something this tool does not follow')
  }

  return settings
}
