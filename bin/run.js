#!/usr/bin/env node
// dist/cli.js is the bundled CLI: oclif core and every command in one module (see scripts/bundle.js).
import {fileURLToPath} from 'node:url'

import {main} from '../dist/cli.js'

await main(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)))
