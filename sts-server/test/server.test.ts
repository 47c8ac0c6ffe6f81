/**
 * The local STS server, driven through the REAL AWS SDK v3 clients (STS and IAM) and, for the raw wire
 * format, through Smithy's own SigV4 signer. Nothing of the server is mocked.
 */
import {afterAll, beforeAll, describe, expect, jest, test} from '@jest/globals'
import {createHash, createHmac, randomBytes} from 'node:crypto'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createInterface} from 'node:readline'

import {AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient} from '@aws-sdk/client-sts'
import {CreateAccessKeyCommand, DeleteAccessKeyCommand, IAMClient, ListAccessKeysCommand, ListMFADevicesCommand} from '@aws-sdk/client-iam'
import {NodeHttpHandler} from '@smithy/node-http-handler'
import {SignatureV4} from '@smithy/signature-v4'

import {
  CAPTIVE_PORTAL_XHTML,
  DEMO,
  MESSAGES,
  base32Decode,
  base32Encode,
  demoFixture,
  startLocalSts,
  totp,
  type LocalSts,
  type StsUser,
} from '../src/index.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
jest.setTimeout(30_000)

const ACCOUNT = '123456789012'

interface Creds {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

let server: LocalSts
let userSeq = 0

beforeAll(async () => {
  server = await startLocalSts({
    roles: [
      {arn: `arn:aws:iam::${ACCOUNT}:role/admin`, requireMfa: true},
      {arn: `arn:aws:iam::${ACCOUNT}:role/readonly`},
      {arn: `arn:aws:iam::${ACCOUNT}:role/long`, maxSessionDuration: 43200},
      {arn: `arn:aws:iam::${ACCOUNT}:role/partner`, externalId: 'ext-1234'},
      {arn: `arn:aws:iam::${ACCOUNT}:role/only-bob`, trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:user/bob`]},
      {arn: `arn:aws:iam::${ACCOUNT}:role/chained`, trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:role/readonly`]},
    ],
  })
})

afterAll(async () => {
  await server?.close()
})

/** A fresh user with its own MFA device (each test gets its own, so codes are never shared). */
function newUser(overrides: Partial<StsUser> = {}, into: LocalSts = server): StsUser & {serial: string; seed: string} {
  const name = `user${++userSeq}`
  const seed = base32Encode(randomBytes(20))
  const serial = `arn:aws:iam::${ACCOUNT}:mfa/${name}`
  const user: StsUser = {
    userName: name,
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(),
    secretAccessKey: randomBytes(30).toString('base64'),
    mfaDevices: [{serial, secret: seed}],
    ...overrides,
  }
  into.addUser(user)
  return {...user, serial, seed}
}

function keysOf(u: StsUser): Creds {
  return {accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey}
}

function sts(credentials: Creds, extra: {maxAttempts?: number; requestHandler?: NodeHttpHandler; url?: string} = {}) {
  return new STSClient({
    region: 'us-east-1',
    endpoint: extra.url ?? server.url,
    credentials,
    maxAttempts: extra.maxAttempts ?? 1,
    ...(extra.requestHandler ? {requestHandler: extra.requestHandler} : {}),
  })
}

function iam(credentials: Creds) {
  return new IAMClient({region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1})
}

async function mfaSession(u: ReturnType<typeof newUser>, durationSeconds?: number): Promise<Creds> {
  const out = await sts(keysOf(u)).send(
    new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: server.code(u.serial), DurationSeconds: durationSeconds}),
  )
  const c = out.Credentials!
  return {accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!}
}

/** What the SDK error carries: code (name), HTTP status, message. */
async function failure(p: Promise<unknown>): Promise<{name: string; status?: number; message: string; error: any}> {
  try {
    await p
  } catch (error: any) {
    return {name: error.name, status: error.$metadata?.httpStatusCode, message: error.message, error}
  }
  throw new Error('expected the call to fail, it succeeded')
}

/** Node's crypto as the hash Smithy's signer wants. */
class NodeSha256 {
  private readonly h
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret)
  }
  update(data: string | Uint8Array) {
    this.h.update(data)
  }
  async digest() {
    return new Uint8Array(this.h.digest())
  }
}

/** A POST signed by Smithy's SignatureV4 (independent of the server's code), sent with fetch. */
async function rawCall(
  body: string,
  creds: Creds,
  opts: {service?: string; signingDate?: Date} = {},
): Promise<{status: number; headers: Headers; text: string}> {
  const url = new URL(server.url)
  const signer = new SignatureV4({
    credentials: creds,
    region: 'us-east-1',
    service: opts.service ?? 'sts',
    sha256: NodeSha256 as any,
  })
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'},
      body,
    },
    {signingDate: opts.signingDate},
  )
  const res = await fetch(server.url + '/', {method: 'POST', headers: signed.headers as Record<string, string>, body})
  return {status: res.status, headers: res.headers, text: await res.text()}
}

const ISO_NO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

