/**
 * Every failed SDK call becomes one line that says what to do (src/session/sts.ts). The errors are
 * the SDK's own classes, shaped as the SDK throws them for each answer (name, $fault, $metadata).
 */
import {STSServiceException} from '@aws-sdk/client-sts'
import type {CallContext} from '../../../src/aws/call-context.js'
import {MfaError} from '../../../src/cli/errors.js'
import {callTimeoutMs, describeSkew, describeStsError, getCallerIdentity, getSessionToken} from '../../../src/session/sts.js'
import {DEMO, makeWorld, type World} from '../../helpers/world.js'

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
