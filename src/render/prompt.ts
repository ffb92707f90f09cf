/** A yes/no question on the terminal, "no" by default: only an explicit yes (see consent/answer.ts) counts. */
import {createInterface} from 'node:readline'

import {isExplicitYes} from '../consent/answer.js'

/** Asks `question (y/N)` on `output`, reads one line of `input`; Ctrl-C or end of input is a no. */
export function askYesNo(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  return new Promise((resolve) => {
    const lines = createInterface({input, output, terminal: Boolean((input as {isTTY?: boolean}).isTTY)})
    let answer: null | string = null
    lines.once('SIGINT', () => {
      output.write('\n')
      lines.close()
    })
    lines.once('close', () => resolve(isExplicitYes(answer)))
    lines.question(`${question} (y/N) `, (line) => {
      answer = line
      lines.close()
    })
  })
}
