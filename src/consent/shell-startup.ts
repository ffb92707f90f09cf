/**
 * What a shell startup file really exports, read as the shell runs it top to bottom: an assignment counts only where
 * the shell runs it on every start (not inside an `if`, a function, a loop, a heredoc or a multi-line string, not
 * behind `&&`/`||`), only when exported (`export X=1`, `X=1` then `export X`, `set -a`), with a value that is not
 * empty, and only while nothing later unsets, empties or unexports it. A mention this reader cannot follow (inside a
 * conditional block, a value built from another variable) makes that variable "could not tell", never "set". It
 * also says when a block appended at the end would not run (an `exit` before it, a heredoc or block left open).
 *
 * Not a shell: it tokenises words, quotes and operators well enough to see structure, and answers "could not tell"
 * where structure hides meaning.
 */

export type ShellSyntax = 'fish' | 'posix'

/** A line that sets a variable, as the scan understood it. */
export interface ScannedLine {
  /** 1-based. */
  line: number
  text: string
  variable: string
}

export interface UnclearLine extends ScannedLine {
  reason: string
}

export interface StartupScan {
  /** Each variable the file leaves exported with a non-empty value: the line that set that value. */
  exported: ScannedLine[]
  /** Mentions of a variable that leave its state unknown; a variable named here is not in `exported`. */
  unclear: UnclearLine[]
  /** Why a block appended at the end of the file would not run, or null. */
  endProblem: null | string
}

interface Token {
  /** An operator (`;`, `&&`, `||`, `|`, `&`, `(`, `)`), else a word. */
  op: boolean
  /** The word with quotes removed; `$` or a backquote outside single quotes makes it `expands`. */
  text: string
  /** The word was written with quotes or a backslash (so `{` or `fi` in it is not a keyword). */
  quoted: boolean
  expands: boolean
}

interface LogicalLine {
  /** 1-based number of its first physical line. */
  line: number
  text: string
  tokens: Token[]
  /** Heredoc delimiters opened on this line, in order: `[word, strip leading tabs]`. */
  heredocs: [string, boolean][]
  /** A quote still open at the end of the text (only at the end of the file). */
  openQuote: boolean
}

/** Splits a logical line into tokens; comments end it. Returns null when a quote is still open (the line continues). */
function tokenise(text: string, syntax: ShellSyntax): null | {heredocs: [string, boolean][]; tokens: Token[]} {
  const tokens: Token[] = []
  const heredocs: [string, boolean][] = []
  let word: null | Token = null
  let pendingHeredoc: null | boolean = null
  const end = () => {
    if (word) {
      if (pendingHeredoc === null) {
        tokens.push(word)
      } else {
        heredocs.push([word.text, pendingHeredoc])
        pendingHeredoc = null
      }
    }

    word = null
  }

  const current = (): Token => (word ??= {expands: false, op: false, quoted: false, text: ''})
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === ' ' || char === '\t') {
      end()
    } else if (char === '#' && word === null) {
      break
    } else if (char === "'" || char === '"') {
      const close = findClosingQuote(text, i, syntax)
      if (close === -1) return null
      const inner = text.slice(i + 1, close)
      const token = current()
      token.quoted = true
      if (char === '"' && /[$`]/.test(inner)) token.expands = true
      token.text += char === '"' ? inner.replaceAll(/\\([\\"$`])/g, '$1') : inner
      i = close
    } else if (char === '\\') {
      const token = current()
      token.quoted = true
      token.text += text[i + 1] ?? ''
      i++
    } else if (char === '$' || char === '`') {
      const token = current()
      token.expands = true
      token.text += char
    } else if (syntax === 'posix' && text.startsWith('<<<', i)) {
      // A here-string, not a heredoc.
      current().text += '<<<'
      i += 2
    } else if (syntax === 'posix' && char === '<' && text[i + 1] === '<') {
      end()
      const strip = text[i + 2] === '-'
      i += strip ? 2 : 1
      pendingHeredoc = strip
    } else if (';&|()'.includes(char)) {
      end()
      const pair = text.slice(i, i + 2)
      const op = pair === '&&' || pair === '||' || pair === ';;' ? pair : char
      tokens.push({expands: false, op: true, quoted: false, text: op})
      i += op.length - 1
    } else {
      current().text += char
    }
  }

  end()
  return {heredocs, tokens}
}

