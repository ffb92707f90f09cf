/** PEP 440 version specifiers (">=3.2.0,!=3.3.0"), by the @renovatebot/pep440 library, behind one small module. */
import {satisfies, valid, validRange} from '@renovatebot/pep440'

/**
 * `version` is allowed by `specifiers`; null when `version` is not a PEP 440 version (`latest`, empty, a control
 * character: a requirement or an installed METADATA can hold anything), so that the caller says it cannot tell.
 */
export function versionSatisfies(version: string, specifiers: string): boolean | null {
  return valid(version) === null ? null : satisfies(version, specifiers)
}

/** `specifiers` is a list PEP 440 accepts. */
export function isValidSpecifierSet(specifiers: string): boolean {
  return Boolean(validRange(specifiers))
}
