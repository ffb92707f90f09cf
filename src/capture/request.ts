/** One request kedro-telemetry made, exactly as it reached the transport: what a capture records and compares. */
export interface CapturedRequest {
  /** The body as text (kedro-telemetry's JSON), exactly the bytes as UTF-8. */
  body: string
  /** The event name read from the body, or null when the body is not JSON. */
  event: null | string
  /** The headers of the prepared request, in order: what would have gone on the wire besides Host. */
  headers: [string, string][]
  method: string
  /** The process that made it (kedro, or one it started: an IPython kernel, a worker). */
  pid: number
  url: string
}
