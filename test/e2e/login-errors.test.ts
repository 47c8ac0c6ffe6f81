/**
 * Faults and bad input during login: one line (and a hint), a non-zero exit, no stack trace, no
 * secret, and every file as it was.
 */
import {readdirSync, writeFileSync} from 'node:fs'
import {BIN} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {DEMO, makeWorld, type World} from '../helpers/world.js'
import {CAPTIVE_PORTAL_HTML, CAPTIVE_PORTAL_XHTML} from '../../sts-server/src/index.js'
import type {RunResult} from '../helpers/cli.js'

let world: World
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await world.close()
})

/** The shape every error has, and the files untouched. */
async function fails(args: string[], options: {env?: NodeJS.ProcessEnv; code?: number} = {}): Promise<RunResult> {
  const before = world.snapshot()
  const r = await world.mfa(args, {env: options.env})
  expect(r.stdout).toBe('')
  expect(r.code).toBe(options.code ?? 1)
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines[0]).toMatch(/^mfa: /)
  expect(lines.length).toBeLessThanOrEqual(2)
  if (lines[1]) expect(lines[1]).toMatch(/^hint: /)
  expect(r.stderr).not.toMatch(/\n\s+at /)
  expect(r.stderr).not.toContain(DEMO.secretAccessKey)
  const after = world.snapshot()
  for (const [path, content] of Object.entries(before)) expect(after[path]).toBe(content)
  // Nothing new but mfa's record of the code it sent.
  expect(Object.keys(after).filter(p => !(p in before) && !/\/\.aws\/mfa\/used-[0-9a-f]+\.json$/.test(p))).toEqual([])
  return r
}

test('unknown profile: named, with the known ones', async () => {
  const r = await fails(['login', '-p', 'nope', '-t', '123456'])
  expect(r.stderr).toBe('mfa: profile "nope" is not in ~/.aws/config or ~/.aws/credentials\nhint: Known profiles: default. Pick one with --profile.\n')
})

test('no MFA device: says how to set it', async () => {
  writeFileSync(world.configPath, '[default]\nregion = eu-west-1\n')
  const r = await fails(['login', '-t', '123456'])
  expect(r.stderr).toMatch(/^mfa: profile "default" has no MFA device \(mfa_serial\)\nhint: Run `mfa devices --save`, or add mfa_serial = arn:aws:iam::ACCOUNT:mfa\/NAME to \[default\] in ~\/.aws\/config\.\n$/)
})

test('a user ARN where the device ARN belongs gets a hint', async () => {
  writeFileSync(world.configPath, '[default]\nmfa_serial = arn:aws:iam::123456789012:user/demo\n')
  const r = await fails(['login', '-t', '123456'])
  expect(r.stderr).toMatch(/is a user ARN, not an MFA device.*\nhint: MFA devices are named with mfa\/, e\.g\. arn:aws:iam::123456789012:mfa\/demo\./)
})

test('a profile without long-term keys', async () => {
  writeFileSync(world.credentialsPath, '[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n')
  const r = await fails(['login', '-t', '123456'])
  expect(r.stderr).toMatch(/^mfa: profile "default" has no long-term keys \(aws_access_key_id and aws_secret_access_key\)\nhint: Run `aws configure --profile default` to add them\.\n$/)
})

test('a code that is not six digits is refused before any network call', async () => {
  const r = await fails(['login', '-t', '12345'], {code: 2})
  expect(r.stderr).toMatch(/^mfa: --token-code must be the 6 digits your MFA device shows/)
  expect(world.sts.calls).toEqual([])
})

