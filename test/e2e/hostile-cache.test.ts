/**
 * The session cache in a hostile place: links, FIFOs and files of the wrong shape planted in it, a
 * directory shared with others or owned by someone else, escape sequences from outside, a full
 * disk, and an STS that is slow, resets or issues a session already over. Each case runs bin/run.cjs
 * against the local STS server; docs/failures.md names them.
 */
import {chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {execFileSync, spawn} from 'node:child_process'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {BIN} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {DEMO, makeWorld, type World} from '../helpers/world.js'
import {hashKey, sessionCacheFile} from '../../src/session/cache.js'

let world: World
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await world.close()
})

const sessionPath = () => sessionCacheFile(world.cacheDir, DEMO.accessKeyId, DEMO.mfaSerial)
const usedPath = () => join(world.cacheDir, `used-${hashKey('used', DEMO.mfaSerial)}.json`)
const lockPath = () => join(world.cacheDir, `device-${hashKey('device', DEMO.mfaSerial)}.lock`)
const ESC = '\x1b'

/** A file of the user's that a planted link points at: it must come out as it went in. */
function victim(): {path: string; unchanged: () => void} {
  const path = join(world.home, 'precious.txt')
  writeFileSync(path, 'mine\n', {mode: 0o640})
  return {
    path,
    unchanged() {
      expect(readFileSync(path, 'utf8')).toBe('mine\n')
      expect(statSync(path).mode & 0o777).toBe(0o640)
    },
  }
}

describe('links in the cache directory are never followed', () => {
  test.each([
    ['the session cache file', sessionPath],
    ['the used-code record', usedPath],
    ['the device lock', lockPath],
  ])('a link at %s: the file it points at is neither chmodded nor written', async (_what, at) => {
    mkdirSync(world.cacheDir, {mode: 0o700})
    const target = victim()
    symlinkSync(target.path, at())
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    target.unchanged()
    // The session is kept, in a file of its own.
    expect(lstatSync(sessionPath()).isFile()).toBe(true)
  })

  test('a link at the device lock to a FIFO: never opened (it would block), broken like a garbled lock', async () => {
    mkdirSync(world.cacheDir, {mode: 0o700})
    const fifo = join(world.home, 'fifo')
    execFileSync('mkfifo', [fifo])
    symlinkSync(fifo, lockPath())
    const r = await world.mfa(['login', '-t', await world.freshCode()], {timeoutMs: 15_000})
    expect(r.signal).toBeNull()
    expect(r.code).toBe(0)
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  test('a shared sticky directory (1777) as MFA_CACHE_DIR is refused before any code is sent, and stays 1777', async () => {
    const shared = join(world.home, 'shared')
    mkdirSync(shared)
    chmodSync(shared, 0o1777)
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({MFA_CACHE_DIR: shared})})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: the session cache ~\/shared is a shared directory \(1777\); mfa keeps sessions only in a private one\nhint: Set MFA_CACHE_DIR/)
    expect(statSync(shared).mode & 0o7777).toBe(0o1777)
    expect(world.sts.count('GetSessionToken')).toBe(0)
  })

  const asRoot = process.getuid?.() === 0 ? test : test.skip
  asRoot('a cache directory that belongs to another user is refused, and left as it is', async () => {
    const theirs = join(world.home, 'theirs')
    mkdirSync(theirs, {mode: 0o755})
    chownSync(theirs, 65534, 65534)
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({MFA_CACHE_DIR: theirs})})
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: the session cache ~\/theirs belongs to another user \(uid 65534\)/)
    expect(statSync(theirs).mode & 0o777).toBe(0o755)
    expect(readdirSync(theirs)).toEqual([])
    expect(world.sts.count('GetSessionToken')).toBe(0)
  })

  test('a directory at the cache path is found before the code is spent', async () => {
    mkdirSync(world.cacheDir, {mode: 0o700})
    mkdirSync(sessionPath())
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: ~\/\.aws\/mfa\/session-demo-[0-9a-f]+\.json is a directory, where mfa keeps a session\n/)
    expect(world.sts.count('GetSessionToken')).toBe(0)
  })
})

describe('the cache directory removed during a run', () => {
  test('while waiting for a lock: the directory is made again and the login goes through, with one call', async () => {
    mkdirSync(world.cacheDir, {mode: 0o700})
    // The holder of the lock removes the whole cache directory while this login waits for it.
    // `exec` makes the last sleep the process the test stops; no stdio is shared with the test runner.
    const holder = spawn('sh', ['-c', `sleep 1; rm -rf '${world.cacheDir}'; exec sleep 30`], {stdio: 'ignore'})
    try {
      writeFileSync(lockPath(), JSON.stringify({pid: holder.pid, host: hostname(), token: 'x', at: Date.now()}))
      const r = await world.mfa(['login', '-t', await world.freshCode()])
      expect(r.stderr).not.toMatch(/unexpected error|ENOENT/)
      expect(r.code).toBe(0)
      expect(world.sts.count('GetSessionToken')).toBe(1)
      expect(lstatSync(sessionPath()).isFile()).toBe(true)
      expect(existsSync(lockPath())).toBe(false)
    } finally {
      holder.kill()
    }
  })
})

