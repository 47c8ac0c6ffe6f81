/**
 * Every failed SDK call becomes one line that says what to do (src/session/sts.ts). The errors are
 * the SDK's own classes, shaped as the SDK throws them for each answer (name, $fault, $metadata).
 */
import {STSServiceException} from '@aws-sdk/client-sts'
import type {CallContext} from '../../../src/aws/call-context.js'
import {MfaError} from '../../../src/cli/errors.js'
import {jest} from '@jest/globals'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {assumeRole, callAws, callTimeoutMs, describeSkew, describeStsError, getCallerIdentity, getSessionToken, MAX_TIMEOUT_S, mayHaveReachedSts} from '../../../src/session/sts.js'
import {DEMO, makeWorld, type World} from '../../helpers/world.js'
import {stderr} from '../../../src/cli/output.js'

const keys: CallContext = {region: 'eu-west-1', credentials: {accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's'}, profile: 'work', env: {}}
const session: CallContext = {...keys, credentials: {...keys.credentials, accessKeyId: 'ASIAIOSFODNN7EXAMPLE', sessionToken: 't'}}

function sdkError(name: string, message: string, status = 403, extra: object = {}): STSServiceException {
  return new STSServiceException({name, message, $fault: status >= 500 ? 'server' : 'client', $metadata: {httpStatusCode: status}, ...extra})
}
function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), {code})
}
const describe_ = (error: unknown, ctx: CallContext = keys, action = 'GetSessionToken', timedOut?: number) => describeStsError(error, action, ctx, timedOut)

describe('describeStsError: no answer', () => {
  test('the call ran out of time: where, how long, and MFA_TIMEOUT', () => {
    const e = describe_(Object.assign(new Error('aborted'), {name: 'AbortError'}), keys, 'GetSessionToken', 20_000)
    expect(e.message).toBe('STS at sts.eu-west-1.amazonaws.com did not answer GetSessionToken within 20 s')
    expect(e.hint).toBe('Check your network (VPN, proxy) and AWS_ENDPOINT_URL_STS; MFA_TIMEOUT sets the limit in seconds.')
  })
  test.each(['AbortError', 'TimeoutError'])('%s without a measured time', name => {
    expect(describe_(Object.assign(new Error('x'), {name})).message).toBe('STS at sts.eu-west-1.amazonaws.com did not answer GetSessionToken')
  })
  test('ETIMEDOUT, and a message that says it timed out', () => {
    expect(describe_(networkError('ETIMEDOUT')).message).toMatch(/did not answer/)
    expect(describe_(new Error('Connection timed out after 3000 ms')).message).toMatch(/did not answer/)
    expect(describe_(new Error('socket timeout')).message).toMatch(/did not answer/)
  })
  test.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'name lookup failed'],
    ['EHOSTUNREACH', 'host unreachable'],
    ['ENETUNREACH', 'network unreachable'],
  ])('%s: %s', (code, why) => {
    const e = describe_(networkError(code))
    expect(e.message).toBe(`cannot reach STS at sts.eu-west-1.amazonaws.com: ${why}`)
    expect(e.hint).toBe("Check your network (VPN, proxy) and AWS_ENDPOINT_URL_STS or the profile's endpoint_url.")
  })
  test('ECONNRESET: the request went out, so the code may have been spent: said so, not "cannot reach"', () => {
    expect(describe_(networkError('ECONNRESET')).message).toBe('the connection to STS at sts.eu-west-1.amazonaws.com was reset before it answered GetSessionToken')
  })
  test('the network code may sit in the cause', () => {
    expect(describe_(Object.assign(new Error('fetch failed'), {cause: {code: 'ECONNREFUSED'}})).message).toMatch(/connection refused$/)
  })
  test('China: the endpoint named ends in .com.cn', () => {
    expect(describe_(networkError('ENOTFOUND'), {...keys, region: 'cn-north-1'}).message).toBe('cannot reach STS at sts.cn-north-1.amazonaws.com.cn: host not found')
    expect(describe_(networkError('ENOTFOUND'), {...keys, region: 'cn-northwest-1'}).message).toBe('cannot reach STS at sts.cn-northwest-1.amazonaws.com.cn: host not found')
  })
  test('the endpoint named is the configured one; IAM names its own variable', () => {
    const iam: CallContext = {...keys, service: 'IAM', env: {AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9'}}
    const e = describe_(networkError('ECONNREFUSED'), iam, 'ListMFADevices')
    expect(e.message).toBe('cannot reach IAM at http://127.0.0.1:9: connection refused')
    expect(e.hint).toMatch(/AWS_ENDPOINT_URL_IAM/)
    expect(describe_(networkError('ECONNREFUSED'), {...keys, service: 'IAM'}).message).toMatch(/at iam\.amazonaws\.com:/)
  })
})

