/**
 * The headers the `requests` library puts on the wire around the one kedro-telemetry sets (Content-Type): a
 * Session's defaults (requests/utils.py default_headers), then the request's own, then Content-Length. Which
 * encodings it offers to decompress is urllib3's make_headers(accept_encoding=True): brotli and zstd when installed.
 */
import {compareVersions} from '../python/pep440.js'

interface WireHeaders {
  /** Why a header may differ from what goes out (a version this tool could not read), or null. */
  estimated: null | string
  headers: Record<string, string>
}

export function wireHeaders(headers: Record<string, string>, bodyText: string, installed: Record<string, string>): WireHeaders {
  const encodings = ['gzip', 'deflate']
  if (installed.brotli || installed.brotlicffi) encodings.push('br')
  // urllib3 2.x also offers zstd when the zstandard package is there.
  if (installed.zstandard && installed.urllib3 && compareVersions(installed.urllib3, '2.0.0') >= 0) encodings.push('zstd')
  const missing = ['requests', 'urllib3'].filter((name) => !installed[name])
  return {
    estimated: missing.length > 0
      ? `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not found in the project's environment, so the User-Agent version and the encodings offered are not known`
      : null,
    headers: {
      'User-Agent': `python-requests/${installed.requests ?? '<its version>'}`,
      'Accept-Encoding': encodings.join(', '),
      Accept: '*/*',
      Connection: 'keep-alive',
      ...headers,
      'Content-Length': String(Buffer.byteLength(bodyText, 'utf8')),
    },
  }
}
