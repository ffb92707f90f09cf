/**
 * Whether Python's `logging.config.dictConfig` accepts a logging configuration, as Kedro applies it when it is
 * imported, before anything else: a formatter, filter or handler it cannot build stops every kedro command, so that
 * nothing at all is sent. Read statically: a dotted name is resolved against the standard library's logging classes,
 * the release's own (kedro.logging.RichHandler), rich's, and the project's own package as files; anything else
 * depends on the environment, and makes the answer estimated.
 */
import path from 'node:path'

import {entryKindSync, readTextSafeSync} from '../checkout/files.js'
import {moduleBinding} from '../python/bindings.js'
import {STDLIB_MODULES} from '../python/stdlib.js'
import type {KedroRelease} from '../releases/releases.js'
import {importFolders, type PreviewContext} from './context.js'
import {installedIn, KEDRO_DEPENDENCIES} from '../statistics/importable.js'

/** What dictConfig does: accepts it, raises (with why), or cannot be told here (with why). */
export type LoggingVerdict = {estimated: null | string; kind: 'accepted'} | {kind: 'fails'; reason: string}

const LOGGING_CLASSES = new Set([
  'logging.BufferingFormatter', 'logging.FileHandler', 'logging.Filter', 'logging.Formatter', 'logging.Handler', 'logging.NullHandler',
  'logging.StreamHandler', 'logging.handlers.BufferingHandler', 'logging.handlers.DatagramHandler', 'logging.handlers.HTTPHandler',
  'logging.handlers.MemoryHandler', 'logging.handlers.NTEventLogHandler', 'logging.handlers.QueueHandler', 'logging.handlers.RotatingFileHandler',
  'logging.handlers.SMTPHandler', 'logging.handlers.SocketHandler', 'logging.handlers.SysLogHandler', 'logging.handlers.TimedRotatingFileHandler',
  'logging.handlers.WatchedFileHandler', 'rich.logging.RichHandler',
])
/** Handlers that open their file when configured (delay defaults to false): its folder must exist. */
const FILE_HANDLERS = new Set(['logging.FileHandler', 'logging.handlers.RotatingFileHandler', 'logging.handlers.TimedRotatingFileHandler', 'logging.handlers.WatchedFileHandler'])
const LEVELS = new Set(['CRITICAL', 'DEBUG', 'ERROR', 'FATAL', 'INFO', 'NOTSET', 'WARN', 'WARNING'])
/** logging's PercentStyle.validation_pattern: a `%`-style format needs at least one field. */
const PERCENT_FIELD = /%\(\w+\)[#0+ -]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxefgcrsa%]/i

interface Checking {
  /**
   * The folders kedro's interpreter imports from (its site-packages and what their .pth files add), or null when they
   * are not known. The working directory is not among them: the `kedro` script's own folder is sys.path[0].
   */
  importFolders: null | string[]
  /** The project's package and where its sources are, to resolve names in it. */
  project: null | {packageName: string; root: string; sourceDir: string}
  release: KedroRelease
  /** The working directory kedro runs in (file handlers' relative paths). */
  workingDirectory: string
}

type Resolution = {estimated: string; kind: 'unknown'} | {kind: 'found'} | {kind: 'missing'; reason: string}

/** logging.config's _resolve of a dotted name, as far as files and known names tell. */
function resolve(dotted: string, checking: Checking): Resolution {
  if (LOGGING_CLASSES.has(dotted)) return {kind: 'found'}
  if (dotted.startsWith('logging.')) return {kind: 'missing', reason: `the standard library's logging has no ${dotted}`}
  if (dotted === 'kedro.logging.RichHandler') {
    return checking.release.kedroRichHandler ? {kind: 'found'} : {kind: 'missing', reason: `Kedro ${checking.release.version} has no kedro.logging.RichHandler`}
  }

  const parts = dotted.split('.')
  const {project} = checking
  if (project && parts[0] === project.packageName.split('.')[0]) {
    // The project's package: a module that is not there, or a name it does not define, cannot be imported anywhere.
    const base = path.join(project.root, project.sourceDir)
    for (let split = parts.length - 1; split >= 1; split--) {
      const modulePath = path.join(base, ...parts.slice(0, split))
      const file = [`${modulePath}.py`, path.join(modulePath, '__init__.py')].find((candidate) => entryKindSync(candidate, project.root) === 'file')
      if (!file) continue
      const read = readTextSafeSync(file, {within: project.root})
      if (!read.ok) return {estimated: `${dotted}: ${read.reason}`, kind: 'unknown'}
      if (moduleBinding(read.text, parts[split]) === 'unbound') return {kind: 'missing', reason: `${parts.slice(0, split).join('.')} defines no ${parts[split]}`}
      // Kedro configures logging before it puts the project's source folder on sys.path: it imports only if installed.
      return notInstalled(parts[0], checking) ?? {estimated: `${dotted} is the project's own: it imports only where the project is installed in the environment`, kind: 'unknown'}
    }

    return {kind: 'missing', reason: `the project has no module for ${dotted}`}
  }

  if (STDLIB_MODULES.has(parts[0]) || KEDRO_DEPENDENCIES.has(parts[0])) return {estimated: `whether ${dotted} exists is not read here`, kind: 'unknown'}
  return notInstalled(parts[0], checking) ?? {estimated: `whether ${dotted} can be imported depends on the environment`, kind: 'unknown'}
}

/** logging's importer finds no top-level module `top` where kedro's interpreter imports from; null when it may. */
function notInstalled(top: string, checking: Checking): Resolution | null {
  return checking.importFolders && !installedIn(top, checking.importFolders) ? {kind: 'missing', reason: `No module named '${top}' where kedro runs`} : null
}

/** A `%`, `{` or `$` style format that logging.Formatter refuses (Python 3.8 on validates it). */
function badFormat(format: unknown, style: unknown): null | string {
  if (typeof format !== 'string') return null
  if (style === '{') return /\{[^{}]*\}/.test(format) ? null : `the format ${JSON.stringify(format)} has no {field} for the { style`
  if (style === '$') return /\$(?:\w+|\{\w+\})/.test(format) ? null : `the format ${JSON.stringify(format)} has no $field for the $ style`
  return PERCENT_FIELD.test(format) ? null : `the format ${JSON.stringify(format)} has no %(field)s`
}

const isLevel = (level: unknown) => level === undefined || (typeof level === 'number' && Number.isInteger(level)) || (typeof level === 'string' && LEVELS.has(level))

type Section = Record<string, unknown>

/** A list of names in the configuration (a handler's filters, a logger's handlers), as text. */
function namesIn(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item))) : []
}

