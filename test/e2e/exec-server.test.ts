/**
 * `mfa exec --server`: the command's SDKs fetch credentials from mfa's endpoint, which renews them.
 * Real processes through bin/run.cjs against the local STS server, whose role sessions last seconds
 * instead of an hour; real clients: the AWS CLI v2 and the AWS SDK for JavaScript v3.
 * Timing comes from the sessions' own lifetimes (monotonic waits), never from the time of day.
 */
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {networkInterfaces} from 'node:os'
import {join} from 'node:path'
import {BIN, ROOT} from '../helpers/cli.js'
import {AWS_CLI, describeWith} from '../helpers/tools.js'
import {DEMO, makeWorld, ROLE_CONFIG, type World} from '../helpers/world.js'

const CONFIG = `${ROLE_CONFIG}
[profile long]
role_arn = ${DEMO.roleArn}
source_profile = default
duration_seconds = 7200

[profile served]
role_arn = ${DEMO.roleArn}
source_profile = default
mfa_exec_server = true
`

const SDK_LOOP = join(ROOT, 'test', 'helpers', 'sdk-loop.mjs')
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

let world: World
beforeEach(async () => {
  world = await makeWorld({config: CONFIG})
  expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
})
afterEach(async () => {
  await world.close()
})

const okCalls = (action: string) => world.sts.calls.filter(c => c.action === action && c.ok)

/** A node one-liner, run as the command: prints what it fetched from the endpoint as JSON. */
function fetchScript(headers: string): string {
  return `const r = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {headers: ${headers}}); console.log(JSON.stringify({status: r.status, body: await r.text()}))`
}

