/**
 * PEP 440 versions, by the @renovatebot/pep440 library (the same that answers specifiers in specifiers.ts): comparison
 * for Array.prototype.sort, and validity. Kept behind this module so that callers never know the library.
 */
import {compare, valid} from '@renovatebot/pep440'

export function isValidVersion(text: string): boolean {
  return valid(text.trim()) !== null
}

/** Negative, zero or positive, as Array.prototype.sort expects; throws for a text that is not a PEP 440 version. */
export function compareVersions(left: string, right: string): number {
  for (const text of [left, right]) if (!isValidVersion(text)) throw new Error(`not a version: ${text}`)
  return compare(left.trim(), right.trim())
}
