/**
 * The failure catalogue (docs/failures.md): files that are corrupt, too open, read-only or full, a
 * process killed mid-write, stale and live locks, mfa_process faults, odd profile names, clock skew,
 * and a load of mixed parallel callers. Each case through bin/run.cjs against the local STS server.
 */
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {spawn} from 'node:child_process'
import {BIN} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {DEMO, DEMO_CONFIG, DEMO_CREDENTIALS, makeWorld, type World} from '../helpers/world.js'
import {hashKey} from '../../src/session/cache.js'
import {parseIni, readSections} from '../../src/aws/ini.js'

let world: World
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await world.close()
})

const sessionFile = () => join(world.cacheDir, readdirSync(world.cacheDir).find(n => n.startsWith('session-'))!)
const oneLine = (stderr: string) => {
  const lines = stderr.trimEnd().split('\n')
  expect(lines[0]).toMatch(/^mfa: /)
  expect(lines.length).toBeLessThanOrEqual(2)
  expect(stderr).not.toMatch(/\n\s+at /)
}

describe('files', () => {
  test('a corrupt or truncated cache entry is ignored, replaced, and reported', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    const file = sessionFile()
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100))
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^mfa: ignoring the cached session in .*session-demo-[0-9a-f]+\.json: it is not valid JSON \(corrupt or truncated\); it will be replaced$/m)
    expect(JSON.parse(readFileSync(file, 'utf8')).Credentials.AccessKeyId).toMatch(/^ASIA/)
  })

  test('a credentials file readable by others is made private, and mfa says so', async () => {
    chmodSync(world.credentialsPath, 0o644)
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^mfa: ~\/\.aws\/credentials was readable by others \(0644\); it is now private \(0600\)$/m)
    expect(world.mode(world.credentialsPath)).toBe(0o600)
  })

  test('a cached session readable by others, in an open directory, is made private', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    chmodSync(sessionFile(), 0o644)
    const r = await world.mfa(['env', '--shell', 'bash'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^mfa: the cached session ~\/\.aws\/mfa\/session-.*\.json was readable by others \(0644\); it is now private$/m)
    expect(world.mode(sessionFile())).toBe(0o600)
    chmodSync(world.cacheDir, 0o755)
    const again = await world.mfa(['login', '--force', '-t', await world.freshCode()])
    expect(again.stderr).toMatch(/^mfa: the session cache ~\/\.aws\/mfa was open to others \(0755\); it is now private$/m)
    expect(world.mode(world.cacheDir)).toBe(0o700)
  })

  test('mfa never widens a mode: a 0400 credentials file stays 0400', async () => {
    chmodSync(world.credentialsPath, 0o400)
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    expect(world.mode(world.credentialsPath)).toBe(0o400)
  })

  test('a stale lock left by a killed process is broken; the login goes through', async () => {
    const dead = spawn('true')
    await new Promise(resolve => dead.on('close', resolve))
    mkdirSync(world.cacheDir, {recursive: true, mode: 0o700})
    const lock = join(world.cacheDir, `device-${hashKey('device', DEMO.mfaSerial)}.lock`)
    writeFileSync(lock, JSON.stringify({pid: dead.pid, host: hostname(), token: 'x', at: Date.now()}))
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(r.stderr).not.toMatch(/waiting/)
    expect(existsSync(lock)).toBe(false)
  })

  test('a live holder is waited for, and mfa says who it waits for', async () => {
    const holder = spawn('sleep', ['2'])
    mkdirSync(world.cacheDir, {recursive: true, mode: 0o700})
    const lock = join(world.cacheDir, `device-${hashKey('device', DEMO.mfaSerial)}.lock`)
    writeFileSync(lock, JSON.stringify({pid: holder.pid, host: hostname(), token: 'x', at: Date.now()}))
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.stderr).toMatch(new RegExp(`^mfa: waiting for another mfa process \\(pid ${holder.pid}\\) that is getting a session for arn:aws:iam::123456789012:mfa/demo…$`, 'm'))
    expect(r.code).toBe(0)
    expect(r.ms).toBeGreaterThan(1000)
  })
})