function entries(value: unknown): [string, Section][] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, Section>) : []
}

/** Builds what dictConfig builds, in its order; the first refusal is the answer, what cannot be told is collected. */
class DictConfig {
  readonly unsure: string[] = []

  constructor(private readonly root: Section, private readonly checking: Checking) {}

  /** A formatter, filter or handler's class or factory: its resolution, and Kedro 1.4.0's refusal of '()'. */
  private built(kind: string, name: string, section: Section, classKey: '()' | 'class'): null | string {
    const dotted = section[classKey]
    if (typeof dotted !== 'string') return `${kind} ${name} names no class`
    if (this.checking.release.loggingFactoriesRefused && classKey === '()') return `Kedro ${this.checking.release.version} refuses the '()' key (${kind} ${name})`
    const found = resolve(dotted, this.checking)
    if (found.kind === 'missing') return `Unable to configure ${kind} '${name}': ${found.reason}`
    if (found.kind === 'unknown') this.unsure.push(found.estimated)
    return null
  }

  formatters(): null | string {
    for (const [name, section] of entries(this.root.formatters)) {
      const problem = '()' in section ? this.built('formatter', name, section, '()') : ('class' in section ? this.built('formatter', name, section, 'class') : null)
      if (problem) return problem
      const style = section.style ?? '%'
      if (typeof style !== 'string' || !['%', '$', '{'].includes(style)) return `Unable to configure formatter '${name}': style must be one of %, {, $`
      const format = badFormat(section.format ?? section.fmt, style)
      if (format && !('()' in section)) return `Unable to configure formatter '${name}': ${format}`
    }

    return null
  }

