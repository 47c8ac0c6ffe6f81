/**
 * Two profiles with the same long-term keys and the same MFA device share one MFA session: logged
 * in at once (login, env, credential-process, exec; a typed code or mfa_process), the first caller
 * gets the session with one code and the others wait for it and reuse it. Through bin/run.cjs
 * against the local STS server, which counts GetSessionToken calls.
 */
import {chmodSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {DEMO, makeWorld, sessionKeys, type World} from '../helpers/world.js'

const KEYS = `aws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`

function config(extra = ''): string {
  return `[profile a]
region = eu-west-1
mfa_serial = ${DEMO.mfaSerial}
${extra}
[profile b]
region = eu-west-1
mfa_serial = ${DEMO.mfaSerial}
${extra}
[profile role-a]
role_arn = ${DEMO.roleArn}
source_profile = a

[profile role-b]
role_arn = ${DEMO.roleArn}
source_profile = b
role_session_name = other
`
}

let world: World
afterEach(async () => {
  await world.close()
})

const count = (action: string) => world.sts.count(action, c => c.ok)
/** The progress lines of a caller that got or waited for a session: what is left must be nothing. */
const problems = (stderr: string) => stderr.replace(/^mfa: (session for|new session|use it with|waiting for|valid until|logged in).*\n/gm, '')

test('a typed code for both profiles at once (login, env, credential-process, exec): one GetSessionToken, one session, no "already used"', async () => {
  world = await makeWorld({config: config(), credentials: `[a]\n${KEYS}\n[b]\n${KEYS}`})
  const code = await world.freshCode()
  const calls = [
    ['login', '-p', 'a', '-t', code],
    ['login', '-p', 'b', '-t', code],
    ['env', '-p', 'b', '--shell', 'json', '-t', code],
    ['credential-process', '-p', 'a', '-t', code],
    ['exec', '-p', 'b', '-t', code, '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'],
  ]
  const results = await Promise.all(calls.map(args => world.mfa(args)))
  for (const [i, r] of results.entries()) expect({call: calls[i].join(' '), code: r.code, stderr: problems(r.stderr)}).toEqual({call: calls[i].join(' '), code: 0, stderr: ''})
  expect(count('GetSessionToken')).toBe(1)
  const keys = sessionKeys(calls, results)
  expect(keys.size).toBe(1)
  // Both session profiles hold that one session.
  const credentials = world.read(world.credentialsPath)
  for (const p of ['a-mfa', 'b-mfa']) expect(credentials).toContain(`[${p}]\naws_access_key_id = ${[...keys][0]}`)
})

test('mfa_process for both profiles at once: it runs once, one GetSessionToken, no wait for the next code', async () => {
  world = await makeWorld({config: config(), credentials: `[a]\n${KEYS}\n[b]\n${KEYS}`})
  // The device's code, printed by a script that counts how often it ran.
  const script = join(world.home, 'code.sh')
  writeFileSync(script, `echo run >> '${join(world.home, 'runs')}'\ncat '${join(world.home, 'code')}'\n`)
  chmodSync(script, 0o755)
  writeFileSync(world.configPath, config(`mfa_process = sh '${script}'`))
  writeFileSync(join(world.home, 'code'), `${await world.freshCode()}\n`)
  const calls = [
    ['credential-process', '-p', 'a'],
    ['credential-process', '-p', 'b'],
    ['env', '-p', 'a', '--shell', 'json'],
    ['env', '-p', 'b', '--shell', 'json'],
  ]
  const results = await Promise.all(calls.map(args => world.mfa(args)))
  for (const [i, r] of results.entries()) expect({call: calls[i].join(' '), code: r.code, stderr: problems(r.stderr)}).toEqual({call: calls[i].join(' '), code: 0, stderr: ''})
  expect(count('GetSessionToken')).toBe(1)
  expect(sessionKeys(calls, results).size).toBe(1)
  expect(world.read(join(world.home, 'runs'))).toBe('run\n')
})

test('roles on top of the two profiles: one code, one GetSessionToken, one AssumeRole per role (AssumeRole is signed with the MFA session and needs no code)', async () => {
  world = await makeWorld({config: config(), credentials: `[a]\n${KEYS}\n[b]\n${KEYS}`})
  const code = await world.freshCode()
  const results = await Promise.all(
    Array.from({length: 6}, (_, i) => world.mfa(['credential-process', '-p', i % 2 ? 'role-a' : 'role-b', '-t', code])),
  )
  for (const r of results) expect({code: r.code, stderr: problems(r.stderr)}).toEqual({code: 0, stderr: ''})
  expect(count('GetSessionToken')).toBe(1)
  expect(count('AssumeRole')).toBe(2)
})
