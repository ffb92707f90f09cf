import {expect} from 'chai'
import path from 'node:path'

import {kedroDetectsCi, wideDetectsCi} from '../src/ci/detect.js'
import {hashedProjectId, kedroHash} from '../src/identity/hash.js'
import {kedroUserIdPath, normaliseUuid, readUserId} from '../src/identity/user-id.js'
import {removeTempDirs, tempDir, writeFiles} from './helpers/sandbox.js'

describe('identity and CI', () => {
  after(removeTempDirs)

  it('hashes as kedro-telemetry does (the spec test vector)', () => {
    expect(hashedProjectId('3c6ada3277824c7585adb3b159d06167', 'spaceflights')).to.equal(
      '8cce493deace1462973ab86e96d3c388b373c55ae284f1da5ccf13bf9435c214fa9c73e7f64c29a8d81fe0497c03881a4dba6986d7b0fe5b7ef5d7bdc69a682b',
    )
    expect(hashedProjectId('abc', null)).to.equal(kedroHash('abcundefined_package_name'))
  })

  it('finds telemetry.toml where appdirs puts it on each platform', () => {
    const cwd = '/work/project'
    expect(kedroUserIdPath({env: {HOME: '/home/u'}, platform: 'linux', workingDirectory: cwd})).to.equal('/home/u/.config/kedro/telemetry.toml')
    expect(kedroUserIdPath({env: {HOME: '/home/u', XDG_CONFIG_HOME: '/xdg'}, platform: 'linux', workingDirectory: cwd})).to.equal('/xdg/kedro/telemetry.toml')
    // os.getenv returns "" for a set but empty variable, and appdirs joins it: a relative path.
    expect(kedroUserIdPath({env: {HOME: '/home/u', XDG_CONFIG_HOME: ''}, platform: 'linux', workingDirectory: cwd})).to.equal('/work/project/kedro/telemetry.toml')
    expect(kedroUserIdPath({env: {HOME: '/Users/u'}, platform: 'darwin', workingDirectory: cwd})).to.equal('/Users/u/Library/Application Support/kedro/telemetry.toml')
    expect(kedroUserIdPath({env: {LOCALAPPDATA: String.raw`C:\Users\u\AppData\Local`}, platform: 'win32', workingDirectory: cwd}))
      .to.equal(String.raw`C:\Users\u\AppData\Local\kedro\kedro\telemetry.toml`)
  })

  it('normalises a uuid as Python uuid.UUID(x).hex does', () => {
    expect(normaliseUuid('0D5C2F6E-8A3B-4C1D-9E7F-123456789ABC')).to.equal('0d5c2f6e8a3b4c1d9e7f123456789abc')
    expect(normaliseUuid('{0d5c2f6e8a3b4c1d9e7f123456789abc}')).to.equal('0d5c2f6e8a3b4c1d9e7f123456789abc')
    expect(normaliseUuid('urn:uuid:0d5c2f6e-8a3b-4c1d-9e7f-123456789abc')).to.equal('0d5c2f6e8a3b4c1d9e7f123456789abc')
    expect(normaliseUuid('not-a-uuid')).to.equal(null)
    expect(normaliseUuid(42)).to.equal(null)
  })

  it('reads the user id file and explains each failure', async () => {
    const dir = tempDir()
    writeFiles(dir, {
      'bad.toml': 'telemetry = [',
      'good.toml': '[telemetry]\nuuid = "0d5c2f6e-8a3b-4c1d-9e7f-123456789abc"\n[other]\nx = 1\n',
      'malformed.toml': '[telemetry]\nuuid = "xyz"\n',
      'nouuid.toml': '[telemetry]\n',
    })
    expect(await readUserId(path.join(dir, 'good.toml'))).to.include({exists: true, userId: '0d5c2f6e8a3b4c1d9e7f123456789abc'})
    expect((await readUserId(path.join(dir, 'missing.toml'))).problem).to.match(/creates one/)
    expect((await readUserId(path.join(dir, 'bad.toml'))).problem).to.match(/not valid TOML/)
    expect((await readUserId(path.join(dir, 'nouuid.toml'))).problem).to.match(/replaces the whole file/)
    expect((await readUserId(path.join(dir, 'malformed.toml'))).problem).to.match(/empty id/)
  })

  it('applies kedro-telemetry\'s exact CI rule', () => {
    expect(kedroDetectsCi({})).to.deep.equal({detected: false, matchedBy: null})
    expect(kedroDetectsCi({CI: 'true'})).to.deep.equal({detected: true, matchedBy: 'CI=true'})
    expect(kedroDetectsCi({CI: '1'}).detected).to.equal(false)
    expect(kedroDetectsCi({CI: 'True'}).detected).to.equal(false)
    expect(kedroDetectsCi({GITHUB_ACTIONS: 'true'}).detected).to.equal(false)
    expect(kedroDetectsCi({GITHUB_ACTION: '__run'})).to.deep.equal({detected: true, matchedBy: 'GITHUB_ACTION'})
    expect(kedroDetectsCi({JENKINS_URL: ''}).detected).to.equal(false)
    for (const name of ['GITLAB_CI', 'BITBUCKET_BUILD_NUMBER', 'JENKINS_URL', 'CODEBUILD_BUILD_ID', 'CIRCLECI', 'TRAVIS', 'BUILDKITE']) {
      expect(kedroDetectsCi({[name]: 'x'}).matchedBy).to.equal(name)
    }
  })

  it('ci-info sees more CI than kedro does, for any environment given', () => {
    expect(wideDetectsCi({CI: '1'}).detected).to.equal(true)
    expect(wideDetectsCi({GITHUB_ACTIONS: 'true'})).to.deep.equal({detected: true, vendor: 'GitHub Actions'})
    expect(wideDetectsCi({}).detected).to.equal(false)
    expect(wideDetectsCi({CI: 'false', GITHUB_ACTIONS: 'true'}).detected).to.equal(false)
  })
})