  filters(): null | string {
    for (const [name, section] of entries(this.root.filters)) {
      const problem = '()' in section ? this.built('filter', name, section, '()') : null
      if (problem) return problem
    }

    return null
  }

  handlers(): null | string {
    const formatterNames = new Set(entries(this.root.formatters).map(([name]) => name))
    const filterNames = new Set(entries(this.root.filters).map(([name]) => name))
    for (const [name, section] of entries(this.root.handlers)) {
      const problem = this.built('handler', name, section, '()' in section ? '()' : 'class')
      if (problem) return problem
      if (typeof section.formatter === 'string' && !formatterNames.has(section.formatter)) return `Unable to configure handler '${name}': no formatter ${JSON.stringify(section.formatter)}`
      if (!isLevel(section.level)) return `Unable to configure handler '${name}': unknown level ${JSON.stringify(section.level)}`
      const missingFilter = namesIn(section.filters).find((filter) => !filterNames.has(filter))
      if (missingFilter !== undefined) return `Unable to configure handler '${name}': no filter ${JSON.stringify(missingFilter)}`
      const opensFile = FILE_HANDLERS.has(String(section.class)) && section.delay !== true && typeof section.filename === 'string'
      if (opensFile && entryKindSync(path.dirname(path.resolve(this.checking.workingDirectory, section.filename as string)), null) !== 'directory') {
        return `Unable to configure handler '${name}': the folder of ${section.filename as string} does not exist`
      }
    }

    return null
  }

  loggers(): null | string {
    const handlerNames = new Set(entries(this.root.handlers).map(([name]) => name))
    const root: [string, Section][] = this.root.root ? [['root', this.root.root as Section]] : []
    for (const [name, section] of [...entries(this.root.loggers), ...root]) {
      if (!isLevel(section.level)) return `Unable to configure logger '${name}': unknown level ${JSON.stringify(section.level)}`
      const missing = namesIn(section.handlers).find((handler) => !handlerNames.has(handler))
      if (missing !== undefined) return `Unable to configure logger '${name}': no handler ${JSON.stringify(missing)}`
    }

    return null
  }
}

/** The first reason dictConfig raises for this configuration, or what leaves it unsure. */
export function checkLoggingConfig(config: unknown, checking: Checking): LoggingVerdict {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return {kind: 'fails', reason: 'the logging configuration is not a mapping'}
  const root = config as Section
  if (root.version !== 1) return {kind: 'fails', reason: `unsupported logging configuration version ${JSON.stringify(root.version ?? null)}`}
  if (root.incremental === true) return {estimated: 'an incremental logging configuration changes the one before it, which is not read here', kind: 'accepted'}
  const building = new DictConfig(root, checking)
  const refused = building.formatters() ?? building.filters() ?? building.handlers() ?? building.loggers()
  if (refused) return {kind: 'fails', reason: refused}
  return {estimated: building.unsure.length > 0 ? [...new Set(building.unsure)].join('; ') : null, kind: 'accepted'}
}

/** What checking a logging configuration needs to know of the project and kedro's environment. */
export function loggingChecking(context: PreviewContext): Checking {
  const {pyproject, root} = context.project
  return {
    importFolders: importFolders(context) ?? null,
    project: root && pyproject?.packageName ? {packageName: pyproject.packageName, root, sourceDir: pyproject.sourceDir ?? 'src'} : null,
    release: context.kedroRelease, workingDirectory: context.workingDirectory,
  }
}
