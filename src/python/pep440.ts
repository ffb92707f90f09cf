/**
 * PEP 440 version comparison, enough for Kedro releases: release segments, pre-releases (a, b, rc), post and dev.
 * Returns a negative number, zero or a positive number like Array.prototype.sort expects.
 */
interface ParsedVersion {
  dev: number
  post: number
  pre: [number, number] | null
  release: number[]
}

const VERSION_PATTERN =
  /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:[-_.]?(?:post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9.]+)?$/i

const PRE_RANK: Record<string, number> = {a: 0, alpha: 0, b: 1, beta: 1, c: 2, pre: 2, preview: 2, rc: 2}

function parseVersion(text: string): ParsedVersion | null {
  const match = VERSION_PATTERN.exec(text.trim())
  if (!match) return null
  const [, release, preLabel, preNumber, post, dev] = match
  return {
    dev: dev === undefined ? Number.POSITIVE_INFINITY : Number(dev || 0),
    post: post === undefined ? -1 : Number(post || 0),
    pre: preLabel ? [PRE_RANK[preLabel.toLowerCase()], Number(preNumber || 0)] : null,
    release: release.split('.').map(Number),
  }
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== null
}

export function compareVersions(left: string, right: string): number {
  const a = parseVersion(left)
  const b = parseVersion(right)
  if (!a || !b) throw new Error(`not a version: ${a ? right : left}`)
  const length = Math.max(a.release.length, b.release.length)
  for (let i = 0; i < length; i++) {
    const diff = (a.release[i] ?? 0) - (b.release[i] ?? 0)
    if (diff !== 0) return diff
  }

  // A pre-release sorts before its final release; a dev release before everything else of the same release.
  const preKey = (v: ParsedVersion): [number, number] =>
    v.pre ?? (v.post === -1 && v.dev !== Number.POSITIVE_INFINITY ? [-1, 0] : [3, 0])
  const [aPre, bPre] = [preKey(a), preKey(b)]
  if (aPre[0] !== bPre[0]) return aPre[0] - bPre[0]
  if (aPre[1] !== bPre[1]) return aPre[1] - bPre[1]
  if (a.post !== b.post) return a.post - b.post
  if (a.dev === b.dev) return 0
  return a.dev < b.dev ? -1 : 1
}

