/** Terminal presentation: colour and tables only on a TTY, never with NO_COLOR. */
import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'

/** Text printed exactly as given, never wrapped or cut: a request body that must copy whole. */
export interface Verbatim {
  verbatim: string
}

/** What a renderer returns: text wrapped to a terminal's width, and any verbatim parts in between. */
export type Rendered = Array<string | Verbatim> | string

export interface Style {
  chalk: ChalkInstance
  /** Draw boxed tables (a TTY); otherwise plain aligned columns that survive pipes and logs. */
  tables: boolean
  /** Columns available for a table. */
  width: number
}

export function terminalStyle(stream: {columns?: number; isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): Style {
  const tty = Boolean(stream.isTTY)
  // no-color.org: NO_COLOR present and not empty disables colour. FORCE_COLOR is honoured on a TTY only.
  const noColor = Boolean(env.NO_COLOR)
  const level = !tty || noColor ? 0 : (env.FORCE_COLOR === '0' ? 0 : 1)
  return {chalk: new Chalk({level}), tables: tty, width: stream.columns || Number(env.COLUMNS) || 80}
}

// Rows without separators between them: a table per section stays short.
const COMPACT = {'left-mid': '', mid: '', 'mid-mid': '', 'right-mid': ''}

/** Below this width the wrapped last column becomes unreadable (a word or two per line): a list reads better. */
const NARROWEST_LAST_COLUMN = 28

/**
 * Rows of cells as a table on a TTY, or as columns padded with spaces otherwise. On a TTY too narrow for the table
 * (its last column would fall under NARROWEST_LAST_COLUMN), each row becomes a short list instead.
 */
export function renderTable(style: Style, rows: string[][], head?: string[]): string {
  if (style.tables) {
    const widths = columnWidths(style.width, head ? [head, ...rows] : rows)
    if (widths.at(-1)! < NARROWEST_LAST_COLUMN && widths.length > 1) return renderList(style, rows, head)
    // cli-table3 colours its borders and head unless told not to, even without colour support.
    const table = new Table({
      chars: COMPACT, colWidths: widths, head: head ?? [],
      style: {border: [], head: []}, wordWrap: true,
    })
    table.push(...rows)
    return table.toString()
  }

  const all = head ? [head, ...rows] : rows
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => cellWidth(row[column] ?? '')))) ?? []
  // A cell of several lines continues under its own column.
  return all.flatMap((row) => {
    const cells = row.map((cell) => cell.split('\n'))
    const height = Math.max(...cells.map((lines) => lines.length))
    return Array.from({length: height}, (_, line) => cells
      .map((lines, column) => (column === row.length - 1 ? lines[line] ?? '' : pad(lines[line] ?? '', widths[column])))
      .join('  ')
      .trimEnd())
  }).join('\n')
}

/**
 * Each row as a list: its first cell as a heading, the others below it as `name: value` (the bare value for a table
 * without a head), wrapped to the width. Rows that share their first cell (an audit's checks of one project) are
 * grouped under one heading, each led by its second cell.
 */
function renderList(style: Style, rows: string[][], head?: string[]): string {
  const oneLine = (cell: string) => cell.split('\n').join(' ')
  // A cell's later lines (an audit finding's fix) stay lines of their own, under its first.
  const items = (cells: string[], from: number, indent: string) => cells.slice(from).flatMap((cell, index) => (cell.trim() === ''
    ? []
    : cell.split('\n').map((part, line) => `${indent}${line === 0 && head ? `${head[index + from]}: ` : ''}${part}`)))
  const lines: string[] = []
  const rowsOf = new Map<string, number>()
  for (const [first] of rows) rowsOf.set(first, (rowsOf.get(first) ?? 0) + 1)
  rows.forEach((row, index) => {
    const grouped = rowsOf.get(row[0])! > 1
    if (index === 0 || rows[index - 1][0] !== row[0]) lines.push(style.chalk.bold(oneLine(row[0])))
    if (grouped) lines.push(`- ${oneLine(row[1])}`, ...items(row, 2, '    '))
    else lines.push(...items(row, 1, '  '))
  })
  return fitToWidth(lines.join('\n'), style.width)
}

/**
 * Lines longer than `width` broken at spaces, each continuation indented two more than its line; a word longer than
 * a line is cut. Colour codes take no width.
 */
export function fitToWidth(text: string, width: number): string {
  return text.split('\n').flatMap((line) => (visibleLength(line) <= width ? [line] : wrapLine(line, width))).join('\n')
}

/** The words of a line, a command in backticks counting as one word so that wrapping never breaks a command apart. */
function wordsKeepingCommands(text: string): string[] {
  const words: string[] = []
  let open = false
  for (const word of text.split(' ')) {
    if (open) words[words.length - 1] += ` ${word}`
    else words.push(word)
    if ((word.split('`').length - 1) % 2 === 1) open = !open
  }

  return words
}

function wrapLine(line: string, width: number): string[] {
  const leading = line.length - line.trimStart().length
  const indent = ' '.repeat(Math.min(leading + 2, Math.floor(width / 2)))
  const out: string[] = []
  let current = line.slice(0, leading)
  let used = leading
  let empty = true
  const flush = () => {
    out.push(current)
    current = indent
    used = indent.length
    empty = true
  }

  for (const word of wordsKeepingCommands(line.slice(leading))) {
    const needed = visibleLength(word) + (empty ? 0 : 1)
    if (used + needed <= width) {
      current += empty ? word : ` ${word}`
      used += needed
      empty = false
      continue
    }

    if (!empty) flush()
    // A word wider than a line (a hash, a path) is cut into pieces that fill the line.
    let rest = word
    while (visibleLength(rest) > width - used) {
      const [piece, tail] = splitVisible(rest, width - used)
      current += piece
      flush()
      rest = tail
    }

    current += rest
    used += visibleLength(rest)
    empty = rest === ''
  }

  if (!empty) out.push(current)
  return out
}

// eslint-disable-next-line no-control-regex -- a colour code starts with ESC
const LEADING_COLOUR_CODE = /^\u001B\[[\d;]*m/

/** The first `count` visible characters of `text` (colour codes kept with them), and the rest. */
function splitVisible(text: string, count: number): [string, string] {
  let visible = 0
  let index = 0
  while (index < text.length && visible < count) {
    const code = LEADING_COLOUR_CODE.exec(text.slice(index))
    if (code) {
      index += code[0].length
      continue
    }

    const char = String.fromCodePoint(text.codePointAt(index)!)
    index += char.length
    visible += 1
  }

  return [text.slice(0, index), text.slice(index)]
}

function cellWidth(cell: string): number {
  return Math.max(...cell.split('\n').map((line) => visibleLength(line)))
}

/** Natural widths, except that the last column shrinks (and wraps) so the table fits `width`. */
function columnWidths(width: number, rows: string[][]): number[] {
  const natural = rows[0].map((_, column) => Math.max(...rows.map((row) => cellWidth(row[column] ?? ''))) + 2)
  const borders = natural.length + 1
  const others = natural.slice(0, -1).reduce((sum, w) => sum + w, 0)
  const last = natural.at(-1)!
  return [...natural.slice(0, -1), Math.min(last, Math.max(12, width - others - borders))]
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[\d;]*m/g

function visibleLength(text: string): number {
  return [...text.replaceAll(ANSI, '')].length
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)))
}
