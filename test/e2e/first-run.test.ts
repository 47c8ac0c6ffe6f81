/**
 * The first run: a HOME with no ~/.aws at all. login names the next steps (keys with `aws
 * configure`, the device with `mfa devices --save`, then login), off and on a terminal; doctor
 * does not call STS when there are no keys to call it with, so its clock check is "skipped"
 * rather than a network error.
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN, ROOT} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {terminal, type Terminal} from '../helpers/tmux.js'
import {DEMO, makeWorld, type World} from '../helpers/world.js'

let world: World
let term: Terminal | undefined
beforeEach(async () => {
  world = await makeWorld()
  rmSync(join(world.home, '.aws'), {recursive: true, force: true})
})
afterEach(async () => {
  await term?.close()
  term = undefined
  await world.close()
})

const STEPS = 'hint: Run `aws configure` to add your long-term keys (or `mfa keys add` to keep them in the OS keyring), then `mfa devices --save` to record your MFA device, then `mfa login`.\n'

test('login names the next steps, in order, and changes nothing', async () => {
  const r = await world.mfa(['login'])
  expect(r).toMatchObject({code: 1, stdout: '', stderr: 'mfa: profile "default" is not in ~/.aws/config or ~/.aws/credentials\n' + STEPS})
  expect(world.snapshot()).toEqual({})
  expect(world.sts.count('GetSessionToken')).toBe(0)
})

test('for a named profile, every step names it', async () => {
  const r = await world.mfa(['login', '-p', 'work'])
  expect(r.stderr).toMatch(/^hint: Run `aws configure --profile work` to add your long-term keys \(or `mfa keys add -p work` to keep them in the OS keyring\), then `mfa devices --save -p work` to record your MFA device, then `mfa login -p work`\.$/m)
})

test('doctor: no call to STS, the clock check is skipped, no network error', async () => {
  // Unreachable, so a call would show as a network error; the server counts any that arrive.
  const r = await world.mfa(['doctor', '--json'], {env: world.env({AWS_ENDPOINT_URL_STS: 'http://nonexistent.invalid', AWS_ENDPOINT_URL_IAM: 'http://nonexistent.invalid'})})
  const report = JSON.parse(r.stdout) as {checks: Array<{check: string; status: string; message: string}>}
  expect(report.checks.find(c => c.check === 'clock')).toEqual({check: 'clock', status: 'skipped', message: 'not compared with STS: there are no keys to call it with yet'})
  expect(r.stdout).not.toMatch(/ENOTFOUND|cannot reach/)
  const human = await world.mfa(['doctor'])
  expect(human.stdout).toMatch(/^- clock: not compared with STS: there are no keys to call it with yet$/m)
  expect(world.sts.count('*')).toBe(0)
})

describeWith(['tmux'], 'on a terminal', () => {
  test('login shows the same next steps and asks for no code', async () => {
    term = await terminal([process.execPath, BIN, 'login'], world.env(), {cwd: ROOT})
    expect(await term.exitCode()).toBe(1)
    const screen = (await term.screen()).replace(/\n(?!mfa:|hint:)/g, '')
    expect(screen).toContain(STEPS.trim())
    expect(screen).not.toMatch(/MFA code/)
  })
})

describe('a profile name of 40 or more letters is shown as written, secrets still never', () => {
  // 45 base64 characters: what a secret key looks like to a pattern, and a name someone chose.
  const LONG = 'TeamAlphaProductionAccountAdministratorsGroup'

  test('named by --profile or AWS_PROFILE: in the message and every step of the hint', async () => {
    for (const [args, env] of [[['login', '-p', LONG], {}], [['login'], {AWS_PROFILE: LONG}]] as const) {
      const r = await world.mfa([...args], {env: world.env(env)})
      expect(r.code).toBe(1)
      expect(r.stderr).not.toContain('[redacted]')
      expect(r.stderr.split('\n')[0]).toBe(`mfa: profile "${LONG}" is not in ~/.aws/config or ~/.aws/credentials`)
      expect(r.stderr.split(LONG).length - 1).toBe(5)
    }
  })

  test('in the list of known profiles, and in a message about its settings, without its secret key', async () => {
    mkdirSync(join(world.home, '.aws'), {mode: 0o700})
    writeFileSync(join(world.home, '.aws', 'config'), `[profile ${LONG}]\nregion = us-east-1\n`, {mode: 0o600})
    writeFileSync(join(world.home, '.aws', 'credentials'), `[${LONG}]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`, {mode: 0o600})
    const unknown = await world.mfa(['login', '-p', 'nope'])
    expect(unknown.stderr).toBe(`mfa: profile "nope" is not in ~/.aws/config or ~/.aws/credentials\nhint: Known profiles: ${LONG}. Pick one with --profile.\n`)
    const noDevice = await world.mfa(['login', '-p', LONG, '--debug'])
    expect(noDevice.code).toBe(1)
    expect(noDevice.stderr).toMatch(new RegExp(`^mfa: profile "${LONG}" has no MFA device`))
    expect(noDevice.stderr).not.toContain('[redacted]')
    expect(noDevice.stderr).not.toContain(DEMO.secretAccessKey)
  })
})