function findClosingQuote(text: string, open: number, syntax: ShellSyntax): number {
  const quote = text[open]
  for (let i = open + 1; i < text.length; i++) {
    // Inside double quotes (and fish's single quotes) a backslash escapes the next character.
    if (text[i] === '\\' && (quote === '"' || syntax === 'fish')) i++
    else if (text[i] === quote) return i
  }

  return -1
}

/** The index of the physical line that closes a heredoc whose body starts at `start`, or -1. */
function heredocEnd(physical: string[], start: number, word: string, strip: boolean): number {
  for (let i = start; i < physical.length; i++) if ((strip ? physical[i].replace(/^\t+/, '') : physical[i]) === word) return i
  return -1
}

/** The file as logical lines: continuations joined, multi-line strings kept whole, heredoc bodies left out. */
function logicalLines(text: string, syntax: ShellSyntax): {lines: LogicalLine[]; openHeredoc: null | {line: number; word: string}} {
  const physical = text.split(/\r?\n/)
  const lines: LogicalLine[] = []
  for (let i = 0; i < physical.length; i++) {
    const first = i
    let joined = physical[i]
    let parsed = tokenise(joined, syntax)
    // A backslash at the end continues the line; an open quote continues it with the newline kept.
    while ((parsed === null || /(?:^|[^\\])(?:\\\\)*\\$/.test(joined)) && i + 1 < physical.length) {
      joined = parsed === null ? `${joined}\n${physical[++i]}` : `${joined.slice(0, -1)}${physical[++i]}`
      parsed = tokenise(joined, syntax)
    }

    lines.push({heredocs: parsed?.heredocs ?? [], line: first + 1, openQuote: parsed === null, text: joined, tokens: parsed?.tokens ?? []})
    // Heredoc bodies follow the line that opens them, in order.
    for (const [word, strip] of parsed?.heredocs ?? []) {
      const end = heredocEnd(physical, i + 1, word, strip)
      if (end === -1) return {lines, openHeredoc: {line: i + 1, word}}
      i = end
    }
  }

  return {lines, openHeredoc: null}
}

const POSIX_OPENERS: Record<string, string> = {case: 'esac', for: 'done', if: 'fi', select: 'done', until: 'done', while: 'done'}
const POSIX_CLOSERS = new Set(['done', 'esac', 'fi'])
const FISH_OPENERS = new Set(['begin', 'for', 'function', 'if', 'switch', 'while'])
const NAME = /^[A-Za-z_]\w*$/
/** Commands that can set, unset or export a variable other than by the forms read here. */
const ASSIGNING_BUILTINS = new Set(['.', 'eval', 'getopts', 'let', 'mapfile', 'printf', 'read', 'readarray', 'source'])
const DECLARING_BUILTINS = new Set(['declare', 'export', 'local', 'readonly', 'typeset', 'unset'])

/** A variable as the shell leaves it so far: its value's line (null: unset or empty) and its export attribute. */
type VariableState = {exported: boolean; kind: 'known'; set: null | ScannedLine} | {kind: 'unclear'; why: UnclearLine}

/** One simple command: its words, and whether it runs only on a condition (after `&&`/`||`, or in a pipeline). */
interface SimpleCommand {
  conditional: boolean
  words: Token[]
}

function simpleCommands(tokens: Token[]): SimpleCommand[] {
  const commands: SimpleCommand[] = []
  let words: Token[] = []
  let conditional = false
  for (const token of tokens) {
    if (!token.op) {
      words.push(token)
      continue
    }

    if (['(', ')'].includes(token.text)) {
      if (words.length > 0 || token.text === ')') commands.push({conditional, words})
      commands.push({conditional, words: [token]})
      words = []
      continue
    }

    commands.push({conditional: conditional || ['&&', '||', '|'].includes(token.text), words})
    conditional = ['&&', '||', '|', '&'].includes(token.text)
    words = []
  }

  commands.push({conditional, words})
  return commands.filter((command) => command.words.length > 0)
}

/** Where blocks open and close: a stack of the words that close them, with the line of each opener. */
type Blocks = {closer: string; line: number}[]

