#!/usr/bin/env node
// dist/cli.js is the bundled CLI: oclif core and every command in one module (see scripts/bundle.js).
import {delimitPreviewArgv, execute} from '../dist/cli.js'

// `telemetry preview run --help` previews `kedro run --help`: kedro's arguments are marked off before oclif sees them.
await execute({args: delimitPreviewArgv(process.argv.slice(2)), dir: import.meta.url})
