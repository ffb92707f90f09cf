#!/usr/bin/env node
// dist/cli.cjs is the bundled CLI: oclif core and every command in one file (scripts/bundle.js), compiled from the
// code V8 made of it on an earlier run when there is one (src/code-cache.ts).
import {fileURLToPath} from 'node:url'

import {runBundledCli} from '../dist/code-cache.js'

await runBundledCli(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)))
