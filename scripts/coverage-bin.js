#!/usr/bin/env node
// The CLI as `npm run coverage` runs it: the same entry as bin/run.js, but from tsc's one-file-per-source build in
// .coverage/build (with source maps), so that coverage maps line for line onto src/. The esbuild bundle that users
// run maps many sources into one chunk, which V8 coverage cannot attribute to the right lines.
import {fileURLToPath} from 'node:url'

import {main} from '../.coverage/build/cli.js'

await main(process.argv.slice(2), fileURLToPath(new URL('..', import.meta.url)), './.coverage/build/cli.js')
