/**
 * AWS_PROFILE=mfa: the session profile mfa writes, set so that other tools use the session. It
 * holds no long-term keys; login, status and env take the profile it was made from (the recorded
 * mfa_source_profile) and say so on stderr.
 */
import {makeWorld, type World} from '../helpers/world.js'

let world: World
beforeAll(async () => {
  world = await makeWorld()
  const first = await world.mfa(['login', '-t', await world.freshCode()])
  expect(first.code).toBe(0)
  expect(world.read(world.configPath)).toMatch(/^\[profile mfa\]\n(.*\n)*mfa_source_profile = default$/m)
})
afterAll(() => world.close())

const USING = 'mfa: using default, the profile mfa was made from\n'

test.each([['login'], ['status', '--offline'], ['env', '--shell', 'bash']])('AWS_PROFILE=mfa mfa %s works on default and says so', async (...argv) => {
  const r = await world.mfa(argv, {env: world.env({AWS_PROFILE: 'mfa'})})
  expect({code: r.code, first: r.stderr.split('\n')[0] + '\n'}).toEqual({code: 0, first: USING})
  expect(r.stderr).not.toMatch(/temporary credentials/)
  expect(world.sts.count('GetSessionToken')).toBe(1)
})

test('status names profile default, and env exports its session', async () => {
  const status = await world.mfa(['status', '--offline', '--json'], {env: world.env({AWS_PROFILE: 'mfa'})})
  expect(JSON.parse(status.stdout)).toMatchObject({profile: 'default', sessionProfile: 'mfa'})
  const env = await world.mfa(['env', '--shell', 'bash'], {env: world.env({AWS_PROFILE: 'mfa'})})
  expect(env.stdout).toMatch(/^export AWS_SESSION_TOKEN=/m)
})

test('--profile is taken as typed, and a profile that is not a session profile says nothing extra', async () => {
  const typed = await world.mfa(['status', '--offline', '--profile', 'mfa'], {env: world.env({AWS_PROFILE: 'mfa'})})
  expect(typed.stderr).not.toContain(USING)
  expect(typed.stderr).toMatch(/^mfa: profile "mfa" holds temporary credentials/)
  const r = await world.mfa(['status', '--offline'], {env: world.env({AWS_PROFILE: 'default'})})
  expect(r.stderr).toBe('')
})