describe('totp', () => {
  // RFC 6238 appendix B, SHA-1 column, seed "12345678901234567890", truncated to 6 digits.
  const seed = base32Encode('12345678901234567890')
  test.each([
    [59, '287082'], // 94287082
    [1111111109, '081804'], // 07081804
    [1111111111, '050471'], // 14050471
    [1234567890, '005924'], // 89005924
    [2000000000, '279037'], // 69279037
    [20000000000, '353130'], // 65353130
  ])('RFC 6238 vector at T=%d s', (seconds, expected) => {
    expect(totp(seed, seconds * 1000)).toBe(expected)
  })

  test('base32 round trip, case and padding insensitive', () => {
    expect(seed).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    expect(base32Decode(seed.toLowerCase() + '====').toString()).toBe('12345678901234567890')
    expect(() => base32Decode('ABC1')).toThrow(/base32/)
  })

  test('server.code follows the server clock, and steps every 30 s', () => {
    const u = newUser()
    const t = 1_800_000_000_000
    expect(server.code(u.serial, t)).toBe(totp(u.seed, t))
    expect(server.code(u.serial)).toBe(totp(u.seed, server.now()))
    expect(totp(u.seed, t)).toBe(totp(u.seed, t + 29_999 - (t % 30_000)))
    expect(() => server.code('arn:aws:iam::123456789012:mfa/nobody')).toThrow(/no MFA device/)
  })
})

describe('GetSessionToken', () => {
  test('a valid code gives session credentials that work only with their token', async () => {
    const u = newUser()
    const before = server.now()
    const out = await sts(keysOf(u)).send(
      new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: server.code(u.serial)}),
    )
    const c = out.Credentials!
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(c.SecretAccessKey).toHaveLength(40)
    expect(c.SessionToken!.length).toBeGreaterThan(200)
    expect(c.SessionToken).toMatch(/^[A-Za-z0-9+/=]+$/)
    // default 43200 s from the server's now (second precision)
    const exp = c.Expiration!.getTime()
    expect(exp).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 43200_000)
    expect(exp).toBeLessThanOrEqual(server.now() + 43200_000)

    const session = {accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!}
    const who = await sts(session).send(new GetCallerIdentityCommand({}))
    expect(who).toMatchObject({Account: ACCOUNT, Arn: u.arn})
    expect(who.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/)

    const noToken = await failure(sts({accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey}).send(new GetCallerIdentityCommand({})))
    expect(noToken).toMatchObject({name: 'InvalidClientTokenId', status: 403, message: MESSAGES.invalidToken})

    const otherToken = await failure(sts({...session, sessionToken: session.sessionToken.slice(0, -4) + 'AAAA'}).send(new GetCallerIdentityCommand({})))
    expect(otherToken).toMatchObject({name: 'InvalidClientTokenId', status: 403})

    // a token with long-term keys is refused too
    const tokenOnLongTerm = await failure(sts({...keysOf(u), sessionToken: session.sessionToken}).send(new GetCallerIdentityCommand({})))
    expect(tokenOnLongTerm).toMatchObject({name: 'InvalidClientTokenId', status: 403})
  })

  test('DurationSeconds is honoured and validated (900..129600)', async () => {
    const u = newUser()
    const before = Math.floor(server.now() / 1000) * 1000
    const s = await sts(keysOf(u)).send(new GetSessionTokenCommand({DurationSeconds: 900}))
    expect(s.Credentials!.Expiration!.getTime() - before).toBeGreaterThanOrEqual(900_000)
    expect(s.Credentials!.Expiration!.getTime() - before).toBeLessThan(905_000)

    const low = await failure(sts(keysOf(u)).send(new GetSessionTokenCommand({DurationSeconds: 899})))
    expect(low).toMatchObject({name: 'ValidationError', status: 400})
    expect(low.message).toMatch(/durationSeconds.*greater than or equal to 900/)
    const high = await failure(sts(keysOf(u)).send(new GetSessionTokenCommand({DurationSeconds: 129601})))
    expect(high).toMatchObject({name: 'ValidationError', status: 400})
    expect(high.message).toMatch(/less than or equal to 129600/)
    const badCode = await failure(sts(keysOf(u)).send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: '12a456'})))
    expect(badCode).toMatchObject({name: 'ValidationError', status: 400})
  })

  test('setExpiry: a test chooses when issued credentials end, for sessions, roles or both', async () => {
    const u = newUser()
    const at = Math.floor(server.now() / 1000) * 1000 + 90_000
    try {
      server.setExpiry({at, kind: 'session'})
      const s = await sts(keysOf(u)).send(new GetSessionTokenCommand({DurationSeconds: 3600}))
      expect(s.Credentials!.Expiration!.getTime()).toBe(at)
      // roles keep their own duration under a session-only rule
      const keys = {accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey}
      const role = await sts(keys).send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCOUNT}:role/readonly`, RoleSessionName: 'x1'}))
      expect(role.Credentials!.Expiration!.getTime() - server.now()).toBeGreaterThan(3500_000)
      server.setExpiry({at: at + 1000})
      const both = await sts(keys).send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCOUNT}:role/readonly`, RoleSessionName: 'x2'}))
      expect(both.Credentials!.Expiration!.getTime()).toBe(at + 1000)
      expect(() => server.setExpiry({at: Number.NaN})).toThrow(/at must be a time/)
    } finally {
      server.setExpiry(undefined)
    }
    const asked = await sts(keysOf(u)).send(new GetSessionTokenCommand({DurationSeconds: 900}))
    expect(asked.Credentials!.Expiration!.getTime() - server.now()).toBeGreaterThan(800_000)
  })

  test('expireIssued: sessions issued so far end now; long-term keys and later sessions work', async () => {
    const u = newUser()
    const s = await sts(keysOf(u)).send(new GetSessionTokenCommand({DurationSeconds: 3600}))
    const c = s.Credentials!
    const session = sts({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})
    await session.send(new GetCallerIdentityCommand({}))
    server.expireIssued()
    expect(await failure(session.send(new GetCallerIdentityCommand({})))).toMatchObject({name: 'ExpiredToken'})
    const again = await sts(keysOf(u)).send(new GetSessionTokenCommand({DurationSeconds: 3600}))
    expect(again.Credentials!.Expiration!.getTime() - server.now()).toBeGreaterThan(3500_000)
  })

  test('wrong code, reused code and a code from 2 windows ago are refused; 1 window ago is accepted', async () => {
    const u = newUser()
    const client = sts(keysOf(u))
    // start 5 s into a 30 s window so that no step boundary falls inside the test
    server.setClockOffset(35_000 - (Date.now() % 30_000))
    try {
      const now = server.now()
      const current = server.code(u.serial)
      const near = [-30_000, 0, 30_000].map((d) => totp(u.seed, now + d))
      let wrong = current
      while (near.includes(wrong)) wrong = String((Number(wrong) + 1) % 1_000_000).padStart(6, '0')
      const e1 = await failure(client.send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: wrong})))
      expect(e1).toMatchObject({name: 'AccessDenied', status: 403, message: MESSAGES.mfaFailed})

      const old = totp(u.seed, now - 60_000)
      if (old !== current && old !== totp(u.seed, now - 30_000) && old !== totp(u.seed, now + 30_000)) {
        const e2 = await failure(client.send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: old})))
        expect(e2).toMatchObject({name: 'AccessDenied', status: 403, message: MESSAGES.mfaFailed})
      }

      // the previous window is still accepted (clock drift allowance)
      await client.send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: totp(u.seed, server.now() - 30_000)}))
      // the current code works once...
      await client.send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: server.code(u.serial)}))
      // ...and not twice
      const e3 = await failure(client.send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: server.code(u.serial)})))
      expect(e3).toMatchObject({name: 'AccessDenied', status: 403, message: MESSAGES.mfaFailed})
    } finally {
      server.setClockOffset(0)
    }
  })

  test("a device the user doesn't have, or a serial without a code, is refused", async () => {
    const u = newUser()
    const other = newUser()
    const e1 = await failure(
      sts(keysOf(u)).send(new GetSessionTokenCommand({SerialNumber: other.serial, TokenCode: server.code(other.serial)})),
    )
    expect(e1).toMatchObject({name: 'AccessDenied', status: 403, message: MESSAGES.mfaFailed})
    const e2 = await failure(sts(keysOf(u)).send(new GetSessionTokenCommand({SerialNumber: u.serial})))
    expect(e2).toMatchObject({name: 'AccessDenied', status: 403, message: MESSAGES.mfaBoth})
  })

  test('session credentials cannot call GetSessionToken', async () => {
    const u = newUser()
    const session = await mfaSession(u)
    const e = await failure(sts(session).send(new GetSessionTokenCommand({})))
    expect(e).toMatchObject({name: 'AccessDenied', status: 403})
  })
})