describe('describeStsError: refused for what it carried', () => {
  test('a region that is not one', () => {
    const e = describe_(new Error('Invalid region in client config: Region not accepted'), {...keys, region: 'eu west'})
    expect(e.message).toBe('"eu west" is not an AWS region name')
    expect(describe_(new Error('x is not a valid hostname component')).message).toMatch(/is not an AWS region name/)
  })
  test('the MFA code', () => {
    const e = describe_(sdkError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.'))
    expect(e.message).toBe('STS refused the MFA code: it is wrong, expired, or was already used')
    expect(e.hint).toMatch(/A code works only once/)
  })
  test('an unknown access key (long-term keys), masked', () => {
    const e = describe_(sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.'))
    expect(e.message).toBe('STS does not know the access key AKIA…MPLE of profile "work" (deleted, deactivated or mistyped)')
    expect(e.hint).toBe('Check aws_access_key_id in [work] of your credentials file, or create a new key in IAM.')
  })
  test('an unknown token with a session: the session expired or was revoked', () => {
    expect(describe_(sdkError('InvalidClientTokenId', 'invalid'), session, 'AssumeRole').message).toBe('the MFA session used for AssumeRole has expired or was revoked')
  })
  test('ExpiredToken', () => {
    const e = describe_(sdkError('ExpiredToken', 'The security token included in the request is expired', 400), session, 'AssumeRole')
    expect(e.message).toBe('the MFA session used for AssumeRole has expired or was revoked')
    expect(e.hint).toBe('Run the command again with --force to start a new session.')
  })
  test('a wrong secret key', () => {
    const e = describe_(sdkError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'))
    expect(e.message).toBe('STS rejected the signature: the secret key of profile "work" does not match its access key AKIA…MPLE')
    expect(e.hint).toBe('Check aws_secret_access_key in [work] of your credentials file.')
  })
  test('a signature that expired is the clock, with the skew read from the Date header', () => {
    const date = new Date(Date.now() - 10 * 60_000).toUTCString()
    const error = Object.assign(sdkError('SignatureDoesNotMatch', 'Signature expired: 20261130T120000Z is now earlier than ...'), {$response: {statusCode: 403, headers: {date}}})
    const e = describe_(error)
    expect(e.message).toBe("this computer's clock is 10 min ahead of AWS's, so STS rejected the request as expired")
    expect(e.hint).toMatch(/timedatectl set-ntp true/)
  })
  test('RequestExpired without a Date header: "off"', () => {
    expect(describe_(sdkError('RequestExpired', 'Request has expired.')).message).toBe("this computer's clock is off, so STS rejected the request as expired")
  })
  test('RequestTimeTooSkewed in the message', () => {
    expect(describe_(sdkError('Other', 'RequestTimeTooSkewed')).message).toMatch(/clock is off/)
  })
})

describe('describeStsError: the service answered with trouble', () => {
  test.each(['Throttling', 'ThrottlingException', 'TooManyRequestsException'])('%s', name => {
    const e = describe_(sdkError(name, 'Rate exceeded', 400, {$metadata: {httpStatusCode: 400, attempts: 3}}))
    expect(e.message).toBe('STS is throttling requests after 3 attempts')
    expect(e.hint).toBe('Wait a minute and try again.')
  })
  test('HTTP 429, one attempt', () => {
    expect(describe_(sdkError('Unknown', 'slow down', 429)).message).toBe('STS is throttling requests')
  })
  test('HTTP 500 with a name', () => {
    const e = describe_(sdkError('InternalFailure', 'oops', 500, {$metadata: {httpStatusCode: 500, attempts: 2}}))
    expect(e.message).toBe('STS failed with HTTP 500 (InternalFailure) after 2 attempts')
    expect(e.hint).toBe('STS or a proxy in between has a problem; try again in a minute.')
  })
  test('a server fault without a status or a useful name', () => {
    expect(describe_(Object.assign(new Error('x'), {name: 'UnknownError', $fault: 'server'})).message).toBe('STS failed with HTTP 5xx')
    expect(describe_(Object.assign(new Error('x'), {$fault: 'server', $metadata: {httpStatusCode: 503}})).message).toBe('STS failed with HTTP 503')
  })
  test('AccessDenied on AssumeRole: the message and what to check', () => {
    const e = describe_(sdkError('AccessDenied', 'User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole\nsecond line'), session, 'AssumeRole')
    expect(e.message).toBe('STS denied AssumeRole: User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole')
    expect(e.hint).toBe('Check the role ARN, external_id, and that the role trusts your user with MFA.')
  })
  test('AccessDenied elsewhere: no hint', () => {
    expect(describe_(sdkError('AccessDenied', 'no')).hint).toBeUndefined()
  })
  test('ValidationError', () => {
    expect(describe_(sdkError('ValidationError', 'DurationSeconds exceeds', 400)).message).toBe('STS rejected GetSessionToken: DurationSeconds exceeds')
  })
  test.each([
    'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
    'Unexpected token < in JSON',
    'Expected closing tag',
    'Non-whitespace before first tag.',
    "Invalid character in entity name\nLine: 0 Column: 3 Char: '",
  ])('something that is not STS: %s', message => {
    const e = describe_(Object.assign(new Error(message), {name: 'Error'}))
    expect(e.message).toBe('the endpoint sts.eu-west-1.amazonaws.com answered GetSessionToken with something that is not STS')
    expect(e.hint).toBe('A captive portal, proxy or wrong AWS_ENDPOINT_URL_STS? Sign in to the network or fix the endpoint, then try again.')
  })
  test('an answer with a 2xx status that could not be read', () => {
    expect(describe_(Object.assign(new Error('x'), {$metadata: {httpStatusCode: 200}})).message).toBe(
      'the endpoint sts.eu-west-1.amazonaws.com answered GetSessionToken with something that is not STS (HTTP 200)',
    )
  })
})

describe('describeStsError: anything else', () => {
  test('the first line of the message, and the status', () => {
    // An error STS names itself is STS's own: its code and the first line of its message.
    expect(describe_(sdkError('Weird', 'first\nsecond', 400)).message).toBe('STS refused GetSessionToken: Weird: first')
  })
  test('no message: the name', () => {
    expect(describe_({name: 'Weird'}).message).toBe('STS GetSessionToken failed: Weird')
    expect(describe_({Code: 'Weird2'}).message).toBe('STS GetSessionToken failed: Weird2')
  })
  test('nothing at all', () => {
    expect(describe_(undefined).message).toBe('STS GetSessionToken failed: unknown error')
  })
  test('a long message is cut at 300 characters', () => {
    expect(describe_(new Error('x'.repeat(400))).message).toBe(`STS GetSessionToken failed: ${'x'.repeat(300)}`)
  })
  test('an MfaError passes through as it is', () => {
    const error = new MfaError('mine')
    expect(describe_(error)).toBe(error)
  })
  test('the SDK error stays attached as the cause, not enumerable', () => {
    const error = sdkError('Weird', 'w', 400)
    const e = describe_(error)
    expect(e.cause).toBe(error)
    expect(Object.keys(e)).not.toContain('cause')
  })
})

describe('callTimeoutMs: MFA_TIMEOUT in seconds, 20 by default', () => {
  test.each([
    [{MFA_TIMEOUT: '5'}, 5000],
    [{MFA_TIMEOUT: '0.5'}, 500],
    [{}, 20_000],
    [{MFA_TIMEOUT: '0'}, 20_000],
    [{MFA_TIMEOUT: '-3'}, 20_000],
    [{MFA_TIMEOUT: 'soon'}, 20_000],
  ])('%j', (env, ms) => {
    expect(callTimeoutMs(env)).toBe(ms)
  })
})

describe('describeSkew', () => {
  test.each([
    [300_000, '5 min ahead of'],
    [-90_000, '90 s behind'],
    [120_000, '2 min ahead of'],
    [119_000, '119 s ahead of'],
    [-150_000, '3 min behind'],
  ])('%d ms: %s', (ms, text) => {
    expect(describeSkew(ms)).toBe(text)
  })
})

describe('describeStsError: each rule on its own', () => {
  const plain = (extra: object, message = 'x') => Object.assign(new Error(message), {name: 'Error'}, extra)
  test('EPIPE and a hung-up socket are resets too, with what to check', () => {
    const e = describe_(plain({code: 'EPIPE'}))
    expect(e.message).toBe('the connection to STS at sts.eu-west-1.amazonaws.com was reset before it answered GetSessionToken')
    expect(e.hint).toBe('A proxy, VPN or firewall may be cutting it; check them and AWS_ENDPOINT_URL_STS.')
    expect(describe_(plain({}, 'socket hang up')).message).toMatch(/was reset/)
  })
  test('ETIMEDOUT by its code alone; a measured timeout whatever the error', () => {
    expect(describe_(plain({code: 'ETIMEDOUT'})).message).toBe('STS at sts.eu-west-1.amazonaws.com did not answer GetSessionToken')
    expect(describe_(plain({}), keys, 'GetSessionToken', 4_600).message).toBe('STS at sts.eu-west-1.amazonaws.com did not answer GetSessionToken within 5 s')
  })
  test('a region: the hint says where to fix it', () => {
    expect(describe_(new Error('Region not accepted')).hint).toBe('Fix region in the profile, or AWS_REGION, e.g. eu-west-1.')
  })
  test('MultiFactorAuthentication in another error than AccessDenied is not the code', () => {
    expect(describe_(sdkError('Other', 'MultiFactorAuthentication required', 403)).message).toBe('STS refused GetSessionToken: Other: MultiFactorAuthentication required')
  })
  test('keys from the OS keyring: the hints say to store them again', () => {
    const ring: CallContext = {...keys, keysInKeyring: true}
    expect(describe_(sdkError('InvalidClientTokenId', 'invalid'), ring).hint).toBe('Store the profile\'s current key with `mfa keys add -p work`, or create a new key in IAM.')
    expect(describe_(sdkError('SignatureDoesNotMatch', 'does not match'), ring).hint).toBe(
      'The OS keyring holds another secret for it: store the key again with `mfa keys add -p work`.',
    )
  })
  test('RequestExpired by its name; the Date header in either spelling; no headers', () => {
    expect(describe_(sdkError('RequestExpired', 'x')).message).toBe("this computer's clock is off, so STS rejected the request as expired")
    const Date_ = new Date(Date.now() + 5 * 60_000).toUTCString()
    expect(describe_(Object.assign(sdkError('RequestExpired', 'x'), {$response: {statusCode: 400, headers: {Date: Date_}}})).message).toBe(
      "this computer's clock is 5 min behind AWS's, so STS rejected the request as expired",
    )
    expect(describe_(Object.assign(sdkError('RequestExpired', 'x'), {$response: {statusCode: 400}})).message).toMatch(/clock is off/)
  })
  test('a 5xx status without a server fault, and 500 itself', () => {
    expect(describe_(plain({$metadata: {httpStatusCode: 500}})).message).toBe('STS failed with HTTP 500')
    expect(describe_(plain({$metadata: {httpStatusCode: 499}})).message).toBe('STS GetSessionToken failed: x (HTTP 499)')
  })
  test('one attempt is not "after 1 attempts"', () => {
    expect(describe_(sdkError('Throttling', 'x', 400, {$metadata: {httpStatusCode: 400, attempts: 1}})).message).toBe('STS is throttling requests')
  })
  test('STS\'s own error: only a client fault with a status of 400 or more, a name STS would use, a message that is not a parse failure', () => {
    expect(describe_(sdkError('Weird', '', 400)).message).toBe('STS refused GetSessionToken: Weird')
    expect(describe_(sdkError('Weird', '', 400)).hint).toBeUndefined()
    const disabled = describe_(sdkError('RegionDisabledException', 'STS is not activated', 403))
    expect(disabled.hint).toBe('Activate STS in this region (IAM account settings) or use another region.')
    expect(describe_(sdkError('Moved', 'm', 399)).message).toBe('STS GetSessionToken failed: m (HTTP 399)')
    expect(describe_(plain({name: 'Weird', $metadata: {httpStatusCode: 403}})).message).toBe('STS GetSessionToken failed: x (HTTP 403)')
    expect(describe_(sdkError('lowerCase', 'x', 400)).message).toBe('STS GetSessionToken failed: x (HTTP 400)')
    expect(describe_(sdkError('Code-x', 'x', 400)).message).toBe('STS GetSessionToken failed: x (HTTP 400)')
    expect(describe_(sdkError('Some', 'Deserialization error', 400)).message).toBe('the endpoint sts.eu-west-1.amazonaws.com answered GetSessionToken with something that is not STS (HTTP 400)')
  })
  test('HTTP 300 is not an answer read as 2xx', () => {
    expect(describe_(plain({$metadata: {httpStatusCode: 300}})).message).toBe('STS GetSessionToken failed: x (HTTP 300)')
  })
  test('a message is trimmed', () => {
    expect(describe_(new Error('  spaced  ')).message).toBe('STS GetSessionToken failed: spaced')
  })
  test('the configured STS endpoint is named', () => {
    expect(describe_(networkError('ECONNREFUSED'), {...keys, env: {AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:7'}}).message).toBe('cannot reach STS at http://127.0.0.1:7: connection refused')
  })
  test('the cause can be replaced (MfaError options may set it again)', () => {
    expect(Object.getOwnPropertyDescriptor(describe_(sdkError('Weird', 'w', 400)), 'cause')).toMatchObject({enumerable: false, configurable: true})
  })
})

/** A stand-in for an SDK client class: records its config and answers send() as told. */
function fakeClient(answer: (signal: AbortSignal) => Promise<unknown>, offset?: number) {
  const made: {config: Record<string, any>; warningDisabled?: string; destroyed: boolean}[] = []
  class Client {
    config: {systemClockOffset?: number} = {systemClockOffset: offset}
    record: (typeof made)[number]
    constructor(config: Record<string, any>) {
      this.record = {config, warningDisabled: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, destroyed: false}
      made.push(this.record)
    }
    send(command: unknown, options: {abortSignal: AbortSignal}) {
      expect(command).toEqual({the: 'command'})
      return answer(options.abortSignal)
    }
    destroy() {
      this.record.destroyed = true
    }
  }
  return {made, Client}
}
const call = (Client: unknown, ctx: CallContext, sending?: {once?: boolean}) =>
  callAws(async () => ({Client}), m => m.Client, ctx, 'GetSessionToken', () => ({the: 'command'}), sending)

describe('callAws: the client it makes and the call it sends', () => {
  test('region, credentials, the default timeouts, no endpoint, the SDK\'s retries; destroyed after', async () => {
    const {made, Client} = fakeClient(async () => ({ok: 1}))
    expect(await call(Client, keys)).toEqual({ok: 1})
    expect(made).toHaveLength(1)
    // Besides these, the settings the SDK would read from ~/.aws (src/aws/sdk-config.ts, tested there).
    expect(made[0].config).toMatchObject({
      region: 'eu-west-1',
      credentials: keys.credentials,
      requestHandler: {connectionTimeout: 3000, requestTimeout: 5000, throwOnRequestTimeout: true},
    })
    expect(made[0].config).not.toHaveProperty('endpoint')
    expect(made[0].config).not.toHaveProperty('retryStrategy')
    expect(made[0].destroyed).toBe(true)
  })
  test('an endpoint is passed on; a call that carries a code gets the whole MFA_TIMEOUT and its own retries', async () => {
    const {made, Client} = fakeClient(async () => ({}))
    await call(Client, {...keys, endpoint: 'http://127.0.0.1:9', env: {MFA_TIMEOUT: '2'}}, {once: true})
    expect(made[0].config).toMatchObject({endpoint: 'http://127.0.0.1:9', requestHandler: {connectionTimeout: 2000, requestTimeout: 2000}})
    expect(made[0].config.retryStrategy).toMatchObject({mode: 'standard'})
  })
  test('the SDK\'s Node version warning is off while the client is made, and the variable is restored', async () => {
    const {made, Client} = fakeClient(async () => ({}))
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
    await call(Client, keys)
    expect(made[0].warningDisabled).toBe('true')
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined()
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'mine'
    try {
      await call(Client, keys)
      expect(made[1].warningDisabled).toBe('true')
      expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('mine')
    } finally {
      delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
    }
  })
  test('a failure is described, and the client destroyed', async () => {
    const {made, Client} = fakeClient(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'})
    })
    await expect(call(Client, keys)).rejects.toThrow('cannot reach STS at sts.eu-west-1.amazonaws.com: connection refused')
    expect(made[0].destroyed).toBe(true)
  })
  test('no answer within MFA_TIMEOUT: the call is aborted and the limit named', async () => {
    const {Client} = fakeClient(signal => new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), {name: 'AbortError'})))))
    await expect(call(Client, {...keys, env: {MFA_TIMEOUT: '0.6'}})).rejects.toThrow('STS at sts.eu-west-1.amazonaws.com did not answer GetSessionToken within 1 s')
  })
  test('a failure before the limit names no time', async () => {
    const {Client} = fakeClient(async () => {
      throw Object.assign(new Error('x'), {name: 'TimeoutError'})
    })
    await expect(call(Client, keys)).rejects.toThrow(/did not answer GetSessionToken$/)
  })
  test('a clock 2 minutes or more off is told once on stderr; less is not', async () => {
    const lines: string[] = []
    const spy = jest.spyOn(stderr, 'write').mockImplementation(chunk => void lines.push(chunk))
    try {
      await call(fakeClient(async () => ({}), -119_000).Client, keys)
      await call(fakeClient(async () => ({}), undefined).Client, keys)
      expect(lines).toEqual([])
      await call(fakeClient(async () => ({}), -120_000).Client, keys)
      await call(fakeClient(async () => ({}), 600_000).Client, keys)
      expect(lines).toEqual(["mfa: this computer's clock is 2 min ahead of AWS's; set it right (e.g. enable NTP: timedatectl set-ntp true)\n"])
    } finally {
      spy.mockRestore()
    }
  })
})

describe('the retries of a call that carries a code', () => {
  type Strategy = {
    acquireInitialRetryToken: () => Promise<{getRetryCount: () => number; getRetryDelay: () => number}>
    refreshRetryTokenForRetry: (t: {getRetryCount: () => number}, info: {error?: object}) => Promise<{getRetryCount: () => number; getRetryDelay: () => number}>
    recordSuccess: () => void
  }
  async function strategy(env: NodeJS.ProcessEnv = {}): Promise<Strategy> {
    const {made, Client} = fakeClient(async () => ({}))
    await call(Client, {...keys, env}, {once: true})
    return made[0].config.retryStrategy
  }
  const skewed = {$metadata: {clockSkewCorrected: true}}
  test('only a request the SDK corrected for clock skew is sent again, without delay, at most 3 times', async () => {
    const s = await strategy()
    const first = await s.acquireInitialRetryToken()
    expect([first.getRetryCount(), first.getRetryDelay()]).toEqual([0, 0])
    const second = await s.refreshRetryTokenForRetry(first, {error: skewed})
    expect([second.getRetryCount(), second.getRetryDelay()]).toEqual([1, 0])
    const third = await s.refreshRetryTokenForRetry(second, {error: skewed})
    expect(third.getRetryCount()).toBe(2)
    await expect(s.refreshRetryTokenForRetry(third, {error: skewed})).rejects.toBe(skewed)
    const other = {$metadata: {}}
    await expect(s.refreshRetryTokenForRetry(first, {error: other})).rejects.toBe(other)
    await expect(s.refreshRetryTokenForRetry(first, {})).rejects.toBeUndefined()
    const bare = new Error('no metadata')
    await expect(s.refreshRetryTokenForRetry(first, {error: bare})).rejects.toBe(bare)
    expect(s.recordSuccess()).toBeUndefined()
  })
  test.each([
    [{AWS_MAX_ATTEMPTS: '1'}, 0],
    [{AWS_MAX_ATTEMPTS: '2'}, 1],
    [{AWS_MAX_ATTEMPTS: '9'}, 2],
    [{AWS_MAX_ATTEMPTS: '0'}, 2],
    [{AWS_MAX_ATTEMPTS: '1.5'}, 2],
  ])('AWS_MAX_ATTEMPTS %j: %d retries', async (env, retries) => {
    const s = await strategy(env)
    let token = await s.acquireInitialRetryToken()
    let n = 0
    for (;;) {
      try {
        token = await s.refreshRetryTokenForRetry(token, {error: skewed})
        n++
      } catch {
        break
      }
    }
    expect(n).toBe(retries)
  })
})

describe('mayHaveReachedSts', () => {
  test.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])('%s: never left this machine', code => {
    expect(mayHaveReachedSts(networkError(code))).toBe(false)
    expect(mayHaveReachedSts(describe_(networkError(code)))).toBe(false)
    expect(mayHaveReachedSts({cause: {cause: {code}}})).toBe(false)
  })
  test.each([networkError('ECONNRESET'), networkError('ETIMEDOUT'), new Error('x'), sdkError('AccessDenied', 'MultiFactorAuthentication')])('%p: may have', error => {
    expect(mayHaveReachedSts(error)).toBe(true)
  })
})

