/** Python's getpass module. */
import {userInfo} from 'node:os'

/** `getpass.getuser()`: LOGNAME, USER, LNAME, USERNAME, then the password database. */
export function getuser(env: NodeJS.ProcessEnv): string {
  return env.LOGNAME || env.USER || env.LNAME || env.USERNAME || userInfo().username
}