/** Opens or closes blocks for one simple command (the structure, before any meaning). */
function trackBlocks(command: SimpleCommand, blocks: Blocks, syntax: ShellSyntax, line: number): void {
  const [first] = command.words
  const keyword = first.quoted || first.op ? '' : first.text
  if (syntax === 'fish') {
    if (FISH_OPENERS.has(keyword)) blocks.push({closer: 'end', line})
    else if (keyword === 'end') blocks.pop()
    return
  }

  const inCase = blocks.at(-1)?.closer === 'esac'
  if (POSIX_OPENERS[keyword]) blocks.push({closer: POSIX_OPENERS[keyword], line})
  else if ((keyword === '{' || (first.op && first.text === '(')) && !inCase) blocks.push({closer: keyword === '{' ? '}' : ')', line})
  else if (POSIX_CLOSERS.has(keyword) || keyword === '}' || (first.op && first.text === ')' && blocks.at(-1)?.closer === ')')) blocks.pop()
  // A function body (`name() {`, `function name {`) is a block: it runs only when called.
  if (keyword !== '{' && command.words.length > 1 && command.words.at(-1)!.text === '{') blocks.push({closer: '}', line})
}

/** Reads one startup file top to bottom, keeping each wanted variable's state as the shell would. */
class StartupScanner {
  private allExport = false
  private readonly blocks: Blocks = []
  endProblem: null | string = null
  private readonly states = new Map<string, VariableState>()
  private readonly wanted: Set<string>

  constructor(private readonly syntax: ShellSyntax, variables: readonly string[]) {
    this.wanted = new Set(variables)
  }

  scan(lines: LogicalLine[]): void {
    for (const at of lines) {
      if (at.openQuote) this.endProblem = `line ${at.line} opens a quoted string that never closes`
      for (const command of at.openQuote ? [] : simpleCommands(at.tokens)) {
        this.command(command, at)
        if (this.endProblem) return
      }

      if (this.endProblem) return
    }

    if (this.blocks.length > 0) this.endProblem = `line ${this.blocks.at(-1)!.line} opens a block that is never closed`
  }

  result(variables: readonly string[]): Omit<StartupScan, 'endProblem'> {
    const exported: ScannedLine[] = []
    const unclear: UnclearLine[] = []
    for (const variable of variables) {
      const state = this.states.get(variable)
      if (state?.kind === 'unclear') unclear.push(state.why)
      else if (state?.exported && state.set) exported.push(state.set)
    }

    return {exported, unclear}
  }

  /** Whether the command surely runs when the file is read: outside any block, not after `&&`/`||`, not fish's and/or/not. */
  private runsSurely(command: SimpleCommand, depth: number, keyword: string): boolean {
    return depth === 0 && this.blocks.length === 0 && !command.conditional && !(this.syntax === 'fish' && ['and', 'not', 'or'].includes(keyword))
  }

  private command(command: SimpleCommand, at: LogicalLine): void {
    const depth = this.blocks.length
    trackBlocks(command, this.blocks, this.syntax, at.line)
    const [first] = command.words
    const keyword = first.quoted || first.op ? '' : first.text
    if (!this.runsSurely(command, depth, keyword)) {
      const reason = this.blocks.length > 0 || depth > 0
        ? `line ${this.blocks.at(-1)?.line ?? at.line} opens a block that runs only on a condition, or when called`
        : 'it runs only on a condition'
      for (const variable of this.mentioned(command.words)) this.unclear(variable, at, reason)
    } else if (keyword === 'exit' || keyword === 'return') {
      this.endProblem = `line ${at.line}: \`${keyword}\` stops the file there, before anything appended after it`
    } else if (this.syntax === 'posix') {
      this.posix(command.words, at)
    } else {
      this.fish(command.words, at)
    }
  }

  private mentioned(words: Token[]): string[] {
    return [...this.wanted].filter((variable) => words.some((word) => word.text.includes(variable)))
  }

  private unclear(variable: string, at: LogicalLine, reason: string): void {
    this.states.set(variable, {kind: 'unclear', why: {line: at.line, reason, text: at.text.trim(), variable}})
  }

  private known(variable: string): Extract<VariableState, {kind: 'known'}> {
    const state = this.states.get(variable)
    return state?.kind === 'known' ? state : {exported: false, kind: 'known', set: null}
  }

  /** A variable with the export attribute stays exported when assigned again (both shells). */
  private setValue(variable: string, value: Token, exported: boolean, at: LogicalLine): void {
    if (value.expands) {
      this.unclear(variable, at, 'its value is built from another variable or a command')
      return
    }

    const set = value.text === '' ? null : {line: at.line, text: at.text.trim(), variable}
    this.states.set(variable, {exported: exported || this.allExport || this.known(variable).exported, kind: 'known', set})
  }

