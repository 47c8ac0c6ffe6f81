/**
 * Session decisions (src/session/ensure.ts), in-process against the local STS server with real
 * files in a temporary HOME: reuse while more than 5 minutes are left, the 1-hour cap of a role
 * assumed with an MFA session, one retry when the cached MFA session was revoked, the locks and the
 * cache read again under them, the session profile kept in step, typed codes asked again, and role
 * session names and chains. Each test has its own server, so its codes never wait for the next
 * 30 s window (a test uses at most two). `npm run test:mutation` over this file alone scores
 * ensure.ts (test/MUTATION.md).
 */
import {jest} from '@jest/globals'
import {existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {loadAwsFiles} from '../../../src/aws/files.js'
import {acquireLock} from '../../../src/aws/lock.js'
import {hashKey} from '../../../src/session/cache.js'
import {ensureSession, secondsLeft, sessionFileFor} from '../../../src/session/ensure.js'
import {DEMO, DEMO_CREDENTIALS, makeWorld, type World} from '../../helpers/world.js'
import {stderr} from '../../../src/cli/output.js'

let world: World
let said: string[]
beforeEach(async () => {
  world = await makeWorld()
  writeFileSync(
    world.configPath,
    `[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\nendpoint_url = ${world.sts.url}\n\n` +
      `[profile admin]\nrole_arn = ${DEMO.roleArn}\nsource_profile = default\nduration_seconds = 7200\nendpoint_url = ${world.sts.url}\n`,
  )
  said = []
})
afterEach(() => world.close())

/** The profile's endpoint_url leads to the server: in-process, the SDK would read AWS_ENDPOINT_URL_STS from process.env, not from this env. */
const env = () => world.env({AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL_IAM: undefined})
const reporter = () => ({say: (line: string) => void said.push(line)})
async function ensure(profile = 'default', extra: {force?: boolean; durationSeconds?: number} = {}) {
  return ensureSession({profile, tokenCode: await world.freshCode(), env: env(), reporter: reporter(), ...extra})
}
const cacheFiles = (kind: string) => readdirSync(world.cacheDir).filter(n => n.startsWith(`${kind}-`) && n.endsWith('.json'))

describe('an MFA session', () => {
  test('is fetched once, kept in the cache and in the session profile, then reused', async () => {
    const first = await ensure()
    expect(first.fresh).toBe(true)
    expect(first.sessionProfile).toBe('mfa')
    expect(readFileSync(world.credentialsPath, 'utf8')).toContain(`aws_session_token = ${first.session.Credentials.SessionToken}`)
    const second = await ensureSession({profile: 'default', env: env(), reporter: reporter()})
    expect(second.fresh).toBe(false)
    expect(second.session.Credentials).toEqual(first.session.Credentials)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })

  test('the long-term keys are left as they were', async () => {
    await ensure()
    expect(readFileSync(world.credentialsPath, 'utf8').startsWith(DEMO_CREDENTIALS)).toBe(true)
  })

  test('with 6 minutes left it is reused (the margin is 5)', async () => {
    world.sts.setExpiry({at: world.sts.now() + 6 * 60_000})
    await ensure()
    expect((await ensureSession({profile: 'default', env: env(), reporter: reporter()})).fresh).toBe(false)
  })

  test('with 4 minutes left it is renewed', async () => {
    world.sts.setExpiry({at: world.sts.now() + 4 * 60_000})
    await ensure()
    world.sts.setExpiry(undefined)
    expect((await ensure()).fresh).toBe(true)
    expect(world.sts.count('GetSessionToken')).toBe(2)
  })

  test('--force renews a usable one', async () => {
    const first = await ensure()
    const second = await ensure('default', {force: true})
    expect(second.fresh).toBe(true)
    expect(second.session.Credentials.SessionToken).not.toBe(first.session.Credentials.SessionToken)
  })

  test('a corrupt cache file is reported and replaced', async () => {
    await ensure()
    const [name] = cacheFiles('session')
    writeFileSync(join(world.cacheDir, name), '{"Version": 1,')
    expect((await ensure()).fresh).toBe(true)
    expect(said).toEqual([expect.stringMatching(/^mfa: ignoring the cached session in .*: it is not valid JSON \(corrupt or truncated\); it will be replaced$/)])
  })

  test('a session made with another key is not reused', async () => {
    await ensure()
    const [name] = cacheFiles('session')
    const file = join(world.cacheDir, name)
    const data = JSON.parse(readFileSync(file, 'utf8'))
    writeFileSync(file, JSON.stringify({...data, SourceAccessKeyId: 'AKIAROTATEDAWAY00000'}))
    expect((await ensure()).fresh).toBe(true)
  })
})

describe('a role', () => {
  test('assumed with an MFA session lasts at most 1 hour, and the user hears so', async () => {
    const result = await ensure('admin')
    expect(result.fresh).toBe(true)
    expect(result.sessionProfile).toBe('admin-mfa')
    expect(said).toContain('mfa: a role assumed with an MFA session lasts at most 1h; asking for 1h instead of 2h')
    const left = Date.parse(result.session.Credentials.Expiration) - world.sts.now()
    expect(Math.abs(left - 3600_000)).toBeLessThan(60_000)
  })

  test('1 hour asked: no notice', async () => {
    await ensure('admin', {durationSeconds: 3600})
    expect(said).toEqual([])
  })

  test('the role session is reused, and so is the MFA session behind it', async () => {
    await ensure('admin')
    expect((await ensureSession({profile: 'admin', env: env(), reporter: reporter()})).fresh).toBe(false)
    expect(world.sts.count('AssumeRole')).toBe(1)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })

  test('a revoked MFA session behind it is replaced once, and the role assumed again', async () => {
    await ensure('admin')
    const [name] = cacheFiles('session')
    const file = join(world.cacheDir, name)
    const data = JSON.parse(readFileSync(file, 'utf8'))
    data.Credentials.SessionToken = 'revoked' + data.Credentials.SessionToken.slice(7)
    writeFileSync(file, JSON.stringify(data))
    unlinkSync(join(world.cacheDir, cacheFiles('role')[0]))
    const result = await ensure('admin')
    expect(result.fresh).toBe(true)
    expect(world.sts.count('GetSessionToken')).toBe(2)
    expect(world.sts.count('AssumeRole', c => !c.ok)).toBe(1)
    expect(world.sts.count('AssumeRole', c => c.ok)).toBe(2)
  })
})

describe('what the user sees and what is kept', () => {
  test('the spinner texts around the calls to STS', async () => {
    const texts: string[] = []
    const progress = <T,>(text: string, work: () => Promise<T>) => (texts.push(text), work())
    await ensureSession({profile: 'admin', tokenCode: await world.freshCode(), env: env(), reporter: {...reporter(), progress}})
    expect(texts).toEqual(['Getting an MFA session from STS', `Assuming ${DEMO.roleArn}`])
  })

  test('whose session it is: the identity STS gives, the key and device it was made with', async () => {
    const {session} = await ensure()
    expect(session).toMatchObject({
      Version: 1,
      Kind: 'session',
      Profile: 'default',
      SerialNumber: DEMO.mfaSerial,
      SourceAccessKeyId: DEMO.accessKeyId,
      Identity: {Arn: DEMO.userArn, Account: DEMO.accountId, UserId: expect.any(String)},
    })
    expect(Math.abs(Date.parse(session.IssuedAt) - Date.now())).toBeLessThan(60_000)
  })

  // One code per test: a third code from one server would wait for the next 30 s window.
  const minutesLeft = (s: {Credentials: {Expiration: string}}) => Math.round((Date.parse(s.Credentials.Expiration) - world.sts.now()) / 60_000)
  const withProfileDuration = () => writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8').replace('[default]\n', '[default]\nduration_seconds = 7200\n'))
  test('the duration: 12 hours by default', async () => {
    expect(minutesLeft((await ensure()).session)).toBe(12 * 60)
  })
  test('the duration: duration_seconds of the profile over the default', async () => {
    withProfileDuration()
    expect(minutesLeft((await ensure()).session)).toBe(120)
  })
  test('the duration: --duration over duration_seconds', async () => {
    withProfileDuration()
    expect(minutesLeft((await ensure('default', {durationSeconds: 3600})).session)).toBe(60)
  })

  test('a session that has ended when it arrives: the clock is ahead, and nothing is kept', async () => {
    world.sts.setExpiry({at: world.sts.now() - 60_000})
    const error = await ensure().catch(e => e)
    expect(error.message).toMatch(/^STS issued a session that ends at \S+, but this computer's clock says it is \S+: the clock is ahead$/)
    expect(error.hint).toBe('Set the clock right (e.g. enable NTP: `timedatectl set-ntp true`) and try again.')
    expect(cacheFiles('session')).toEqual([])
  })

  test.each([false, true])('a session that cannot be kept (terminal: %s): said what was lost; on a terminal printed once', async tty => {
    await ensure()
    const [name] = cacheFiles('session')
    const file = join(world.cacheDir, name)
    unlinkSync(file)
    // Once STS has answered, the cache file's place is taken by a directory: the rename fails.
    const progress = async <T,>(_: string, work: () => Promise<T>) => {
      const out = await work()
      mkdirSync(join(file, 'x'), {recursive: true})
      return out
    }
    const before = process.stderr.isTTY
    let printed = ''
    const spy = jest.spyOn(stderr, 'write').mockImplementation(chunk => void (printed += chunk))
    process.stderr.isTTY = tty
    try {
      const error = await ensureSession({profile: 'default', tokenCode: await world.freshCode(), env: env(), reporter: {...reporter(), progress}, force: true}).catch(e => e)
      const session = world.sts.calls.filter(c => c.action === 'GetSessionToken').length
      expect(session).toBe(2)
      if (tty) {
        expect(error.message).toMatch(/^the session STS issued \(above, until \S+\) could not be kept: /)
        expect(error.hint).toBe('Free some space and run the command again with a new code; until then, copy the session above if you need it.')
        const shown = JSON.parse(printed)
        expect(Object.keys(shown)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])
        expect(printed.endsWith('}\n')).toBe(true)
      } else {
        expect(error.message).toMatch(/^the session STS issued \(until \S+\) was lost: it could not be kept: \S/)
        expect(error.hint).toBe('The code was spent. Fix the cause, then run the command again with the next code.')
        expect(printed).toBe('')
      }
      expect(error.cause).toBeDefined()
    } finally {
      process.stderr.isTTY = before
      spy.mockRestore()
    }
  })

  test('another mfa process holding the device\'s lock: the user hears whom mfa waits for', async () => {
    const lock = await acquireLock(join(world.cacheDir, `device-${hashKey('device', DEMO.mfaSerial)}.lock`))
    setTimeout(() => lock.release(), 300)
    await ensure()
    expect(said).toEqual([`mfa: waiting for another mfa process (pid ${process.pid}) that is getting a session for ${DEMO.mfaSerial}…`])
  })
})

describe('the session profile', () => {
  const USERS = `[mfa]\naws_access_key_id = AKIAUSERSOWN00000000\naws_secret_access_key = x\n`
  test('required (login): a section of the user\'s there stops it before a code is spent', async () => {
    writeFileSync(world.credentialsPath, `${DEMO_CREDENTIALS}\n${USERS}`)
    await expect(ensure()).rejects.toThrow('[mfa] in')
    expect(world.sts.count('GetSessionToken')).toBe(0)
  })
  test('a service (env, exec): a warning for a new session, nothing for a cached one', async () => {
    writeFileSync(world.credentialsPath, `${DEMO_CREDENTIALS}\n${USERS}`)
    const first = await ensureSession({profile: 'default', tokenCode: await world.freshCode(), env: env(), reporter: reporter(), sessionProfile: 'service'})
    expect(first.fresh).toBe(true)
    expect(said).toEqual([expect.stringMatching(/^mfa: the session is cached, but not kept in profile "mfa": \[mfa\] in .* is not a section mfa wrote/)])
    said = []
    expect((await ensureSession({profile: 'default', env: env(), reporter: reporter(), sessionProfile: 'service'})).fresh).toBe(false)
    expect(said).toEqual([])
    expect(readFileSync(world.credentialsPath, 'utf8')).toBe(`${DEMO_CREDENTIALS}\n${USERS}`)
  })
  test('none (credential-process): never written', async () => {
    const before = readFileSync(world.credentialsPath, 'utf8')
    await ensureSession({profile: 'default', tokenCode: await world.freshCode(), env: env(), reporter: reporter(), sessionProfile: 'none'})
    expect(readFileSync(world.credentialsPath, 'utf8')).toBe(before)
  })
  test('a cached session whose session profile lost its region gets it back', async () => {
    await ensure()
    const withRegion = readFileSync(world.configPath, 'utf8')
    expect(withRegion).toContain('[profile mfa]\nregion = eu-west-1\n')
    writeFileSync(world.configPath, withRegion.replace(/\n\[profile mfa\][^[]*/, '\n'))
    expect((await ensureSession({profile: 'default', env: env(), reporter: reporter()})).fresh).toBe(false)
    expect(readFileSync(world.configPath, 'utf8')).toContain('[profile mfa]\nregion = eu-west-1\n')
  })
  test('a cached session missing from its session profile is written there again', async () => {
    await ensure()
    writeFileSync(world.credentialsPath, DEMO_CREDENTIALS)
    const again = await ensureSession({profile: 'default', env: env(), reporter: reporter()})
    expect(readFileSync(world.credentialsPath, 'utf8')).toContain(`aws_session_token = ${again.session.Credentials.SessionToken}`)
  })
})

describe('codes', () => {
  test('a code STS refused is spent: the same code again is refused before STS', async () => {
    const wrong = world.code() === '000000' ? '111111' : '000000'
    await expect(ensureSession({profile: 'default', tokenCode: wrong, env: env(), reporter: reporter()})).rejects.toThrow('STS refused the MFA code')
    await expect(ensureSession({profile: 'default', tokenCode: wrong, env: env(), reporter: reporter()})).rejects.toThrow(`code ${wrong} was already used`)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })
  test('a refused code given with --token-code is not asked for again', async () => {
    const wrong = world.code() === '000000' ? '111111' : '000000'
    await expect(ensureSession({profile: 'default', tokenCode: wrong, env: env(), reporter: reporter(), ask: false})).rejects.toThrow('STS refused the MFA code')
    expect(said).toEqual([])
  })
})

describe('roles: names, reuse and --force', () => {
  test('the role session is named mfa-<user>, or role_session_name; its identity comes from the assumed user', async () => {
    const {session} = await ensure('admin')
    expect(session.Kind).toBe('role')
    expect(session.RoleArn).toBe(DEMO.roleArn)
    expect(session.AssumedRoleUser?.Arn).toMatch(/\/mfa-demo$/)
    expect(session.Identity).toEqual({Arn: session.AssumedRoleUser!.Arn, Account: DEMO.accountId, UserId: session.AssumedRoleUser!.AssumedRoleId})
    writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8').replace('duration_seconds = 7200\n', 'duration_seconds = 7200\nrole_session_name = me@work\n'))
    expect((await ensure('admin')).session.AssumedRoleUser?.Arn).toMatch(/\/me@work$/)
  })
  test('--force assumes the role again on the cached MFA session', async () => {
    await ensure('admin')
    expect((await ensure('admin', {force: true})).fresh).toBe(true)
    expect(world.sts.count('AssumeRole')).toBe(2)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })
  test('the caller\'s reuse rule decides for the role session; the MFA session behind it keeps the usual rule', async () => {
    await ensure('admin')
    const again = await ensureSession({profile: 'admin', env: env(), reporter: reporter(), reuse: () => false})
    expect(again.fresh).toBe(true)
    expect(world.sts.count('AssumeRole')).toBe(2)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })
  test('half an hour asked: the role lasts half an hour', async () => {
    const {session} = await ensure('admin', {durationSeconds: 1800})
    expect(Math.round((Date.parse(session.Credentials.Expiration) - world.sts.now()) / 60_000)).toBe(30)
  })
})

describe('secondsLeft', () => {
  test('whole seconds, rounded down', () => {
    const session = {Credentials: {Expiration: '2030-01-01T00:01:00Z'}} as Parameters<typeof secondsLeft>[0]
    expect(secondsLeft(session, Date.parse('2030-01-01T00:00:00.500Z'))).toBe(59)
    expect(secondsLeft(session, Date.parse('2030-01-01T00:02:00Z'))).toBe(-60)
  })
})

/** The lock file that mfa takes for this key (ensure.ts: `<kind>-<hash>.lock` in the cache directory). */
const lockPath = (kind: string, ...key: string[]) => join(world.cacheDir, `${kind}-${hashKey(kind, ...key)}.lock`)
/**
 * A reporter that runs `then` when mfa says something: in the tests that use it, the only thing mfa
 * says is that it waits for a lock (and should it say anything else, the test fails fast, not by waiting).
 */
const onWait = (then: () => void) => ({
  say(line: string) {
    said.push(line)
    then()
  },
})
/** Six digits the local server refuses now: not the device's code of any window from a minute ago to a minute ahead. */
function wrongCodes(n: number): string[] {
  const valid = new Set([-2, -1, 0, 1, 2].map(w => world.code(world.sts.now() + w * 30_000)))
  return ['000000', '111111', '222222', '333333', '444444', '555555'].filter(c => !valid.has(c)).slice(0, n)
}
/** A prompt command that prints the given codes one per run (the code a person types each time). */
function typedCodes(codes: string[]): string {
  const file = join(world.home, 'typed-codes')
  writeFileSync(file, codes.map(c => `${c}\n`).join(''))
  return `head -n 1 ${file}; sed -i 1d ${file}`
}

describe('the lock and the cache read again under it', () => {
  test('a usable cached session is taken without waiting for the device\'s lock', async () => {
    await ensure()
    const lock = await acquireLock(lockPath('device', DEMO.mfaSerial))
    try {
      const again = await ensureSession({profile: 'default', env: env(), reporter: onWait(() => lock.release())})
      expect(again.fresh).toBe(false)
      expect(said).toEqual([])
    } finally {
      lock.release()
    }
  })

  test('a lock whose holder has not written its pid yet: the user hears that mfa waits, without a pid', async () => {
    mkdirSync(world.cacheDir, {recursive: true, mode: 0o700})
    const path = lockPath('device', DEMO.mfaSerial)
    writeFileSync(path, '', {mode: 0o600})
    // Dated ahead: an empty lock counts as just created (not stale) however slowly this test runs.
    const ahead = new Date(Date.now() + 60_000)
    utimesSync(path, ahead, ahead)
    await ensureSession({profile: 'default', tokenCode: await world.freshCode(), env: env(), reporter: onWait(() => rmSync(path, {force: true}))})
    expect(said).toEqual([`mfa: waiting for another mfa process that is getting a session for ${DEMO.mfaSerial}…`])
  })

  /** A cached session kept aside, and the cache emptied: another process will put it back while this one waits. */
  async function sessionKeptAside() {
    const first = await ensure()
    const [name] = cacheFiles('session')
    const file = join(world.cacheDir, name)
    const data = JSON.parse(readFileSync(file, 'utf8'))
    unlinkSync(file)
    return {first, file, data}
  }

  test('a session another process made while this one waited for the lock is the one used: no code is sent', async () => {
    const {first, file, data} = await sessionKeptAside()
    const lock = await acquireLock(lockPath('device', DEMO.mfaSerial))
    const put = () => (writeFileSync(file, JSON.stringify(data), {mode: 0o600}), lock.release())
    const result = await ensureSession({profile: 'default', tokenCode: await world.freshCode(), env: env(), reporter: onWait(put)})
    expect(result.fresh).toBe(false)
    expect(result.session.Credentials).toEqual(first.session.Credentials)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })

  test('--force: a session another process made in the very millisecond this one started is new enough to use', async () => {
    const {first, file, data} = await sessionKeptAside()
    const lock = await acquireLock(lockPath('device', DEMO.mfaSerial))
    // This process's clock stands still, so "when the call started" is known to the millisecond.
    const started = Date.now()
    const clock = jest.spyOn(Date, 'now').mockReturnValue(started)
    const put = () => (writeFileSync(file, JSON.stringify({...data, IssuedAt: new Date(started).toISOString()}), {mode: 0o600}), lock.release())
    try {
      // The code is the one already sent: used, it would fail; unused, it is not sent.
      const result = await ensureSession({profile: 'default', tokenCode: world.code(), env: env(), reporter: onWait(put), force: true})
      expect(result.fresh).toBe(false)
      expect(result.session.Credentials).toEqual(first.session.Credentials)
      expect(world.sts.count('GetSessionToken')).toBe(1)
    } finally {
      clock.mockRestore()
      lock.release()
    }
  })

  test('another mfa process assuming the same role: the user hears whom mfa waits for', async () => {
    await ensure('admin', {durationSeconds: 3600})
    const file = join(world.cacheDir, cacheFiles('role')[0])
    unlinkSync(file)
    const lock = await acquireLock(lockPath('role', file))
    await ensureSession({profile: 'admin', env: env(), reporter: onWait(() => lock.release()), durationSeconds: 3600})
    expect(said).toEqual([`mfa: waiting for another mfa process (pid ${process.pid}) that is assuming ${DEMO.roleArn}…`])
  })
})

describe('the session profile, kept in step', () => {
  test('a cached session already in its session profile: neither file is edited, not even their lock taken', async () => {
    await ensure()
    // A lock left by a process that died: taking the lock would break it and remove the file.
    const path = lockPath('credentials', realpathSync(world.credentialsPath))
    writeFileSync(path, JSON.stringify({pid: 2 ** 22 + 1, host: hostname(), token: 'gone', at: Date.now()}), {mode: 0o600})
    const before = world.snapshot()
    expect((await ensureSession({profile: 'default', env: env(), reporter: reporter()})).fresh).toBe(false)
    expect(existsSync(path)).toBe(true)
    expect(world.snapshot()).toEqual(before)
  })

  test.each(['AccessKeyId', 'SessionToken'] as const)('a session profile whose %s was changed is written again', async field => {
    const {session} = await ensure()
    const text = readFileSync(world.credentialsPath, 'utf8')
    expect(text).toContain(`aws_access_key_id = ${session.Credentials.AccessKeyId}\naws_secret_access_key = ${session.Credentials.SecretAccessKey}\naws_session_token = ${session.Credentials.SessionToken}\n`)
    writeFileSync(world.credentialsPath, text.replace(session.Credentials[field], 'changed'))
    await ensureSession({profile: 'default', env: env(), reporter: reporter()})
    expect(readFileSync(world.credentialsPath, 'utf8')).toBe(text)
  })

  test('required (login): a section of the user\'s that appears while STS answers is not taken over: the error is the user\'s', async () => {
    const progress = async <T,>(_: string, work: () => Promise<T>) => {
      const out = await work()
      writeFileSync(world.credentialsPath, `${DEMO_CREDENTIALS}\n[mfa]\naws_access_key_id = AKIAUSERSOWN00000000\naws_secret_access_key = x\n`)
      return out
    }
    const error = await ensureSession({profile: 'default', tokenCode: await world.freshCode(), env: env(), reporter: {...reporter(), progress}}).catch(e => e)
    expect(error.message).toMatch(/^\[mfa\] in .* is not a section mfa wrote/)
    expect(cacheFiles('session')).toHaveLength(1)
  })

  test('the AWS files a command has read already are the ones used: they are not read again', async () => {
    const files = loadAwsFiles(env())
    writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8').replace(`mfa_serial = ${DEMO.mfaSerial}\n`, ''))
    const {session} = await ensureSession({profile: 'default', files, tokenCode: await world.freshCode(), env: env(), reporter: reporter()})
    expect(session.SerialNumber).toBe(DEMO.mfaSerial)
  })

  test('--serial-number names the device of a profile without mfa_serial', async () => {
    writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8').replace(`mfa_serial = ${DEMO.mfaSerial}\n`, ''))
    const {session} = await ensureSession({profile: 'default', serialNumber: DEMO.mfaSerial, tokenCode: await world.freshCode(), env: env(), reporter: reporter()})
    expect(session.SerialNumber).toBe(DEMO.mfaSerial)
  })

  test('the identity is asked for with the new session, not with the long-term key', async () => {
    const {session} = await ensure()
    expect(world.sts.count('GetCallerIdentity')).toBe(1)
    expect(world.sts.count('GetCallerIdentity', c => c.accessKeyId === session.Credentials.AccessKeyId)).toBe(1)
  })

  test('sessionFileFor: the cache file that holds an MFA profile\'s session', async () => {
    const {resolved, session} = await ensure()
    expect(JSON.parse(readFileSync(sessionFileFor(resolved, world.cacheDir), 'utf8')).Credentials).toEqual(session.Credentials)
  })

  test('a session that ends in the very millisecond it arrives has ended', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000
    world.sts.setExpiry({at: now})
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now)
    try {
      const error = await ensureSession({profile: 'default', tokenCode: await world.freshCode(), env: env(), reporter: reporter()}).catch(e => e)
      expect(error.message).toBe(`STS issued a session that ends at ${new Date(now).toISOString().replace('.000Z', 'Z')}, but this computer's clock says it is ${new Date(now).toISOString()}: the clock is ahead`)
    } finally {
      clock.mockRestore()
    }
  })
})

