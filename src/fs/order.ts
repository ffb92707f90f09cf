/**
 * Orders strings by UTF-16 code units: the same on every machine and locale, and free, where `localeCompare` first
 * builds an ICU collator (about 6 ms, a tenth of node's own start-up).
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : (a > b ? 1 : 0)
}
