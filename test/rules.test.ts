import {expect} from 'chai'

import {resolveConsent} from '../src/consent/rules.js'
import {interpretTelemetryBytes} from '../src/consent/interpret.js'
import type {TelemetryFileReading} from '../src/consent/telemetry-file.js'

const ROOT = '/project'

function fileWith(text: null | string): TelemetryFileReading {
  const base = {exists: false, kind: 'missing' as const, path: `${ROOT}/.telemetry`, symlink: false}
  if (text === null) return {...base, consent: null, estimated: null, kedroWouldFail: false, meant: null, problem: null, rawConsent: null, valid: false}
  return {...base, exists: true, kind: 'file', ...interpretTelemetryBytes(Buffer.from(text))}
}

function decide(env: NodeJS.ProcessEnv, text: null | string, telemetryVersion: null | string = '0.8.0', projectRoot: null | string = ROOT) {
  return resolveConsent({env, file: projectRoot ? fileWith(text) : null, projectRoot, telemetryVersion})
}

describe('consent resolution per kedro-telemetry version', () => {
  describe('0.6.0 and later: opt-out', () => {
    it('no decision anywhere is implicit consent: data is sent', () => {
      const decision = decide({}, null)
      expect(decision).to.include({decidedBy: 'default', explicit: false, implicit: true, model: 'opt-out', willSend: true})
      expect(decision.sources.map((s) => s.name)).to.deep.equal(['DO_NOT_TRACK', 'KEDRO_DISABLE_TELEMETRY', 'GITHUB_REPOSITORY_OWNER', '.telemetry'])
      expect(decision.sources.every((s) => !s.decisive)).to.equal(true)
    })

    for (const value of ['1', '0', 'false', 'no', ' ']) {
      it(`DO_NOT_TRACK=${JSON.stringify(value)} declines (any non-empty value)`, () => {
        const decision = decide({DO_NOT_TRACK: value}, 'consent: true')
        expect(decision).to.include({decidedBy: 'DO_NOT_TRACK', explicit: true, willSend: false})
        expect(decision.sources[0]).to.include({decisive: true, effect: 'declines', value})
      })
    }

    it('an empty DO_NOT_TRACK does not count, and the next rule decides', () => {
      const decision = decide({DO_NOT_TRACK: '', KEDRO_DISABLE_TELEMETRY: 'yes'}, null)
      expect(decision.decidedBy).to.equal('KEDRO_DISABLE_TELEMETRY')
      expect(decision.sources[0]).to.include({effect: 'no-decision', value: ''})
    })

    it('DO_NOT_TRACK wins over KEDRO_DISABLE_TELEMETRY, which wins over the owner rule and the file', () => {
      expect(decide({DO_NOT_TRACK: '1', GITHUB_REPOSITORY_OWNER: 'kedro-org', KEDRO_DISABLE_TELEMETRY: '1'}, 'consent: true').decidedBy).to.equal('DO_NOT_TRACK')
      expect(decide({GITHUB_REPOSITORY_OWNER: 'kedro-org', KEDRO_DISABLE_TELEMETRY: '1'}, 'consent: true').decidedBy).to.equal('KEDRO_DISABLE_TELEMETRY')
      expect(decide({GITHUB_REPOSITORY_OWNER: 'kedro-org'}, 'consent: true').decidedBy).to.equal('GITHUB_REPOSITORY_OWNER')
    })

    it('GITHUB_REPOSITORY_OWNER declines only for exactly "kedro-org", and only from 0.6.5', () => {
      expect(decide({GITHUB_REPOSITORY_OWNER: 'Kedro-Org'}, null)).to.include({decidedBy: 'default', willSend: true})
      expect(decide({GITHUB_REPOSITORY_OWNER: 'kedro-org'}, null, '0.6.5')).to.include({decidedBy: 'GITHUB_REPOSITORY_OWNER', willSend: false})
      const before = decide({GITHUB_REPOSITORY_OWNER: 'kedro-org'}, null, '0.6.4')
      expect(before).to.include({decidedBy: 'default', willSend: true})
      expect(before.sources[2].effect).to.equal('not-read')
    })

    it('the file decides when no variable does', () => {
      expect(decide({}, 'consent: off')).to.include({decidedBy: 'telemetry-file', explicit: true, willSend: false})
      expect(decide({}, 'consent: yes')).to.include({decidedBy: 'telemetry-file', explicit: true, willSend: true})
      expect(decide({}, 'consent: "false"')).to.include({decidedBy: 'default', implicit: true, willSend: true})
    })

    it('a file kedro cannot parse makes the kedro command fail: nothing is sent', () => {
      const decision = decide({}, 'consent: [')
      expect(decision).to.include({decidedBy: 'telemetry-file', explicit: false, kedroWouldFail: true, willSend: false})
      expect(decision.reason).to.match(/kedro would fail/)
    })

    it('outside a project only the environment counts and data is still sent', () => {
      const decision = decide({}, null, '0.8.0', null)
      expect(decision).to.include({decidedBy: 'default', implicit: true, willSend: true})
      expect(decision.sources[3]).to.include({effect: 'not-read'})
      expect(decide({KEDRO_DISABLE_TELEMETRY: '1'}, null, '0.8.0', null).willSend).to.equal(false)
    })
  })

  describe('before 0.6.0: opt-in', () => {
    it('no valid file means a pending prompt: nothing is sent yet', () => {
      const decision = decide({}, null, '0.5.0')
      expect(decision).to.include({decidedBy: 'prompt-pending', model: 'opt-in', promptPending: true, willSend: false})
      expect(decision.reason).to.match(/aborted where standard input is closed .*\.telemetry is left empty.*waits at the prompt/)
      expect(decide({}, 'consent: n', '0.3.1').decidedBy).to.equal('prompt-pending')
    })

    it('environment variables are not read at all', () => {
      const decision = decide({DO_NOT_TRACK: '1', KEDRO_DISABLE_TELEMETRY: '1'}, 'consent: true', '0.5.0')
      expect(decision).to.include({decidedBy: 'telemetry-file', willSend: true})
      expect(decision.sources.slice(0, 3).every((s) => s.effect === 'not-read')).to.equal(true)
    })

    it('a valid file decides', () => {
      expect(decide({}, 'consent: false', '0.2.3')).to.include({decidedBy: 'telemetry-file', explicit: true, willSend: false})
    })

    it('outside a project nothing is sent', () => {
      expect(decide({}, null, '0.5.0', null)).to.include({decidedBy: 'default', willSend: false})
    })
  })

  it('without kedro-telemetry installed nothing is sent', () => {
    expect(decide({}, null, null)).to.include({decidedBy: 'not-installed', model: null, willSend: false})
  })
})
