/**
 * The two edits `revoke` makes to TOML files, as line removals that leave every other byte as it was (invalid UTF-8
 * included), each checked by parsing the result: the user uuid from kedro's telemetry.toml, and the
 * [tool.kedro_telemetry] table from pyproject.toml. The lines are handled as bytes (one character per byte); only
 * the parse that checks the edit decodes them.
 */
import {parse as parseToml} from 'smol-toml'

type TomlEdit = {bytes: Buffer; changed: boolean; ok: true} | {ok: false; reason: string}

type Table = Record<string, unknown>

/** Lines with their own line endings, so that joining them gives the bytes back exactly. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

/** One character per byte, so that nothing is re-encoded. */
function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1')
}

function parse(text: string): null | Table {
  try {
    return parseToml(Buffer.from(text, 'latin1').toString('utf8'))
  } catch {
    return null
  }
}

const HEADER = /^\s*\[/
const COMMENT_OR_BLANK = /^\s*(#.*)?\r?\n?$/

function headerIs(line: string, dotted: string): boolean {
  const match = /^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?\r?\n?$/.exec(line)
  return match !== null && match[1].replaceAll(/["'\s]/g, '') === dotted
}

function checked(original: Table, text: string, expected: (data: Table) => void): TomlEdit {
  const after = parse(text)
  const wanted = structuredClone(original)
  expected(wanted)
  return after && JSON.stringify(after) === JSON.stringify(wanted)
    ? {bytes: Buffer.from(text, 'latin1'), changed: true, ok: true}
    : {ok: false, reason: 'it is written in a form this tool does not edit; change it by hand'}
}

/** Removes `uuid` from the `[telemetry]` table of telemetry.toml; every other key stays. */
export function removeUserIdFromToml(bytes: Uint8Array): TomlEdit {
  const text = byteString(bytes)
  const data = parse(text)
  if (!data) return {ok: false, reason: 'it is not valid TOML'}
  const table = data.telemetry as Table | undefined
  if (!table || typeof table !== 'object' || !('uuid' in table)) return {bytes: Buffer.from(bytes), changed: false, ok: true}
  let section: null | string = null
  const kept = linesOf(text).filter((line) => {
    if (HEADER.test(line)) section = headerIs(line, 'telemetry') ? 'telemetry' : 'other'
    const key = section === 'telemetry' ? /^\s*["']?uuid["']?\s*=/ : (section === null ? /^\s*["']?telemetry["']?\s*\.\s*["']?uuid["']?\s*=/ : null)
    return !(key && key.test(line))
  })
  const edited = kept.join('')
  return checked(data, edited, (wanted) => {
    delete (wanted.telemetry as Table).uuid
    // `telemetry.uuid = ...` was the table's only key: the table goes with it.
    if (Object.keys(wanted.telemetry as Table).length === 0 && !('telemetry' in (parse(edited) ?? {}))) delete wanted.telemetry
  })
}

/** Removes the `[tool.kedro_telemetry]` table (its header and key lines) from pyproject.toml. */
export function removeProjectIdTable(bytes: Uint8Array): TomlEdit {
  const text = byteString(bytes)
  const data = parse(text)
  if (!data) return {ok: false, reason: 'it is not valid TOML'}
  const tool = data.tool as Table | undefined
  if (!tool || !('kedro_telemetry' in tool)) return {bytes: Buffer.from(bytes), changed: false, ok: true}
  const lines = linesOf(text)
  const start = lines.findIndex((line) => headerIs(line, 'tool.kedro_telemetry'))
  if (start === -1) return {ok: false, reason: 'its [tool.kedro_telemetry] is not a table header of its own; remove it by hand'}
  let end = lines.findIndex((line, index) => index > start && HEADER.test(line))
  if (end === -1) end = lines.length
  // Comments and blank lines just before the next header belong to what follows, and stay.
  while (end - 1 > start && COMMENT_OR_BLANK.test(lines[end - 1])) end--
  const edited = [...lines.slice(0, start), ...lines.slice(end)].join('')
  return checked(data, edited, (wanted) => {
    delete (wanted.tool as Table).kedro_telemetry
  })
}
