/**
 * `mfa keys rotate` when a step fails: one key always works, and the message says which. And a
 * role profile whose source keeps its keys in the keyring.
 */
import {writeFileSync} from 'node:fs'
import {describeWith} from '../helpers/tools.js'
import {KEYRING_TOOLS, startKeyring, type Keyring} from '../helpers/keyring.js'
import {DEMO, DEMO_CONFIG, makeWorld, type World} from '../helpers/world.js'

describeWith(KEYRING_TOOLS, 'rotation that fails half-way; roles on keys in the keyring', () => {
  let world: World
  let keyring: Keyring
  const mfa = (args: string[]) => world.mfa(args, {env: world.env(keyring.env)})
  const keysInIam = async () => {
    const {IAMClient, ListAccessKeysCommand} = await import('@aws-sdk/client-iam')
    const client = new IAMClient({region: 'us-east-1', endpoint: world.sts.url, credentials: {accessKeyId: DEMO.accessKeyId, secretAccessKey: DEMO.secretAccessKey}})
    try {
      return (await client.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map(k => k.AccessKeyId)
    } finally {
      client.destroy()
    }
  }

  beforeEach(async () => {
    keyring = await startKeyring()
    world = await makeWorld()
    expect((await mfa(['keys', 'import'])).code).toBe(0)
  })
  afterEach(async () => {
    await world.close()
    await keyring.stop()
  })

  test('the new key does not work: it is deleted again, the old one stays in use', async () => {
    const config = world.read(world.configPath)
    world.sts.fail({fault: {kind: 'status', status: 403, code: 'InvalidClientTokenId'}, actions: ['GetCallerIdentity'], times: 100})
    const r = await mfa(['keys', 'rotate', '-t', await world.freshCode()])
    world.sts.clearFaults()
    expect(r.stderr).toMatch(/^mfa: the new key AKIA…\w{4} does not work with STS: /)
    expect(r.stderr).toContain('hint: The new key AKIA…')
    expect(r.stderr).toContain('was deleted again; the old key AKIA…MPLE is still the one in use, and works.')
    expect(r.code).toBe(1)
    // Only the session's region was added (by the login that rotation needs); mfa_keyring is unchanged.
    expect(world.read(world.configPath)).toBe(`${config}\n[profile mfa]\nregion = eu-west-1\nmfa_source_profile = default\n`)
    expect(await keyring.lookup(DEMO.accessKeyId)).toBe(DEMO.secretAccessKey)
    expect(await keysInIam()).toEqual([DEMO.accessKeyId])
  }, 60_000)

  test('the old key cannot be deleted: the new one is stored and works, and the message says to delete the old', async () => {
    world.sts.fail({fault: {kind: 'status', status: 403, code: 'AccessDenied', message: 'not allowed'}, actions: ['DeleteAccessKey'], times: 100})
    const r = await mfa(['keys', 'rotate', '-t', await world.freshCode()])
    world.sts.clearFaults()
    const id = /^mfa_keyring = (AKIA\w+)$/m.exec(world.read(world.configPath))![1]
    expect(id).not.toBe(DEMO.accessKeyId)
    const masked = `${id.slice(0, 4)}…${id.slice(-4)}`
    expect(r.stderr).toMatch(new RegExp(`^mfa: the new key ${masked} is stored in the OS keyring \\(mfa_keyring in \\[default\\]\\) and works, but the old key AKIA…MPLE could not be deleted in IAM: `))
    expect(r.stderr).toContain('hint: Delete the old key AKIA…MPLE in the IAM console: it still works for anyone who has it.')
    expect(r.code).toBe(1)
    expect(await keyring.lookup(id)).toMatch(/^\S{40}$/)
    expect((await keysInIam()).sort()).toEqual([DEMO.accessKeyId, id].sort())
    expect((await mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    expect(world.sts.calls.filter(c => c.action === 'GetSessionToken').at(-1)).toMatchObject({ok: true, accessKeyId: id})
  }, 60_000)

  test('a role profile whose source_profile keeps its keys in the keyring', async () => {
    writeFileSync(world.configPath, `${world.read(world.configPath)}\n[profile admin]\nrole_arn = ${DEMO.roleArn}\nsource_profile = default\n`)
    expect(world.read(world.configPath)).toContain(`${DEMO_CONFIG}mfa_keyring = ${DEMO.accessKeyId}\n`)
    const r = await world.mfa(['exec', '-p', 'admin', '-t', await world.freshCode(), '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'], {env: world.env(keyring.env)})
    expect(r.stderr).not.toMatch(/^mfa: /m)
    expect(r.stdout).toMatch(/^ASIA/)
    expect(r.code).toBe(0)
    expect(world.sts.calls.filter(c => c.action === 'GetSessionToken')).toMatchObject([{ok: true, accessKeyId: DEMO.accessKeyId}])
  })
})
