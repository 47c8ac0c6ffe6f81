/**
 * The exec server's rules, without processes: when a session is renewed, one renewal for many
 * requests, the old session served while a slow renewal runs, who counts as loopback, how it is
 * switched on. Sessions are made relative to Date.now(): nothing depends on the time of day.
 */
import {jest} from '@jest/globals'
import type {CachedSession} from '../../../src/session/cache.js'
import type {EnsureOptions, SessionResult} from '../../../src/session/ensure.js'
import {MfaError} from '../../../src/cli/errors.js'
import {isLoopback} from '../../../src/exec-server/http.js'
import {nearEnd, refreshMarginMs, sessionKeeper} from '../../../src/exec-server/refresh.js'
import {wantsServer} from '../../../src/exec-server/setting.js'

const S = 1000
const MIN = 60 * S

/** A session issued `age` ms ago that lasts `lifetime` ms. */
function session(lifetime: number, age: number, key = 'ASIAFIRST'): CachedSession {
  const issued = Date.now() - age
  return {
    Version: 1,
    Kind: 'role',
    Profile: 'p',
    SerialNumber: 'arn:aws:iam::123456789012:mfa/x',
    SourceAccessKeyId: 'AKIA',
    IssuedAt: new Date(issued).toISOString(),
    Credentials: {AccessKeyId: key, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(issued + lifetime).toISOString()},
  }
}

const options = {profile: 'p', reporter: {say: () => {}}} as EnsureOptions
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('when a session is renewed', () => {
  test('15 minutes before the end for an hour or more; a quarter of the lifetime below an hour', () => {
    expect(refreshMarginMs(12 * 60 * MIN)).toBe(15 * MIN)
    expect(refreshMarginMs(60 * MIN)).toBe(15 * MIN)
    expect(refreshMarginMs(59 * MIN)).toBe(14.75 * MIN)
    expect(refreshMarginMs(60 * S)).toBe(15 * S)
    expect(refreshMarginMs(90 * S)).toBe(22.5 * S)
  })

  test('near its end, or past it', () => {
    expect(nearEnd(session(60 * MIN, 44 * MIN))).toBe(false)
    expect(nearEnd(session(60 * MIN, 46 * MIN))).toBe(true)
    expect(nearEnd(session(60 * S, 40 * S))).toBe(false)
    expect(nearEnd(session(60 * S, 46 * S))).toBe(true)
    expect(nearEnd(session(60 * S, 70 * S))).toBe(true)
  })
})

describe('the keeper', () => {
  test('serves the session it has while it is not near its end, with no call', async () => {
    const ensure = jest.fn<(o: EnsureOptions) => Promise<SessionResult>>()
    const keeper = sessionKeeper(session(60 * S, 10 * S), ensure, options, () => {})
    expect((await keeper.get()).Credentials.AccessKeyId).toBe('ASIAFIRST')
    expect(ensure).not.toHaveBeenCalled()
  })

  test('many requests near the end: one renewal, without code, prompt or --force, reusing what another process renewed', async () => {
    let seen: EnsureOptions | undefined
    const ensure = jest.fn(async (o: EnsureOptions) => {
      seen = o
      await sleep(50)
      return {session: session(60 * S, 0, 'ASIANEW')} as SessionResult
    })
    const keeper = sessionKeeper(session(60 * S, 58 * S), ensure, {...options, tokenCode: '123456', force: true}, () => {})
    const got = await Promise.all(Array.from({length: 20}, () => keeper.get()))
    expect(new Set(got.map(s => s.Credentials.AccessKeyId))).toEqual(new Set(['ASIANEW']))
    expect(ensure).toHaveBeenCalledTimes(1)
    expect({tokenCode: seen!.tokenCode, force: seen!.force, terminal: seen!.terminal}).toEqual({tokenCode: undefined, force: false, terminal: false})
    expect(seen!.reuse!(session(60 * S, 10 * S), {} as never)).toBe(true)
    expect(seen!.reuse!(session(60 * S, 50 * S), {} as never)).toBe(false)
    expect((await keeper.get()).Credentials.AccessKeyId).toBe('ASIANEW')
    expect(ensure).toHaveBeenCalledTimes(1)
  })

  test('a slow renewal (a person typing a code) does not hold a request past the SDK timeouts while the old session is valid', async () => {
    let finish!: (r: SessionResult) => void
    const ensure = jest.fn(() => new Promise<SessionResult>(resolve => (finish = resolve)))
    const keeper = sessionKeeper(session(60 * MIN, 50 * MIN), ensure, options, () => {})
    const started = Date.now()
    expect((await keeper.get()).Credentials.AccessKeyId).toBe('ASIAFIRST')
    expect(Date.now() - started).toBeLessThan(950)
    finish({session: session(60 * MIN, 0, 'ASIANEW')} as SessionResult)
    await sleep(10)
    expect((await keeper.get()).Credentials.AccessKeyId).toBe('ASIANEW')
    expect(ensure).toHaveBeenCalledTimes(1)
  })

  test('a failed renewal: the old session while it is valid, then the error; the next request tries again', async () => {
    const errors: unknown[] = []
    const failure = new MfaError('a new code is needed')
    const ensure = jest.fn(async () => {
      throw failure
    })
    const valid = sessionKeeper(session(60 * S, 50 * S), ensure, options, e => errors.push(e))
    expect((await valid.get()).Credentials.AccessKeyId).toBe('ASIAFIRST')
    const expired = sessionKeeper(session(60 * S, 61 * S), ensure, options, e => errors.push(e))
    await expect(expired.get()).rejects.toBe(failure)
    await expect(expired.get()).rejects.toBe(failure)
    expect(ensure).toHaveBeenCalledTimes(3)
    expect(errors).toEqual([failure, failure, failure])
  })
})

test('after a cancelled dialog, the next renewals for a minute ask no one', async () => {
  const asked: Array<boolean | undefined> = []
  const ensure = jest.fn(async (o: EnsureOptions) => {
    asked.push(o.ask)
    throw new MfaError('cancelled: no code was entered; nothing was changed', {exitCode: 130})
  })
  const keeper = sessionKeeper(session(60 * S, 61 * S), ensure, options, () => {})
  for (let i = 0; i < 3; i++) await expect(keeper.get()).rejects.toThrow(/cancelled/)
  expect(asked).toEqual([undefined, false, false])
})

test('loopback: 127.0.0.0/8, ::1 and mapped 127.x; nothing else', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect([a, isLoopback(a)]).toEqual([a, true])
  for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', '169.254.170.2', '', undefined, '127.0.0.1.evil', '1127.0.0.1']) expect([a, isLoopback(a)]).toEqual([a, false])
})

test('switched on by --server, else MFA_EXEC_SERVER, else mfa_exec_server in the profile', () => {
  const on = {mfa_exec_server: 'true'}
  expect(wantsServer({flag: undefined, env: {}, settings: () => undefined})).toBe(false)
  expect(wantsServer({flag: true, env: {}, settings: () => undefined})).toBe(true)
  expect(wantsServer({flag: false, env: {MFA_EXEC_SERVER: '1'}, settings: () => on})).toBe(false)
  expect(wantsServer({flag: undefined, env: {MFA_EXEC_SERVER: '1'}, settings: () => undefined})).toBe(true)
  expect(wantsServer({flag: undefined, env: {MFA_EXEC_SERVER: 'no'}, settings: () => on})).toBe(false)
  expect(wantsServer({flag: undefined, env: {}, settings: () => on})).toBe(true)
  expect(wantsServer({flag: undefined, env: {}, settings: () => ({mfa_exec_server: 'false'})})).toBe(false)
})