  private setExport(variable: string, exported: boolean): void {
    this.states.set(variable, {...this.known(variable), exported})
  }

  private unset(variable: string): void {
    this.states.set(variable, {exported: false, kind: 'known', set: null})
  }

  private posix(words: Token[], at: LogicalLine): void {
    const [first, ...rest] = words
    const keyword = first.quoted ? '' : first.text
    if (keyword === 'set') {
      if (rest.some((word) => /^-\w*a/.test(word.text))) this.allExport = true
      if (rest.some((word) => /^\+\w*a/.test(word.text))) this.allExport = false
    } else if (DECLARING_BUILTINS.has(keyword)) {
      this.declaration(keyword, rest, at)
    } else if (words.every((word) => isAssignment(word))) {
      // Assignments alone set shell variables; before a command they are for that command only.
      for (const word of words) {
        const [name, ...value] = word.text.split('=')
        if (this.wanted.has(name)) this.setValue(name, {...word, text: value.join('=')}, false, at)
      }
    } else if (ASSIGNING_BUILTINS.has(keyword)) {
      for (const variable of this.mentioned(words)) this.unclear(variable, at, `\`${keyword}\` may change it`)
    }
  }

  /** `export`, `declare`, `typeset`, `readonly`, `local`, `unset` and their flags. */
  private declaration(keyword: string, operands: Token[], at: LogicalLine): void {
    const flags = operands.filter((word) => /^[+-]/.test(word.text)).map((word) => word.text).join(' ')
    const unexports = (keyword === 'export' && /-\w*n/.test(flags)) || /\+\w*x/.test(flags)
    const exporting = keyword === 'export' ? !unexports : /-\w*x/.test(flags)
    for (const word of operands) {
      const [name, ...value] = word.text.split('=')
      if (!this.wanted.has(name)) continue
      if (keyword === 'unset') this.unset(name)
      else if (unexports) this.setExport(name, false)
      else if (value.length > 0) this.setValue(name, {...word, text: value.join('=')}, exporting, at)
      else if (exporting) this.setExport(name, true)
    }
  }

  private fish(words: Token[], at: LogicalLine): void {
    const [first, ...rest] = words
    if (first.text !== 'set') {
      if (ASSIGNING_BUILTINS.has(first.text)) for (const variable of this.mentioned(rest)) this.unclear(variable, at, `\`${first.text}\` may change it`)
      return
    }

    const flags = rest.filter((word) => word.text.startsWith('-')).map((word) => word.text)
    const has = (short: string, long: string) => flags.some((flag) => flag === `--${long}` || (/^-[a-zA-Z]+$/.test(flag) && flag.includes(short)))
    const [name, ...values] = rest.filter((word) => !word.text.startsWith('-'))
    if (!name || !this.wanted.has(name.text)) {
      for (const variable of this.mentioned(rest)) this.unclear(variable, at, 'a `set` this reader does not follow names it')
    } else if (has('e', 'erase')) {
      this.unset(name.text)
    } else if (has('u', 'unexport')) {
      this.setExport(name.text, false)
    } else if (has('l', 'local') || has('f', 'function')) {
      this.unclear(name.text, at, 'a local variable ends with its block')
    } else if (!has('q', 'query') && !has('n', 'names')) {
      const value = values.map((word) => word.text).join(' ')
      this.setValue(name.text, {expands: values.some((word) => word.expands), op: false, quoted: false, text: value}, has('x', 'export'), at)
    }
  }
}

function isAssignment(word: Token): boolean {
  const equals = word.text.indexOf('=')
  return equals > 0 && NAME.test(word.text.slice(0, equals))
}

export function scanStartupFile(text: string, syntax: ShellSyntax, variables: readonly string[]): StartupScan {
  const {lines, openHeredoc} = logicalLines(text, syntax)
  const scanner = new StartupScanner(syntax, variables)
  scanner.scan(lines)
  const heredoc = openHeredoc && `a heredoc opened on line ${openHeredoc.line} (ending at "${openHeredoc.word}") is never closed`
  return {endProblem: scanner.endProblem ?? heredoc, ...scanner.result(variables)}
}
