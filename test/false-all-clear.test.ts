/**
 * No false all-clear: on a checkout built to make the tool say "ok", "passed" or "already set" while the opposite
 * holds, each answer is the truth, an "estimated" with the reason, or an error (exit 2).
 */
import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import type {AuditReport} from '../src/audit/audit.js'
import type {ErrorReport} from '../src/errors.js'
import {listDirectorySync} from '../src/checkout/files.js'
import {runInProcess, runJsonInProcess} from './helpers/in-process.js'
import {gitInit, makeProject, removeTempDirs, tempDir} from './helpers/sandbox.js'

const env = () => {
  const home = tempDir('kc-home-')
  return {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share')}
}

describe('no false all-clear', () => {
  after(removeTempDirs)

  describe('a folder name that is not valid UTF-8', () => {
    /** A tree holding a sound project and, in a Latin-1 named folder, one that commits `consent: true`. */
    function treeWithLatin1Project(): {hidden: Buffer; root: string} {
      const root = tempDir('kc-tree-')
      gitInit(root)
      writeFileSync(path.join(root, '.kedro-consent.yml'), 'version: 1\nconsent: opted-out\n')
      makeProject({'.gitignore': '.telemetry\n', '.telemetry': 'consent: false\n'}, path.join(root, 'sound'))
      const hidden = Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([0xE9])])
      mkdirSync(hidden)
      writeFileSync(Buffer.concat([hidden, Buffer.from('/pyproject.toml')]), '[tool.kedro]\npackage_name = "x"\n')
      writeFileSync(Buffer.concat([hidden, Buffer.from('/.telemetry')]), 'consent: true\n')
      return {hidden, root}
    }

    it('is listed with its bytes shown, never as a name that points nowhere', () => {
      const {root} = treeWithLatin1Project()
      const listing = listDirectorySync(root, root)
      expect(listing.ok && listing.entries.find((entry) => entry.kind === 'undecodable')?.name).to.equal(String.raw`caf\xe9`)
    })

    for (const command of [['audit'], ['enforce', '--dry-run'], ['guard']]) {
      it(`a project inside it stops \`${command.join(' ')}\` (exit 2) instead of being skipped`, async () => {
        const {root} = treeWithLatin1Project()
        const run = await runJsonInProcess<ErrorReport>([...command, '--json'], {cwd: root, env: env()})
        expect(run.code).to.equal(2)
        expect(run.json.error.code).to.equal('UNDECODABLE_NAME')
        expect(run.json.error.message).to.include(String.raw`caf\xe9`)
      })
    }

    it('such a folder without a project in it changes nothing', async () => {
      const root = tempDir('kc-tree-')
      makeProject({}, path.join(root, 'project'))
      mkdirSync(Buffer.concat([Buffer.from(`${root}/project/data-`), Buffer.from([0xFF, 0xFE])]))
      const run = await runJsonInProcess<AuditReport>(['audit', '--json', root], {env: env()})
      expect(run.json.projects).to.have.length(1)
      expect((await runInProcess(['status', path.join(root, 'project')], {env: env()})).code).to.equal(0)
    })
  })
})
