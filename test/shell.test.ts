import {expect} from 'chai'
import {execFileSync} from 'node:child_process'

import {shellWord} from '../src/shell.js'

describe('a word printed for a person to copy into a shell', () => {
  /** What a POSIX shell makes of the word, with HOME set. */
  const asShellSees = (word: string) => execFileSync('sh', ['-c', `printf %s ${word}`], {encoding: 'utf8', env: {HOME: '/home/ada', PATH: process.env.PATH}})

  it('is one word to the shell, whatever it holds', () => {
    for (const text of ['plain/path.txt', 'two words', "it's", '$HOME', 'a;b', '*', '-', '`x`', 'tab\there']) {
      expect(asShellSees(shellWord(text)), text).to.equal(text)
    }
  })

  it('keeps a leading ~/ unquoted, so the shell still expands it to the home folder', () => {
    expect(shellWord('~/proj')).to.equal('~/proj')
    expect(asShellSees(shellWord('~/my project'))).to.equal('/home/ada/my project')
    expect(asShellSees(shellWord("~/it's"))).to.equal("/home/ada/it's")
    // A tilde anywhere else is text.
    expect(asShellSees(shellWord('a ~/b'))).to.equal('a ~/b')
  })
})
