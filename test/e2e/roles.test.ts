/**
 * Roles with MFA through source_profile chains, credential_process for every SDK, and one prompt
 * for many callers: through bin/run.cjs against the local STS server, counting its calls.
 */
import {chmodSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN} from '../helpers/cli.js'
import {clockTexts, leftTexts, oneOf, spanOf} from '../helpers/clock.js'
import {AWS_CLI, describeWith} from '../helpers/tools.js'
import {DEMO, makeWorld, ROLE_CONFIG, sessionKeys, type World} from '../helpers/world.js'

const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`

function config(extra = ''): string {
  return `${ROLE_CONFIG}
[profile readonly]
role_arn = ${ROLE('demo-readonly')}
source_profile = default
duration_seconds = 7200
role_session_name = alice-ro

[profile chained]
role_arn = ${ROLE('demo-chained')}
source_profile = admin
region = us-west-2

[profile loop1]
role_arn = ${ROLE('x')}
source_profile = loop2

[profile loop2]
role_arn = ${ROLE('y')}
source_profile = loop1

[profile orphan]
role_arn = ${ROLE('x')}
source_profile = missing

[profile cp]
credential_process = ${process.execPath} ${BIN} credential-process --profile admin
${extra}`
}

let world: World
beforeEach(async () => {
  world = await makeWorld({config: config()})
  world.sts.addRole({arn: ROLE('demo-readonly'), requireMfa: true})
  world.sts.addRole({arn: ROLE('demo-chained')})
})
afterEach(async () => {
  await world.close()
})

const count = (action: string) => world.sts.count(action, c => c.ok)

describe('roles', () => {
  test('a role through its source profile: one MFA session, then AssumeRole with it', async () => {
    const r = await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])
    const expiration = world.expiration('role')
    const until = `${oneOf(clockTexts(expiration, spanOf(r)))} \\(${oneOf(leftTexts(expiration, spanOf(r)))}\\)`
    expect(r.stderr).toMatch(new RegExp(`^mfa: session for arn:aws:sts::123456789012:assumed-role/demo-admin/mfa-demo \\(profile admin\\) until ${until}$`, 'm'))
    // A role assumed with session credentials lasts at most an hour.
    expect(Date.parse(expiration) - r.endedAt).toBeLessThanOrEqual(3600_000)
    expect(r.code).toBe(0)
    expect(count('GetSessionToken')).toBe(1)
    expect(count('AssumeRole')).toBe(1)
    // AssumeRole was signed with the MFA session, not the long-term key.
    expect(world.sts.calls.find(c => c.action === 'AssumeRole')!.accessKeyId).toMatch(/^ASIA/)
    expect(world.read(world.credentialsPath)).toMatch(/^\[admin-mfa\]$/m)
    const status = JSON.parse((await world.mfa(['status', '-p', 'admin', '--json'])).stdout)
    expect(status).toMatchObject({state: 'valid', kind: 'role', roleArn: DEMO.roleArn, identity: {arn: 'arn:aws:sts::123456789012:assumed-role/demo-admin/mfa-demo'}})
  })

  test('a second role of the same source reuses the MFA session: no code, no second GetSessionToken', async () => {
    await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])
    const r = await world.mfa(['login', '-p', 'readonly'])
    expect(r.code).toBe(0)
    expect(count('GetSessionToken')).toBe(1)
    expect(count('AssumeRole')).toBe(2)
    // duration_seconds = 7200 is more than STS allows for a role assumed with session credentials.
    expect(r.stderr).toMatch(/^mfa: a role assumed with an MFA session lasts at most 1h; asking for 1h instead of 2h$/m)
    expect(r.stderr).toMatch(/assumed-role\/demo-readonly\/alice-ro/)
    // And the plain profile reuses the same MFA session too.
    expect((await world.mfa(['login'])).code).toBe(0)
    expect(count('GetSessionToken')).toBe(1)
  })

  test('the role session is cached: a second login asks no one', async () => {
    await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])
    const calls = world.sts.calls.length
    const r = await world.mfa(['login', '-p', 'admin'])
    expect(r.stderr).toMatch(/still valid/)
    expect(world.sts.calls.length).toBe(calls)
  })

  test('a chain of roles: admin, then chained, with the profile region', async () => {
    const r = await world.mfa(['env', '-p', 'chained', '--shell', 'json', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    const vars = JSON.parse(r.stdout)
    expect(vars).toMatchObject({MFA_PROFILE: 'chained', AWS_REGION: 'us-west-2', AWS_PROFILE: null})
    expect(world.sts.calls.filter(c => c.action === 'AssumeRole' && c.ok)).toHaveLength(2)
    expect(count('GetSessionToken')).toBe(1)
  })

  test('--duration above 1h for a role is capped, and says so', async () => {
    const r = await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode(), '--duration', '4h'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/asking for 1h instead of 4h/)
  })

  test('a source_profile cycle is named', async () => {
    const r = await world.mfa(['login', '-p', 'loop1', '-t', '123456'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('mfa: source_profile chain of "loop1" loops: loop1 -> loop2 -> loop1\nhint: Point the last source_profile at a profile with long-term keys.\n')
  })

  test('a missing source profile is named', async () => {
    const r = await world.mfa(['login', '-p', 'orphan', '-t', '123456'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: profile "orphan" has source_profile "missing", which is not in ~\/\.aws\/config or ~\/\.aws\/credentials\n/)
  })

  test('AssumeRole refused: one line with what STS said', async () => {
    writeFileSync(world.configPath, config(`[profile denied]\nrole_arn = ${ROLE('nobody-may')}\nsource_profile = default\n`))
    world.sts.addRole({arn: ROLE('nobody-may'), trustedPrincipals: ['arn:aws:iam::123456789012:user/someone-else']})
    const r = await world.mfa(['login', '-p', 'denied', '-t', await world.freshCode()])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: STS denied AssumeRole: User: .* is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/nobody-may\nhint: /)
  })
})

describe('credential-process', () => {
  test('prints the credential_process JSON, reusing the cache', async () => {
    await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])
    const calls = world.sts.calls.length
    const r = await world.mfa(['credential-process', '--profile', 'admin'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const json = JSON.parse(r.stdout)
    expect(Object.keys(json)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])
    expect(json.Version).toBe(1)
    expect(json.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(world.sts.calls.length).toBe(calls)
  })

  describeWith([AWS_CLI], 'used by the real AWS CLI', () => {
    const aws = (profile: string) =>
      world.run(AWS_CLI, ['--profile', profile, 'sts', 'get-caller-identity', '--endpoint-url', world.sts.url, '--region', 'eu-west-1', '--output', 'json'], {
        env: world.env({AWS_PAGER: ''}),
      })

    test('with a cached session', async () => {
      await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])
      const r = await aws('cp')
      expect(r.stderr).toBe('')
      expect(JSON.parse(r.stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/demo-admin/mfa-demo')
    })

    test('with mfa_process giving the code: no wrapper, no prior login', async () => {
      const script = join(world.home, 'code.sh')
      writeFileSync(script, `#!/bin/sh\necho ${await world.freshCode()}\n`)
      chmodSync(script, 0o755)
      writeFileSync(world.configPath, config().replace('[default]\n', `[default]\nmfa_process = ${script}\n`))
      const r = await aws('cp')
      expect(r.stderr).toBe('')
      expect(JSON.parse(r.stdout).Arn).toMatch(/assumed-role\/demo-admin/)
      expect(count('GetSessionToken')).toBe(1)
    })
  })
})

