/**
 * `mfa login`, `status` and `logout` as a user runs them: the built CLI as a real process, a
 * temporary HOME, the local STS server through the real AWS SDK.
 */
import {chmodSync, existsSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {clockTexts, leftTexts, oneOf, spanOf} from '../helpers/clock.js'
import {AWS_CLI, describeWith} from '../helpers/tools.js'
import {ROOT} from '../helpers/cli.js'
import {DEMO, DEMO_CONFIG, DEMO_CREDENTIALS, makeWorld, type World} from '../helpers/world.js'

let world: World
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await world.close()
})

const gst = () => world.sts.count('GetSessionToken', c => c.ok)

describe('mfa login', () => {
  test('trades a code for a session, kept in the cache and in [mfa]', async () => {
    const r = await world.mfa(['login', '--token-code', await world.freshCode()])
    const expiration = world.expiration()
    const until = `${oneOf(clockTexts(expiration, spanOf(r)))} \\(${oneOf(leftTexts(expiration, spanOf(r)))}\\)`
    expect(r.stderr).toMatch(new RegExp(`^mfa: session for arn:aws:iam::123456789012:user/demo \\(profile default\\) until ${until}$`, 'm'))
    expect(r.stderr).toMatch(/use it with: aws --profile mfa/)
    expect(r.stdout).toBe('')
    expect(r.code).toBe(0)
    expect(gst()).toBe(1)

    const creds = world.read(world.credentialsPath)
    expect(creds.startsWith(DEMO_CREDENTIALS)).toBe(true)
    const section = creds.slice(DEMO_CREDENTIALS.length)
    expect(section).toMatch(
      /^\n\[mfa\]\naws_access_key_id = ASIA[A-Z0-9]{16}\naws_secret_access_key = \S{40}\naws_session_token = \S+\nx_security_token_expires = \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/,
    )
    expect(world.mode(world.credentialsPath)).toBe(0o600)
    expect(world.mode(world.cacheDir)).toBe(0o700)
    const cached = readdirSync(world.cacheDir).filter(n => n.startsWith('session-'))
    expect(cached).toHaveLength(1)
    expect(world.mode(join(world.cacheDir, cached[0]))).toBe(0o600)
    const entry = JSON.parse(world.read(join(world.cacheDir, cached[0])))
    expect(entry.Credentials.AccessKeyId).toMatch(/^ASIA/)
    expect(section).toContain(entry.Credentials.SessionToken)
    expect(entry.Identity.Arn).toBe(DEMO.userArn)
    // The session profile runs in the profile's region.
    expect(world.read(world.configPath)).toBe(`${DEMO_CONFIG}\n[profile mfa]\nregion = eu-west-1\nmfa_source_profile = default\n`)
  })

  test('reuses a valid session without a prompt or an STS call, from any process', async () => {
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    const before = world.read(world.credentialsPath)
    const again = await world.mfa(['login'])
    expect(again.stderr).toMatch(/still valid until .* left\)/)
    expect(again.code).toBe(0)
    expect(gst()).toBe(1)
    expect(world.read(world.credentialsPath)).toBe(before)
  })

  test('--force gets a new session even when one is valid', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    const first = world.read(world.credentialsPath)
    const r = await world.mfa(['login', '--force', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(gst()).toBe(2)
    expect(world.read(world.credentialsPath)).not.toBe(first)
    // Still one [mfa] section, updated in place.
    expect(world.read(world.credentialsPath).match(/^\[mfa\]$/gm)).toHaveLength(1)
  })

  test('a wrong code fails in one line with a hint and leaves every file byte-identical', async () => {
    const before = world.snapshot()
    const wrong = String((Number(world.code()) + 500_000) % 1_000_000).padStart(6, '0')
    const r = await world.mfa(['login', '--token-code', wrong])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'mfa: STS refused the MFA code: it is wrong, expired, or was already used\nhint: A code works only once: wait for the next code from your device (up to 30 s) and try again.\n',
    )
    const after = world.snapshot()
    // Only mfa's private bookkeeping may appear (the record of the code sent, and no lock left behind).
    for (const [path, content] of Object.entries(before)) expect(after[path]).toBe(content)
    expect(Object.keys(after).filter(p => !(p in before) && !/\/\.aws\/mfa\/used-[0-9a-f]+\.json$/.test(p))).toEqual([])
  })

  test('a code already used for the device is refused before any STS call', async () => {
    const code = await world.freshCode()
    await world.mfa(['login', '-t', code])
    const calls = world.sts.calls.length
    const r = await world.mfa(['login', '--force', '-t', code])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: code \d{6} was already used for arn:aws:iam::123456789012:mfa\/demo\nhint: A code works only once/)
    expect(world.sts.calls.length).toBe(calls)
  })

  test('comments, order, blank lines and other profiles survive, and logout restores the original bytes', async () => {
    const original = `# company keys\n\n[work]\naws_access_key_id = AKIAWORK\naws_secret_access_key = workSecret\n; staging below\n[default]\naws_access_key_id=${DEMO.accessKeyId}\naws_secret_access_key=${DEMO.secretAccessKey}\n\n[zeta]\nregion=x`
    writeFileSync(world.credentialsPath, original)
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    const after = world.read(world.credentialsPath)
    expect(after.startsWith(original + '\n\n[mfa]\n')).toBe(true)
    const out = await world.mfa(['logout'])
    expect(out.code).toBe(0)
    expect(out.stderr).toBe('mfa: forgot the session of profile default\n')
    expect(world.read(world.credentialsPath)).toBe(original)
    expect(world.read(world.configPath)).toBe(DEMO_CONFIG)
    expect(readdirSync(world.cacheDir).filter(n => n.startsWith('session-'))).toEqual([])
  })

  test('a named profile gets <profile>-mfa; logout --all forgets every session', async () => {
    writeFileSync(world.configPath, `[profile dev]\nmfa_serial = ${DEMO.mfaSerial}\n`)
    writeFileSync(world.credentialsPath, `[dev]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
    expect((await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({AWS_PROFILE: 'dev'})})).code).toBe(0)
    expect(world.read(world.credentialsPath)).toMatch(/^\[dev-mfa\]$/m)
    const r = await world.mfa(['logout', '--all'])
    expect(r.code).toBe(0)
    expect(world.read(world.credentialsPath)).toBe(`[dev]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
  })

  test('with no code, no mfa_process and no terminal it fails at once, naming the three ways', async () => {
    const r = await world.mfa(['login'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'mfa: a code for arn:aws:iam::123456789012:mfa/demo is needed and there is no terminal or desktop to ask for it\nhint: Pass --token-code with the 6 digits your device shows, set mfa_prompt_driver in the profile (zenity, kdialog, osascript, ykman, or a command that prints the code), or run mfa in a terminal.\n',
    )
    expect(r.ms).toBeLessThan(10_000)
    expect(world.sts.calls).toEqual([])
  })

  test("the profile's mfa_process gives the code", async () => {
    const code = await world.freshCode()
    const script = join(world.home, 'code.sh')
    writeFileSync(script, `#!/bin/sh\necho ${code}\n`)
    chmodSync(script, 0o755)
    writeFileSync(world.configPath, `[default]\nmfa_serial = ${DEMO.mfaSerial}\nmfa_process = ${script}\n`)
    const r = await world.mfa(['login'])
    expect(r.stderr).toMatch(/^mfa: session for /)
    expect(r.code).toBe(0)
  })

  test('--duration sets how long the session lasts, and bad durations are refused before STS', async () => {
    const r = await world.mfa(['login', '-t', await world.freshCode(), '--duration', '1h'])
    expect(r.code).toBe(0)
    const entry = JSON.parse(world.read(join(world.cacheDir, readdirSync(world.cacheDir).find(n => n.startsWith('session-'))!)))
    const seconds = (Date.parse(entry.Credentials.Expiration) - Date.now()) / 1000
    expect(seconds).toBeGreaterThan(3500)
    expect(seconds).toBeLessThanOrEqual(3600)
    const bad = await world.mfa(['login', '--force', '-t', '123456', '--duration', '10m'])
    // A flag given wrong is a usage error: 2, as for a code that is not six digits.
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^mfa: --duration 10m is out of range: STS allows 15m \(900 s\) to 36h \(129600 s\)\nhint: /)
  })
})

