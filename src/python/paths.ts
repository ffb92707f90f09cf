/**
 * The few path functions a project's code uses to find its configuration: pathlib's Path (PurePosixPath's parsing,
 * `/`, `parent`, `parents`, `name`, `cwd()`, `absolute()`, `resolve()`, `exists()`) and os.getcwd / os.path (join,
 * dirname, basename, abspath, normpath), as CPython's pathlib.py and posixpath.py compute them. The working directory
 * is kedro's; a file is looked at only inside the project. POSIX only: on Windows a path is not followed.
 */
import path from 'node:path'

import {functionValue, type PyValue, raises, str, typeName, unknown} from './values.js'

/** Where the code runs, and how its files are looked at (the caller keeps the look inside the project). */
export interface PathScene {
  /** What is at an absolute path: null where it is not looked at (outside the project, unreadable). */
  kindOf: (file: string) => 'directory' | 'file' | 'missing' | 'other' | null
  /** The path with its symbolic links resolved (the path itself where it does not exist). */
  realPath: (file: string) => string
  /** os.getcwd(): the folder kedro runs in. */
  workingDirectory: string
}

/** PurePosixPath's str() of these parts: the last absolute part resets, `.` and empty parts dropped, `//` kept. */
export function purePosixPath(parts: string[]): string {
  let root = ''
  let components: string[] = []
  for (const part of parts) {
    if (part.startsWith('/')) {
      root = part.startsWith('//') && !part.startsWith('///') ? '//' : '/'
      components = []
    }

    components.push(...part.split('/').filter((piece) => piece !== '' && piece !== '.'))
  }

  return root + components.join('/') || '.'
}

/** posixpath.normpath. */
export function normpath(file: string): string {
  if (file === '') return '.'
  const leading = file.startsWith('/') ? (file.startsWith('//') && !file.startsWith('///') ? 2 : 1) : 0
  const kept: string[] = []
  for (const piece of file.split('/')) {
    if (piece === '' || piece === '.') continue
    if (piece !== '..' || (leading === 0 && kept.length === 0) || kept.at(-1) === '..') kept.push(piece)
    else if (kept.length > 0) kept.pop()
  }

  return '/'.repeat(leading) + kept.join('/') || '.'
}

/** posixpath.join. */
export function joinPosix(first: string, ...rest: string[]): string {
  let joined = first
  for (const part of rest) {
    if (part.startsWith('/')) joined = part
    else if (joined === '' || joined.endsWith('/')) joined += part
    else joined += `/${part}`
  }

  return joined
}

/** posixpath.dirname. */
export function dirname(file: string): string {
  const head = file.slice(0, file.lastIndexOf('/') + 1)
  return head && head !== '/'.repeat(head.length) ? head.replace(/\/+$/, '') : head
}

const texts = (values: PyValue[]): null | string[] => (values.every((value) => value.kind === 'str' || (value.kind === 'object' && value.className === 'PosixPath'))
  ? values.map((value) => (value.kind === 'str' ? value.value : (value as {text: string}).text))
  : null)

/** A path's parents, nearest first (PurePath.parents). */
function parentsOf(text: string): string[] {
  const parents: string[] = []
  let current = text
  for (;;) {
    const parent = purePosixPath([dirname(current) || '.'])
    if (parent === current) return parents
    parents.push(parent)
    current = parent
  }
}

type Kind = NonNullable<ReturnType<PathScene['kindOf']>>

function existence(text: string, scene: PathScene, wanted: (kind: Kind) => boolean): PyValue {
  const kind = scene.kindOf(path.posix.resolve(scene.workingDirectory, text))
  return kind === null ? unknown(`whether ${text} exists is not looked at (outside the project)`) : {kind: 'bool', value: wanted(kind)}
}

/** Attributes computed when first asked for. */
function lazyMembers(table: Record<string, () => PyValue>): Map<string, PyValue> {
  const made = new Map<string, PyValue>()
  return new (class extends Map<string, PyValue> {
    override get(name: string): PyValue | undefined {
      if (!Object.hasOwn(table, name)) return undefined
      if (!made.has(name)) made.set(name, table[name]())
      return made.get(name)
    }

    override has(name: string): boolean {
      return Object.hasOwn(table, name)
    }
  })()
}

