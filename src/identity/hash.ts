import {createHash} from 'node:crypto'

/** kedro-telemetry's `_hash`: unsalted SHA-512 of the UTF-8 text, 128 lowercase hex digits. */
export function kedroHash(text: string): string {
  return createHash('sha512').update(text, 'utf8').digest('hex')
}

const UNDEFINED_PACKAGE_NAME = 'undefined_package_name'

/** The `project_id` property kedro-telemetry 0.5.0+ sends: hash(project_id + package_name). */
export function hashedProjectId(projectId: string, packageName: null | string): string {
  return kedroHash(`${projectId}${packageName || UNDEFINED_PACKAGE_NAME}`)
}