describe('authentication', () => {
  test('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId', async () => {
    const u = newUser()
    const bad = await failure(sts({...keysOf(u), secretAccessKey: u.secretAccessKey + 'x'}).send(new GetCallerIdentityCommand({})))
    expect(bad).toMatchObject({name: 'SignatureDoesNotMatch', status: 403})
    const unknown = await failure(
      sts({accessKeyId: 'AKIAUNKNOWNUNKNOWN12', secretAccessKey: u.secretAccessKey}).send(new GetCallerIdentityCommand({})),
    )
    expect(unknown).toMatchObject({name: 'InvalidClientTokenId', status: 403, message: MESSAGES.invalidToken})
  })

  test('expired session credentials are ExpiredToken (400)', async () => {
    const u = newUser()
    const session = await mfaSession(u, 900)
    await sts(session).send(new GetCallerIdentityCommand({}))
    server.setClockOffset(901_000)
    try {
      const e = await failure(sts(session).send(new GetCallerIdentityCommand({})))
      expect(e).toMatchObject({name: 'ExpiredToken', status: 400, message: MESSAGES.expiredToken})
    } finally {
      server.setClockOffset(0)
    }
  })

  test('a request more than 5 minutes off the server clock is RequestExpired, with the server time', async () => {
    const u = newUser()
    server.setClockOffset(30 * 60_000)
    try {
      const e = await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))
      expect(e).toMatchObject({name: 'RequestExpired', status: 400})
      const m = /Timestamp date is (\d{8}T\d{6}Z), server time (\d{8}T\d{6}Z)/.exec(e.message)
      expect(m).not.toBeNull()
      const toMs = (s: string) =>
        Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15))
      expect(Math.abs(toMs(m![2]!) - server.now())).toBeLessThan(5_000)
      expect(Math.abs(toMs(m![1]!) - Date.now())).toBeLessThan(5_000)
      // the Date header carries the server's time: the SDK corrects its clock from it and retries
      const healed = await sts(keysOf(u), {maxAttempts: 3}).send(new GetCallerIdentityCommand({}))
      expect(healed.Arn).toBe(u.arn)
      // 4 minutes off is still accepted
      server.setClockOffset(4 * 60_000)
      await sts(keysOf(u)).send(new GetCallerIdentityCommand({}))
    } finally {
      server.setClockOffset(0)
    }
  })

  test('raw answers have the STS XML shape, Date and x-amzn-RequestId headers', async () => {
    const u = newUser()
    const ok = await rawCall(
      `Action=GetSessionToken&Version=2011-06-15&SerialNumber=${encodeURIComponent(u.serial)}&TokenCode=${server.code(u.serial)}&DurationSeconds=3600`,
      keysOf(u),
    )
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(Math.abs(Date.parse(ok.headers.get('date')!) - server.now())).toBeLessThan(5_000)
    expect(ok.headers.get('content-type')).toBe('text/xml')
    expect(ok.text).toMatch(/^<GetSessionTokenResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/)
    expect(ok.text).toMatch(
      /<GetSessionTokenResult>\s*<Credentials>\s*<AccessKeyId>ASIA[A-Z0-9]{16}<\/AccessKeyId>\s*<SecretAccessKey>[^<]{40}<\/SecretAccessKey>\s*<SessionToken>[^<]+<\/SessionToken>\s*<Expiration>([^<]+)<\/Expiration>\s*<\/Credentials>\s*<\/GetSessionTokenResult>\s*<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ResponseMetadata>\s*<\/GetSessionTokenResponse>/,
    )
    const expiration = /<Expiration>([^<]+)<\/Expiration>/.exec(ok.text)![1]!
    expect(expiration).toMatch(ISO_NO_MS)
    expect(ok.text).toContain(ok.headers.get('x-amzn-requestid')!)

    const err = await rawCall('Action=GetCallerIdentity&Version=2011-06-15', {...keysOf(u), secretAccessKey: 'wrong'})
    expect(err.status).toBe(403)
    expect(err.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(err.headers.get('date')).toBeTruthy()
    expect(err.text).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>SignatureDoesNotMatch<\/Code>\s*<Message>[^<]+<\/Message>\s*<\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/,
    )
  })

  test('unknown action is InvalidAction (400); unsigned is refused; a tampered body fails the signature', async () => {
    const u = newUser()
    const unknown = await rawCall('Action=GetFederationTokenX&Version=2011-06-15', keysOf(u))
    expect(unknown.status).toBe(400)
    expect(unknown.text).toContain('<Code>InvalidAction</Code>')
    // an STS action signed for IAM is not an IAM action
    const wrongService = await rawCall('Action=GetCallerIdentity&Version=2011-06-15', keysOf(u), {service: 'iam'})
    expect(wrongService.status).toBe(400)
    expect(wrongService.text).toContain('<Code>InvalidAction</Code>')

    const unsigned = await fetch(server.url + '/', {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    })
    expect(unsigned.status).toBe(403)
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>')

    // sign one body, send another
    const url = new URL(server.url)
    const signer = new SignatureV4({credentials: keysOf(u), region: 'eu-west-1', service: 'sts', sha256: NodeSha256 as any})
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {host: url.host, 'content-type': 'application/x-www-form-urlencoded'},
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    })
    const good = await fetch(server.url + '/', {method: 'POST', headers: signed.headers as any, body: 'Action=GetCallerIdentity&Version=2011-06-15'})
    expect(good.status).toBe(200) // any region is fine
    const tampered = await fetch(server.url + '/', {
      method: 'POST',
      headers: signed.headers as any,
      body: 'Action=GetCallerIdentity&Version=2011-06-15&X=1',
    })
    expect(tampered.status).toBe(403)
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
  })
})