describe('cached sessions that do not fit', () => {
  test('a session made for another device is not reused', async () => {
    await ensure()
    const file = join(world.cacheDir, cacheFiles('session')[0])
    writeFileSync(file, JSON.stringify({...JSON.parse(readFileSync(file, 'utf8')), SerialNumber: 'arn:aws:iam::123456789012:mfa/other'}))
    expect((await ensure()).fresh).toBe(true)
  })

  test.each(['default', 'admin'])('the caller\'s reuse rule (%s) is asked about a cached session only, and decides for an MFA session too', async profile => {
    const reuse = (s: Parameters<typeof secondsLeft>[0]) => secondsLeft(s) > 11 * 3600
    const first = await ensureSession({profile, tokenCode: await world.freshCode(), env: env(), reporter: reporter(), reuse})
    expect(first.fresh).toBe(true)
    if (profile === 'admin') return
    expect((await ensureSession({profile, env: env(), reporter: reporter(), reuse})).fresh).toBe(false)
    expect((await ensureSession({profile, tokenCode: await world.freshCode(), env: env(), reporter: reporter(), reuse: () => false})).fresh).toBe(true)
    expect(world.sts.count('GetSessionToken')).toBe(2)
  })
})

describe('typed codes and where a code comes from', () => {
  // terminal: false everywhere: the prompt command asks, and a wrong turn never opens this terminal.
  const typed = (codes: string[], extra: Partial<Parameters<typeof ensureSession>[0]> = {}) =>
    ensureSession({profile: 'default', prompt: typedCodes(codes), terminal: false, env: env(), reporter: reporter(), ...extra})

  test('a typed code STS refused is asked for again, three codes in all; the user hears how many tries are left', async () => {
    const error = await typed([...wrongCodes(3), await world.freshCode()]).catch(e => e)
    expect(error.message).toMatch(/^STS refused the MFA code/)
    expect(world.sts.count('GetSessionToken')).toBe(3)
    const refused = 'mfa: STS refused that code (wrong or expired); type the code your device shows now'
    expect(said).toEqual([`${refused} (2 tries left)`, `${refused} (1 try left)`])
  })

  test('a typed code refused, then the right one: a session', async () => {
    const result = await typed([...wrongCodes(1), await world.freshCode()])
    expect(result.fresh).toBe(true)
    expect(world.sts.count('GetSessionToken')).toBe(2)
  })

  test('a typed code that fails for another reason than the code is not asked for again', async () => {
    world.sts.fail({fault: {kind: 'status', status: 403, code: 'AccessDenied', message: 'explicit deny in a policy'}, actions: ['GetSessionToken'], times: 1})
    const error = await typed([await world.freshCode(), await world.freshCode()]).catch(e => e)
    expect(error.message).toBe('STS denied GetSessionToken: explicit deny in a policy')
    expect(world.sts.count('GetSessionToken')).toBe(1)
    expect(said).toEqual([])
  })

  test.each([
    ['MFA_PROMPT_DRIVER', {MFA_PROMPT_DRIVER: 'CMD'}, ''],
    ['mfa_prompt_driver when MFA_PROMPT_DRIVER is empty', {MFA_PROMPT_DRIVER: ''}, 'mfa_prompt_driver = CMD\n'],
  ])('the prompt command of %s', async (_, vars, setting) => {
    const command = typedCodes([await world.freshCode()])
    const set = (v: Record<string, string>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.replace('CMD', command)]))
    writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8').replace('[default]\n', `[default]\n${setting.replace('CMD', command)}`))
    const result = await ensureSession({profile: 'default', terminal: false, env: {...env(), ...set(vars)}, reporter: reporter()})
    expect(result.fresh).toBe(true)
  })
})