/** A PosixPath value: its str(), its attributes and methods, and `/`. */
export function pathValue(text: string, scene: PathScene): PyValue {
  const of = (other: string) => pathValue(other, scene)
  const absolute = text.startsWith('/') ? text : purePosixPath([scene.workingDirectory, text])
  // Made as they are asked for: a path's parent is a path, whose parent is another, up to the root.
  const members = lazyMembers({
    absolute: () => functionValue(() => of(absolute)),
    exists: () => functionValue(() => existence(text, scene, (kind) => kind !== 'missing')),
    is_dir: () => functionValue(() => existence(text, scene, (kind) => kind === 'directory')),
    is_file: () => functionValue(() => existence(text, scene, (kind) => kind === 'file')),
    joinpath: () => functionValue((args) => {
      const parts = texts(args)
      return parts ? of(purePosixPath([text, ...parts])) : unknown('Path.joinpath() of a value that is not a str or a path')
    }),
    name: () => str(text === '.' || text === '/' || text === '//' ? '' : text.slice(text.lastIndexOf('/') + 1)),
    parent: () => of(parentsOf(text)[0] ?? text),
    parents: () => ({items: parentsOf(text).map((parent) => of(parent)), kind: 'list'}),
    resolve: () => functionValue(() => {
      // Lexical, unless a symbolic link is on the way (resolve follows it before `..`).
      const lexical = normpath(absolute)
      return scene.realPath(absolute) === absolute || scene.realPath(lexical) === lexical ? of(lexical) : unknown(`Path.resolve() through a symbolic link: ${text}`)
    }),
  })
  return {
    className: 'PosixPath', getItem: () => raises("TypeError: 'PosixPath' object is not subscriptable"), kind: 'object', members, text,
    trueDivide: (other, reflected) => {
      const [part] = texts([other]) ?? []
      if (part === undefined) return raises(`TypeError: unsupported operand type(s) for /: '${reflected ? typeName(other) : 'PosixPath'}' and '${reflected ? 'PosixPath' : typeName(other)}'`)
      return of(purePosixPath(reflected ? [part, text] : [text, part]))
    },
  }
}

/** pathlib and os as the project's code imports them, where kedro runs; not followed on Windows. */
export function pathModules(scene: PathScene | null, platform: NodeJS.Platform): Map<string, Map<string, PyValue>> {
  if (!scene || platform === 'win32') return new Map()
  const path_ = (args: PyValue[]): PyValue => {
    const parts = texts(args)
    return parts ? pathValue(purePosixPath(parts), scene) : unknown('Path() of a value that is not a str or a path')
  }

  const pathClass: PyValue = {...functionValue((args) => path_(args)), members: new Map([['cwd', functionValue(() => pathValue(scene.workingDirectory, scene))]])}
  const strings = (name: string, compute: (parts: string[]) => string, arity: 'one' | 'many') => functionValue((args) => {
    const parts = texts(args)
    if (!parts || (arity === 'one' && parts.length !== 1) || parts.length === 0) return unknown(`os.path.${name}() of these arguments`)
    return str(compute(parts))
  })
  const osPath = new Map<string, PyValue>([
    ['abspath', strings('abspath', ([file]) => normpath(file.startsWith('/') ? file : joinPosix(scene.workingDirectory, file)), 'one')],
    ['basename', strings('basename', ([file]) => file.slice(file.lastIndexOf('/') + 1), 'one')],
    ['dirname', strings('dirname', ([file]) => dirname(file), 'one')],
    ['join', strings('join', ([first, ...rest]) => joinPosix(first, ...rest), 'many')],
    ['normpath', strings('normpath', ([file]) => normpath(file), 'one')],
  ])
  return new Map([
    ['os', new Map<string, PyValue>([['getcwd', functionValue(() => str(scene.workingDirectory))], ['path', {kind: 'module', members: osPath, name: 'os.path'}]])],
    ['os.path', osPath],
    ['pathlib', new Map([['Path', pathClass], ['PosixPath', pathClass]])],
  ])
}