describe('one prompt for many callers', () => {
  test('eight concurrent callers (env, exec, credential-process, login) with one code: one GetSessionToken, one session', async () => {
    const code = await world.freshCode()
    const calls = [
      ['login', '-t', code],
      ['env', '--shell', 'json', '-t', code],
      ['credential-process', '-t', code],
      ['exec', '-t', code, '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'],
      ['env', '--shell', 'json', '-t', code],
      ['credential-process', '-t', code],
      ['exec', '-t', code, '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'],
      ['login', '-t', code],
    ]
    const results = await Promise.all(calls.map(args => world.mfa(args)))
    for (const r of results) expect({code: r.code, stderr: r.stderr.replace(/^mfa: (session for|new session|use it with|waiting for).*\n/gm, '')}).toEqual({code: 0, stderr: ''})
    expect(count('GetSessionToken')).toBe(1)
    const keys = sessionKeys(calls, results)
    expect(keys.size).toBe(1)
    expect([...keys][0]).toMatch(/^ASIA/)
  })

  test('eight callers of two roles with one code: one GetSessionToken, one AssumeRole per role', async () => {
    const code = await world.freshCode()
    const results = await Promise.all(
      Array.from({length: 8}, (_, i) => world.mfa(['credential-process', '-p', i % 2 ? 'admin' : 'readonly', '-t', code])),
    )
    for (const r of results) expect(r.code).toBe(0)
    expect(count('GetSessionToken')).toBe(1)
    expect(count('AssumeRole')).toBe(2)
  })

  test('a code that was already used makes mfa_process wait for the next window, and say so', async () => {
    // A device that shows the same code twice, then the next window's: the codes are chosen here,
    // not read off the clock, so the test holds on any second. STS accepts the next window's code
    // now, and the one after it once mfa has waited for a window to pass.
    const window = Math.floor(world.sts.now() / 30_000)
    const codeOf = (w: number) => world.sts.code(DEMO.mfaSerial, w * 30_000 + 1)
    const codes = [codeOf(window + 1), codeOf(window + 1), codeOf(window + 2)]
    const script = join(world.home, 'device.sh')
    const counter = join(world.home, 'device.count')
    writeFileSync(counter, '0')
    writeFileSync(script, `#!/bin/sh\nn=$(cat '${counter}'); echo $((n + 1)) > '${counter}'\ncase $n in 0) echo ${codes[0]};; 1) echo ${codes[1]};; *) echo ${codes[2]};; esac\n`)
    chmodSync(script, 0o755)
    writeFileSync(world.configPath, config().replace('[default]\n', `[default]\nmfa_process = ${script}\n`))
    expect((await world.mfa(['login'])).code).toBe(0)
    const r = await world.mfa(['login', '--force'], {timeoutMs: 60_000})
    expect(r.stderr).toMatch(/^mfa: code from mfa_process was already used; waiting \d+ s for the next one…$/m)
    expect(r.code).toBe(0)
    expect(count('GetSessionToken')).toBe(2)
    // No code was ever sent twice.
    expect(world.sts.calls.filter(c => c.code === 'AccessDenied')).toEqual([])
  }, 90_000)
})
