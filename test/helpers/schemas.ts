import {Ajv, type ValidateFunction} from 'ajv'
import addFormatsModule from 'ajv-formats'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {REPO_ROOT} from './sandbox.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const ajv = addFormats(new Ajv({allErrors: true, strict: true}))
const cache = new Map<string, ValidateFunction>()

/** Validates `value` against `schemas/<name>`, failing with ajv's messages. */
export function expectValid(name: string, value: unknown): void {
  let validate = cache.get(name)
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', name), 'utf8')))
    cache.set(name, validate)
  }

  if (!validate(value)) throw new Error(`${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value, null, 2)}`)
}
