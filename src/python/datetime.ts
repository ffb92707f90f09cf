/** Python's datetime, as kedro-telemetry formats its timestamp. */

/** `datetime.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")`: local time with a literal Z, microseconds from milliseconds. */
export function kedroTimestamp(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds() * 1000, 6)}Z`
}