describe('mfa_process', () => {
  test('that leaves a child holding stdout: the code is read and the login does not wait for the child', async () => {
    const script = join(world.home, 'code.sh')
    const pidFile = join(world.home, 'child.pid')
    writeFileSync(script, `#!/bin/sh\necho "$CODE"\nsleep 1000 2>/dev/null &\necho $! > '${pidFile}'\n`, {mode: 0o755})
    writeFileSync(world.configPath, `${readFileSync(world.configPath, 'utf8')}mfa_process = ${script}\n`)
    try {
      const r = await world.mfa(['login'], {env: world.env({CODE: await world.freshCode()}), timeoutMs: 15_000})
      expect(r.signal).toBeNull()
      expect(r.code).toBe(0)
      expect(world.sts.count('GetSessionToken')).toBe(1)
    } finally {
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL')
    }
  })
})

describe('what is not a regular file, or not a session, is no session', () => {
  test('a FIFO at the cache path: env, status --offline, prompt and credential-process answer at once', async () => {
    mkdirSync(world.cacheDir, {mode: 0o700})
    execFileSync('mkfifo', [sessionPath()])
    for (const args of [['env', '--shell', 'bash'], ['status', '--offline'], ['prompt', '--no-color'], ['credential-process']]) {
      const r = await world.mfa(args, {timeoutMs: 10_000})
      expect(r.signal).toBeNull()
      expect(r.code === 0 || r.code === 1).toBe(true)
    }
    const status = await world.mfa(['status', '--offline', '--json'], {timeoutMs: 10_000})
    expect(JSON.parse(status.stdout)).toMatchObject({state: 'none', error: 'the cached session is unreadable: it is a FIFO, not a file'})
  })

  test('a cache file of the wrong shape ("AccessKeyId": 123) is no session for env, status and prompt', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    const data = JSON.parse(readFileSync(sessionPath(), 'utf8'))
    data.Credentials.AccessKeyId = 123
    writeFileSync(sessionPath(), JSON.stringify(data))
    const env = await world.mfa(['env', '--shell', 'bash'])
    expect(env.code).toBe(1)
    expect(env.stderr).not.toMatch(/is not a function|unexpected error/)
    expect(env.stdout).toBe('')
    const status = await world.mfa(['status', '--offline', '--json'])
    expect(JSON.parse(status.stdout)).toMatchObject({state: 'none', error: 'the cached session is unreadable: it does not hold a session'})
    const prompt = await world.mfa(['prompt', '--no-color'])
    expect(prompt.stdout).not.toMatch(/\d+m|\d+h/)
  })
})

describe('what comes from outside is printed inert', () => {
  test('escape sequences in an STS error message reach the terminal as text', async () => {
    world.sts.fail({fault: {kind: 'status', status: 400, code: 'ValidationError', message: `bad ${ESC}]0;owned${ESC}\\ ${ESC}[2J input\x9b1m`}, actions: ['GetSessionToken']})
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(1)
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/)
    expect(r.stderr).toMatch(/^mfa: STS rejected GetSessionToken: bad \\x1b\]0;owned\\x1b\\ \\x1b\[2J input\\x9b1m$/m)
  })
})

describe('HOME', () => {
  test("HOME='' is refused: nothing read or written in the current directory", async () => {
    const cwd = join(world.home, 'work')
    mkdirSync(cwd)
    for (const args of [['login', '-t', await world.freshCode()], ['env', '--shell', 'bash'], ['status', '--offline']]) {
      const r = await world.mfa(args, {env: world.env({HOME: ''}), cwd})
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^mfa: HOME is empty, so there is no ~\/\.aws to use\nhint: Set HOME/)
    }
    expect(readdirSync(cwd)).toEqual([])
  })
})

describe('usage errors', () => {
  test("exec '': a usage error before any code is asked", async () => {
    const r = await world.mfa(['exec', '-t', '123456', '--', ''])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('mfa: the command to run is an empty word\nhint: Give the command after --, e.g. `mfa exec -- aws s3 ls`.\n')
    expect(world.sts.calls).toEqual([])
  })
})

describe("STS's own errors", () => {
  test('a regional error (RegionDisabledException) is reported with its code and message, not as "not STS"', async () => {
    world.sts.fail({fault: {kind: 'status', status: 403, code: 'RegionDisabledException', message: 'STS is not activated in this region for account:123456789012.'}, actions: ['GetSessionToken']})
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'mfa: STS refused GetSessionToken: RegionDisabledException: STS is not activated in this region for account:123456789012.\nhint: Activate STS in this region (IAM account settings) or use another region.\n',
    )
  })
})

