/**
 * An independent client keeps the local STS server honest: the real AWS CLI v2 (botocore's own SigV4
 * signer and XML parser) talks to it with --endpoint-url.
 *
 * The CLI is run asynchronously (execFile): the server lives in this jest process, a blocking spawn
 * would deadlock it.
 */
import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'

import {base32Encode, startLocalSts, type LocalSts, type StsUser} from '../src/index.js'

const AWS = '/usr/bin/aws' // the AWS CLI v2 (a pip-installed v1 may come first on PATH)
const ACCOUNT = '123456789012'
const haveAws = existsSync(AWS)

if (!haveAws && process.env.CI !== 'true') {
  console.warn(`sts-server-awscli: skipped, ${AWS} (AWS CLI v2) is not installed`)
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

let server: LocalSts
let home: string
let user: StsUser & {serial: string}

function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  }
}

function aws(args: string[], env: NodeJS.ProcessEnv = baseEnv()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      AWS,
      [...args, '--endpoint-url', server.url, '--output', 'json', '--no-cli-pager'],
      {env, timeout: 60_000},
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({code, stdout: String(stdout), stderr: String(stderr)})
      },
    )
  })
}

/** Fails with the CLI's stderr when it did not exit 0. */
function ok(r: Run): Run {
  if (r.code !== 0) throw new Error(`aws exited ${r.code}: ${r.stderr}`)
  return r
}

function sessionEnv(c: {AccessKeyId: string; SecretAccessKey: string; SessionToken: string}): NodeJS.ProcessEnv {
  return baseEnv({
    AWS_ACCESS_KEY_ID: c.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
    AWS_SESSION_TOKEN: c.SessionToken,
  })
}

if (!haveAws && process.env.CI === 'true') {
  test('AWS CLI v2 is required in CI', () => {
    throw new Error(`awscli is missing: ${AWS} (AWS CLI v2) must be installed in CI`)
  })
}

const suite = haveAws ? describe : describe.skip
suite(`local STS server through the real AWS CLI v2${haveAws ? '' : ` (skipped: ${AWS} missing)`}`, () => {
  beforeAll(async () => {
    const seed = base32Encode(randomBytes(20))
    user = {
      userName: 'alice',
      accountId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(),
      secretAccessKey: randomBytes(30).toString('base64'),
      mfaDevices: [{serial: `arn:aws:iam::${ACCOUNT}:mfa/alice`, secret: seed}],
      serial: `arn:aws:iam::${ACCOUNT}:mfa/alice`,
    }
    server = await startLocalSts({
      users: [user],
      roles: [{arn: `arn:aws:iam::${ACCOUNT}:role/admin`, requireMfa: true}],
    })
    home = await mkdtemp(join(tmpdir(), 'sts-awscli-'))
    await mkdir(join(home, '.aws'))
    await writeFile(
      join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
      {mode: 0o600},
    )
    await writeFile(join(home, '.aws', 'config'), `[default]\nregion = us-east-1\noutput = json\n`)
  })

  afterAll(async () => {
    await server?.close()
    if (home) await rm(home, {recursive: true, force: true})
  })

  test('the CLI is v2', async () => {
    const r = await new Promise<string>((resolve, reject) =>
      execFile(AWS, ['--version'], {env: baseEnv()}, (e, out, err) => (e ? reject(e) : resolve(String(out) + String(err)))),
    )
    expect(r).toMatch(/^aws-cli\/2\./)
  })

  test('get-session-token, then get-caller-identity and assume-role with the session', async () => {
    const gst = await aws([
      'sts',
      'get-session-token',
      '--serial-number',
      user.serial,
      '--token-code',
      server.code(user.serial),
      '--duration-seconds',
      '3600',
    ])
    ok(gst)
    const creds = JSON.parse(gst.stdout).Credentials
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(creds.SecretAccessKey).toHaveLength(40)
    expect(Math.abs(Date.parse(creds.Expiration) - (server.now() + 3600_000))).toBeLessThan(10_000)
    expect(server.count('GetSessionToken', (c) => c.ok && c.accessKeyId === user.accessKeyId)).toBe(1)

    const who = await aws(['sts', 'get-caller-identity'], sessionEnv(creds))
    ok(who)
    expect(JSON.parse(who.stdout)).toMatchObject({Account: ACCOUNT, Arn: user.arn})
    expect(server.count('GetCallerIdentity', (c) => c.ok && c.accessKeyId === creds.AccessKeyId)).toBe(1)

    // Change the first character (a secret that starts with x must not stay the same).
    const changed = (creds.SecretAccessKey.startsWith('x') ? 'y' : 'x') + creds.SecretAccessKey.slice(1)
    const wrong = await aws(['sts', 'get-caller-identity'], sessionEnv({...creds, SecretAccessKey: changed}))
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toContain('SignatureDoesNotMatch')

    const noToken = await aws(
      ['sts', 'get-caller-identity'],
      baseEnv({AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey}),
    )
    expect(noToken.code).not.toBe(0)
    expect(noToken.stderr).toContain('InvalidClientTokenId')

    const ar = await aws(
      ['sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/admin`, '--role-session-name', 'cli-test'],
      sessionEnv(creds),
    )
    ok(ar)
    const assumed = JSON.parse(ar.stdout)
    expect(assumed.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/admin/cli-test`)
    expect(assumed.Credentials.AccessKeyId).toMatch(/^ASIA/)

    const roleWho = await aws(['sts', 'get-caller-identity'], sessionEnv(assumed.Credentials))
    ok(roleWho)
    expect(JSON.parse(roleWho.stdout).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/admin/cli-test`)
  })

  test('a reused or wrong MFA code is refused with AccessDenied', async () => {
    // a code for the next step, so it cannot collide with the one used above
    const code = server.code(user.serial, server.now() + 30_000)
    const first = await aws(['sts', 'get-session-token', '--serial-number', user.serial, '--token-code', code])
    ok(first)
    const again = await aws(['sts', 'get-session-token', '--serial-number', user.serial, '--token-code', code])
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain('AccessDenied')
    expect(again.stderr).toContain('MultiFactorAuthentication failed with invalid MFA one time pass code.')
  })

  test('a wrong long-term secret is SignatureDoesNotMatch', async () => {
    const r = await aws(
      ['sts', 'get-caller-identity'],
      baseEnv({AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey + 'x'}),
    )
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('SignatureDoesNotMatch')
  })

  test('iam list-mfa-devices', async () => {
    const r = await aws(['iam', 'list-mfa-devices'])
    ok(r)
    const out = JSON.parse(r.stdout)
    expect(out.MFADevices).toEqual([
      expect.objectContaining({UserName: 'alice', SerialNumber: user.serial, EnableDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/)}),
    ])
    expect(server.count('ListMFADevices', (c) => c.ok)).toBe(1)
  })
})
