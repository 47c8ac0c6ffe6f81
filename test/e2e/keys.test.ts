/**
 * `mfa keys`: long-term keys in a real OS keyring (gnome-keyring on a private D-Bus session bus),
 * checked with secret-tool, used by the real binary against the local STS server.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describeWith} from '../helpers/tools.js'
import {BIN} from '../helpers/cli.js'
import {cacheDir, hashKey} from '../../src/session/cache.js'
import {acquireLock} from '../../src/aws/lock.js'
import {terminal} from '../helpers/tmux.js'
import {KEYRING_TOOLS, startKeyring, type Keyring} from '../helpers/keyring.js'
import {DEMO, DEMO_CONFIG, DEMO_CREDENTIALS, makeWorld, type World} from '../helpers/world.js'
import {jest} from '@jest/globals'

// Each test starts its own D-Bus and keyring daemon and runs mfa several times: on a loaded
// machine that takes longer than jest's default minute.
jest.setTimeout(180_000)

const PLAIN = `# long-term keys of the demo user\n[default]\n`
const OTHER_ID = 'AKIAOTHER00000000000'
const OTHER_SECRET = 'otherSecret/0000000000000000000000000000'

/** Exit 0; on failure the message shows stderr. */
function expectOk(r: {code: number | null; stderr: string}): void {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`)
}

const countAkia = (text: string) => text.split('\n').filter(l => l.includes('AKIA')).length

describeWith([...KEYRING_TOOLS, 'tmux'], 'keys in the OS keyring', () => {
  let world: World
  let keyring: Keyring
  const env = (extra: NodeJS.ProcessEnv = {}) => world.env({...keyring.env, ...extra})
  const mfa = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: string) => world.mfa(args, {env: env(extra), input})

  beforeEach(async () => {
    keyring = await startKeyring()
    world = await makeWorld()
  })
  afterEach(async () => {
    await world.close()
    await keyring.stop()
  })

  test('import moves the keys into the keyring, keeps every other byte, and login, env, exec, credential-process use them', async () => {
    const config = world.read(world.configPath)
    const r = await mfa(['keys', 'import'])
    expect(r.stderr).toMatch(/^mfa: moved the keys of profile "default" \(AKIA…MPLE\) from ~\/.aws\/credentials into the OS keyring/)
    expect(r.code).toBe(0)
    expect(await keyring.lookup(DEMO.accessKeyId)).toBe(DEMO.secretAccessKey)
    expect(world.read(world.credentialsPath)).toBe(PLAIN)
    expect(countAkia(world.read(world.credentialsPath))).toBe(0)
    expect(world.read(world.configPath)).toBe(`${config}mfa_keyring = ${DEMO.accessKeyId}\n`)

    // Each command makes a new session: each reads the secret from the keyring to sign GetSessionToken.
    const runs: string[][] = [
      ['login', '-t'],
      ['env', '--shell', 'json', '-f', '-t'],
      ['credential-process', '-f', '-t'],
      ['exec', '-f', '-t'],
    ]
    for (const args of runs) {
      const code = await world.freshCode()
      const full = args[0] === 'exec' ? [...args, code, '--', 'sh', '-c', 'printf %s "$AWS_ACCESS_KEY_ID"'] : [...args, code]
      const out = await mfa(full)
      expect({args, code: out.code, stderr: out.stderr}).toEqual({args, code: 0, stderr: expect.any(String)})
      if (args[0] === 'exec') expect(out.stdout).toMatch(/^ASIA/)
    }
    const signed = world.sts.calls.filter(c => c.action === 'GetSessionToken')
    expect(signed).toHaveLength(4)
    expect(signed.every(c => c.ok && c.accessKeyId === DEMO.accessKeyId)).toBe(true)
  })

  test('keys kept in ~/.aws/config are found, listed, warned about and imported from there too', async () => {
    const config = `${DEMO_CONFIG}aws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n# end\n`
    writeFileSync(world.configPath, config)
    writeFileSync(world.credentialsPath, '')
    expect((await mfa(['keys', 'list'])).stdout).toBe('default  AKIA…MPLE  ~/.aws/config (plaintext)\n')
    const doctor = JSON.parse((await mfa(['doctor', '--json'])).stdout) as {checks: Array<{check: string; message: string}>}
    expect(doctor.checks.find(c => c.check === 'keyring')?.message).toBe('the long-term key of profile "default" (AKIA…MPLE) is in plaintext in ~/.aws/config')
    const r = await mfa(['keys', 'import'])
    expect(r.stderr).toMatch(/^mfa: moved the keys of profile "default" \(AKIA…MPLE\) from ~\/.aws\/config into the OS keyring/)
    expectOk(r)
    expect(world.read(world.configPath)).toBe(`${DEMO_CONFIG}mfa_keyring = ${DEMO.accessKeyId}\n# end\n`)
    expect(world.read(world.credentialsPath)).toBe('')
    expect(await keyring.lookup(DEMO.accessKeyId)).toBe(DEMO.secretAccessKey)
    expectOk(await mfa(['login', '-t', await world.freshCode()]))
  })

  test('the cached fast path never opens the keyring', async () => {
    expectOk(await mfa(['keys', 'import']))
    const login = await mfa(['login', '-t', await world.freshCode()])
    expect(login.stderr).toMatch(/^mfa: session for /)
    expect(login.code).toBe(0)
    // No bus at all now: env, exec, credential-process and status still answer from the cache.
    const noBus = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}
    expectOk(await mfa(['env', '--shell', 'json'], noBus))
    expectOk(await mfa(['credential-process'], noBus))
    expectOk(await mfa(['exec', '--', 'true'], noBus))
    // A new session needs the secret: then the missing bus is the one-line error.
    const forced = await mfa(['login', '-f', '-t', await world.freshCode()], noBus)
    expect(forced.stderr).toMatch(/^mfa: cannot read key AKIA…MPLE from the OS keyring: no D-Bus session bus to reach the keyring \(DBUS_SESSION_BUS_ADDRESS points at no running bus\)\nhint: /)
    expect(forced.code).toBe(1)
  })

  test('add reads the keys from stdin (never argv), list masks them, export writes them back, remove deletes them', async () => {
    writeFileSync(world.configPath, `${DEMO_CONFIG}\n[profile other]\nregion = us-east-1\n`)
    const added = await mfa(['keys', 'add', '-p', 'other'], {}, `${OTHER_ID}\n${OTHER_SECRET}\n`)
    expect(added.stderr).toBe('mfa: stored key AKIA…0000 of profile "other" in the OS keyring\n')
    expect(added.code).toBe(0)
    expect(await keyring.lookup(OTHER_ID)).toBe(OTHER_SECRET)
    expect(world.read(world.configPath)).toBe(`${DEMO_CONFIG}\n[profile other]\nregion = us-east-1\nmfa_keyring = ${OTHER_ID}\n`)

    const list = await mfa(['keys', 'list'])
    expect(list.stdout).toBe('default  AKIA…MPLE  ~/.aws/credentials (plaintext)\nother    AKIA…0000  OS keyring\n')
    expect(list.code).toBe(0)
    expect(list.stdout + list.stderr).not.toContain(OTHER_SECRET)

    const credentials = world.read(world.credentialsPath)
    const exported = await mfa(['keys', 'export', '-p', 'other'])
    expect(exported.stderr).toBe('mfa: wrote the keys of profile "other" (AKIA…0000) into ~/.aws/credentials, in plaintext, and removed them from the OS keyring\n')
    expect(exported.code).toBe(0)
    expect(world.read(world.credentialsPath)).toBe(`${credentials}\n[other]\naws_access_key_id = ${OTHER_ID}\naws_secret_access_key = ${OTHER_SECRET}\n`)
    expect(world.read(world.configPath)).toBe(`${DEMO_CONFIG}\n[profile other]\nregion = us-east-1\n`)
    expect(await keyring.lookup(OTHER_ID)).toBeUndefined()

    // Import, then export: the files are byte for byte what they were.
    const before = world.snapshot()
    expectOk(await mfa(['keys', 'import']))
    expectOk(await mfa(['keys', 'export']))
    expect(world.read(world.configPath)).toBe(before['/.aws/config'])
    expect(countAkia(world.read(world.credentialsPath))).toBe(2)

    // remove: the keyring item and the setting go; sessions of other profiles stay.
    writeFileSync(world.credentialsPath, `${world.read(world.credentialsPath)}\n[work]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
    writeFileSync(world.configPath, `${world.read(world.configPath)}\n[profile work]\nmfa_serial = ${DEMO.mfaSerial}\n`)
    expectOk(await mfa(['login', '-p', 'work', '-t', await world.freshCode()]))
    expectOk(await mfa(['keys', 'import']))
    // One MFA session per key and device, which default and work share.
    const sessions = Object.entries(world.snapshot()).filter(([path]) => path.startsWith('/.aws/mfa/session-'))
    expect(sessions).toHaveLength(1)
    const removed = await mfa(['keys', 'remove'])
    expect(removed.stderr).toMatch(/^mfa: removed the long-term keys of profile "default": AKIA…MPLE from the OS keyring\. Its session stays/)
    expectOk(removed)
    expect(await keyring.lookup(DEMO.accessKeyId)).toBeUndefined()
    expect(world.read(world.configPath)).not.toContain('mfa_keyring')
    const after = world.snapshot()
    for (const [path, content] of sessions) expect(after[path]).toBe(content)
    expect(world.read(world.credentialsPath)).toContain('[work-mfa]')
    expect((await mfa(['keys', 'list'])).stdout).toBe('other  AKIA…0000  ~/.aws/credentials (plaintext)\nwork   AKIA…MPLE  ~/.aws/credentials (plaintext)\n')
  })

  test('rotate: a new key in the keyring, the old one refused by STS, nothing in plaintext', async () => {
    expectOk(await mfa(['keys', 'import']))
    const r = await mfa(['keys', 'rotate', '-t', await world.freshCode()])
    expectOk(r)
    const id = /^mfa_keyring = (AKIA\w+)$/m.exec(world.read(world.configPath))![1]
    expect(id).not.toBe(DEMO.accessKeyId)
    expect(r.stderr).toContain(`mfa: rotated the key of profile "default": ${id.slice(0, 4)}…${id.slice(-4)} is in the OS keyring`)
    expect(await keyring.lookup(id)).toMatch(/^\S{40}$/)
    expect(await keyring.lookup(DEMO.accessKeyId)).toBeUndefined()
    expect(countAkia(world.read(world.credentialsPath))).toBe(0)
    // Every IAM call was signed with the MFA session.
    const iamCalls = world.sts.calls.filter(c => /AccessKey/.test(c.action))
    expect(iamCalls.map(c => c.action)).toEqual(['ListAccessKeys', 'CreateAccessKey', 'DeleteAccessKey'])
    expect(iamCalls.every(c => c.ok && c.accessKeyId.startsWith('ASIA'))).toBe(true)
    // The new key makes sessions; the old one is refused.
    expectOk(await mfa(['login', '-t', await world.freshCode()]))
    expect(world.sts.calls.filter(c => c.action === 'GetSessionToken').at(-1)).toMatchObject({ok: true, accessKeyId: id})
    writeFileSync(world.credentialsPath, DEMO_CREDENTIALS)
    const refused = await mfa(['login', '-f', '-t', await world.freshCode()])
    expect(refused.stderr).toMatch(/^mfa: STS does not know the access key AKIA…MPLE of profile "default"/)
    expect(refused.code).toBe(1)
  })

  test('rotate with keys in the file: the new key replaces the old in place; with a second key in IAM nothing changes', async () => {
    const r = await mfa(['keys', 'rotate', '-t', await world.freshCode()])
    expectOk(r)
    const text = world.read(world.credentialsPath)
    const id = /^aws_access_key_id = (AKIA\w+)$/m.exec(text)![1]
    expect(id).not.toBe(DEMO.accessKeyId)
    expect(text.split('\n[mfa]')[0]).toMatch(new RegExp(`^# long-term keys of the demo user\n\\[default\\]\naws_access_key_id = ${id}\naws_secret_access_key = \\S{40}\n$`))
    // A second key made elsewhere: no room for a third, and the keys stay as they are.
    const creds = /^aws_secret_access_key = (\S+)$/m.exec(text)![1]
    const {IAMClient, CreateAccessKeyCommand} = await import('@aws-sdk/client-iam')
    const client = new IAMClient({region: 'us-east-1', endpoint: world.sts.url, credentials: {accessKeyId: id, secretAccessKey: creds}})
    const second = await client.send(new CreateAccessKeyCommand({}))
    client.destroy()
    const full = await mfa(['keys', 'rotate', '-t', await world.freshCode()])
    expect(full.stderr).toMatch(new RegExp(`^mfa: the user of profile "default" already has a second access key \\(${second.AccessKey!.AccessKeyId!.slice(0, 4)}…`))
    expect(full.code).toBe(1)
    const keysOnly = (t: string) => t.split('\n[mfa]')[0]
    expect(keysOnly(world.read(world.credentialsPath))).toBe(keysOnly(text))
    expect(world.sts.calls.filter(c => c.action === 'CreateAccessKey')).toHaveLength(2)
  })

  test('doctor: the keyring answers and holds the key; a missing item and a missing bus are problems', async () => {
    expectOk(await mfa(['keys', 'import']))
    type Report = {ok: boolean; checks: Array<{check: string; status: string; message: string; fix?: string}>}
    const report = async (extra: NodeJS.ProcessEnv = {}) => {
      const r = await mfa(['doctor', '--json'], extra)
      return {code: r.code, ...(JSON.parse(r.stdout) as Report)}
    }
    const well = await report()
    expect(well.checks.find(c => c.check === 'keyring')).toEqual({check: 'keyring', status: 'ok', message: 'the long-term key of profile "default" (AKIA…MPLE) is in the OS keyring, which answers'})
    expect(well.checks.find(c => c.check === 'keys')).toMatchObject({status: 'ok', message: `long-term keys of profile "default" (AKIA…MPLE) belong to ${DEMO.userArn}`})

    const noBus = await report({DBUS_SESSION_BUS_ADDRESS: ''})
    expect(noBus.code).toBe(1)
    expect(noBus.checks.find(c => c.check === 'keyring')).toMatchObject({status: 'problem', message: expect.stringMatching(/^cannot read key AKIA…MPLE from the OS keyring: no D-Bus session bus/)})
    expect(noBus.checks.find(c => c.check === 'keys')).toBeUndefined()

    expect(await keyring.lookup(DEMO.accessKeyId)).toBe(DEMO.secretAccessKey)
    writeFileSync(world.configPath, `${DEMO_CONFIG}mfa_keyring = ${OTHER_ID}\n`)
    const missing = await report()
    expect(missing.checks.find(c => c.check === 'keyring')).toEqual({
      check: 'keyring',
      status: 'problem',
      message: 'the OS keyring answers but has no secret for the long-term key of profile "default" (AKIA…0000)',
      fix: 'store it again: mfa keys add',
    })
  })

  test('a failure mid-import (the file changed under it) takes the keyring item and the setting back', async () => {
    // This test holds the credentials file's lock, as another mfa would. mfa stores the key, writes
    // mfa_keyring, and waits for the lock; meanwhile the file gets another secret. Under the lock mfa
    // reads the file again, finds the change, and undoes what it did.
    const lockFile = join(cacheDir(world.env()), `credentials-${hashKey('credentials', world.credentialsPath)}.lock`)
    const lock = await acquireLock(lockFile)
    const config = world.read(world.configPath)
    const importing = mfa(['keys', 'import'])
    try {
      for (let i = 0; !world.read(world.configPath).includes('mfa_keyring') && i < 300; i++) await new Promise(resolve => setTimeout(resolve, 50))
      expect(await keyring.lookup(DEMO.accessKeyId)).toBe(DEMO.secretAccessKey)
      writeFileSync(world.credentialsPath, DEMO_CREDENTIALS.replace(DEMO.secretAccessKey, OTHER_SECRET))
    } finally {
      lock.release()
    }
    const r = await importing
    expect(r.stderr).toBe('mfa: [default] in ~/.aws/credentials changed while mfa was importing its keys; nothing was changed\nhint: Run the command again.\n')
    expect(r.code).toBe(1)
    expect(world.read(world.configPath)).toBe(config)
    expect(await keyring.lookup(DEMO.accessKeyId)).toBeUndefined()
  })

  test('add on a real terminal: the id is shown as typed, the secret is not', async () => {
    const t = await terminal([process.execPath, BIN, 'keys', 'add', '-p', 'other'], env({TERM: 'xterm-256color'}), {cwd: world.home})
    try {
      await t.waitFor(/Access key id for profile other: $/m)
      await t.send(OTHER_ID, {literal: true})
      await t.send('Enter')
      await t.waitFor(/Secret access key \(not shown\): $/m)
      await t.send(OTHER_SECRET.slice(0, 10) + 'x', {literal: true})
      await t.send('BSpace')
      await t.send(OTHER_SECRET.slice(10), {literal: true})
      await t.send('Enter')
      expect(await t.exitCode()).toBe(0)
      const screen = await t.screen()
      expect(screen).toContain(`Access key id for profile other: ${OTHER_ID}\n`)
      expect(screen).toContain('mfa: stored key AKIA…0000 of profile "other" in the OS keyring')
      expect(screen).not.toContain(OTHER_SECRET.slice(0, 6))
    } finally {
      await t.close()
    }
    expect(await keyring.lookup(OTHER_ID)).toBe(OTHER_SECRET)
  })

  test('add refuses keys on the command line and temporary keys, and never echoes the secret', async () => {
    const argv = await mfa(['keys', 'add', OTHER_ID, OTHER_SECRET])
    expect(argv.code).toBe(2)
    const temporary = await mfa(['keys', 'add', '-p', 'x'], {}, `ASIAOTHER00000000000\n${OTHER_SECRET}\n`)
    expect(temporary.stderr).toMatch(/^mfa: that access key id starts with ASIA/)
    expect(temporary.stderr).not.toContain(OTHER_SECRET)
    expect(temporary.code).toBe(2)
  })

  test('a missing item: one line that says how to put it back', async () => {
    writeFileSync(world.credentialsPath, PLAIN)
    writeFileSync(world.configPath, `${DEMO_CONFIG}mfa_keyring = ${DEMO.accessKeyId}\n`)
    const r = await mfa(['login', '-t', await world.freshCode()])
    expect(r.stderr).toBe(`mfa: the OS keyring has no secret for key AKIA…MPLE of profile "default" (mfa_keyring in its config)\nhint: Store the key again: mfa keys add\n`)
    expect(r.code).toBe(1)
    // A wrong secret in the keyring: STS's refusal points at the keyring, not at the file.
    await keyring.store(DEMO.accessKeyId, OTHER_SECRET)
    const wrong = await mfa(['login', '-t', await world.freshCode()])
    expect(wrong.stderr).toBe(
      'mfa: STS rejected the signature: the secret key of profile "default" does not match its access key AKIA…MPLE\nhint: The OS keyring holds another secret for it: store the key again with `mfa keys add -p default`.\n',
    )
    expect(wrong.code).toBe(1)
    await keyring.store(DEMO.accessKeyId, DEMO.secretAccessKey)
    expectOk(await mfa(['login', '-t', await world.freshCode()]))
  })
})

