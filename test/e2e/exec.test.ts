/**
 * `mfa exec -- CMD`: like running CMD directly, only authenticated. Real processes through
 * bin/run.cjs against the local STS server; a real terminal (tmux) for the interactive cases.
 */
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {spawn} from 'node:child_process'
import {BIN, ROOT} from '../helpers/cli.js'
import {AWS_CLI, describeWith} from '../helpers/tools.js'
import {COUNT_SIGINT_PY} from '../helpers/signals.js'
import {terminal, type Terminal} from '../helpers/tmux.js'
import {DEMO, makeWorld, type World} from '../helpers/world.js'

let world: World
beforeEach(async () => {
  world = await makeWorld()
  expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
})
afterEach(async () => {
  await world.close()
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('arguments reach the command byte for byte, in order', () => {
  test("printf '%s,' x y x --profile '$HOME' 'a b'", async () => {
    const r = await world.mfa(['exec', '--', 'printf', '%s,', 'x', 'y', 'x', '--profile', '$HOME', 'a b'])
    expect(r.stdout).toBe('x,y,x,--profile,$HOME,a b,')
    expect(r.code).toBe(0)
  })

  test('empty words, newlines, UTF-8, a second --, words that look like mfa flags; the same through oclif', async () => {
    const words = ['', 'line\nbreak', 'ünïcødé ☁', '--', '--force', '-p', 'other', '-t', '123456', '--help', "it's", '*', '~']
    for (const env of [world.env(), world.env({MFA_NO_FAST_PATH: '1'})]) {
      const r = await world.mfa(['exec', '--', 'printf', '[%s]', ...words], {env})
      expect(r.stdout).toBe(words.map(w => `[${w}]`).join(''))
      expect(r.code).toBe(0)
    }
  })

  test("the command's own options are not mfa's, on the oclif path too", async () => {
    for (const env of [world.env(), world.env({MFA_NO_FAST_PATH: '1'})]) {
      const r = await world.mfa(['exec', 'printf', '%s|', '--bogus', '--profile'], {env})
      expect({code: r.code, stdout: r.stdout, stderr: r.stderr}).toEqual({code: 0, stdout: '--bogus|--profile|', stderr: ''})
    }
  })

  test('mfa flags before -- are mfa\'s; the command may also start at the first word that is no flag', async () => {
    const a = await world.mfa(['exec', '--profile', 'default', '--', 'sh', '-c', 'printf %s "$MFA_PROFILE"'])
    expect(a.stdout).toBe('default')
    const b = await world.mfa(['exec', '-p', 'default', 'printf', '%s|', '--profile', 'x'])
    expect(b.stdout).toBe('--profile|x|')
  })
})

describe('environment', () => {
  test('the session in, what competes out, the parent\'s other variables kept', async () => {
    const env = world.env({AWS_PROFILE: 'default', AWS_ACCESS_KEY_ID: 'AKIAOLD', AWS_SECRET_ACCESS_KEY: 'old', AWS_SESSION_TOKEN: 'old', AWS_SECURITY_TOKEN: 'old', AWS_DEFAULT_PROFILE: 'x', KEEP_ME: 'yes'})
    const r = await world.mfa(['exec', '--', 'sh', '-c', 'printf "%s|" "${AWS_PROFILE-unset}" "${AWS_DEFAULT_PROFILE-unset}" "${AWS_SECURITY_TOKEN-unset}" "$AWS_ACCESS_KEY_ID" "$MFA_PROFILE" "$AWS_REGION" "$AWS_CREDENTIAL_EXPIRATION" "$KEEP_ME"'], {env})
    const [profile, defaultProfile, securityToken, key, marker, region, expiration, keep] = r.stdout.split('|')
    expect({profile, defaultProfile, securityToken, marker, region, keep}).toEqual({profile: 'unset', defaultProfile: 'unset', securityToken: 'unset', marker: 'default', region: 'eu-west-1', keep: 'yes'})
    expect(key).toMatch(/^ASIA/)
    expect(expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  test('the same variables as `mfa env`', async () => {
    const json = JSON.parse((await world.mfa(['env', '--shell', 'json'])).stdout) as Record<string, string | null>
    const r = await world.mfa(['exec', '--', 'env'])
    const childEnv = Object.fromEntries(r.stdout.trimEnd().split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
    for (const [name, value] of Object.entries(json)) expect([name, childEnv[name]]).toEqual([name, value ?? undefined])
  })

  test('no secret on any command line while the command runs', async () => {
    const secret = JSON.parse((await world.mfa(['credential-process'])).stdout)
    const child = world.mfa(['exec', '--', 'sleep', '2'])
    await sleep(800)
    const cmdlines = readdirSync('/proc')
      .filter(p => /^\d+$/.test(p))
      .map(p => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ')
        } catch {
          return ''
        }
      })
    expect(cmdlines.some(c => c.includes('sleep 2'))).toBe(true)
    for (const c of cmdlines) {
      expect(c).not.toContain(secret.SecretAccessKey)
      expect(c).not.toContain(secret.SessionToken)
    }
    expect((await child).code).toBe(0)
  })

  test('nesting: the inner profile wins, and the marker says which', async () => {
    writeFileSync(world.configPath, `${readFileSync(world.configPath, 'utf8')}\n[profile inner]\nregion = us-west-2\nmfa_serial = ${DEMO.mfaSerial}\n`)
    writeFileSync(world.credentialsPath, `${readFileSync(world.credentialsPath, 'utf8')}\n[inner]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
    const inner = await world.freshCode()
    const r = await world.mfa(['exec', '--', process.execPath, BIN, 'exec', '-p', 'inner', '-t', inner, '--', 'sh', '-c', 'printf "%s %s" "$MFA_PROFILE" "$AWS_REGION"'])
    expect(r.stdout).toBe('inner us-west-2')
    expect(r.code).toBe(0)
  })
})

describe('exit codes', () => {
  test.each([
    [['true'], 0],
    [['sh', '-c', 'exit 7'], 7],
    [['sh', '-c', 'kill -TERM $$'], 143],
    [['sh', '-c', 'kill -KILL $$'], 137],
  ])('%j exits %d', async (command, code) => {
    const r = await world.mfa(['exec', '--', ...command])
    expect(r.code).toBe(code)
    expect(r.stderr).toBe('')
  })

  test('not found: 127 and one line', async () => {
    const r = await world.mfa(['exec', '--', 'no-such-command-xyz', 'arg'])
    expect(r.code).toBe(127)
    expect(r.stderr).toBe('mfa: command not found: no-such-command-xyz\n')
  })

  test('not executable: 126 and one line', async () => {
    const file = join(world.home, 'not-executable')
    writeFileSync(file, '#!/bin/sh\necho hi\n', {mode: 0o644})
    const r = await world.mfa(['exec', '--', file])
    expect(r.code).toBe(126)
    expect(r.stderr).toBe(`mfa: cannot run ${file}: permission denied (not executable)\n`)
  })

  test('without a command: $SHELL, and mfa says so', async () => {
    const r = await world.mfa(['exec'], {env: world.env({SHELL: '/bin/sh'}), input: 'printf "%s" "$MFA_PROFILE"; exit 4\n'})
    expect(r.stderr).toBe('mfa: starting /bin/sh with the session of profile default; exit it to return\n')
    expect(r.stdout).toBe('default')
    expect(r.code).toBe(4)
  })
})

describe('signals reach the command; mfa waits for it', () => {
  const groups: number[] = []
  afterEach(() => {
    // Whatever a failed test left running goes with its process group.
    for (const pid of groups.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {}
    }
  })

  /** Starts `mfa exec -- bash -c SCRIPT` and resolves once the script says it is ready. */
  function started(script: string) {
    const child = spawn(process.execPath, [BIN, 'exec', '--', 'bash', '-c', script], {env: world.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe']})
    groups.push(child.pid!)
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', d => (out += d))
    const exited = new Promise<{code: number | null; signal: string | null}>(resolve => child.on('close', (code, signal) => resolve({code, signal})))
    const ready = (async () => {
      for (let i = 0; i < 200 && !out.includes('ready'); i++) await sleep(25)
      if (!out.includes('ready')) throw new Error(`not ready: ${out}`)
    })()
    return {child, exited, ready, out: () => out}
  }

  for (const [signal, name] of [['SIGTERM', 'TERM'], ['SIGINT', 'INT'], ['SIGHUP', 'HUP'], ['SIGUSR1', 'USR1'], ['SIGQUIT', 'QUIT'], ['SIGUSR2', 'USR2'], ['SIGWINCH', 'WINCH']] as const) {
    test(`${signal} sent to mfa reaches the command, and its exit code comes back`, async () => {
      const p = started(`trap 'echo got ${name}; exit 3' ${name}; echo ready; while :; do sleep 0.05; done`)
      await p.ready
      process.kill(p.child.pid!, signal)
      expect(await p.exited).toEqual({code: 3, signal: null})
      expect(p.out()).toBe(`ready\ngot ${name}\n`)
    })
  }

  test('a signal sent the moment the command starts is passed on, not lost (handlers go in before the spawn)', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await world.mfa(['exec', '--', 'sh', '-c', 'trap "echo got USR1" USR1; kill -USR1 $PPID; sleep 0.3; echo done'])
      expect({stdout: r.stdout, stderr: r.stderr, code: r.code}).toEqual({stdout: 'got USR1\ndone\n', stderr: '', code: 0})
    }
  })

  test('a command that ignores SIGTERM keeps running, and mfa keeps waiting for it (no SIGKILL after 5 s)', async () => {
    const p = started(`trap '' TERM; echo ready; sleep 6; echo done; exit 5`)
    await p.ready
    process.kill(p.child.pid!, 'SIGTERM')
    expect(await p.exited).toEqual({code: 5, signal: null})
    expect(p.out()).toBe('ready\ndone\n')
  })
})

describeWith(['tmux', 'python3'], 'in a terminal', () => {
  let term: Terminal | undefined
  afterEach(async () => {
    await term?.close()
    term = undefined
  })

  test('an interactive shell: a prompt, the session, the terminal as stdin, its exit code', async () => {
    term = await terminal([process.execPath, BIN, 'exec', '--', 'bash', '--norc', '--noprofile', '-i'], world.env({PS1: 'child$ '}), {cwd: ROOT})
    await term.waitFor(/child\$ $/m)
    await term.send('[ -t 0 ] && echo "tty:$MFA_PROFILE"; exit 5', {literal: true})
    await term.send('Enter')
    expect(await term.exitCode()).toBe(5)
    expect(await term.screen()).toMatch(/^tty:default$/m)
  })

  test('Ctrl-C reaches the command once, and mfa waits for it to finish', async () => {
    // A second SIGINT (mfa passing on what the terminal already delivered) would be counted.
    term = await terminal([process.execPath, BIN, 'exec', '--', 'python3', '-c', COUNT_SIGINT_PY], world.env(), {cwd: ROOT})
    await term.waitFor(/^ready$/m)
    await term.send('C-c')
    expect(await term.exitCode()).toBe(9)
    const screen = await term.screen()
    expect(screen).toMatch(/^done after 1$/m)
    expect(screen).not.toMatch(/INT 2/)
  })
})

describeWith([AWS_CLI], 'the real AWS CLI as the command', () => {
  test('signs with the session; AWS_PROFILE of the parent does not interfere', async () => {
    const r = await world.mfa(['exec', '-p', 'default', '--', AWS_CLI, 'sts', 'get-caller-identity', '--endpoint-url', world.sts.url, '--query', 'Arn', '--output', 'text'], {
      env: world.env({AWS_PROFILE: 'does-not-exist', AWS_PAGER: ''}),
    })
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe(DEMO.userArn)
    expect(r.code).toBe(0)
    const last = world.sts.calls.at(-1)!
    expect(last).toMatchObject({action: 'GetCallerIdentity', ok: true})
    expect(last.accessKeyId).toMatch(/^ASIA/)
  })
})
