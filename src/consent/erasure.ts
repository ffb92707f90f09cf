/** What revoke tells the user about data already sent: deleting local files erases nothing at the collector. */
import type {ConsentPlan} from './change.js'

const TELEMETRY_DOCS = 'https://docs.kedro.org/en/stable/about/telemetry/'

export function erasureStatement(identifiers: ConsentPlan['identifiers']): string {
  const quoted = [
    identifiers.userId ? `user id (sent as identity and username): ${identifiers.userId}` : null,
    identifiers.hashedProjectId ? `project id as sent (project_id): ${identifiers.hashedProjectId}` : null,
  ].filter(Boolean)
  // A telemetry.toml that could not be read may still hold the id that was sent: not "nothing to quote" then.
  const unread = identifiers.userIdProblem ? `; the user id could not be read here (${identifiers.userIdProblem}): quote the uuid in ${identifiers.userIdPath}` : ''
  const ids = quoted.length > 0
    ? ` quoting ${quoted.join('; ')}${unread}`
    : (unread ? ` ${unread.slice(2)}` : ' (no identifiers were found on this machine, so there may be nothing to quote)')
  return 'Deleting the ids here stops their future use; what was already sent stays with the collector. To have it ' +
    `erased, ask the Kedro team, the data controller named in Kedro's telemetry documentation (${TELEMETRY_DOCS}),${ids}.`
}