describe('output that does not arrive is an error', () => {
  test('env and credential-process with stdout closed (>&-): exit 1, said on stderr', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    for (const args of ['env --shell bash', 'credential-process']) {
      const r = await world.run('sh', ['-c', `"$NODE" "$BIN" ${args} >&-`], {env: world.env({NODE: process.execPath, BIN})})
      expect(r.code).toBe(1)
      expect(r.stderr).toBe('mfa: stdout is closed: nothing was written\nhint: Run mfa with its output going somewhere (`>&-` closes it).\n')
    }
  })

  test('a pipe whose reader is gone: exit 141', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    // The reading end is closed before mfa starts, so the write fails every time, not by a race.
    const script = 'import os,subprocess,sys\nr,w=os.pipe()\nos.close(r)\nsys.exit(subprocess.run(sys.argv[1:],stdout=w).returncode)'
    const r = await world.run('python3', ['-c', script, process.execPath, BIN, 'env', '--shell', 'bash'])
    expect(r.code).toBe(141)
    expect(r.stderr).toMatch(/^mfa: the reader of stdout went away before the output was written \(broken pipe\)\n$/)
  })
})

describe('codes that are paid for', () => {
  test('connection refused does not spend the code: the same code works once STS is reachable', async () => {
    const code = await world.freshCode()
    const refused = await world.mfa(['login', '-t', code], {env: world.env({AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9'})})
    expect(refused.stderr).toMatch(/^mfa: cannot reach STS at http:\/\/127\.0\.0\.1:9: connection refused$/m)
    const r = await world.mfa(['login', '-t', code])
    expect(r.stderr).toBe(r.code === 0 ? r.stderr : '')
    expect(r.code).toBe(0)
  })

  test('a reset after the code was sent: said as a reset, and the code is sent once', async () => {
    world.sts.fail({fault: {kind: 'reset'}, times: 1, actions: ['GetSessionToken']})
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: the connection to STS at http:\/\/127\.0\.0\.1:\d+ was reset before it answered GetSessionToken\n/)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })

  test('a 5xx on GetSessionToken is not retried: the code went with it', async () => {
    world.sts.fail({fault: {kind: 'status', status: 503, code: 'ServiceUnavailable'}, actions: ['GetSessionToken']})
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.stderr).toMatch(/^mfa: STS failed with HTTP 503 \(ServiceUnavailable\)\n/)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })

  test('STS slower than 5 s within MFA_TIMEOUT: one call, and the login succeeds', async () => {
    world.sts.fail({fault: {kind: 'slow', delayMs: 6000}, actions: ['GetSessionToken']})
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({MFA_TIMEOUT: '15'})})
    expect(r.code).toBe(0)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })

  test('MFA_TIMEOUT=1e9 is capped, not an overflowed timer that fires at once', async () => {
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({MFA_TIMEOUT: '1e9'})})
    expect(r.stderr).not.toMatch(/TimeoutOverflow|did not answer/)
    expect(r.code).toBe(0)
  })

  test('a session already over when it arrives is an error that names the clock', async () => {
    world.sts.setExpiry({at: Date.now() - 60_000})
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mfa: STS issued a session that ends at \S+, but this computer's clock says it is \S+: the clock is ahead\nhint: Set the clock right/)
  })
})

describeWith(['unshare'], 'a full disk', () => {
  /**
   * Runs `mfa login` with the cache on a small tmpfs filled up but for `free` bytes: creating a file
   * still works (an inode), writing to it does not, as on a real full disk.
   */
  async function loginOnFullDisk(free: number) {
    const script = `set -e
      mkdir -p "$MFA_CACHE_DIR" && mount -t tmpfs -o size=64k,mode=0700 tmpfs "$MFA_CACHE_DIR"
      dd if=/dev/zero of="$MFA_CACHE_DIR/filler" bs=4k 2>/dev/null || true
      truncate -s -${free} "$MFA_CACHE_DIR/filler"
      set +e; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} login -t "$CODE" 2>/tmp/full-err-$$; code=$?; set -e
      echo "exit=$code"; cat /tmp/full-err-$$; rm -f /tmp/full-err-$$
      echo "locks=$(ls -A "$MFA_CACHE_DIR" | grep -c '\\.lock$' || true)"`
    const cache = join(world.home, 'cache')
    return world.run('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {env: world.env({CODE: await world.freshCode(), MFA_CACHE_DIR: cache})})
  }

  test('the lock cannot be written: a clear message, no lock left behind, no code sent', async () => {
    const r = await loginOnFullDisk(0)
    expect(r.stdout).toMatch(/^exit=1\nmfa: could not create the lock ~\/cache\/device-[0-9a-f]+\.lock: no space left on the device; nothing was changed\nhint: Free some disk space, then try again\.\nlocks=0\n$/)
    expect(world.sts.count('GetSessionToken')).toBe(0)
  })

  test('room for the lock only: the message says which session was lost, and no lock is left', async () => {
    const r = await loginOnFullDisk(4096)
    expect(world.sts.count('GetSessionToken')).toBe(1)
    expect(r.stdout).toMatch(/^exit=1\nmfa: the session STS issued \(until \S+\) was lost: it could not be kept: could not write ~\/cache\/session-demo-[0-9a-f]+\.json: no space left on the device/)
    expect(r.stdout).toMatch(/\nlocks=0\n$/)
    expect(r.stdout).not.toContain('SecretAccessKey')
  })
})
