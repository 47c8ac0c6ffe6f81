/**
 * The one-time code's rules (src/session/codes.ts) that token.test.ts does not reach: a code whose
 * request never left is forgotten (only that code), the record's fields, and the exec server's
 * answer when no one can be asked.
 */
import {lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {forgetUsed, markUsed, noWayToAsk, wasUsed} from '../../../src/session/codes.js'

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice'
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-codes-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('forgetUsed', () => {
  test('forgets the code that was marked', () => {
    markUsed(dir, SERIAL, '123456')
    forgetUsed(dir, SERIAL, '123456')
    expect(wasUsed(dir, SERIAL, '123456')).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })
  test('a record of another code stays', () => {
    markUsed(dir, SERIAL, '123456')
    forgetUsed(dir, SERIAL, '654321')
    expect(wasUsed(dir, SERIAL, '123456')).toBe(true)
  })
  test('nothing recorded: nothing happens', () => {
    expect(() => forgetUsed(dir, SERIAL, '123456')).not.toThrow()
  })
})

describe('wasUsed: a record of the wrong shape is no record', () => {
  const record = (value: unknown) => {
    markUsed(dir, SERIAL, '123456')
    writeFileSync(join(dir, readdirSync(dir)[0]), JSON.stringify(value))
  }
  test.each([
    ['null', null],
    ['no time', {code: '123456'}],
    ['a time as text', {code: '123456', at: String(Date.now())}],
    ['a number for the code', {code: 123456, at: Date.now()}],
  ])('%s', (_, value) => {
    record(value)
    expect(wasUsed(dir, SERIAL, '123456')).toBe(false)
  })
  test('a record from the future counts', () => {
    record({code: '123456', at: Date.now() + 10_000})
    expect(wasUsed(dir, SERIAL, '123456')).toBe(true)
  })
})

describe('markUsed: a link planted at the record is replaced, never written through', () => {
  test('the link\'s target stays as it was', () => {
    markUsed(dir, SERIAL, '123456')
    const [name] = readdirSync(dir)
    const target = join(dir, 'target')
    writeFileSync(target, 'theirs')
    unlinkSync(join(dir, name))
    symlinkSync(target, join(dir, name))
    markUsed(dir, SERIAL, '654321')
    expect(readFileSync(target, 'utf8')).toBe('theirs')
    expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(false)
    expect(wasUsed(dir, SERIAL, '654321')).toBe(true)
  })
})

describe('noWayToAsk', () => {
  test('names the device and the login to run, without -p for the default profile', () => {
    const e = noWayToAsk({serial: SERIAL, profile: 'default'})
    expect(e.message).toBe(`the MFA session for ${SERIAL} has ended and a new code is needed; run \`mfa login\` in another terminal`)
    expect(e.hint).toBe('The next request for credentials picks up the new session. To be asked in a dialog instead, set mfa_prompt_driver in the profile.')
    expect(e.exitCode).toBe(1)
  })
  test('the requested profile (a role\'s), quoted for the shell', () => {
    expect(noWayToAsk({serial: SERIAL, profile: 'base', requestedProfile: 'my role'}).message).toBe(
      `the MFA session for ${SERIAL} has ended and a new code is needed; run \`mfa login -p 'my role'\` in another terminal`,
    )
    expect(noWayToAsk({serial: SERIAL, profile: 'work'}).message).toContain('run `mfa login -p work` in')
    expect(noWayToAsk({serial: SERIAL, profile: 'work', requestedProfile: 'default'}).message).toContain('run `mfa login` in')
  })
})