/** Runs a script in a user and mount namespace of its own, where it may mount file systems (tmpfs, read-only). */
function inNamespace(script: string, env: NodeJS.ProcessEnv) {
  return world.run('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {env})
}

describeWith(['unshare', 'strace'], 'file system faults', () => {
  const mfaCmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`
  const state = `cd "$HOME/.aws" && ls -A && cat config credentials | sha256sum`

  test('HOME read-only: one line, nothing changed', async () => {
    const script = `set -e
      mkdir -p /tmp/ro-src && cp -a "$HOME/.aws" /tmp/ro-src/
      mount -t tmpfs tmpfs "$HOME" && cp -a /tmp/ro-src/.aws "$HOME/" && mount -o remount,ro "$HOME"
      before=$(${state})
      set +e; ${mfaCmd} login -t "$CODE" 2>/tmp/ro-err; code=$?; set -e
      after=$(${state})
      [ "$before" = "$after" ] && echo same
      echo "exit=$code"; cat /tmp/ro-err`
    const r = await inNamespace(script, world.env({CODE: await world.freshCode()}))
    expect(r.stdout).toMatch(/^same\nexit=1\nmfa: cannot write ~\/\.aws\/credentials: the file system is read-only; no code was used\nhint: Use a writable HOME/)
  })

  test('the disk full during a write: the old file intact, no partial file left', async () => {
    const script = `set -e
      mkdir -p /tmp/full-src && cp -a "$HOME/.aws/." /tmp/full-src/
      mount -t tmpfs -o size=64k tmpfs "$HOME/.aws" && cp -a /tmp/full-src/. "$HOME/.aws/"
      dd if=/dev/zero of="$HOME/.aws/filler" bs=1k 2>/dev/null || true
      before=$(${state})
      set +e; ${mfaCmd} login -t "$CODE" 2>/tmp/full-err; code=$?; set -e
      after=$(${state})
      [ "$before" = "$after" ] && echo same
      echo "exit=$code"; cat /tmp/full-err`
    const r = await inNamespace(script, world.env({CODE: await world.freshCode(), MFA_CACHE_DIR: join(world.home, 'cache')}))
    expect(r.stdout).toMatch(/^same\nexit=1\nmfa: could not write ~\/\.aws\/(config|credentials): no space left on the device; nothing was changed\nhint: Free some disk space, then try again\.\n$/)
  })

  test('killed at the moment of the rename: the old file intact; the next login is not blocked', async () => {
    const before = world.read(world.credentialsPath)
    // strace kills mfa at its 3rd rename: the used-code record, the cache entry, then the new
    // credentials file over the old one.
    const r = await world.run('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename', '-e', 'inject=rename:signal=SIGKILL:when=3', process.execPath, BIN, 'login', '-t', await world.freshCode()])
    expect(r.signal === 'SIGKILL' || r.code === 137).toBe(true)
    expect(world.read(world.credentialsPath)).toBe(before)
    // What it was writing is there, whole, under its temporary name; the real file was never touched.
    const strays = readdirSync(join(world.home, '.aws')).filter(n => n.includes('.mfa-'))
    expect(strays).toEqual([expect.stringMatching(/^\.credentials\.mfa-\d+-[0-9a-z]+$/)])
    expect(readSections(parseIni(world.read(join(world.home, '.aws', strays[0])), 'tmp')).get('mfa')?.aws_session_token).toBeTruthy()
    // The session was cached before the kill: the next run needs no code, breaks the stale lock, and cleans up.
    const next = await world.mfa(['login'])
    expect(next.code).toBe(0)
    expect(world.read(world.credentialsPath)).toMatch(/^\[mfa\]$/m)
    expect(readdirSync(join(world.home, '.aws')).filter(n => n.includes('.mfa-'))).toEqual([])
  })
})

describe('codes', () => {
  const withProcess = (body: string) => {
    const script = join(world.home, 'code.sh')
    writeFileSync(script, `#!/bin/sh\n${body}\n`)
    chmodSync(script, 0o755)
    writeFileSync(world.configPath, `${DEMO_CONFIG}mfa_process = ${script}\n`)
  }

  test('mfa_process that fails', async () => {
    withProcess('echo "no yubikey" >&2; exit 3')
    const before = world.snapshot()
    const r = await world.mfa(['login'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^no yubikey\nmfa: mfa_process of profile "default" failed \(exit 3\)\nhint: Run it by hand to check it: /)
    expect(world.snapshot()).toEqual(before)
  })

  test('mfa_process that prints junk: not echoed, not sent', async () => {
    withProcess('echo "hello world"')
    const r = await world.mfa(['login'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: mfa_process of profile "default" printed 11 characters, not a 6-digit code\nhint: /)
    expect(r.stderr).not.toContain('hello')
    expect(world.sts.calls).toEqual([])
  })

  test('mfa_process that is not there', async () => {
    withProcess('exec /nonexistent/ykman')
    const r = await world.mfa(['login'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/mfa: mfa_process of profile "default" was not found\n/)
  })
})

describe('input', () => {
  test('profile names with spaces work; with brackets they are written as botocore reads them', async () => {
    writeFileSync(world.configPath, `[profile my team]\nmfa_serial = ${DEMO.mfaSerial}\n\n[profile [x]]\nmfa_serial = ${DEMO.mfaSerial}\n`)
    writeFileSync(world.credentialsPath, `[my team]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n\n[[x]]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
    const ok = await world.mfa(['login', '-p', 'my team', '-t', await world.freshCode()])
    expect(ok.code).toBe(0)
    expect(ok.stderr).toMatch(/use it with: aws --profile 'my team-mfa'/)
    expect(readSections(parseIni(world.read(world.credentialsPath), 'c')).get('my team-mfa')?.aws_session_token).toBeTruthy()
    const brackets = await world.mfa(['login', '-p', '[x]', '-t', await world.freshCode()])
    expect(brackets.code).toBe(0)
    expect(readSections(parseIni(world.read(world.credentialsPath), 'c')).get('[x]-mfa')?.aws_session_token).toBeTruthy()
  })

  test('a malformed credentials file: its line number', async () => {
    writeFileSync(world.credentialsPath, `${DEMO_CREDENTIALS}[broken\n`)
    const r = await world.mfa(['env', '--shell', 'bash', '-t', '123456'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: ~\/\.aws\/credentials line 5: malformed section header\n/)
  })
})

describe('clock skew', () => {
  test('corrected by the SDK, and reported', async () => {
    world.sts.setClockOffset(10 * 60_000)
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^mfa: this computer's clock is 10 min behind AWS's; set it right/m)
  })

  test('RequestExpired when the SDK does not retry: by how much the clock is off', async () => {
    world.sts.setClockOffset(-7 * 60_000)
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({AWS_MAX_ATTEMPTS: '1'})})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: this computer's clock is 7 min ahead of AWS's, so STS rejected the request as expired\nhint: Set the clock right/)
  })
})

describe('load', () => {
  test('20 mixed processes for 4 profiles at once, three times: all succeed, one session call per profile, every original byte kept', async () => {
    const names = ['alpha', 'beta', 'gamma', 'delta']
    const users = names.map((n, i) => ({
      userName: n,
      accountId: '123456789012',
      arn: `arn:aws:iam::123456789012:user/${n}`,
      accessKeyId: `AKIALOAD${String(i).repeat(12)}`,
      secretAccessKey: `loadsecret${n}`.padEnd(40, 'x'),
      mfaDevices: [{serial: `arn:aws:iam::123456789012:mfa/${n}`, secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'}],
    }))
    for (const u of users) world.sts.addUser(u)
    const config = `# team config\n${users.map(u => `[profile ${u.userName}]\nregion = eu-central-1\nmfa_serial = ${u.mfaDevices[0].serial}\n`).join('\n')}`
    const credentials = `# keys\n${users.map(u => `[${u.userName}]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`).join('\n')}; end`
    writeFileSync(world.configPath, config)
    writeFileSync(world.credentialsPath, credentials)
    const codes = Object.fromEntries(users.map(u => [u.userName, world.sts.code(u.mfaDevices[0].serial)]))
    const kinds = [
      (p: string) => ['env', '--shell', 'bash', '-p', p, '-t', codes[p]],
      (p: string) => ['exec', '-p', p, '-t', codes[p], '--', 'true'],
      (p: string) => ['credential-process', '-p', p, '-t', codes[p]],
      (p: string) => ['login', '-p', p, '-t', codes[p]],
      (p: string) => ['env', '--shell', 'fish', '-p', p, '-t', codes[p]],
    ]
    for (let round = 0; round < 3; round++) {
      const runs = names.flatMap(p => kinds.map(k => world.mfa(k(p), {timeoutMs: 60_000})))
      const results = await Promise.all(runs)
      for (const r of results) expect({code: r.code, stderr: r.stderr.replace(/^mfa: (session for|new session|use it with|waiting for).*\n/gm, '')}).toEqual({code: 0, stderr: ''})
    }
    for (const u of users) expect(world.sts.count('GetSessionToken', c => c.ok && c.accessKeyId === u.accessKeyId)).toBe(1)
    const after = world.read(world.credentialsPath)
    expect(after.startsWith(credentials)).toBe(true)
    const sections = readSections(parseIni(after, 'credentials'))
    for (const n of names) expect(sections.get(`${n}-mfa`)?.aws_session_token).toBeTruthy()
    expect([...sections.keys()].filter(k => k.endsWith('-mfa'))).toHaveLength(4)
    expect(world.read(world.configPath).startsWith(config)).toBe(true)
  }, 180_000)
})

describe('debug output', () => {
  test('MFA_DEBUG=1 adds the details of a fault, with no secret in them; without it, one line', async () => {
    world.sts.fail({fault: {kind: 'garbage'}})
    const code = await world.freshCode()
    const plain = await world.mfa(['login', '-t', code])
    oneLine(plain.stderr)
    const debug = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({MFA_DEBUG: '1'})})
    expect(debug.code).toBe(1)
    expect(debug.stderr.split('\n').length).toBeGreaterThan(3)
    expect(debug.stderr).toMatch(/\n\s+at /)
    expect(debug.stderr).not.toContain(DEMO.secretAccessKey)
  })

  test('a fault on the fast path (mfa env) shows its stack in src/, not in the minified bundle', async () => {
    // A cache directory under a file: the file system's error, thrown in mfa's own code, is the cause.
    writeFileSync(join(world.home, 'file'), '')
    const debug = await world.mfa(['env', '--shell', 'bash', '-t', await world.freshCode()], {env: world.env({MFA_DEBUG: '1', MFA_CACHE_DIR: join(world.home, 'file', 'cache')})})
    expect(debug.code).toBe(1)
    expect(debug.stdout).toBe('')
    const frames = debug.stderr.split('\n').filter(line => /^\s+at /.test(line))
    // Mapped back through dist/fast.cjs.map: from the action down to the directory's creation, at lines of src/.
    expect(frames.some(line => /^\s+at [^(]*[/\\]src[/\\]actions[/\\]env\.ts:\d+:\d+$/.test(line))).toBe(true)
    const created = frames.map(line => /^\s+at ([^(]*[/\\]src[/\\]aws[/\\]private-files\.ts):(\d+):\d+$/.exec(line)).find(Boolean)
    expect(readFileSync(created![1], 'utf8').split('\n')[Number(created![2]) - 1]).toMatch(/mkdirSync\(/)
    expect(frames.filter(line => line.includes('fast.cjs'))).toEqual([])
    expect(debug.stderr).not.toContain(DEMO.secretAccessKey)
  })
})

describe('sessions and profiles mfa did not make', () => {
  test('a cached MFA session that STS no longer accepts is replaced once, behind a role', async () => {
    writeFileSync(world.configPath, `${DEMO_CONFIG}\n[profile admin]\nrole_arn = ${DEMO.roleArn}\nsource_profile = default\n`)
    expect((await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])).code).toBe(0)
    for (const name of readdirSync(world.cacheDir)) {
      const file = join(world.cacheDir, name)
      if (name.startsWith('role-')) writeFileSync(file, '{}')
      if (name.startsWith('session-')) {
        const entry = JSON.parse(readFileSync(file, 'utf8'))
        entry.Credentials.SessionToken = 'revoked' + entry.Credentials.SessionToken.slice(7)
        writeFileSync(file, JSON.stringify(entry))
      }
    }
    const r = await world.mfa(['login', '-p', 'admin', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(world.sts.count('GetSessionToken', c => c.ok)).toBe(2)
    expect(world.sts.count('AssumeRole', c => c.ok)).toBe(2)
  })

  test('a [mfa] profile with long-term keys that mfa did not write is never overwritten', async () => {
    const credentials = `${DEMO_CREDENTIALS}\n[mfa]\naws_access_key_id = AKIAOWNPROFILE000000\naws_secret_access_key = mine\n`
    writeFileSync(world.credentialsPath, credentials)
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('mfa: [mfa] in ~/.aws/credentials is not a section mfa wrote; mfa would keep the session of profile "default" there, and will not take it over\nhint: Rename your profile "mfa" (or remove that section), then try again.\n')
    expect(world.read(world.credentialsPath)).toBe(credentials)
    expect(world.read(world.configPath)).toBe(DEMO_CONFIG)
  })
})