describe('AssumeRole', () => {
  test('via an MFA session, a requireMfa role works and the role credentials identify as the role', async () => {
    const u = newUser()
    const session = await mfaSession(u)
    const before = Math.floor(server.now() / 1000) * 1000
    const out = await sts(session).send(
      new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCOUNT}:role/admin`, RoleSessionName: 'my-session'}),
    )
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/admin/my-session`)
    expect(out.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:my-session$/)
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    const exp = out.Credentials!.Expiration!.getTime() - before
    expect(exp).toBeGreaterThanOrEqual(3600_000)
    expect(exp).toBeLessThan(3605_000)
    const role = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    }
    const who = await sts(role).send(new GetCallerIdentityCommand({}))
    expect(who).toEqual(
      expect.objectContaining({
        Account: ACCOUNT,
        Arn: out.AssumedRoleUser!.Arn,
        UserId: out.AssumedRoleUser!.AssumedRoleId,
      }),
    )
  })

  test('a requireMfa role is refused to a session made without MFA, and to long-term keys without a code', async () => {
    const u = newUser()
    const plain = await sts(keysOf(u)).send(new GetSessionTokenCommand({}))
    const session = {
      accessKeyId: plain.Credentials!.AccessKeyId!,
      secretAccessKey: plain.Credentials!.SecretAccessKey!,
      sessionToken: plain.Credentials!.SessionToken!,
    }
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/admin`
    const e = await failure(sts(session).send(new AssumeRoleCommand({RoleArn: roleArn, RoleSessionName: 's1'})))
    expect(e).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${u.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    })
    const e2 = await failure(sts(keysOf(u)).send(new AssumeRoleCommand({RoleArn: roleArn, RoleSessionName: 's1'})))
    expect(e2).toMatchObject({name: 'AccessDenied', status: 403})
    // with a valid code on the call itself it works
    const ok = await sts(keysOf(u)).send(
      new AssumeRoleCommand({RoleArn: roleArn, RoleSessionName: 's1', SerialNumber: u.serial, TokenCode: server.code(u.serial)}),
    )
    expect(ok.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/admin/s1`)
    // and a wrong code on the call is the MFA error
    const e3 = await failure(
      sts(keysOf(u)).send(new AssumeRoleCommand({RoleArn: roleArn, RoleSessionName: 's1', SerialNumber: u.serial, TokenCode: '000000'})),
    )
    expect(e3).toMatchObject({name: 'AccessDenied', status: 403, message: MESSAGES.mfaFailed})
  })

  test('durations: default 3600, up to the role max with long-term keys, 1 hour when chained', async () => {
    const u = newUser()
    const long = `arn:aws:iam::${ACCOUNT}:role/long`
    const readonly = `arn:aws:iam::${ACCOUNT}:role/readonly`
    const r = await sts(keysOf(u)).send(new AssumeRoleCommand({RoleArn: long, RoleSessionName: 'x1', DurationSeconds: 7200}))
    expect(r.Credentials!.Expiration!.getTime() - server.now()).toBeGreaterThan(7100_000)
    const overMax = await failure(
      sts(keysOf(u)).send(new AssumeRoleCommand({RoleArn: readonly, RoleSessionName: 'x1', DurationSeconds: 7200})),
    )
    expect(overMax).toMatchObject({name: 'ValidationError', status: 400, message: MESSAGES.maxSession})

    const session = await mfaSession(u)
    const chained = await failure(
      sts(session).send(new AssumeRoleCommand({RoleArn: long, RoleSessionName: 'x2', DurationSeconds: 7200})),
    )
    expect(chained).toMatchObject({
      name: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    })
    await sts(session).send(new AssumeRoleCommand({RoleArn: long, RoleSessionName: 'x2', DurationSeconds: 3600}))
    const tooShort = await failure(sts(session).send(new AssumeRoleCommand({RoleArn: long, RoleSessionName: 'x2', DurationSeconds: 60})))
    expect(tooShort).toMatchObject({name: 'ValidationError', status: 400})
  })

  test('external id, trusted principals, unknown roles and role chaining', async () => {
    const u = newUser()
    const partner = `arn:aws:iam::${ACCOUNT}:role/partner`
    const client = sts(keysOf(u))
    for (const ExternalId of [undefined, 'ext-wrong']) {
      const e = await failure(client.send(new AssumeRoleCommand({RoleArn: partner, RoleSessionName: 'pp', ExternalId})))
      expect(e).toMatchObject({
        name: 'AccessDenied',
        status: 403,
        message: `User: ${u.arn} is not authorized to perform: sts:AssumeRole on resource: ${partner}`,
      })
    }
    await client.send(new AssumeRoleCommand({RoleArn: partner, RoleSessionName: 'pp', ExternalId: 'ext-1234'}))

    const onlyBob = `arn:aws:iam::${ACCOUNT}:role/only-bob`
    expect(await failure(client.send(new AssumeRoleCommand({RoleArn: onlyBob, RoleSessionName: 'pp'})))).toMatchObject({
      name: 'AccessDenied',
    })
    const bob = newUser({userName: 'bob', arn: `arn:aws:iam::${ACCOUNT}:user/bob`})
    await sts(keysOf(bob)).send(new AssumeRoleCommand({RoleArn: onlyBob, RoleSessionName: 'pp'}))

    const missing = `arn:aws:iam::${ACCOUNT}:role/does-not-exist`
    expect(await failure(client.send(new AssumeRoleCommand({RoleArn: missing, RoleSessionName: 'pp'})))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    })
    const badName = await failure(client.send(new AssumeRoleCommand({RoleArn: partner, RoleSessionName: 'bad name!'})))
    expect(badName).toMatchObject({name: 'ValidationError', status: 400})

    // role chaining: readonly session → chained (trusts only the readonly role)
    const ro = await client.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCOUNT}:role/readonly`, RoleSessionName: 'ro'}))
    const roCreds = {
      accessKeyId: ro.Credentials!.AccessKeyId!,
      secretAccessKey: ro.Credentials!.SecretAccessKey!,
      sessionToken: ro.Credentials!.SessionToken!,
    }
    const chainedArn = `arn:aws:iam::${ACCOUNT}:role/chained`
    const c = await sts(roCreds).send(new AssumeRoleCommand({RoleArn: chainedArn, RoleSessionName: 'cc'}))
    expect(c.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/chained/cc`)
    const denied = await failure(client.send(new AssumeRoleCommand({RoleArn: chainedArn, RoleSessionName: 'cc'})))
    expect(denied).toMatchObject({name: 'AccessDenied'})
  })

  test('other partitions keep their partition in ARNs', async () => {
    const local = await startLocalSts({roles: [{arn: 'arn:aws-cn:iam::210987654321:role/ops'}]})
    try {
      const cn = newUser(
        {accountId: '210987654321', arn: 'arn:aws-cn:iam::210987654321:user/li', userName: 'li', mfaDevices: []},
        local,
      )
      const client = sts(keysOf(cn), {url: local.url})
      expect((await client.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws-cn:iam::210987654321:user/li')
      const r = await client.send(new AssumeRoleCommand({RoleArn: 'arn:aws-cn:iam::210987654321:role/ops', RoleSessionName: 'li'}))
      expect(r.AssumedRoleUser!.Arn).toBe('arn:aws-cn:sts::210987654321:assumed-role/ops/li')
    } finally {
      await local.close()
    }
  })
})

