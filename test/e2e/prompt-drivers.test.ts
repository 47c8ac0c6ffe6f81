/**
 * Prompt drivers: a code without a terminal. The real zenity in a real X server (Xvfb), answered by
 * xdotool typing into the dialog; callers with no terminal at all (a new session, stdin /dev/null),
 * as an IDE or the AWS CLI's credential_process has them.
 */
import {chmodSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN} from '../helpers/cli.js'
import {startDesktop, type Desktop} from '../helpers/desktop.js'
import {AWS_CLI, describeWith} from '../helpers/tools.js'
import type {RunResult} from '../helpers/cli.js'
import {DEMO, makeWorld, ROLE_CONFIG, type World} from '../helpers/world.js'

const CONFIG = `${ROLE_CONFIG}
[profile cp]
region = eu-west-1
credential_process = ${process.execPath} ${BIN} credential-process --profile default
`

const DIALOG = 'mfa: MFA code for profile'
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

let world: World
beforeEach(async () => {
  world = await makeWorld({config: CONFIG})
})
afterEach(async () => {
  await world.close()
})

/** The dialog a running caller opened; if the caller ends first, its output says why there is none. */
async function dialogOf(running: Promise<RunResult>, title = DIALOG, timeoutMs = 30_000): Promise<string> {
  const ended = running.then(r => {
    throw new Error(`the caller ended (exit ${r.code}) before a dialog "${title}" showed: ${r.stderr}`)
  })
  return Promise.race([desktop.waitFor(title, timeoutMs), ended])
}

const getSessionTokens = () => world.sts.calls.filter(c => c.action === 'GetSessionToken')

/** `setsid mfa ARGS </dev/null`: no controlling terminal, nothing on stdin. */
function noTerminal(args: string[], env: NodeJS.ProcessEnv) {
  return world.run('sh', ['-c', 'exec setsid --wait "$@" </dev/null', 'sh', process.execPath, BIN, ...args], {env, timeoutMs: 60_000})
}

describe('without a terminal or a desktop', () => {
  test('a chosen dialog that cannot run here fails at once and says why', async () => {
    for (const [how, env] of [
      [['--prompt', 'zenity'], world.env()],
      [[], world.env({MFA_PROMPT_DRIVER: 'kdialog'})],
      [['--prompt', 'osascript'], world.env()],
    ] as const) {
      const r = await world.mfa(['login', ...how], {env})
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^mfa: the prompt driver (zenity|kdialog|osascript) cannot ask for a code here: .*\nhint: Choose another with --prompt, MFA_PROMPT_DRIVER or mfa_prompt_driver/)
      expect(r.ms).toBeLessThan(10_000)
    }
    expect(world.sts.calls).toEqual([])
  })

  test('a command as the driver: the first line it prints is the code; mfa_prompt_driver comes before mfa_process', async () => {
    const script = join(world.home, 'code.sh')
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n%s\\n' "$(cat ${join(world.home, 'code.txt')})" "for $MFA_PROMPT_PROFILE"\n`)
    chmodSync(script, 0o755)
    writeFileSync(join(world.home, 'code.txt'), await world.freshCode())
    writeFileSync(world.configPath, CONFIG.replace('[default]\n', `[default]\nmfa_prompt_driver = ${script}\nmfa_process = false\n`))
    const r = await world.mfa(['login'])
    expect({code: r.code, stderr: r.stderr}).toMatchObject({code: 0})
    expect(getSessionTokens()).toHaveLength(1)
  })

  test('a command that exits 130 is a cancel: exit 130, no code sent', async () => {
    const r = await world.mfa(['login', '--prompt', 'exit 130'])
    expect({code: r.code, stderr: r.stderr}).toEqual({code: 130, stderr: 'mfa: cancelled: no code was entered; nothing was changed\n'})
    expect(world.sts.calls).toEqual([])
  })
})

