/**
 * What a project's pipeline code may call in each Kedro release (node(), Node, pipeline(), Pipeline, find_pipelines()
 * and what kedro.pipeline exports), from the release's own source (src/releases/kedro-cli/, pipelineApi), and the
 * TypeError Python raises for a call the signature does not take.
 */
import {compareVersions} from '../python/pep440.js'
import {
  KEDRO_MODULE_NAMES, KEDRO_MODULES, KEDRO_PIPELINE_APIS, KEDRO_RELEASE_MODULES, KEDRO_RELEASE_PIPELINE_API, KEDRO_SETTINGS_IMPORTS, type KedroPipelineApi,
  type PySignature,
} from '../masking/structures.js'
import {type PyValue, raises} from '../python/values.js'

const STORED = Object.keys(KEDRO_RELEASE_PIPELINE_API).sort(compareVersions)

/** The pipeline API of `kedroVersion`: its own when stored, else the nearest stored release's, with why it is estimated. */
export function pipelineApiFor(kedroVersion: string): {api: KedroPipelineApi; estimated: null | string} {
  const release = /^\d+\.\d+\.\d+/.exec(kedroVersion)?.[0]
  if (release && Object.hasOwn(KEDRO_RELEASE_PIPELINE_API, release)) return {api: KEDRO_PIPELINE_APIS[KEDRO_RELEASE_PIPELINE_API[release]], estimated: null}
  const nearest = STORED.filter((version) => compareVersions(version, kedroVersion) <= 0).at(-1) ?? STORED[0]
  return {
    api: KEDRO_PIPELINE_APIS[KEDRO_RELEASE_PIPELINE_API[nearest]],
    estimated: `the signatures of node() and Pipeline in Kedro ${kedroVersion} are not stored: ${nearest}'s are used`,
  }
}

/**
 * The names `from <module> import X` accepts in a stored Kedro release (the module's attributes and submodules, from
 * the release's own source), for the modules settings.py commonly imports from; null when the release has no such
 * module; undefined when not known (another module, or a release not stored).
 */
export function kedroModuleNames(kedroVersion: string, module: string): null | string[] | undefined {
  const release = storedRelease(kedroVersion)
  const modules = release === null ? undefined : KEDRO_SETTINGS_IMPORTS[release]
  if (!modules || !Object.hasOwn(modules, module)) return undefined
  const index = modules[module]
  return index === null ? null : KEDRO_MODULE_NAMES[index]
}

/** The stored release whose data a Kedro version uses as its own (a post release shares its release's), or null. */
function storedRelease(kedroVersion: string): null | string {
  const release = /^\d+\.\d+\.\d+/.exec(kedroVersion)?.[0]
  return release !== undefined && !/(?:a|b|rc|dev)\d*$/i.test(kedroVersion) && Object.hasOwn(KEDRO_RELEASE_MODULES, release) ? release : null
}

/** Whether a stored Kedro release has the module `kedro.x.y` (from its own files); null when not known. */
export function kedroHasModule(kedroVersion: string, module: string): boolean | null {
  const release = storedRelease(kedroVersion)
  if (release === null) return null
  return KEDRO_RELEASE_MODULES[release].some((index) => KEDRO_MODULES[index] === module)
}

/**
 * The TypeError Python raises when `name(*args, **keywords)` does not fit `signature`, or null: too many positional
 * arguments, an unexpected keyword, a parameter given twice, a required one missing.
 */
export function signatureError(name: string, signature: PySignature, positional: number, keywords: string[]): null | string {
  const {keywordOnly, required, varKeyword, varPositional} = signature
  const names = signature.positional
  if (!varPositional && positional > names.length) {
    return `TypeError: ${name}() takes ${names.length} positional argument${names.length === 1 ? '' : 's'} but ${positional} were given`
  }

  for (const keyword of keywords) {
    const index = names.indexOf(keyword)
    if (index !== -1 && index < positional) return `TypeError: ${name}() got multiple values for argument '${keyword}'`
    if (index === -1 && !keywordOnly.includes(keyword) && !varKeyword) return `TypeError: ${name}() got an unexpected keyword argument '${keyword}'`
  }

  const missing = required.filter((parameter) => {
    const index = names.indexOf(parameter)
    return !(index !== -1 && index < positional) && !keywords.includes(parameter)
  })
  return missing.length > 0 ? `TypeError: ${name}() missing ${missing.length} required argument${missing.length === 1 ? '' : 's'}: ${missing.map((item) => `'${item}'`).join(', ')}` : null
}

/** What importing `name` from a Kedro module raises in this release (a name or module it lacks), or null. */
export function kedroImportFailure(kedroVersion: string, module: string, name: null | string): null | PyValue {
  // Python imports each parent first: the first one missing is the one named.
  const parts = module.split('.')
  if (parts[0] === 'kedro') {
    for (let length = 2; length <= parts.length; length++) {
      const parent = parts.slice(0, length).join('.')
      if (kedroHasModule(kedroVersion, parent) === false) return raises(`ModuleNotFoundError: No module named '${parent}'`)
    }
  }

  const names = kedroModuleNames(kedroVersion, module)
  if (names === undefined) return null
  if (names === null) return raises(`ModuleNotFoundError: No module named '${module}'`)
  return name === null || name === '*' || names.includes(name) ? null : raises(`ImportError: cannot import name '${name}' from '${module}'`)
}