describe('faults', () => {
  test('status faults: 500 InternalFailure, 503 ServiceUnavailable, custom code; times limits them', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'status', status: 500}, times: 1})
    expect(await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InternalFailure',
      status: 500,
    })
    await sts(keysOf(u)).send(new GetCallerIdentityCommand({})) // times: 1 → gone

    server.fail({fault: {kind: 'status', status: 503}, times: 1})
    expect(await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'ServiceUnavailable',
      status: 503,
    })
    server.fail({fault: {kind: 'status', status: 403, code: 'AccessDenied', message: 'nope'}, times: 1})
    expect(await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: 'nope',
    })

    // the SDK retries a 500 by itself: 2 attempts, the second succeeds
    const before = server.count('GetCallerIdentity', (c) => c.accessKeyId === u.accessKeyId)
    server.fail({fault: {kind: 'status', status: 500}, times: 1})
    await sts(keysOf(u), {maxAttempts: 3}).send(new GetCallerIdentityCommand({}))
    expect(server.count('GetCallerIdentity', (c) => c.accessKeyId === u.accessKeyId) - before).toBe(2)
  })

  test('throttle is 400 Throttling "Rate exceeded"', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'throttle'}, times: 1})
    expect(await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'Throttling',
      status: 400,
      message: 'Rate exceeded',
    })
  })

  test('slow answers correctly after the delay', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'slow', delayMs: 400}, times: 1})
    const t0 = Date.now()
    const who = await sts(keysOf(u)).send(new GetCallerIdentityCommand({}))
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390)
    expect(who.Arn).toBe(u.arn)
  })

  test('hang never answers: a client with a request timeout gives up', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'hang'}, times: 1})
    const client = sts(keysOf(u), {requestHandler: new NodeHttpHandler({requestTimeout: 500, throwOnRequestTimeout: true})})
    const t0 = Date.now()
    const e = await failure(client.send(new GetCallerIdentityCommand({})))
    expect(e.name).toBe('TimeoutError')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450)
    expect(Date.now() - t0).toBeLessThan(5_000)
    client.destroy()
  })

  test('garbage is a 200 HTML page the SDK cannot parse', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'garbage'}, times: 1})
    const e = await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))
    expect(e.status).toBe(200)
    expect(e.message).toMatch(/XML parse error|Deserialization error/)
    const raw = await (async () => {
      server.fail({fault: {kind: 'garbage'}, times: 1})
      return rawCall('Action=GetCallerIdentity&Version=2011-06-15', keysOf(u))
    })()
    expect(raw.status).toBe(200)
    expect(raw.headers.get('content-type')).toMatch(/^text\/html/)
    expect(raw.text).toMatch(/<html>/)
  })

  test('garbage with a chosen body, Content-Type and status: a portal that calls its page XML', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'garbage', body: CAPTIVE_PORTAL_XHTML, contentType: 'text/xml', status: 403}, times: 1})
    const raw = await rawCall('Action=GetCallerIdentity&Version=2011-06-15', keysOf(u))
    expect(raw.status).toBe(403)
    expect(raw.headers.get('content-type')).toBe('text/xml')
    expect(raw.text).toBe(CAPTIVE_PORTAL_XHTML)
    expect(() => server.fail({fault: {kind: 'garbage', status: 42}})).toThrow('fault.status must be an HTTP status')
  })

  test('reset destroys the socket', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'reset'}, times: 1})
    const e = await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))
    // (inside jest's VM the SDK wraps Node's cross-realm error: "AWS SDK error wrapper for …: socket hang up")
    expect(`${e.error.code ?? ''} ${e.message}`).toMatch(/ECONNRESET|EPIPE|socket hang up/)
    expect(e.status).toBeUndefined()
    await sts(keysOf(u)).send(new GetCallerIdentityCommand({}))
  })

  test('actions filter faults; clearFaults removes them', async () => {
    const u = newUser()
    server.fail({fault: {kind: 'throttle'}, actions: ['GetSessionToken']})
    try {
      await sts(keysOf(u)).send(new GetCallerIdentityCommand({}))
      expect(await failure(sts(keysOf(u)).send(new GetSessionTokenCommand({})))).toMatchObject({name: 'Throttling'})
      expect(await failure(sts(keysOf(u)).send(new GetSessionTokenCommand({})))).toMatchObject({name: 'Throttling'})
    } finally {
      server.clearFaults()
    }
    await sts(keysOf(u)).send(new GetSessionTokenCommand({}))
    expect(() => server.fail({fault: {kind: 'nope'} as any})).toThrow(/unknown fault/)
  })
})

