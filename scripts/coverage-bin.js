#!/usr/bin/env node
// The CLI as `npm run coverage` runs it: the same entry as bin/run.js, but from tsc's one-file-per-source build in
// .coverage/build (with source maps), so that coverage maps line for line onto src/. The esbuild bundle that users
// run maps many sources into one chunk, which V8 coverage cannot attribute to the right lines.
import {execute} from '@oclif/core/execute'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const {delimitPreviewArgv, packageJsonFor} = await import('../.coverage/build/cli.js')
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const pjson = {...packageJson, oclif: {...packageJson.oclif, commands: {...packageJson.oclif.commands, target: './.coverage/build/cli.js'}}}
const args = delimitPreviewArgv(process.argv.slice(2))
await execute({args, loadOptions: {pjson: packageJsonFor(args, pjson), root}})
