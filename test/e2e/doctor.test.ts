/**
 * `mfa doctor` against the local STS server: one test (or more) per finding, each broken on
 * purpose in a temporary HOME, and the line that says what is wrong and how to fix it.
 */
import {chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {clockTexts, leftTexts, oneOf, spanOf} from '../helpers/clock.js'
import {DEMO, DEMO_CONFIG, DEMO_CREDENTIALS, makeWorld, type World} from '../helpers/world.js'

interface Finding {
  check: string
  status: 'ok' | 'warning' | 'problem'
  message: string
  fix?: string
  skewSeconds?: number
  expiration?: string
  secondsLeft?: number
}
interface Report {
  profile: string
  ok: boolean
  checks: Finding[]
}

let world: World
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await world.close()
})

/** The shell integration counts as loaded unless a test says otherwise. */
const loaded = {MFA_SHELL: 'bash'}

async function doctor(args: string[] = [], extra: NodeJS.ProcessEnv = {}) {
  const r = await world.mfa(['doctor', ...args], {env: world.env({...loaded, ...extra})})
  return r
}

async function report(args: string[] = [], extra: NodeJS.ProcessEnv = {}): Promise<Report & {code: number | null}> {
  const r = await doctor(['--json', ...args], extra)
  return {...(JSON.parse(r.stdout) as Report), code: r.code}
}

const find = (rep: Report, check: string) => rep.checks.filter(c => c.check === check)
const one = (rep: Report, check: string) => {
  const found = find(rep, check)
  expect([check, found.length]).toEqual([check, 1])
  return found[0]
}

async function login(extra: string[] = []) {
  const r = await world.mfa(['login', '-t', await world.freshCode(), ...extra])
  expect(r.code).toBe(0)
}

function cachedSession(): {file: string; data: {Credentials: {AccessKeyId: string; SessionToken: string; Expiration: string}}} {
  const name = readdirSync(world.cacheDir).find(n => n.startsWith('session-'))!
  const file = join(world.cacheDir, name)
  return {file, data: JSON.parse(readFileSync(file, 'utf8'))}
}