describe('mfa status', () => {
  test('says clearly when there is no session', async () => {
    const r = await world.mfa(['status'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^profile: +default\nsession: +none: run `mfa login`\n$/)
  })

  test('shows identity from STS, expiry and time left; --json for scripts', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    const before = world.sts.count('GetCallerIdentity')
    const r = await world.mfa(['status'])
    expect(r.code).toBe(0)
    const expiration = world.expiration()
    expect(r.stdout).toMatch(new RegExp(`^session: +valid, ${oneOf(leftTexts(expiration, spanOf(r)))} left \\(until ${oneOf(clockTexts(expiration, spanOf(r)))}\\)$`, 'm'))
    expect(r.stdout).toMatch(/^identity: +arn:aws:iam::123456789012:user\/demo$/m)
    expect(world.sts.count('GetCallerIdentity')).toBe(before + 1)
    const json = JSON.parse((await world.mfa(['status', '--json'])).stdout)
    expect(json).toMatchObject({profile: 'default', sessionProfile: 'mfa', state: 'valid', identity: {arn: DEMO.userArn, source: 'sts'}})
    expect(json.secondsLeft).toBeGreaterThan(11 * 3600)
  })

  test('--offline asks no one', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    const calls = world.sts.calls.length
    const json = JSON.parse((await world.mfa(['status', '--json', '--offline'])).stdout)
    expect(json.identity.source).toBe('cache')
    expect(world.sts.calls.length).toBe(calls)
  })

  test('an expired session is shown as expired', async () => {
    await world.mfa(['login', '-t', await world.freshCode(), '--duration', '15m'])
    const file = join(world.cacheDir, readdirSync(world.cacheDir).find(n => n.startsWith('session-'))!)
    const entry = JSON.parse(world.read(file))
    entry.Credentials.Expiration = '2020-01-01T00:00:00Z'
    writeFileSync(file, JSON.stringify(entry))
    const r = await world.mfa(['status'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^session: +expired at .*: run `mfa login`$/m)
  })
})