describe('calls and count', () => {
  test('every request is recorded in order with its action, key and outcome', async () => {
    const u = newUser()
    const start = server.calls.length
    await sts(keysOf(u)).send(new GetCallerIdentityCommand({}))
    await failure(sts(keysOf(u)).send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: '000000'})))
    const session = await mfaSession(u)
    await sts(session).send(new GetCallerIdentityCommand({}))
    const mine = server.calls.slice(start)
    expect(mine.map((c) => [c.action, c.ok, c.code])).toEqual([
      ['GetCallerIdentity', true, undefined],
      ['GetSessionToken', false, 'AccessDenied'],
      ['GetSessionToken', true, undefined],
      ['GetCallerIdentity', true, undefined],
    ])
    expect(mine.slice(0, 3).every((c) => c.accessKeyId === u.accessKeyId)).toBe(true)
    expect(mine[3]!.accessKeyId).toBe(session.accessKeyId)
    expect(mine.every((c) => Math.abs(c.at - server.now()) < 10_000)).toBe(true)
    expect(server.count('GetSessionToken', (c) => c.accessKeyId === u.accessKeyId)).toBe(2)
    expect(server.count('GetSessionToken', (c) => c.accessKeyId === u.accessKeyId && c.ok)).toBe(1)
  })
})

