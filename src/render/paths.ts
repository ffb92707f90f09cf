/** Paths as a person reads them on screen (kept in src/fs/display-path.ts, which the domain's messages use too). */
export {currentHome, displayPath, homePath} from '../fs/display-path.js'