describeWith(KEYRING_TOOLS, 'when the keyring cannot be used, files and keys stay as they were', () => {
  let world: World
  beforeEach(async () => {
    world = await makeWorld()
  })
  afterEach(async () => {
    await world.close()
  })

  async function importFails(env: NodeJS.ProcessEnv, message: RegExp): Promise<void> {
    const before = world.snapshot()
    const r = await world.mfa(['keys', 'import'], {env})
    expect(r.stderr).toMatch(message)
    expect(r.stderr.split('\n')).toHaveLength(3)
    expect(r.code).toBe(1)
    expect(world.snapshot()).toEqual(before)
    expect(world.read(world.credentialsPath)).toBe(DEMO_CREDENTIALS)
  }

  test('no D-Bus session bus', async () => {
    await importFails(world.env(), /^mfa: cannot read key AKIA…MPLE from the OS keyring: no D-Bus session bus to reach the keyring \(DBUS_SESSION_BUS_ADDRESS is not set/)
  })

  test('no D-Bus: add, remove, export and list say so in one line and change nothing', async () => {
    writeFileSync(world.credentialsPath, PLAIN)
    writeFileSync(world.configPath, `${DEMO_CONFIG}mfa_keyring = ${DEMO.accessKeyId}\n`)
    const before = world.snapshot()
    for (const [args, input] of [[['keys', 'remove']], [['keys', 'export']], [['keys', 'add'], `${OTHER_ID}\n${OTHER_SECRET}\n`]] as Array<[string[], string?]>) {
      const r = await world.mfa(args, {input})
      expect([args, r.stderr]).toEqual([args, expect.stringMatching(/^mfa: cannot \w+ key AKIA…\w{4} (from|in) the OS keyring: no D-Bus session bus to reach the keyring \(DBUS_SESSION_BUS_ADDRESS is not set[^\n]*\nhint: [^\n]+\n$/)])
      expect(r.code).toBe(1)
      expect(world.snapshot()).toEqual(before)
    }
    const list = await world.mfa(['keys', 'list'])
    expect(list.stdout).toBe('default  AKIA…MPLE  OS keyring (not checked)\n')
    expect(list.stderr).toMatch(/^mfa: cannot read key AKIA…MPLE from the OS keyring: no D-Bus session bus/)
    expect(list.code).toBe(1)
  })

  test('a locked collection', async () => {
    const keyring = await startKeyring()
    try {
      await keyring.lock()
      await importFails(world.env(keyring.env), /^mfa: cannot (read|store) key AKIA…MPLE (from|in) the OS keyring: the keyring collection is locked and no unlock prompt could be shown here\nhint: Unlock it/)
      expect(await keyring.lookup(DEMO.accessKeyId)).toBeUndefined()
    } finally {
      await keyring.stop()
    }
  })

  test('a headless session: a bus, but no Secret Service on it', async () => {
    const keyring = await startKeyring({service: false})
    try {
      await importFails(world.env(keyring.env), /^mfa: cannot read key AKIA…MPLE from the OS keyring: no keyring service runs on the D-Bus session bus \(a headless session/)
    } finally {
      await keyring.stop()
    }
  })

  test('a keyring never set up (no collection)', async () => {
    const keyring = await startKeyring({unlocked: false})
    try {
      await importFails(world.env(keyring.env), /^mfa: cannot store key AKIA…MPLE in the OS keyring: the keyring has no collection/)
    } finally {
      await keyring.stop()
    }
  })
})
