import {Ajv, type ValidateFunction} from 'ajv'
import addFormatsModule from 'ajv-formats'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {REPO_ROOT} from './sandbox.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const ajv = addFormats(new Ajv({allErrors: true, strict: true}))
// Every schema is registered under its file name, so that schemas can $ref one another.
const directory = path.join(REPO_ROOT, 'schemas')
for (const name of readdirSync(directory).filter((file) => file.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as object, name)
}

const cache = new Map<string, ValidateFunction>()

/** Validates `value` against `schemas/<name>`, failing with ajv's messages. */
export function expectValid(name: string, value: unknown): void {
  let validate = cache.get(name)
  if (!validate) {
    validate = ajv.getSchema(name)
    if (!validate) throw new Error(`no schema ${name}`)
    cache.set(name, validate)
  }

  if (!validate(value)) throw new Error(`${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value, null, 2)}`)
}