describe('callTimeoutMs: at most ten minutes', () => {
  test('MFA_TIMEOUT above 600 is 600', () => {
    expect(MAX_TIMEOUT_S).toBe(600)
    expect(callTimeoutMs({MFA_TIMEOUT: '601'})).toBe(600_000)
    expect(callTimeoutMs({MFA_TIMEOUT: 'Infinity'})).toBe(20_000)
  })
})

describe('the real SDK against the local STS server (in-process)', () => {
  let world: World
  beforeAll(async () => {
    world = await makeWorld()
  })
  afterAll(() => world.close())
  const ctx = (): CallContext => ({region: 'eu-west-1', credentials: {accessKeyId: DEMO.accessKeyId, secretAccessKey: DEMO.secretAccessKey}, profile: 'default', endpoint: world.sts.url, env: world.env()})

  test('an expired session: the SDK\'s error becomes "has expired or was revoked"', async () => {
    const credentials = await getSessionToken(ctx(), {serial: DEMO.mfaSerial, code: await world.freshCode(), durationSeconds: 900})
    world.sts.setClockOffset(3600_000)
    try {
      const signed: CallContext = {...ctx(), credentials: {accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken}}
      await expect(getCallerIdentity(signed)).rejects.toThrow('the MFA session used for GetCallerIdentity has expired or was revoked')
    } finally {
      world.sts.setClockOffset(0)
    }
  })

  test('a wrong code: refused, with the one-line message', async () => {
    const wrong = world.code() === '000000' ? '111111' : '000000'
    await expect(getSessionToken(ctx(), {serial: DEMO.mfaSerial, code: wrong, durationSeconds: 900})).rejects.toThrow('STS refused the MFA code: it is wrong, expired, or was already used')
  })

  test('a key STS does not know', async () => {
    const unknown: CallContext = {...ctx(), credentials: {accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'}}
    await expect(getCallerIdentity(unknown)).rejects.toThrow('STS does not know the access key AKIA…0000 of profile "default"')
  })
})

describe('answers that are not complete: the real SDK against a server that answers as told', () => {
  let server: Server
  let body = ''
  let status = 200
  let requests = 0
  let sent = new URLSearchParams()
  beforeEach(() => {
    status = 200
    requests = 0
  })
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++
      let data = ''
      req.on('data', chunk => (data += chunk))
      req.on('end', () => {
        sent = new URLSearchParams(data)
        res.writeHead(status, {'content-type': 'text/xml'}).end(body)
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(() => new Promise(resolve => server.close(resolve)))
  const ctx = (): CallContext => ({...keys, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`})
  const answer = (action: string, result: string) =>
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`
  const full: Record<string, string> = {AccessKeyId: 'ASIAX', SecretAccessKey: 'sec', SessionToken: 'tok', Expiration: '2030-01-02T03:04:05.678Z'}
  const credentials = (c: Record<string, string>) => `<Credentials>${Object.entries(c).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</Credentials>`
  const gst = () => getSessionToken(ctx(), {serial: 'arn:aws:iam::1:mfa/a', code: '123456', durationSeconds: 900})

  test('complete credentials: the four fields, the expiry without milliseconds', async () => {
    body = answer('GetSessionToken', credentials(full))
    expect(await gst()).toEqual({AccessKeyId: 'ASIAX', SecretAccessKey: 'sec', SessionToken: 'tok', Expiration: '2030-01-02T03:04:05Z'})
  })
  test.each(['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])('without %s: one line that says so', async missing => {
    const c = {...full}
    delete c[missing]
    body = answer('GetSessionToken', credentials(c))
    const error = await gst().catch(e => e)
    expect(error).toBeInstanceOf(MfaError)
    // STS never answers a success without them: a page in its place that parsed as XML.
    expect(error.message).toMatch(/^the endpoint http:\/\/127\.0\.0\.1:\d+ answered GetSessionToken with something that is not STS \(HTTP 200\)$/)
    expect(error.hint).toBe('A captive portal, proxy or wrong AWS_ENDPOINT_URL_STS? Sign in to the network or fix the endpoint, then try again.')
  })
  test('no credentials at all', async () => {
    body = answer('GetSessionToken', '')
    await expect(gst()).rejects.toThrow(/answered GetSessionToken with something that is not STS \(HTTP 200\)$/)
  })
  test('AssumeRole: the credentials and the assumed user, when both of its fields are there', async () => {
    const role = {roleArn: 'arn:aws:iam::1:role/r', sessionName: 's', durationSeconds: 900}
    const user = (u: string) => `<AssumedRoleUser>${u}</AssumedRoleUser>`
    body = answer('AssumeRole', credentials(full) + user('<Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>'))
    expect(await assumeRole(ctx(), role)).toEqual({
      Credentials: {AccessKeyId: 'ASIAX', SecretAccessKey: 'sec', SessionToken: 'tok', Expiration: '2030-01-02T03:04:05Z'},
      AssumedRoleUser: {Arn: 'arn:aws:sts::1:assumed-role/r/s', AssumedRoleId: 'AROA:s'},
    })
    body = answer('AssumeRole', credentials(full) + user('<Arn>arn:aws:sts::1:assumed-role/r/s</Arn>'))
    expect((await assumeRole(ctx(), role)).AssumedRoleUser).toBeUndefined()
    body = answer('AssumeRole', credentials(full) + user('<AssumedRoleId>AROA:s</AssumedRoleId>'))
    expect((await assumeRole(ctx(), role)).AssumedRoleUser).toBeUndefined()
    body = answer('AssumeRole', credentials({...full, SessionToken: ''}))
    await expect(assumeRole(ctx(), role)).rejects.toThrow(/answered AssumeRole with something that is not STS \(HTTP 200\)$/)
  })
  test.each(['Arn', 'Account', 'UserId'])('GetCallerIdentity without %s', async missing => {
    const id: Record<string, string> = {Arn: 'arn:aws:iam::1:user/a', Account: '1', UserId: 'AIDA'}
    body = answer('GetCallerIdentity', Object.entries(id).map(([k, v]) => `<${k}>${v}</${k}>`).join(''))
    expect(await getCallerIdentity(ctx())).toEqual(id)
    delete id[missing]
    body = answer('GetCallerIdentity', Object.entries(id).map(([k, v]) => `<${k}>${v}</${k}>`).join(''))
    await expect(getCallerIdentity(ctx())).rejects.toThrow(/answered GetCallerIdentity with something that is not STS \(HTTP 200\)$/)
  })
  test('a call with a code is sent once even when STS fails; one without is retried by the SDK', async () => {
    status = 500
    body = '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>oops</Message></Error><RequestId>r</RequestId></ErrorResponse>'
    const role = {roleArn: 'arn:aws:iam::1:role/r', sessionName: 's', durationSeconds: 900}
    await expect(gst()).rejects.toThrow('STS failed with HTTP 500 (InternalFailure)')
    expect(requests).toBe(1)
    await expect(assumeRole(ctx(), {...role, serial: 'arn:aws:iam::1:mfa/a', code: '123456'})).rejects.toThrow(/HTTP 500/)
    expect(requests).toBe(2)
    await expect(assumeRole(ctx(), role)).rejects.toThrow('STS failed with HTTP 500 (InternalFailure) after 3 attempts')
    expect(requests).toBe(5)
  })
  test('what is sent: every field of the request', async () => {
    body = answer('GetSessionToken', credentials(full))
    await gst()
    expect(Object.fromEntries(sent)).toMatchObject({Action: 'GetSessionToken', SerialNumber: 'arn:aws:iam::1:mfa/a', TokenCode: '123456', DurationSeconds: '900'})
    body = answer('AssumeRole', credentials(full))
    await assumeRole(ctx(), {roleArn: 'arn:aws:iam::1:role/r', sessionName: 's', durationSeconds: 900, externalId: 'ext', serial: 'arn:aws:iam::1:mfa/a', code: '123456'})
    expect(Object.fromEntries(sent)).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::1:role/r',
      RoleSessionName: 's',
      DurationSeconds: '900',
      ExternalId: 'ext',
      SerialNumber: 'arn:aws:iam::1:mfa/a',
      TokenCode: '123456',
    })
  })
  test('AssumeRole without an assumed user: none', async () => {
    body = answer('AssumeRole', credentials(full))
    expect((await assumeRole(ctx(), {roleArn: 'arn:aws:iam::1:role/r', sessionName: 's', durationSeconds: 900})).AssumedRoleUser).toBeUndefined()
  })
  test('a refusal names the action', async () => {
    status = 403
    body = '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>r</RequestId></ErrorResponse>'
    await expect(assumeRole(ctx(), {roleArn: 'arn:aws:iam::1:role/r', sessionName: 's', durationSeconds: 900})).rejects.toThrow('STS denied AssumeRole: not allowed')
    await expect(gst()).rejects.toThrow('STS denied GetSessionToken: not allowed')
  })
})