describe('all well', () => {
  test('one ✓ line per check, in order, exit 0', async () => {
    await login()
    const r = await doctor()
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines.map(l => l.split(':')[0])).toEqual([
      '✓ config',
      '✓ credentials',
      '! keyring',
      '✓ keys',
      '✓ mfa_serial',
      '✓ mfa_process',
      '✓ clock',
      '✓ session',
      '✓ environment',
      '✓ shell',
    ])
    expect(lines).toContain('✓ config: ~/.aws/config is readable and private (0600)')
    // The demo's keys are in plaintext: a warning, and the way out (the keyring is tested in keys.test.ts).
    expect(lines).toContain('! keyring: the long-term key of profile "default" (AKIA…MPLE) is in plaintext in ~/.aws/credentials; run: mfa keys import')
    expect(lines).toContain(`✓ keys: long-term keys of profile "default" (AKIA…MPLE) belong to ${DEMO.userArn}`)
    expect(lines).toContain(`✓ mfa_serial: the MFA device is ${DEMO.mfaSerial}`)
    expect(lines.find(l => l.startsWith('✓ clock'))).toMatch(/^✓ clock: this computer's clock is within 1 s of STS's \(http:\/\/127\.0\.0\.1:\d+\)$/)
    // Time left and the clock time are derived from the stored expiration and when doctor ran.
    const expiration = world.expiration()
    const left = oneOf(leftTexts(expiration, spanOf(r)))
    const until = oneOf(clockTexts(expiration, spanOf(r)))
    expect(lines.find(l => l.startsWith('✓ session'))).toMatch(
      new RegExp(`^✓ session: the session of profile "default" for arn:aws:iam::123456789012:user/demo has ${left} left \\(until ${until}\\)$`),
    )
  })

  test('--json: profile, ok and the findings', async () => {
    await login()
    const rep = await report()
    expect(rep.code).toBe(0)
    expect(rep.ok).toBe(true)
    expect(rep.profile).toBe('default')
    expect(rep.checks.map(c => c.check)).toEqual(['config', 'credentials', 'keyring', 'keys', 'mfa_serial', 'mfa_process', 'clock', 'session', 'environment', 'shell'])
    expect(one(rep, 'keyring')).toEqual({check: 'keyring', status: 'warning', message: 'the long-term key of profile "default" (AKIA…MPLE) is in plaintext in ~/.aws/credentials', fix: 'run: mfa keys import'})
    expect(rep.checks.every(c => c.check === 'keyring' || (c.status === 'ok' && c.fix === undefined))).toBe(true)
    expect(Math.abs(one(rep, 'clock').skewSeconds!)).toBeLessThanOrEqual(1)
    expect(one(rep, 'session').secondsLeft).toBeGreaterThan(11 * 3600)
    expect(one(rep, 'session').expiration).toBe(cachedSession().data.Credentials.Expiration)
  })

  test('warnings alone exit 0; nothing is changed, no code is sent', async () => {
    chmodSync(world.configPath, 0o600)
    const before = world.snapshot()
    const r = await doctor([], {MFA_SHELL: ''})
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^! session: no session for profile "default" yet; run: mfa login$/m)
    expect(r.stdout).toMatch(/^! shell: /m)
    expect(world.snapshot()).toEqual(before)
    expect(world.sts.count('GetSessionToken')).toBe(0)
    expect(world.sts.count('GetCallerIdentity', c => c.ok)).toBe(1) // the long-term keys
  })

  test('without UTF-8, ASCII symbols', async () => {
    await login()
    const r = await doctor([], {LANG: 'C'})
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').filter(Boolean).every(l => l.startsWith('v ') || l.startsWith('! keyring: '))).toBe(true)
  })

  test('--profile checks that profile', async () => {
    writeFileSync(world.configPath, `${DEMO_CONFIG}\n[profile work]\nmfa_serial = ${DEMO.mfaSerial}\n`)
    writeFileSync(world.credentialsPath, `${DEMO_CREDENTIALS}\n[work]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
    const rep = await report(['--profile', 'work'])
    expect(rep.profile).toBe('work')
    expect(one(rep, 'session').fix).toBe('run: mfa login -p work')
  })
})

describe('the AWS files', () => {
  test('readable by others: ✗ with chmod 600, exit 1, and the mode is left as it was', async () => {
    chmodSync(world.credentialsPath, 0o644)
    chmodSync(world.configPath, 0o640)
    const r = await doctor()
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^✗ credentials: ~\/\.aws\/credentials is readable by others \(0644\); run: chmod 600 ~\/\.aws\/credentials$/m)
    expect(r.stdout).toMatch(/^✗ config: ~\/\.aws\/config is readable by others \(0640\); run: chmod 600 ~\/\.aws\/config$/m)
    // The rest is still checked.
    expect(r.stdout).toMatch(/^✓ keys: /m)
    expect(world.mode(world.credentialsPath)).toBe(0o644)
  })

  test('AWS_SHARED_CREDENTIALS_FILE with a space in its path: the fix quotes it', async () => {
    const path = join(world.home, 'my creds')
    writeFileSync(path, DEMO_CREDENTIALS, {mode: 0o666})
    chmodSync(path, 0o666)
    const rep = await report([], {AWS_SHARED_CREDENTIALS_FILE: path})
    expect(one(rep, 'credentials')).toEqual({check: 'credentials', status: 'problem', message: '~/my creds is readable by others (0666)', fix: `run: chmod 600 '${path}'`})
  })

  test('a missing config file is a warning; a malformed one a problem with the line', async () => {
    rmSync(world.configPath)
    let rep = await report()
    expect(one(rep, 'config')).toMatchObject({status: 'warning', message: '~/.aws/config does not exist: it is where mfa_serial and region usually are'})
    writeFileSync(world.configPath, '[default\nregion = eu-west-1\n', {mode: 0o600})
    rep = await report()
    expect(rep.code).toBe(1)
    expect(one(rep, 'config')).toMatchObject({status: 'problem', message: expect.stringMatching(/^~\/\.aws\/config line 1: /)})
  })
})

describe('the profile', () => {
  test('no long-term keys: ✗ keys with aws configure', async () => {
    writeFileSync(world.credentialsPath, '[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n')
    const rep = await report()
    expect(rep.code).toBe(1)
    expect(one(rep, 'keys')).toEqual({
      check: 'keys',
      status: 'problem',
      message: 'profile "default" has no long-term keys (aws_access_key_id and aws_secret_access_key)',
      fix: 'Run `aws configure --profile default` to add them.',
    })
    // The device is still checked, from the profile's own settings.
    expect(one(rep, 'mfa_serial').status).toBe('ok')
  })

  test('keys STS does not know, and a secret that does not match', async () => {
    writeFileSync(world.credentialsPath, '[default]\naws_access_key_id = AKIAUNKNOWNUNKNOWN12\naws_secret_access_key = x\n', {mode: 0o600})
    let rep = await report()
    expect(one(rep, 'keys')).toMatchObject({status: 'problem', message: 'STS does not know the access key AKIA…WN12 of profile "default" (deleted, deactivated or mistyped)'})
    writeFileSync(world.credentialsPath, `[default]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = wrong\n`, {mode: 0o600})
    rep = await report()
    expect(one(rep, 'keys')).toMatchObject({status: 'problem', message: expect.stringMatching(/^STS rejected the signature: the secret key of profile "default" does not match/)})
  })

  test('mfa_serial with a user ARN: ✗ with the mfa/ ARN it should be', async () => {
    writeFileSync(world.configPath, `[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.userArn}\n`, {mode: 0o600})
    const r = await doctor()
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      `✗ mfa_serial: mfa_serial of profile "default" is a user ARN, not an MFA device: "${DEMO.userArn}"; MFA devices are named with mfa/, e.g. arn:aws:iam::123456789012:mfa/demo.`,
    )
    // Without a device there is no session to look at, but the keys are still checked.
    expect(r.stdout).toMatch(/^✓ keys: /m)
    expect(r.stdout).not.toMatch(/^. session/m)
  })

  test('neither keys nor mfa_serial: ✗ for each, the device with `mfa devices --save`', async () => {
    writeFileSync(world.configPath, '[default]\nregion = eu-west-1\n', {mode: 0o600})
    writeFileSync(world.credentialsPath, '', {mode: 0o600})
    const rep = await report()
    expect(one(rep, 'keys').status).toBe('problem')
    expect(one(rep, 'mfa_serial')).toMatchObject({status: 'problem', fix: expect.stringMatching(/^Run `mfa devices --save`, or add mfa_serial = /)})
  })

  test('no mfa_serial: ✗', async () => {
    writeFileSync(world.configPath, '[default]\nregion = eu-west-1\n', {mode: 0o600})
    const rep = await report()
    expect(one(rep, 'mfa_serial')).toMatchObject({status: 'problem', message: 'profile "default" has no MFA device (mfa_serial)'})
  })

  test('an unknown profile: ✗ naming the known ones', async () => {
    const rep = await report(['--profile', 'nope'])
    expect(rep.code).toBe(1)
    expect(one(rep, 'keys')).toMatchObject({status: 'problem', message: 'profile "nope" is not in ~/.aws/config or ~/.aws/credentials', fix: 'Known profiles: default. Pick one with --profile.'})
  })
})

describe('mfa_process', () => {
  const withProcess = (command: string) => writeFileSync(world.configPath, `${DEMO_CONFIG}mfa_process = ${command}\n`, {mode: 0o600})

  test('a command on PATH: ✓, and it is not run', async () => {
    const marker = join(world.home, 'RAN')
    withProcess(`touch ${marker}`)
    const rep = await report()
    expect(one(rep, 'mfa_process')).toMatchObject({status: 'ok', message: expect.stringMatching(/^mfa_process runs touch, found at \/\S+\/touch \(not run now/)})
    expect(existsSync(marker)).toBe(false)
  })

  test('a command that is not on PATH: ✗', async () => {
    withProcess('ykman-not-installed oath accounts code --single demo')
    const rep = await report()
    expect(rep.code).toBe(1)
    expect(one(rep, 'mfa_process')).toEqual({
      check: 'mfa_process',
      status: 'problem',
      message: 'mfa_process runs ykman-not-installed, which is not on PATH',
      fix: 'install ykman-not-installed, or give its full path in mfa_process',
    })
  })

  test('a path: ✓ when executable, ✗ with chmod +x when not; variable assignments before it are skipped', async () => {
    const script = join(world.home, 'code.sh')
    writeFileSync(script, '#!/bin/sh\necho 123456\n', {mode: 0o644})
    withProcess(`YKMAN_OPTS=x '${script}' --now`)
    let rep = await report()
    expect(one(rep, 'mfa_process')).toMatchObject({status: 'problem', message: `mfa_process runs ${script}, which is not an executable file`, fix: `install it there, or run: chmod +x ${script}`})
    chmodSync(script, 0o755)
    rep = await report()
    expect(one(rep, 'mfa_process')).toMatchObject({status: 'ok'})
  })
})

describe('the clock', () => {
  test('more than 2 minutes apart: ✗ with the skew and NTP', async () => {
    world.sts.setClockOffset(10 * 60_000)
    const r = await doctor(['--json'])
    const rep = JSON.parse(r.stdout) as Report
    expect(r.code).toBe(1)
    const clock = one(rep, 'clock')
    expect(clock).toMatchObject({
      status: 'problem',
      message: "this computer's clock is 10 min behind STS's: codes from mfa_process and request signatures break",
      fix: 'set the clock right, e.g. enable NTP: timedatectl set-ntp true',
    })
    expect(Math.abs(clock.skewSeconds! + 600)).toBeLessThanOrEqual(1)
  })

  test('ahead, under 2 minutes: ✓ with the skew', async () => {
    world.sts.setClockOffset(-90_000)
    const rep = await report()
    expect(one(rep, 'clock')).toMatchObject({status: 'ok', message: expect.stringMatching(/^this computer's clock is (89|90|91) s ahead of STS's/)})
  })

  test('STS unreachable: ✗ clock, and the keys are not checked with STS', async () => {
    const url = world.sts.url
    await world.sts.close()
    const rep = await report([], {AWS_ENDPOINT_URL_STS: url})
    expect(rep.code).toBe(1)
    expect(one(rep, 'clock')).toMatchObject({status: 'problem', message: `cannot reach STS at ${url} to compare clocks: ECONNREFUSED`})
    expect(one(rep, 'keys')).toMatchObject({status: 'ok', message: 'long-term keys of profile "default" (AKIA…MPLE) are there (not checked with STS: it cannot be reached)'})
  })
})

describe('the session', () => {
  test('expired: ! with mfa login', async () => {
    await login()
    const {file, data} = cachedSession()
    data.Credentials.Expiration = '2020-01-01T00:00:00Z'
    writeFileSync(file, JSON.stringify(data), {mode: 0o600})
    const rep = await report()
    expect(rep.code).toBe(0)
    expect(one(rep, 'session')).toMatchObject({status: 'warning', message: expect.stringMatching(/^the session of profile "default" expired at /), fix: 'run: mfa login', secondsLeft: 0})
  })

  test('rejected by STS: ✗ with mfa login --force', async () => {
    await login()
    const {file, data} = cachedSession()
    data.Credentials.SessionToken = 'revoked' + data.Credentials.SessionToken.slice(7)
    writeFileSync(file, JSON.stringify(data), {mode: 0o600})
    const rep = await report()
    expect(rep.code).toBe(1)
    expect(one(rep, 'session')).toMatchObject({status: 'problem', message: expect.stringMatching(/^STS rejects the cached session of profile "default": /), fix: 'run: mfa login --force'})
  })

  test('under 10 minutes left: !', async () => {
    // The server issues a session that ends in 5 minutes.
    world.sts.setExpiry({at: Date.now() + 5 * 60_000})
    await login()
    const r = await doctor(['--json'])
    const left = oneOf(leftTexts(world.expiration(), spanOf(r)))
    expect(one(JSON.parse(r.stdout) as Report, 'session')).toMatchObject({status: 'warning', message: expect.stringMatching(new RegExp(`has ${left} left`)), fix: 'run: mfa login --force'})
  })
})

describe('the environment', () => {
  test("the session's own key: ✓", async () => {
    await login()
    const key = cachedSession().data.Credentials.AccessKeyId
    const rep = await report([], {AWS_ACCESS_KEY_ID: key, MFA_PROFILE: 'default', AWS_CREDENTIAL_EXPIRATION: cachedSession().data.Credentials.Expiration})
    expect(find(rep, 'environment')).toEqual([{check: 'environment', status: 'ok', message: 'this shell holds the session of profile "default"'}])
  })

  test('a stale AWS_ACCESS_KEY_ID and an expiry in the past: ✗ each', async () => {
    await login()
    const rep = await report([], {AWS_ACCESS_KEY_ID: 'ASIASTALESTALESTALE1', AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z'})
    expect(rep.code).toBe(1)
    expect(find(rep, 'environment')).toEqual([
      {
        check: 'environment',
        status: 'problem',
        message: 'AWS_ACCESS_KEY_ID (ASIA…ALE1) is not the key of profile "default"\'s session: it is left from an older session or another tool',
        fix: 'run: mfa use (or mfa clear)',
      },
      {
        check: 'environment',
        status: 'problem',
        message: expect.stringMatching(/^AWS_CREDENTIAL_EXPIRATION says the credentials in this shell expired at /),
        fix: 'run: mfa use (or mfa clear)',
      },
    ])
  })

  test('a long-term key in the environment: ✗', async () => {
    const rep = await report([], {AWS_ACCESS_KEY_ID: DEMO.accessKeyId})
    expect(one(rep, 'environment')).toMatchObject({status: 'problem', message: 'AWS_ACCESS_KEY_ID holds a long-term key (AKIA…MPLE): tools use it, without MFA, instead of the session'})
  })

  test("AWS_PROFILE at the profile itself: ! (tools skip the session); at the session profile: ✓, checking its source", async () => {
    await login()
    let rep = await report([], {AWS_PROFILE: 'default'})
    expect(one(rep, 'environment')).toEqual({
      check: 'environment',
      status: 'warning',
      message: 'AWS_PROFILE=default: tools use profile "default" itself, not the session mfa keeps in "mfa"',
      fix: 'run: export AWS_PROFILE=mfa, or mfa use',
    })
    rep = await report([], {AWS_PROFILE: 'mfa'})
    expect(rep.profile).toBe('default')
    expect(one(rep, 'environment').status).toBe('ok')
    expect(one(rep, 'session').status).toBe('ok')
  })

  test('AWS_PROFILE at another profile: !', async () => {
    const rep = await report(['--profile', 'default'], {AWS_PROFILE: 'elsewhere'})
    expect(one(rep, 'environment')).toMatchObject({status: 'warning', message: 'AWS_PROFILE=elsewhere: tools use profile "elsewhere" itself, not the session mfa keeps in "mfa"'})
  })
})

describe('the shell integration', () => {
  test('loaded: ✓ naming the shell', async () => {
    const rep = await report([], {MFA_SHELL: 'zsh'})
    expect(one(rep, 'shell')).toMatchObject({status: 'ok', message: 'the zsh integration is loaded (mfa use, mfa clear, mfa_prompt, completion)'})
  })

  test('not loaded: ! with the install line for the shell in $SHELL', async () => {
    const rep = await report([], {MFA_SHELL: '', SHELL: '/usr/bin/zsh'})
    expect(one(rep, 'shell')).toEqual({
      check: 'shell',
      status: 'warning',
      message: 'the shell integration is not loaded in this shell (mfa use, mfa clear, the prompt segment, completion)',
      fix: 'add eval "$(mfa init zsh)" to ~/.zshrc',
    })
  })
})