let desktop: Desktop
describeWith(['Xvfb', 'xdotool', 'zenity', AWS_CLI], 'zenity on a desktop (Xvfb), answered by xdotool', () => {
  beforeAll(async () => {
    desktop = await startDesktop()
  })
  afterAll(async () => {
    await desktop?.close()
  })

  const env = (extra: NodeJS.ProcessEnv = {}) => world.env({DISPLAY: desktop.display, ...extra})

  test('`setsid mfa credential-process </dev/null` gets its code from the dialog titled with the profile', async () => {
    const running = noTerminal(['credential-process'], env())
    const window = await dialogOf(running)
    await desktop.type(window, await world.freshCode(), 'Return')
    const r = await running
    expect({code: r.code, stderr: r.stderr}).toEqual({code: 0, stderr: ''})
    expect(JSON.parse(r.stdout).AccessKeyId).toMatch(/^ASIA/)
    expect(getSessionTokens()).toHaveLength(1)
  })

  test('the AWS CLI, through credential_process with no terminal, gets its credentials after the dialog', async () => {
    const running = world.run('sh', ['-c', `exec setsid --wait ${AWS_CLI} sts get-caller-identity --profile cp --endpoint-url "$AWS_ENDPOINT_URL_STS" --output text --query Arn </dev/null`], {env: env(), timeoutMs: 60_000})
    const window = await dialogOf(running)
    await desktop.type(window, await world.freshCode(), 'Return')
    const r = await running
    expect({code: r.code, stdout: r.stdout.trim(), stderr: r.stderr}).toEqual({code: 0, stdout: DEMO.userArn, stderr: ""})
  })

  test('8 callers at once see one dialog; one code, one GetSessionToken, the same session for all', async () => {
    const runs = Array.from({length: 8}, () => noTerminal(['credential-process'], env()))
    const window = await dialogOf(Promise.race(runs))
    let most = 0
    for (let i = 0; i < 15; i++) {
      most = Math.max(most, (await desktop.windows(DIALOG)).length)
      await sleep(100)
    }
    expect(most).toBe(1)
    await desktop.type(window, await world.freshCode(), 'Return')
    const results = await Promise.all(runs)
    expect(results.map(r => r.code)).toEqual(Array(8).fill(0))
    expect(new Set(results.map(r => JSON.parse(r.stdout).AccessKeyId)).size).toBe(1)
    expect(getSessionTokens()).toHaveLength(1)
    expect(await desktop.windows(DIALOG)).toEqual([])
  })

  test('Cancel in the dialog: exit 130 at once, and no GetSessionToken', async () => {
    const running = noTerminal(['credential-process'], env())
    const window = await dialogOf(running)
    await desktop.key(window, 'Escape')
    const r = await running
    expect({code: r.code, stdout: r.stdout, stderr: r.stderr}).toEqual({code: 130, stdout: '', stderr: 'mfa: cancelled: no code was entered; nothing was changed\n'})
    expect(getSessionTokens()).toEqual([])
  })

  test('a wrong answer in the dialog is asked again', async () => {
    const running = noTerminal(['login', '-p', 'admin'], env())
    const first = await dialogOf(running, `${DIALOG} admin`)
    await desktop.type(first, '12ab', 'Return')
    await sleep(300)
    const second = await dialogOf(running, `${DIALOG} admin`)
    await desktop.type(second, await world.freshCode(), 'Return')
    const r = await running
    expect(r.code).toBe(0)
    expect(getSessionTokens()).toHaveLength(1)
  })

  test('the exec server asks in the dialog, not on the terminal, when the MFA session behind a role has ended', async () => {
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    world.sts.setRoleSessionSeconds(20)
    const script = `
      const get = async () => (await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {headers: {Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN}})).status
      const first = await get()
      await new Promise(r => setTimeout(r, 16_000))
      let later
      for (let i = 0; i < 40 && later !== 200; i++) { later = await get(); if (later !== 200) await new Promise(r => setTimeout(r, 500)) }
      console.log(first, later)`
    const running = world.mfa(['exec', '--server', '-p', 'admin', '--', process.execPath, '--input-type=module', '-e', script], {env: env(), timeoutMs: 90_000})
    await sleep(1000)
    expect((await world.mfa(['logout'])).code).toBe(0)
    const window = await dialogOf(running, `${DIALOG} admin`, 40_000)
    await desktop.type(window, await world.freshCode(), 'Return')
    const r = await running
    expect({code: r.code, stdout: r.stdout}).toEqual({code: 0, stdout: '200 200\n'})
    expect(getSessionTokens().filter(c => c.ok)).toHaveLength(2)
  }, 120_000)

  for (const [path, extra] of [['fast path', {}], ['oclif path', {MFA_NO_FAST_PATH: '1'}]] as const) {
    test(`a command that ends while the dialog waits: mfa exits with its code at once, and the dialog goes (${path})`, async () => {
      expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
      world.sts.setRoleSessionSeconds(20)
      const script = `
        await new Promise(r => setTimeout(r, 16_000))
        fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {headers: {Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN}}).catch(() => {})
        await new Promise(r => setTimeout(r, 1_500))
        process.exit(4)`
      const started = performance.now()
      const running = world.mfa(['exec', '--server', '-p', 'admin', '--', process.execPath, '--input-type=module', '-e', script], {env: env(extra), timeoutMs: 90_000})
      // The MFA session behind the role ends while the command runs.
      await sleep(1000)
      expect((await world.mfa(['logout'])).code).toBe(0)
      await dialogOf(running, `${DIALOG} admin`, 40_000)
      const r = await running
      expect(r.code).toBe(4)
      expect(performance.now() - started).toBeLessThan(30_000)
      await sleep(500)
      expect(await desktop.windows(DIALOG)).toEqual([])
    }, 120_000)
  }
})