describeWith([AWS_CLI], 'the AWS CLI uses the session profile', () => {
  test('aws --profile mfa sts get-caller-identity', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    const r = await world.run(AWS_CLI, ['--profile', 'mfa', 'sts', 'get-caller-identity', '--endpoint-url', world.sts.url, '--region', 'eu-west-1', '--output', 'json'], {
      env: world.env({AWS_PAGER: ''}),
    })
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).Arn).toBe(DEMO.userArn)
    // It signed with the session's key, which the server verified.
    const last = world.sts.calls.at(-1)!
    expect(last).toMatchObject({action: 'GetCallerIdentity', ok: true})
    expect(last.accessKeyId).toMatch(/^ASIA/)
  })
})

test('no lock is left behind after a failed login', async () => {
  await world.mfa(['login', '-t', '000000'])
  expect(existsSync(world.cacheDir) ? readdirSync(world.cacheDir).filter(n => n.endsWith('.lock')) : []).toEqual([])
})

describe("the endpoint from the profile's own configuration", () => {
  test('endpoint_url in the profile, with no AWS_ENDPOINT_URL_STS', async () => {
    writeFileSync(world.configPath, `[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\nendpoint_url = ${world.sts.url}\n`)
    const env = world.env()
    delete env.AWS_ENDPOINT_URL_STS
    delete env.AWS_ENDPOINT_URL_IAM
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env})
    expect(r.code).toBe(0)
    expect(gst()).toBe(1)
  })

  test('a services section with sts.endpoint_url', async () => {
    writeFileSync(world.configPath, `[default]\nmfa_serial = ${DEMO.mfaSerial}\nservices = local\n\n[services local]\nsts =\n  endpoint_url = ${world.sts.url}\n`)
    const env = world.env()
    delete env.AWS_ENDPOINT_URL_STS
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env})
    expect(r.code).toBe(0)
    expect(gst()).toBe(1)
  })
})

describe('the AWS SDK reads neither ~/.aws file: mfa hands it what it would find there', () => {
  // A preload that says on stderr when the SDK reads a file under .aws/ (test/helpers/sdk-file-reads.cjs).
  const watched = (extra: NodeJS.ProcessEnv = {}) => world.env({NODE_OPTIONS: `-r ${join(ROOT, 'test', 'helpers', 'sdk-file-reads.cjs')}`, ...extra})

  test('login, a role through credential-process, and status: no read by the SDK, the same calls as before', async () => {
    writeFileSync(world.configPath, `${DEMO_CONFIG}\n[profile admin]\nrole_arn = ${DEMO.roleArn}\nsource_profile = default\n`)
    for (const args of [['login', '-t', await world.freshCode()], ['credential-process', '-p', 'admin'], ['status']]) {
      const r = await world.mfa(args, {env: watched()})
      expect({args, code: r.code}).toEqual({args, code: 0})
      expect(r.stderr).not.toContain('SDK READ')
    }
    expect(gst()).toBe(1)
    expect(world.sts.count('AssumeRole', c => c.ok)).toBe(1)
  })

  test('the settings of the AWS_PROFILE profile, as the SDK reads them: its services section names the endpoint', async () => {
    // The SDK reads its settings from AWS_PROFILE's profile (here "sdk"), not from the profile mfa works on.
    writeFileSync(world.configPath, `${DEMO_CONFIG}\n[profile sdk]\nservices = local\nmax_attempts = 1\n\n[services local]\nsts =\n  endpoint_url = ${world.sts.url}\n`)
    const env = watched({AWS_PROFILE: 'sdk'})
    delete env.AWS_ENDPOINT_URL_STS
    const r = await world.mfa(['login', '-p', 'default', '-t', await world.freshCode()], {env})
    expect(r.stderr).not.toContain('SDK READ')
    expect(r.code).toBe(0)
    expect(gst()).toBe(1)
  })
})

test('AWS_ENDPOINT_URL_STS wins over the profile endpoint_url, as in the SDKs', async () => {
  writeFileSync(world.configPath, `[default]\nmfa_serial = ${DEMO.mfaSerial}\nendpoint_url = http://127.0.0.1:9\n`)
  const r = await world.mfa(['login', '-t', await world.freshCode()])
  expect(r.code).toBe(0)
  expect(gst()).toBe(1)
})