describe('control endpoint', () => {
  test('another process can read calls and codes, add and clear faults', async () => {
    const u = newUser()
    const code = await fetch(`${server.url}/__local/code?serial=${encodeURIComponent(u.serial)}`)
    expect(code.status).toBe(200)
    expect(await code.json()).toEqual({serial: u.serial, code: server.code(u.serial)})
    expect((await fetch(`${server.url}/__local/code?serial=nope`)).status).toBe(404)

    const add = await fetch(`${server.url}/__local/fault`, {
      method: 'POST',
      body: JSON.stringify({fault: {kind: 'status', status: 503}, actions: ['GetCallerIdentity']}),
    })
    expect(add.status).toBe(200)
    expect(await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))).toMatchObject({status: 503})
    expect((await fetch(`${server.url}/__local/clear`, {method: 'POST'})).status).toBe(200)
    await sts(keysOf(u)).send(new GetCallerIdentityCommand({}))

    const bad = await fetch(`${server.url}/__local/fault`, {method: 'POST', body: '{"fault":{"kind":"x"}}'})
    expect(bad.status).toBe(400)

    const calls = (await (await fetch(`${server.url}/__local/calls`)).json()) as any[]
    expect(calls.length).toBe(server.calls.length)
    expect(calls.filter((c) => c.accessKeyId === u.accessKeyId).map((c) => [c.action, c.ok])).toEqual([
      ['GetCallerIdentity', false],
      ['GetCallerIdentity', true],
    ])
    expect(calls.some((c) => String(c.action).startsWith('/__local'))).toBe(false)
  })
})

