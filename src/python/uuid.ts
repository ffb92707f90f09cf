/** Python's uuid module. */

/** `uuid.UUID(text).hex`, or null where Python raises. */
export function uuidHex(value: unknown): null | string {
  if (typeof value !== 'string') return null
  const hex = value.replaceAll('urn:', '').replaceAll('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replaceAll('-', '')
  return /^[\dA-Fa-f]{32}$/.test(hex) ? hex.toLowerCase() : null
}