describe('role sessions: names, chains and failures', () => {
  /** The name of the role session mfa asks for after `identity` changed what the cached MFA session behind it says. */
  async function sessionNameWith(identity: (data: {Identity?: {Arn: string}}) => void) {
    await ensure()
    const file = join(world.cacheDir, cacheFiles('session')[0])
    const data = JSON.parse(readFileSync(file, 'utf8'))
    identity(data)
    writeFileSync(file, JSON.stringify(data))
    const {session} = await ensureSession({profile: 'admin', env: env(), reporter: reporter()})
    return session.AssumedRoleUser!.Arn.split('/').pop()
  }

  test('named after the user, without the user\'s path', async () => {
    expect(await sessionNameWith(d => (d.Identity!.Arn = 'arn:aws:iam::123456789012:user/team/alice'))).toBe('mfa-alice')
  })
  test('a name STS would not take is made one: other characters become -, and it is cut to 64', async () => {
    expect(await sessionNameWith(d => (d.Identity!.Arn = `arn:aws:iam::123456789012:user/dev ops:${'x'.repeat(70)}`))).toBe(`mfa-dev-ops-${'x'.repeat(52)}`)
  })
  test('without the identity (GetCallerIdentity failed): named after the device', async () => {
    world.sts.fail({fault: {kind: 'status', status: 403, code: 'AccessDenied'}, actions: ['GetCallerIdentity'], times: 1})
    const {session} = await ensure('admin')
    expect(session.AssumedRoleUser!.Arn).toMatch(/\/mfa-demo$/)
    expect(JSON.parse(readFileSync(join(world.cacheDir, cacheFiles('session')[0]), 'utf8')).Identity).toBeUndefined()
  })

  test('another external_id is another role session', async () => {
    const withExternalId = (id: string) => writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8').replace(/\nexternal_id = .*|$/, `\nexternal_id = ${id}`))
    withExternalId('first-id')
    await ensure('admin')
    withExternalId('second-id')
    expect((await ensureSession({profile: 'admin', env: env(), reporter: reporter()})).fresh).toBe(true)
    expect(world.sts.count('AssumeRole')).toBe(2)
  })

  const MIDDLE = 'arn:aws:iam::123456789012:role/middle'
  const TOP = 'arn:aws:iam::123456789012:role/top'
  /** Profile top: role top assumed with role middle, which is assumed with the MFA session of default. */
  const chain = (middle: {settings: string; maxSessionDuration?: number}) => {
    world.sts.addRole({arn: MIDDLE, requireMfa: true, maxSessionDuration: middle.maxSessionDuration})
    world.sts.addRole({arn: TOP})
    const profiles = `\n[profile middle]\nrole_arn = ${MIDDLE}\nsource_profile = default\n${middle.settings}\n[profile top]\nrole_arn = ${TOP}\nsource_profile = middle\n`
    writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8') + profiles)
  }
  test('a chain of two roles: each assumed with the one before', async () => {
    chain({settings: ''})
    const {session} = await ensure('top')
    expect(session.RoleArn).toBe(TOP)
    expect(world.sts.count('AssumeRole', c => c.ok)).toBe(2)
  })
  test('a step before the last lasts its own duration_seconds, not the duration asked of the last', async () => {
    // The local server lets a role refuse more than 15 minutes (AWS's floor is 1 hour): what a step asked for shows.
    chain({settings: 'duration_seconds = 900\n', maxSessionDuration: 900})
    const {session} = await ensure('top')
    expect(Math.round((Date.parse(session.Credentials.Expiration) - world.sts.now()) / 60_000)).toBe(60)
  })

  test('a role STS refuses is not retried with a new MFA session', async () => {
    await ensure()
    writeFileSync(world.configPath, readFileSync(world.configPath, 'utf8').replace(DEMO.roleArn, 'arn:aws:iam::123456789012:role/nobody'))
    const error = await ensureSession({profile: 'admin', env: env(), reporter: reporter(), ask: false}).catch(e => e)
    expect(error.message).toMatch(/^STS denied AssumeRole: User: \S+ is not authorized to perform: sts:AssumeRole/)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })
  test('an MFA session refused as expired right after STS issued it is not replaced again', async () => {
    const progress = async <T,>(text: string, work: () => Promise<T>) => {
      const out = await work()
      if (text.startsWith('Getting')) world.sts.expireIssued()
      return out
    }
    const error = await ensureSession({profile: 'admin', tokenCode: await world.freshCode(), env: env(), reporter: {...reporter(), progress}, ask: false}).catch(e => e)
    expect(error.message).toBe('the MFA session used for AssumeRole has expired or was revoked')
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })
})