describe('IAM ListMFADevices', () => {
  test('lists the caller’s devices through the real IAM client', async () => {
    const u = newUser()
    const out = await iam(keysOf(u)).send(new ListMFADevicesCommand({}))
    expect(out.IsTruncated).toBe(false)
    expect(out.MFADevices).toHaveLength(1)
    expect(out.MFADevices![0]).toMatchObject({UserName: u.userName, SerialNumber: u.serial})
    expect(out.MFADevices![0]!.EnableDate).toBeInstanceOf(Date)

    const other = newUser()
    const named = await iam(keysOf(u)).send(new ListMFADevicesCommand({UserName: other.userName}))
    expect(named.MFADevices!.map((d) => d.SerialNumber)).toEqual([other.serial])
    const none = await failure(iam(keysOf(u)).send(new ListMFADevicesCommand({UserName: 'ghost'})))
    // the wire code is NoSuchEntity; the SDK's modeled exception class is NoSuchEntityException
    expect(none).toMatchObject({name: 'NoSuchEntityException', status: 404})
    const rawNone = await rawCall('Action=ListMFADevices&Version=2010-05-08&UserName=ghost', keysOf(u), {service: 'iam'})
    expect(rawNone.status).toBe(404)
    expect(rawNone.text).toContain('<Code>NoSuchEntity</Code>')

    const raw = await rawCall('Action=ListMFADevices&Version=2010-05-08', keysOf(u), {service: 'iam'})
    expect(raw.text).toMatch(/^<ListMFADevicesResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">/)
    expect(raw.text).toMatch(/<EnableDate>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/EnableDate>/)
  })

  test('iamDenied answers AccessDenied (403) as IAM does; session rules', async () => {
    const u = newUser({iamDenied: true})
    const e = await failure(iam(keysOf(u)).send(new ListMFADevicesCommand({})))
    expect(e).toMatchObject({name: 'AccessDenied', status: 403})
    expect(e.message).toContain(`User: ${u.arn} is not authorized to perform: iam:ListMFADevices`)
    const raw = await rawCall('Action=ListMFADevices&Version=2010-05-08', keysOf(u), {service: 'iam'})
    expect(raw.text).toMatch(/^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">/)

    // IAM accepts GetSessionToken credentials only when they were made with MFA
    const v = newUser()
    const mfa = await mfaSession(v)
    expect((await iam(mfa).send(new ListMFADevicesCommand({}))).MFADevices).toHaveLength(1)
    const plain = (await sts(keysOf(v)).send(new GetSessionTokenCommand({}))).Credentials!
    const noMfa = await failure(
      iam({accessKeyId: plain.AccessKeyId!, secretAccessKey: plain.SecretAccessKey!, sessionToken: plain.SessionToken!}).send(
        new ListMFADevicesCommand({}),
      ),
    )
    expect(noMfa).toMatchObject({name: 'InvalidClientTokenId', status: 403})
  })
})

describe('IAM access keys', () => {
  test('list, create (two per user), delete; a deleted key is refused, its sessions live on', async () => {
    const u = newUser()
    const listed = await iam(keysOf(u)).send(new ListAccessKeysCommand({}))
    expect(listed.AccessKeyMetadata!.map((k) => [k.UserName, k.AccessKeyId, k.Status])).toEqual([[u.userName, u.accessKeyId, 'Active']])

    const session = await sts(keysOf(u)).send(new GetSessionTokenCommand({SerialNumber: u.serial, TokenCode: server.code(u.serial)}))
    const viaSession = iam({accessKeyId: session.Credentials!.AccessKeyId!, secretAccessKey: session.Credentials!.SecretAccessKey!, sessionToken: session.Credentials!.SessionToken!})
    const created = await viaSession.send(new CreateAccessKeyCommand({}))
    const fresh = {accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey!}
    expect(fresh.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/)
    expect(fresh.secretAccessKey).toHaveLength(40)
    expect((await sts(fresh).send(new GetCallerIdentityCommand({}))).Arn).toBe(u.arn)
    expect(await failure(viaSession.send(new CreateAccessKeyCommand({})))).toMatchObject({name: 'LimitExceededException', status: 409})

    await viaSession.send(new DeleteAccessKeyCommand({AccessKeyId: u.accessKeyId}))
    expect(await failure(sts(keysOf(u)).send(new GetCallerIdentityCommand({})))).toMatchObject({name: 'InvalidClientTokenId', status: 403})
    expect((await iam(fresh).send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId)).toEqual([fresh.accessKeyId])
    expect(await failure(iam(fresh).send(new DeleteAccessKeyCommand({AccessKeyId: u.accessKeyId})))).toMatchObject({name: 'NoSuchEntityException', status: 404})
    // The session made with the deleted key lasts until it expires, as in AWS.
    expect((await viaSession.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toHaveLength(1)
  })

  test('a session made without MFA is refused, as IAM refuses it', async () => {
    const u = newUser()
    const plain = await sts(keysOf(u)).send(new GetSessionTokenCommand({}))
    const c = plain.Credentials!
    const out = await failure(iam({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!}).send(new CreateAccessKeyCommand({})))
    expect(out).toMatchObject({name: 'InvalidClientTokenId', status: 403})
  })
})

describe('demo fixture and startup', () => {
  test('binds 127.0.0.1 and serves the documented demo user and role', async () => {
    const demo = await startLocalSts(demoFixture())
    try {
      expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(demo.url).toBe(`http://127.0.0.1:${demo.port}`)
      const client = sts({accessKeyId: DEMO.accessKeyId, secretAccessKey: DEMO.secretAccessKey}, {url: demo.url})
      const s = await client.send(new GetSessionTokenCommand({SerialNumber: DEMO.mfaSerial, TokenCode: demo.code(DEMO.mfaSerial)}))
      const session = {
        accessKeyId: s.Credentials!.AccessKeyId!,
        secretAccessKey: s.Credentials!.SecretAccessKey!,
        sessionToken: s.Credentials!.SessionToken!,
      }
      const r = await sts(session, {url: demo.url}).send(new AssumeRoleCommand({RoleArn: DEMO.roleArn, RoleSessionName: 'demo'}))
      expect(r.AssumedRoleUser!.Arn).toBe('arn:aws:sts::123456789012:assumed-role/demo-admin/demo')
      expect(demo.count('AssumeRole')).toBe(1)
    } finally {
      await demo.close()
    }
  })

  test('clockOffsetMs option and a port already in use', async () => {
    const a = await startLocalSts({clockOffsetMs: 3_600_000})
    try {
      expect(a.now() - Date.now()).toBeGreaterThan(3_590_000)
      await expect(startLocalSts({port: a.port})).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await a.close()
    }
  })

  test('close() ends even with a hanging request open', async () => {
    const local = await startLocalSts()
    local.fail({fault: {kind: 'hang'}})
    const pending = fetch(local.url + '/', {method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15'}).catch(
      (e: unknown) => e,
    )
    await new Promise((r) => setTimeout(r, 100))
    await local.close()
    // fetch rejects (TypeError: fetch failed; not instanceof this realm's Error inside jest's VM)
    expect(String(await pending)).toMatch(/fetch failed|socket|ECONNRESET/)
  })
})

// The compiled CLI exists after `npm run build` (npm test builds first); without it this test is skipped.
const CLI = new URL('../dist/cli.js', import.meta.url).pathname
const cliTest = existsSync(CLI) ? test : test.skip
cliTest(`cli.js prints its URL and stops on SIGTERM${existsSync(CLI) ? '' : ' (skipped: sts-server/dist/ not built, run npm run build)'}`, async () => {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--fixture', 'demo'], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const lines = createInterface({input: child.stdout})
  const all: string[] = []
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`cli exited ${code}: ${stderr}`)))
  })
  all.push(first)
  lines.on('line', (l) => all.push(l))
  const {url} = JSON.parse(first) as {url: string}
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const {code} = (await (await fetch(`${url}/__local/code?serial=${encodeURIComponent(DEMO.mfaSerial)}`)).json()) as {code: string}
  const s = await sts({accessKeyId: DEMO.accessKeyId, secretAccessKey: DEMO.secretAccessKey}, {url}).send(
    new GetSessionTokenCommand({SerialNumber: DEMO.mfaSerial, TokenCode: code}),
  )
  expect(s.Credentials!.AccessKeyId).toMatch(/^ASIA/)
  const exit = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  child.kill('SIGTERM')
  expect(await exit).toBe(0)
  expect(all).toEqual([first])
  expect(stderr).toBe('')
})