test('an access key STS does not know', async () => {
  writeFileSync(world.credentialsPath, `[default]\naws_access_key_id = AKIAUNKNOWNKEY000000\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
  const r = await fails(['login', '-t', await world.freshCode()])
  expect(r.stderr).toMatch(/^mfa: STS does not know the access key AKIA…0000 of profile "default" \(deleted, deactivated or mistyped\)\n/)
})

test('a secret key that does not match', async () => {
  writeFileSync(world.credentialsPath, `[default]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = wrongwrongwrongwrongwrongwrongwrongwrong\n`)
  const r = await fails(['login', '-t', await world.freshCode()])
  expect(r.stderr).toMatch(/^mfa: STS rejected the signature: the secret key of profile "default" does not match its access key AKIA…MPLE\n/)
  expect(r.stderr).not.toContain('wrongwrong')
})

test('STS unreachable: fails at once and names the endpoint', async () => {
  const r = await fails(['login', '-t', '123456'], {env: world.env({AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9'})})
  expect(r.stderr).toMatch(/^mfa: cannot reach STS at http:\/\/127\.0\.0\.1:9: connection refused\n/)
})

test('STS silent: bounded by MFA_TIMEOUT', async () => {
  world.sts.fail({fault: {kind: 'hang'}})
  const before = Date.now()
  const r = await fails(['login', '-t', await world.freshCode()], {env: world.env({MFA_TIMEOUT: '2'})})
  expect(r.stderr).toMatch(/^mfa: STS at http:\/\/127\.0\.0\.1:\d+ did not answer GetSessionToken within 2 s\nhint: .*MFA_TIMEOUT/)
  expect(Date.now() - before).toBeLessThan(8000)
})

test('STS 5xx: GetSessionToken is sent once (it carried the code); GetCallerIdentity is retried', async () => {
  world.sts.fail({fault: {kind: 'status', status: 503, code: 'ServiceUnavailable'}})
  const r = await fails(['login', '-t', await world.freshCode()])
  expect(r.stderr).toMatch(/^mfa: STS failed with HTTP 503 \(ServiceUnavailable\)\n/)
  expect(world.sts.count('GetSessionToken')).toBe(1)
  world.sts.clearFaults()
  await world.mfa(['login', '-t', await world.freshCode()])
  world.sts.fail({fault: {kind: 'status', status: 503, code: 'ServiceUnavailable'}, actions: ['GetCallerIdentity']})
  const status = await world.mfa(['status'])
  expect(status.stdout).toMatch(/STS failed with HTTP 503 \(ServiceUnavailable\) after 3 attempts/)
})

test('STS throttling GetSessionToken: sent once, and said so', async () => {
  world.sts.fail({fault: {kind: 'throttle'}})
  const r = await fails(['login', '-t', await world.freshCode()])
  expect(r.stderr).toMatch(/^mfa: STS is throttling requests\nhint: Wait a minute and try again\.\n$/)
  expect(world.sts.count('GetSessionToken')).toBe(1)
})

test('an answer that is not STS (a captive portal)', async () => {
  world.sts.fail({fault: {kind: 'garbage'}})
  const r = await fails(['login', '-t', await world.freshCode()])
  expect(r.stderr).toMatch(/^mfa: the endpoint http:\/\/127\.0\.0\.1:\d+ answered GetSessionToken with something that is not STS \(HTTP 200\)\nhint: A captive portal/)
})

describe("an HTML page in STS's place is named as not STS, whatever its Content-Type and however well-formed", () => {
  const NOT_STS = (status: number) =>
    new RegExp(`^mfa: the endpoint http://127\\.0\\.0\\.1:\\d+ answered GetSessionToken with something that is not STS \\(HTTP ${status}\\)\nhint: A captive portal, proxy or wrong AWS_ENDPOINT_URL_STS\\? Sign in to the network or fix the endpoint, then try again\\.\n$`)
  test.each([
    ['a page that parses as XML (XHTML), as text/xml', CAPTIVE_PORTAL_XHTML, 'text/xml', 200],
    ['a page that parses as XML (XHTML), as text/html', CAPTIVE_PORTAL_XHTML, 'text/html; charset=utf-8', 200],
    ['a page that does not parse, as text/xml', CAPTIVE_PORTAL_HTML, 'text/xml', 200],
    ['a page that parses as XML, with HTTP 403, as application/xml', CAPTIVE_PORTAL_XHTML, 'application/xml', 403],
  ])('%s', async (_name, body, contentType, status) => {
    world.sts.fail({fault: {kind: 'garbage', body, contentType, status}, actions: ['GetSessionToken']})
    const before = [world.read(world.configPath), world.read(world.credentialsPath)]
    const r = await fails(['login', '-t', await world.freshCode()])
    expect(r.stderr).toMatch(NOT_STS(status))
    // The code went out with the request, so it is recorded as used; no session, no file changed.
    expect([world.read(world.configPath), world.read(world.credentialsPath)]).toEqual(before)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })
})

describeWith(['unshare'], 'China (cn-north-1): the endpoint is named with .com.cn, and nothing reaches the network', () => {
  // A network namespace of its own with no interface up: the name lookup fails at once, here and
  // in CI alike, and no request can leave for the real AWS.
  const offline = (args: string[]) =>
    world.run('unshare', ['--user', '--map-root-user', '--net', process.execPath, BIN, ...args], {env: world.env({AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL_IAM: undefined})})
  beforeEach(() => {
    writeFileSync(world.configPath, '[default]\nregion = cn-north-1\nmfa_serial = arn:aws-cn:iam::123456789012:mfa/demo\n')
  })

  test('login: cannot reach sts.cn-north-1.amazonaws.com.cn, and the code was not spent', async () => {
    const r = await offline(['login', '-t', await world.freshCode()])
    expect(r).toMatchObject({code: 1, stdout: ''})
    expect(r.stderr).toMatch(/^mfa: cannot reach STS at sts\.cn-north-1\.amazonaws\.com\.cn: (name lookup failed|host not found|network unreachable)\nhint: /)
    expect(readdirSync(world.cacheDir).filter(n => n.startsWith('used-'))).toEqual([])
    expect(world.sts.count('*')).toBe(0)
  })

  test('doctor: its clock check names https://sts.cn-north-1.amazonaws.com.cn', async () => {
    const r = await offline(['doctor', '--json'])
    const clock = (JSON.parse(r.stdout) as {checks: Array<{check: string; message: string}>}).checks.find(c => c.check === 'clock')
    expect(clock?.message).toMatch(/^cannot reach STS at https:\/\/sts\.cn-north-1\.amazonaws\.com\.cn /)
  })
})

test('a malformed config file: file and line number', async () => {
  writeFileSync(world.configPath, '[default]\nmfa_serial = arn:aws:iam::123456789012:mfa/demo\noops\n')
  const r = await fails(['login', '-t', '123456'])
  expect(r.stderr).toBe('mfa: ~/.aws/config line 3: expected "key = value", "[section]" or a comment\nhint: Fix that line (its content is not shown: it may hold a secret), then try again.\n')
})

test('a transient 5xx on a call without a code is retried by the SDK and succeeds', async () => {
  await world.mfa(['login', '-t', await world.freshCode()])
  world.sts.fail({fault: {kind: 'status', status: 500}, times: 1, actions: ['GetCallerIdentity']})
  const r = await world.mfa(['status'])
  expect(r.code).toBe(0)
  expect(world.sts.count('GetCallerIdentity')).toBe(3)
})

test('two logins of different profiles at the same moment both land', async () => {
  const users = ['a', 'b', 'c', 'd'].map((n, i) => ({
    userName: n,
    accountId: '123456789012',
    arn: `arn:aws:iam::123456789012:user/${n}`,
    accessKeyId: `AKIAUSER${n.toUpperCase()}00000000000`.slice(0, 20),
    secretAccessKey: `secret${n}`.padEnd(40, String(i)),
    mfaDevices: [{serial: `arn:aws:iam::123456789012:mfa/${n}`, secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'}],
  }))
  for (const u of users) world.sts.addUser(u)
  writeFileSync(world.configPath, users.map(u => `[profile ${u.userName}]\nmfa_serial = ${u.mfaDevices[0].serial}\n`).join(''))
  const original = users.map(u => `[${u.userName}]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`).join('\n')
  writeFileSync(world.credentialsPath, original)
  const results = await Promise.all(users.map(u => world.mfa(['login', '-p', u.userName, '-t', world.sts.code(u.mfaDevices[0].serial)])))
  for (const r of results) expect(r.code).toBe(0)
  const after = world.read(world.credentialsPath)
  expect(after.startsWith(original)).toBe(true)
  for (const u of users) expect(after).toMatch(new RegExp(`^\\[${u.userName}-mfa\\]$`, 'm'))
})
