/** Terminal presentation: colour and tables only on a TTY, never with NO_COLOR. */
import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'

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

/** Rows of cells as a table on a TTY, or as columns padded with spaces otherwise. */
export function renderTable(style: Style, rows: string[][], head?: string[]): string {
  if (style.tables) {
    // cli-table3 colours its borders and head unless told not to, even without colour support.
    const table = new Table({
      chars: COMPACT, colWidths: columnWidths(style.width, head ? [head, ...rows] : rows), head: head ?? [],
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
  return text.replaceAll(ANSI, '').length
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)))
}
