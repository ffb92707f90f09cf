/** PEP 440 version specifiers (">=3.2.0,!=3.3.0"), by the @renovatebot/pep440 library, behind one small module. */
import {satisfies, validRange} from '@renovatebot/pep440'

/** `version` is allowed by `specifiers`. */
export function versionSatisfies(version: string, specifiers: string): boolean {
  return satisfies(version, specifiers)
}

/** `specifiers` is a list PEP 440 accepts. */
export function isValidSpecifierSet(specifiers: string): boolean {
  return Boolean(validRange(specifiers))
}
