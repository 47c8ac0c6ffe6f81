/**
 * The error policy every command shares (src/cli/output.ts): one line, an optional hint, the exit
 * code, stack traces only when asked for, secrets redacted. stderr is captured with a spy.
 */
import {jest} from '@jest/globals'
import {EXIT, MfaError} from '../../../src/cli/errors.js'
import {debugWanted, reportError, stderrReporter} from '../../../src/cli/output.js'

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
let written: string
beforeEach(() => {
  written = ''
  jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    written += String(chunk)
    return true
  })
})
afterEach(() => jest.restoreAllMocks())

describe('debugWanted', () => {
  test('MFA_DEBUG', () => {
    expect(debugWanted([], {MFA_DEBUG: '1'})).toBe(true)
    expect(debugWanted([], {})).toBe(false)
  })
  test('--debug among mfa\'s own words', () => {
    expect(debugWanted(['login', '--debug'], {})).toBe(true)
  })
  test('--debug after -- belongs to the command mfa exec runs', () => {
    expect(debugWanted(['exec', '--', 'tool', '--debug'], {})).toBe(false)
    expect(debugWanted(['exec', '--debug', '--', 'tool'], {})).toBe(true)
  })
})

describe('reportError', () => {
  test('an MfaError: its line and hint, redacted, and its exit code', () => {
    expect(reportError(new MfaError(`bad key ${SECRET}`, {hint: `token-code 123456`, exitCode: EXIT.usage}), false)).toBe(2)
    expect(written).toBe('mfa: bad key [redacted]\nhint: token-code [redacted]\n')
  })
  test('an MfaError without a hint: one line', () => {
    expect(reportError(new MfaError('plain'), false)).toBe(1)
    expect(written).toBe('mfa: plain\n')
  })
  test('the cause is shown only when debugging, redacted', () => {
    const cause = new Error(`deep ${SECRET}`)
    reportError(new MfaError('top', {cause}), false)
    expect(written).toBe('mfa: top\n')
    written = ''
    reportError(new MfaError('top', {cause}), true)
    expect(written).toMatch(/^mfa: top\nError: deep \[redacted\]\n {4}at /)
  })
  test('oclif\'s parse errors: their first line, a usage exit and where to look', () => {
    const error = Object.assign(new Error('Error: Nonexistent flag: --nope\nSee more help with --help'), {oclif: {exit: 2}})
    expect(reportError(error, false)).toBe(EXIT.usage)
    expect(written).toMatch(/^mfa: .*--nope.*\nhint: Run `mfa help` to see every command\.\n$/)
    written = ''
    expect(reportError(error, false, {id: 'login', usage: 'mfa login [-p PROFILE]'})).toBe(EXIT.usage)
    expect(written).toMatch(/^mfa: .*--nope.*\nhint: .*mfa login/)
  })
  test('oclif\'s exit: its code, nothing printed', () => {
    class ExitError extends Error {
      oclif = {exit: 3}
    }
    expect(reportError(new ExitError('exit'), false)).toBe(3)
    expect(written).toBe('')
  })
  test('a bug: "unexpected error", its first line, and how to report it; no stack', () => {
    expect(reportError(new Error(`boom ${SECRET}\nmore`), false)).toBe(EXIT.failure)
    expect(written).toBe('mfa: unexpected error: boom [redacted]\nhint: Run again with MFA_DEBUG=1 for details, and report it.\n')
  })
  test('a bug, debugging: the stack instead of the hint', () => {
    reportError(new Error('boom'), true)
    expect(written).toMatch(/^mfa: unexpected error: boom\nError: boom\n {4}at /)
    expect(written).not.toContain('hint:')
  })
  test('something thrown that is not an Error', () => {
    expect(reportError('text', false)).toBe(EXIT.failure)
    expect(written).toMatch(/^mfa: unexpected error: text\n/)
  })
})

describe('stderrReporter', () => {
  test('say writes one line to stderr', () => {
    stderrReporter().say('mfa: hello')
    expect(written).toBe('mfa: hello\n')
  })
  test('progress without a terminal: just the work', async () => {
    expect(await stderrReporter().progress!('Working', async () => 42)).toBe(42)
    expect(written).toBe('')
  })
})
