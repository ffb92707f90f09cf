#!/usr/bin/env node
// dist/cli.js is the bundled CLI: oclif core and every command in one module (see scripts/bundle.js).
import {execute} from '../dist/cli.js'

await execute({dir: import.meta.url})
