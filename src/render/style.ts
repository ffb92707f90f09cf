/** Terminal presentation: colour and tables only on a TTY, never with NO_COLOR. */
import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'

export interface Style {
  chalk: ChalkInstance
  /** Draw boxed tables (a TTY); otherwise plain aligned columns that survive pipes and logs. */
  tables: boolean
}

export function terminalStyle(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): Style {
  const tty = Boolean(stream.isTTY)
  // no-color.org: NO_COLOR present and not empty disables colour. FORCE_COLOR is honoured on a TTY only.
  const noColor = Boolean(env.NO_COLOR)
  const level = !tty || noColor ? 0 : (env.FORCE_COLOR === '0' ? 0 : 1)
  return {chalk: new Chalk({level}), tables: tty}
}

/** Rows of cells as a table on a TTY, or as columns padded with spaces otherwise. */
export function renderTable(style: Style, rows: string[][], head?: string[]): string {
  if (style.tables) {
    // cli-table3 colours its borders and head unless told not to, even without colour support.
    const table = new Table({head: head ?? [], style: {border: [], head: []}, wordWrap: true})
    table.push(...rows)
    return table.toString()
  }

  const all = head ? [head, ...rows] : rows
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => visibleLength(row[column] ?? '')))) ?? []
  return all
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, widths[column]))).join('  ').trimEnd())
    .join('\n')
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[\d;]*m/g

function visibleLength(text: string): number {
  return text.replaceAll(ANSI, '').length
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)))
}
