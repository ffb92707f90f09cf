/**
 * The newest releases this tool knows of, in a module of its own: commands name them in their help, which must not
 * load every release's data to do so.
 */
export const NEWEST_KNOWN = {kedro: '1.7.0', kedroTelemetry: '0.9.0'} as const
