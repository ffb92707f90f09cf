// Removes build output so a deleted command never lingers in dist/ or the manifest.
import {rmSync} from 'node:fs'

rmSync(new URL('../dist', import.meta.url), {force: true, recursive: true})
