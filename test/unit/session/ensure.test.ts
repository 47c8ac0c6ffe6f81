/**
 * Session decisions (src/session/ensure.ts), in-process against the local STS server with real
 * files in a temporary HOME: reuse while more than 5 minutes are left, the 1-hour cap of a role
 * assumed with an MFA session, and one retry when the cached MFA session was revoked. Each test has
 * its own server, so its codes never wait for the next 30 s window.
 */
import {readFileSync, readdirSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ensureSession} from '../../../src/session/ensure.js'
import {DEMO, DEMO_CREDENTIALS, makeWorld, type World} from '../../helpers/world.js'

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
