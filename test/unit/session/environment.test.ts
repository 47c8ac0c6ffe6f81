/**
 * The variables a session puts into a shell or a child, and what `mfa env --unset` takes back:
 * the region a shell had before mfa set one comes back, and nothing else of the user's is touched.
 */
import {applyChanges, sessionChanges, unsetChanges} from '../../../src/session/environment.js'
import type {CachedSession} from '../../../src/session/cache.js'

const EXPIRATION = '2030-01-02T03:04:05.678Z'
const session = {
  Version: 1,
  Kind: 'session',
  Profile: 'default',
  SerialNumber: 'arn:aws:iam::123456789012:mfa/me',
  SourceAccessKeyId: 'AKIAEXAMPLE',
  IssuedAt: '2030-01-01T15:04:05Z',
  Credentials: {AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret/key', SessionToken: 'token+1', Expiration: EXPIRATION},
} as unknown as CachedSession

const asObject = (changes: ReadonlyArray<readonly [string, string | null]>) => Object.fromEntries(changes)

describe('sessionChanges', () => {
  test('the session, its expiry for the prompt, the profile; competing variables go', () => {
    expect(asObject(sessionChanges(session, 'work', undefined, {}))).toEqual({
      AWS_PROFILE: null,
      AWS_DEFAULT_PROFILE: null,
      AWS_SECURITY_TOKEN: null,
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret/key',
      AWS_SESSION_TOKEN: 'token+1',
      AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05Z',
      AWS_SESSION_EXPIRATION: '2030-01-02T03:04:05Z',
      MFA_PROFILE: 'work',
      MFA_EXPIRY: String(Math.floor(Date.parse(EXPIRATION) / 1000)),
    })
  })
  test('the competing variables are unset before the session is set (order matters to a shell)', () => {
    const names = sessionChanges(session, 'work', undefined, {}).map(([name]) => name)
    expect(names.indexOf('AWS_PROFILE')).toBeLessThan(names.indexOf('AWS_ACCESS_KEY_ID'))
  })
  test('with a region: both region variables, and the memory of what the shell had (nothing)', () => {
    const changes = asObject(sessionChanges(session, 'work', 'eu-west-1', {}))
    expect(changes).toMatchObject({AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', MFA_REGION_BEFORE: '{}'})
  })
  test("the memory holds the shell's own region variables, only those it has", () => {
    const changes = asObject(sessionChanges(session, 'work', 'eu-west-1', {AWS_DEFAULT_REGION: 'us-west-2', HOME: '/h'}))
    expect(JSON.parse(changes.MFA_REGION_BEFORE!)).toEqual({AWS_DEFAULT_REGION: 'us-west-2'})
  })
  test('a later mfa env keeps the first memory (the shell now holds mfa\'s region)', () => {
    const changes = sessionChanges(session, 'work', 'eu-west-1', {AWS_REGION: 'eu-west-1', MFA_REGION_BEFORE: '{"AWS_REGION":"ap-south-1"}'})
    expect(changes.some(([name]) => name === 'MFA_REGION_BEFORE')).toBe(false)
  })
  test('without a region, no memory is written', () => {
    expect(sessionChanges(session, 'work', undefined, {AWS_REGION: 'x'}).some(([name]) => name === 'MFA_REGION_BEFORE')).toBe(false)
  })
})

describe('unsetChanges', () => {
  test('no memory: the session goes, the region stays as the user set it', () => {
    expect(asObject(unsetChanges({AWS_REGION: 'us-west-2'}))).toEqual({
      AWS_ACCESS_KEY_ID: null,
      AWS_SECRET_ACCESS_KEY: null,
      AWS_SESSION_TOKEN: null,
      AWS_CREDENTIAL_EXPIRATION: null,
      AWS_SESSION_EXPIRATION: null,
      MFA_PROFILE: null,
      MFA_EXPIRY: null,
    })
  })
  test('a memory: each region variable back to what it was, or unset when it was not set; the memory goes', () => {
    expect(asObject(unsetChanges({MFA_REGION_BEFORE: '{"AWS_DEFAULT_REGION":"us-west-2"}'}))).toMatchObject({
      AWS_REGION: null,
      AWS_DEFAULT_REGION: 'us-west-2',
      MFA_REGION_BEFORE: null,
    })
  })
  test.each([
    ['not JSON', '{'],
    ['an array', '["us-west-2"]'],
    ['null', 'null'],
    ['a string', '"us-west-2"'],
    ['a value that is not text', '{"AWS_REGION":1}'],
    ['one value of two that is not text', '{"AWS_REGION":"us-west-2","AWS_DEFAULT_REGION":1}'],
  ])('a memory mfa did not write (%s) is not trusted: the region is left alone', (_, text) => {
    const changes = unsetChanges({MFA_REGION_BEFORE: text})
    expect(changes.some(([name]) => name === 'AWS_REGION' || name === 'MFA_REGION_BEFORE')).toBe(false)
  })
})

describe('applyChanges', () => {
  test("a child's environment: set, replaced and removed; the parent is not changed", () => {
    const parent = {KEEP: '1', AWS_PROFILE: 'old', AWS_REGION: 'a'}
    expect(applyChanges(parent, [['AWS_PROFILE', null], ['AWS_REGION', 'b'], ['NEW', 'n']])).toEqual({KEEP: '1', AWS_REGION: 'b', NEW: 'n'})
    expect(parent).toEqual({KEEP: '1', AWS_PROFILE: 'old', AWS_REGION: 'a'})
  })
})