describe('the endpoint', () => {
  test("the child gets the endpoint and its token, the region and the expiry, and no keys; the parent's container variables go", async () => {
    const env = world.env({
      AWS_ACCESS_KEY_ID: 'AKIAOLD',
      AWS_SECRET_ACCESS_KEY: 'old',
      AWS_SESSION_TOKEN: 'old',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/nonexistent',
    })
    const r = await world.mfa(['exec', '--server', '-p', 'admin', '--', 'env'], {env})
    expect(r.code).toBe(0)
    const child = Object.fromEntries(r.stdout.trimEnd().split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
    expect(child.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/)
    expect(child.AWS_CONTAINER_AUTHORIZATION_TOKEN).toMatch(/^[\w-]{40,}$/)
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE']) {
      expect([name, child[name]]).toEqual([name, undefined])
    }
    expect({region: child.AWS_REGION, profile: child.MFA_PROFILE}).toEqual({region: 'eu-west-1', profile: 'admin'})
    expect(child.AWS_CREDENTIAL_EXPIRATION).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // The role is renewed by itself: the expiry shown is the MFA session's, when a code will be needed.
    const mfaExpiry = JSON.parse((await world.mfa(['status', '--json'])).stdout).expiration
    expect(child.AWS_CREDENTIAL_EXPIRATION).toBe(mfaExpiry)
    // [default] has long-term keys, which every SDK would take before the endpoint: the child's SDKs
    // get a profile without credentials.
    expect(child.AWS_PROFILE).toBe('mfa-exec-server')
    expect(world.read(world.configPath)).toMatch(/^\[profile mfa-exec-server\]\nmfa_purpose = /m)
  })

  test('the right token gets the session as the container protocol has it', async () => {
    const r = await world.mfa(['exec', '--server', '-p', 'admin', '--', process.execPath, '--input-type=module', '-e', fetchScript('{Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN}')])
    expect(r.code).toBe(0)
    const {status, body} = JSON.parse(r.stdout)
    expect(status).toBe(200)
    const creds = JSON.parse(body)
    expect(Object.keys(creds).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token'])
    expect(creds.AccessKeyId).toMatch(/^ASIA/)
    // The role's session, not the MFA session behind it.
    const cached = JSON.parse((await world.mfa(['credential-process', '-p', 'admin'])).stdout)
    expect(creds).toEqual({AccessKeyId: cached.AccessKeyId, SecretAccessKey: cached.SecretAccessKey, Token: cached.SessionToken, Expiration: cached.Expiration})
    expect(creds.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  test('a missing token gets 401, a wrong one 403, and neither gets a key', async () => {
    for (const [headers, status] of [['{}', 401], ["{Authorization: 'wrong'}", 403], ["{Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN + 'x'}", 403]] as const) {
      const r = await world.mfa(['exec', '--server', '--', process.execPath, '--input-type=module', '-e', fetchScript(headers)])
      const answer = JSON.parse(r.stdout)
      expect([headers, answer.status]).toEqual([headers, status])
      expect(answer.body).not.toMatch(/ASIA|AccessKeyId|Secret|Token"/)
    }
  })

  test('it listens on 127.0.0.1 only, and drops a client from any other address', async () => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find(a => a && a.family === 'IPv4' && !a.internal)?.address
    if (!address) return console.warn('no non-loopback IPv4 address on this machine: the check of other clients is skipped')
    const script = `
      const net = await import('node:net')
      const url = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
      const attempt = options => new Promise(resolve => {
        const socket = net.connect(options)
        let data = ''
        socket.on('data', d => (data += d))
        socket.on('connect', () => socket.write('GET /credentials HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: ' + process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN + '\\r\\nConnection: close\\r\\n\\r\\n'))
        // Dropped: closed with no answer, or reset when the request was already on its way.
        socket.on('error', e => resolve(e.code === 'ECONNRESET' && !data ? 'dropped' : 'error ' + e.code))
        socket.on('close', () => resolve(data ? data.split('\\r\\n')[0] : 'dropped'))
      })
      console.log(JSON.stringify({
        loopback: await attempt({host: '127.0.0.1', port: url.port}),
        fromOther: await attempt({host: '127.0.0.1', port: url.port, localAddress: '${address}'}),
        onOther: await attempt({host: '${address}', port: url.port}),
      }))`
    const r = await world.mfa(['exec', '--server', '--', process.execPath, '--input-type=module', '-e', script])
    expect(JSON.parse(r.stdout)).toEqual({loopback: 'HTTP/1.1 200 OK', fromOther: 'dropped', onOther: 'error ECONNREFUSED'})
  })

  test("it lives as long as the command: the command's exit code comes back, and the port is closed after", async () => {
    const r = await world.mfa(['exec', '--server', '--', 'sh', '-c', 'echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; exit 7'])
    expect(r.code).toBe(7)
    const url = r.stdout.trim()
    await expect(fetch(url)).rejects.toThrow()
  })

  test('a signal sent to mfa reaches the command; mfa exits with its code and the endpoint is gone', async () => {
    const child = spawn(process.execPath, [BIN, 'exec', '--server', '--', 'bash', '-c', `trap 'echo got TERM; exit 3' TERM; echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; while :; do sleep 0.05; done`], {
      env: world.env(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let out = ''
      child.stdout!.setEncoding('utf8').on('data', d => (out += d))
      const exited = new Promise(resolve => child.on('close', (code, signal) => resolve({code, signal})))
      for (let i = 0; i < 400 && !out.includes('\n'); i++) await sleep(25)
      const url = out.trim()
      expect((await fetch(url)).status).toBe(401)
      process.kill(child.pid!, 'SIGTERM')
      expect(await exited).toEqual({code: 3, signal: null})
      expect(out).toBe(`${url}\ngot TERM\n`)
      await expect(fetch(url)).rejects.toThrow()
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {}
    }
  })

  test('on with MFA_EXEC_SERVER=1 or mfa_exec_server = true; --no-server wins over both', async () => {
    const has = async (args: string[], env = world.env()) => {
      const r = await world.mfa(['exec', ...args, '--', 'sh', '-c', 'printf %s "${AWS_CONTAINER_CREDENTIALS_FULL_URI:+server}${AWS_ACCESS_KEY_ID:+keys}"'], {env})
      return r.stdout
    }
    expect(await has([])).toBe('keys')
    expect(await has([], world.env({MFA_EXEC_SERVER: '1'}))).toBe('server')
    expect(await has(['-p', 'served'])).toBe('server')
    expect(await has(['-p', 'served', '--no-server'])).toBe('keys')
    expect(await has(['--no-server'], world.env({MFA_EXEC_SERVER: '1'}))).toBe('keys')
    expect(await has(['-p', 'served'], world.env({MFA_EXEC_SERVER: '0'}))).toBe('keys')
  })

  test('without it, a role asked to last longer than 1h suggests it', async () => {
    const r = await world.mfa(['exec', '-p', 'long', '--', 'true'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^mfa: for a command that runs longer than 1h, mfa exec --server renews the role session for the command, with no prompt$/m)
    const served = await world.mfa(['exec', '--server', '-p', 'long', '--', 'true'])
    expect(served.stderr).not.toMatch(/--server/)
  })
})

describe('renewal', () => {
  test('with the MFA session gone, the answer says to run `mfa login` in another terminal; the next request after that login gets the new session', async () => {
    // Role sessions of 20 s are renewed 5 s before their end.
    world.sts.setRoleSessionSeconds(20)
    const log = join(world.home, 'answers.log')
    const script = `
      const {appendFileSync, existsSync} = await import('node:fs')
      const get = async () => {
        const r = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, {headers: {Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN}})
        appendFileSync(${JSON.stringify(log)}, JSON.stringify({status: r.status, body: await r.text()}) + '\\n')
      }
      await get()
      await new Promise(r => setTimeout(r, 16_000))
      await get()
      while (!existsSync(${JSON.stringify(log + '.go')})) await new Promise(r => setTimeout(r, 100))
      await get()`
    const running = world.mfa(['exec', '--server', '-p', 'admin', '--', process.execPath, '--input-type=module', '-e', script], {timeoutMs: 60_000})
    // The MFA session ends (here: logged out) while the command runs.
    await sleep(1000)
    expect((await world.mfa(['logout'])).code).toBe(0)
    for (let i = 0; i < 400 && readFileSync(log, {encoding: 'utf8', flag: 'a+'}).split('\n').length < 3; i++) await sleep(100)
    expect((await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])).code).toBe(0)
    writeFileSync(log + '.go', '')
    const r = await running
    expect(r.code).toBe(0)
    const [first, refused, after] = readFileSync(log, 'utf8').trimEnd().split('\n').map(l => JSON.parse(l))
    expect(first.status).toBe(200)
    expect(refused.status).toBe(400)
    expect(JSON.parse(refused.body).Message).toMatch(/a new code is needed; run `mfa login -p admin` in another terminal/)
    expect(after.status).toBe(200)
    expect(JSON.parse(after.body).AccessKeyId).not.toBe(JSON.parse(first.body).AccessKeyId)
    expect(r.stderr).toMatch(/^mfa: cannot renew the credentials: .*run `mfa login -p admin` in another terminal$/m)
    expect(r.stderr).not.toMatch(/MFA code/)
    // No code was asked for and none was sent by the server: the one GetSessionToken is the login's.
    expect(okCalls('GetSessionToken')).toHaveLength(2)
  })
})

describeWith([AWS_CLI], 'a long command: the AWS CLI and the JavaScript SDK across renewals', () => {
  test('5 commands for 2 minutes on role sessions of 60 s: new keys at each renewal, no failure, no prompt, one GetSessionToken, one AssumeRole per renewal', async () => {
    world.sts.setRoleSessionSeconds(60)
    const seconds = 115
    const runs = Array.from({length: 5}, (_, i) =>
      world.mfa(['exec', '--server', '-p', 'admin', '--', process.execPath, SDK_LOOP, String(seconds), join(world.home, `loop-${i}.log`), '12'], {
        env: world.env({AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}),
        timeoutMs: (seconds + 60) * 1000,
      }),
    )
    const results = await Promise.all(runs)
    const logs = results.map((_, i) => readFileSync(join(world.home, `loop-${i}.log`), 'utf8').trimEnd().split('\n'))
    for (const [i, r] of results.entries()) {
      // Nothing on stderr but the start, where four wait for the first to assume the role (and, on a
      // loaded machine, the JavaScript SDK's note that an answer took more than its 1 s: not a failure).
      const notices = r.stderr
        .split('\n')
        .filter(l => l && !/^mfa: waiting for another mfa process \(pid \d+\) that is assuming /.test(l) && !/\[WARN\] a request has exceeded the configured 1000 ms requestTimeout/.test(l))
      expect([i, r.code, notices, logs[i].filter(l => / fail /.test(l))]).toEqual([i, 0, [], []])
      expect(logs[i].filter(l => l.startsWith('cli ok')).length).toBeGreaterThanOrEqual(8)
      // The SDK client, made once, saw at least three sessions: the first and two renewals.
      const keys = new Set(logs[i].filter(l => l.startsWith('js ok')).map(l => l.split(' ')[2]))
      expect(keys.size).toBeGreaterThanOrEqual(3)
    }
    // The AWS CLI's calls, told apart by their User-Agent, were made with three keys or more too.
    const cliKeys = new Set(world.sts.calls.filter(c => c.action === 'GetCallerIdentity' && /aws-cli\//.test(c.userAgent ?? '')).map(c => c.accessKeyId))
    expect(cliKeys.size).toBeGreaterThanOrEqual(3)
    expect(world.sts.calls.filter(c => c.action === 'GetCallerIdentity' && !c.ok)).toEqual([])
    expect(okCalls('GetSessionToken')).toHaveLength(1)
    // One AssumeRole at the start and one per renewal for all five: they come a session's
    // three quarters (45 s) apart, never two together.
    const assumed = okCalls('AssumeRole').map(c => c.at)
    expect(assumed.length).toBeGreaterThanOrEqual(3)
    expect(assumed.length).toBeLessThanOrEqual(4)
    for (let i = 1; i < assumed.length; i++) expect(assumed[i] - assumed[i - 1]).toBeGreaterThan(40_000)
  }, 240_000)
})
